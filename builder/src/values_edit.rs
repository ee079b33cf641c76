//! Surgical edits of values.yaml and Chart.yaml: only the text of the scalars that change is
//! replaced (or one line added), so comments, quoting, indentation and list style stay
//! as they were. chartpress round-trips the whole file through ruamel and re-indents every
//! block sequence; this does not. On the changed lines it writes what ruamel writes: the
//! quoting kept (an unsafe plain value single-quoted) and a comment after the value kept
//! in its column, so on a file in chartpress's own layout the result is byte for byte
//! chartpress's (`hublint build --reset` is tested so against `chartpress --reset`).
//!
//! Every edit is checked by parsing the result again and reading the values back.

use anyhow::{bail, Context as _, Result};
use hublint_core::yaml::{self, helm, Node, ScalarStyle, Value};
use hublint_core::TextRange;

/// One replacement in a text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TextEdit {
    pub range: TextRange,
    pub replacement: String,
}

/// What an image's `valuesPath` should hold after the edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageValue {
    pub name: String,
    pub tag: String,
}

/// The image keys chartpress sets to the image name, when present.
const NAME_KEYS: [&str; 2] = ["name", "repository"];

/// One step of a dotted values path: digits index a list, anything else is a key.
fn path_parts(path: &str) -> Vec<&str> {
    path.split('.').collect()
}

fn root_of<'a>(file: &'a yaml::YamlFile, what: &str) -> Result<&'a Node> {
    if let Some(err) = file.errors.first() {
        bail!("{what} does not parse: {}", err.message);
    }
    file.docs
        .first()
        .with_context(|| format!("{what} is empty"))
}

thread_local! {
    /// The values text parsed last, and its parse: planning asks several questions of one
    /// values file per image, and parsing it again each time was most of a build's cost.
    static LAST_PARSE: std::cell::RefCell<Option<(String, std::rc::Rc<yaml::YamlFile>)>> =
        const { std::cell::RefCell::new(None) };
}

/// `yaml::parse(text)`, reusing the previous parse when the text is the same.
pub fn parse_values(text: &str) -> std::rc::Rc<yaml::YamlFile> {
    LAST_PARSE.with(|last| {
        let mut last = last.borrow_mut();
        match last.as_ref() {
            Some((seen, parsed)) if seen == text => parsed.clone(),
            _ => {
                let parsed = std::rc::Rc::new(yaml::parse(text));
                *last = Some((text.to_string(), parsed.clone()));
                parsed
            }
        }
    })
}

/// Follows a chartpress values path; refuses paths that run through aliases or merge keys,
/// where one text edit would change other places too.
fn lookup<'a>(root: &'a Node, path: &str) -> Result<&'a Node> {
    let mut node = root;
    for part in path_parts(path) {
        let next = match &node.value {
            Value::Sequence(items) if part.bytes().all(|b| b.is_ascii_digit()) => {
                let i: usize = part.parse().unwrap_or(usize::MAX);
                items.get(i).with_context(|| {
                    format!(
                        "{path}: index {part} is past the end of a list of {}",
                        items.len()
                    )
                })?
            }
            Value::Mapping(_) => {
                let entry = node
                    .entry(part)
                    .with_context(|| format!("{path}: no key `{part}`"))?;
                if entry.merged {
                    bail!("{path}: `{part}` comes from a merge key (`<<`); edit it by hand");
                }
                &entry.value
            }
            _ => bail!("{path}: `{part}` is looked up in a value that is not a mapping or list"),
        };
        if next.from_alias {
            bail!("{path}: `{part}` is an alias (`*name`); edit the anchor by hand");
        }
        node = next;
    }
    Ok(node)
}

/// Whether `value` can be written as a plain scalar that helm (YAML 1.1) and YAML 1.2 tools
/// all read back as this exact string.
fn plain_is_safe(value: &str) -> bool {
    if value.is_empty() || value.trim() != value || value.contains(['\n', '\r', '\t']) {
        return false;
    }
    if helm::resolve_yaml11(value) != helm::Resolved::String
        || helm::resolve_yaml12(value) != helm::Resolved::String
    {
        return false;
    }
    let probe = format!("k: {value}\n");
    let parsed = yaml::parse(&probe);
    parsed.errors.is_empty()
        && parsed
            .docs
            .first()
            .and_then(|d| d.get("k"))
            .is_some_and(|n| {
                n.as_scalar()
                    .is_some_and(|s| s.style == ScalarStyle::Plain && s.text == value)
            })
}

