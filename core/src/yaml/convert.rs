//! What go-yaml reads but helm still refuses, in the document helm reads (the first): helm
//! turns values YAML into JSON (`sigs.k8s.io/yaml`), and that fails on a null or collection
//! key, a tagged scalar whose text is not of its tag (`!!int abc`), a merge key (`<<`) of
//! something other than mappings, invalid `!!binary`, and infinities or NaN (no JSON number).
//! Found by the differential test against Helm (`tests/oracle/`).

use super::helm::{resolve_yaml11, HelmType, Resolved};
use super::{Node, Value, YamlError, YamlErrorKind};

/// The first thing in `doc` that stops helm from reading the file, as a Y001 error.
pub(super) fn helm_refusal(doc: &Node) -> Option<YamlError> {
    // Helm reads the document into a map: a list or a text at the top is refused.
    if !matches!(doc.value, Value::Mapping(_)) && doc.helm_type() != HelmType::Null {
        return error(
            doc,
            format!(
                "helm cannot read this file: a values file must be a mapping of keys at the top, not {}",
                match doc.value {
                    Value::Sequence(_) => "a list",
                    _ => "a single value",
                }
            ),
        );
    }
    let mut stack = vec![doc];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Mapping(entries) => {
                // A key written twice: helm keeps the last value only.
                let kept = |i: usize| {
                    let key = entries[i].key.as_str();
                    key.is_none() || !entries[i + 1..].iter().any(|l| l.key.as_str() == key)
                };
                let kept: Vec<&super::Entry> =
                    (0..entries.len()).filter(|&i| kept(i)).map(|i| &entries[i]).collect();
                for e in kept.iter().rev() {
                    stack.push(&e.value);
                }
                for e in kept {
                    if let Some(err) = bad_key(&e.key, &e.value) {
                        return Some(err);
                    }
                    if let Some(err) = bad_scalar(&e.key, false) {
                        return Some(err);
                    }
                }
            }
            Value::Sequence(items) => stack.extend(items.iter().rev()),
            Value::Scalar(_) => {
                if let Some(err) = bad_scalar(node, true) {
                    return Some(err);
                }
            }
        }
    }
    None
}

fn error(node: &Node, message: String) -> Option<YamlError> {
    Some(YamlError::new(YamlErrorKind::Syntax, node.range, message))
}

fn bad_key(key: &Node, value: &Node) -> Option<YamlError> {
    if !key.from_alias && key.as_scalar().is_some_and(|s| s.text == "<<") && key.tag().is_none() {
        // Left in place by the mapping builder only when it could not be merged.
        return error(
            key,
            "helm cannot read this file: a merge key (`<<`) must be followed by a mapping or a list of mappings (go-yaml: \"map merge requires map or sequence of maps as the value\")".into(),
        );
    }
    let _ = value;
    let what = match key.helm_type() {
        HelmType::Null => "null (`~`, `null` or nothing)",
        HelmType::Mapping => "a mapping",
        HelmType::Sequence => "a list",
        _ => return None,
    };
    error(
        key,
        format!("helm cannot read this file: a key is {what}, and values become JSON, whose keys are strings; quote the key or remove it"),
    )
}

/// A tagged scalar that does not decode as its tag, invalid `!!binary`, or (for a value, not
/// a key) a number JSON cannot hold.
fn bad_scalar(node: &Node, is_value: bool) -> Option<YamlError> {
    let s = node.as_scalar()?;
    let resolved = || resolve_yaml11(&s.text);
    if let Some(tag) = node.tag() {
        let fits = match tag {
            "!!int" => matches!(resolved(), Resolved::Int(_)),
            "!!float" => matches!(resolved(), Resolved::Int(_) | Resolved::Float(_)),
            "!!bool" => matches!(resolved(), Resolved::Bool(_)),
            "!!null" => matches!(resolved(), Resolved::Null),
            "!!binary" => is_base64(&s.text),
            _ => true,
        };
        if !fits {
            return error(
                node,
                format!(
                    "helm cannot read this file: `{}` is not {} (go-yaml: \"cannot decode\")",
                    s.text,
                    match tag {
                        "!!int" => "an integer, as its tag `!!int` says",
                        "!!float" => "a number, as its tag `!!float` says",
                        "!!bool" => "a boolean, as its tag `!!bool` says",
                        "!!null" => "null, as its tag `!!null` says",
                        _ => "base64, as its tag `!!binary` says",
                    }
                ),
            );
        }
    }
    if is_value && node.helm_type() == HelmType::Float {
        if let Resolved::Float(f) = resolved() {
            if !f.is_finite() {
                return error(
                    node,
                    format!(
                        "helm cannot read this file: `{}` is {}, which JSON (what helm turns values into) cannot hold; quote it for a string",
                        s.text,
                        if f.is_nan() { "NaN" } else { "an infinity" }
                    ),
                );
            }
        }
    }
    None
}

/// Go's `base64.StdEncoding` after go-yaml drops line breaks and blanks.
fn is_base64(text: &str) -> bool {
    let b: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    if b.len() % 4 != 0 {
        return false;
    }
    let pad = b.iter().rev().take_while(|&&c| c == b'=').count();
    pad <= 2
        && b[..b.len() - pad]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/')
}
