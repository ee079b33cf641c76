//! Hover: a values key's path, helm type and schema description; a chartpress tag's parts
//! (the commit's presence in git is added by the caller, off the blocking thread); a
//! requirement's version in the k8s-hub base image.

use crate::git::CommitStatus;
use crate::state::Snapshot;
use crate::yaml_nav;
use hublint_core::config::CONFIG_FILE;
use hublint_core::files::FileKind;
use hublint_core::model::RepoModel;
use hublint_core::version::parse_chartpress_tag;
use hublint_core::yaml::helm::{self, HelmType};
use hublint_core::yaml::{Node, ScalarStyle};
use hublint_core::{TextRange, Workspace};

pub struct HoverResult {
    pub markdown: String,
    pub range: Option<TextRange>,
    /// A commit hash whose presence in the local history should be reported.
    pub commit: Option<String>,
}

pub fn hover(
    text: &str,
    rel: &str,
    offset: usize,
    snapshot: Option<&Snapshot>,
) -> Option<HoverResult> {
    // The last check's workspace and model, with this file's current text.
    let mut ws = snapshot.map(|s| s.ws.clone()).unwrap_or_default();
    ws.insert_text(rel, text);
    let file = ws.get(rel)?;
    if file.is_yaml() {
        let root = file.yaml_root()?;
        return yaml_hover(&ws, root, rel, offset, snapshot);
    }
    if FileKind::of(rel) == FileKind::Dockerfile {
        let df = file.dockerfile()?;
        let from = df
            .froms
            .iter()
            .find(|f| f.range.start <= offset && offset <= f.range.end)?;
        let tag = from.tag.as_deref()?;
        let mut h = match tag_hover(tag) {
            Some(h) => h,
            None => {
                let release = hublint_core::k8s_hub::release_of_image(&from.image, tag)?;
                HoverResult {
                    markdown: release_markdown(&from.image, release),
                    range: None,
                    commit: None,
                }
            }
        };
        h.range = from.tag_edit_range;
        return Some(h);
    }
    let snapshot = snapshot?;
    if snapshot.model.requirements_files.iter().any(|r| r == rel)
        || FileKind::of(rel) == FileKind::Requirements
    {
        let (markdown, range) =
            hublint_core::k8s_hub::requirement_hover(&ws, &snapshot.model, rel, offset)?;
        return Some(HoverResult {
            markdown,
            range: Some(range),
            commit: None,
        });
    }
    None
}

fn release_markdown(image: &str, r: &hublint_core::k8s_hub::Release) -> String {
    let mut md = format!("**{image}:{}** (z2jh release of {})\n\n", r.version, r.date);
    md.push_str(&format!("- Python: `{}`\n", r.python_base));
    for (name, version) in r.packages() {
        md.push_str(&format!("- {name} `{version}`\n"));
    }
    md
}

/// The tag part of an image reference (`repo/name:tag`), or the whole text.
fn tag_of(s: &str) -> &str {
    hublint_core::image_ref::Reference::split(s)
        .tag
        .unwrap_or(s)
}

/// Hover for a chartpress tag (`BASE.git.N.hHASH`); `None` for anything else.
pub fn tag_hover(text: &str) -> Option<HoverResult> {
    let tag = parse_chartpress_tag(tag_of(text.trim()))?;
    let markdown = format!(
        "**chartpress tag** `{}`\n\n- base version: `{}`\n- commit count: {} (commits reachable from the commit)\n- commit: `{}`\n",
        tag_of(text.trim()),
        tag.base,
        tag.count,
        tag.hash
    );
    Some(HoverResult {
        markdown,
        range: None,
        commit: Some(tag.hash),
    })
}

pub fn commit_line(hash: &str, status: CommitStatus) -> String {
    match status {
        CommitStatus::Present => format!("\n`{hash}` is in this repository's git history.\n"),
        CommitStatus::Absent => format!(
            "\n`{hash}` is **not** in this repository's git history (built elsewhere, e.g. in the z2jh repository, or history not fetched).\n"
        ),
        CommitStatus::Unknown => "\nWhether the commit is in the local git history is unknown (no git repository or no answer).\n".to_string(),
    }
}

