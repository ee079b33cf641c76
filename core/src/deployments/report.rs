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
    /// The charts above the jupyterhub chart, outermost first, with their defaults file
    /// when hublint knows the chart: what `hubs --values --with-defaults` coalesces.
    pub wrapping_charts: Vec<WrappingChartReport>,
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
pub struct WrappingChartReport {
    /// Where its values sit ("" for the hub's own chart).
    pub values_path: String,
    /// Its `values.yaml`, when the chart is local.
    pub defaults: Option<String>,
    /// Its subcharts' keys.
    pub subcharts: Vec<String>,
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
        wrapping_charts: crate::values::chart_levels(
            model,
            hub.chart_file.as_deref(),
            &hub.nesting,
            None,
        )
        .into_iter()
        .filter(|l| l.prefix != hub.nesting)
        .map(|l| WrappingChartReport {
            values_path: l.prefix.join("."),
            defaults: l.defaults.filter(|d| ws.contains(d)),
            subcharts: l.subcharts,
        })
        .collect(),
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

/// A hub's values for the jupyterhub chart, as `hublint hubs --values` prints them.
#[derive(Debug, Clone, PartialEq)]
pub struct HubValues {
    /// The values, as JSON.
    pub json: serde_json::Value,
    /// Each leaf (a scalar, a list, an empty mapping): key path, value, origin (`file:line`).
    pub origins: Vec<(String, serde_json::Value, String)>,
    /// What the values leave out: unreadable sources, unknown chart defaults.
    pub notes: Vec<String>,
}

/// A hub's values at the jupyterhub chart's level. Without `with_defaults`: what the hub's
/// values files give it, merged in order as helm merges `-f` files (a `null` kept), like
/// `helm get values`. With it: what the chart renders with (its templates' `.Values`) —
/// every wrapping chart's defaults, `global` handed down, and the jupyterhub chart's own
/// defaults from `z2jh_defaults` (a `values.yaml` in the workspace) or, when that is `None`,
/// from the chart archive unpacked beside the hub's chart.
pub fn merged_values(
    ws: &Workspace,
    model: &RepoModel,
    hub: &Hub,
    with_defaults: bool,
    z2jh_defaults: Option<&str>,
) -> HubValues {
    let mut notes = Vec::new();
    for v in hub.values_files.iter() {
        let why = match v.not_yaml {
            Some(NotYaml::Secret) => "encrypted",
            Some(NotYaml::Jsonnet) => "jsonnet, not evaluated",
            Some(NotYaml::Missing) => "missing",
            None => continue,
        };
        notes.push(format!("{} left out ({why})", v.path));
    }
    let merged = if with_defaults {
        let job = crate::schema::hubs::Job::for_hub(hub);
        let unpacked = match z2jh_defaults {
            Some(_) => None,
            None => {
                let mut files = crate::schema::hubs::FileSchemas::default();
                crate::schema::hubs::schemas_for(ws, model, &job, &mut files).2
            }
        };
        let defaults = z2jh_defaults.or(unpacked.as_deref());
        let levels =
            crate::values::chart_levels(model, hub.chart_file.as_deref(), &hub.nesting, defaults);
        for level in &levels {
            match &level.defaults {
                Some(d) if !ws.contains(d) => notes.push(format!("chart defaults {d} not found")),
                None if level.prefix == hub.nesting => notes.push(
                    "the jupyterhub chart's own defaults are not known (no unpacked chart beside the hub's chart; pass --jupyterhub-chart DIR)".to_string(),
                ),
                None => notes.push(format!(
                    "the defaults of the chart at `{}` are not known (not a local chart)",
                    level.prefix.join(".")
                )),
                Some(_) => {}
            }
        }
        crate::values::helm_values(ws, hub.yaml_values(), Some(&levels))
    } else {
        crate::values::helm_values(ws, hub.yaml_values(), None)
    };
    let Some(z2jh) = merged.get_path(&hub.nesting).filter(|m| m.is_map()) else {
        return HubValues {
            json: serde_json::Value::Object(Default::default()),
            origins: Vec::new(),
            notes,
        };
    };
    let mut origins = Vec::new();
    let mut path = Vec::new();
    z2jh.walk(&mut path, &mut |keys, node| {
        if node.is_map() && !node.entries().is_empty() {
            return;
        }
        let origin = match node.node {
            Some(n) => location(ws, node.file, n.range),
            None => node.file.to_string(),
        };
        origins.push((keys.join("."), crate::schema::merged_to_json(node), origin));
    });
    HubValues {
        json: crate::schema::merged_to_json(z2jh),
        origins,
        notes,
    }
}

/// Values as YAML that helm reads back to the same values (YAML 1.1: a string that would
/// read as anything else is quoted), each leaf followed by `# origin` when `origin` gives one
/// for its key path.
pub fn values_as_yaml(
    value: &serde_json::Value,
    origin: &dyn Fn(&str) -> Option<String>,
) -> String {
    let mut out = String::new();
    match value {
        serde_json::Value::Object(m) if !m.is_empty() => {
            yaml_mapping(m, 0, "", origin, &mut out, false)
        }
        other => {
            out.push_str(&yaml_inline(other));
            out.push('\n');
        }
    }
    out
}

fn yaml_mapping(
    m: &serde_json::Map<String, serde_json::Value>,
    indent: usize,
    path: &str,
    origin: &dyn Fn(&str) -> Option<String>,
    out: &mut String,
    mut first_inline: bool,
) {
    for (k, v) in m {
        let key_path = if path.is_empty() {
            k.clone()
        } else {
            format!("{path}.{k}")
        };
        if !first_inline {
            out.push_str(&" ".repeat(indent));
        }
        first_inline = false;
        out.push_str(&yaml_string(k));
        out.push(':');
        let comment = origin(&key_path)
            .map(|o| format!("  # {o}"))
            .unwrap_or_default();
        match v {
            serde_json::Value::Object(sub) if !sub.is_empty() => {
                out.push('\n');
                yaml_mapping(sub, indent + 2, &key_path, origin, out, false);
            }
            serde_json::Value::Array(items) if !items.is_empty() => {
                out.push_str(&comment);
                out.push('\n');
                yaml_sequence(items, indent + 2, out);
            }
            scalar => {
                out.push(' ');
                out.push_str(&yaml_inline(scalar));
                out.push_str(&comment);
                out.push('\n');
            }
        }
    }
}

fn yaml_sequence(items: &[serde_json::Value], indent: usize, out: &mut String) {
    let none = |_: &str| None;
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        match item {
            serde_json::Value::Object(m) if !m.is_empty() => {
                yaml_mapping(m, indent + 2, "", &none, out, true)
            }
            serde_json::Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                yaml_sequence(inner, indent + 2, out);
            }
            scalar => {
                out.push_str(&yaml_inline(scalar));
                out.push('\n');
            }
        }
    }
}

