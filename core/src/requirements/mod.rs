//! pip requirements files (`requirements.txt`, `*-requirements.txt`, `*.in`).
//!
//! Follows pip's own reading order: physical lines ending in `\` are joined (a whole-line
//! comment ends a pending continuation), comments (`#` at the start or after whitespace) are
//! removed, the line is split at its first word starting with `-` into a requirement and its
//! options, and the requirement is read as PEP 508, a URL (VCS or archive) or a local path.
//! Every range points into the original text, also across joined lines.

use crate::text::TextRange;

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

// ---------------------------------------------------------------------------------------
// Logical lines: joined physical lines, with a map back to the original offsets.

struct Logical {
    text: String,
    /// (offset in `text`, offset in the original) where each copied piece starts.
    segs: Vec<(usize, usize)>,
    range: TextRange,
}

impl Logical {
    fn new(at: usize) -> Self {
        Logical {
            text: String::new(),
            segs: Vec::new(),
            range: TextRange::empty(at),
        }
    }

    fn push(&mut self, piece: &str, orig: usize) {
        self.segs.push((self.text.len(), orig));
        self.text.push_str(piece);
    }

    fn orig(&self, off: usize) -> usize {
        let i = self.segs.partition_point(|s| s.0 <= off).saturating_sub(1);
        match self.segs.get(i) {
            Some(&(l, o)) => o + off.saturating_sub(l),
            None => self.range.start,
        }
    }

    /// The original range of `text[a..b]`; an end at a piece boundary stays in its piece.
    fn range(&self, a: usize, b: usize) -> TextRange {
        let start = self.orig(a);
        let end = if b > a { self.orig(b - 1) + 1 } else { start };
        TextRange::new(start, end.max(start))
    }
}

/// Physical lines as (start, end) without the line break.
fn physical_lines(text: &str, start: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut pos = start;
    let mut done = start > text.len();
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let (end, next) = match memchr(b'\n', &bytes[pos..]) {
            Some(i) => (pos + i, pos + i + 1),
            None => {
                done = true;
                (text.len(), text.len())
            }
        };
        let line_start = pos;
        pos = next;
        let trimmed = if end > line_start && bytes[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        if done && line_start == text.len() {
            return None;
        }
        Some((line_start, trimmed))
    })
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

fn logical_lines(text: &str, start: usize) -> Vec<Logical> {
    let mut out = Vec::new();
    let mut pending: Option<Logical> = None;
    for (ls, le) in physical_lines(text, start) {
        let line = &text[ls..le];
        let is_comment = line.trim_start().starts_with('#');
        if is_comment || !line.ends_with('\\') {
            // pip: a whole-line comment ends a pending continuation and adds nothing to it.
            match pending.take() {
                Some(mut l) => {
                    if !is_comment {
                        l.push(line, ls);
                        l.range.end = le;
                    }
                    out.push(l);
                }
                None => {
                    let mut l = Logical::new(ls);
                    l.push(line, ls);
                    l.range.end = le;
                    out.push(l);
                }
            }
        } else {
            let content = line.trim_end_matches('\\');
            let l = pending.get_or_insert_with(|| Logical::new(ls));
            l.push(content, ls);
            l.range.end = le;
        }
    }
    out.extend(pending);
    out
}

/// Where the comment starts (`#` at the start or after whitespace), including the
/// whitespace before it.
fn comment_start(s: &str) -> usize {
    let mut prev_ws = true;
    for (i, c) in s.char_indices() {
        if c == '#' && prev_ws {
            return s[..i].trim_end().len();
        }
        prev_ws = c.is_whitespace();
    }
    s.len()
}

// ---------------------------------------------------------------------------------------
// One logical line.

struct Opt {
    name: &'static str,
    value: Option<(String, usize, usize)>,
    start: usize,
    end: usize,
}

/// pip's options in requirements files: (long, short, takes a value, per requirement).
type OptionSpec = (&'static str, Option<&'static str>, bool, bool);

const OPTIONS: &[OptionSpec] = &[
    ("--requirement", Some("-r"), true, false),
    ("--constraint", Some("-c"), true, false),
    ("--editable", Some("-e"), true, false),
    ("--index-url", Some("-i"), true, false),
    ("--extra-index-url", None, true, false),
    ("--no-index", None, false, false),
    ("--find-links", Some("-f"), true, false),
    ("--no-binary", None, true, false),
    ("--only-binary", None, true, false),
    ("--prefer-binary", None, false, false),
    ("--require-hashes", None, false, false),
    ("--pre", None, false, false),
    ("--trusted-host", None, true, false),
    ("--use-feature", None, true, false),
    ("--hash", None, true, true),
    ("--config-settings", None, true, true),
    ("--global-option", None, true, true),
    ("--install-option", None, true, true),
];

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
    let mut errors: Vec<(String, usize, usize)> = Vec::new();
    let opts = parse_options(s, split, end, &mut errors);
    let mut hashes = Vec::new();
    for o in &opts {
        if o.name == "--hash" {
            if let Some((v, a, b)) = &o.value {
                match check_hash(v) {
                    Ok(()) => hashes.push((v.clone(), lg.range(*a, *b))),
                    Err(msg) => errors.push((msg, *a, *b)),
                }
            }
        }
    }
    let editable = opts.iter().find(|o| o.name == "--editable");
    if lead < req_end || editable.is_some() {
        let (a, b, is_editable) = match (lead < req_end, editable) {
            (true, _) => (lead, req_end, false),
            (
                false,
                Some(Opt {
                    value: Some((_, a, b)),
                    ..
                }),
            ) => (*a, *b, true),
            _ => (lead, lead, true),
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
                Err((msg, a, b)) => errors.push((msg, a, b)),
            }
        }
    } else {
        for o in &opts {
            let range = lg.range(o.start, o.end);
            match (o.name, &o.value) {
                ("--requirement" | "--constraint", Some((v, a, b))) => out.includes.push(Include {
                    kind: if o.name == "--requirement" {
                        IncludeKind::Requirements
                    } else {
                        IncludeKind::Constraints
                    },
                    path: v.clone(),
                    path_range: lg.range(*a, *b),
                }),
                ("--hash" | "--config-settings" | "--global-option" | "--install-option", _) => {
                    errors.push((
                        format!(
                            "`{}` on a line of its own applies to no requirement (is a `\\` missing at the end of the line above?)",
                            o.name
                        ),
                        o.start,
                        o.end,
                    ))
                }
                (name, value) => out.options.push(GlobalOption {
                    name,
                    value: value
                        .as_ref()
                        .map(|(v, a, b)| (v.clone(), lg.range(*a, *b))),
                    range,
                }),
            }
        }
    }
    for (message, a, b) in errors {
        out.errors.push(ParseError {
            range: lg.range(a, b),
            message,
        });
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

fn check_hash(v: &str) -> Result<(), String> {
    let Some((algo, hex)) = v.split_once(':') else {
        return Err(format!("`--hash={v}` must be `algorithm:hexdigest`"));
    };
    let len = match algo {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        "md5" | "sha1" | "sha224" => {
            return Err(format!(
                "pip refuses `{algo}` hashes: use sha256, sha384 or sha512"
            ))
        }
        _ => return Err(format!("unknown hash algorithm `{algo}`")),
    };
    if hex.len() != len || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("a {algo} digest is {len} hex digits"));
    }
    Ok(())
}

