//! What discovery understood, for people: every hub with how it was found, its chart and
//! jupyterhub version and where those came from, its values files in merge order and the
//! images it runs; the files left out and why; and a one-line scope for `hublint check`.

use crate::files::NotData;
use crate::model::{Hub, NotYaml, RepoModel, Spanned};
use crate::text::TextRange;
use crate::values::hub_values;
use crate::workspace::Workspace;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HubReport {
    pub name: String,
    /// How it was found ("helm command line") and where (`file:line`).
    pub found_by: String,
    pub declared_at: String,
    /// A local chart's Chart.yaml, or a repository chart's name.
    pub chart: Option<String>,
    pub chart_version: Option<String>,
    pub jupyterhub_version: Option<String>,
    /// Where the jupyterhub version was read (`file:line`), and how a wrapper led to it.
    pub jupyterhub_version_from: Option<String>,
    pub jupyterhub_version_via: Option<String>,
    /// Where z2jh's values sit: `jupyterhub`, `binderhub.jupyterhub`, or "" for the root.
    pub values_path: String,
    pub values_files: Vec<ValuesFileReport>,
    /// Values helm gets that YAML does not show (secrets, `--set`, missing files).
    pub hidden_values: bool,
    /// `hub.image` and `singleuser.image` as merged (`name:tag`).
    pub images: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ValuesFileReport {
    pub path: String,
    /// `inline` values inside another file, `secret`, `jsonnet`, `missing`; absent for a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SkippedReport {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    pub hubs: Vec<HubReport>,
    pub skipped: Vec<SkippedReport>,
}

/// `file:line` of a span.
fn location(ws: &Workspace, file: &str, range: TextRange) -> String {
    match ws.get(file) {
        Some(f) => format!("{file}:{}", f.line_index().line_of(range.start) + 1),
        None => file.to_string(),
    }
}

fn spanned_location(ws: &Workspace, s: &Spanned<String>) -> String {
    location(ws, &s.file, s.range)
}

pub fn hub_report(ws: &Workspace, model: &RepoModel, hub: &Hub) -> HubReport {
    let (chart, chart_version) = match (&hub.chart_file, &hub.remote_chart) {
        (Some(file), _) => (
            Some(file.clone()),
            model
                .chart(file)
                .and_then(|c| c.version.as_ref())
                .map(|v| v.value.clone()),
        ),
        (None, Some(remote)) => (
            Some(remote.name.clone()),
            remote.version.as_ref().map(|v| v.value.clone()),
        ),
        (None, None) => (None, None),
    };
    let merged = hub_values(ws, model, hub, true);
    let mut images = Vec::new();
    if let Some(z2jh) = merged.get_path(&hub.nesting) {
        for part in ["hub", "singleuser"] {
            let Some(image) = z2jh.get(part).and_then(|p| p.get("image")) else {
                continue;
            };
            let name = image.get("name").and_then(|n| n.as_str());
            let tag = image
                .get("tag")
                .and_then(|t| t.node)
                .and_then(|n| n.helm_string());
            if let Some(name) = name {
                images.push(match tag {
                    Some(t) => format!("{name}:{t}"),
                    None => name.to_string(),
                });
            }
        }
    }
    HubReport {
        name: hub.label(),
        found_by: hub.found_by.describe().to_string(),
        declared_at: spanned_location(ws, &hub.name),
        chart,
        chart_version,
        jupyterhub_version: hub.jupyterhub.as_ref().map(|j| j.version.clone()),
        jupyterhub_version_from: hub
            .jupyterhub
            .as_ref()
            .map(|j| spanned_location(ws, &j.written)),
        jupyterhub_version_via: hub.jupyterhub.as_ref().and_then(|j| j.via.clone()),
        values_path: hub.nesting.join("."),
        values_files: hub
            .values_files
            .iter()
            .map(|v| ValuesFileReport {
                path: v.path.clone(),
                note: match (&v.inline, v.not_yaml) {
                    (Some(i), _) => Some(format!("inline at {}", i.path.join("."))),
                    (None, Some(NotYaml::Secret)) => Some("secret".into()),
                    (None, Some(NotYaml::Jsonnet)) => Some("jsonnet".into()),
                    (None, Some(NotYaml::Missing)) => Some("missing".into()),
                    (None, None) => None,
                },
            })
            .collect(),
        hidden_values: hub.has_hidden_values,
        images,
    }
}

pub fn report(ws: &Workspace, model: &RepoModel) -> Report {
    Report {
        hubs: model
            .hubs
            .iter()
            .map(|h| hub_report(ws, model, h))
            .collect(),
        skipped: model
            .not_data
            .iter()
            .map(|(path, reason)| SkippedReport {
                path: path.clone(),
                reason: reason.describe().to_string(),
            })
            .collect(),
    }
}

/// One line of scope: "171 hubs in 30 clusters (jupyterhub 4.3.3, 4.4.0), 272 values
/// files; skipped 26 templates, 12 encrypted files".
pub fn scope_line(model: &RepoModel) -> String {
    let hubs = model.hubs.len();
    let groups: BTreeSet<&str> = model
        .hubs
        .iter()
        .map(|h| h.cluster.as_str())
        .filter(|c| !c.is_empty())
        .collect();
    let versions: BTreeSet<&str> = model
        .hubs
        .iter()
        .filter_map(|h| h.jupyterhub.as_ref().map(|j| j.version.as_str()))
        .collect();
    let unversioned = model.hubs.iter().filter(|h| h.jupyterhub.is_none()).count();
    let values: BTreeSet<&str> = model
        .hubs
        .iter()
        .flat_map(|h| h.yaml_values().map(|v| v.path.as_str()))
        .collect();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut line = plural(hubs, "hub", "hubs");
    if !groups.is_empty() {
        let clusters = model
            .hubs
            .iter()
            .all(|h| h.found_by == crate::model::FoundBy::Cluster);
        let (one, many) = if clusters {
            ("cluster", "clusters")
        } else {
            ("group", "groups")
        };
        line.push_str(&format!(" in {}", plural(groups.len(), one, many)));
    }
    let mut version_text: Vec<String> = versions.iter().map(|v| v.to_string()).collect();
    if unversioned > 0 {
        version_text.push(format!("{unversioned} without a version"));
    }
    if !version_text.is_empty() {
        line.push_str(&format!(" (jupyterhub {})", version_text.join(", ")));
    }
    line.push_str(&format!(
        ", {}",
        plural(values.len(), "values file", "values files")
    ));
    let mut skipped: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for reason in model.not_data.values() {
        let key = match reason {
            NotData::HelmTemplate | NotData::JinjaTemplate => ("template", "templates"),
            NotData::GitCrypt | NotData::Sops => ("encrypted file", "encrypted files"),
        };
        *skipped.entry(key).or_default() += 1;
    }
    if !skipped.is_empty() {
        let parts: Vec<String> = skipped
            .iter()
            .rev()
            .map(|((one, many), n)| plural(*n, one, many))
            .collect();
        line.push_str(&format!("; skipped {}", parts.join(", ")));
    }
    line
}

/// A hub's values merged as helm merges them (wrapping charts' defaults, then each values
/// source in order, `global` handed down), at the jupyterhub chart's level, as JSON; with
/// each leaf's key path, value and origin (`file:line`).
pub fn merged_values(
    ws: &Workspace,
    model: &RepoModel,
    hub: &Hub,
) -> (serde_json::Value, Vec<(String, serde_json::Value, String)>) {
    let job = crate::schema::hubs::Job::for_hub(hub);
    let merged = crate::schema::hubs::merged_values(ws, model, &job, None);
    let Some(z2jh) = merged.get_path(&hub.nesting) else {
        return (serde_json::Value::Object(Default::default()), Vec::new());
    };
    let mut origins = Vec::new();
    let mut path = Vec::new();
    z2jh.walk(&mut path, &mut |keys, node| {
        if node.is_map() {
            return;
        }
        let origin = match node.node {
            Some(n) => location(ws, node.file, n.range),
            None => node.file.to_string(),
        };
        let value = crate::schema::merged_to_json(node);
        origins.push((keys.join("."), value, origin));
    });
    (crate::schema::merged_to_json(z2jh), origins)
}
