//! GitOps objects: a Flux `HelmRelease` (`spec.chart.spec.chart`/`version`, inline
//! `spec.values`, `spec.valuesFrom`) and an Argo CD `Application` (`spec.source(s)`: `chart`
//! + `targetRevision`, or a `path` in this repository; `helm.valueFiles`, `helm.valuesObject`).

use crate::files::FileKind;
use crate::model::{spanned_str, FoundBy, Hub, Inline, RemoteChart, RepoModel, Spanned, ValuesRef};
use crate::workspace::{join, SourceFile, Workspace};
use crate::yaml::Node;

pub fn find(ws: &Workspace, model: &RepoModel) -> Vec<Hub> {
    let mut hubs = Vec::new();
    for file in ws
        .files()
        .filter(|f| f.kind() == FileKind::Yaml && model.is_data(&f.path))
    {
        let Some(text) = file.text() else { continue };
        let has =
            |needle: &str| crate::files::find_bytes(text.as_bytes(), needle.as_bytes()).is_some();
        if !has("HelmRelease") && !has("Application") {
            continue;
        }
        let Some(parsed) = file.yaml() else { continue };
        for (doc_index, doc) in parsed.docs.iter().enumerate() {
            let api = doc
                .get("apiVersion")
                .and_then(Node::as_str)
                .unwrap_or_default();
            match doc.get("kind").and_then(Node::as_str) {
                Some("HelmRelease") if api.starts_with("helm.toolkit.fluxcd.io") => {
                    hubs.extend(flux(file, doc_index, doc));
                }
                Some("Application") if api.starts_with("argoproj.io") => {
                    hubs.extend(argo(ws, file, doc_index, doc));
                }
                _ => {}
            }
        }
    }
    hubs
}

fn release_name(file: &SourceFile, doc: &Node) -> Spanned<String> {
    let meta = doc.get("metadata");
    meta.and_then(|m| m.get("name"))
        .and_then(|n| spanned_str(n, &file.path))
        .unwrap_or_else(|| Spanned::new(file.path.clone(), &file.path, doc.range))
}

fn flux(file: &SourceFile, doc_index: usize, doc: &Node) -> Option<Hub> {
    let spec = doc.get("spec")?;
    let chart_spec = spec.get("chart").and_then(|c| c.get("spec"));
    let chart = chart_spec
        .and_then(|c| c.get("chart"))
        .and_then(Node::as_str)?;
    let version = chart_spec
        .and_then(|c| c.get("version"))
        .and_then(|n| spanned_str(n, &file.path));
    let namespace = doc
        .get("metadata")
        .and_then(|m| m.get("namespace"))
        .and_then(Node::as_str)
        .unwrap_or_default();
    let mut hub = Hub::new(FoundBy::FluxHelmRelease, namespace, release_name(file, doc));
    hub.remote_chart = Some(RemoteChart {
        name: chart.rsplit('/').next().unwrap_or(chart).to_string(),
        version,
    });
    if spec.get("valuesFrom").is_some() {
        // ConfigMaps and Secrets named there are assembled by the cluster.
        hub.has_hidden_values = true;
    }
    if let Some(values) = spec.get("values").filter(|v| v.as_mapping().is_some()) {
        let written = Spanned::new("spec.values".into(), &file.path, values.range);
        let mut v = ValuesRef::file(&file.path, written);
        v.inline = Some(Inline {
            doc: doc_index,
            path: vec!["spec".into(), "values".into()],
        });
        hub.values_files.push(v);
    }
    Some(hub)
}

fn argo(ws: &Workspace, file: &SourceFile, doc_index: usize, doc: &Node) -> Vec<Hub> {
    let Some(spec) = doc.get("spec") else {
        return Vec::new();
    };
    let sources: Vec<(Vec<String>, &Node)> = match spec.get("sources").and_then(Node::as_sequence) {
        Some(items) => items
            .iter()
            .enumerate()
            .map(|(i, s)| (vec!["spec".into(), "sources".into(), i.to_string()], s))
            .collect(),
        None => spec
            .get("source")
            .map(|s| vec![(vec!["spec".to_string(), "source".to_string()], s)])
            .unwrap_or_default(),
    };
    let mut hubs = Vec::new();
    for (path, source) in &sources {
        let helm = source.get("helm");
        let version = source
            .get("targetRevision")
            .and_then(|n| spanned_str(n, &file.path));
        let mut hub = Hub::new(FoundBy::ArgoApplication, "", release_name(file, doc));
        let chart_dir = source
            .get("path")
            .and_then(Node::as_str)
            .map(|p| p.trim_matches('/').to_string());
        if let Some(chart) = source.get("chart").and_then(Node::as_str) {
            hub.remote_chart = Some(RemoteChart {
                name: chart.to_string(),
                version,
            });
        } else if let Some(dir) = &chart_dir {
            let chart_file = join(dir, "Chart.yaml");
            if !ws.contains(&chart_file) {
                continue;
            }
            hub.chart_file = Some(chart_file);
        } else {
            continue;
        }
        for v in helm
            .and_then(|h| h.get("valueFiles"))
            .and_then(Node::as_sequence)
            .unwrap_or_default()
        {
            let Some(written) = spanned_str(v, &file.path) else {
                continue;
            };
            // `$values/…` names a file of another source (`ref: values`): this repository.
            let rel = match written.value.strip_prefix('$') {
                Some(r) => r.split_once('/').map_or("", |(_, p)| p).to_string(),
                None => join(chart_dir.as_deref().unwrap_or(""), &written.value),
            };
            hub.push_values(ValuesRef::named(ws, &rel, written));
        }
        if helm.and_then(|h| h.get("values")).is_some()
            || helm.and_then(|h| h.get("parameters")).is_some()
        {
            hub.has_hidden_values = true;
        }
        if let Some(obj) = helm
            .and_then(|h| h.get("valuesObject"))
            .filter(|o| o.as_mapping().is_some())
        {
            let mut p = path.clone();
            p.extend(["helm".to_string(), "valuesObject".to_string()]);
            let mut r = ValuesRef::file(
                &file.path,
                Spanned::new("helm.valuesObject".into(), &file.path, obj.range),
            );
            r.inline = Some(Inline {
                doc: doc_index,
                path: p,
            });
            hub.values_files.push(r);
        }
        hubs.push(hub);
    }
    hubs
}