/// Shell-like words of `s[a..b]`: whitespace separated, quotes removed. Returns the word
/// (unquoted) and its range (quotes excluded when the whole word is quoted).
fn shell_words(s: &str, a: usize, b: usize) -> Vec<(String, usize, usize)> {
    let mut words = Vec::new();
    let bytes = s.as_bytes();
    let mut i = a;
    while i < b {
        while i < b && (bytes[i] as char).is_ascii_whitespace() {
            i += 1;
        }
        if i >= b {
            break;
        }
        let start = i;
        let mut word = String::new();
        let mut quote: Option<u8> = None;
        let mut seg_start = i;
        while i < b {
            let c = bytes[i];
            match quote {
                Some(q) if c == q => {
                    word.push_str(&s[seg_start..i]);
                    quote = None;
                    i += 1;
                    seg_start = i;
                    continue;
                }
                Some(_) => {}
                None if c == b'"' || c == b'\'' => {
                    word.push_str(&s[seg_start..i]);
                    quote = Some(c);
                    i += 1;
                    seg_start = i;
                    continue;
                }
                None if (c as char).is_ascii_whitespace() => break,
                None => {}
            }
            i += 1;
        }
        word.push_str(&s[seg_start..i.min(b)]);
        let raw = &s[start..i];
        let (ws, we) = if raw.len() >= 2
            && (raw.starts_with('"') && raw.ends_with('"')
                || raw.starts_with('\'') && raw.ends_with('\''))
        {
            (start + 1, i - 1)
        } else {
            (start, i)
        };
        words.push((word, ws, we));
    }
    words
}

fn parse_options(
    s: &str,
    a: usize,
    b: usize,
    errors: &mut Vec<(String, usize, usize)>,
) -> Vec<Opt> {
    let words = shell_words(s, a, b);
    let mut opts = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let (w, ws, we) = &words[i];
        i += 1;
        let (spec, inline_value): (Option<&OptionSpec>, Option<usize>) =
            if let Some(long) = w.strip_prefix("--") {
                let (name, value_at) = match long.find('=') {
                    Some(eq) => (&long[..eq], Some(ws + 2 + eq + 1)),
                    None => (long, None),
                };
                // optparse accepts any unambiguous prefix of a long option.
                let exact = OPTIONS.iter().find(|o| &o.0[2..] == name);
                let found = exact.or_else(|| {
                    let mut m = OPTIONS.iter().filter(|o| o.0[2..].starts_with(name));
                    match (m.next(), m.next()) {
                        (Some(o), None) if !name.is_empty() => Some(o),
                        _ => None,
                    }
                });
                (found, value_at)
            } else {
                let short = w.get(..2).unwrap_or(w);
                let found = OPTIONS.iter().find(|o| o.1 == Some(short));
                (found, (w.len() > 2).then_some(ws + 2))
            };
        let Some(&(name, _, takes_value, _)) = spec else {
            errors.push((format!("unknown option `{w}`"), *ws, *we));
            continue;
        };
        let mut end = *we;
        let value = if !takes_value {
            if inline_value.is_some() && w.starts_with("--") {
                errors.push((format!("`{name}` takes no value"), *ws, *we));
            }
            None
        } else if let Some(at) = inline_value {
            let v = &s[at.min(*we)..*we];
            Some((
                v.trim_matches(|c| c == '"' || c == '\'').to_string(),
                at.min(*we),
                *we,
            ))
        } else if let Some((v, vs, ve)) = words.get(i) {
            i += 1;
            end = *ve;
            Some((v.clone(), *vs, *ve))
        } else {
            errors.push((format!("`{name}` needs a value"), *ws, *we));
            None
        };
        if let Some((v, a, b)) = &value {
            if v.is_empty() {
                errors.push((format!("`{name}` needs a value"), *ws, (*b).max(*a)));
            }
        }
        opts.push(Opt {
            name,
            value: value.filter(|(v, _, _)| !v.is_empty()),
            start: *ws,
            end,
        });
    }
    opts
}

// ---------------------------------------------------------------------------------------
// The requirement itself.

type PErr = (String, usize, usize);

const VCS: &[&str] = &["git", "hg", "svn", "bzr"];

/// `git+https://`, `https://`, `file:` ...: a URL pip would fetch.
fn url_scheme(s: &str) -> Option<&str> {
    let colon = s.find(':')?;
    let scheme = &s[..colon];
    if scheme.is_empty()
        || !scheme.as_bytes()[0].is_ascii_alphabetic()
        || !scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    {
        return None;
    }
    let lower = scheme.to_ascii_lowercase();
    let base = lower.split('+').next().unwrap_or("");
    let known = matches!(lower.as_str(), "http" | "https" | "file" | "ftp")
        || (VCS.contains(&base) && (lower.contains('+') || base == "git" || base == "svn"));
    // A one-letter scheme is a Windows drive (`C:\...`).
    (known && scheme.len() > 1).then_some(scheme)
}

fn vcs_of(scheme: &str) -> Option<&'static str> {
    let lower = scheme.to_ascii_lowercase();
    let base = lower.split('+').next()?;
    if lower.contains('+') || base == "git" || base == "svn" {
        VCS.iter().copied().find(|v| *v == base)
    } else {
        None
    }
}

const ARCHIVE_EXTS: &[&str] = &[
    ".whl",
    ".tar.gz",
    ".tgz",
    ".tar",
    ".zip",
    ".tar.bz2",
    ".tbz",
    ".tar.xz",
    ".txz",
    ".tlz",
    ".tar.lz",
    ".tar.lzma",
];

fn is_archive(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    ARCHIVE_EXTS.iter().any(|e| lower.ends_with(e))
}

fn looks_like_path(s: &str) -> bool {
    s.starts_with('.')
        || s.starts_with('/')
        || s.starts_with('~')
        || s.contains('/')
        || s.contains('\\')
        || is_archive(s)
}

fn blank(kind: RequirementKind, range: TextRange) -> Requirement {
    Requirement {
        name: None,
        normalized_name: None,
        name_range: TextRange::empty(range.start),
        range,
        specifier: None,
        vcs: None,
        kind,
        specifiers: Vec::new(),
        extras: Vec::new(),
        marker: None,
        location: None,
        hashes: Vec::new(),
        editable: false,
        name_from_url: false,
    }
}

fn set_name(req: &mut Requirement, name: &str, range: TextRange) {
    req.normalized_name = Some(normalize_name(name));
    req.name = Some(name.to_string());
    req.name_range = range;
}