fn double_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `value` written in `style`: plain only where that is safe; a plain value that is not
/// safe gets single quotes, as ruamel (and so chartpress) writes it; double quotes where
/// nothing else can hold it.
pub fn render_scalar(value: &str, style: ScalarStyle) -> String {
    match style {
        ScalarStyle::Plain if plain_is_safe(value) => value.to_string(),
        ScalarStyle::SingleQuoted | ScalarStyle::Plain if !value.contains(['\n', '\r']) => {
            format!("'{}'", value.replace('\'', "''"))
        }
        _ => double_quoted(value),
    }
}

/// When a comment follows `range` on its line, the edit also takes the spaces before it:
/// the comment stays in its column, or one space after a value that grew past it, as ruamel
/// (and so chartpress) writes it. Columns count characters.
fn keep_comment_column(text: &str, range: &mut TextRange, replacement: &mut String) {
    let rest = &text[range.end..];
    let gap = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    if gap == 0 || !rest[gap..].starts_with('#') {
        return;
    }
    let start = line_start(text, range.start);
    if text[start..range.start].contains('\n') || replacement.contains('\n') {
        return;
    }
    let comment_column = text[start..range.end + gap].chars().count();
    let value_end = text[start..range.start].chars().count() + replacement.chars().count();
    let pad = comment_column.saturating_sub(value_end).max(1);
    replacement.push_str(&" ".repeat(pad));
    range.end += gap;
}

/// The edit that makes scalar `node` hold `value`, keeping its quoting (or taking `quoted`,
/// the style a value quoted in chartpress.yaml brings along, as ruamel does); `None` when it
/// already holds exactly that.
fn replace_scalar(
    text: &str,
    node: &Node,
    value: &str,
    quoted: Option<ScalarStyle>,
) -> Result<Option<TextEdit>> {
    let Some(scalar) = node.as_scalar() else {
        bail!("expected a scalar, found a mapping or list");
    };
    let is_null = node.is_null();
    if scalar.text == value && !is_null {
        return Ok(None);
    }
    let mut range = node.range;
    let replacement = match scalar.style {
        ScalarStyle::Literal | ScalarStyle::Folded => {
            // A block scalar's text runs to its last line break: keep the break.
            let original = &text[range.start..range.end];
            let trailing = original.len() - original.trim_end_matches(['\n', '\r']).len();
            range.end -= trailing;
            double_quoted(value)
        }
        style => {
            let style = match quoted {
                Some(q) => q,
                None if is_null => ScalarStyle::Plain,
                None => style,
            };
            let rendered = render_scalar(value, style);
            if range.is_empty() {
                // `tag:` with nothing after the colon.
                format!(" {rendered}")
            } else {
                rendered
            }
        }
    };
    let mut replacement = replacement;
    if !range.is_empty() {
        keep_comment_column(text, &mut range, &mut replacement);
    }
    Ok(Some(TextEdit { range, replacement }))
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The edit that adds `key: value` to a mapping that lacks it: a new line after the mapping's
/// last entry at the same indentation, or `, key: value` inside a flow mapping.
fn insert_entries(text: &str, mapping: &Node, pairs: &[(&str, &str)]) -> Result<TextEdit> {
    let entries = mapping.as_mapping().context("expected a mapping")?;
    let written: Vec<_> = entries.iter().filter(|e| !e.merged).collect();
    let (Some(first), Some(last)) = (written.first(), written.last()) else {
        bail!("cannot add keys to an empty mapping");
    };
    let body = &text[mapping.range.start..mapping.range.end];
    if body.starts_with('{') {
        let close = mapping.range.end - 1;
        if !text[..=close].ends_with('}') {
            bail!("cannot find the end of a flow mapping");
        }
        let before = text[..close].trim_end_matches([' ', '\n', '\r', '\t']);
        let added: String = pairs
            .iter()
            .map(|(k, v)| format!(", {k}: {}", render_scalar(v, ScalarStyle::Plain)))
            .collect();
        return Ok(TextEdit {
            range: TextRange::empty(before.len()),
            replacement: added,
        });
    }
    // The new keys go in the column of the first key (also right for `- name: x` in a list).
    let col = first.key.range.start - line_start(text, first.key.range.start);
    let indent = " ".repeat(col);
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let added: String = pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{newline}{indent}{k}: {}",
                render_scalar(v, ScalarStyle::Plain)
            )
        })
        .collect();
    Ok(TextEdit {
        range: TextRange::empty(end_of_line(
            text,
            last.value.range.end.max(last.key.range.end),
        )),
        replacement: added,
    })
}

