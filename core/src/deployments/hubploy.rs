//! hubploy: `deployments/<name>/hubploy.yaml`; each `config/<env>.yaml` beside
//! `config/common.yaml` is an environment, deployed with the repository's hub chart and
//! `common.yaml`, `<env>.yaml`, then `secrets/<env>.yaml` (sops) when present.

use super::content::is_kubernetes_manifest;
use crate::files::FileKind;
use crate::model::{FoundBy, Hub, NotYaml, RepoModel, Spanned, ValuesRef};
use crate::text::TextRange;
use crate::workspace::{join, parent, Workspace};

pub fn find(ws: &Workspace, model: &RepoModel) -> Vec<Hub> {
    let mut hubs = Vec::new();
    for file in ws
        .files()
        .filter(|f| f.file_name() == "hubploy.yaml" && model.is_data(&f.path))
    {
        let dir = file.dir();
        let deployment = dir.rsplit('/').next().unwrap_or(dir);
        let chart_file = hub_chart(ws, model, parent(parent(dir)));
        let config_dir = join(dir, "config");
        let prefix = format!("{config_dir}/");
        let envs: Vec<&str> = ws
            .files()
            .filter(|f| {
                f.path.starts_with(&prefix)
                    && !f.path[prefix.len()..].contains('/')
                    && f.kind() == FileKind::Yaml
                    && f.file_name() != "common.yaml"
                    && model.is_data(&f.path)
                    && !f.yaml_root().is_some_and(is_kubernetes_manifest)
            })
            .map(|f| f.path.as_str())
            .collect();
        for env_file in envs {
            let env_name = env_file.rsplit('/').next().unwrap_or(env_file);
            let env = env_name.trim_end_matches(".yaml").trim_end_matches(".yml");
            let name = Spanned::new(env.to_string(), &file.path, TextRange::empty(0));
            let mut hub = Hub::new(FoundBy::Hubploy, deployment, name);
            hub.chart_file = chart_file.clone();
            let written = |p: &str| Spanned::new(p.to_string(), &file.path, TextRange::empty(0));
            let common = join(&config_dir, "common.yaml");
            if ws.contains(&common) {
                hub.values_files
                    .push(ValuesRef::file(&common, written(&common)));
            }
            hub.values_files
                .push(ValuesRef::file(env_file, written(env_file)));
            let secret = join(dir, &format!("secrets/{env_name}"));
            if ws.contains(&secret) {
                let mut v = ValuesRef::file(&secret, written(&secret));
                if !model.is_data(&secret) {
                    v.not_yaml = Some(NotYaml::Secret);
                    hub.has_hidden_values = true;
                }
                hub.values_files.push(v);
            }
            hubs.push(hub);
        }
    }
    hubs
}

/// hubploy deploys the repository's hub chart: `hub/Chart.yaml` at the root by convention,
/// else the one local chart that leads to jupyterhub.
fn hub_chart(ws: &Workspace, model: &RepoModel, root: &str) -> Option<String> {
    let conventional = join(root, "hub/Chart.yaml");
    if ws.contains(&conventional) {
        return Some(conventional);
    }
    let mut candidates = model
        .charts
        .iter()
        .filter(|c| super::leads_to_jupyterhub(model, &c.file));
    match (candidates.next(), candidates.next()) {
        (Some(only), None) => Some(only.file.clone()),
        _ => None,
    }
}
