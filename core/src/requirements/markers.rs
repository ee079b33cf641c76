//! Environment markers (PEP 508: `python_version >= "3.9" and sys_platform == 'linux'`),
//! checked for syntax.

use super::lines::LineError;
use super::pep440::operator_at;

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

/// The kinds of marker tokens.
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

struct Token {
    kind: MTok,
    start: usize,
    end: usize,
}

fn marker_tokens(s: &str, a: usize, b: usize) -> Result<Vec<Token>, LineError> {
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
                let close = s[i + 1..b]
                    .find(c as char)
                    .ok_or_else(|| LineError::new("unterminated string in the marker", i, b))?;
                i += close + 2;
                MTok::Str
            }
            b'<' | b'>' | b'=' | b'!' | b'~' => {
                let op = operator_at(&s[i..b])
                    .ok_or_else(|| LineError::new("unknown operator in the marker", i, i + 1))?;
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
                    w => {
                        return Err(LineError::new(
                            format!("unknown marker variable `{w}`"),
                            start,
                            i,
                        ))
                    }
                }
            }
            _ => {
                let end = start + s[start..b].chars().next().map_or(1, char::len_utf8);
                return Err(LineError::new(
                    format!("unexpected `{}` in the marker", &s[start..end]),
                    start,
                    end,
                ));
            }
        };
        out.push(Token {
            kind: tok,
            start,
            end: i,
        });
    }
    Ok(out)
}

/// Whether the marker `s[a..b]` is well formed: known variables, operators and strings
/// combined with `and`, `or` and parentheses.
pub(super) fn check_marker(s: &str, a: usize, b: usize) -> Result<(), LineError> {
    let toks = marker_tokens(s, a, b)?;
    let mut p = MarkerParser {
        toks: &toks,
        i: 0,
        end: b,
        depth: 0,
    };
    p.or()?;
    if let Some(t) = toks.get(p.i) {
        return Err(LineError::new(
            "unexpected text in the marker",
            t.start,
            t.end,
        ));
    }
    Ok(())
}

struct MarkerParser<'a> {
    toks: &'a [Token],
    i: usize,
    end: usize,
    depth: usize,
}

impl MarkerParser<'_> {
    fn err(&self, msg: &str) -> LineError {
        match self.toks.get(self.i) {
            Some(t) => LineError::new(msg, t.start, t.end),
            None => LineError::new(msg, self.end, self.end),
        }
    }
    fn peek(&self) -> Option<&MTok> {
        self.toks.get(self.i).map(|t| &t.kind)
    }
    fn or(&mut self) -> Result<(), LineError> {
        self.and()?;
        while self.peek() == Some(&MTok::Or) {
            self.i += 1;
            self.and()?;
        }
        Ok(())
    }
    fn and(&mut self) -> Result<(), LineError> {
        self.expr()?;
        while self.peek() == Some(&MTok::And) {
            self.i += 1;
            self.expr()?;
        }
        Ok(())
    }
    fn expr(&mut self) -> Result<(), LineError> {
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
            Some(MTok::Not) if self.toks.get(self.i + 1).map(|t| &t.kind) == Some(&MTok::In) => {
                self.i += 2
            }
            _ => return Err(self.err("expected a comparison (`==`, `<`, `in`, ...) in the marker")),
        }
        self.value()
    }
    fn value(&mut self) -> Result<(), LineError> {
        match self.peek() {
            Some(MTok::Str | MTok::Var) => {
                self.i += 1;
                Ok(())
            }
            _ => Err(self.err("expected a marker variable or a quoted string")),
        }
    }
}
