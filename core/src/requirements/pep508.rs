//! One requirement (PEP 508): `name[extras] specifiers ; marker`, `name @ url`, a bare
//! URL (archive or VCS) or a local path, as pip tells them apart.

use super::lines::{Cursor, LineError, Logical, Word};
use super::markers::check_marker;
use super::pep440::parse_specifiers;
use super::{normalize_name, Requirement, RequirementKind, Specifier, VcsRef};
use crate::text::TextRange;

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

/// The requirement in `lg.text[a..b]`.
pub(super) fn parse_requirement(
    lg: &Logical,
    a: usize,
    b: usize,
) -> Result<Requirement, LineError> {
    let s = lg.text.as_str();
    let text = &s[a..b];
    let lower_start = text.get(..4).unwrap_or("").to_ascii_lowercase();
    if url_scheme(text).is_none()
        && VCS
            .iter()
            .any(|v| lower_start.starts_with(&format!("{v}+")))
    {
        let end = a + text.find(char::is_whitespace).unwrap_or(text.len());
        return Err(LineError::new(
            "a VCS URL needs `://` after its scheme (`git+ssh://git@host/org/repo`)",
            a,
            end,
        ));
    }
    if url_scheme(text).is_some() {
        return read_bare_url(lg, a, b);
    }
    // PEP 508 name first; a name followed by `@` is the URL form.
    let name_end = a + text.bytes().take_while(|&c| is_name_byte(c)).count();
    let name_ok = name_end > a
        && s.as_bytes()[a].is_ascii_alphanumeric()
        && s.as_bytes()[name_end - 1].is_ascii_alphanumeric();
    let mut cur = Cursor {
        s,
        pos: name_end,
        end: b,
    };
    cur.skip_ws();
    if let Some(req) = read_path(lg, a, b, name_ok, cur)? {
        return Ok(req);
    }
    if !name_ok {
        let bad_end = a + text.find(char::is_whitespace).unwrap_or(text.len());
        return Err(LineError::new(
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
            .map(|e| lg.located(&e))
            .collect();
        cur.skip_ws();
    }
    if cur.peek() == Some(b'@') {
        read_name_at_url(lg, &mut req, cur)?;
    } else {
        read_specifiers_and_marker(lg, &mut req, cur)?;
    }
    Ok(req)
}

/// Where a URL or path ends, and the marker after it (`url ; marker`), if any.
fn split_marker_after_url(s: &str, a: usize, b: usize) -> (usize, Option<(usize, usize)>) {
    match find_marker_after_url(s, a, b) {
        Some(semi) => (s[..semi].trim_end().len().max(a), Some((semi + 1, b))),
        None => (b, None),
    }
}

/// A URL with no name before it: pip splits a marker off at "; ".
fn read_bare_url(lg: &Logical, a: usize, b: usize) -> Result<Requirement, LineError> {
    let s = lg.text.as_str();
    let (url_end, marker) = split_marker_after_url(s, a, b);
    if let Some(ws) = s[a..url_end].find(char::is_whitespace) {
        return Err(LineError::new(
            "unexpected text after the URL (a marker needs `; ` before it)",
            a + ws,
            b,
        ));
    }
    let mut req = blank(RequirementKind::Url, lg.range);
    read_url(lg, &mut req, a, url_end, true)?;
    if let Some((ma, mb)) = marker {
        set_marker(lg, &mut req, ma, mb)?;
    }
    Ok(req)
}

/// A local path or archive (`.`, `./pkg`, `dist/x.whl`), when `s[a..b]` is one rather than a
/// name; `cur` stands after the name's first word.
fn read_path(
    lg: &Logical,
    a: usize,
    b: usize,
    name_ok: bool,
    cur: Cursor,
) -> Result<Option<Requirement>, LineError> {
    let s = lg.text.as_str();
    let at_url_form = name_ok && cur.peek() == Some(b'@')
        || name_ok && cur.peek() == Some(b'[') && {
            let mut after_extras = cur;
            skip_extras(&mut after_extras).is_ok() && {
                after_extras.skip_ws();
                after_extras.peek() == Some(b'@')
            }
        };
    let rest_is_spec = name_ok
        && matches!(
            cur.peek(),
            None | Some(b'[' | b'(' | b';' | b'<' | b'>' | b'=' | b'!' | b'~')
        );
    let (path_end, marker) = split_marker_after_url(s, a, b);
    let path = &s[a..path_end];
    let is_path = !at_url_form
        && !path.contains(char::is_whitespace)
        && (is_archive(path) || !rest_is_spec && looks_like_path(path));
    if !is_path {
        return Ok(None);
    }
    let mut req = blank(RequirementKind::Path, lg.range);
    req.location = Some((path.to_string(), lg.range(a, path_end)));
    if let Some((ma, mb)) = marker {
        set_marker(lg, &mut req, ma, mb)?;
    }
    Ok(Some(req))
}

/// `name @ url ; marker`, with `cur` at the `@`.
fn read_name_at_url(lg: &Logical, req: &mut Requirement, mut cur: Cursor) -> Result<(), LineError> {
    let (s, b) = (cur.s, cur.end);
    cur.pos += 1;
    cur.skip_ws();
    let (url_start, url_end) = cur.take_while(|c| !c.is_ascii_whitespace());
    if url_start == url_end {
        return Err(LineError::new(
            "expected a URL after `@`",
            url_start.min(b),
            b,
        ));
    }
    if url_scheme(&s[url_start..url_end]).is_none() {
        return Err(LineError::new(
            format!("`{}` is not a URL", &s[url_start..url_end]),
            url_start,
            url_end,
        ));
    }
    req.kind = RequirementKind::Url;
    read_url(lg, req, url_start, url_end, false)?;
    cur.skip_ws();
    match cur.peek() {
        None => Ok(()),
        Some(b';') if s.as_bytes()[cur.pos - 1].is_ascii_whitespace() => {
            set_marker(lg, req, cur.pos + 1, b)
        }
        Some(_) => Err(LineError::new(
            "unexpected text after the URL (a marker needs whitespace before `;`)",
            cur.pos,
            b,
        )),
    }
}

/// The version specifier and marker after a name (and its extras), at `cur`.
fn read_specifiers_and_marker(
    lg: &Logical,
    req: &mut Requirement,
    mut cur: Cursor,
) -> Result<(), LineError> {
    let (s, b) = (cur.s, cur.end);
    let spec_start = cur.pos;
    let (clauses, spec_end) = parse_specifiers(&mut cur)?;
    if !clauses.is_empty() {
        req.specifier = Some((
            s[spec_start..spec_end].to_string(),
            lg.range(spec_start, spec_end),
        ));
        req.specifiers = clauses
            .into_iter()
            .map(|c| Specifier {
                op: c.op.to_string(),
                version: c.version,
                range: lg.range(c.start, c.end),
                version_range: lg.range(c.version_start, c.end),
            })
            .collect();
    }
    cur.skip_ws();
    let Some(c) = cur.peek() else {
        return Ok(());
    };
    if c == b';' {
        return set_marker(lg, req, cur.pos + 1, b);
    }
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
    Err(LineError::new(msg, cur.pos, end))
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

fn set_marker(lg: &Logical, req: &mut Requirement, a: usize, b: usize) -> Result<(), LineError> {
    let s = lg.text.as_str();
    let lead = s[a..b].len() - s[a..b].trim_start().len();
    let (ma, mb) = (a + lead, a + s[a..b].trim_end().len());
    if ma >= mb {
        return Err(LineError::new(
            "empty environment marker after `;`",
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
) -> Result<(), LineError> {
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
        return Err(LineError::new(
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
                return Err(LineError::new(
                    "empty revision after `@` (write a commit after it, or remove the `@`)",
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

fn is_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.')
}

/// `[a, b]` at the cursor.
fn skip_extras(cur: &mut Cursor) -> Result<Vec<Word>, LineError> {
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
                extras.push(Word {
                    text: cur.s[x..y].to_string(),
                    start: x,
                    end: y,
                });
                cur.skip_ws();
                match cur.peek() {
                    Some(b',') => cur.pos += 1,
                    Some(b']') => {
                        cur.pos += 1;
                        return Ok(extras);
                    }
                    _ => {
                        return Err(LineError::new(
                            "expected `,` or `]` in the extras",
                            open,
                            cur.pos.max(open + 1),
                        ))
                    }
                }
            }
            _ => {
                return Err(LineError::new(
                    "expected an extra name or `]`",
                    open,
                    cur.pos.max(open + 1),
                ))
            }
        }
    }
}