fn parse_requirement(lg: &Logical, a: usize, b: usize) -> Result<Requirement, PErr> {
    let s = lg.text.as_str();
    let text = &s[a..b];
    let lower_start = text.get(..4).unwrap_or("").to_ascii_lowercase();
    if url_scheme(text).is_none()
        && VCS
            .iter()
            .any(|v| lower_start.starts_with(&format!("{v}+")))
    {
        let end = a + text.find(char::is_whitespace).unwrap_or(text.len());
        return Err((
            "a VCS URL needs `://` after its scheme (`git+ssh://git@host/org/repo`)".into(),
            a,
            end,
        ));
    }
    if url_scheme(text).is_some() {
        // Bare URL: pip splits a marker off at "; ".
        let (url_end, marker) = match find_marker_after_url(s, a, b) {
            Some(semi) => (s[..semi].trim_end().len().max(a), Some((semi + 1, b))),
            None => (b, None),
        };
        if let Some(ws) = s[a..url_end].find(char::is_whitespace) {
            return Err((
                "unexpected text after the URL (a marker needs `; ` before it)".into(),
                a + ws,
                b,
            ));
        }
        let mut req = blank(RequirementKind::Url, lg.range);
        read_url(lg, &mut req, a, url_end, true)?;
        if let Some((ma, mb)) = marker {
            set_marker(lg, &mut req, ma, mb)?;
        }
        return Ok(req);
    }
    // PEP 508 name first; a name followed by `@` is the URL form.
    let name_end = a + text
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        .count();
    let name_ok = name_end > a
        && s.as_bytes()[a].is_ascii_alphanumeric()
        && s.as_bytes()[name_end - 1].is_ascii_alphanumeric();
    let mut cur = Cursor {
        s,
        pos: name_end,
        end: b,
    };
    cur.skip_ws();
    let at_url_form = name_ok && cur.peek() == Some(b'@')
        || name_ok && cur.peek() == Some(b'[') && {
            let mut c2 = Cursor { ..cur };
            skip_extras(&mut c2).is_ok() && {
                c2.skip_ws();
                c2.peek() == Some(b'@')
            }
        };
    let rest_is_spec = name_ok
        && matches!(
            cur.peek(),
            None | Some(b'[' | b'(' | b';' | b'<' | b'>' | b'=' | b'!' | b'~')
        );
    let (path_end, path_marker) = match find_marker_after_url(s, a, b) {
        Some(semi) => (s[..semi].trim_end().len().max(a), Some((semi + 1, b))),
        None => (b, None),
    };
    let path = &s[a..path_end];
    let is_path = !at_url_form
        && !path.contains(char::is_whitespace)
        && (is_archive(path) || !rest_is_spec && looks_like_path(path));
    if is_path {
        let mut req = blank(RequirementKind::Path, lg.range);
        let marker = path_marker;
        req.location = Some((s[a..path_end].to_string(), lg.range(a, path_end)));
        if let Some((ma, mb)) = marker {
            set_marker(lg, &mut req, ma, mb)?;
        }
        return Ok(req);
    }
    if !name_ok {
        let bad_end = a + text.find(char::is_whitespace).unwrap_or(text.len());
        return Err((
            format!("`{}` is not a package name, URL or path", &s[a..bad_end]),
            a,
            bad_end,
        ));
    }
    let mut req = blank(RequirementKind::Named, lg.range);
    set_name(&mut req, &s[a..name_end], lg.range(a, name_end));
    if cur.peek() == Some(b'[') {
        req.extras = skip_extras(&mut cur)?
            .into_iter()
            .map(|(e, x, y)| (e, lg.range(x, y)))
            .collect();
        cur.skip_ws();
    }
    if cur.peek() == Some(b'@') {
        cur.pos += 1;
        cur.skip_ws();
        let url_start = cur.pos;
        while cur.pos < b && !s.as_bytes()[cur.pos].is_ascii_whitespace() {
            cur.pos += 1;
        }
        if url_start == cur.pos {
            return Err(("expected a URL after `@`".into(), url_start.min(b), b));
        }
        if url_scheme(&s[url_start..cur.pos]).is_none() {
            return Err((
                format!("`{}` is not a URL", &s[url_start..cur.pos]),
                url_start,
                cur.pos,
            ));
        }
        req.kind = RequirementKind::Url;
        read_url(lg, &mut req, url_start, cur.pos, false)?;
        cur.skip_ws();
        match cur.peek() {
            None => {}
            Some(b';') if s.as_bytes()[cur.pos - 1].is_ascii_whitespace() => {
                set_marker(lg, &mut req, cur.pos + 1, b)?;
            }
            Some(_) => {
                return Err((
                    "unexpected text after the URL (a marker needs whitespace before `;`)".into(),
                    cur.pos,
                    b,
                ))
            }
        }
        return Ok(req);
    }
    let spec_start = cur.pos;
    let (clauses, spec_end) = parse_specifiers(&mut cur)?;
    if !clauses.is_empty() {
        req.specifier = Some((
            s[spec_start..spec_end].to_string(),
            lg.range(spec_start, spec_end),
        ));
        req.specifiers = clauses
            .into_iter()
            .map(|(op, v, ca, cb, va, vb)| Specifier {
                op,
                version: v,
                range: lg.range(ca, cb),
                version_range: lg.range(va, vb),
            })
            .collect();
    }
    cur.skip_ws();
    match cur.peek() {
        None => {}
        Some(b';') => set_marker(lg, &mut req, cur.pos + 1, b)?,
        Some(c) => {
            let word = s[cur.pos..b]
                .find(char::is_whitespace)
                .unwrap_or(b - cur.pos);
            let first = s[cur.pos..b].chars().next().map_or(1, char::len_utf8);
            let end = cur.pos + word.max(first);
            let msg = if c == b'=' || (c.is_ascii_digit() && spec_start == cur.pos) {
                format!(
                    "`{}` is not a version specifier: write `=={}`",
                    &s[cur.pos..end],
                    s[cur.pos..end].trim_start_matches('=')
                )
            } else {
                format!("unexpected `{}` in a requirement", &s[cur.pos..end])
            };
            return Err((msg, cur.pos, end));
        }
    }
    Ok(req)
}

/// A `;` that starts a marker after a URL or path: pip wants whitespace around it.
fn find_marker_after_url(s: &str, a: usize, b: usize) -> Option<usize> {
    let bytes = s.as_bytes();
    (a..b).find(|&i| {
        bytes[i] == b';'
            && (i > a && bytes[i - 1].is_ascii_whitespace()
                || bytes.get(i + 1).is_some_and(|c| c.is_ascii_whitespace()))
    })
}

fn set_marker(lg: &Logical, req: &mut Requirement, a: usize, b: usize) -> Result<(), PErr> {
    let s = lg.text.as_str();
    let lead = s[a..b].len() - s[a..b].trim_start().len();
    let (ma, mb) = (a + lead, a + s[a..b].trim_end().len());
    if ma >= mb {
        return Err((
            "empty environment marker after `;`".into(),
            a.saturating_sub(1),
            b,
        ));
    }
    check_marker(s, ma, mb)?;
    req.marker = Some((s[ma..mb].to_string(), lg.range(ma, mb)));
    Ok(())
}

