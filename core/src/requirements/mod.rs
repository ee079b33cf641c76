//! pip requirements files (`requirements.txt`, `*-requirements.txt`, `*.in`).
//!
//! Follows pip's own reading order: physical lines ending in `\` are joined (a whole-line
//! comment ends a pending continuation), comments (`#` at the start or after whitespace) are
//! removed, the line is split at its first word starting with `-` into a requirement and its
//! options, and the requirement is read as PEP 508, a URL (VCS or archive) or a local path.
//! Every range points into the original text, also across joined lines.
//!
//! The parts: [`lines`] (logical lines and comments), [`options`] (`-r`, `--index-url`,
//! `--hash`, ...), [`pep508`] (the requirement itself), [`markers`] (environment markers) and
//! [`pep440`] (versions and specifiers); this module holds the types and puts a line together.

mod lines;
mod markers;
mod options;
pub mod pep440;
mod pep508;

use crate::text::TextRange;
use lines::{comment_start, logical_lines, LineError, Logical};
use options::{check_hash, parse_options};
use pep508::parse_requirement;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RequirementsFile {
    pub requirements: Vec<Requirement>,
    pub includes: Vec<Include>,
    pub errors: Vec<ParseError>,
    /// Lines that only carry global options (`--index-url`, `--pre`, ...), in file order.
    pub options: Vec<GlobalOption>,
}

/// How a requirement names what to install.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequirementKind {
    /// A name looked up on an index: `name[extras] specifiers ; marker`.
    Named,
    /// An archive URL, bare or as `name @ url`.
    Url,
    /// A version-control URL (`git+https://...`), bare or as `name @ url`.
    Vcs,
    /// A local directory or archive (`.`, `./pkg`, `dist/x.whl`).
    Path,
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
    pub kind: RequirementKind,
    /// The clauses of `specifier`, one by one.
    pub specifiers: Vec<Specifier>,
    pub extras: Vec<(String, TextRange)>,
    /// The environment marker after `;`, without the `;`.
    pub marker: Option<(String, TextRange)>,
    /// The URL or path of a `Url`/`Vcs`/`Path` requirement, as written.
    pub location: Option<(String, TextRange)>,
    /// `--hash=algo:hex` values (`algo:hex`), in order.
    pub hashes: Vec<(String, TextRange)>,
    /// Written with `-e` / `--editable`.
    pub editable: bool,
    /// The name is not written: it was guessed from the last segment of a URL path.
    pub name_from_url: bool,
}

/// One clause of a version specifier: `>=1.2`.
#[derive(Debug, Clone, PartialEq)]
pub struct Specifier {
    pub op: String,
    pub version: String,
    pub range: TextRange,
    pub version_range: TextRange,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VcsRef {
    pub url: String,
    pub url_range: TextRange,
    /// The ref after the last `@` of the URL path, with its range.
    pub git_ref: Option<(String, TextRange)>,
    /// The version control system: `git`, `hg`, `svn` or `bzr`.
    pub vcs: String,
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

/// A global option (`--index-url URL`, `--pre`), with its long name.
#[derive(Debug, Clone, PartialEq)]
pub struct GlobalOption {
    pub name: &'static str,
    pub value: Option<(String, TextRange)>,
    pub range: TextRange,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub range: TextRange,
    pub message: String,
}

impl RequirementsFile {
    /// The requirement whose line contains `offset`.
    pub fn requirement_at(&self, offset: usize) -> Option<&Requirement> {
        self.requirements
            .iter()
            .find(|r| r.range.start <= offset && offset <= r.range.end)
    }

    /// Requirements of one package (PEP 503 name).
    pub fn named<'a>(&'a self, normalized: &'a str) -> impl Iterator<Item = &'a Requirement> {
        self.requirements
            .iter()
            .filter(move |r| r.normalized_name.as_deref() == Some(normalized))
    }
}

impl Requirement {
    /// The version when the requirement pins exactly one (`==1.2.3`, `===1.2.3`; not `==1.*`).
    pub fn pinned_version(&self) -> Option<(&str, TextRange)> {
        match self.specifiers.as_slice() {
            [s] if (s.op == "==" && !s.version.ends_with(".*")) || s.op == "===" => {
                Some((s.version.as_str(), s.version_range))
            }
            _ => None,
        }
    }

    /// The ref of a VCS requirement.
    pub fn git_ref(&self) -> Option<&str> {
        self.vcs
            .as_ref()
            .and_then(|v| v.git_ref.as_ref())
            .map(|(r, _)| r.as_str())
    }
}

/// PEP 503 normalisation: lower case, runs of `-`, `_`, `.` become one `-`.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_sep {
                out.push('-');
            }
            in_sep = true;
        } else {
            out.extend(c.to_lowercase());
            in_sep = false;
        }
    }
    out
}

