//! When each values file started selecting an experimental image, as git records it. Core
//! reads no git: front ends that can read the history (the CLI, the language server) fill
//! [`crate::Config::experiment_history`], and X001 reads it. The playground has none.

pub use crate::config::ExperimentStart;

/// The experimental images of a repository: those `.hublint.yaml` lists under
/// `experimental-images`, and those chartpress.yaml builds without a `valuesPath`.
pub fn experimental_image_names(
    model: &crate::model::RepoModel,
    config: &crate::Config,
) -> Vec<String> {
    let mut names: Vec<String> = config
        .experimental_images
        .iter()
        .map(|e| e.name.clone())
        .collect();
    names.extend(
        model
            .images
            .iter()
            .filter(|i| i.values_paths.is_empty())
            .map(|i| i.full_name.clone()),
    );
    names.sort();
    names.dedup();
    names
}
