//! Completion: values keys valid at the cursor's path and enum values (from the schema that
//! applies to the file: the chart's, at the version its Chart.yaml pins), and `hub.config`
//! class and trait names.

use crate::document::Lines;
use crate::hover::schema_segment;
use crate::state::Snapshot;
use crate::yaml_nav::{completion_spot, CompletionSpot};
use hublint_core::config::CONFIG_FILE;
use hublint_core::schema::{self, traits, SchemaRef};
use hublint_core::{TextRange, Workspace};
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, MarkupContent,
    MarkupKind, TextEdit,
};

pub fn complete(
    text: &str,
    rel: &str,
    offset: usize,
    snapshot: Option<&Snapshot>,
    lines: &Lines,
) -> Option<Vec<CompletionItem>> {
    if !(rel.ends_with(".yaml") || rel.ends_with(".yml")) {
        return None;
    }
    let spot = completion_spot(text, offset)?;
    let schemas = schemas_for(text, rel, snapshot);
    let items = match spot {
        CompletionSpot::Key {
            parent,
            prefix,
            replace,
        } => {
            let at_line_end = text[offset..]
                .split('\n')
                .next()
                .is_none_or(|rest| rest.trim().is_empty());
            let typed = (prefix.as_str(), replace);
            key_items(&parent, typed, at_line_end, &schemas, lines)
        }
        CompletionSpot::Value {
            path,
            prefix,
            replace,
        } => value_items(&path, (prefix.as_str(), replace), &schemas, lines),
    };
    Some(items)
}

/// Keys valid in the mapping at `parent` (and, in a list item, the values it may take);
/// `prefix` is what is typed so far, `replace` the range a completion replaces.
fn key_items(
    parent: &[String],
    (prefix, replace): (&str, TextRange),
    at_line_end: bool,
    schemas: &[(Vec<String>, SchemaRef)],
    lines: &Lines,
) -> Vec<CompletionItem> {
    let mut items = Vec::new();
    let parent: Vec<String> = parent.iter().map(|p| schema_segment(p)).collect();
    let mut item_values: Vec<(String, Option<String>)> = Vec::new();
    let mut push = |name: &str, kind, detail: Option<String>, doc: Option<String>| {
        if !prefix.is_empty() && !name.to_lowercase().starts_with(&prefix.to_lowercase()) {
            return;
        }
        if items.iter().any(|i: &CompletionItem| i.label == name) {
            return;
        }
        let insert = if at_line_end {
            format!("{name}: ")
        } else {
            name.to_string()
        };
        items.push(item(name, kind, detail, doc, edit(lines, replace, insert)));
    };
    for (prefix_path, schema) in schemas {
        if prefix_path.len() > parent.len() && prefix_path.starts_with(&parent) {
            // Above the chart's values: the key that leads to them (`jupyterhub`).
            let next = &prefix_path[parent.len()];
            push(next, CompletionItemKind::MODULE, Some(schema.label()), None);
            continue;
        }
        if !parent.starts_with(prefix_path) {
            continue;
        }
        let rest: Vec<&str> = parent[prefix_path.len()..]
            .iter()
            .map(String::as_str)
            .collect();
        match rest.as_slice() {
            ["hub", "config"] => {
                for class in traits::known_classes() {
                    push(
                        class,
                        CompletionItemKind::CLASS,
                        Some("configurable class".into()),
                        None,
                    );
                }
            }
            ["hub", "config", class] => {
                for name in traits::settable_in_section(class).unwrap_or_default() {
                    let defined = traits::defined_on(class, name).unwrap_or(class);
                    push(
                        name,
                        CompletionItemKind::PROPERTY,
                        Some(format!("trait of {defined}")),
                        None,
                    );
                }
            }
            _ => {}
        }
        for key in schema.child_keys(&rest) {
            let detail = (!key.types.is_empty()).then(|| key.types.join(" | "));
            push(
                &key.name,
                CompletionItemKind::PROPERTY,
                detail,
                key.description.clone(),
            );
        }
        // `- ` starts a list item that may be a scalar: the values it may take.
        if parent.last().is_some_and(|p| p.parse::<usize>().is_ok()) {
            if let Some(node) = schema.node_at(&rest) {
                let description = node.description().map(str::to_string);
                item_values.extend(
                    node.allowed_values()
                        .into_iter()
                        .filter_map(|v| Some((v.as_str()?.to_string(), description.clone()))),
                );
            }
        }
    }
    for (v, description) in item_values {
        let matches = v.to_lowercase().starts_with(&prefix.to_lowercase());
        if matches && !items.iter().any(|i| i.label == v) {
            let insert = edit(lines, replace, yaml_string(&v));
            items.push(item(
                &v,
                CompletionItemKind::ENUM_MEMBER,
                description,
                None,
                insert,
            ));
        }
    }
    items
}

