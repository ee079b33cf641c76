//! PEP 440 versions: parsing and ordering (enough to compare pins with what an image ships),
//! and the version specifiers of a requirement (`>=1, <2`), checked against them.

use super::lines::{Cursor, LineError};
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
        let post =
            if p.s.get(p.i) == Some(&b'-') && p.s.get(p.i + 1).is_some_and(u8::is_ascii_digit) {
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

/// One clause of a version specifier (`>=1.2`), at offsets in the line's text.
pub(super) struct Clause {
    pub(super) op: &'static str,
    pub(super) version: String,
    /// From the operator to the end of the version.
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) version_start: usize,
}

const OPERATORS: [&str; 8] = ["===", "==", "!=", "<=", ">=", "~=", "<", ">"];

/// The comparison operator `s` starts with.
pub(super) fn operator_at(s: &str) -> Option<&'static str> {
    OPERATORS.into_iter().find(|op| s.starts_with(op))
}

/// Version clauses (`>=1, <2` or `(>=1,<2)`); returns them and where the specifier ends.
pub(super) fn parse_specifiers(cur: &mut Cursor) -> Result<(Vec<Clause>, usize), LineError> {
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
        let Some(op) = operator_at(&s[cur.pos..cur.end]) else {
            if clauses.is_empty() {
                break;
            }
            return Err(LineError::new(
                "expected a version operator after `,`",
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
            return Err(LineError::new(
                format!("expected a version after `{op}`"),
                op_start,
                cur.pos.max(op_start + op.len()),
            ));
        }
        if op != "===" {
            check_version(op, version).map_err(|m| LineError::new(m, va, vb))?;
        }
        clauses.push(Clause {
            op,
            version: version.to_string(),
            start: op_start,
            end: vb,
            version_start: va,
        });
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
            return Err(LineError::new(
                "expected `)` to close the version specifier",
                open,
                cur.pos.max(open + 1),
            ));
        }
        cur.pos += 1;
        spec_end = cur.pos;
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
    let Some(v) = Version::parse(base) else {
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
