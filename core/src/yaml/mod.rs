//! YAML with exact byte spans.
//!
//! Rules walk a small node tree ([`node`]: mappings, sequences, scalars with their decoded
//! text and style) that keeps the byte range of every key and value. Two readers build it:
//! - [`direct`] reads the block-style YAML that values files are written in straight into the
//!   tree, in one pass over the lines (about 10× quicker than the path below);
//! - for everything else (and every syntax error), `yaml_parser` gives a lossless rowan tree
//!   that [`tree`] walks.
//!
//! Both give the same tree wherever the first one reads a file (checked on the corpus, on
//! every prefix of its files and by the `yaml` fuzz target). Aliases are expanded under a
//! budget and merge keys (`<<: *anchor`) are applied, as helm's go-yaml does. Inputs that would
//! make the parser recurse too deep or take too long are refused up front with an error
//! ([`limits`]).

mod convert;
mod direct;
pub mod helm;
mod limits;
mod node;
mod scalar;
mod strict;
mod tree;

use crate::text::TextRange;
pub(crate) use convert::is_calendar_date;
pub use limits::{
    ALIAS_BUDGET, MAX_DEPTH, MAX_FLOW_DEPTH, MAX_INDENT, MAX_SIZE, MAX_UNCLOSED_FLOW,
};
pub use node::{Entry, Node, Props, Scalar, ScalarStyle, Value};

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
    /// Entries a merge key's mapping, written in place, brought in but the mapping already
    /// had: go-yaml still decodes them, so [`convert::helm_refusal`] checks them.
    merged_over: Vec<Entry>,
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
        let first_doc_end = file.docs.get(1).map_or(usize::MAX, |d| d.range.start);
        let merged_over = file
            .merged_over
            .iter()
            .filter(|e| e.key.range.start < first_doc_end);
        file.helm_refusal = file
            .docs
            .first()
            .and_then(|doc| convert::helm_refusal(doc, merged_over, text));
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
        merged_over: Vec::new(),
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
    if let Some((at, message)) = limits::refused_up_front(&text[bom..]) {
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
    if let Some((kind, at, message)) = limits::refused_by_yaml_parser(&text[bom..]) {
        let range = TextRange::empty(at + bom);
        return Some(refused(YamlError::new(kind, range, message)));
    }
    Some(tree::full_parse(text, bom))
}

/// A file that is not read, only reported.
fn refused(error: YamlError) -> YamlFile {
    let mut file = empty_file();
    file.errors.push(error);
    file
}

#[cfg(test)]
mod tests;
