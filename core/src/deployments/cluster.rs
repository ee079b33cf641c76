//! 2i2c's `config/clusters/<cluster>/cluster.yaml`: `hubs:` with `helm_chart`,
//! `helm_chart_values_files` (in merge order) and an optional `chart_override`.

use crate::files::FileKind;
use crate::model::{spanned_str, FoundBy, Hub, NotYaml, RepoModel, ValuesRef};
use crate::workspace::{join, parent, Workspace};
use crate::yaml::Node;

pub fn find(ws: &Workspace, model: &RepoModel) -> Vec<Hub> {
    let mut hubs = Vec::new();
    for file in ws.files().filter(|f| f.kind() == FileKind::Cluster) {
        let Some(root) = file.yaml_root() else {
            continue;
        };
        let dir = file.dir().to_string();
        let cluster = root
            .get("name")
            .and_then(Node::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| dir.rsplit('/').next().unwrap_or(&dir).to_string());
        let repo_root = repo_root_of_cluster(&dir);
        for entry in root
            .get("hubs")
            .and_then(Node::as_sequence)
            .unwrap_or_default()
        {
            let Some(name) = entry.get("name").and_then(|n| spanned_str(n, &file.path)) else {
                continue;
            };
            let mut hub = Hub::new(FoundBy::Cluster, &cluster, name);
            hub.helm_chart = entry
                .get("helm_chart")
                .and_then(|n| spanned_str(n, &file.path));
            hub.values_files = entry
                .get("helm_chart_values_files")
                .and_then(Node::as_sequence)
                .unwrap_or_default()
                .iter()
                .filter_map(|v| spanned_str(v, &file.path))
                .map(|written| {
                    let base = written.value.rsplit('/').next().unwrap_or(&written.value);
                    let not_yaml = if base.contains("secret") {
                        Some(NotYaml::Secret)
                    } else if base.ends_with(".jsonnet") {
                        Some(NotYaml::Jsonnet)
                    } else {
                        None
                    };
                    let mut v = ValuesRef::file(&join(&dir, &written.value), written);
                    v.not_yaml = not_yaml;
                    v
                })
                .collect();
            hub.has_hidden_values = hub.values_files.iter().any(|v| v.not_yaml.is_some());
            hub.chart_override = entry
                .get("chart_override")
                .and_then(|n| spanned_str(n, &file.path));
            hub.chart_file = match &hub.chart_override {
                // Without `/`: relative to the cluster directory; with `/`: to the repo root.
                Some(o) if o.value.contains('/') => Some(join(&repo_root, &o.value)),
                Some(o) => Some(join(&dir, &o.value)),
                // The deployer's chart folder, `helm-charts/<name>` at its repository root.
                None => hub.helm_chart.as_ref().and_then(|c| {
                    let home = join(&repo_root, &format!("helm-charts/{}/Chart.yaml", c.value));
                    if ws.contains(&home) {
                        return Some(home);
                    }
                    model
                        .chart_named_near(&c.value, &file.path)
                        .or_else(|| model.chart_named(&c.value))
                        .map(|c| c.file.clone())
                }),
            };
            // 2i2c's deployer renders the chart's values.jsonnet for every hub it deploys, and
            // copies of such repositories often lack that file: any hub deployed through
            // cluster.yaml may get keys a YAML-only merge cannot see.
            if let Some(cf) = &hub.chart_file {
                if ws.contains(&join(parent(cf), "values.jsonnet")) || hub.helm_chart.is_some() {
                    hub.has_hidden_values = true;
                }
            }
            hubs.push(hub);
        }
    }
    hubs
}

/// 2i2c keeps clusters at `config/clusters/<name>/`; paths with `/` in a cluster.yaml are
/// relative to the repository root above that.
fn repo_root_of_cluster(dir: &str) -> String {
    match dir.find("config/clusters/") {
        Some(i) => dir[..i].trim_end_matches('/').to_string(),
        None => parent(dir).to_string(),
    }
}
