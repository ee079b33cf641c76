//! A direct, line-based reader for the block-style YAML that values files are written in.
//!
//! `yaml_parser` builds a lossless rowan tree that [`super::tree`] then walks: exact,
//! but about 2.5 µs per line, too slow for a language server re-reading a 10,000-line values
//! file on every keystroke or for a repository of thousands of hubs. Almost every file in a
//! deployment repository uses a small part of YAML: block mappings and sequences, one-line
//! plain and quoted scalars, block scalars, one-line flow collections and comments. This
//! module reads exactly that part straight into [`Node`]s, in one pass over the lines.
//!
//! It never guesses: anything outside that part (anchors, aliases, tags, multi-line plain or
//! quoted scalars, multi-line flow collections, tabs, CR line ends, several documents,
//! explicit keys, indentation indicators, anything malformed) makes it return `None`, and the
//! caller falls back to `yaml_parser`, which also produces the syntax errors. When it returns a
//! tree, that tree is the one the `yaml_parser` path builds, byte for byte: the corpus test and
//! the `yaml` fuzz target compare the two.

use super::limits::{ALIAS_BUDGET, MAX_DEPTH, MAX_INDENT};
use super::node::{Entry, Node, Scalar, ScalarStyle, Value};
use super::tree::{build_mapping, mark_aliased};
use super::{scalar, DuplicateKey, YamlFile};
use crate::text::TextRange;
use compact_str::CompactString;
use std::collections::HashMap;

/// Nesting read here; deeper files go to the full path and its own checks.
const MAX_NESTING: usize = MAX_DEPTH / 2;

/// One line of the file, without its line break.
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
    /// Leading spaces.
    indent: usize,
    /// Nothing but spaces.
    blank: bool,
    /// The first non-space character is `#`.
    comment: bool,
}

/// What follows an entry of a block collection.
enum Step {
    /// The next entry starts at this byte.
    Entry(usize),
    End,
    GiveUp,
}

/// One pass over a file's lines, building the tree as it goes (the direct reader's state).
struct DirectReader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    lines: Vec<Line>,
    /// The next line to read.
    at: usize,
    comments: Vec<TextRange>,
    duplicates: Vec<DuplicateKey>,
    merged_over: Vec<Entry>,
    anchors: HashMap<String, Node>,
    /// Anchors whose values are being read.
    open_anchors: Vec<String>,
    /// Set when a nested collection could not be read, so the caller stops too.
    gave_up: bool,
    /// Where the text of the node read last ends (an alias's node points elsewhere).
    last_end: usize,
    /// Collections open around the current one.
    depth: usize,
    /// Where the document's root collection starts.
    root_start: usize,
    /// Nodes that aliases may still copy (the `yaml_parser` path's budget).
    budget: usize,
    /// Lines indented past `MAX_INDENT` that no block scalar has taken as text: `too_deep`
    /// refuses a file with any, so this reader must too.
    deep_lines: usize,
}