/// A URL requirement: archive or VCS. `bare` when no `name @` precedes it.
fn read_url(
    lg: &Logical,
    req: &mut Requirement,
    a: usize,
    b: usize,
    bare: bool,
) -> Result<(), PErr> {
    let s = lg.text.as_str();
    let url = &s[a..b];
    req.location = Some((url.to_string(), lg.range(a, b)));
    let scheme = url_scheme(url).unwrap_or("");
    let vcs = vcs_of(scheme);
    let after_scheme = if scheme.is_empty() {
        a
    } else {
        a + scheme.len() + 1
    };
    let has_authority = s[after_scheme..b].starts_with("//");
    if vcs.is_some() && !has_authority {
        return Err((
            format!("a {} URL needs `://` after `{scheme}`", vcs.unwrap_or("")),
            a,
            b,
        ));
    }
    let frag = s[a..b].find('#').map(|i| a + i);
    let before_frag = frag.unwrap_or(b);
    let query = s[a..before_frag].find('?').map(|i| a + i);
    let path_limit = query.unwrap_or(before_frag);
    let path_start = if has_authority {
        let auth = after_scheme + 2;
        auth + s[auth.min(path_limit)..path_limit]
            .find('/')
            .unwrap_or(path_limit - auth.min(path_limit))
    } else {
        after_scheme
    };
    let path_start = path_start.min(path_limit);
    let mut name_guess_end = path_limit;
    if let Some(fragment_at) = frag {
        let mut pos = fragment_at + 1;
        for part in s[fragment_at + 1..b].split('&') {
            if let Some(egg) = part.strip_prefix("egg=") {
                let start = pos + 4;
                let bare_name = egg.split('[').next().unwrap_or(egg);
                if !bare_name.is_empty() && req.name.is_none() {
                    set_name(req, bare_name, lg.range(start, start + bare_name.len()));
                }
            }
            pos += part.len() + 1;
        }
    }
    if let Some(vcs) = vcs {
        req.kind = RequirementKind::Vcs;
        let mut git_ref = None;
        if let Some(at) = s[path_start..path_limit].rfind('@') {
            let at = path_start + at;
            name_guess_end = at;
            if at + 1 == path_limit {
                return Err((
                    "empty revision after `@` (write a commit after it, or remove the `@`)".into(),
                    at,
                    at + 1,
                ));
            }
            git_ref = Some((
                s[at + 1..path_limit].to_string(),
                lg.range(at + 1, path_limit),
            ));
        }
        req.vcs = Some(VcsRef {
            url: url.to_string(),
            url_range: lg.range(a, b),
            git_ref,
            vcs: vcs.to_string(),
        });
    }
    if bare && req.name.is_none() && vcs.is_some() {
        // Guess the name from the repository: `.../org/oauthenticator.git@ref`.
        let path = &s[path_start..name_guess_end];
        let trimmed = path.trim_end_matches('/');
        let seg_start = path_start + trimmed.rfind('/').map(|i| i + 1).unwrap_or(0);
        let seg_end = path_start + trimmed.len();
        let seg = &s[seg_start..seg_end];
        let seg_name = seg.strip_suffix(".git").unwrap_or(seg);
        if !seg_name.is_empty() {
            set_name(
                req,
                seg_name,
                lg.range(seg_start, seg_start + seg_name.len()),
            );
            req.name_from_url = true;
        }
    }
    Ok(())
}

struct Cursor<'a> {
    s: &'a str,
    pos: usize,
    end: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.s.as_bytes()[self.pos])
    }
    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }
    fn take_while(&mut self, f: impl Fn(u8) -> bool) -> (usize, usize) {
        let start = self.pos;
        while self.peek().is_some_and(&f) {
            self.pos += 1;
        }
        (start, self.pos)
    }
}

fn is_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.')
}

/// `[a, b]` at the cursor.
fn skip_extras(cur: &mut Cursor) -> Result<Vec<(String, usize, usize)>, PErr> {
    let open = cur.pos;
    cur.pos += 1;
    let mut extras = Vec::new();
    loop {
        cur.skip_ws();
        match cur.peek() {
            Some(b']') if extras.is_empty() => {
                cur.pos += 1;
                return Ok(extras);
            }
            Some(c) if c.is_ascii_alphanumeric() => {
                let (x, y) = cur.take_while(is_name_byte);
                extras.push((cur.s[x..y].to_string(), x, y));
                cur.skip_ws();
                match cur.peek() {
                    Some(b',') => cur.pos += 1,
                    Some(b']') => {
                        cur.pos += 1;
                        return Ok(extras);
                    }
                    _ => {
                        return Err((
                            "expected `,` or `]` in the extras".into(),
                            open,
                            cur.pos.max(open + 1),
                        ))
                    }
                }
            }
            _ => {
                return Err((
                    "expected an extra name or `]`".into(),
                    open,
                    cur.pos.max(open + 1),
                ))
            }
        }
    }
}

type Clause = (String, String, usize, usize, usize, usize);

/// Version clauses (`>=1, <2` or `(>=1,<2)`); returns them and where the specifier ends.
fn parse_specifiers(cur: &mut Cursor) -> Result<(Vec<Clause>, usize), PErr> {
    let s = cur.s;
    let paren = cur.peek() == Some(b'(');
    let open = cur.pos;
    if paren {
        cur.pos += 1;
    }
    let mut clauses = Vec::new();
    let mut spec_end = cur.pos;
    loop {
        cur.skip_ws();
        let op_start = cur.pos;
        let rest = &s[cur.pos..cur.end];
        let op = ["===", "==", "!=", "<=", ">=", "~=", "<", ">"]
            .into_iter()
            .find(|op| rest.starts_with(op));
        let Some(op) = op else {
            if clauses.is_empty() {
                break;
            }
            return Err((
                "expected a version operator after `,`".into(),
                op_start,
                op_start
                    + s[op_start..cur.end]
                        .chars()
                        .next()
                        .map_or(0, char::len_utf8),
            ));
        };
        cur.pos += op.len();
        cur.skip_ws();
        let (va, vb) = if op == "===" {
            cur.take_while(|c| !c.is_ascii_whitespace() && !matches!(c, b',' | b';' | b')'))
        } else {
            cur.take_while(|c| {
                c.is_ascii_alphanumeric() || matches!(c, b'.' | b'*' | b'+' | b'!' | b'-' | b'_')
            })
        };
        let version = &s[va..vb];
        if version.is_empty() {
            return Err((
                format!("expected a version after `{op}`"),
                op_start,
                cur.pos.max(op_start + op.len()),
            ));
        }
        if op != "===" {
            check_version(op, version).map_err(|m| (m, va, vb))?;
        }
        clauses.push((op.to_string(), version.to_string(), op_start, vb, va, vb));
        spec_end = vb;
        cur.skip_ws();
        if cur.peek() == Some(b',') {
            cur.pos += 1;
            continue;
        }
        break;
    }
    if paren {
        cur.skip_ws();
        if cur.peek() != Some(b')') {
            return Err((
                "expected `)` to close the version specifier".into(),
                open,
                cur.pos.max(open + 1),
            ));
        }
        cur.pos += 1;
        spec_end = cur.pos;
        return Ok((clauses, spec_end));
    }
    Ok((clauses, spec_end))
}

