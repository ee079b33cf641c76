//! The options of a requirements line (`-r file`, `--index-url URL`, `--hash=...`), read as
//! pip's optparse reads them: shell-like words, long options by any unambiguous prefix.

use super::lines::{LineError, Word};

/// An option of pip's that requirements files may hold.
pub(super) struct OptionSpec {
    /// `--index-url`.
    pub(super) long: &'static str,
    /// `-i`.
    short: Option<&'static str>,
    takes_value: bool,
    /// Applies to the requirement on its line (`--hash`), not to the whole file.
    pub(super) per_requirement: bool,
}

impl OptionSpec {
    /// A file-wide option that takes a value: `--index-url URL`, `-i URL`.
    const fn valued(long: &'static str, short: Option<&'static str>) -> Self {
        OptionSpec {
            long,
            short,
            takes_value: true,
            per_requirement: false,
        }
    }

    /// A file-wide switch: `--pre`.
    const fn flag(long: &'static str) -> Self {
        OptionSpec {
            long,
            short: None,
            takes_value: false,
            per_requirement: false,
        }
    }

    /// An option with a value for the requirement on its line: `--hash=sha256:...`.
    const fn per_requirement(long: &'static str) -> Self {
        OptionSpec {
            long,
            short: None,
            takes_value: true,
            per_requirement: true,
        }
    }
}

/// pip's options in requirements files.
const OPTIONS: &[OptionSpec] = &[
    OptionSpec::valued("--requirement", Some("-r")),
    OptionSpec::valued("--constraint", Some("-c")),
    OptionSpec::valued("--editable", Some("-e")),
    OptionSpec::valued("--index-url", Some("-i")),
    OptionSpec::valued("--extra-index-url", None),
    OptionSpec::flag("--no-index"),
    OptionSpec::valued("--find-links", Some("-f")),
    OptionSpec::valued("--no-binary", None),
    OptionSpec::valued("--only-binary", None),
    OptionSpec::flag("--prefer-binary"),
    OptionSpec::flag("--require-hashes"),
    OptionSpec::flag("--pre"),
    OptionSpec::valued("--trusted-host", None),
    OptionSpec::valued("--use-feature", None),
    OptionSpec::per_requirement("--hash"),
    OptionSpec::per_requirement("--config-settings"),
    OptionSpec::per_requirement("--global-option"),
    OptionSpec::per_requirement("--install-option"),
];

/// One option as written on a line, at offsets in the line's text.
pub(super) struct Opt {
    pub(super) spec: &'static OptionSpec,
    pub(super) value: Option<Word>,
    pub(super) start: usize,
    pub(super) end: usize,
}

impl Opt {
    /// The long name: `--index-url`.
    pub(super) fn name(&self) -> &'static str {
        self.spec.long
    }
}

pub(super) fn check_hash(v: &str) -> Result<(), String> {
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
fn shell_words(s: &str, a: usize, b: usize) -> Vec<Word> {
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
        words.push(Word {
            text: word,
            start: ws,
            end: we,
        });
    }
    words
}

/// The option a word names, and where a value written in the same word starts
/// (`--hash=...`, `-rfile`).
fn lookup(word: &Word) -> (Option<&'static OptionSpec>, Option<usize>) {
    let w = word.text.as_str();
    if let Some(long) = w.strip_prefix("--") {
        let (name, value_at) = match long.find('=') {
            Some(eq) => (&long[..eq], Some(word.start + 2 + eq + 1)),
            None => (long, None),
        };
        // optparse accepts any unambiguous prefix of a long option.
        let exact = OPTIONS.iter().find(|o| &o.long[2..] == name);
        let found = exact.or_else(|| {
            let mut m = OPTIONS.iter().filter(|o| o.long[2..].starts_with(name));
            match (m.next(), m.next()) {
                (Some(o), None) if !name.is_empty() => Some(o),
                _ => None,
            }
        });
        (found, value_at)
    } else {
        let short = w.get(..2).unwrap_or(w);
        let found = OPTIONS.iter().find(|o| o.short == Some(short));
        (found, (w.len() > 2).then_some(word.start + 2))
    }
}

pub(super) fn parse_options(s: &str, a: usize, b: usize, errors: &mut Vec<LineError>) -> Vec<Opt> {
    let words = shell_words(s, a, b);
    let mut opts = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        let (w, ws, we) = (word.text.as_str(), word.start, word.end);
        i += 1;
        let (spec, inline_value) = lookup(word);
        let Some(spec) = spec else {
            errors.push(LineError::new(format!("unknown option `{w}`"), ws, we));
            continue;
        };
        let name = spec.long;
        let mut end = we;
        let value = if !spec.takes_value {
            if inline_value.is_some() && w.starts_with("--") {
                errors.push(LineError::new(format!("`{name}` takes no value"), ws, we));
            }
            None
        } else if let Some(at) = inline_value {
            let v = &s[at.min(we)..we];
            Some(Word {
                text: v.trim_matches(|c| c == '"' || c == '\'').to_string(),
                start: at.min(we),
                end: we,
            })
        } else if let Some(next) = words.get(i) {
            i += 1;
            end = next.end;
            Some(next.clone())
        } else {
            errors.push(LineError::new(format!("`{name}` needs a value"), ws, we));
            None
        };
        if let Some(v) = &value {
            if v.text.is_empty() {
                errors.push(LineError::new(
                    format!("`{name}` needs a value"),
                    ws,
                    v.end.max(v.start),
                ));
            }
        }
        opts.push(Opt {
            spec,
            value: value.filter(|v| !v.text.is_empty()),
            start: ws,
            end,
        });
    }
    opts
}
