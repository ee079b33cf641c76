//! YAML with exact byte spans.
//!
//! Rules walk a small node tree (mappings, sequences, scalars with their decoded text and
//! style) that keeps the byte range of every key and value. Two readers build it:
//! - [`direct`] reads the block-style YAML that values files are written in straight into the
//!   tree, in one pass over the lines (about 10× quicker than the path below);
//! - for everything else (and every syntax error), `yaml_parser` gives a lossless rowan tree
//!   that the `Builder` here walks.
//!
//! Both give the same tree wherever the first one reads a file (checked on the corpus, on
//! every prefix of its files and by the `yaml` fuzz target). Aliases are expanded under a
//! budget and merge keys (`<<: *anchor`) are applied, as helm's go-yaml does. Inputs that would
//! make the parser recurse too deep or take too long are refused up front with an error.

mod convert;
mod direct;
pub mod helm;
mod scalar;
mod strict;

use crate::text::TextRange;
use compact_str::CompactString;
use std::collections::HashMap;
use yaml_parser::{SyntaxKind as K, SyntaxNode, SyntaxToken};

/// Nesting deeper than this is refused before parsing: the parser recurses per level and
/// would overflow the stack (wasm has 1 MiB). Real values files nest about 12 deep.
pub const MAX_DEPTH: usize = 128;
/// Files larger than this are not parsed (a 5 MB file already takes ~0.6 s).
pub const MAX_SIZE: usize = 5 * 1024 * 1024;
/// Nodes that alias expansion may create in one file ("billion laughs" guard).
pub const ALIAS_BUDGET: usize = 100_000;

#[derive(Debug, Clone, PartialEq)]
pub struct YamlFile {
    pub docs: Vec<Node>,
    pub errors: Vec<YamlError>,
    pub duplicates: Vec<DuplicateKey>,
    /// Byte ranges of every comment (`# ...`), for suppression comments and modelines.
    pub comments: Vec<TextRange>,
    /// Why helm could not read this file as values although it parses (a null key,
    /// `.inf`, a list at the top, ...): reported for values files only (Y001).
    pub helm_refusal: Option<YamlError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlErrorKind {
    Syntax,
    TooDeep,
    TooLarge,
    AliasBudget,
    UnknownAlias,
}

#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub kind: YamlErrorKind,
    pub range: TextRange,
    pub message: String,
    /// A rewrite that makes the text read as the author most likely meant (quoting a value,
    /// escaping a backslash); offered, not applied in bulk: only the author knows.
    pub fix: Option<YamlFix>,
}

