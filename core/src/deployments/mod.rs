//! Finding the hubs of a repository without configuration: every way a z2jh deployment is
//! declared (2i2c's cluster.yaml, hubploy, helmfile and helmsman, Flux and Argo CD, `helm
//! upgrade` lines in scripts and CI, local charts and their per-environment values, values
//! files recognised by their keys, `.hublint.yaml` `hubs:`), then, for each hub, which
//! jupyterhub chart version it deploys and where its values sit.

mod cluster;
mod commands;
mod configured;
mod content;
mod gitops;
mod helmfile;
mod hubploy;
mod local_charts;
pub mod report;
mod terraform;
pub mod wrappers;

use crate::config::Config;
use crate::model::{Hub, JupyterhubVersion, RemoteChart, RepoModel, Spanned};
use crate::workspace::{join, Workspace};

/// Fill `model.hubs`. Charts and chartpress images must already be read.
pub fn find_hubs(ws: &Workspace, model: &mut RepoModel, config: &Config) {
    let mut hubs = cluster::find(ws, model);
    // Hub chart overrides are Chart.yaml files under another name.
    for hub in &hubs {
        if let Some(path) = &hub.chart_file {
            if model.chart(path).is_none() {
                if let Some(chart) = ws.get(path).and_then(crate::model::read_chart) {
                    model.charts.push(chart);
                }
            }
        }
    }
    let model_ref: &RepoModel = model;
    let mut found = configured::find(ws, model_ref, config);
    found.extend(hubploy::find(ws, model_ref));
    found.extend(helmfile::find(ws, model_ref));
    found.extend(gitops::find(ws, model_ref));
    found.extend(commands::find(ws, model_ref));
    found.extend(terraform::find(ws, model_ref));
    for mut hub in found {
        // Only deployments of the jupyterhub chart (directly or inside a wrapper) are hubs.
        if resolve(model_ref, &mut hub) && !duplicates(&hubs, &hub) {
            hubs.push(hub);
        }
    }
    for mut hub in local_charts::find(ws, model_ref, &hubs) {
        if resolve(model_ref, &mut hub) {
            hubs.push(hub);
        }
    }
    for cluster_hub in hubs
        .iter_mut()
        .filter(|h| h.found_by == crate::model::FoundBy::Cluster)
    {
        if cluster_hub.chart_file.is_none() || !resolve(model_ref, cluster_hub) {
            // A cluster.yaml hub whose chart is not in the repository: basehub's layout.
            cluster_hub.nesting = vec!["jupyterhub".into()];
        }
    }
    let mut by_content = content::find(ws, model_ref, config, &hubs);
    for hub in &mut by_content {
        resolve(model_ref, hub);
    }
    hubs.extend(by_content);
    unique_labels(&mut hubs);
    model.hubs = hubs;
}

/// Two hubs one file declares with one label (`prod` deployed to two clouds by one CI
/// file) are told apart by their first own values file. (Only within a file: a label must
/// not depend on what else the workspace holds.)
fn unique_labels(hubs: &mut [Hub]) {
    let labels: Vec<(String, String)> = hubs
        .iter()
        .map(|h| (h.label(), h.cluster_file.clone()))
        .collect();
    for (i, hub) in hubs.iter_mut().enumerate() {
        if labels.iter().filter(|l| **l == labels[i]).count() > 1 {
            let first = hub
                .yaml_values()
                .next()
                .map(|v| v.path.clone())
                .or_else(|| hub.chart_file.clone());
            if let Some(first) = first {
                hub.name.value = format!("{} ({first})", hub.name.value);
            }
        }
    }
}

/// The same chart and values files (a script and a CI workflow running the same command).
fn duplicates(hubs: &[Hub], hub: &Hub) -> bool {
    hubs.iter().any(|h| {
        h.chart_file == hub.chart_file
            && h.remote_chart.as_ref().map(|r| &r.name)
                == hub.remote_chart.as_ref().map(|r| &r.name)
            && h.values_files
                .iter()
                .map(|v| (&v.path, &v.inline))
                .eq(hub.values_files.iter().map(|v| (&v.path, &v.inline)))
    })
}