/// Read `text` (no byte-order mark) when it is in the supported part of YAML; `None` otherwise.
pub(super) fn parse(text: &str) -> Option<YamlFile> {
    let bytes = text.as_bytes();
    // Tabs, CRs, form feeds and other control characters: the full parser's.
    // (A fold without early exit: the compiler vectorises it.)
    let control = bytes.iter().fold(false, |seen, &b| {
        seen | ((b < 0x20 && b != b'\n') | (b == 0x7f))
    });
    // And the other characters YAML does not allow (C1 controls, U+FFFE), which only
    // non-ASCII text can hold.
    if control || (!text.is_ascii() && super::strict::unprintable(text).is_some()) {
        return None;
    }
    // `yaml_parser` draws ranges differently when the last line has a comment and no line
    // break: left to it.
    // Nor when the last line is only spaces and the line with text before it has a comment
    // (a generated input).
    if !text.ends_with('\n') {
        let cut = text.rfind('\n').map_or(0, |i| i + 1);
        let last = &text[cut..];
        if last.contains('#') && !last.trim_start().starts_with('#') {
            return None;
        }
        if last.bytes().all(|b| b == b' ') {
            let before = text[..cut].trim_end_matches([' ', '\n']);
            let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
            if line.contains('#') {
                return None;
            }
        }
    }
    let mut lines = Vec::with_capacity(bytes.len() / 24 + 1);
    let mut deep_lines = 0;
    let mut markers = 0usize;
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |p| start + p);
        let indent = bytes[start..end].iter().take_while(|&&b| b == b' ').count();
        let blank = start + indent == end;
        let comment = !blank && bytes[start + indent] == b'#';
        // yaml_parser reads `...` or `---` starting a line as a document marker in some
        // places even when more follows (`...: e` after a `---`: a generated input).
        markers += usize::from(
            indent == 0
                && (bytes[start..end].starts_with(b"...") || bytes[start..end].starts_with(b"---")),
        );
        deep_lines += usize::from(indent > MAX_INDENT && !blank && !comment);
        lines.push(Line {
            start,
            end,
            indent,
            blank,
            comment,
        });
        start = end + 1;
    }
    let mut r = DirectReader {
        text,
        bytes,
        lines,
        at: 0,
        comments: Vec::new(),
        duplicates: Vec::new(),
        merged_over: Vec::new(),
        open_anchors: Vec::new(),
        anchors: HashMap::new(),
        gave_up: false,
        last_end: 0,
        root_start: usize::MAX,
        depth: 0,
        budget: ALIAS_BUDGET,
        deep_lines,
    };
    r.skip_trivia();
    let first = *r.lines.get(r.at)?;
    // A comment above the first content, indented otherwise: yaml_parser then misreads some
    // later compact sequences (`- - x`) as badly indented (a generated input). Left to it.
    if r.lines[..r.at]
        .iter()
        .any(|l| l.comment && l.indent != first.indent)
    {
        return None;
    }
    let content = &text[first.start + first.indent..first.end];
    if content.starts_with('%') || content.starts_with("...") {
        return None;
    }
    if content == "---" || content.starts_with("--- ") {
        if first.indent != 0 {
            return None;
        }
        r.tail(first.start + 3, first.end)?;
        r.at += 1;
        r.skip_trivia();
        markers -= 1;
    }
    if markers > 0 {
        return None;
    }
    let line = *r.lines.get(r.at)?;
    r.root_start = line.start + line.indent;
    let root = r.block_node(line.start + line.indent, line.indent)?;
    r.skip_trivia();
    if r.at < r.lines.len() || r.gave_up || r.deep_lines > 0 {
        return None;
    }
    let mut comments = r.comments;
    comments.sort_by_key(|c| c.start);
    Some(YamlFile {
        docs: vec![root],
        errors: Vec::new(),
        duplicates: r.duplicates,
        comments,
        helm_refusal: None,
        merged_over: r.merged_over,
    })
}

