//! Finding one's way in a YAML file: the key path under the cursor (hover), the mapping a
//! new key would go into (completion, from indentation so it works while the file is
//! half-typed and does not parse), and the key tree (document symbols).

use crate::document::Lines;
use hublint_core::yaml::{Node, Value};
use hublint_core::TextRange;
use tower_lsp_server::ls_types::{DocumentSymbol, SymbolKind};

/// What the cursor is on.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor<'a> {
    /// Mapping keys from the document root; sequence items appear as `[i]`.
    pub path: Vec<String>,
    pub on_key: bool,
    pub key: Option<&'a Node>,
    pub value: &'a Node,
}

/// The innermost key or scalar at `offset` (ends count as inside, so a cursor just after a
/// word still finds it).
pub fn cursor_at(root: &Node, offset: usize) -> Option<Cursor<'_>> {
    let inside = |r: TextRange| r.start <= offset && offset <= r.end;
    let mut path = Vec::new();
    let mut node = root;
    let mut last_key: Option<&Node> = None;
    'descend: loop {
        match &node.value {
            Value::Mapping(entries) => {
                for e in entries.iter().filter(|e| !e.merged && !e.key.from_alias) {
                    if inside(e.key.range) && !e.key.range.is_empty() {
                        path.push(e.key.as_str().unwrap_or_default().to_string());
                        return Some(Cursor {
                            path,
                            on_key: true,
                            key: Some(&e.key),
                            value: &e.value,
                        });
                    }
                    if inside(e.value.range) && !e.value.from_alias {
                        path.push(e.key.as_str().unwrap_or_default().to_string());
                        last_key = Some(&e.key);
                        node = &e.value;
                        continue 'descend;
                    }
                }
                break;
            }
            Value::Sequence(items) => {
                for (i, item) in items.iter().enumerate() {
                    if inside(item.range) && !item.from_alias {
                        path.push(format!("[{i}]"));
                        last_key = None;
                        node = item;
                        continue 'descend;
                    }
                }
                break;
            }
            Value::Scalar(_) => break,
        }
    }
    if path.is_empty() {
        return None;
    }
    Some(Cursor {
        path,
        on_key: false,
        key: last_key,
        value: node,
    })
}

/// Where completion happens: the mapping path a key typed at the cursor would belong to,
/// or, after `key: `, the key whose value is being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompletionSpot {
    /// Typing a key inside the mapping at `parent`; `prefix` is what is typed so far.
    Key {
        parent: Vec<String>,
        prefix: String,
        replace: TextRange,
    },
    /// Typing the value of `path` (a scalar after `key: `).
    Value {
        path: Vec<String>,
        prefix: String,
        replace: TextRange,
    },
}

/// Decide from the text alone (indentation and `key:` lines above), so a file that does not
/// parse yet still completes. Sequence items (`- `) count as one level, written `[]`.
pub fn completion_spot(text: &str, offset: usize) -> Option<CompletionSpot> {
    let offset = hublint_core::text::floor_char_boundary(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    if before.contains('#') {
        return None;
    }
    let (indent, rest) = split_indent(before);
    // `- key` inside a sequence item: the item content starts after the dash.
    let (indent, rest, in_item) = match rest.strip_prefix("- ") {
        Some(r) => {
            let (extra, r2) = split_indent(r);
            (indent + 2 + extra, r2, true)
        }
        None => (indent, rest, false),
    };
    // A `- ` line belongs to the sequence whose key sits above the dash.
    let dash_indent = before.len() - before.trim_start_matches(' ').len();
    let mut parent = parents_above(text, line_start, if in_item { dash_indent } else { indent });
    if in_item {
        parent.push("[]".to_string());
    }
    if let Some((key, value)) = rest.split_once(':') {
        let key = key.trim();
        if key.is_empty() || value.contains(':') || !(value.is_empty() || value.starts_with(' ')) {
            return None;
        }
        let prefix = value
            .trim_start()
            .trim_start_matches(['"', '\''])
            .to_string();
        let mut path = parent;
        path.push(unquote(key).to_string());
        let start = offset - prefix.len();
        return Some(CompletionSpot::Value {
            path,
            prefix,
            replace: TextRange::new(start, offset),
        });
    }
    if rest
        .chars()
        .any(|c| c.is_whitespace() || matches!(c, '{' | '[' | '"' | '\''))
    {
        return None;
    }
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    // Replace the whole word under the cursor (and a `:` right after it).
    let tail: String = text[offset..line_end]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != ':')
        .collect();
    Some(CompletionSpot::Key {
        parent,
        prefix: rest.to_string(),
        replace: TextRange::new(offset - rest.len(), offset + tail.len()),
    })
}