/// A full commit id: 40 hex digits (SHA-1) or 64 (SHA-256 repositories).
pub fn is_full_commit(git_ref: &str) -> bool {
    (git_ref.len() == 40 || git_ref.len() == 64) && git_ref.bytes().all(|b| b.is_ascii_hexdigit())
}

pub fn parse(text: &str) -> RequirementsFile {
    let mut out = RequirementsFile::default();
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    for line in logical_lines(text, start) {
        parse_line(&line, &mut out);
    }
    out
}

/// One logical line: a requirement with its per-requirement options, or file-wide options.
fn parse_line(lg: &Logical, out: &mut RequirementsFile) {
    let s = lg.text.as_str();
    let content_end = comment_start(s);
    let content = &s[..content_end];
    let lead = content.len() - content.trim_start().len();
    let end = content.trim_end().len();
    if lead >= end {
        return;
    }
    let uses_env = has_env_var(&s[lead..end]);
    // The requirement part ends at the first word starting with `-`.
    let mut split = end;
    let mut prev_ws = true;
    for (i, c) in s[lead..end].char_indices() {
        if c == '-' && prev_ws {
            split = lead + i;
            break;
        }
        prev_ws = c.is_whitespace();
    }
    let req_end = s[..split].trim_end().len().max(lead);
    let mut errors: Vec<LineError> = Vec::new();
    let opts = parse_options(s, split, end, &mut errors);
    let mut hashes = Vec::new();
    for o in &opts {
        if o.name() == "--hash" {
            if let Some(v) = &o.value {
                match check_hash(&v.text) {
                    Ok(()) => hashes.push(lg.located(v)),
                    Err(msg) => errors.push(LineError::new(msg, v.start, v.end)),
                }
            }
        }
    }
    let editable = opts.iter().find(|o| o.name() == "--editable");
    if lead < req_end || editable.is_some() {
        let (a, b, is_editable) = match (lead < req_end, editable.and_then(|o| o.value.as_ref())) {
            (true, _) => (lead, req_end, false),
            (false, Some(v)) => (v.start, v.end, true),
            (false, None) => (lead, lead, true),
        };
        if a < b {
            match parse_requirement(lg, a, b) {
                Ok(mut req) => {
                    req.hashes = hashes;
                    req.editable = is_editable;
                    out.requirements.push(req);
                }
                // pip expands `${VAR}` from the environment first: what it becomes is unknown.
                Err(_) if uses_env => {}
                Err(e) => errors.push(e),
            }
        }
    } else {
        for o in &opts {
            file_option(lg, o, out, &mut errors);
        }
    }
    for e in errors {
        out.errors.push(ParseError {
            range: lg.range(e.start, e.end),
            message: e.message,
        });
    }
}

/// An option on a line without a requirement: an include, a global option, or an error for
/// one that only applies to a requirement.
fn file_option(
    lg: &Logical,
    o: &options::Opt,
    out: &mut RequirementsFile,
    errors: &mut Vec<LineError>,
) {
    let name = o.name();
    let include_kind = match name {
        "--requirement" => Some(IncludeKind::Requirements),
        "--constraint" => Some(IncludeKind::Constraints),
        _ => None,
    };
    match (include_kind, &o.value) {
        (Some(kind), Some(v)) => out.includes.push(Include {
            kind,
            path: v.text.clone(),
            path_range: lg.range(v.start, v.end),
        }),
        _ if o.spec.per_requirement => errors.push(LineError::new(
            format!(
                "`{name}` on a line of its own applies to no requirement (is a `\\` missing at the end of the line above?)"
            ),
            o.start,
            o.end,
        )),
        (_, value) => out.options.push(GlobalOption {
            name,
            value: value.as_ref().map(|v| lg.located(v)),
            range: lg.range(o.start, o.end),
        }),
    }
}

/// `${NAME}` with `NAME` of `[A-Z0-9_]`: pip replaces it from the environment.
fn has_env_var(s: &str) -> bool {
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        if let Some(j) = after.find('}') {
            let name = &after[..j];
            if !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            {
                return true;
            }
        }
        rest = after;
    }
    false
}

#[cfg(test)]
mod tests;
