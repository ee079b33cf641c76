//! Values files nothing else claims, mapped to the jupyterhub chart by configuration
//! (`.hublint.yaml` `values:` globs, a `# hublint: chart=` first line) or recognised by their
//! keys: z2jh's top-level keys at the root, or under a wrapper's `jupyterhub:` key.

use crate::config::Config;
use crate::files::FileKind;
use crate::model::{modeline, FoundBy, Hub, JupyterhubVersion, RepoModel, Spanned, ValuesRef};
use crate::text::TextRange;
use crate::values::chart_default_values;
use crate::workspace::{join, Workspace};
use crate::yaml::Node;
use std::collections::HashSet;

/// The jupyterhub chart's top-level keys in any release hublint knows, and `auth`, which
/// releases before 1.0 had.
pub const Z2JH_TOP_KEYS: &[&str] = &[
    "auth",
    "cull",
    "custom",
    "debug",
    "enabled",
    "fullnameOverride",
    "global",
    "httpRoute",
    "hub",
    "imagePullSecret",
    "imagePullSecrets",
    "ingress",
    "nameOverride",
    "prePuller",
    "proxy",
    "rbac",
    "scheduling",
    "singleuser",
];
/// Keys only a z2jh values file has: one of them must be present.
const Z2JH_DISTINCTIVE: &[&str] = &["hub", "singleuser", "proxy", "prePuller", "cull", "auth"];

/// A Kubernetes object (`apiVersion` and `kind`), not helm values.
pub fn is_kubernetes_manifest(root: &Node) -> bool {
    root.get("apiVersion").is_some() && root.get("kind").is_some()
}

/// Whether a mapping reads as the jupyterhub chart's values: a distinctive z2jh key, and
/// most of its keys z2jh keys.
pub fn looks_like_z2jh(node: &Node) -> bool {
    let Some(entries) = node.as_mapping() else {
        return false;
    };
    let keys: Vec<&str> = entries.iter().filter_map(|e| e.key.as_str()).collect();
    let known = keys.iter().filter(|k| Z2JH_TOP_KEYS.contains(k)).count();
    keys.iter().any(|k| Z2JH_DISTINCTIVE.contains(k))
        && entries
            .iter()
            .filter(|e| {
                e.key
                    .as_str()
                    .is_some_and(|k| Z2JH_DISTINCTIVE.contains(&k))
            })
            .all(|e| e.value.as_mapping().is_some() || e.value.is_null())
        && known * 3 >= keys.len() * 2
}

/// Where z2jh values sit in a values file: the root, or `jupyterhub:` at the root or one
/// level down (`binderhub.jupyterhub`, `daskhub.jupyterhub`, `basehub.jupyterhub`).
pub fn z2jh_nesting(root: &Node) -> Option<Vec<String>> {
    if looks_like_z2jh(root) {
        return Some(Vec::new());
    }
    if root.get("jupyterhub").is_some_and(looks_like_z2jh) {
        return Some(vec!["jupyterhub".into()]);
    }
    root.as_mapping()?.iter().find_map(|e| {
        let key = e.key.as_str()?;
        e.value
            .get("jupyterhub")
            .filter(|jh| looks_like_z2jh(jh))
            .map(|_| vec![key.to_string(), "jupyterhub".into()])
    })
}