/// The end of the line a node ends on (before its line break); a node may end just after
/// its line break, so step back onto its line first.
fn end_of_line(text: &str, end: usize) -> usize {
    let mut at = end;
    if at > 0 && text.as_bytes()[at - 1] == b'\n' {
        at -= 1;
    }
    let eol = text[at..].find('\n').map_or(text.len(), |i| at + i);
    if eol > 0 && text.as_bytes()[eol - 1] == b'\r' {
        eol - 1
    } else {
        eol
    }
}

/// The edits chartpress's values update makes for one image at one `valuesPath`: a mapping
/// gets every key it has among `name`/`repository` set to the image name and `tag` set; a
/// string becomes `name:tag`.
pub fn image_edits(text: &str, values_path: &str, image: &ImageValue) -> Result<Vec<TextEdit>> {
    image_edits_quoting(text, values_path, image, None)
}

/// [`image_edits`], with the tag written in `tag_quoted` style when given (a `resetTag`
/// quoted in chartpress.yaml).
pub fn image_edits_quoting(
    text: &str,
    values_path: &str,
    image: &ImageValue,
    tag_quoted: Option<ScalarStyle>,
) -> Result<Vec<TextEdit>> {
    image_edits_parsed(text, &parse_values(text), values_path, image, tag_quoted)
}

/// [`image_edits_quoting`] on `text` already parsed (`parsed` is `yaml::parse(text)`).
pub fn image_edits_parsed(
    text: &str,
    parsed: &yaml::YamlFile,
    values_path: &str,
    image: &ImageValue,
    tag_quoted: Option<ScalarStyle>,
) -> Result<Vec<TextEdit>> {
    let root = root_of(parsed, "values file")?;
    let node = lookup(root, values_path)?;
    let mut edits = Vec::new();
    match &node.value {
        Value::Mapping(_) => {
            let name_keys: Vec<_> = NAME_KEYS.iter().filter_map(|k| node.entry(k)).collect();
            if name_keys.is_empty() {
                bail!("{values_path} has neither `name` nor `repository`");
            }
            // Helm reads a merged-in name (a `<<` below `name:` wins over it): editing the
            // text of either would not change what is deployed.
            if name_keys.iter().any(|e| e.merged) {
                bail!("{values_path}: the image name comes from an anchor (`<<`); edit it by hand");
            }
            for entry in name_keys {
                if entry.value.from_alias {
                    bail!("{values_path}: the image name is an alias; edit it by hand");
                }
                edits.extend(replace_scalar(text, &entry.value, &image.name, None)?);
            }
            match node.entry("tag") {
                Some(e) if e.merged || e.value.from_alias => {
                    bail!("{values_path}.tag comes from an anchor; edit it by hand")
                }
                Some(e) => edits.extend(replace_scalar(text, &e.value, &image.tag, tag_quoted)?),
                None => edits.push(insert_entries(text, node, &[("tag", &image.tag)])?),
            }
        }
        Value::Scalar(_) if !node.is_null() => {
            let full = format!("{}:{}", image.name, image.tag);
            edits.extend(replace_scalar(text, node, &full, None)?);
        }
        _ => bail!("{values_path} must be a mapping or a string"),
    }
    Ok(edits)
}

/// The edit setting Chart.yaml's `version`.
pub fn chart_version_edits(
    text: &str,
    version: &str,
    quoted: Option<ScalarStyle>,
) -> Result<Vec<TextEdit>> {
    let parsed = yaml::parse(text);
    let root = root_of(&parsed, "Chart.yaml")?;
    let node = lookup(root, "version")?;
    Ok(replace_scalar(text, node, version, quoted)?
        .into_iter()
        .collect())
}

