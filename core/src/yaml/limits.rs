//! What is refused before parsing, with an error instead of a tree: files too large, nesting
//! too deep, structure indented too far, and the shapes on which `yaml_parser` would overflow
//! its stack or indentation mask, panic or backtrack for minutes (most were found by the fuzz
//! targets). Each check is one pass without recursion.

use super::YamlErrorKind;

/// Nesting deeper than this is refused before parsing: the parser recurses per level and
/// would overflow the stack (wasm has 1 MiB). Real values files nest about 12 deep.
pub const MAX_DEPTH: usize = 128;
/// Files larger than this are not parsed (a 5 MB file already takes ~0.6 s).
pub const MAX_SIZE: usize = 5 * 1024 * 1024;
/// Nodes that alias expansion may create in one file ("billion laughs" guard).
pub const ALIAS_BUDGET: usize = 100_000;

/// `yaml_parser` tracks open indentation levels in a 64-bit mask: a structure indented 64 or
/// more columns overflows it (a panic in debug builds, a wrong tree in release ones).
pub const MAX_INDENT: usize = 63;

/// A cheap check, without recursion, of what the parser cannot take: nesting deeper than
/// [`MAX_DEPTH`] (indentation levels of block collections, compact `- - -` sequences on one
/// line, open flow brackets) and structure indented past [`MAX_INDENT`] columns. Lines inside
/// block scalars are text, not structure, and are skipped. Returns the offset and the reason.
fn too_deep(text: &str) -> Option<(usize, String)> {
    let deep = || format!("nesting deeper than {MAX_DEPTH} levels; the file is not parsed");
    let mut indents: Vec<usize> = Vec::new();
    // The brackets of the flow collections open, innermost last: a closer of the other kind
    // closes none (`[` then `}` left yaml_parser backtracking for minutes: a fuzz input).
    let mut open_brackets: Vec<char> = Vec::new();
    // Where the outermost flow collection still open began.
    let mut flow_start = 0usize;
    let mut offset = 0;
    // Indentation of the line that opened a block scalar (`key: |`), while inside it.
    let mut block_scalar: Option<usize> = None;
    // Lines and indentation as yaml_parser sees them: a lone CR breaks a line, and tabs and
    // other blanks count towards its indentation mask (64 tabs overflowed it: a fuzz input).
    for line in text.split_inclusive(['\n', '\r']) {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start_matches([' ', '\t', '\x0b', '\x0c']);
        let indent = line.len() - trimmed.len();
        if trimmed.trim().is_empty() {
            continue;
        }
        match block_scalar {
            Some(parent) if indent > parent => continue,
            _ => block_scalar = None,
        }
        if trimmed.starts_with('#') {
            continue;
        }
        if open_brackets.is_empty() {
            while indents.last().is_some_and(|&i| i >= indent) {
                indents.pop();
            }
            indents.push(indent);
        }
        // Whether this line's first content sits in block context; a flow collection it opens
        // still starts at a block column (`? <119 blanks>{c` overflowed the mask: a fuzz input).
        let block_line = open_brackets.is_empty();
        let mut dashes = 0;
        let mut rest = trimmed;
        // `- `, `? ` and `: ` open compact nodes; the blanks after them (tabs too: 63 tabs after
        // a `?` overflowed yaml_parser's mask, a fuzz input) count towards the column.
        while let Some(r) = ["-", "?", ":"].iter().find_map(|ind| {
            rest.strip_prefix(ind)
                .filter(|r| r.starts_with([' ', '\t']))
        }) {
            dashes += 1;
            rest = r.trim_start_matches([' ', '\t']);
        }
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        let mut content_end = rest.len();
        // In block context, whether the next non-blank character begins a node: only there do
        // `[`/`{` open a flow collection (`s[[[` is a plain scalar) and quotes open a string.
        // It stays set after a property, an alias or a closed quoted or flow node, where
        // yaml_parser, recovering, reads a following `- ` as a compact sequence (a fuzz input).
        let mut node_start = true;
        // Inside a property or alias token (`&a`, `!tag`, `*a`), which runs to the next blank.
        let mut in_token = false;
        let rest_column = line.len() - rest.len();
        // A document marker starts a line's nodes afresh (`--- {{{…` opens flow collections:
        // a fuzz input).
        let marker_len = if indent == 0 && starts_with_marker(rest) {
            3
        } else {
            0
        };
        for (i, ch) in rest.char_indices().skip(marker_len) {
            let next_blank = || rest[i + ch.len_utf8()..].starts_with([' ', '\t']);
            match quote {
                Some(q) if ch == q => {
                    quote = None;
                    if open_brackets.is_empty() {
                        node_start = true;
                    }
                }
                Some(_) => {}
                None if in_token => in_token = !matches!(ch, ' ' | '\t'),
                None => match ch {
                    '#' if prev == ' ' || prev == '\t' => {
                        content_end = i;
                        break;
                    }
                    ' ' | '\t' => {}
                    '"' | '\''
                        if !open_brackets.is_empty()
                            && matches!(prev, ' ' | '[' | '{' | ',' | ':') =>
                    {
                        quote = Some(ch)
                    }
                    '"' | '\'' if open_brackets.is_empty() && node_start => quote = Some(ch),
                    '[' | '{' if !open_brackets.is_empty() || node_start => {
                        if open_brackets.is_empty() {
                            flow_start = start + rest_column + i;
                        }
                        open_brackets.push(ch);
                        // Brackets opened and closed on one line nest as deep as any.
                        if indents.len() + dashes + open_brackets.len() > MAX_DEPTH {
                            return Some((start + indent, deep()));
                        }
                    }
                    ']' | '}' if !open_brackets.is_empty() => {
                        let opener = if ch == ']' { '[' } else { '{' };
                        if open_brackets.last() == Some(&opener) {
                            open_brackets.pop();
                            node_start = open_brackets.is_empty();
                        }
                    }
                    '&' | '!' | '*' if open_brackets.is_empty() && node_start => in_token = true,
                    // (`:` right after a quoted or flow key separates it from its value.)
                    '-' | '?' | ':'
                        if open_brackets.is_empty()
                            && node_start
                            && next_blank()
                            && !(ch == ':' && matches!(prev, '"' | '\'' | ']' | '}')) =>
                    {
                        // A compact collection further along the line: its column counts too.
                        let after = rest[i + 1..].trim_start_matches([' ', '\t']);
                        let column = line.len() - after.len();
                        if column > MAX_INDENT {
                            return Some((start + indent, too_wide(column)));
                        }
                    }
                    ':' if open_brackets.is_empty()
                        && (next_blank()
                            || rest[i + 1..].starts_with(['\n', '\r'])
                            || i + 1 == rest.len()) =>
                    {
                        node_start = true
                    }
                    _ if open_brackets.is_empty() => node_start = false,
                    _ => {}
                },
            }
            prev = ch;
        }
        if indents.len() + dashes + open_brackets.len() > MAX_DEPTH {
            return Some((start + indent, deep()));
        }
        let column = line.len() - rest.len();
        if column > MAX_INDENT && block_line {
            return Some((start + indent, too_wide(column)));
        }
        // `key: |`, `- >-`, `key: |2+` open a block scalar whose lines follow, more indented.
        let content = rest[..content_end].trim_end();
        let header = content.rsplit([' ', ':']).next().unwrap_or("");
        if open_brackets.is_empty()
            && (header.starts_with('|') || header.starts_with('>'))
            && header[1..]
                .chars()
                .all(|c| matches!(c, '-' | '+' | '1'..='9'))
        {
            block_scalar = Some(indent);
        }
    }
    // yaml_parser backtracks through every unclosed flow collection when it fails: the time
    // doubles with each (20 take a second, 30 would take minutes).
    if open_brackets.len() > MAX_UNCLOSED_FLOW {
        return Some((
            flow_start,
            format!(
                "{} flow collections ('[' or '{{') are never closed; the file is not parsed",
                open_brackets.len()
            ),
        ));
    }
    None
}

