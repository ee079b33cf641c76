//! helmfile (`releases:`: chart, version, `values:` files or inline maps) and helmsman
//! desired-state files (`apps:`: chart, version, `valuesFile(s)`, with later files such as
//! `helmsman/dev.yaml` overriding an app's name, version and values).

use crate::files::FileKind;
use crate::model::{spanned_str, FoundBy, Hub, Inline, RemoteChart, RepoModel, Spanned, ValuesRef};
use crate::workspace::{join, SourceFile, Workspace};
use crate::yaml::Node;

pub fn find(ws: &Workspace, model: &RepoModel) -> Vec<Hub> {
    let mut hubs = Vec::new();
    let yaml = || {
        ws.files()
            .filter(|f| f.kind() == FileKind::Yaml && model.is_data(&f.path))
    };
    for file in yaml().filter(|f| {
        let name = f.file_name();
        name.starts_with("helmfile") || f.path.contains("helmfile.d/")
    }) {
        hubs.extend(helmfile_releases(ws, file));
    }
    let helmsman: Vec<&SourceFile> = yaml()
        .filter(|f| {
            f.yaml_root()
                .and_then(|r| r.get("apps"))
                .is_some_and(|a| a.as_mapping().is_some())
        })
        .collect();
    for base in helmsman.iter().filter(|f| is_helmsman_base(f)) {
        hubs.extend(helmsman_apps(ws, base, &helmsman));
    }
    hubs
}

fn chart_ref(
    ws: &Workspace,
    dir: &str,
    chart: &str,
    version: Option<Spanned<String>>,
) -> (Option<String>, Option<RemoteChart>) {
    let local = join(dir, &format!("{}/Chart.yaml", chart.trim_end_matches('/')));
    if ws.contains(&local) {
        return (Some(local), None);
    }
    let name = chart.rsplit('/').next().unwrap_or(chart).to_string();
    (None, Some(RemoteChart { name, version }))
}

fn helmfile_releases(ws: &Workspace, file: &SourceFile) -> Vec<Hub> {
    let mut hubs = Vec::new();
    let Some(parsed) = file.yaml() else {
        return hubs;
    };
    for (doc_index, doc) in parsed.docs.iter().enumerate() {
        for (i, release) in doc
            .get("releases")
            .and_then(Node::as_sequence)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            if release.get("installed").and_then(Node::as_str) == Some("false") {
                continue;
            }
            let Some(chart) = release.get("chart").and_then(Node::as_str) else {
                continue;
            };
            let name = release
                .get("name")
                .and_then(|n| spanned_str(n, &file.path))
                .unwrap_or_else(|| Spanned::new(chart.to_string(), &file.path, release.range));
            let version = release
                .get("version")
                .and_then(|n| spanned_str(n, &file.path));
            let mut hub = Hub::new(FoundBy::Helmfile, "", name);
            (hub.chart_file, hub.remote_chart) = chart_ref(ws, file.dir(), chart, version);
            for (j, v) in release
                .get("values")
                .and_then(Node::as_sequence)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                if let Some(path) = spanned_str(v, &file.path) {
                    hub.push_values(values_ref(ws, file.dir(), path));
                } else if v.as_mapping().is_some() {
                    let written = Spanned::new("(inline values)".into(), &file.path, v.range);
                    let mut r = ValuesRef::file(&file.path, written);
                    r.inline = Some(Inline {
                        doc: doc_index,
                        path: vec![
                            "releases".into(),
                            i.to_string(),
                            "values".into(),
                            j.to_string(),
                        ],
                    });
                    hub.values_files.push(r);
                }
            }
            if release.get("secrets").is_some() || release.get("set").is_some() {
                hub.has_hidden_values = true;
            }
            hubs.push(hub);
        }
    }
    hubs
}

/// A values path relative to the declaring file's folder (a template such as
/// `values/{{ .Environment.Name }}.yaml` is not in the repository: missing).
fn values_ref(ws: &Workspace, dir: &str, written: Spanned<String>) -> ValuesRef {
    ValuesRef::named(ws, &join(dir, &written.value), written)
}

/// A helmsman file that declares apps with their charts (others only override them).
fn is_helmsman_base(file: &SourceFile) -> bool {
    file.yaml_root()
        .and_then(|r| r.get("apps"))
        .and_then(Node::as_mapping)
        .is_some_and(|apps| apps.iter().any(|a| a.value.get("chart").is_some()))
}

fn helmsman_apps(ws: &Workspace, base: &SourceFile, all: &[&SourceFile]) -> Vec<Hub> {
    let mut hubs = Vec::new();
    let Some(apps) = base
        .yaml_root()
        .and_then(|r| r.get("apps"))
        .and_then(Node::as_mapping)
    else {
        return hubs;
    };
    let overlays: Vec<&&SourceFile> = all
        .iter()
        .filter(|f| f.path != base.path && !is_helmsman_base(f))
        .collect();
    for app in apps {
        let Some(key) = app.key.as_str() else {
            continue;
        };
        let Some(chart) = app.value.get("chart").and_then(Node::as_str) else {
            continue;
        };
        let mut layers: Vec<(&SourceFile, &Node)> = Vec::new();
        for o in &overlays {
            if let Some(over) = o
                .yaml_root()
                .and_then(|r| r.get("apps"))
                .and_then(|a| a.get(key))
            {
                layers.push((o, over));
            }
        }
        let variants: Vec<Option<(&SourceFile, &Node)>> = if layers.is_empty() {
            vec![None]
        } else {
            layers.into_iter().map(Some).collect()
        };
        for layer in variants {
            let field = |k: &str| -> Option<(&SourceFile, &Node)> {
                layer
                    .and_then(|(f, n)| n.get(k).map(|v| (f, v)))
                    .or_else(|| app.value.get(k).map(|v| (base, v)))
            };
            let enabled = field("enabled")
                .and_then(|(_, n)| n.as_str())
                .unwrap_or("true");
            if enabled == "false" {
                continue;
            }
            let name_of = field("name")
                .and_then(|(f, n)| spanned_str(n, &f.path))
                .unwrap_or_else(|| Spanned::new(key.to_string(), &base.path, app.key.range));
            let group = layer
                .map(|(f, _)| {
                    f.file_name()
                        .trim_end_matches(".yaml")
                        .trim_end_matches(".yml")
                        .to_string()
                })
                .unwrap_or_default();
            let version = field("version").and_then(|(f, n)| spanned_str(n, &f.path));
            let mut hub = Hub::new(FoundBy::Helmsman, &group, name_of);
            hub.cluster_file = layer.map_or(base.path.clone(), |(f, _)| f.path.clone());
            (hub.chart_file, hub.remote_chart) = chart_ref(ws, base.dir(), chart, version);
            if let Some((f, files)) = field("valuesFiles") {
                for v in files.as_sequence().unwrap_or_default() {
                    if let Some(path) = spanned_str(v, &f.path) {
                        hub.push_values(values_ref(ws, f.dir(), path));
                    }
                }
            } else if let Some((f, v)) = field("valuesFile") {
                if let Some(path) = spanned_str(v, &f.path) {
                    hub.push_values(values_ref(ws, f.dir(), path));
                }
            }
            if field("set").is_some()
                || field("setString").is_some()
                || field("secretsFile").is_some()
            {
                hub.has_hidden_values = true;
            }
            hubs.push(hub);
        }
    }
    hubs
}