/// Applies non-overlapping edits (an identical range edited twice keeps the last edit, as
/// chartpress's last image wins on a shared `valuesPath`).
pub fn apply(text: &str, edits: &[TextEdit]) -> Result<String> {
    let mut sorted: Vec<&TextEdit> = Vec::new();
    for e in edits {
        if let Some(prev) = sorted.iter_mut().find(|p| p.range == e.range) {
            *prev = e;
        } else {
            sorted.push(e);
        }
    }
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    for pair in sorted.windows(2) {
        if pair[0].range.end > pair[1].range.start {
            bail!("two edits overlap at byte {}", pair[1].range.start);
        }
    }
    let mut out = text.to_string();
    for e in sorted.iter().rev() {
        out.replace_range(e.range.start..e.range.end, &e.replacement);
    }
    Ok(out)
}

/// Reads back what `values_path` holds: (name keys' values, tag) or the string.
pub fn read_image(text: &str, values_path: &str) -> Result<ImageValue> {
    read_image_parsed(&parse_values(text), values_path)
}

/// [`read_image`] of a values text already parsed.
pub fn read_image_parsed(parsed: &yaml::YamlFile, values_path: &str) -> Result<ImageValue> {
    let root = root_of(parsed, "values file")?;
    let node = lookup(root, values_path)?;
    if node.as_mapping().is_some() {
        let name = NAME_KEYS
            .iter()
            .find_map(|k| node.get(k).and_then(Node::as_str))
            .context("no name")?;
        let tag = node.get("tag").and_then(Node::as_str).context("no tag")?;
        Ok(ImageValue {
            name: name.to_string(),
            tag: tag.to_string(),
        })
    } else {
        let s = node.as_str().context("not a string")?;
        let parts = hublint_core::image_ref::Reference::split(s);
        Ok(ImageValue {
            name: parts.name.to_string(),
            tag: parts.tag.context("no tag in image string")?.to_string(),
        })
    }
}

/// Checks an edited values text: it parses, and each path holds what was written (every name
/// key and the tag, all as strings for helm).
pub fn verify_images(text: &str, expected: &[(String, ImageValue)]) -> Result<()> {
    let parsed = yaml::parse(text);
    let root = root_of(&parsed, "edited values file")?;
    for (path, want) in expected {
        let node = lookup(root, path)?;
        if node.as_mapping().is_some() {
            for key in NAME_KEYS {
                if let Some(n) = node.get(key) {
                    if n.helm_string() != Some(want.name.as_str()) {
                        bail!(
                            "after the edit {path}.{key} does not read back as {:?}",
                            want.name
                        );
                    }
                }
            }
            if node.get("tag").and_then(Node::helm_string) != Some(want.tag.as_str()) {
                bail!(
                    "after the edit {path}.tag does not read back as the string {:?}",
                    want.tag
                );
            }
        } else {
            let full = format!("{}:{}", want.name, want.tag);
            if node.helm_string() != Some(full.as_str()) {
                bail!("after the edit {path} does not read back as {full:?}");
            }
        }
    }
    Ok(())
}

/// The block of YAML a hub's values need to use an image, nested under `prefix` keys.
pub fn hub_image_snippet(prefix: &[String], name: &str, tag: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for key in prefix.iter().map(String::as_str).chain(["hub", "image"]) {
        out.push_str(&format!("{}{key}:\n", "  ".repeat(depth)));
        depth += 1;
    }
    let pad = "  ".repeat(depth);
    out.push_str(&format!(
        "{pad}name: {}\n",
        render_scalar(name, ScalarStyle::Plain)
    ));
    // Tags are quoted so that no YAML reader can take one for a number.
    out.push_str(&format!("{pad}tag: {}\n", double_quoted(tag)));
    out
}

/// Edits that set `<prefix>.hub.image.{name,tag}` in a hub's values file: replaces what is
/// there, or adds the missing keys under the deepest mapping that exists.
pub fn hub_image_edits(
    text: &str,
    prefix: &[String],
    name: &str,
    tag: &str,
) -> Result<Vec<TextEdit>> {
    let parsed = yaml::parse(text);
    if let Some(err) = parsed.errors.first() {
        bail!("the values file does not parse: {}", err.message);
    }
    let mut keys: Vec<&str> = prefix.iter().map(String::as_str).collect();
    keys.extend(["hub", "image"]);
    let full_path = keys.join(".");
    let root = match parsed.docs.first().cloned() {
        Some(r) if r.as_mapping().is_some() => r,
        None => return Ok(vec![whole_block(text, prefix, name, tag)]),
        Some(r) if r.is_null() => return Ok(vec![whole_block(text, prefix, name, tag)]),
        _ => bail!("the values file's top level is not a mapping"),
    };
    hub_image_edits_in(text, &root, &keys, &full_path, name, tag)
}