/// Where the jupyterhub chart's values begin in this file (`[jupyterhub]` for a basehub
/// hub's values), when the repository model knows the file.
pub fn values_prefix(model: &RepoModel, rel: &str) -> Option<Vec<String>> {
    if let Some(hub) = model
        .hubs
        .iter()
        .find(|h| h.values_files.iter().any(|v| v.path == rel))
    {
        return Some(hub.nesting.clone());
    }
    // A chart's own values.yaml.
    let dir = hublint_core::workspace::parent(rel);
    if rel.rsplit('/').next() == Some("values.yaml") {
        let chart_file = hublint_core::workspace::join(dir, "Chart.yaml");
        if model.chart(&chart_file).is_some() {
            return Some(model.nesting_of(&chart_file));
        }
    }
    None
}

fn yaml_hover(
    ws: &Workspace,
    root: &Node,
    rel: &str,
    offset: usize,
    snapshot: Option<&Snapshot>,
) -> Option<HoverResult> {
    // On the document's first key: which hubs read this file, and how hublint knows.
    let first_key = root
        .as_mapping()
        .and_then(|m| m.first())
        .map(|e| e.key.range);
    if let (Some(key), Some(s)) = (first_key, snapshot) {
        if key.start <= offset && offset <= key.end {
            if let Some(markdown) = hublint_core::report::file_scope_markdown(ws, &s.model, rel) {
                return Some(HoverResult {
                    markdown,
                    range: Some(key),
                    commit: None,
                });
            }
        }
    }
    let cursor = yaml_nav::cursor_at(root, offset)?;
    if !cursor.on_key {
        if let Some(s) = cursor.value.as_scalar() {
            if let Some(mut h) = tag_hover(&s.text) {
                h.range = Some(cursor.value.range);
                return Some(h);
            }
        }
    }
    let path = cursor.path.join(".");
    let mut md = format!("**`{path}`**");
    let is_config = rel == CONFIG_FILE;
    let schemas = if is_config {
        vec![(Vec::new(), hublint_core::config_schema::compiled())]
    } else {
        snapshot
            .map(|s| hublint_core::schema::for_values_file(ws, &s.model, rel))
            .unwrap_or_default()
    };
    let segments: Vec<String> = cursor.path.iter().map(|p| schema_segment(p)).collect();
    // The innermost schema that covers the path (basehub's own, then z2jh's under `jupyterhub`).
    let found = schemas
        .iter()
        .filter(|(prefix, _)| segments.starts_with(prefix) && segments.len() > prefix.len())
        .max_by_key(|(prefix, _)| prefix.len());
    let mut lines = Vec::new();
    if let Some((prefix, schema)) = found {
        let rest: Vec<&str> = segments[prefix.len()..]
            .iter()
            .map(String::as_str)
            .collect();
        if !prefix.is_empty() {
            md.push_str(&format!(
                " · `{}` in the {}",
                rest.join("."),
                schema.label()
            ));
        } else {
            md.push_str(&format!(" · {}", schema.label()));
        }
        match schema.node_at(&rest) {
            Some(node) => {
                let types = node.types();
                if !types.is_empty() {
                    lines.push(format!("Schema type: `{}`", types.join(" | ")));
                }
                let enums = node.allowed_values();
                if !enums.is_empty() {
                    let shown: Vec<String> =
                        enums.iter().take(20).map(|v| format!("`{v}`")).collect();
                    lines.push(format!("One of: {}", shown.join(", ")));
                }
                if let Some(d) = node.description() {
                    lines.push(d.trim().to_string());
                }
            }
            None => lines.push("Not in the schema.".to_string()),
        }
        if let Some(note) = trait_note(&rest) {
            lines.push(note);
        }
    }
    md.push_str("\n\n");
    if is_config {
        // A rule code in `select`, `ignore`, `severity` or `per-path-ignores`: what it does.
        let code = if cursor.on_key {
            cursor.key.and_then(Node::as_str)
        } else {
            cursor.value.as_str()
        };
        if let Some(rule) = code.and_then(hublint_core::rules::by_code) {
            lines.insert(
                0,
                format!("**{}** ({}): {}", rule.code, rule.name, rule.summary()),
            );
        }
    } else {
        // How helm reads the value; hublint reads its own configuration by the text.
        md.push_str(&type_line(cursor.value));
    }
    for l in lines {
        md.push('\n');
        md.push_str(&l);
        md.push('\n');
    }
    let range = if cursor.on_key {
        cursor.key.map(|k| k.range)
    } else {
        Some(cursor.value.range)
    };
    Some(HoverResult {
        markdown: md,
        range,
        commit: None,
    })
}