fn too_wide(column: usize) -> String {
    format!("structure indented {column} columns (more than {MAX_INDENT}); the file is not parsed")
}

/// What no path may read and one cheap pass finds, wherever it is (quotes, comments, block
/// scalars alike): brackets nested too deep, a `?` or `-` before a long run of blanks, and a
/// long run of blanks ending the file. Lines break at LF and lone CR, as in yaml_parser.
pub(super) fn refused_up_front(text: &str) -> Option<(usize, String)> {
    if let Some(at) = brackets_too_deep(text) {
        return Some((
            at,
            format!("brackets ('[' or '{{') nested more than {MAX_FLOW_DEPTH} deep; the file is not parsed"),
        ));
    }
    let bytes = text.as_bytes();
    let mut start = 0;
    for end in memchr::memchr2_iter(b'\n', b'\r', bytes).chain([bytes.len()]) {
        if let Some(column) = indicator_before_long_blanks(&bytes[start..end]) {
            return Some((start, too_wide(column)));
        }
        start = end + 1;
    }
    // Blanks ending the file (no line break after them) are read as the indentation of a
    // node to come: 64 overflowed yaml_parser's mask (a generated input).
    let last = &text[text.rfind(['\n', '\r']).map_or(0, |i| i + 1)..];
    (last.len() > MAX_INDENT
        && last
            .trim_start_matches([' ', '\t', '\x0b', '\x0c'])
            .is_empty())
    .then(|| (text.len() - last.len(), too_wide(last.len())))
}

