//! Where values files hold Python: `hub.extraConfig` (z2jh runs each entry with `exec()` in
//! `jupyterhub_config.py`), the `extraConfig` of the charts beside it and `extraFiles` mounted
//! at a `.py` path. Found without parsing Python, so a build without the `python` feature (the
//! playground's first module) can still tell that there is Python to check
//! ([`crate::Project::holds_python`]); `python.rs` parses what is found here.

use crate::yaml::{Node, ScalarStyle};

/// Whether this build of core parses the snippets (the `python` feature; the P rules find
/// nothing without it). Asked of core, not of a front end's own feature: cargo may build core
/// with the feature for another crate of the same build (`cargo test --workspace`).
pub const PARSED: bool = cfg!(feature = "python");

/// A Python snippet in a values file.
pub struct Snippet<'a> {
    /// Dotted key path, for messages (`jupyterhub.hub.extraConfig.01-auth`).
    pub path: String,
    pub node: &'a Node,
    pub source: &'a str,
}

/// Every Python snippet below `root`.
pub fn snippets(root: &Node) -> Vec<Snippet<'_>> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    find(root, &mut path, &mut out);
    out
}

fn find<'a>(node: &'a Node, path: &mut Vec<&'a str>, out: &mut Vec<Snippet<'a>>) {
    let Some(entries) = node.as_mapping() else {
        if let Some(items) = node.as_sequence() {
            for item in items {
                find(item, path, out);
            }
        }
        return;
    };
    for e in entries {
        let Some(key) = e.key.as_str() else { continue };
        path.push(key);
        match key {
            "extraConfig" => {
                if e.value.as_mapping().is_some() {
                    for inner in e.value.as_mapping().unwrap_or_default() {
                        if let (Some(k), Some(source)) =
                            (inner.key.as_str(), python_text(&inner.value))
                        {
                            out.push(Snippet {
                                path: format!("{}.{k}", path.join(".")),
                                node: &inner.value,
                                source,
                            });
                        }
                    }
                } else if let Some(source) = python_text(&e.value) {
                    // The older single-string form.
                    out.push(Snippet {
                        path: path.join("."),
                        node: &e.value,
                        source,
                    });
                }
            }
            "extraFiles" => {
                for file in e.value.as_mapping().unwrap_or_default() {
                    let mount = file.value.get("mountPath").and_then(Node::as_str);
                    let data = file.value.get("stringData");
                    if let (Some(k), true, Some(data)) = (
                        file.key.as_str(),
                        mount.is_some_and(|m| m.ends_with(".py")),
                        data,
                    ) {
                        if let Some(source) = python_text(data) {
                            out.push(Snippet {
                                path: format!("{}.{k}.stringData", path.join(".")),
                                node: data,
                                source,
                            });
                        }
                    }
                }
            }
            _ => find(&e.value, path, out),
        }
        path.pop();
    }
}

/// A string scalar's text (not a tagged or aliased one: an alias's range is elsewhere).
fn python_text(node: &Node) -> Option<&str> {
    if node.from_alias || node.tag().is_some() {
        return None;
    }
    let s = node.as_scalar()?;
    // A plain `null`/`~`/empty value is "no snippet".
    if s.style == ScalarStyle::Plain && node.is_null() {
        return None;
    }
    Some(s.text.as_str())
}