fn split_indent(s: &str) -> (usize, &str) {
    let trimmed = s.trim_start_matches(' ');
    (s.len() - trimmed.len(), trimmed)
}

fn unquote(s: &str) -> &str {
    s.trim_matches(|c| c == '"' || c == '\'')
}

/// The keys of the block mappings enclosing a line at `indent`, read upwards.
fn parents_above(text: &str, line_start: usize, indent: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut want_below = indent;
    let above = &text[..line_start];
    for line in above.lines().rev() {
        if want_below == 0 {
            break;
        }
        let (ind, rest) = split_indent(line);
        if rest.is_empty() || rest.starts_with('#') {
            continue;
        }
        if ind >= want_below {
            continue;
        }
        // A shallower line: the mapping we are in hangs below it.
        if let Some(item) = rest
            .strip_prefix("- ")
            .or(if rest == "-" { Some("") } else { None })
        {
            let (extra, content) = split_indent(item);
            let content_col = ind + 2 + extra;
            if want_below > content_col {
                // Deeper than the item's first key: nested under that key (`- key:`).
                if let Some((key, _)) = content.split_once(':') {
                    out.push(unquote(key.trim()).to_string());
                }
            }
            out.push("[]".to_string());
            want_below = ind;
            continue;
        }
        if let Some((key, _)) = rest.split_once(':') {
            out.push(unquote(key.trim()).to_string());
            want_below = ind;
        }
        // Otherwise a continuation line of a scalar: keep looking for its key.
    }
    out.reverse();
    out
}

/// The outline of a YAML document: every mapping key, nested, and sequence items as `[i]`.
pub fn symbols(root: &Node, lines: &Lines, budget: &mut usize) -> Vec<DocumentSymbol> {
    let mut out = Vec::new();
    match &root.value {
        Value::Mapping(entries) => {
            for e in entries.iter().filter(|e| !e.merged && !e.key.from_alias) {
                if *budget == 0 {
                    break;
                }
                *budget -= 1;
                let name = e.key.as_str().unwrap_or_default();
                let full = e.key.range.cover(e.value.range);
                let children = if e.value.from_alias {
                    Vec::new()
                } else {
                    symbols(&e.value, lines, budget)
                };
                out.push(symbol(
                    if name.is_empty() {
                        "\"\"".to_string()
                    } else {
                        name.to_string()
                    },
                    detail(&e.value),
                    kind_of(&e.value),
                    lines.range(full),
                    lines.range(e.key.range),
                    children,
                ));
            }
        }
        Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                if *budget == 0 {
                    break;
                }
                *budget -= 1;
                if item.from_alias {
                    continue;
                }
                let children = symbols(item, lines, budget);
                // Name an item by its `name:` when it has one (profileList, extraEnv, ...).
                let label = item
                    .get("name")
                    .or_else(|| item.get("display_name"))
                    .and_then(Node::as_str)
                    .map(|n| format!("[{i}] {n}"))
                    .unwrap_or_else(|| format!("[{i}]"));
                out.push(symbol(
                    label,
                    detail(item),
                    kind_of(item),
                    lines.range(item.range),
                    lines.range(item.range),
                    children,
                ));
            }
        }
        Value::Scalar(_) => {}
    }
    out
}

fn kind_of(n: &Node) -> SymbolKind {
    match &n.value {
        Value::Mapping(_) => SymbolKind::OBJECT,
        Value::Sequence(_) => SymbolKind::ARRAY,
        Value::Scalar(_) => match n.helm_type() {
            hublint_core::yaml::helm::HelmType::Bool => SymbolKind::BOOLEAN,
            t if t.is_number() => SymbolKind::NUMBER,
            hublint_core::yaml::helm::HelmType::Null => SymbolKind::NULL,
            _ => SymbolKind::STRING,
        },
    }
}