/// The column after a `?` or `-` followed by [`MAX_INDENT`] blanks or more in `line`: after a
/// document marker, even one mid-line, yaml_parser reads it as a compact collection indented
/// that far (`--- ?` and `|-...? <65 blanks>!t` overflowed its mask: generated inputs).
fn indicator_before_long_blanks(line: &[u8]) -> Option<usize> {
    let blank = |b: u8| b == b' ' || b == b'\t';
    // Runs of blanks starting at `from` or later are still to look at; the byte before
    // `from` is not blank. A run of MAX_INDENT blanks starting in the next MAX_INDENT bytes
    // covers the last of them, so one byte tells whether any can start there: every line of
    // every YAML file is scanned and long lines are mostly text.
    let mut from = 0;
    while from + MAX_INDENT <= line.len() {
        let probe = from + MAX_INDENT - 1;
        if !blank(line[probe]) {
            from = probe + 1;
            continue;
        }
        let mut start = probe;
        while start > from && blank(line[start - 1]) {
            start -= 1;
        }
        let end = line[probe..]
            .iter()
            .position(|&b| !blank(b))
            .map_or(line.len(), |n| probe + n);
        if end - start >= MAX_INDENT && start > 0 && matches!(line[start - 1], b'?' | b'-') {
            return Some(end);
        }
        from = end + 1;
    }
    None
}

/// Where a bracket nests deeper than [`MAX_FLOW_DEPTH`], counting without context: every
/// `[`/`{` opens, each `]`/`}` closes an open one of its kind (a closer of the other kind
/// closes nothing). yaml_parser backtracks through every level of flow collections around an
/// error, doubling its time with each (`[[[…]]]ak]]` 29 deep ran for minutes, and so did
/// brackets that its error recovery takes for flow collections where YAML would not: `...{{{`
/// after a marker; fuzz inputs). Brackets left open count as nested, so this also bounds them.
fn brackets_too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    // Openers and closers found by memchr's vector search and merged in order: this runs on
    // every parse, and most of a file is neither.
    let mut openers = memchr::memchr2_iter(b'[', b'{', bytes).peekable();
    let mut closers = memchr::memchr2_iter(b']', b'}', bytes).peekable();
    let mut open: Vec<u8> = Vec::new();
    loop {
        let i = match (openers.peek(), closers.peek()) {
            (Some(&o), Some(&c)) if o < c => openers.next()?,
            (Some(_), None) => openers.next()?,
            (_, Some(_)) => closers.next()?,
            (None, None) => return None,
        };
        match bytes[i] {
            b @ (b'[' | b'{') => {
                open.push(b);
                if open.len() > MAX_FLOW_DEPTH {
                    return Some(i);
                }
            }
            b => {
                let opener = if b == b']' { b'[' } else { b'{' };
                if open.last() == Some(&opener) {
                    open.pop();
                }
            }
        }
    }
}

/// Brackets nested deeper than this, anywhere in a file, are refused up front: the corpus
/// nests 6 deep at most (counting brackets in comments and block scalars too), and an error
/// 12 deep costs yaml_parser ~9 ms.
pub const MAX_FLOW_DEPTH: usize = 12;

/// More flow collections left open at the end of a file than this are refused up front.
pub const MAX_UNCLOSED_FLOW: usize = 12;

