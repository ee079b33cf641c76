//! What go-yaml reads but helm still refuses, in the document helm reads (the first). helm
//! decodes values with go-yaml and then turns them into JSON (`sigs.k8s.io/yaml`):
//! - decoding fails, on any node (even one a later duplicate key replaces), for a scalar whose
//!   tag its text does not fit (`!!int abc`, `!!timestamp x`), invalid `!!binary`, a merge key
//!   (`<<`) of something other than mappings, a mapping or list used as a key, and an escape
//!   YAML 1.2 added but go-yaml's YAML 1.1 lacks (`"\/"`);
//! - the JSON step fails, on the values that remain, for a null key and for infinities or NaN
//!   (no JSON number), and helm wants a mapping at the top.
//!
//! Found by the differential test against Helm (`tests/oracle/`).

use super::helm::{resolve_yaml11, HelmType, Resolved};
use super::{Entry, Node, ScalarStyle, Value, YamlError, YamlErrorKind};

/// The first thing in `doc` (parsed from `text`) that stops helm from reading the file.
/// `merged_over`: entries of a merge key's mapping that the mapping had already, which
/// go-yaml decodes (and may refuse) although they are not kept.
pub(super) fn helm_refusal<'e>(
    doc: &Node,
    merged_over: impl Iterator<Item = &'e Entry>,
    text: &str,
) -> Option<YamlError> {
    let mut found = decode_error(doc, text);
    for e in merged_over {
        let first = [&e.key, &e.value]
            .into_iter()
            .find_map(|n| decode_error(n, text));
        // Reported in document order, as go-yaml meets them.
        if let Some(err) = first {
            if found
                .as_ref()
                .is_none_or(|f| err.range.start < f.range.start)
            {
                found = Some(err);
            }
        }
    }
    found.or_else(|| json_error(doc))
}

fn error(node: &Node, message: String) -> Option<YamlError> {
    Some(YamlError::new(YamlErrorKind::Syntax, node.range, message))
}

/// Depth first, in document order, every node.
fn decode_error(doc: &Node, text: &str) -> Option<YamlError> {
    let mut stack = vec![doc];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Mapping(entries) => {
                for e in entries.iter().rev() {
                    stack.push(&e.value);
                    stack.push(&e.key);
                }
                for e in entries {
                    if let Some(err) = bad_key(e) {
                        return Some(err);
                    }
                }
            }
            Value::Sequence(items) => stack.extend(items.iter().rev()),
            Value::Scalar(_) => {
                if let Some(err) = bad_tagged(node).or_else(|| bad_escape(node, text)) {
                    return Some(err);
                }
            }
        }
    }
    None
}

fn bad_key(e: &Entry) -> Option<YamlError> {
    let key = &e.key;
    if !key.from_alias && key.as_scalar().is_some_and(|s| s.text == "<<") && key.tag().is_none() {
        // Left in place by the mapping builder only when it could not be merged.
        return error(
            key,
            "helm cannot read this file: a merge key (`<<`) must be followed by a mapping or a list of mappings (go-yaml: \"map merge requires map or sequence of maps as the value\")".into(),
        );
    }
    let what = match key.value {
        Value::Mapping(_) => "a mapping",
        Value::Sequence(_) => "a list",
        Value::Scalar(_) => return None,
    };
    error(
        key,
        format!("helm cannot read this file: a key is {what} (go-yaml: \"invalid map key\"); keys must be plain values"),
    )
}

