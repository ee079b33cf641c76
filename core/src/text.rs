//! Byte offsets and the positions each front end wants.
//!
//! Everything in core speaks byte offsets into UTF-8 text. The CLI reports (row, character
//! column), the language server (line, UTF-16 or UTF-8 column) and the browser (line, UTF-16
//! column, as JavaScript strings count). All conversions live here so they are tested once.

use serde::{Deserialize, Serialize};

/// A half-open byte range `start..end` into a file's text.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Self { start, end }
    }
    pub fn empty(at: usize) -> Self {
        Self { start: at, end: at }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    pub fn contains(&self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }
    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange::new(self.start.min(other.start), self.end.max(other.end))
    }
    pub fn shift(self, by: usize) -> TextRange {
        TextRange::new(self.start + by, self.end + by)
    }
    /// Within `text`, the range of a scalar's content without its quotes, so that an edit
    /// keeps the quoting style.
    pub fn unquoted(self, text: &str) -> TextRange {
        let s = &text[self.start.min(text.len())..self.end.min(text.len())];
        let quoted = s.len() >= 2
            && ((s.starts_with('"') && s.ends_with('"'))
                || (s.starts_with('\'') && s.ends_with('\'')));
        if quoted {
            TextRange::new(self.start + 1, self.end - 1)
        } else {
            self
        }
    }
}

/// How a column is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnUnit {
    /// UTF-8 bytes (LSP `utf-8` position encoding).
    Utf8,
    /// UTF-16 code units (LSP default, JavaScript strings).
    Utf16,
    /// Unicode scalar values (the CLI's "column counts characters").
    Char,
}

/// A 0-based line and column in some [`ColumnUnit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Start offsets of every line, for fast offset <-> position conversion.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i + 1);
            }
        }
        Self {
            line_starts,
            len: text.len(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based line containing `offset` (offsets past the end clamp to the last line).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line).copied().unwrap_or(self.len)
    }

    /// End of the line's content, before its `\n` (and a `\r` before that).
    pub fn line_end(&self, text: &str, line: usize) -> usize {
        let next = self.line_starts.get(line + 1).copied().unwrap_or(self.len);
        let bytes = text.as_bytes();
        let mut end = next;
        if end > self.line_start(line) && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > self.line_start(line) && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        end
    }

    /// Position of a byte offset. An offset inside a multi-byte character counts from that
    /// character's start.
    pub fn position(&self, text: &str, offset: usize, unit: ColumnUnit) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let col = column_width(&text[start..offset], unit);
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// Byte offset of a position; a column past the end of the line clamps to the line end,
    /// a line past the end of the text clamps to the end of the text.
    pub fn offset(&self, text: &str, pos: LineCol, unit: ColumnUnit) -> usize {
        let line = pos.line as usize;
        if line >= self.line_starts.len() {
            return text.len();
        }
        let start = self.line_starts[line];
        let end = self.line_end(text, line);
        let mut remaining = pos.col as usize;
        for (i, ch) in text[start..end].char_indices() {
            let w = match unit {
                ColumnUnit::Utf8 => ch.len_utf8(),
                ColumnUnit::Utf16 => ch.len_utf16(),
                ColumnUnit::Char => 1,
            };
            if remaining < w {
                // Inside a character (possible for UTF-8/UTF-16 columns): snap to its start.
                return start + i;
            }
            remaining -= w;
            if remaining == 0 {
                return start + i + ch.len_utf8();
            }
        }
        end
    }
}

fn column_width(s: &str, unit: ColumnUnit) -> usize {
    match unit {
        ColumnUnit::Utf8 => s.len(),
        ColumnUnit::Utf16 => s.chars().map(char::len_utf16).sum(),
        ColumnUnit::Char => s.chars().count(),
    }
}

/// The greatest char boundary at or below `offset`.
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    if offset >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquoted_drops_matching_quotes_only() {
        let text = "a: \"1.2\"\nb: '3'\nc: 4\nd: \"5'";
        let inner = |start: usize, end: usize| {
            let r = TextRange::new(start, end).unquoted(text);
            &text[r.start..r.end]
        };
        assert_eq!(inner(3, 8), "1.2");
        assert_eq!(inner(12, 15), "3");
        assert_eq!(inner(19, 20), "4");
        assert_eq!(inner(24, 27), "\"5'");
        // A range past the end of a changed text is left as it is.
        assert_eq!(
            TextRange::new(40, 45).unquoted(text),
            TextRange::new(40, 45)
        );
    }

    #[test]
    fn positions_in_every_unit_on_non_ascii_text() {
        let text = "a: é\nb: 😀x\n中文: y";
        let idx = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(
            idx.position(text, x, ColumnUnit::Utf8),
            LineCol { line: 1, col: 7 }
        );
        assert_eq!(
            idx.position(text, x, ColumnUnit::Utf16),
            LineCol { line: 1, col: 5 }
        );
        assert_eq!(
            idx.position(text, x, ColumnUnit::Char),
            LineCol { line: 1, col: 4 }
        );
        let y = text.find('y').unwrap();
        assert_eq!(
            idx.position(text, y, ColumnUnit::Utf16),
            LineCol { line: 2, col: 4 }
        );
        for unit in [ColumnUnit::Utf8, ColumnUnit::Utf16, ColumnUnit::Char] {
            for off in [0, x, y, text.len()] {
                let p = idx.position(text, off, unit);
                assert_eq!(idx.offset(text, p, unit), off, "{unit:?} {off}");
            }
        }
    }

    #[test]
    fn offsets_clamp_and_snap() {
        let text = "😀\nab";
        let idx = LineIndex::new(text);
        // UTF-16 column 1 is inside the surrogate pair: snaps to the character start.
        assert_eq!(
            idx.offset(text, LineCol { line: 0, col: 1 }, ColumnUnit::Utf16),
            0
        );
        assert_eq!(
            idx.offset(text, LineCol { line: 0, col: 99 }, ColumnUnit::Utf16),
            4
        );
        assert_eq!(
            idx.offset(text, LineCol { line: 9, col: 0 }, ColumnUnit::Utf16),
            text.len()
        );
        assert_eq!(
            idx.position(text, 2, ColumnUnit::Utf16),
            LineCol { line: 0, col: 0 }
        );
    }

    #[test]
    fn crlf_line_end_excludes_carriage_return() {
        let text = "a: 1\r\nb: 2";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_end(text, 0), 4);
        assert_eq!(idx.line_of(6), 1);
    }
}