/// An anchor or alias name as go-yaml reads one whole.
pub(super) fn is_anchor_name(name: &str) -> bool {
    name.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn scalar_node(range: TextRange, style: ScalarStyle, text: CompactString) -> Node {
    Node {
        range,
        props: None,
        from_alias: false,
        value: Value::Scalar(Scalar { style, text }),
    }
}

/// Characters that may not begin a plain scalar here (YAML's indicators), so a value starting
/// with one is left to the full parser.
fn is_indicator(b: u8) -> bool {
    matches!(
        b,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

impl DirectReader<'_> {
    /// Step over blank and comment lines, recording the comments.
    fn skip_trivia(&mut self) {
        while let Some(l) = self.lines.get(self.at) {
            if l.comment {
                self.comments
                    .push(TextRange::new(l.start + l.indent, l.end));
            } else if !l.blank {
                return;
            }
            self.at += 1;
        }
    }

    /// The next content line, after blank and comment lines.
    fn peek_content(&mut self) -> Option<Line> {
        self.skip_trivia();
        self.lines.get(self.at).copied()
    }

    /// What may follow a value on its line: spaces, then nothing or a comment.
    fn tail(&mut self, from: usize, end: usize) -> Option<()> {
        let mut p = from;
        while p < end && self.bytes[p] == b' ' {
            p += 1;
        }
        if p == end {
            return Some(());
        }
        if self.bytes[p] == b'#' && p > from {
            self.comments.push(TextRange::new(p, end));
            return Some(());
        }
        None
    }

    fn skip_spaces(&self, mut p: usize, end: usize) -> usize {
        while p < end && self.bytes[p] == b' ' {
            p += 1;
        }
        p
    }

    /// A dash that starts a block sequence entry at `p`.
    fn is_dash(&self, p: usize, end: usize) -> bool {
        self.bytes[p] == b'-' && (p + 1 == end || self.bytes[p + 1] == b' ')
    }

    /// A block mapping or sequence starting at byte `p` (on line `self.at`) whose indentation
    /// is `indent` (its column; more than the line's own for compact `- key: value`).
    fn block_node(&mut self, p: usize, indent: usize) -> Option<Node> {
        // Far inside the limits `too_deep` enforces for the full parser, so that a file read
        // here is never one the full path would refuse.
        if self.depth >= MAX_NESTING || indent > MAX_INDENT {
            return None;
        }
        let line = self.lines[self.at];
        self.depth += 1;
        let node = if self.is_dash(p, line.end) {
            self.block_seq(p, indent)
        } else if self.key_end(p, line.end).is_some() {
            self.block_map(p, indent)
        } else {
            None
        };
        self.depth -= 1;
        node
    }

    /// Where the key starting at `p` ends (its colon is there), when the text at `p` is a
    /// one-line key followed by `:` and a space or the line's end.
    fn key_end(&self, p: usize, end: usize) -> Option<usize> {
        let b = self.bytes;
        let key_end = match b[p] {
            q @ (b'"' | b'\'') => self.quoted_end(p, end, q)?,
            c if is_indicator(c) => return None,
            _ => {
                // Only a `:` or a `#` can end a key: memchr jumps between them (a long
                // sequence item of text is searched for a key too).
                let mut i = p;
                loop {
                    i += memchr::memchr2(b':', b'#', &b[i..end])?;
                    match b[i] {
                        b':' if i + 1 == end || b[i + 1] == b' ' => break i,
                        b'#' if b[i - 1] == b' ' => return None,
                        _ => i += 1,
                    }
                }
            }
        };
        if key_end < end && b[key_end] == b':' && (key_end + 1 == end || b[key_end + 1] == b' ') {
            // `key : value` and trailing spaces in keys are rare: the full parser takes them.
            if b[key_end - 1] == b' ' {
                return None;
            }
            Some(key_end)
        } else {
            None
        }
    }

    /// The end (after the closing quote) of a quoted scalar starting at `p`, on this line.
    fn quoted_end(&self, p: usize, end: usize, quote: u8) -> Option<usize> {
        let b = self.bytes;
        let mut i = p + 1;
        let mut escaped = false;
        while i < end {
            match b[i] {
                b'\\' if quote == b'"' => {
                    escaped = true;
                    i += 2;
                }
                c if c == quote => {
                    if quote == b'\'' && i + 1 < end && b[i + 1] == b'\'' {
                        i += 2;
                    } else {
                        // An escape go-yaml refuses: the full path reports it.
                        if escaped && scalar::bad_escape(&self.text[p..=i]).is_some() {
                            return None;
                        }
                        return Some(i + 1);
                    }
                }
                _ => i += 1,
            }
        }
        None
    }

    fn quoted_node(&self, p: usize, q_end: usize) -> Node {
        let raw = &self.text[p..q_end];
        let (style, text) = if self.bytes[p] == b'"' {
            (ScalarStyle::DoubleQuoted, scalar::double_quoted(raw))
        } else {
            (ScalarStyle::SingleQuoted, scalar::single_quoted(raw))
        };
        scalar_node(TextRange::new(p, q_end), style, text)
    }

    fn block_map(&mut self, first: usize, indent: usize) -> Option<Node> {
        let mut entries = Vec::new();
        let mut p = first;
        let mut end;
        loop {
            let line = self.lines[self.at];
            let key_end = self.key_end(p, line.end)?;
            let key = if matches!(self.bytes[p], b'"' | b'\'') {
                self.quoted_node(p, key_end)
            } else {
                let raw = &self.text[p..key_end];
                scalar_node(
                    TextRange::new(p, key_end),
                    ScalarStyle::Plain,
                    scalar::plain(raw),
                )
            };
            let value = self.value(key_end + 1, indent, true)?;
            end = self.last_end;
            entries.push(Entry {
                key,
                value,
                merged: false,
            });
            p = match self.next_entry(indent) {
                Step::Entry(p) => p,
                Step::End => break,
                Step::GiveUp => return None,
            };
        }
        let end = self.trailing_comments_end(first, end, indent)?;
        self.last_end = end;
        Some(build_mapping(
            TextRange::new(first, end),
            entries,
            &mut self.duplicates,
            &mut self.merged_over,
        ))
    }

    fn block_seq(&mut self, first: usize, indent: usize) -> Option<Node> {
        let mut items = Vec::new();
        let mut p = first;
        let mut end;
        loop {
            let line = self.lines[self.at];
            if !self.is_dash(p, line.end) {
                return None;
            }
            let after = self.skip_spaces(p + 1, line.end);
            // `too_deep` refuses whatever follows a dash past this column (a fuzz input).
            if after - line.start > MAX_INDENT {
                return None;
            }
            let item = if after < line.end && self.is_dash(after, line.end)
                || after < line.end
                    && self.bytes[after] != b'#'
                    && self.key_end(after, line.end).is_some()
            {
                // `- - x` and `- key: value`: a collection indented at its own column.
                self.block_node(after, after - line.start)?
            } else {
                self.value(p + 1, indent, false)?
            };
            end = self.last_end;
            let empty_entry =
                item.range.is_empty() && (after == line.end || self.bytes[after] == b'#');
            items.push(item);
            p = match self.next_entry(indent) {
                // Not a dash: a mapping's next key after `key:` + a sequence at the key's own
                // indentation.
                Step::Entry(p) if self.is_dash(p, self.lines[self.at].end) => p,
                // yaml_parser draws an empty last entry over that next key (a fuzz input).
                Step::Entry(_) if empty_entry => return None,
                Step::Entry(_) | Step::End => break,
                Step::GiveUp => return None,
            };
        }
        let end = self.trailing_comments_end(first, end, indent)?;
        self.last_end = end;
        items.shrink_to_fit();
        Some(Node {
            range: TextRange::new(first, end),
            props: None,
            from_alias: false,
            value: Value::Sequence(items),
        })
    }

    /// Where a block collection indented `indent`, starting at `first`, whose last entry ends
    /// at `end`, ends as `yaml_parser` draws it (`None` where its rule is not known). It takes
    /// the comment lines at exactly `indent` that follow (blank lines between them too), up
    /// to the first other line. When the last entry has a comment on its own line, that
    /// comment and those lines join only if the next content line is indented at least
    /// `indent` (for a collection at column 0, the end of the file also counts). The root
    /// collection never takes trailing comments.
    fn trailing_comments_end(&self, first: usize, end: usize, indent: usize) -> Option<usize> {
        if first == self.root_start {
            return Some(end);
        }
        let at = self.lines.partition_point(|l| l.start <= end) - 1;
        let line = self.lines[at];
        let after = self.skip_spaces(end, line.end);
        let own_comment = after < line.end && self.bytes[after] == b'#';
        let mut extended = if own_comment { line.end } else { end };
        let mut j = at + 1;
        let mut taking = true;
        let mut next_content = None;
        while let Some(l) = self.lines.get(j) {
            if !l.blank {
                if !l.comment {
                    next_content = Some(*l);
                    break;
                }
                taking &= l.indent == indent;
                if taking {
                    extended = l.end;
                }
            }
            j += 1;
        }
        match next_content {
            None if indent == 0 => Some(extended),
            None if own_comment => Some(end),
            Some(next) if own_comment && next.indent < indent => Some(end),
            _ => Some(extended),
        }
    }

    /// The value after a mapping's `:` or a sequence's `-` (at byte `from`, on line `self.at`)
    /// in a collection indented `indent`. `same_indent_seq`: a mapping's value may be a
    /// sequence at the key's own indentation.
    fn value(&mut self, from: usize, indent: usize, same_indent_seq: bool) -> Option<Node> {
        let line = self.lines[self.at];
        let p = self.skip_spaces(from, line.end);
        if p == line.end || (self.bytes[p] == b'#' && p > from) {
            self.tail(from, line.end)?;
            self.at += 1;
            let below = self.value_below(indent, same_indent_seq);
            if self.gave_up {
                return None;
            }
            return Some(below.unwrap_or_else(|| {
                self.last_end = from;
                Node::empty(from)
            }));
        }
        if p == from {
            return None;
        }
        if self.bytes[p] != b'&' {
            return self.inline_value(p, indent);
        }
        // `&name` then the node, on this line or below.
        let name_end = self.name_end(p + 1, line.end);
        let name = self.text[p + 1..name_end].to_string();
        // go-yaml's anchor names are ASCII letters, digits, `-` and `_`; others are the full
        // parser's to report.
        if !is_anchor_name(&name) {
            return None;
        }
        let after = self.skip_spaces(name_end, line.end);
        if name.is_empty() || after == name_end && after < line.end {
            return None;
        }
        // go-yaml defines an anchor before reading its value: an alias to it or the same
        // name anchored again inside that value is the full parser's.
        if self.open_anchors.contains(&name) {
            return None;
        }
        self.open_anchors.push(name.clone());
        let node = if after == line.end || self.bytes[after] == b'#' {
            self.tail(name_end, line.end).and_then(|()| {
                self.at += 1;
                // An anchored empty value is the full parser's.
                self.value_below(indent, same_indent_seq)
            })
        } else if self.key_end(after, line.end).is_some() {
            None
        } else {
            self.inline_value(after, indent)
        };
        self.open_anchors.pop();
        let mut node = node?;
        if self.gave_up {
            return None;
        }
        node.props_mut().anchor = Some(name.clone());
        self.anchors.insert(name, node.clone());
        Some(node)
    }

    /// The block collection on the lines below a `key:` or `-` with nothing after it: `None`
    /// when there is none (the value is empty); sets `gave_up` when there is one this reader
    /// does not read.
    fn value_below(&mut self, indent: usize, same_indent_seq: bool) -> Option<Node> {
        let next = self.peek_content()?;
        let p = next.start + next.indent;
        let node = if next.indent > indent
            && !self.is_dash(p, next.end)
            && self.key_end(p, next.end).is_none()
        {
            // `key:` with its (plain) value on the lines below.
            match self.bytes[p] {
                c if is_indicator(c) => None,
                _ => self
                    .plain_value(p, next.end)
                    .and_then(|first| self.plain_continued(first, indent, next.indent)),
            }
        } else if next.indent > indent {
            self.block_node(p, next.indent)
        } else if same_indent_seq
            && next.indent == indent
            && self.is_dash(next.start + next.indent, next.end)
        {
            self.block_seq(next.start + next.indent, indent)
        } else {
            return None;
        };
        if node.is_none() {
            self.gave_up = true;
        }
        node
    }

    /// Where an anchor or alias name starting at `p` ends.
    fn name_end(&self, mut p: usize, end: usize) -> usize {
        while p < end && !matches!(self.bytes[p], b' ' | b',' | b'[' | b']' | b'{' | b'}') {
            p += 1;
        }
        p
    }

    /// A value that starts on this line at `p` (not a collection below it).
    fn inline_value(&mut self, p: usize, indent: usize) -> Option<Node> {
        let line = self.lines[self.at];
        let b = self.bytes;
        let node = match b[p] {
            b'|' | b'>' => return self.block_scalar(p, indent),
            b'[' | b'{' => {
                let (node, after) = self.flow(p, line.end, 0)?;
                self.tail(after, line.end)?;
                node
            }
            q @ (b'"' | b'\'') => {
                let q_end = self.quoted_end(p, line.end, q)?;
                self.tail(q_end, line.end)?;
                self.quoted_node(p, q_end)
            }
            b'*' => {
                let name_end = self.name_end(p + 1, line.end);
                self.tail(name_end, line.end)?;
                let name = &self.text[p + 1..name_end];
                if !is_anchor_name(name) || self.open_anchors.iter().any(|open| open == name) {
                    return None;
                }
                let target = self.anchors.get(name)?;
                let size = target.size();
                if size > self.budget {
                    return None;
                }
                self.budget -= size;
                let mut node = target.clone();
                mark_aliased(&mut node);
                self.last_end = name_end;
                self.at += 1;
                return self.no_continuation(indent).then_some(node);
            }
            // `-1`, `--flag`, `-c`; anything else after the dash (`-[`, `-"`) is yaml_parser's.
            b'-' if p + 1 < line.end
                && (b[p + 1].is_ascii_alphanumeric()
                    || matches!(b[p + 1], b'-' | b'.' | b'_' | b'/')) =>
            {
                self.plain_value(p, line.end)?
            }
            c if is_indicator(c) => return None,
            _ => {
                let first = self.plain_value(p, line.end)?;
                return self.plain_continued(first, indent, indent + 1);
            }
        };
        self.last_end = node.range.end;
        self.at += 1;
        self.no_continuation(indent).then_some(node)
    }

    /// After a one-line value in a collection indented `indent`: a more indented line next
    /// would continue a multi-line scalar, which is the full parser's.
    fn no_continuation(&mut self, indent: usize) -> bool {
        self.peek_content().is_none_or(|next| next.indent <= indent)
    }

    /// A one-line plain scalar from `p`, up to a comment or the line's end.
    fn plain_value(&mut self, p: usize, end: usize) -> Option<Node> {
        let b = self.bytes;
        // Up to a comment, refusing a `: ` (memchr jumps between the two).
        let mut e = p;
        loop {
            let Some(found) = memchr::memchr2(b'#', b':', &b[e..end]) else {
                e = end;
                break;
            };
            e += found;
            match b[e] {
                b'#' if b[e - 1] == b' ' => break,
                b':' if e + 1 == end || b[e + 1] == b' ' => return None,
                _ => e += 1,
            }
        }
        while b[e - 1] == b' ' {
            e -= 1;
        }
        // A value `---` is a plain scalar to YAML, but yaml_parser reads a document marker and
        // fails: left to it, so both paths agree (a generated input).
        if &b[p..e] == b"---" {
            return None;
        }
        self.tail(e, end)?;
        Some(scalar_node(
            TextRange::new(p, e),
            ScalarStyle::Plain,
            scalar::plain(&self.text[p..e]),
        ))
    }

    /// A plain scalar whose first line is `first` (on line `self.at`, no comment after it),
    /// continued on the following lines indented more than `indent`: folded into one string
    /// (a line break becomes a space, an empty line a newline). Continuation lines that could
    /// read as anything else (a key, a comment, an indicator) are left to the full parser.
    /// Continuation lines indented less than `min_indent` (but more than `indent`) are left
    /// to the full parser too (yaml_parser refuses some: a fuzz input).
    fn plain_continued(&mut self, first: Node, indent: usize, min_indent: usize) -> Option<Node> {
        let start = first.range.start;
        let mut end = first.range.end;
        let mut j = self.at + 1;
        let mut last_text_line = self.at;
        // A comment ends the scalar on its first line.
        let line = self.lines[self.at];
        if self.bytes[end..line.end].contains(&b'#') {
            j = self.lines.len();
        }
        while let Some(l) = self.lines.get(j) {
            if l.blank {
                j += 1;
                continue;
            }
            if l.indent <= indent || l.comment {
                break;
            }
            if l.indent < min_indent {
                return None;
            }
            let content = &self.text[l.start + l.indent..l.end];
            let c = content.as_bytes()[0];
            if is_indicator(c)
                || content.contains(": ")
                || content.contains(" #")
                || content.ends_with(':')
            {
                return None;
            }
            end = l.start + l.indent + content.trim_end_matches(' ').len();
            last_text_line = j;
            j += 1;
        }
        self.at = last_text_line + 1;
        self.last_end = end;
        let node = if end == first.range.end {
            first
        } else {
            scalar_node(
                TextRange::new(start, end),
                ScalarStyle::Plain,
                scalar::plain(&self.text[start..end]),
            )
        };
        self.no_continuation(indent).then_some(node)
    }

    /// Where a collection indented `indent` goes on after an entry: the next content line at
    /// the same indentation, or its end (a less indented line or the file's end).
    fn next_entry(&mut self, indent: usize) -> Step {
        match self.peek_content() {
            None => Step::End,
            Some(next) if next.indent < indent => Step::End,
            Some(next) if next.indent > indent => Step::GiveUp,
            Some(next) => Step::Entry(next.start + next.indent),
        }
    }

    /// `|` or `>` with an optional chomping indicator at `p`; the text lines follow, more
    /// indented than `parent`.
    fn block_scalar(&mut self, p: usize, parent: usize) -> Option<Node> {
        let line = self.lines[self.at];
        let b = self.bytes;
        let folded = b[p] == b'>';
        let mut h = p + 1;
        let mut header = String::new();
        if h < line.end && matches!(b[h], b'-' | b'+') {
            header.push(b[h] as char);
            h += 1;
        }
        if h < line.end && b[h] != b' ' {
            return None;
        }
        self.tail(h, line.end)?;
        let body_start = line.end;
        // The first line with text sets the indentation; blank lines before it must not be
        // longer than it (the full parser decides those).
        let mut j = self.at + 1;
        let mut longest_blank = 0;
        while j < self.lines.len() && self.lines[j].blank {
            longest_blank = longest_blank.max(self.lines[j].end - self.lines[j].start);
            j += 1;
        }
        let first = *self.lines.get(j)?;
        let content_indent = first.indent;
        if content_indent <= parent || longest_blank > content_indent {
            return None;
        }
        let mut last_end = first.end;
        j += 1;
        while let Some(l) = self.lines.get(j) {
            if !l.blank {
                if l.indent < content_indent {
                    if l.indent > parent {
                        return None;
                    }
                    break;
                }
                last_end = l.end;
            }
            j += 1;
        }
        // Back up to the line after the last text line: trailing blank lines belong to what
        // follows.
        let mut next = j;
        while next > self.at + 1 && self.lines[next - 1].blank {
            next -= 1;
        }
        self.deep_lines -= self.lines[self.at + 1..next]
            .iter()
            .filter(|l| l.indent > MAX_INDENT && !l.blank && !l.comment)
            .count();
        self.at = next;
        self.last_end = last_end;
        let body = &self.text[body_start..last_end];
        let text = scalar::block(&header, body, folded).into();
        Some(scalar_node(
            TextRange::new(p, last_end),
            if folded {
                ScalarStyle::Folded
            } else {
                ScalarStyle::Literal
            },
            text,
        ))
    }

    /// A flow collection or scalar at `p`, on one line ending at `end`. Returns the node and
    /// the byte after it.
    fn flow(&mut self, p: usize, end: usize, depth: usize) -> Option<(Node, usize)> {
        if self.depth + depth >= MAX_NESTING {
            return None;
        }
        let b = self.bytes;
        match b[p] {
            open @ (b'[' | b'{') => {
                let close = if open == b'[' { b']' } else { b'}' };
                let mut items = Vec::new();
                let mut entries = Vec::new();
                let mut i = self.skip_spaces(p + 1, end);
                if i < end && b[i] == close {
                    i += 1;
                } else {
                    loop {
                        if i >= end {
                            return None;
                        }
                        if open == b'[' && !matches!(b[i], b'[' | b'{') {
                            // A scalar, or the key of a one-entry mapping `[key: value]`.
                            let (item, after) = self.flow_scalar(i, end, true)?;
                            let colon = self.skip_spaces(after, end);
                            if colon < end && b[colon] == b':' {
                                if colon != after {
                                    return None;
                                }
                                let v = self.skip_spaces(colon + 1, end);
                                if v >= end || matches!(b[v], b',' | b']') {
                                    return None;
                                }
                                let (value, after) = self.flow(v, end, depth + 1)?;
                                let range = TextRange::new(item.range.start, value.range.end);
                                let entry = Entry {
                                    key: item,
                                    value,
                                    merged: false,
                                };
                                items.push(build_mapping(
                                    range,
                                    vec![entry],
                                    &mut self.duplicates,
                                    &mut self.merged_over,
                                ));
                                i = self.skip_spaces(after, end);
                            } else {
                                items.push(item);
                                i = colon;
                            }
                        } else if open == b'[' {
                            let (item, after) = self.flow(i, end, depth + 1)?;
                            items.push(item);
                            i = self.skip_spaces(after, end);
                        } else {
                            let (key, after) = self.flow_scalar(i, end, true)?;
                            // `{"a":1}` (JSON) or `{a: 1}`.
                            let quoted = matches!(b[i], b'"' | b'\'');
                            if after >= end
                                || b[after] != b':'
                                || !quoted && (after + 1 >= end || b[after + 1] != b' ')
                            {
                                return None;
                            }
                            let v = self.skip_spaces(after + 1, end);
                            if v >= end || matches!(b[v], b',' | b'}') {
                                return None;
                            }
                            let (value, after) = self.flow(v, end, depth + 1)?;
                            entries.push(Entry {
                                key,
                                value,
                                merged: false,
                            });
                            i = self.skip_spaces(after, end);
                        }
                        if i >= end {
                            return None;
                        }
                        if b[i] == close {
                            i += 1;
                            break;
                        }
                        if b[i] != b',' {
                            return None;
                        }
                        i = self.skip_spaces(i + 1, end);
                        // Trailing commas and empty entries: the full parser decides.
                        if i >= end || matches!(b[i], b',' | b']' | b'}') {
                            return None;
                        }
                    }
                }
                let range = TextRange::new(p, i);
                items.shrink_to_fit();
                let node = if open == b'[' {
                    Node {
                        range,
                        props: None,
                        from_alias: false,
                        value: Value::Sequence(items),
                    }
                } else {
                    build_mapping(range, entries, &mut self.duplicates, &mut self.merged_over)
                };
                Some((node, i))
            }
            _ => {
                let (node, after) = self.flow_scalar(p, end, false)?;
                // `[a: b]` pairs are the full parser's.
                let next = self.skip_spaces(after, end);
                if next < end && b[next] == b':' {
                    return None;
                }
                Some((node, after))
            }
        }
    }

    /// A quoted or plain scalar inside a flow collection; a mapping's `key` may end at `: `.
    fn flow_scalar(&self, p: usize, end: usize, key: bool) -> Option<(Node, usize)> {
        let b = self.bytes;
        let flow_char = |c: u8| matches!(c, b',' | b'[' | b']' | b'{' | b'}');
        match b[p] {
            q @ (b'"' | b'\'') => {
                let q_end = self.quoted_end(p, end, q)?;
                Some((self.quoted_node(p, q_end), q_end))
            }
            b'-' if p + 1 < end && b[p + 1] != b' ' && !flow_char(b[p + 1]) => {
                self.flow_plain(p, end, key)
            }
            c if is_indicator(c) => None,
            _ => self.flow_plain(p, end, key),
        }
    }

    fn flow_plain(&self, p: usize, end: usize, key: bool) -> Option<(Node, usize)> {
        let b = self.bytes;
        let flow_char = |c: u8| matches!(c, b',' | b'[' | b']' | b'{' | b'}');
        let mut e = p;
        while e < end && !flow_char(b[e]) {
            match b[e] {
                // `https://x` keeps its colon; `key: value` ends the key.
                b':' if e + 1 < end && b[e + 1] != b' ' && !flow_char(b[e + 1]) => {}
                b':' if key && e + 1 < end && b[e + 1] == b' ' => break,
                b':' => return None,
                b'#' if b[e - 1] == b' ' => return None,
                _ => {}
            }
            e += 1;
        }
        if e < end && matches!(b[e], b'[' | b'{') {
            return None;
        }
        let after = e;
        while b[e - 1] == b' ' {
            e -= 1;
        }
        let raw = &self.text[p..e];
        Some((
            scalar_node(TextRange::new(p, e), ScalarStyle::Plain, scalar::plain(raw)),
            after,
        ))
    }
}