/// A tagged scalar whose text does not decode as its tag, or invalid `!!binary`.
fn bad_tagged(node: &Node) -> Option<YamlError> {
    let s = node.as_scalar()?;
    let tag = node.tag()?;
    let resolved = || resolve_yaml11(&s.text);
    let fits = match tag {
        "!!int" => matches!(resolved(), Resolved::Int(_)),
        // go-yaml turns an int64 into a float, not a larger unsigned one.
        "!!float" => match resolved() {
            Resolved::Int(i) => i64::try_from(i).is_ok(),
            r => matches!(r, Resolved::Float(_)),
        },
        "!!bool" => matches!(resolved(), Resolved::Bool(_)),
        "!!null" => matches!(resolved(), Resolved::Null),
        "!!timestamp" => is_timestamp(&s.text),
        "!!binary" => is_base64(&s.text),
        _ => true,
    };
    if fits {
        return None;
    }
    let what = match tag {
        "!!int" => "an integer",
        "!!float" => "a number",
        "!!bool" => "a boolean",
        "!!null" => "null",
        "!!timestamp" => "a date or timestamp",
        _ => "base64",
    };
    error(
        node,
        format!(
            "helm cannot read this file: `{}` is not {what}, as its tag `{tag}` says (go-yaml: \"cannot decode\")",
            s.text
        ),
    )
}

/// `\/` in a double-quoted scalar: an escape since YAML 1.2, unknown to go-yaml's 1.1.
fn bad_escape(node: &Node, text: &str) -> Option<YamlError> {
    let s = node.as_scalar()?;
    if s.style != ScalarStyle::DoubleQuoted || node.from_alias || !s.text.contains('/') {
        return None;
    }
    let raw = text.get(node.range.start..node.range.end)?;
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.next() == Some('/') {
            return error(
                node,
                "helm cannot read this file: `\\/` is not an escape in YAML 1.1, which helm reads (go-yaml: \"found unknown escape character\"); write `/`".into(),
            );
        }
    }
    None
}

/// The values that stay after duplicate keys (the last wins), as JSON sees them.
fn json_error(doc: &Node) -> Option<YamlError> {
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
    // Every file is checked: first over every entry (quick, and nothing found is the rule),
    // then, only if something is, over the entries go-yaml keeps.
    json_value_error(doc, false)?;
    json_value_error(doc, true)
}

/// A null key or a NaN or infinity in `doc`, among all entries or (`kept_only`) among those
/// no later key of the same mapping replaces.
fn json_value_error(doc: &Node, kept_only: bool) -> Option<YamlError> {
    let mut stack = vec![doc];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Mapping(entries) => {
                let keys: Vec<Option<GoKey>> = match kept_only {
                    true => entries.iter().map(|e| go_key(&e.key)).collect(),
                    false => Vec::new(),
                };
                let kept: Vec<&Entry> = entries
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| {
                        !kept_only || keys[i].is_none() || !keys[i + 1..].contains(&keys[i])
                    })
                    .map(|(_, e)| e)
                    .collect();
                for e in kept.iter().rev() {
                    stack.push(&e.value);
                }
                for e in kept {
                    if e.key.helm_type() == HelmType::Null {
                        return error(
                            &e.key,
                            "helm cannot read this file: a key is null (`~`, `null` or nothing), and values become JSON, whose keys are strings; quote the key or remove it".into(),
                        );
                    }
                }
            }
            Value::Sequence(items) => stack.extend(items.iter().rev()),
            Value::Scalar(s) => {
                if node.helm_type() == HelmType::Float {
                    if let Resolved::Float(f) = resolve_yaml11(&s.text) {
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
            }
        }
    }
    None
}

/// A key as the map go-yaml decodes into tells it from another: `y`, `on` and `true` are
/// one key (the last written wins), `~` and `null` another.
#[derive(PartialEq)]
enum GoKey<'a> {
    Null,
    Value(std::borrow::Cow<'a, str>),
}

fn go_key(key: &Node) -> Option<GoKey<'_>> {
    if key.as_str().is_some() && key.helm_type() == HelmType::Null {
        return Some(GoKey::Null);
    }
    super::helm::helm_key(key).map(GoKey::Value)
}

/// Whether `year-month-day` is a day of the Gregorian calendar (leap years included): the
/// range check of go-yaml's timestamps and of JSON Schema's `date` format alike.
pub(crate) fn is_calendar_date(year: u32, month: u32, day: u32) -> bool {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days_in_month).contains(&day)
}