/// What `yaml_parser` cannot take in `body` (the text after any byte-order mark) and the
/// direct reader does not read either: the kind of error, its offset in `body` and the message.
pub(super) fn refused_by_yaml_parser(body: &str) -> Option<(YamlErrorKind, usize, String)> {
    if let Some((at, message)) = too_deep(body) {
        return Some((YamlErrorKind::TooDeep, at, message));
    }
    // yaml_parser shifts a 64-bit mask by the first content line's indentation, counting every
    // ASCII whitespace character before it (tabs, form feeds), not only spaces.
    if let Some(first) = body.find(|c: char| !c.is_ascii_whitespace()) {
        let base = body[..first].rfind('\n').map_or(first, |nl| first - nl - 1);
        if base > MAX_INDENT {
            let message = format!(
                "first line indented {base} columns (more than {MAX_INDENT}); the file is not parsed"
            );
            return Some((YamlErrorKind::TooDeep, first, message));
        }
    }
    dedent_below_first_line(body).map(|(at, message)| (YamlErrorKind::Syntax, at, message))
}

/// A line indented less than the file's first content line: YAML rejects it (but for a
/// document marker, rare after an indented document), and yaml_parser 0.3 underflows its
/// indentation counter on it when a comment line comes first (a panic with overflow checks,
/// found by the `yaml`, `fix` and `chart_yaml` fuzz targets), so it is reported here without
/// calling the parser.
fn dedent_below_first_line(text: &str) -> Option<(usize, String)> {
    let line_no = |at: usize| text[..at].matches('\n').count() + 1;
    // (indentation, offset) of the first content line.
    let mut first: Option<(usize, usize)> = None;
    let mut offset = 0;
    // yaml_parser breaks lines at a lone CR too (a fuzz input had one mid-line).
    for line in text.split_inclusive(['\n', '\r']) {
        let start = offset;
        offset += line.len();
        // Indentation as yaml_parser counts a first line's: any blank character, not only spaces.
        let trimmed = line.trim_start_matches([' ', '\t', '\x0b', '\x0c']);
        let content = trimmed.trim_end();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let marker = indent == 0 && starts_with_marker(content);
        match first {
            // A document marker: the next document sets its own first line (a fuzz input
            // indented the line after a `...`).
            None | Some((0, _)) if marker => first = None,
            None => first = Some((indent, start)),
            Some((k, first_start)) if indent < k => {
                return Some((
                    start,
                    format!(
                        "YAML syntax error: line {} is indented less than the document's first line (line {}, {k} spaces)",
                        line_no(start),
                        line_no(first_start)
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    None
}

/// A document marker, `---` or `...`, alone or before a blank (`...: x` is a key: a
/// generated input). The caller checks it starts its line.
fn starts_with_marker(line: &str) -> bool {
    ["---", "..."].iter().any(|m| {
        line.strip_prefix(m)
            .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t', '\n', '\r']))
    })
}

#[cfg(test)]
mod tests {
    use super::{indicator_before_long_blanks, MAX_INDENT};

    #[test]
    fn long_blanks_after_an_indicator_are_found_wherever_they_start() {
        // The byte-by-byte scan it replaces.
        let reference = |line: &[u8]| {
            if line.len() <= MAX_INDENT {
                return None;
            }
            let mut run = 0;
            for (i, &b) in line.iter().enumerate() {
                if b == b' ' || b == b'\t' {
                    run += 1;
                    continue;
                }
                if run >= MAX_INDENT && i > run && matches!(line[i - run - 1], b'?' | b'-') {
                    return Some(i);
                }
                run = 0;
            }
            (run >= MAX_INDENT
                && line.len() > run
                && matches!(line[line.len() - run - 1], b'?' | b'-'))
            .then_some(line.len())
        };
        let mut lines: Vec<String> = vec![String::new(), "-".into(), " ".repeat(200)];
        for before in ["", "a", "-", "?", "é-", "x?", "--- ?", "a -"] {
            for run in [1, 61, 62, 63, 64, 65, 130] {
                for blank in [" ", "\t", " \t"] {
                    for after in ["", "x", "ü", " - ", "\t?"] {
                        for lead in [0, 1, 5, 62, 63, 64] {
                            let blanks = blank.repeat(run).chars().take(run).collect::<String>();
                            let line = format!("{}{before}{blanks}{after}", "b".repeat(lead));
                            lines.push(line.clone());
                            // A second candidate run after one that does not qualify.
                            lines.push(format!("{line}{}-{blanks}!", " ".repeat(70)));
                        }
                    }
                }
            }
        }
        for line in &lines {
            assert_eq!(
                indicator_before_long_blanks(line.as_bytes()),
                reference(line.as_bytes()),
                "{line:?}"
            );
        }
        assert_eq!(
            indicator_before_long_blanks(format!("a: -{}x", " ".repeat(63)).as_bytes()),
            Some(67)
        );
    }
}