impl YamlError {
    fn new(kind: YamlErrorKind, range: TextRange, message: impl Into<String>) -> Self {
        YamlError {
            kind,
            range,
            message: message.into(),
            fix: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct YamlFix {
    pub title: String,
    pub range: TextRange,
    pub replacement: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateKey {
    pub key: String,
    pub first: TextRange,
    pub duplicate: TextRange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub style: ScalarStyle,
    /// The decoded text (escapes processed, lines folded, block indentation removed).
    pub text: CompactString,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
    /// Brought in by a merge key (`<<: *anchor`), not written in this mapping.
    pub merged: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar(Scalar),
    Mapping(Vec<Entry>),
    Sequence(Vec<Node>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The node's own text (without its tag/anchor properties).
    pub range: TextRange,
    /// Tag and anchor: rare, so kept out of line to keep every node small (a repository of
    /// thousands of hubs holds millions of nodes).
    pub props: Option<Box<Props>>,
    /// Copied from an anchor by an alias: `range` points at the anchor's definition.
    pub from_alias: bool,
    pub value: Value,
}

/// A node's properties: `!tag` and `&anchor`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Props {
    pub tag: Option<String>,
    pub anchor: Option<String>,
}

impl Node {
    fn empty(at: usize) -> Node {
        Node {
            range: TextRange::empty(at),
            props: None,
            from_alias: false,
            value: Value::Scalar(Scalar {
                style: ScalarStyle::Plain,
                text: CompactString::default(),
            }),
        }
    }

    /// The node's tag (`!!str`, `!custom`), as written.
    pub fn tag(&self) -> Option<&str> {
        self.props.as_ref()?.tag.as_deref()
    }

    /// The node's anchor name (`&name`).
    pub fn anchor(&self) -> Option<&str> {
        self.props.as_ref()?.anchor.as_deref()
    }

    pub(crate) fn props_mut(&mut self) -> &mut Props {
        self.props.get_or_insert_with(Default::default)
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar's decoded text, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.text.as_str())
    }

    pub fn as_mapping(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Mapping(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_sequence(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Sequence(s) => Some(s),
            _ => None,
        }
    }

    /// The entry for `key` in a mapping (the last one when a key is duplicated, as helm reads it).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_mapping()?
            .iter()
            .rev()
            .find(|e| e.key.as_str() == Some(key))
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// Follow a path of mapping keys.
    pub fn get_path(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    /// The string a scalar holds for helm, when it is one (quoted, block, or a plain scalar
    /// that helm resolves to a string).
    pub fn helm_string(&self) -> Option<&str> {
        let s = self.as_scalar()?;
        match self.helm_type() {
            helm::HelmType::String => Some(&s.text),
            _ => None,
        }
    }

    /// The type helm (go-yaml v2, YAML 1.1) gives this node.
    pub fn helm_type(&self) -> helm::HelmType {
        match &self.value {
            Value::Mapping(_) => helm::HelmType::Mapping,
            Value::Sequence(_) => helm::HelmType::Sequence,
            Value::Scalar(s) => helm::scalar_type(s, self.tag(), helm::Resolver::Helm),
        }
    }

    pub fn is_null(&self) -> bool {
        self.helm_type() == helm::HelmType::Null
    }

    /// Number of nodes in this subtree.
    pub fn size(&self) -> usize {
        1 + match &self.value {
            Value::Scalar(_) => 0,
            Value::Mapping(m) => m.iter().map(|e| e.key.size() + e.value.size()).sum(),
            Value::Sequence(s) => s.iter().map(Node::size).sum(),
        }
    }
}

/// Parse a YAML file. Never panics; problems are returned in `errors`, and `docs` holds what
/// could be read (nothing when the syntax is broken).
pub fn parse(text: &str) -> YamlFile {
    parse_with(text, Path::DirectFirst).unwrap_or_else(empty_file)
}

/// What helm refuses in a values file that parses: the first document (the one helm reads)
/// has to become a JSON object. Recorded apart from the syntax errors by [`parse_with`]: other
/// YAML files (cluster.yaml, a schema) are read by other programs.
fn with_helm_refusal(mut file: YamlFile, text: &str) -> YamlFile {
    if file.errors.is_empty() {
        file.helm_refusal = file
            .docs
            .first()
            .and_then(|doc| convert::helm_refusal(doc, text));
    }
    file
}

/// Which reader [`parse_with`] may use.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Path {
    /// The direct reader of [`direct`], falling back to `yaml_parser` for what it does not read.
    DirectFirst,
    DirectOnly,
    YamlParserOnly,
}

fn empty_file() -> YamlFile {
    YamlFile {
        docs: Vec::new(),
        errors: Vec::new(),
        duplicates: Vec::new(),
        comments: Vec::new(),
        helm_refusal: None,
    }
}

/// Only the direct reader of [`direct`]: `None` when the input is outside its part of YAML.
/// For tests and the fuzz target, which compare it with [`parse_with_yaml_parser`].
#[doc(hidden)]
pub fn parse_direct_only(text: &str) -> Option<YamlFile> {
    parse_with(text, Path::DirectOnly)
}

/// [`parse`] without the direct reader: always through `yaml_parser`'s lossless tree.
#[doc(hidden)]
pub fn parse_with_yaml_parser(text: &str) -> YamlFile {
    parse_with(text, Path::YamlParserOnly).unwrap_or_else(empty_file)
}

fn parse_with(text: &str, path: Path) -> Option<YamlFile> {
    read(text, path).map(|f| with_helm_refusal(f, text))
}

fn read(text: &str, path: Path) -> Option<YamlFile> {
    if text.len() > MAX_SIZE {
        let message = format!(
            "file is {} bytes; YAML files over {} bytes are not parsed",
            text.len(),
            MAX_SIZE
        );
        return (path != Path::DirectOnly).then(|| {
            refused(YamlError::new(
                YamlErrorKind::TooLarge,
                TextRange::empty(0),
                message,
            ))
        });
    }
    // What yaml_parser cannot take and a cheap pass can find is refused before either path
    // reads the file, so both agree and neither has to look for it.
    let bom = text.len() - text.trim_start_matches('\u{feff}').len();
    if let Some((at, message)) = refused_up_front(&text[bom..]) {
        return (path != Path::DirectOnly).then(|| {
            refused(YamlError::new(
                YamlErrorKind::TooDeep,
                TextRange::empty(at + bom),
                message,
            ))
        });
    }
    // The direct reader keeps within the nesting and indentation limits below by itself.
    if path != Path::YamlParserOnly && !text.starts_with('\u{feff}') {
        if let Some(direct) = direct::parse(text) {
            return Some(direct);
        }
    }
    if path == Path::DirectOnly {
        return None;
    }
    // yaml_parser drops every leading byte-order mark (a fuzz input had two).
    let body = &text[bom..];
    if let Some((at, message)) = too_deep(body) {
        let range = TextRange::empty(at + bom);
        return Some(refused(YamlError::new(
            YamlErrorKind::TooDeep,
            range,
            message,
        )));
    }
    // yaml_parser shifts a 64-bit mask by the first content line's indentation, counting every
    // ASCII whitespace character before it (tabs, form feeds), not only spaces.
    if let Some(first) = body.find(|c: char| !c.is_ascii_whitespace()) {
        let base = body[..first].rfind('\n').map_or(first, |nl| first - nl - 1);
        if base > MAX_INDENT {
            let message = format!(
                "first line indented {base} columns (more than {MAX_INDENT}); the file is not parsed"
            );
            let range = TextRange::empty(first + bom);
            return Some(refused(YamlError::new(
                YamlErrorKind::TooDeep,
                range,
                message,
            )));
        }
    }
    if let Some((at, message)) = dedent_below_first_line(body) {
        let range = TextRange::empty(at + bom);
        return Some(refused(YamlError::new(
            YamlErrorKind::Syntax,
            range,
            message,
        )));
    }
    Some(full_parse(text, bom))
}

/// A file that is not read, only reported.
fn refused(error: YamlError) -> YamlFile {
    let mut file = empty_file();
    file.errors.push(error);
    file
}

/// The character at byte `offset` of `text` (or the nearest before it), as a range.
fn char_at(text: &str, offset: usize) -> TextRange {
    let at = crate::text::floor_char_boundary(text, offset.min(text.len()));
    TextRange::new(at, next_char_end(text, at))
}

/// A line indented less than the file's first content line: YAML rejects it (but for a
/// document marker, rare after an indented document), and yaml_parser 0.3 underflows its
/// indentation counter on it when a comment line comes first (a panic with overflow checks,
/// found by the `yaml`, `fix` and `chart_yaml` fuzz targets), so it is reported here without
/// calling the parser.
fn dedent_below_first_line(text: &str) -> Option<(usize, String)> {
    let line_no = |at: usize| text[..at].matches('\n').count() + 1;
    // (indentation, offset) of the first content line.
    let mut first: Option<(usize, usize)> = None;
    let mut offset = 0;
    // yaml_parser breaks lines at a lone CR too (a fuzz input had one mid-line).
    for line in text.split_inclusive(['\n', '\r']) {
        let start = offset;
        offset += line.len();
        // Indentation as yaml_parser counts a first line's: any blank character, not only spaces.
        let trimmed = line.trim_start_matches([' ', '\t', '\x0b', '\x0c']);
        let content = trimmed.trim_end();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let marker = indent == 0 && starts_with_marker(content);
        match first {
            // A document marker: the next document sets its own first line (a fuzz input
            // indented the line after a `...`).
            None | Some((0, _)) if marker => first = None,
            None => first = Some((indent, start)),
            Some((k, first_start)) if indent < k => {
                return Some((
                    start,
                    format!(
                        "YAML syntax error: line {} is indented less than the document's first line (line {}, {k} spaces)",
                        line_no(start),
                        line_no(first_start)
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    None
}

fn full_parse(text: &str, bom: usize) -> YamlFile {
    let body = &text[bom..];
    let syntax_error = |at: usize, message: String| {
        refused(YamlError::new(
            YamlErrorKind::Syntax,
            char_at(text, at + bom),
            message,
        ))
    };
    // `key: ---` is the string `---` to YAML (a document marker only starts a line);
    // yaml_parser reads a marker. Such values are parsed as a placeholder of the same length
    // and given their text back after building.
    let markers = marker_values(body);
    let masked;
    let (body, tree) = match markers.is_empty() {
        true => (body, yaml_parser::parse(body)),
        false => {
            masked = mask_markers(body, &markers);
            match yaml_parser::parse(&masked) {
                Ok(tree) if placeholders_are_scalars(&tree, &markers) => {
                    (masked.as_str(), Ok(tree))
                }
                // The placeholder landed in a quoted or block scalar: read the text as it is.
                _ => (body, yaml_parser::parse(body)),
            }
        }
    };
    let tree = match tree {
        Ok(tree) => tree,
        Err(err) => return syntax_error(err.offset(), syntax_message(err.message())),
    };
    // yaml_parser 0.3 can drop text from its tree (a line break between `?` and a comment:
    // a fuzz input); every span after it would be off. Such a tree is not used.
    if let Some(at) = first_text_mismatch(&tree, body) {
        return syntax_error(
            at,
            "the YAML parser could not read this exactly; the file is not parsed".to_string(),
        );
    }
    if let Some(found) = strict::first_violation(&tree, body) {
        let mut file = syntax_error(found.at, found.message);
        file.errors[0].fix = found.fix.map(|fix| YamlFix {
            range: TextRange::new(fix.range.start + bom, fix.range.end + bom),
            ..fix
        });
        return file;
    }
    let mut file = empty_file();
    let mut builder = Builder {
        text,
        bom,
        anchors: HashMap::new(),
        budget: ALIAS_BUDGET,
        file: &mut file,
    };
    builder.collect_comments(&tree);
    for doc in tree.children().filter(|n| n.kind() == K::DOCUMENT) {
        let node = match doc
            .children()
            .find(|c| matches!(c.kind(), K::BLOCK | K::FLOW))
        {
            Some(content) => builder.node(&content),
            None => Node::empty(builder.end(&doc)),
        };
        builder.anchors.clear();
        builder.file.docs.push(node);
    }
    if !markers.is_empty() && body.len() == text.len() - bom && !std::ptr::eq(body, &text[bom..]) {
        let ranges: Vec<TextRange> = markers
            .iter()
            .map(|&at| TextRange::new(at + bom, at + bom + 3))
            .collect();
        for doc in &mut file.docs {
            restore_markers(doc, &ranges, text);
        }
    }
    file
}

/// Offsets of `---` and `...` written as a whole plain value after `: ` or `- ` (not at the
/// start of a line), with nothing but a comment after them.
fn marker_values(body: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        for m in ["---", "..."] {
            let mut from = 0;
            while let Some(i) = content[from..].find(m) {
                let at = from + i;
                let before = &content[..at];
                let after = content[at + 3..].trim_start_matches([' ', '\t']);
                let value_position = before.ends_with(": ") || before.ends_with("- ");
                if at > 0
                    && value_position
                    && (after.is_empty()
                        || (after.starts_with('#') && content[at + 3..].starts_with([' ', '\t'])))
                {
                    out.push(offset + at);
                }
                from = at + 3;
            }
        }
        offset += line.len();
    }
    out.sort_unstable();
    out
}

/// `body` with each marker value replaced by `-x-` (same length, a plain scalar).
fn mask_markers(body: &str, markers: &[usize]) -> String {
    let mut out = body.to_string();
    for &at in markers {
        out.replace_range(at..at + 3, "-x-");
    }
    out
}

fn placeholders_are_scalars(tree: &SyntaxNode, markers: &[usize]) -> bool {
    let scalars: Vec<usize> = tree
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .filter(|t| t.kind() == K::PLAIN_SCALAR && t.text() == "-x-")
        .map(|t| usize::from(t.text_range().start()))
        .collect();
    markers.iter().all(|m| scalars.contains(m))
}

fn restore_markers(node: &mut Node, ranges: &[TextRange], text: &str) {
    match &mut node.value {
        Value::Mapping(entries) => {
            for e in entries {
                restore_markers(&mut e.key, ranges, text);
                restore_markers(&mut e.value, ranges, text);
            }
        }
        Value::Sequence(items) => {
            for i in items {
                restore_markers(i, ranges, text);
            }
        }
        Value::Scalar(s) => {
            if s.style == ScalarStyle::Plain && ranges.contains(&node.range) {
                s.text = text[node.range.start..node.range.end].into();
            }
        }
    }
}

/// Where the parser's tree stops spelling `body` (its tokens, in order, must be the text).
fn first_text_mismatch(tree: &SyntaxNode, body: &str) -> Option<usize> {
    let mut at = 0;
    for token in tree
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
    {
        let text = token.text();
        if usize::from(token.text_range().start()) != at
            || body.get(at..at + text.len()) != Some(text)
        {
            return Some(at);
        }
        at += text.len();
    }
    (at != body.len()).then_some(at)
}

/// A document marker, `---` or `...`, alone or before a blank (`...: x` is a key: a
/// generated input). The caller checks it starts its line.
fn starts_with_marker(line: &str) -> bool {
    ["---", "..."].iter().any(|m| {
        line.strip_prefix(m)
            .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t', '\n', '\r']))
    })
}

fn next_char_end(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(at, |c| at + c.len_utf8())
}

fn syntax_message(raw: &str) -> String {
    let raw = raw.trim();
    // yaml_parser's word for "the document cannot go on here": it means nothing to a user.
    if raw == "expected `...`" {
        "YAML syntax error: the structure above cannot continue here (check the indentation, \
         a missing `:` or `-`, an unclosed bracket, or text after a quoted value)"
            .to_string()
    } else if raw.is_empty() {
        "YAML syntax error".to_string()
    } else {
        format!("YAML syntax error: {}", raw.replace('\n', "; "))
    }
}

/// `yaml_parser` tracks open indentation levels in a 64-bit mask: a structure indented 64 or
/// more columns overflows it (a panic in debug builds, a wrong tree in release ones).
pub const MAX_INDENT: usize = 63;

/// A cheap check, without recursion, of what the parser cannot take: nesting deeper than
/// [`MAX_DEPTH`] (indentation levels of block collections, compact `- - -` sequences on one
/// line, open flow brackets) and structure indented past [`MAX_INDENT`] columns. Lines inside
/// block scalars are text, not structure, and are skipped. Returns the offset and the reason.
fn too_deep(text: &str) -> Option<(usize, String)> {
    let deep = || format!("nesting deeper than {MAX_DEPTH} levels; the file is not parsed");
    let mut indents: Vec<usize> = Vec::new();
    // The brackets of the flow collections open, innermost last: a closer of the other kind
    // closes none (`[` then `}` left yaml_parser backtracking for minutes: a fuzz input).
    let mut open_brackets: Vec<char> = Vec::new();
    // Where the outermost flow collection still open began.
    let mut flow_start = 0usize;
    let mut offset = 0;
    // Indentation of the line that opened a block scalar (`key: |`), while inside it.
    let mut block_scalar: Option<usize> = None;
    // Lines and indentation as yaml_parser sees them: a lone CR breaks a line, and tabs and
    // other blanks count towards its indentation mask (64 tabs overflowed it: a fuzz input).
    for line in text.split_inclusive(['\n', '\r']) {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start_matches([' ', '\t', '\x0b', '\x0c']);
        let indent = line.len() - trimmed.len();
        if trimmed.trim().is_empty() {
            continue;
        }
        match block_scalar {
            Some(parent) if indent > parent => continue,
            _ => block_scalar = None,
        }
        if trimmed.starts_with('#') {
            continue;
        }
        if open_brackets.is_empty() {
            while indents.last().is_some_and(|&i| i >= indent) {
                indents.pop();
            }
            indents.push(indent);
        }
        // Whether this line's first content sits in block context; a flow collection it opens
        // still starts at a block column (`? <119 blanks>{c` overflowed the mask: a fuzz input).
        let block_line = open_brackets.is_empty();
        let mut dashes = 0;
        let mut rest = trimmed;
        // `- `, `? ` and `: ` open compact nodes; the blanks after them (tabs too: 63 tabs after
        // a `?` overflowed yaml_parser's mask, a fuzz input) count towards the column.
        while let Some(r) = ["-", "?", ":"].iter().find_map(|ind| {
            rest.strip_prefix(ind)
                .filter(|r| r.starts_with([' ', '\t']))
        }) {
            dashes += 1;
            rest = r.trim_start_matches([' ', '\t']);
        }
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        let mut content_end = rest.len();
        // In block context, whether the next non-blank character begins a node: only there do
        // `[`/`{` open a flow collection (`s[[[` is a plain scalar) and quotes open a string.
        // It stays set after a property, an alias or a closed quoted or flow node, where
        // yaml_parser, recovering, reads a following `- ` as a compact sequence (a fuzz input).
        let mut node_start = true;
        // Inside a property or alias token (`&a`, `!tag`, `*a`), which runs to the next blank.
        let mut in_token = false;
        let rest_column = line.len() - rest.len();
        // A document marker starts a line's nodes afresh (`--- {{{…` opens flow collections:
        // a fuzz input).
        let marker_len = if indent == 0 && starts_with_marker(rest) {
            3
        } else {
            0
        };
        for (i, ch) in rest.char_indices().skip(marker_len) {
            let next_blank = || rest[i + ch.len_utf8()..].starts_with([' ', '\t']);
            match quote {
                Some(q) if ch == q => {
                    quote = None;
                    if open_brackets.is_empty() {
                        node_start = true;
                    }
                }
                Some(_) => {}
                None if in_token => in_token = !matches!(ch, ' ' | '\t'),
                None => match ch {
                    '#' if prev == ' ' || prev == '\t' => {
                        content_end = i;
                        break;
                    }
                    ' ' | '\t' => {}
                    '"' | '\''
                        if !open_brackets.is_empty()
                            && matches!(prev, ' ' | '[' | '{' | ',' | ':') =>
                    {
                        quote = Some(ch)
                    }
                    '"' | '\'' if open_brackets.is_empty() && node_start => quote = Some(ch),
                    '[' | '{' if !open_brackets.is_empty() || node_start => {
                        if open_brackets.is_empty() {
                            flow_start = start + rest_column + i;
                        }
                        open_brackets.push(ch);
                        // Brackets opened and closed on one line nest as deep as any.
                        if indents.len() + dashes + open_brackets.len() > MAX_DEPTH {
                            return Some((start + indent, deep()));
                        }
                    }
                    ']' | '}' if !open_brackets.is_empty() => {
                        let opener = if ch == ']' { '[' } else { '{' };
                        if open_brackets.last() == Some(&opener) {
                            open_brackets.pop();
                            node_start = open_brackets.is_empty();
                        }
                    }
                    '&' | '!' | '*' if open_brackets.is_empty() && node_start => in_token = true,
                    // (`:` right after a quoted or flow key separates it from its value.)
                    '-' | '?' | ':'
                        if open_brackets.is_empty()
                            && node_start
                            && next_blank()
                            && !(ch == ':' && matches!(prev, '"' | '\'' | ']' | '}')) =>
                    {
                        // A compact collection further along the line: its column counts too.
                        let after = rest[i + 1..].trim_start_matches([' ', '\t']);
                        let column = line.len() - after.len();
                        if column > MAX_INDENT {
                            return Some((start + indent, too_wide(column)));
                        }
                    }
                    ':' if open_brackets.is_empty()
                        && (next_blank()
                            || rest[i + 1..].starts_with(['\n', '\r'])
                            || i + 1 == rest.len()) =>
                    {
                        node_start = true
                    }
                    _ if open_brackets.is_empty() => node_start = false,
                    _ => {}
                },
            }
            prev = ch;
        }
        if indents.len() + dashes + open_brackets.len() > MAX_DEPTH {
            return Some((start + indent, deep()));
        }
        let column = line.len() - rest.len();
        if column > MAX_INDENT && block_line {
            return Some((start + indent, too_wide(column)));
        }
        // `key: |`, `- >-`, `key: |2+` open a block scalar whose lines follow, more indented.
        let content = rest[..content_end].trim_end();
        let header = content.rsplit([' ', ':']).next().unwrap_or("");
        if open_brackets.is_empty()
            && (header.starts_with('|') || header.starts_with('>'))
            && header[1..]
                .chars()
                .all(|c| matches!(c, '-' | '+' | '1'..='9'))
        {
            block_scalar = Some(indent);
        }
    }
    // yaml_parser backtracks through every unclosed flow collection when it fails: the time
    // doubles with each (20 take a second, 30 would take minutes).
    if open_brackets.len() > MAX_UNCLOSED_FLOW {
        return Some((
            flow_start,
            format!(
                "{} flow collections ('[' or '{{') are never closed; the file is not parsed",
                open_brackets.len()
            ),
        ));
    }
    None
}

fn too_wide(column: usize) -> String {
    format!("structure indented {column} columns (more than {MAX_INDENT}); the file is not parsed")
}

/// What no path may read and one cheap pass finds, wherever it is (quotes, comments, block
/// scalars alike): brackets nested too deep, a `?` or `-` before a long run of blanks, and a
/// long run of blanks ending the file. Lines break at LF and lone CR, as in yaml_parser.
fn refused_up_front(text: &str) -> Option<(usize, String)> {
    if let Some(at) = brackets_too_deep(text) {
        return Some((
            at,
            format!("brackets ('[' or '{{') nested more than {MAX_FLOW_DEPTH} deep; the file is not parsed"),
        ));
    }
    let bytes = text.as_bytes();
    let mut start = 0;
    for end in memchr::memchr2_iter(b'\n', b'\r', bytes).chain([bytes.len()]) {
        if let Some(column) = indicator_before_long_blanks(&bytes[start..end]) {
            return Some((start, too_wide(column)));
        }
        start = end + 1;
    }
    // Blanks ending the file (no line break after them) are read as the indentation of a
    // node to come: 64 overflowed yaml_parser's mask (a generated input).
    let last = &text[text.rfind(['\n', '\r']).map_or(0, |i| i + 1)..];
    (last.len() > MAX_INDENT
        && last
            .trim_start_matches([' ', '\t', '\x0b', '\x0c'])
            .is_empty())
    .then(|| (text.len() - last.len(), too_wide(last.len())))
}

/// The column after a `?` or `-` followed by [`MAX_INDENT`] blanks or more in `line`: after a
/// document marker, even one mid-line, yaml_parser reads it as a compact collection indented
/// that far (`--- ?` and `|-...? <65 blanks>!t` overflowed its mask: generated inputs).
fn indicator_before_long_blanks(line: &[u8]) -> Option<usize> {
    if line.len() <= MAX_INDENT {
        return None;
    }
    let mut run = 0;
    for (i, &b) in line.iter().enumerate() {
        if b == b' ' || b == b'\t' {
            run += 1;
            continue;
        }
        if run >= MAX_INDENT && i > run && matches!(line[i - run - 1], b'?' | b'-') {
            return Some(i);
        }
        run = 0;
    }
    (run >= MAX_INDENT && line.len() > run && matches!(line[line.len() - run - 1], b'?' | b'-'))
        .then_some(line.len())
}

/// Where a bracket nests deeper than [`MAX_FLOW_DEPTH`], counting without context: every
/// `[`/`{` opens, each `]`/`}` closes an open one of its kind (a closer of the other kind
/// closes nothing). yaml_parser backtracks through every level of flow collections around an
/// error, doubling its time with each (`[[[…]]]ak]]` 29 deep ran for minutes, and so did
/// brackets that its error recovery takes for flow collections where YAML would not: `...{{{`
/// after a marker; fuzz inputs). Brackets left open count as nested, so this also bounds them.
fn brackets_too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    // Openers and closers found by memchr's vector search and merged in order: this runs on
    // every parse, and most of a file is neither.
    let mut openers = memchr::memchr2_iter(b'[', b'{', bytes).peekable();
    let mut closers = memchr::memchr2_iter(b']', b'}', bytes).peekable();
    let mut open: Vec<u8> = Vec::new();
    loop {
        let i = match (openers.peek(), closers.peek()) {
            (Some(&o), Some(&c)) if o < c => openers.next()?,
            (Some(_), None) => openers.next()?,
            (_, Some(_)) => closers.next()?,
            (None, None) => return None,
        };
        match bytes[i] {
            b @ (b'[' | b'{') => {
                open.push(b);
                if open.len() > MAX_FLOW_DEPTH {
                    return Some(i);
                }
            }
            b => {
                let opener = if b == b']' { b'[' } else { b'{' };
                if open.last() == Some(&opener) {
                    open.pop();
                }
            }
        }
    }
}

/// Brackets nested deeper than this, anywhere in a file, are refused up front: the corpus
/// nests 6 deep at most (counting brackets in comments and block scalars too), and an error
/// 12 deep costs yaml_parser ~9 ms.
pub const MAX_FLOW_DEPTH: usize = 12;

/// More flow collections left open at the end of a file than this are refused up front.
pub const MAX_UNCLOSED_FLOW: usize = 12;

struct Builder<'a> {
    text: &'a str,
    bom: usize,
    anchors: HashMap<String, Node>,
    budget: usize,
    file: &'a mut YamlFile,
}

impl Builder<'_> {
    fn range(&self, node: &SyntaxNode) -> TextRange {
        let r = node.text_range();
        TextRange::new(
            usize::from(r.start()) + self.bom,
            usize::from(r.end()) + self.bom,
        )
    }
    fn token_range(&self, tok: &SyntaxToken) -> TextRange {
        let r = tok.text_range();
        TextRange::new(
            usize::from(r.start()) + self.bom,
            usize::from(r.end()) + self.bom,
        )
    }
    fn end(&self, node: &SyntaxNode) -> usize {
        self.range(node).end
    }

    fn collect_comments(&mut self, root: &SyntaxNode) {
        for tok in root
            .descendants_with_tokens()
            .filter_map(|e| e.into_token())
        {
            if tok.kind() == K::COMMENT {
                let r = self.token_range(&tok);
                self.file.comments.push(r);
            }
        }
    }

    /// A BLOCK or FLOW node (or the content inside one).
    fn node(&mut self, syntax: &SyntaxNode) -> Node {
        let mut tag = None;
        let mut anchor = None;
        let mut content: Option<Node> = None;
        for child in syntax.children_with_tokens() {
            match child {
                rowan::NodeOrToken::Node(n) => match n.kind() {
                    K::PROPERTIES => {
                        for p in n.children() {
                            match p.kind() {
                                K::TAG_PROPERTY => {
                                    tag = Some(helm::short_tag(&p.text().to_string()))
                                }
                                K::ANCHOR_PROPERTY => {
                                    anchor = p
                                        .children_with_tokens()
                                        .filter_map(|e| e.into_token())
                                        .find(|t| t.kind() == K::ANCHOR_NAME)
                                        .map(|t| t.text().to_string())
                                }
                                _ => {}
                            }
                        }
                    }
                    K::BLOCK_MAP => content = Some(self.block_map(&n)),
                    K::BLOCK_SEQ => content = Some(self.block_seq(&n)),
                    K::BLOCK_SCALAR => content = Some(self.block_scalar(&n)),
                    K::FLOW_MAP => content = Some(self.flow_map(&n)),
                    K::FLOW_SEQ => content = Some(self.flow_seq(&n)),
                    K::ALIAS => content = Some(self.alias(&n)),
                    K::BLOCK | K::FLOW => content = Some(self.node(&n)),
                    _ => {}
                },
                rowan::NodeOrToken::Token(t) => {
                    let style = match t.kind() {
                        K::PLAIN_SCALAR => ScalarStyle::Plain,
                        K::SINGLE_QUOTED_SCALAR => ScalarStyle::SingleQuoted,
                        K::DOUBLE_QUOTED_SCALAR => ScalarStyle::DoubleQuoted,
                        _ => continue,
                    };
                    let raw = t.text();
                    let text = match style {
                        ScalarStyle::Plain => scalar::plain(raw),
                        ScalarStyle::SingleQuoted => scalar::single_quoted(raw),
                        _ => scalar::double_quoted(raw),
                    };
                    content = Some(Node {
                        range: self.token_range(&t),
                        props: None,
                        from_alias: false,
                        value: Value::Scalar(Scalar { style, text }),
                    });
                }
            }
        }
        let mut node = content.unwrap_or_else(|| Node::empty(self.end(syntax)));
        if tag.is_some() {
            node.props_mut().tag = tag;
        }
        if let Some(name) = anchor {
            node.props_mut().anchor = Some(name.clone());
            self.anchors.insert(name, node.clone());
        }
        node
    }

    fn alias(&mut self, syntax: &SyntaxNode) -> Node {
        let range = self.range(syntax);
        let name = syntax
            .children_with_tokens()
            .filter_map(|e| e.into_token())
            .find(|t| t.kind() == K::ANCHOR_NAME)
            .map(|t| t.text().to_string())
            .unwrap_or_default();
        let Some(target) = self.anchors.get(&name) else {
            self.file.errors.push(YamlError::new(
                YamlErrorKind::UnknownAlias,
                range,
                format!("alias *{name} refers to no anchor defined before it"),
            ));
            return Node::empty(range.start);
        };
        let size = target.size();
        if size > self.budget {
            if !self
                .file
                .errors
                .iter()
                .any(|e| e.kind == YamlErrorKind::AliasBudget)
            {
                self.file.errors.push(YamlError::new(
                    YamlErrorKind::AliasBudget,
                    range,
                    format!(
                        "alias expansion exceeds {ALIAS_BUDGET} nodes (an \"alias bomb\"); aliases past this point are read as null"
                    ),
                ));
            }
            return Node::empty(range.start);
        }
        self.budget -= size;
        let mut node = target.clone();
        mark_aliased(&mut node);
        node
    }

    fn block_map(&mut self, syntax: &SyntaxNode) -> Node {
        let mut entries = Vec::new();
        for entry in syntax.children().filter(|c| c.kind() == K::BLOCK_MAP_ENTRY) {
            let key = entry.children().find(|c| c.kind() == K::BLOCK_MAP_KEY);
            let value = entry.children().find(|c| c.kind() == K::BLOCK_MAP_VALUE);
            entries.push(self.pair(&entry, key, value));
        }
        self.mapping(syntax, entries)
    }

    fn flow_map(&mut self, syntax: &SyntaxNode) -> Node {
        let mut entries = Vec::new();
        for list in syntax
            .children()
            .filter(|c| c.kind() == K::FLOW_MAP_ENTRIES)
        {
            for entry in list.children().filter(|c| c.kind() == K::FLOW_MAP_ENTRY) {
                let key = entry.children().find(|c| c.kind() == K::FLOW_MAP_KEY);
                let value = entry.children().find(|c| c.kind() == K::FLOW_MAP_VALUE);
                entries.push(self.pair(&entry, key, value));
            }
        }
        self.mapping(syntax, entries)
    }

    /// One key/value pair; a missing key or value is an empty (null) scalar.
    fn pair(
        &mut self,
        entry: &SyntaxNode,
        key: Option<SyntaxNode>,
        value: Option<SyntaxNode>,
    ) -> Entry {
        let colon_end = entry
            .children_with_tokens()
            .filter_map(|e| e.into_token())
            .find(|t| t.kind() == K::COLON)
            .map(|t| self.token_range(&t).end);
        let key = match key.and_then(|k| {
            k.children()
                .find(|c| matches!(c.kind(), K::FLOW | K::BLOCK))
        }) {
            Some(k) => self.node(&k),
            None => Node::empty(self.range(entry).start),
        };
        let value = match value.and_then(|v| {
            v.children()
                .find(|c| matches!(c.kind(), K::FLOW | K::BLOCK))
        }) {
            Some(v) => self.node(&v),
            None => Node::empty(colon_end.unwrap_or(key.range.end)),
        };
        Entry {
            key,
            value,
            merged: false,
        }
    }

    fn mapping(&mut self, syntax: &SyntaxNode, written: Vec<Entry>) -> Node {
        let range = self.range(syntax);
        build_mapping(range, written, &mut self.file.duplicates)
    }

    fn block_seq(&mut self, syntax: &SyntaxNode) -> Node {
        let mut items = Vec::new();
        for entry in syntax.children().filter(|c| c.kind() == K::BLOCK_SEQ_ENTRY) {
            let item = match entry
                .children()
                .find(|c| matches!(c.kind(), K::FLOW | K::BLOCK))
            {
                Some(n) => self.node(&n),
                None => Node::empty(self.end(&entry)),
            };
            items.push(item);
        }
        Node {
            range: self.range(syntax),
            props: None,
            from_alias: false,
            value: Value::Sequence(items),
        }
    }

    fn flow_seq(&mut self, syntax: &SyntaxNode) -> Node {
        let mut items = Vec::new();
        for list in syntax
            .children()
            .filter(|c| c.kind() == K::FLOW_SEQ_ENTRIES)
        {
            for entry in list.children().filter(|c| c.kind() == K::FLOW_SEQ_ENTRY) {
                if let Some(pair) = entry.children().find(|c| c.kind() == K::FLOW_PAIR) {
                    // `[a: b]` is a one-entry mapping inside the sequence.
                    let key = pair.children().find(|c| c.kind() == K::FLOW_MAP_KEY);
                    let value = pair.children().find(|c| c.kind() == K::FLOW_MAP_VALUE);
                    let e = self.pair(&pair, key, value);
                    items.push(self.mapping(&pair, vec![e]));
                } else if let Some(n) = entry
                    .children()
                    .find(|c| matches!(c.kind(), K::FLOW | K::BLOCK))
                {
                    items.push(self.node(&n));
                }
            }
        }
        Node {
            range: self.range(syntax),
            props: None,
            from_alias: false,
            value: Value::Sequence(items),
        }
    }

    fn block_scalar(&mut self, syntax: &SyntaxNode) -> Node {
        let mut folded = false;
        let mut header = String::new();
        let mut body = String::new();
        for t in syntax
            .descendants_with_tokens()
            .filter_map(|e| e.into_token())
        {
            match t.kind() {
                K::GREATER_THAN => folded = true,
                K::BAR => {}
                K::BLOCK_SCALAR_TEXT => body.push_str(t.text()),
                K::INDENT_INDICATOR | K::PLUS | K::MINUS => header.push_str(t.text()),
                _ => {}
            }
        }
        let _ = self.text;
        let text = scalar::block(&header, &body, folded);
        Node {
            range: self.range(syntax),
            props: None,
            from_alias: false,
            value: Value::Scalar(Scalar {
                style: if folded {
                    ScalarStyle::Folded
                } else {
                    ScalarStyle::Literal
                },
                text: text.into(),
            }),
        }
    }
}

/// Record duplicate keys and apply merge keys (`<<`), then build the mapping node. Shared by
/// both tree builders so they agree on what a mapping holds.
fn build_mapping(
    range: TextRange,
    written: Vec<Entry>,
    duplicates: &mut Vec<DuplicateKey>,
) -> Node {
    let is_merge_key = |e: &Entry| {
        e.key
            .as_scalar()
            .is_some_and(|s| s.style == ScalarStyle::Plain && s.text == "<<")
    };
    record_duplicates(written.iter().filter(|e| !is_merge_key(e)), duplicates);
    if !written.iter().any(is_merge_key) {
        // The usual case: the entries stay as written. Exact capacity: slack in millions of
        // small mappings adds up.
        let mut written = written;
        written.shrink_to_fit();
        return Node {
            range,
            props: None,
            from_alias: false,
            value: Value::Mapping(written),
        };
    }
    let mut entries = Vec::with_capacity(written.len());
    let mut merges = Vec::new();
    for e in written {
        if is_merge_key(&e) {
            merges.push(e);
        } else {
            entries.push(e);
        }
    }
    for merge in merges {
        // go-yaml refuses a merge of anything but a mapping or a list of mappings: such an
        // entry stays as written, for `helm_refusal` to report.
        let mergeable = match &merge.value.value {
            Value::Mapping(_) => true,
            Value::Sequence(items) => items.iter().all(|i| i.as_mapping().is_some()),
            Value::Scalar(_) => false,
        };
        if !mergeable {
            entries.push(merge);
            continue;
        }
        let source = merge.value;
        let sources: Vec<Node> = match source.value {
            Value::Sequence(items) => items,
            _ => vec![source],
        };
        for src in sources {
            if let Value::Mapping(m) = src.value {
                for mut e in m {
                    let present = e
                        .key
                        .as_str()
                        .is_some_and(|k| entries.iter().any(|x| x.key.as_str() == Some(k)));
                    if !present {
                        e.merged = true;
                        entries.push(e);
                    }
                }
            }
        }
    }
    Node {
        range,
        props: None,
        from_alias: false,
        value: Value::Mapping(entries),
    }
}

/// Keys written twice in one mapping (copies made by aliases do not count), found without
/// copying keys: this runs for every mapping of every file.
fn record_duplicates<'e>(
    entries: impl Iterator<Item = &'e Entry> + Clone,
    duplicates: &mut Vec<DuplicateKey>,
) {
    fn key_of(e: &Entry) -> Option<&str> {
        if e.key.from_alias {
            None
        } else {
            e.key.as_str()
        }
    }
    let mut report = |key: &str, first: TextRange, duplicate: TextRange| {
        duplicates.push(DuplicateKey {
            key: key.to_string(),
            first,
            duplicate,
        })
    };
    if entries.clone().nth(16).is_none() {
        // Few keys: comparing each with those before it beats hashing.
        for (i, e) in entries.clone().enumerate() {
            let Some(k) = key_of(e) else { continue };
            if let Some(first) = entries.clone().take(i).find(|f| key_of(f) == Some(k)) {
                report(k, first.key.range, e.key.range);
            }
        }
    } else {
        let mut seen: HashMap<&str, TextRange> = HashMap::new();
        for e in entries {
            let Some(k) = key_of(e) else { continue };
            match seen.get(k) {
                Some(first) => report(k, *first, e.key.range),
                None => {
                    seen.insert(k, e.key.range);
                }
            }
        }
    }
}

pub(super) fn mark_aliased(node: &mut Node) {
    node.from_alias = true;
    match &mut node.value {
        Value::Scalar(_) => {}
        Value::Mapping(m) => {
            for e in m {
                mark_aliased(&mut e.key);
                mark_aliased(&mut e.value);
            }
        }
        Value::Sequence(s) => s.iter_mut().for_each(mark_aliased),
    }
}

#[cfg(test)]
mod tests;