/// Values the schema allows at `path` (enum members, or `true`/`false` for a boolean).
fn value_items(
    path: &[String],
    (prefix, replace): (&str, TextRange),
    schemas: &[(Vec<String>, SchemaRef)],
    lines: &Lines,
) -> Vec<CompletionItem> {
    let mut items: Vec<CompletionItem> = Vec::new();
    let path: Vec<String> = path.iter().map(|p| schema_segment(p)).collect();
    for (prefix_path, schema) in schemas {
        if !path.starts_with(prefix_path) || path.len() <= prefix_path.len() {
            continue;
        }
        let rest: Vec<&str> = path[prefix_path.len()..]
            .iter()
            .map(String::as_str)
            .collect();
        let Some(node) = schema.node_at(&rest) else {
            continue;
        };
        let mut values: Vec<String> = node
            .allowed_values()
            .iter()
            .map(|v| match v {
                // Quote strings helm would read as something else (`"yes"`, `"1.10"`).
                serde_json::Value::String(s) => yaml_string(s),
                other => other.to_string(),
            })
            .collect();
        if values.is_empty() && node.types() == ["boolean"] {
            values = vec!["true".into(), "false".into()];
        }
        for v in values {
            if !prefix.is_empty()
                && !v
                    .to_lowercase()
                    .trim_matches('"')
                    .starts_with(&prefix.to_lowercase())
            {
                continue;
            }
            if items.iter().any(|i: &CompletionItem| i.label == v) {
                continue;
            }
            items.push(item(
                &v,
                CompletionItemKind::ENUM_MEMBER,
                node.description().map(str::to_string),
                None,
                edit(lines, replace, v.clone()),
            ));
        }
    }
    items
}

/// The schemas that apply to this file, with the key path each starts at: hublint's own
/// for `.hublint.yaml`; for values files, those of the hubs that read it. A values file no
/// hub or config names, but named like one, gets the newest jupyterhub schema.
pub fn schemas_for(
    text: &str,
    rel: &str,
    snapshot: Option<&Snapshot>,
) -> Vec<(Vec<String>, SchemaRef)> {
    if rel == CONFIG_FILE {
        return vec![(Vec::new(), hublint_core::config_schema::compiled())];
    }
    let mut found = Vec::new();
    if let Some(s) = snapshot {
        let mut ws: Workspace = s.ws.clone();
        ws.insert_text(rel, text);
        found = schema::for_values_file(&ws, &s.model, rel);
    }
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if found.is_empty()
        && (name.ends_with("values.yaml") || name.ends_with("values.yml"))
        && name != "values.schema.yaml"
    {
        if let Some((schema, _)) = schema::latest_compiled() {
            found.push((Vec::new(), schema));
        }
    }
    found
}

fn yaml_string(s: &str) -> String {
    let plain_ok = !s.is_empty()
        && hublint_core::yaml::helm::resolve(s, hublint_core::yaml::helm::Resolver::Helm)
            == hublint_core::yaml::helm::Resolved::String
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    if plain_ok {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

fn edit(lines: &Lines, range: TextRange, new_text: String) -> CompletionTextEdit {
    CompletionTextEdit::Edit(TextEdit::new(lines.range(range), new_text))
}

fn item(
    label: &str,
    kind: CompletionItemKind,
    detail: Option<String>,
    doc: Option<String>,
    edit: CompletionTextEdit,
) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail,
        documentation: doc.map(|d| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: d,
            })
        }),
        text_edit: Some(edit),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Encoding;

    fn labels(text: &str, at: usize) -> Vec<String> {
        labels_in("values.yaml", text, at)
    }

    fn labels_in(rel: &str, text: &str, at: usize) -> Vec<String> {
        let lines = Lines::new(text, Encoding::default());
        complete(text, rel, at, None, &lines)
            .unwrap_or_default()
            .into_iter()
            .map(|i| i.label)
            .collect()
    }

    #[test]
    fn keys_from_the_schema() {
        let text = "hub:\n  ima\n";
        let got = labels(text, text.find("ima").unwrap() + 3);
        assert!(got.contains(&"image".to_string()), "{got:?}");
        assert!(got.iter().all(|l| l.starts_with("ima")), "{got:?}");
        let text = "singleuser:\n  \n";
        let got = labels(text, text.find("  \n").unwrap() + 2);
        assert!(
            got.contains(&"profileList".to_string()) && got.contains(&"image".to_string()),
            "{got:?}"
        );
    }

    #[test]
    fn enum_values_and_config_classes() {
        let text = "singleuser:\n  image:\n    pullPolicy: \n";
        let got = labels(text, text.find("pullPolicy: ").unwrap() + 12);
        assert!(got.contains(&"IfNotPresent".to_string()), "{got:?}");
        let text = "hub:\n  config:\n    Kube\n";
        let got = labels(text, text.find("Kube").unwrap() + 4);
        assert!(got.contains(&"KubeSpawner".to_string()), "{got:?}");
        let text = "hub:\n  config:\n    KubeSpawner:\n      start_t\n";
        let got = labels(text, text.find("start_t").unwrap() + 7);
        assert!(got.contains(&"start_timeout".to_string()), "{got:?}");
    }

    #[test]
    fn hublint_yaml_keys_codes_and_severities() {
        let text = "sel\n";
        assert_eq!(labels_in(CONFIG_FILE, text, 3), ["select"]);
        let text = "select: [V]\n\n";
        let got = labels_in(CONFIG_FILE, text, text.len() - 1);
        assert!(
            got.contains(&"per-path-ignores".to_string())
                && got.contains(&"cluster-schema".to_string()),
            "{got:?}"
        );
        let text = "ignore:\n  - R00\n";
        let got = labels_in(CONFIG_FILE, text, text.find("R00").unwrap() + 3);
        assert!(got.contains(&"R004".to_string()), "{got:?}");
        assert!(got.iter().all(|l| l.starts_with("R00")), "{got:?}");
        let text = "severity:\n  S00\n";
        let got = labels_in(CONFIG_FILE, text, text.find("S00").unwrap() + 3);
        assert!(got.contains(&"S008".to_string()), "{got:?}");
        let text = "severity:\n  R004: \n";
        let got = labels_in(CONFIG_FILE, text, text.find(": ").unwrap() + 2);
        assert!(
            got.contains(&"error".to_string()) && got.contains(&"info".to_string()),
            "{got:?}"
        );
    }
}
