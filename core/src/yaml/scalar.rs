//! Decoding scalar source text into the string it denotes (YAML 1.2 §6-8 flow/block rules).

use compact_str::CompactString;

/// Join the lines of a multi-line flow scalar: a single line break becomes a space, each
/// extra empty line a newline; whitespace around breaks is dropped.
fn fold_lines(lines: &[&str]) -> String {
    let mut out = String::new();
    let mut empties = 0;
    for (i, line) in lines.iter().enumerate() {
        let line = if i == 0 {
            line.trim_end_matches([' ', '\t', '\r'])
        } else {
            line.trim_matches([' ', '\t', '\r'])
        };
        if i > 0 && line.is_empty() && i + 1 < lines.len() {
            empties += 1;
            continue;
        }
        if i > 0 {
            if empties > 0 {
                out.extend(std::iter::repeat_n('\n', empties));
            } else {
                out.push(' ');
            }
        }
        empties = 0;
        out.push_str(line);
    }
    out
}

pub fn plain(raw: &str) -> CompactString {
    if !raw.contains('\n') {
        return CompactString::from(raw.trim_end());
    }
    let lines: Vec<&str> = raw.split('\n').collect();
    fold_lines(&lines).into()
}

pub fn single_quoted(raw: &str) -> CompactString {
    let inner = raw.strip_prefix('\'').unwrap_or(raw);
    let inner = inner.strip_suffix('\'').unwrap_or(inner);
    if !inner.contains(['\n', '\'']) {
        return CompactString::from(inner);
    }
    let folded = if inner.contains('\n') {
        fold_lines(&inner.split('\n').collect::<Vec<_>>())
    } else {
        inner.to_string()
    };
    folded.replace("''", "'").into()
}

/// The first escape in a double-quoted scalar (`raw`, quotes included) that go-yaml refuses:
/// an unknown one (`"\d+"`, a regex or Windows path written in double quotes), or `\x`, `\u`,
/// `\U` without their 2, 4 or 8 hex digits of a Unicode scalar value. The offset (of the
/// backslash, in `raw`) and the message.
pub fn bad_escape(raw: &str) -> Option<(usize, String)> {
    let mut chars = raw.char_indices();
    while let Some((at, c)) = chars.next() {
        if c != '\\' {
            continue;
        }
        let (_, e) = chars.next()?;
        let digits = match e {
            '0' | 'a' | 'b' | 't' | '\t' | 'n' | 'v' | 'f' | 'r' | 'e' | ' ' | '"' | '\'' | '/'
            | '\\' | 'N' | '_' | 'L' | 'P' | '\r' | '\n' => continue,
            'x' => 2,
            'u' => 4,
            'U' => 8,
            other => {
                return Some((
                    at,
                    format!(
                        "YAML syntax error: `\\{other}` is not an escape in a double-quoted string; write `\\\\{other}` for a backslash, or use single quotes"
                    ),
                ))
            }
        };
        let hex: String = chars.by_ref().take(digits).map(|(_, c)| c).collect();
        let valid = hex.len() == digits
            && hex.bytes().all(|b| b.is_ascii_hexdigit())
            && u32::from_str_radix(&hex, 16)
                .ok()
                .and_then(char::from_u32)
                .is_some();
        if !valid {
            return Some((
                at,
                format!(
                    "YAML syntax error: `\\{e}` must be followed by {digits} hex digits of a Unicode character; write `\\\\{e}` for a backslash, or use single quotes"
                ),
            ));
        }
    }
    None
}

/// `raw` (a double-quoted scalar) with each backslash that starts an escape go-yaml refuses
/// doubled, so it stands for itself: `"C:\Users\me"` → `"C:\\Users\\me"`.
pub fn escape_bad_backslashes(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 4);
    let mut rest = raw;
    while let Some((at, _)) = bad_escape(rest) {
        out.push_str(&rest[..=at]);
        out.push('\\');
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out
}

pub fn double_quoted(raw: &str) -> CompactString {
    let inner = raw.strip_prefix('"').unwrap_or(raw);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    if !inner.contains(['\\', '\n']) {
        return CompactString::from(inner);
    }
    double_quoted_escaped(inner).into()
}

