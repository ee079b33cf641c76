//! When each values file started selecting an experimental image, as git records it. Core
//! reads no git: front ends that can read the history (the CLI, the language server) fill
//! [`crate::Config::experiment_history`], and X001 reads it. The playground has none.

/// One values file's current run of selecting one experimental image: the oldest commit of
/// the unbroken stretch of first-parent history, up to HEAD, in which the file names the
/// image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExperimentStart {
    /// Repository-relative path of the values file.
    pub file: String,
    /// The image name, as chartpress or `experimental-images` names it.
    pub image: String,
    /// The commit that made the file select it (abbreviated hash).
    pub commit: String,
    /// That commit's committer date, `YYYY-MM-DD` (UTC).
    pub date: String,
}

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