fn check_version(op: &str, version: &str) -> Result<(), String> {
    let (base, wildcard) = match version.strip_suffix(".*") {
        Some(b) => (b, true),
        None => (version, false),
    };
    if wildcard && !matches!(op, "==" | "!=") {
        return Err(format!("`{op}` does not take a `.*` version"));
    }
    let Some(v) = pep440::Version::parse(base) else {
        return Err(format!("`{version}` is not a valid version (PEP 440)"));
    };
    if wildcard && !v.local.is_empty() {
        return Err(format!("`{version}`: a wildcard version has no local part"));
    }
    if !v.local.is_empty() && !matches!(op, "==" | "!=") {
        return Err(format!("`{op}` does not take a local version (`+...`)"));
    }
    if op == "~=" && v.release.len() < 2 {
        return Err(format!(
            "`~={version}` needs at least two release numbers (`~=1.2`)"
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Environment markers (PEP 508), checked for syntax.

const MARKER_VARS: &[&str] = &[
    "python_version",
    "python_full_version",
    "os_name",
    "os.name",
    "sys_platform",
    "sys.platform",
    "platform_release",
    "platform_system",
    "platform_version",
    "platform.version",
    "platform_machine",
    "platform.machine",
    "platform_python_implementation",
    "platform.python_implementation",
    "python_implementation",
    "implementation_name",
    "implementation_version",
    "extra",
    "extras",
    "dependency_groups",
];

#[derive(Debug, Clone, PartialEq)]
enum MTok {
    Open,
    Close,
    Str,
    Var,
    Op,
    And,
    Or,
    In,
    Not,
}

fn marker_tokens(s: &str, a: usize, b: usize) -> Result<Vec<(MTok, usize, usize)>, PErr> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = a;
    while i < b {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let tok = match c {
            b'(' => {
                i += 1;
                MTok::Open
            }
            b')' => {
                i += 1;
                MTok::Close
            }
            b'"' | b'\'' => {
                let close = s[i + 1..b].find(c as char).ok_or((
                    "unterminated string in the marker".to_string(),
                    i,
                    b,
                ))?;
                i += close + 2;
                MTok::Str
            }
            b'<' | b'>' | b'=' | b'!' | b'~' => {
                let op = ["===", "==", "!=", "<=", ">=", "~=", "<", ">"]
                    .into_iter()
                    .find(|op| s[i..b].starts_with(op))
                    .ok_or(("unknown operator in the marker".to_string(), i, i + 1))?;
                i += op.len();
                MTok::Op
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < b && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'.'))
                {
                    i += 1;
                }
                match &s[start..i] {
                    "and" => MTok::And,
                    "or" => MTok::Or,
                    "in" => MTok::In,
                    "not" => MTok::Not,
                    w if MARKER_VARS.contains(&w) => MTok::Var,
                    w => return Err((format!("unknown marker variable `{w}`"), start, i)),
                }
            }
            _ => {
                let end = start + s[start..b].chars().next().map_or(1, char::len_utf8);
                return Err((
                    format!("unexpected `{}` in the marker", &s[start..end]),
                    start,
                    end,
                ));
            }
        };
        out.push((tok, start, i));
    }
    Ok(out)
}

fn check_marker(s: &str, a: usize, b: usize) -> Result<(), PErr> {
    let toks = marker_tokens(s, a, b)?;
    let mut p = MarkerParser {
        toks: &toks,
        i: 0,
        end: b,
        depth: 0,
    };
    p.or()?;
    if let Some((_, x, y)) = toks.get(p.i) {
        return Err(("unexpected text in the marker".into(), *x, *y));
    }
    Ok(())
}

struct MarkerParser<'a> {
    toks: &'a [(MTok, usize, usize)],
    i: usize,
    end: usize,
    depth: usize,
}

impl MarkerParser<'_> {
    fn err(&self, msg: &str) -> PErr {
        match self.toks.get(self.i) {
            Some((_, x, y)) => (msg.to_string(), *x, *y),
            None => (msg.to_string(), self.end, self.end),
        }
    }
    fn peek(&self) -> Option<&MTok> {
        self.toks.get(self.i).map(|t| &t.0)
    }
    fn or(&mut self) -> Result<(), PErr> {
        self.and()?;
        while self.peek() == Some(&MTok::Or) {
            self.i += 1;
            self.and()?;
        }
        Ok(())
    }
    fn and(&mut self) -> Result<(), PErr> {
        self.expr()?;
        while self.peek() == Some(&MTok::And) {
            self.i += 1;
            self.expr()?;
        }
        Ok(())
    }
    fn expr(&mut self) -> Result<(), PErr> {
        if self.peek() == Some(&MTok::Open) {
            self.depth += 1;
            if self.depth > 64 {
                return Err(self.err("marker nested too deeply"));
            }
            self.i += 1;
            self.or()?;
            if self.peek() != Some(&MTok::Close) {
                return Err(self.err("expected `)` in the marker"));
            }
            self.i += 1;
            self.depth -= 1;
            return Ok(());
        }
        self.value()?;
        match self.peek() {
            Some(MTok::Op | MTok::In) => self.i += 1,
            Some(MTok::Not) if self.toks.get(self.i + 1).map(|t| &t.0) == Some(&MTok::In) => {
                self.i += 2
            }
            _ => return Err(self.err("expected a comparison (`==`, `<`, `in`, ...) in the marker")),
        }
        self.value()
    }
    fn value(&mut self) -> Result<(), PErr> {
        match self.peek() {
            Some(MTok::Str | MTok::Var) => {
                self.i += 1;
                Ok(())
            }
            _ => Err(self.err("expected a marker variable or a quoted string")),
        }
    }
}

// ---------------------------------------------------------------------------------------

/// PEP 440 versions: parsing and ordering (enough to compare pins with what an image ships).
pub mod pep440 {
    use std::cmp::Ordering;

    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    pub enum PreKind {
        Alpha,
        Beta,
        Rc,
    }

    /// Local version parts: strings sort before numbers.
    #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
    pub enum LocalPart {
        Str(String),
        Num(u64),
    }

    #[derive(Debug, Clone)]
    pub struct Version {
        pub epoch: u64,
        pub release: Vec<u64>,
        pub pre: Option<(PreKind, u64)>,
        pub post: Option<u64>,
        pub dev: Option<u64>,
        pub local: Vec<LocalPart>,
    }