/// go-yaml's timestamp forms: `2006-1-2`, optionally followed by `T`/`t`/blanks and
/// `15:4:5`, a fraction, and `Z` or a numeric zone; with Go's range checks on the date.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let num = |max_digits: usize, i: &mut usize| -> Option<u32> {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() && *i - start < max_digits {
            *i += 1;
        }
        (*i > start).then(|| s[start..*i].parse().ok()).flatten()
    };
    let expect = |c: u8, i: &mut usize| -> bool {
        let ok = *i < b.len() && b[*i] == c;
        *i += ok as usize;
        ok
    };
    let year = match num(4, &mut i) {
        Some(y) if i == 4 => y,
        _ => return false,
    };
    if !expect(b'-', &mut i) {
        return false;
    }
    let Some(month) = num(2, &mut i) else {
        return false;
    };
    if !expect(b'-', &mut i) {
        return false;
    }
    let Some(day) = num(2, &mut i) else {
        return false;
    };
    if !is_calendar_date(year, month, day) {
        return false;
    }
    if i == b.len() {
        return true;
    }
    // The time: after `T`/`t` with a zone (`Z` or `±hh:mm`), or after blanks without one.
    let zoned = b[i] == b'T' || b[i] == b't';
    if zoned {
        i += 1;
    } else {
        let start = i;
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    let (Some(h), true, Some(m), true, Some(sec)) = (
        num(2, &mut i),
        expect(b':', &mut i),
        num(2, &mut i),
        expect(b':', &mut i),
        num(2, &mut i),
    ) else {
        return false;
    };
    if h > 23 || m > 59 || sec > 59 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if num(9, &mut i).is_none() {
            return false;
        }
    }
    if !zoned {
        return i == b.len();
    }
    if i + 1 == b.len() && b[i] == b'Z' {
        return true;
    }
    // `±hh:mm`, two digits each.
    b.len() == i + 6
        && (b[i] == b'+' || b[i] == b'-')
        && b[i + 1..i + 3].iter().all(u8::is_ascii_digit)
        && b[i + 3] == b':'
        && b[i + 4..i + 6].iter().all(u8::is_ascii_digit)
}

/// Go's `base64.StdEncoding` after go-yaml drops line breaks and blanks.
fn is_base64(text: &str) -> bool {
    let b: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    if !b.len().is_multiple_of(4) {
        return false;
    }
    let pad = b.iter().rev().take_while(|&&c| c == b'=').count();
    pad <= 2
        && b[..b.len() - pad]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/')
}

#[cfg(test)]
mod tests {
    use super::{is_calendar_date, is_timestamp};

    #[test]
    fn calendar_dates_follow_the_gregorian_leap_rule() {
        let cases = [
            ((2000, 2, 29), true),
            ((2024, 2, 29), true),
            ((2023, 12, 31), true),
            ((2023, 4, 30), true),
            ((1, 1, 1), true),
            ((1900, 2, 29), false),
            ((2023, 2, 29), false),
            ((2023, 4, 31), false),
            ((2023, 0, 1), false),
            ((2023, 13, 1), false),
            ((2023, 1, 0), false),
            ((2023, 1, 32), false),
        ];
        for ((y, m, d), valid) in cases {
            assert_eq!(is_calendar_date(y, m, d), valid, "{y}-{m}-{d}");
        }
    }

    #[test]
    fn timestamps_as_go_yaml_reads_them() {
        // What helm v4.2.3 accepted and refused under `!!timestamp`.
        for ok in [
            "2001-12-14",
            "2002-1-1",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43",
            "2001-12-14  21:59:43",
            "2001-12-14 1:2:3",
            "2001-12-15T02:59:43.1Z",
            "2024-02-29",
        ] {
            assert!(is_timestamp(ok), "{ok}");
        }
        for bad in [
            "1e",
            "OFF",
            "2024-02-30",
            "1999-99-99",
            "12:30:45",
            "2001-12-14x",
            "20011-1-1",
            "",
            "2001-12-14 21:59:43.10 -5",
            "2001-12-14T21:59:43",
            "2001-12-14T21:59:43-5",
        ] {
            assert!(!is_timestamp(bad), "{bad}");
        }
    }
}