pub fn find(ws: &Workspace, model: &RepoModel, config: &Config, hubs: &[Hub]) -> Vec<Hub> {
    let mut claimed: HashSet<String> = HashSet::new();
    for hub in hubs {
        claimed.extend(hub.values_files.iter().map(|v| v.path.clone()));
        if let Some(chart_file) = &hub.chart_file {
            claimed.extend(
                chart_default_values(model, chart_file, &hub.nesting)
                    .into_iter()
                    .map(|(_, f)| f),
            );
        }
    }
    // A folder whose values a known deployment reads (a cluster.yaml's, a hubploy config)
    // holds the files that deployment uses: the rest are not deployed.
    let managed: HashSet<&str> = claimed
        .iter()
        .map(|p| crate::workspace::parent(p))
        .collect();
    let managed: HashSet<String> = managed.into_iter().map(str::to_string).collect();
    // A chart's own defaults are the chart's, never a deployment's values.
    claimed.extend(model.charts.iter().map(|c| join(&c.dir, "values.yaml")));
    let mut out = Vec::new();
    for file in ws.files() {
        if file.kind() != FileKind::Yaml
            || claimed.contains(&file.path)
            || !model.is_data(&file.path)
            || file.path.starts_with(".github/")
        {
            continue;
        }
        let configured = config
            .values
            .iter()
            .find(|(glob, _)| glob.is_match(&file.path))
            .map(|(_, c)| c.clone());
        let line = modeline(file.text_or_empty());
        let pinned = line
            .as_ref()
            .and_then(|(_, v)| v.clone())
            .map(|(v, range)| JupyterhubVersion {
                version: v.clone(),
                written: Spanned::new(v, &file.path, range),
                via: Some("set on the file's first line".into()),
            });
        let mapped = configured.or_else(|| line.map(|(chart, _)| chart));
        if mapped.is_none() && managed.contains(file.dir()) {
            continue;
        }
        let Some(root) = file.yaml_root() else {
            if mapped.is_some() {
                out.push(plain_hub(
                    &file.path,
                    FoundBy::ValuesMapping,
                    Vec::new(),
                    None,
                ));
            }
            continue;
        };
        let (found_by, nesting, chart_file) = match mapped {
            // The jupyterhub chart's own repository has its schema and defaults right here.
            Some(chart) if chart == "jupyterhub" => (
                FoundBy::ValuesMapping,
                Vec::new(),
                model.chart_named("jupyterhub").map(|c| c.file.clone()),
            ),
            Some(chart) => match model.chart_named(&chart) {
                Some(c) => (FoundBy::ValuesMapping, Vec::new(), Some(c.file.clone())),
                None => (
                    FoundBy::ValuesMapping,
                    z2jh_nesting(root).unwrap_or_else(|| vec!["jupyterhub".into()]),
                    None,
                ),
            },
            None => {
                if is_kubernetes_manifest(root) {
                    continue;
                }
                match z2jh_nesting(root) {
                    Some(nesting) => (FoundBy::ValuesContent, nesting, None),
                    None => continue,
                }
            }
        };
        let mut hub = plain_hub(&file.path, found_by, nesting, chart_file);
        hub.jupyterhub = pinned;
        out.push(hub);
    }
    out
}

fn plain_hub(
    path: &str,
    found_by: FoundBy,
    nesting: Vec<String>,
    chart_file: Option<String>,
) -> Hub {
    let name = Spanned::new(path.to_string(), path, TextRange::empty(0));
    let mut hub = Hub::new(found_by, "", name.clone());
    hub.values_files.push(ValuesRef::file(path, name));
    hub.nesting = nesting;
    hub.chart_file = chart_file;
    hub
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nesting(text: &str) -> Option<Vec<String>> {
        let f = crate::yaml::parse(text);
        z2jh_nesting(&f.docs[0])
    }

    #[test]
    fn z2jh_values_are_recognised_at_their_level() {
        assert_eq!(
            nesting("hub:\n  config: {}\nsingleuser:\n  image: {}\n"),
            Some(vec![])
        );
        assert_eq!(
            nesting("jupyterhub:\n  proxy:\n    secretToken: x\ndask-gateway: {}\n"),
            Some(vec!["jupyterhub".to_string()])
        );
        assert_eq!(
            nesting("binderhub:\n  config: {}\n  jupyterhub:\n    hub: {}\n"),
            Some(vec!["binderhub".to_string(), "jupyterhub".to_string()])
        );
        // Other charts' values that share a key or two.
        assert_eq!(nesting("rbac:\n  create: true\nimage:\n  tag: 1\n"), None);
        assert_eq!(nesting("controller:\n  replicas: 2\nhub: x\n"), None);
        assert_eq!(nesting("datadog:\n  apiKey: x\nclusterAgent: {}\n"), None);
    }
}