    struct P<'a> {
        s: &'a [u8],
        i: usize,
    }

    impl P<'_> {
        fn num(&mut self) -> Option<u64> {
            let start = self.i;
            let mut n: u64 = 0;
            while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
                n = n
                    .saturating_mul(10)
                    .saturating_add(u64::from(self.s[self.i] - b'0'));
                self.i += 1;
            }
            (self.i > start).then_some(n)
        }
        fn sep(&mut self) -> bool {
            if self.i < self.s.len() && matches!(self.s[self.i], b'-' | b'_' | b'.') {
                self.i += 1;
                true
            } else {
                false
            }
        }
        fn word(&mut self, words: &[&str]) -> Option<usize> {
            let rest = &self.s[self.i..];
            let k = words.iter().position(|w| rest.starts_with(w.as_bytes()))?;
            self.i += words[k].len();
            Some(k)
        }
        /// `[sep] word [sep] [number]`; rewinds when the word is absent.
        fn tagged(&mut self, words: &[&str]) -> Option<(usize, u64)> {
            let save = self.i;
            self.sep();
            let Some(k) = self.word(words) else {
                self.i = save;
                return None;
            };
            let before_num = self.i;
            self.sep();
            let n = match self.num() {
                Some(n) => n,
                None => {
                    self.i = before_num;
                    0
                }
            };
            Some((k, n))
        }
    }

    impl Version {
        pub fn parse(text: &str) -> Option<Version> {
            let lower = text.trim().to_ascii_lowercase();
            let mut p = P {
                s: lower.as_bytes(),
                i: 0,
            };
            if p.s.first() == Some(&b'v') {
                p.i += 1;
            }
            let first = p.num()?;
            let (epoch, first) = if p.s.get(p.i) == Some(&b'!') {
                p.i += 1;
                (first, p.num()?)
            } else {
                (0, first)
            };
            let mut release = vec![first];
            while p.s.get(p.i) == Some(&b'.') && p.s.get(p.i + 1).is_some_and(u8::is_ascii_digit) {
                p.i += 1;
                release.push(p.num()?);
            }
            let pre = p
                .tagged(&["alpha", "beta", "preview", "pre", "rc", "c", "a", "b"])
                .map(|(k, n)| {
                    let kind = match k {
                        0 | 6 => PreKind::Alpha,
                        1 | 7 => PreKind::Beta,
                        _ => PreKind::Rc,
                    };
                    (kind, n)
                });
            let post = if p.s.get(p.i) == Some(&b'-')
                && p.s.get(p.i + 1).is_some_and(u8::is_ascii_digit)
            {
                p.i += 1;
                p.num()
            } else {
                p.tagged(&["post", "rev", "r"]).map(|(_, n)| n)
            };
            let dev = p.tagged(&["dev"]).map(|(_, n)| n);
            let mut local = Vec::new();
            if p.s.get(p.i) == Some(&b'+') {
                p.i += 1;
                loop {
                    let start = p.i;
                    while p.i < p.s.len() && p.s[p.i].is_ascii_alphanumeric() {
                        p.i += 1;
                    }
                    let part = std::str::from_utf8(&p.s[start..p.i]).ok()?;
                    if part.is_empty() {
                        return None;
                    }
                    local.push(match part.parse::<u64>() {
                        Ok(n) if part.bytes().all(|b| b.is_ascii_digit()) => LocalPart::Num(n),
                        _ => LocalPart::Str(part.to_string()),
                    });
                    if !p.sep() {
                        break;
                    }
                }
            }
            (p.i == p.s.len()).then_some(Version {
                epoch,
                release,
                pre,
                post,
                dev,
                local,
            })
        }

        /// Whether this is a pre-release or development release.
        pub fn is_prerelease(&self) -> bool {
            self.pre.is_some() || self.dev.is_some()
        }
    }

    impl Ord for Version {
        fn cmp(&self, o: &Self) -> Ordering {
            fn release_cmp(a: &[u64], b: &[u64]) -> Ordering {
                for i in 0..a.len().max(b.len()) {
                    let (x, y) = (
                        a.get(i).copied().unwrap_or(0),
                        b.get(i).copied().unwrap_or(0),
                    );
                    match x.cmp(&y) {
                        Ordering::Equal => {}
                        other => return other,
                    }
                }
                Ordering::Equal
            }
            // A dev release with no pre/post sorts before any pre-release of the same version;
            // a final release sorts after them.
            fn pre_key(v: &Version) -> (u8, Option<(PreKind, u64)>) {
                match (v.pre, v.post, v.dev) {
                    (None, None, Some(_)) => (0, None),
                    (None, _, _) => (2, None),
                    (Some(p), _, _) => (1, Some(p)),
                }
            }
            fn dev_key(v: &Version) -> (u8, u64) {
                match v.dev {
                    Some(n) => (0, n),
                    None => (1, 0),
                }
            }
            self.epoch
                .cmp(&o.epoch)
                .then_with(|| release_cmp(&self.release, &o.release))
                .then_with(|| pre_key(self).cmp(&pre_key(o)))
                .then_with(|| self.post.cmp(&o.post))
                .then_with(|| dev_key(self).cmp(&dev_key(o)))
                .then_with(|| self.local.cmp(&o.local))
        }
    }

    impl PartialEq for Version {
        fn eq(&self, o: &Self) -> bool {
            self.cmp(o) == Ordering::Equal
        }
    }

    impl Eq for Version {}

    impl PartialOrd for Version {
        fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
            Some(self.cmp(o))
        }
    }

    /// Whether every version allowed by the clause `op version` is older than `v`
    /// (the clause caps below `v`): `==16.0.4`, `==16.*`, `<17`, `~=16.2` against 17.1.0.
    pub fn caps_below(op: &str, version: &str, v: &Version) -> bool {
        if let Some(prefix) = version.strip_suffix(".*") {
            let Some(p) = Version::parse(prefix) else {
                return false;
            };
            if op != "==" {
                return false;
            }
            // `==16.*`: every match is below 17 (the prefix bumped).
            let mut bumped = p.release.clone();
            if let Some(last) = bumped.last_mut() {
                *last = last.saturating_add(1);
            }
            let upper = Version {
                epoch: p.epoch,
                release: bumped,
                pre: None,
                post: None,
                dev: Some(0),
                local: Vec::new(),
            };
            return upper <= *v;
        }
        let Some(x) = Version::parse(version) else {
            return false;
        };
        match op {
            "==" | "===" => x < *v,
            "<" => x <= *v,
            "<=" => x < *v,
            "~=" => {
                let mut release = x.release.clone();
                release.pop();
                if let Some(last) = release.last_mut() {
                    *last = last.saturating_add(1);
                }
                let upper = Version {
                    epoch: x.epoch,
                    release,
                    pre: None,
                    post: None,
                    dev: Some(0),
                    local: Vec::new(),
                };
                upper <= *v
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pep440::Version;
    use super::*;

    fn at(text: &str, r: TextRange) -> &str {
        &text[r.start..r.end]
    }

    fn one(text: &str) -> Requirement {
        let f = parse(text);
        assert!(f.errors.is_empty(), "{text:?}: {:?}", f.errors);
        assert_eq!(f.requirements.len(), 1, "{text:?}: {:?}", f.requirements);
        f.requirements.into_iter().next().unwrap()
    }

    fn error(text: &str) -> ParseError {
        let f = parse(text);
        assert_eq!(f.errors.len(), 1, "{text:?}: {:?}", f);
        f.errors.into_iter().next().unwrap()
    }

    #[test]
    fn names_are_pep503_normalised() {
        assert_eq!(normalize_name("Jupyter_Hub..Foo"), "jupyter-hub-foo");
        assert_eq!(normalize_name("oauthenticator"), "oauthenticator");
        let r = one("JupyterHub_Fancy.Profiles==0.6.0\n");
        assert_eq!(
            r.normalized_name.as_deref(),
            Some("jupyterhub-fancy-profiles")
        );
        assert_eq!(r.name.as_deref(), Some("JupyterHub_Fancy.Profiles"));
    }

    #[test]
    fn pinned_requirement_ranges() {
        let text = "# c\n\njupyterhub-fancy-profiles==0.6.0\n";
        let r = one(text);
        assert_eq!(at(text, r.name_range), "jupyterhub-fancy-profiles");
        assert_eq!(at(text, r.range), "jupyterhub-fancy-profiles==0.6.0");
        let (v, vr) = r.pinned_version().unwrap();
        assert_eq!(v, "0.6.0");
        assert_eq!(at(text, vr), "0.6.0");
        assert_eq!(r.kind, RequirementKind::Named);
    }

    #[test]
    fn specifiers_extras_and_markers() {
        let text = "oauthenticator[azuread, googlegroups] >=17.3, <18 ; python_version >= \"3.9\" and (sys_platform == 'linux' or extra == 'x')";
        let r = one(text);
        assert_eq!(r.extras.len(), 2);
        assert_eq!(at(text, r.extras[1].1), "googlegroups");
        let (spec, sr) = r.specifier.as_ref().unwrap();
        assert_eq!(spec, ">=17.3, <18");
        assert_eq!(at(text, *sr), ">=17.3, <18");
        assert_eq!(r.specifiers.len(), 2);
        assert_eq!(r.specifiers[1].op, "<");
        assert!(r.pinned_version().is_none());
        let (m, mr) = r.marker.as_ref().unwrap();
        assert!(m.starts_with("python_version"));
        assert_eq!(at(text, *mr), m);
        // Parenthesised specifiers, wildcards, ===.
        assert_eq!(one("foo (>=1.0,<2)").specifiers.len(), 2);
        assert!(one("foo==1.*").pinned_version().is_none());
        assert_eq!(one("foo===weird-1").pinned_version().unwrap().0, "weird-1");
        assert_eq!(one("foo ~= 1.4.2").specifiers[0].version, "1.4.2");
    }

    #[test]
    fn continuation_lines_map_to_the_original_text() {
        let text = "foo \\\n  ==1.0 \\\n  --hash=sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nbar==2\n";
        let f = parse(text);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        assert_eq!(f.requirements.len(), 2);
        let r = &f.requirements[0];
        assert_eq!(at(text, r.specifiers[0].version_range), "1.0");
        assert_eq!(r.hashes.len(), 1);
        assert!(at(text, r.hashes[0].1).starts_with("sha256:aaa"));
        assert_eq!(r.range.start, 0);
        assert_eq!(&text[r.range.end - 4..r.range.end], "aaaa");
        assert_eq!(at(text, f.requirements[1].name_range), "bar");
    }

    #[test]
    fn a_comment_line_ends_a_continuation() {
        let text = "foo==1 \\\n# comment\nbar==2\n";
        let f = parse(text);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        assert_eq!(f.requirements.len(), 2);
        assert_eq!(at(text, f.requirements[0].range), "foo==1 \\");
    }

    #[test]
    fn comments_need_whitespace_before_the_hash() {
        let r = one("foo==1.0  # pinned for a reason\n");
        assert_eq!(r.specifiers[0].version, "1.0");
        let text = "git+https://github.com/org/repo@0123456789abcdef0123456789abcdef01234567#egg=my_pkg&subdirectory=sub\n";
        let r = one(text);
        assert_eq!(r.name.as_deref(), Some("my_pkg"));
        assert!(!r.name_from_url);
        assert_eq!(at(text, r.name_range), "my_pkg");
        assert_eq!(
            r.git_ref(),
            Some("0123456789abcdef0123456789abcdef01234567")
        );
    }

    #[test]
    fn includes_and_global_options() {
        let text = "-r base.txt\n--requirement=../other/reqs.txt\n-c constraints.txt\n-i https://pypi.example/simple\n--extra-index-url https://x\n--pre\n-rshort.txt\n";
        let f = parse(text);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        let paths: Vec<_> = f.includes.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "base.txt",
                "../other/reqs.txt",
                "constraints.txt",
                "short.txt"
            ]
        );
        assert_eq!(f.includes[2].kind, IncludeKind::Constraints);
        assert_eq!(at(text, f.includes[1].path_range), "../other/reqs.txt");
        let names: Vec<_> = f.options.iter().map(|o| o.name).collect();
        assert_eq!(names, ["--index-url", "--extra-index-url", "--pre"]);
        assert_eq!(
            f.options[0].value.as_ref().unwrap().0,
            "https://pypi.example/simple"
        );
        // optparse's unambiguous prefixes.
        assert!(parse("--extra-index https://x\n").errors.is_empty());
        assert!(error("--bogus\n").message.contains("unknown option"));
    }

    #[test]
    fn hashes_are_checked() {
        let good = "a".repeat(64);
        let r = one(&format!("foo==1 --hash=sha256:{good} --hash sha256:{good}"));
        assert_eq!(r.hashes.len(), 2);
        assert!(error(&format!("foo==1 --hash=md5:{good}"))
            .message
            .contains("refuses"));
        assert!(error("foo==1 --hash=sha256:abc").message.contains("64 hex"));
        assert!(error("foo==1 --hash=nocolon")
            .message
            .contains("algorithm:hexdigest"));
        let e = error(&format!("foo==1\n    --hash=sha256:{good}\n"));
        assert!(
            e.message.contains("applies to no requirement"),
            "{}",
            e.message
        );
    }

    #[test]
    fn pep508_url_form() {
        let sha = "ed7e3a0df1e3d625d10903ef7d7fd9c2fbb548db";
        let text = format!("jupyterhub-usage-quotas[service] @ git+https://github.com/2i2c-org/jupyterhub-usage-quotas@{sha} ; python_version>'3'");
        let r = one(&text);
        assert_eq!(r.kind, RequirementKind::Vcs);
        assert_eq!(r.name.as_deref(), Some("jupyterhub-usage-quotas"));
        assert_eq!(r.extras[0].0, "service");
        assert_eq!(r.git_ref(), Some(sha));
        let vcs = r.vcs.as_ref().unwrap();
        assert_eq!(vcs.vcs, "git");
        assert!(at(&text, vcs.url_range).starts_with("git+https://"));
        assert!(r.marker.is_some());
        // Without whitespace, `;` belongs to the URL and the rest is not a marker.
        let r = one("pkg @ https://example.com/pkg-1.0.tar.gz");
        assert_eq!(r.kind, RequirementKind::Url);
        assert!(r.vcs.is_none());
        assert!(
            parse("pkg @ git+https://h/o/r@main;python_version>'3'").requirements[0]
                .marker
                .is_none()
        );
    }

    #[test]
    fn bare_vcs_urls_and_refs() {
        let text = "git+https://github.com/jupyterhub/oauthenticator.git@7d80b0000d8b11e639f3fe0f63d0711e057a15df\n";
        let r = one(text);
        assert_eq!(r.name.as_deref(), Some("oauthenticator"));
        assert!(r.name_from_url);
        assert_eq!(at(text, r.name_range), "oauthenticator");
        let (git_ref, rr) = r.vcs.as_ref().unwrap().git_ref.clone().unwrap();
        assert_eq!(at(text, rr), git_ref);
        assert!(is_full_commit(&git_ref));
        // The userinfo `@` of ssh URLs is not a ref.
        let r = one("git+ssh://git@github.com/org/repo.git");
        assert_eq!(r.git_ref(), None);
        assert_eq!(r.name.as_deref(), Some("repo"));
        let r = one("git+ssh://git@github.com/org/repo.git@v1.2");
        assert_eq!(r.git_ref(), Some("v1.2"));
        // The ref after the LAST `@` of the path; refs may hold slashes.
        assert_eq!(
            one("git+https://h.example/org/repo@refs/pull/123/head#egg=repo").git_ref(),
            Some("refs/pull/123/head")
        );
        let r = one("git+https://github.com/yuvipanda/jupyterhub-configurator@$ed7e3a0df1e3d625d10903ef7d7fd9c2fbb548db");
        assert_eq!(
            r.git_ref(),
            Some("$ed7e3a0df1e3d625d10903ef7d7fd9c2fbb548db")
        );
        assert_eq!(r.name.as_deref(), Some("jupyterhub-configurator"));
        assert!(error("git+https://github.com/org/repo@")
            .message
            .contains("empty revision"));
        assert!(error("git+git@github.com:org/repo.git")
            .message
            .contains("://"));
        let r = one("hg+https://hg.example/repo@abc#egg=thing");
        assert_eq!(r.vcs.as_ref().unwrap().vcs, "hg");
        // Bare URL markers need "; ".
        let r = one("git+https://h/o/r@v1 ; sys_platform == 'linux'");
        assert_eq!(r.git_ref(), Some("v1"));
        assert!(r.marker.is_some());
    }

    #[test]
    fn editables_and_paths() {
        let r = one("-e .\n");
        assert!(r.editable);
        assert_eq!(r.kind, RequirementKind::Path);
        let r = one("-e git+https://github.com/org/pkg@main#egg=pkg\n");
        assert!(r.editable);
        assert_eq!(r.git_ref(), Some("main"));
        let text = "./dist/pkg-1.0-py3-none-any.whl\n";
        let r = one(text);
        assert_eq!(r.kind, RequirementKind::Path);
        assert_eq!(
            at(text, r.location.as_ref().unwrap().1),
            "./dist/pkg-1.0-py3-none-any.whl"
        );
        assert_eq!(one("pkg.tar.gz").kind, RequirementKind::Path);
        assert_eq!(
            one("https://example.com/pkg-1.0.tar.gz").kind,
            RequirementKind::Url
        );
    }

    #[test]
    fn invalid_requirements_are_errors_with_ranges() {
        let text = "good==1\nfoo=1.0\n";
        let f = parse(text);
        assert_eq!(f.errors.len(), 1);
        assert_eq!(at(text, f.errors[0].range), "=1.0");
        assert!(
            f.errors[0].message.contains("==1.0"),
            "{}",
            f.errors[0].message
        );
        for bad in [
            "foo bar",
            "foo==",
            "foo==1.0.x",
            "foo>=1.*",
            "foo[bar",
            "foo; os_name == ",
            "foo; bogus_var == 'x'",
            "foo; python_version == \"3",
            "foo (>=1",
            "foo~=1",
            "@pkg",
            "foo>=1,",
            "pkg @ ",
        ] {
            let f = parse(bad);
            assert_eq!(f.errors.len(), 1, "{bad:?}: {f:?}");
            assert!(f.requirements.is_empty(), "{bad:?}");
            let r = f.errors[0].range;
            assert!(r.start <= r.end && r.end <= bad.len(), "{bad:?}: {r:?}");
        }
        // `${VAR}` lines are expanded by pip from the environment: not judged.
        let f = parse("${PKG_SPEC}\n");
        assert!(f.errors.is_empty() && f.requirements.is_empty());
    }

    #[test]
    fn crlf_bom_and_blank_lines() {
        let text = "\u{feff}foo==1\r\n\r\n  \r\nbar>=2\r\n";
        let f = parse(text);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        assert_eq!(f.requirements.len(), 2);
        assert_eq!(at(text, f.requirements[0].range), "foo==1");
        assert_eq!(at(text, f.requirements[1].range), "bar>=2");
        assert!(parse("").requirements.is_empty());
        assert!(parse("\\").errors.is_empty());
    }

    #[test]
    fn never_panics_on_odd_input() {
        let long = "a".repeat(10 * 1024 * 1024);
        let f = parse(&long);
        assert_eq!(f.requirements.len(), 1);
        let parens = format!("foo; {}python_version == '3'", "(".repeat(100_000));
        assert_eq!(parse(&parens).errors.len(), 1);
        for s in [
            "é==1",
            "foo==1 \\",
            "\\\n\\\n",
            "-",
            "--",
            "-r",
            "--hash",
            "#",
            "foo @",
            "foo[",
            "foo[]",
            "git+https://",
            "git+https://@",
            "pkg @ git+https://h/@x",
            "foo; (",
            "foo; ()",
            "foo ;",
            "x==1 -e",
            "'",
            "\"",
            "-r \"a b.txt\"",
            "ü @ ü",
            "git+ssh://é@ü/é@ü",
            "foo==1.0+",
            "foo===",
            "https://x#egg=",
            "a\u{2028}b",
            "foo\t==1",
        ] {
            let f = parse(s);
            for e in &f.errors {
                assert!(
                    e.range.end <= s.len() && s.is_char_boundary(e.range.start),
                    "{s:?} {e:?}"
                );
            }
            for r in &f.requirements {
                assert!(r.name_range.end <= s.len(), "{s:?}");
                assert!(
                    s.is_char_boundary(r.name_range.start) && s.is_char_boundary(r.name_range.end)
                );
            }
        }
    }

    #[test]
    fn pep440_ordering() {
        let v = |s: &str| Version::parse(s).unwrap_or_else(|| panic!("{s}"));
        let ordered = [
            "1.0.dev0",
            "1.0a1",
            "1.0a2.dev1",
            "1.0a2",
            "1.0b1",
            "1.0rc1",
            "1.0",
            "1.0+local",
            "1.0.post1.dev0",
            "1.0.post1",
            "1.1",
            "2!0.1",
        ];
        for w in ordered.windows(2) {
            assert!(v(w[0]) < v(w[1]), "{} < {}", w[0], w[1]);
        }
        assert_eq!(v("1.0"), v("1.0.0"));
        assert_eq!(v("v1.0-1"), v("1.0.post1"));
        assert_eq!(v("1.0-RC.1"), v("1.0rc1"));
        assert!(Version::parse("1.0.x").is_none());
        assert!(Version::parse("").is_none());
        assert!(Version::parse("99999999999999999999999.1").is_some());
        let base = v("17.4.0");
        use super::pep440::caps_below;
        assert!(caps_below("==", "16.0.4", &base));
        assert!(caps_below("==", "16.*", &base));
        assert!(!caps_below("==", "17.*", &base));
        assert!(caps_below("<", "17", &base));
        assert!(!caps_below("<", "18", &base));
        assert!(caps_below("~=", "16.2", &base));
        assert!(!caps_below("~=", "17.2", &base));
        assert!(!caps_below(">=", "1", &base));
        assert!(!caps_below("==", "17.4.0", &base));
    }
}