/// An empty file gets the whole block.
fn whole_block(text: &str, prefix: &[String], name: &str, tag: &str) -> TextEdit {
    let body = hub_image_snippet(prefix, name, tag);
    let sep = if text.is_empty() || text.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    TextEdit {
        range: TextRange::empty(text.len()),
        replacement: format!("{sep}{body}"),
    }
}

fn hub_image_edits_in(
    text: &str,
    root: &Node,
    keys: &[&str],
    full_path: &str,
    name: &str,
    tag: &str,
) -> Result<Vec<TextEdit>> {
    if let Ok(node) = lookup(root, full_path) {
        if node.as_mapping().is_some() {
            let mut edits = Vec::new();
            let mut missing = Vec::new();
            for (key, value) in [("name", name), ("tag", tag)] {
                match node.entry(key) {
                    Some(e) if e.merged || e.value.from_alias => {
                        bail!("{full_path}.{key} comes from an anchor; edit it by hand")
                    }
                    Some(e) => edits.extend(replace_scalar(text, &e.value, value, None)?),
                    None => missing.push((key, value)),
                }
            }
            if !missing.is_empty() {
                edits.push(insert_entries(text, node, &missing)?);
            }
            return Ok(edits);
        }
        if !node.is_null() {
            bail!("{full_path} is not a mapping");
        }
    }
    // Find the deepest existing mapping along the path and add the rest below it.
    let mut node = root;
    let mut depth = 0;
    while depth < keys.len() {
        match node.entry(keys[depth]) {
            Some(e) if e.value.as_mapping().is_some() && !e.merged && !e.value.from_alias => {
                node = &e.value;
                depth += 1;
            }
            Some(e) if e.value.is_null() && !e.merged => {
                bail!(
                    "{} is empty; write the hub.image block by hand",
                    keys[..=depth].join(".")
                )
            }
            Some(_) => bail!("{} is not a mapping", keys[..=depth].join(".")),
            None => break,
        }
    }
    let rest: Vec<String> = keys[depth..].iter().map(|s| s.to_string()).collect();
    let (indent, unit, at) = if depth == 0 {
        (String::new(), detect_indent_unit(root, text), text.len())
    } else {
        let entries = node.as_mapping().unwrap_or_default();
        let first = entries.first().context("empty mapping")?;
        let last = entries.last().context("empty mapping")?;
        let col = first.key.range.start - line_start(text, first.key.range.start);
        let eol = end_of_line(text, last.value.range.end.max(last.key.range.end));
        (" ".repeat(col), detect_indent_unit(root, text), eol)
    };
    // Build the block: rest[0] at `indent`, deeper keys by `unit`.
    let mut block = String::new();
    for (i, key) in rest.iter().enumerate() {
        block.push_str(&format!("{indent}{}{key}:\n", unit.repeat(i)));
    }
    let pad = format!("{indent}{}", unit.repeat(rest.len()));
    block.push_str(&format!(
        "{pad}name: {}\n",
        render_scalar(name, ScalarStyle::Plain)
    ));
    block.push_str(&format!("{pad}tag: {}", double_quoted(tag)));
    let replacement = if depth == 0 {
        let sep = if text.is_empty() || text.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        format!("{sep}{block}\n")
    } else {
        format!("\n{block}")
    };
    Ok(vec![TextEdit {
        range: TextRange::empty(at),
        replacement,
    }])
}

/// The indentation step a file uses (the column of the first nested key), default two spaces.
fn detect_indent_unit(root: &Node, text: &str) -> String {
    for e in root.as_mapping().unwrap_or_default() {
        if let Some(first) = e.value.as_mapping().and_then(|m| m.first()) {
            let col = first.key.range.start - line_start(text, first.key.range.start);
            if col > 0
                && text[line_start(text, first.key.range.start)..first.key.range.start]
                    .bytes()
                    .all(|b| b == b' ')
            {
                return " ".repeat(col);
            }
        }
    }
    "  ".to_string()
}

#[cfg(test)]
mod tests;
