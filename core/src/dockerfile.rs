//! Dockerfiles. (Skeleton: the full parser replaces this.)

use crate::text::TextRange;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dockerfile {
    pub froms: Vec<From>,
    pub errors: Vec<ParseError>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct From {
    /// The whole instruction.
    pub range: TextRange,
    /// Image reference after `ARG` substitution, without tag and digest.
    pub image: String,
    pub image_range: TextRange,
    pub tag: Option<String>,
    /// Where to edit to change the tag: the tag in the FROM line, or the default of the
    /// `ARG` it comes from.
    pub tag_edit_range: Option<TextRange>,
    pub digest: Option<String>,
    pub platform: Option<String>,
    pub stage_name: Option<String>,
    /// `${NAME}` used in this FROM with no default, and where.
    pub unresolved_args: Vec<(String, TextRange)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub range: TextRange,
    pub message: String,
}

impl Dockerfile {
    /// The last FROM: the image that is built.
    pub fn final_from(&self) -> Option<&From> {
        self.froms.last()
    }
}

pub fn parse(_text: &str) -> Dockerfile {
    Dockerfile::default()
}