fn double_quoted_escaped(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    // Pending whitespace is only kept if no line break follows it.
    let mut pending_ws = String::new();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push_str(&pending_ws);
                pending_ws.clear();
                let Some(e) = chars.next() else { break };
                match e {
                    '0' => out.push('\0'),
                    'a' => out.push('\u{7}'),
                    'b' => out.push('\u{8}'),
                    't' | '\t' => out.push('\t'),
                    'n' => out.push('\n'),
                    'v' => out.push('\u{b}'),
                    'f' => out.push('\u{c}'),
                    'r' => out.push('\r'),
                    'e' => out.push('\u{1b}'),
                    ' ' => out.push(' '),
                    '"' => out.push('"'),
                    // Not YAML 1.2's, but go-yaml (helm) reads it.
                    '\'' => out.push('\''),
                    '/' => out.push('/'),
                    '\\' => out.push('\\'),
                    'N' => out.push('\u{85}'),
                    '_' => out.push('\u{a0}'),
                    'L' => out.push('\u{2028}'),
                    'P' => out.push('\u{2029}'),
                    'x' | 'u' | 'U' => {
                        let n = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let hex: String = (0..n).filter_map(|_| chars.next()).collect();
                        match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                            Some(ch) => out.push(ch),
                            None => out.push('\u{fffd}'),
                        }
                    }
                    '\r' | '\n' => {
                        // Escaped line break: join without a space, skip the next line's indent.
                        if e == '\r' && chars.peek() == Some(&'\n') {
                            chars.next();
                        }
                        while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
                            chars.next();
                        }
                    }
                    other => {
                        out.push('\\');
                        out.push(other);
                    }
                }
            }
            ' ' | '\t' => pending_ws.push(c),
            '\r' => {}
            '\n' => {
                pending_ws.clear();
                let mut breaks = 0;
                loop {
                    while chars.peek().is_some_and(|c| matches!(c, ' ' | '\t' | '\r')) {
                        chars.next();
                    }
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                        breaks += 1;
                    } else {
                        break;
                    }
                }
                if breaks == 0 {
                    out.push(' ');
                } else {
                    out.extend(std::iter::repeat_n('\n', breaks));
                }
            }
            _ => {
                out.push_str(&pending_ws);
                pending_ws.clear();
                out.push(c);
            }
        }
    }
    out.push_str(&pending_ws);
    out
}

/// A block scalar's content. `body` is everything after the header line's end.
pub fn block(header: &str, body: &str, folded: bool) -> String {
    let keep = header.contains('+');
    let strip = header.contains('-');
    let body = body
        .strip_prefix('\n')
        .or_else(|| body.strip_prefix("\r\n"))
        .unwrap_or(body);
    let lines: Vec<&str> = body
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let indent = lines
        .iter()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .unwrap_or(0);
    // At most `indent` leading spaces go: a line with fewer (which the parser reads as the
    // end, or breaks at a lone CR) must not be cut inside a character (a generated input).
    let content: Vec<&str> = lines
        .iter()
        .map(|l| {
            let spaces = l.len() - l.trim_start_matches(' ').len();
            &l[spaces.min(indent)..]
        })
        .collect();
    // Trailing empty lines are subject to chomping.
    let last = content.iter().rposition(|l| !l.is_empty());
    let (body_lines, trailing) = match last {
        Some(i) => (&content[..=i], content.len() - i - 1),
        None => (&content[..0], content.len()),
    };
    let mut out = String::new();
    if folded {
        let mut prev_more_indented = false;
        for (i, line) in body_lines.iter().enumerate() {
            let more_indented = line.starts_with(' ') || line.starts_with('\t');
            if i > 0 {
                let prev_empty = body_lines[i - 1].is_empty();
                if line.is_empty() || prev_empty || more_indented || prev_more_indented {
                    out.push('\n');
                } else {
                    out.push(' ');
                }
            }
            out.push_str(line);
            prev_more_indented = more_indented;
        }
        // Folding drops one newline per run of empty lines between normal lines.
        out = out.replace("\n\n", "\n");
    } else {
        out = body_lines.join("\n");
    }
    if body_lines.is_empty() {
        return if keep {
            "\n".repeat(trailing.max(1) - 1)
        } else {
            String::new()
        };
    }
    if keep {
        out.push('\n');
        out.extend(std::iter::repeat_n('\n', trailing.saturating_sub(1)));
    } else if !strip {
        out.push('\n');
    }
    out
}
