//! Logical lines: physical lines joined at a trailing `\`, with a map back to the original
//! offsets; comments; and a cursor over a logical line's text.

use crate::text::TextRange;

pub(super) struct Logical {
    pub(super) text: String,
    /// (offset in `text`, offset in the original) where each copied piece starts.
    segs: Vec<(usize, usize)>,
    pub(super) range: TextRange,
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
    pub(super) fn range(&self, a: usize, b: usize) -> TextRange {
        let start = self.orig(a);
        let end = if b > a { self.orig(b - 1) + 1 } else { start };
        TextRange::new(start, end.max(start))
    }

    /// A word's text and its range in the original text.
    pub(super) fn located(&self, word: &Word) -> (String, TextRange) {
        (word.text.clone(), self.range(word.start, word.end))
    }
}

/// Something read from a logical line, with its offsets in the line's text: an extra, a
/// shell word, an option's value.
#[derive(Debug, Clone)]
pub(super) struct Word {
    pub(super) text: String,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// A problem in a logical line, at offsets in the line's text (mapped to the file's offsets
/// when it is recorded as a [`super::ParseError`]).
#[derive(Debug, Clone)]
pub(super) struct LineError {
    pub(super) message: String,
    pub(super) start: usize,
    pub(super) end: usize,
}

impl LineError {
    pub(super) fn new(message: impl Into<String>, start: usize, end: usize) -> Self {
        LineError {
            message: message.into(),
            start,
            end,
        }
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
        let (end, next) = match memchr::memchr(b'\n', &bytes[pos..]) {
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

pub(super) fn logical_lines(text: &str, start: usize) -> Vec<Logical> {
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
pub(super) fn comment_start(s: &str) -> usize {
    let mut prev_ws = true;
    for (i, c) in s.char_indices() {
        if c == '#' && prev_ws {
            return s[..i].trim_end().len();
        }
        prev_ws = c.is_whitespace();
    }
    s.len()
}

/// A read position in `s`, up to `end`.
#[derive(Clone, Copy)]
pub(super) struct Cursor<'a> {
    pub(super) s: &'a str,
    pub(super) pos: usize,
    pub(super) end: usize,
}

impl Cursor<'_> {
    pub(super) fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.s.as_bytes()[self.pos])
    }
    pub(super) fn skip_ws(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }
    pub(super) fn take_while(&mut self, f: impl Fn(u8) -> bool) -> (usize, usize) {
        let start = self.pos;
        while self.peek().is_some_and(&f) {
            self.pos += 1;
        }
        (start, self.pos)
    }
}
