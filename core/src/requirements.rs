//! pip requirements files. (Skeleton: the full parser replaces this.)

use crate::text::TextRange;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RequirementsFile {
    pub requirements: Vec<Requirement>,
    pub includes: Vec<Include>,
    pub errors: Vec<ParseError>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    /// Name as written (or guessed from a VCS URL), and its PEP 503 normalised form.
    pub name: Option<String>,
    pub normalized_name: Option<String>,
    pub name_range: TextRange,
    /// The whole logical line (first physical line's start to the last one's end).
    pub range: TextRange,
    /// `==1.2`, `>=1,<2`, ... as written, with its range.
    pub specifier: Option<(String, TextRange)>,
    pub vcs: Option<VcsRef>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VcsRef {
    pub url: String,
    pub url_range: TextRange,
    /// The ref after the last `@` of the URL path, with its range.
    pub git_ref: Option<(String, TextRange)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncludeKind {
    Requirements,
    Constraints,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Include {
    pub kind: IncludeKind,
    pub path: String,
    pub path_range: TextRange,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub range: TextRange,
    pub message: String,
}

pub fn parse(_text: &str) -> RequirementsFile {
    RequirementsFile::default()
}