/// Work out a hub's jupyterhub chart version and values nesting from its chart. False when
/// its chart does not lead to the jupyterhub chart. A version already set (configured) stays.
fn resolve(model: &RepoModel, hub: &mut Hub) -> bool {
    let found = if let Some(chart_file) = &hub.chart_file {
        local_chart_path(model, chart_file, 0)
    } else if let Some(remote) = &hub.remote_chart {
        remote_chart_path(remote)
    } else {
        // Values mapped to the jupyterhub chart by content or configuration: nesting known.
        return true;
    };
    let Some((nesting, version)) = found else {
        return false;
    };
    hub.nesting = nesting;
    if hub.jupyterhub.is_none() {
        hub.jupyterhub = version;
    }
    true
}

type Resolved = (Vec<String>, Option<JupyterhubVersion>);

fn remote_chart_path(remote: &RemoteChart) -> Option<Resolved> {
    if remote.name == "jupyterhub" {
        let version = remote.version.as_ref().map(|v| JupyterhubVersion {
            version: v.value.clone(),
            written: v.clone(),
            via: None,
        });
        return Some((Vec::new(), version));
    }
    if wrappers::WRAPPERS.contains(&remote.name.as_str()) {
        let version = remote
            .version
            .as_ref()
            .and_then(|v| bundled(&remote.name, v));
        return Some((vec!["jupyterhub".into()], version));
    }
    None
}

fn bundled(chart: &str, version: &Spanned<String>) -> Option<JupyterhubVersion> {
    let b = wrappers::bundled_jupyterhub(chart, &version.value)?;
    Some(JupyterhubVersion {
        version: b.jupyterhub.to_string(),
        written: version.clone(),
        via: Some(b.how),
    })
}

/// From a local chart down to the jupyterhub chart: through a jupyterhub dependency, a
/// remote wrapper (binderhub, daskhub) dependency, or a local `file://` dependency.
fn local_chart_path(model: &RepoModel, chart_file: &str, depth: usize) -> Option<Resolved> {
    if depth > 8 {
        return None;
    }
    let chart = model.chart(chart_file)?;
    if chart.name() == Some("jupyterhub") {
        let version = chart.version.as_ref().map(|v| JupyterhubVersion {
            version: v.value.clone(),
            written: v.clone(),
            via: Some("the jupyterhub chart itself".into()),
        });
        return Some((Vec::new(), version));
    }
    if let Some(jh) = chart.jupyterhub() {
        let version = jh.version.as_ref().map(|v| JupyterhubVersion {
            version: v.value.clone(),
            written: v.clone(),
            via: None,
        });
        return Some((vec![jh.values_key().to_string()], version));
    }
    let is_local = |d: &crate::model::Dependency| {
        d.repository
            .as_deref()
            .is_some_and(|r| r.starts_with("file://"))
    };
    if let Some(w) = chart
        .dependencies
        .iter()
        .find(|d| wrappers::WRAPPERS.contains(&d.name.value.as_str()) && !is_local(d))
    {
        let version = w.version.as_ref().and_then(|v| bundled(&w.name.value, v));
        return Some((
            vec![w.values_key().to_string(), "jupyterhub".into()],
            version,
        ));
    }
    // A wrapper of a wrapper (daskhub → basehub): follow local dependencies. An override
    // file stands for the chart it names, whose folder holds the dependencies.
    let real = model.chart_home(chart);
    chart
        .dependencies
        .iter()
        .filter(|d| is_local(d))
        .find_map(|d| {
            let repo = d.repository.as_deref()?.strip_prefix("file://")?;
            let sub = join(&join(&real.dir, repo), "Chart.yaml");
            let (mut nesting, version) = local_chart_path(model, &sub, depth + 1)?;
            nesting.insert(0, d.values_key().to_string());
            Some((nesting, version))
        })
}

/// Where jupyterhub's values sit in a local chart's values, when the chart leads to it.
pub fn chart_nesting(model: &RepoModel, chart_file: &str) -> Option<Vec<String>> {
    local_chart_path(model, chart_file, 0).map(|(nesting, _)| nesting)
}

/// Whether a local chart leads to the jupyterhub chart.
pub(crate) fn leads_to_jupyterhub(model: &RepoModel, chart_file: &str) -> bool {
    local_chart_path(model, chart_file, 0).is_some()
}