fn yaml_inline(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "null".into(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => yaml_string(s),
        serde_json::Value::Array(_) => "[]".into(),
        serde_json::Value::Object(_) => "{}".into(),
    }
}

/// A string plain when YAML 1.1 reads it back as that string, else double-quoted (JSON's
/// escapes are YAML's).
fn yaml_string(s: &str) -> String {
    let plain = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '/')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./:@+-".contains(c))
        && !s.ends_with(':')
        && crate::yaml::helm::resolve_yaml11(s) == crate::yaml::helm::Resolved::String;
    if plain {
        s.to_string()
    } else {
        serde_json::Value::String(s.to_string()).to_string()
    }
}

/// The hubs that read `path` (as a values file, or declared in it).
pub fn hubs_of_file<'m>(model: &'m RepoModel, path: &str) -> Vec<&'m Hub> {
    model
        .hubs
        .iter()
        .filter(|h| h.cluster_file == path || h.values_files.iter().any(|v| v.path == path))
        .collect()
}

/// One line for an editor's status bar: what the file is to the hubs that read it.
pub fn file_scope_line(model: &RepoModel, path: &str) -> Option<String> {
    let hubs = hubs_of_file(model, path);
    let first = hubs.first()?;
    let versions: BTreeSet<&str> = hubs
        .iter()
        .filter_map(|h| h.jupyterhub.as_ref().map(|j| j.version.as_str()))
        .collect();
    let who = if hubs.len() == 1 {
        format!("hub {}", first.label())
    } else {
        format!("{} hubs", hubs.len())
    };
    let version = if versions.is_empty() {
        "jupyterhub version not found".to_string()
    } else {
        format!(
            "jupyterhub {}",
            versions.into_iter().collect::<Vec<_>>().join(", ")
        )
    };
    Some(format!("{who} · {version}"))
}

/// Markdown for an editor hover: each hub that reads the file, how it was found, its chart
/// and jupyterhub version and where they come from, and its values files in merge order.
pub fn file_scope_markdown(ws: &Workspace, model: &RepoModel, path: &str) -> Option<String> {
    let hubs = hubs_of_file(model, path);
    if hubs.is_empty() {
        return None;
    }
    let mut md = String::new();
    for hub in hubs.iter().take(8) {
        let r = hub_report(ws, model, hub);
        md.push_str(&format!(
            "**hub `{}`** — {} at `{}`\n\n",
            r.name, r.found_by, r.declared_at
        ));
        if let Some(chart) = &r.chart {
            md.push_str(&format!(
                "- chart `{chart}`{}\n",
                r.chart_version
                    .as_deref()
                    .map(|v| format!(" {v}"))
                    .unwrap_or_default()
            ));
        }
        match (&r.jupyterhub_version, &r.jupyterhub_version_from) {
            (Some(v), Some(from)) => md.push_str(&format!(
                "- jupyterhub {v} (`{from}`{})\n",
                r.jupyterhub_version_via
                    .as_deref()
                    .map(|v| format!("; {v}"))
                    .unwrap_or_default()
            )),
            _ => md.push_str("- jupyterhub version not found\n"),
        }
        if !r.values_path.is_empty() {
            md.push_str(&format!("- z2jh values under `{}`\n", r.values_path));
        }
        for (i, f) in r.values_files.iter().enumerate() {
            let here = if f.path == path { " ← this file" } else { "" };
            let note = f
                .note
                .as_deref()
                .map(|n| format!(" [{n}]"))
                .unwrap_or_default();
            md.push_str(&format!("{}. `{}`{note}{here}\n", i + 1, f.path));
        }
        md.push('\n');
    }
    if hubs.len() > 8 {
        md.push_str(&format!("… and {} more hubs\n", hubs.len() - 8));
    }
    md.push_str(&format!("Repository: {}", scope_line(model)));
    Some(md)
}