/// A cursor path segment as the schema names it: sequence items by index.
pub fn schema_segment(p: &str) -> String {
    p.strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .map(|i| {
            if i.is_empty() {
                "0".to_string()
            } else {
                i.to_string()
            }
        })
        .unwrap_or_else(|| p.to_string())
}

/// What traitlets makes of `hub.config.<Class>[.<trait>]`.
fn trait_note(rest: &[&str]) -> Option<String> {
    use hublint_core::schema::traits;
    match rest {
        ["hub", "config", class] => {
            Some(if traits::is_known_class(class) {
                format!("`{class}`: a configurable class; its traits are set below this key.")
            } else {
                format!("`{class}` is not a class hublint knows (typo, or a class from another package).")
            })
        }
        ["hub", "config", class, name] => {
            let defined = traits::defined_on(class, name)?;
            Some(if defined == *class {
                format!("Trait `{name}` of `{class}`.")
            } else {
                format!("Trait `{name}`, defined on `{defined}` (a base of `{class}`).")
            })
        }
        _ => None,
    }
}

/// The value's type as helm reads it, with a note when that is not what it looks like.
fn type_line(value: &Node) -> String {
    let t = value.helm_type();
    let mut line = format!("Type (as helm reads it): `{}`", t.name());
    if let Some(s) = value.as_scalar() {
        if s.style == ScalarStyle::Plain
            && value.tag().is_none()
            && !matches!(t, HelmType::String | HelmType::Null)
        {
            let shown = helm::resolve(&s.text, helm::Resolver::Helm)
                .helm_rendering()
                .unwrap_or_else(|| s.text.to_string());
            if shown != s.text || t == HelmType::Bool {
                line.push_str(&format!(
                    " — `{}` renders as `{shown}`; quote it to keep a string",
                    s.text
                ));
            }
        }
    }
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chartpress_tags_decode() {
        let h = tag_hover("quay.io/2i2c/pilot-hub:0.0.1-0.dev.git.16609.hb23fbd448").unwrap();
        assert!(
            h.markdown.contains("base version: `0.0.1-0.dev`"),
            "{}",
            h.markdown
        );
        assert!(h.markdown.contains("commit count: 16609"));
        assert_eq!(h.commit.as_deref(), Some("b23fbd448"));
        assert!(tag_hover("4.3.3").is_none());
        assert!(tag_hover("latest").is_none());
    }

    #[test]
    fn key_hover_shows_path_and_helm_type() {
        let text = "hub:\n  image:\n    tag: 1.10\n";
        let at = text.find("tag").unwrap() + 1;
        let h = hover(text, "values.yaml", at, None).unwrap();
        assert!(
            h.markdown.starts_with("**`hub.image.tag`**"),
            "{}",
            h.markdown
        );
        assert!(h.markdown.contains("`number`"), "{}", h.markdown);
        assert!(h.markdown.contains("renders as `1.1`"), "{}", h.markdown);
        let at = text.find("1.10").unwrap();
        let h = hover(text, "values.yaml", at, None).unwrap();
        assert_eq!(h.range, Some(TextRange::new(at, at + 4)));
    }

    #[test]
    fn hublint_yaml_keys_and_codes() {
        let text = "experiment-days: 14\nignore: [R004]\n";
        let at = text.find("days").unwrap();
        let h = hover(text, CONFIG_FILE, at, None).unwrap();
        assert!(
            h.markdown.contains("before X001 reports it"),
            "{}",
            h.markdown
        );
        assert!(!h.markdown.contains("as helm reads it"), "{}", h.markdown);
        let at = text.find("R004").unwrap() + 1;
        let h = hover(text, CONFIG_FILE, at, None).unwrap();
        assert!(h.markdown.contains("**R004** (unpinned"), "{}", h.markdown);
    }
}