fn detail(n: &Node) -> Option<String> {
    match &n.value {
        Value::Scalar(s) => {
            let mut d: String = s
                .text
                .lines()
                .next()
                .unwrap_or_default()
                .chars()
                .take(60)
                .collect();
            if d.len() < s.text.len() {
                d.push('…');
            }
            Some(d)
        }
        _ => None,
    }
}

#[allow(deprecated)]
fn symbol(
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    range: tower_lsp_server::ls_types::Range,
    selection_range: tower_lsp_server::ls_types::Range,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children: if children.is_empty() {
            None
        } else {
            Some(children)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Encoding;
    use hublint_core::yaml::parse;

    #[test]
    fn cursor_paths_on_keys_and_values() {
        let text = "hub:\n  image:\n    name: x\n    tag: \"1.0\"\nsingleuser:\n  profileList:\n    - display_name: a\n      slug: b\n";
        let f = parse(text);
        let root = &f.docs[0];
        let at = |s: &str| text.find(s).unwrap() + 1;
        let c = cursor_at(root, at("tag")).unwrap();
        assert_eq!(c.path, ["hub", "image", "tag"]);
        assert!(c.on_key);
        let c = cursor_at(root, at("1.0")).unwrap();
        assert_eq!(c.path, ["hub", "image", "tag"]);
        assert!(!c.on_key);
        assert_eq!(c.value.as_str(), Some("1.0"));
        let c = cursor_at(root, at("slug")).unwrap();
        assert_eq!(c.path, ["singleuser", "profileList", "[0]", "slug"]);
    }

    #[test]
    fn completion_spots_from_indentation() {
        let text = "hub:\n  image:\n    na\n  config:\n    \nsingleuser:\n  profileList:\n    - display_name: a\n      kube\n  image:\n    pullPolicy: Al\n";
        let spot = |s: &str, extra: usize| completion_spot(text, text.find(s).unwrap() + extra);
        assert_eq!(
            spot("na\n", 2),
            Some(CompletionSpot::Key {
                parent: vec!["hub".into(), "image".into()],
                prefix: "na".into(),
                replace: TextRange::new(text.find("na\n").unwrap(), text.find("na\n").unwrap() + 2),
            })
        );
        match spot("    \nsingle", 4).unwrap() {
            CompletionSpot::Key { parent, prefix, .. } => {
                assert_eq!(parent, ["hub", "config"]);
                assert_eq!(prefix, "");
            }
            other => panic!("{other:?}"),
        }
        match spot("kube", 4).unwrap() {
            CompletionSpot::Key { parent, prefix, .. } => {
                assert_eq!(parent, ["singleuser", "profileList", "[]"]);
                assert_eq!(prefix, "kube");
            }
            other => panic!("{other:?}"),
        }
        match spot("Al\n", 2).unwrap() {
            CompletionSpot::Value { path, prefix, .. } => {
                assert_eq!(path, ["singleuser", "image", "pullPolicy"]);
                assert_eq!(prefix, "Al");
            }
            other => panic!("{other:?}"),
        }
        // Top level.
        let t = "hub: {}\nsin";
        assert!(
            matches!(completion_spot(t, t.len()), Some(CompletionSpot::Key { parent, .. }) if parent.is_empty())
        );
        // Inside a comment: nothing.
        let t = "hub: # com";
        assert_eq!(completion_spot(t, t.len()), None);
    }

    #[test]
    fn outline_has_the_key_tree() {
        let text = "hub:\n  image: {name: x, tag: '1'}\nsingleuser:\n  profileList:\n    - display_name: Small\n";
        let f = parse(text);
        let lines = Lines::new(text, Encoding::default());
        let mut budget = 1000;
        let syms = symbols(&f.docs[0], &lines, &mut budget);
        assert_eq!(
            syms.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            ["hub", "singleuser"]
        );
        let image = &syms[0].children.as_ref().unwrap()[0];
        assert_eq!(image.name, "image");
        assert_eq!(image.children.as_ref().unwrap().len(), 2);
        let item = &syms[1].children.as_ref().unwrap()[0]
            .children
            .as_ref()
            .unwrap()[0];
        assert_eq!(item.name, "[0] Small");
        assert_eq!(image.selection_range.start.line, 1);
    }
}
