//! Open documents' text kept in step with the editor by incremental edits, and the
//! conversion between LSP positions (in the negotiated encoding) and core's byte offsets.

use hublint_core::{ColumnUnit, LineCol, LineIndex, TextRange};
use tower_lsp_server::ls_types::{
    Position, PositionEncodingKind, Range, TextDocumentContentChangeEvent,
};

/// The position encoding agreed on in `initialize` (LSP 3.17): UTF-16 unless the client
/// offers UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Encoding(pub ColumnUnit);

impl Default for Encoding {
    fn default() -> Self {
        Encoding(ColumnUnit::Utf16)
    }
}

impl Encoding {
    /// Pick from the encodings the client offers: UTF-8 if offered (no conversion needed),
    /// else UTF-16, which every client must support.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        let offered = offered.unwrap_or_default();
        if offered.contains(&PositionEncodingKind::UTF8) {
            Encoding(ColumnUnit::Utf8)
        } else {
            Encoding(ColumnUnit::Utf16)
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self.0 {
            ColumnUnit::Utf8 => PositionEncodingKind::UTF8,
            ColumnUnit::Utf16 => PositionEncodingKind::UTF16,
            ColumnUnit::Char => PositionEncodingKind::UTF32,
        }
    }
}

/// Text plus its line index, for converting many positions at once.
pub struct Lines<'a> {
    pub text: &'a str,
    pub index: std::borrow::Cow<'a, LineIndex>,
    pub encoding: Encoding,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str, encoding: Encoding) -> Self {
        Lines {
            text,
            index: std::borrow::Cow::Owned(LineIndex::new(text)),
            encoding,
        }
    }

    pub fn with_index(text: &'a str, index: &'a LineIndex, encoding: Encoding) -> Self {
        Lines {
            text,
            index: std::borrow::Cow::Borrowed(index),
            encoding,
        }
    }

    pub fn position(&self, offset: usize) -> Position {
        let lc = self.index.position(self.text, offset, self.encoding.0);
        Position::new(lc.line, lc.col)
    }

    pub fn range(&self, range: TextRange) -> Range {
        Range::new(self.position(range.start), self.position(range.end))
    }

    /// The byte offset of a position; out-of-range positions clamp (as the LSP spec asks).
    pub fn offset(&self, pos: Position) -> usize {
        self.index.offset(
            self.text,
            LineCol {
                line: pos.line,
                col: pos.character,
            },
            self.encoding.0,
        )
    }

    pub fn text_range(&self, range: Range) -> TextRange {
        let start = self.offset(range.start);
        let end = self.offset(range.end).max(start);
        TextRange::new(start, end)
    }
}

/// Apply `didChange` events to `text` in order; each range refers to the text left by the
/// previous one.
pub fn apply_changes(
    text: &mut String,
    changes: Vec<TextDocumentContentChangeEvent>,
    encoding: Encoding,
) {
    for change in changes {
        match change.range {
            None => *text = change.text,
            Some(range) => {
                let r = Lines::new(text, encoding).text_range(range);
                text.replace_range(r.start..r.end, &change.text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A reference implementation that knows nothing of byte offsets: the text as a list of
    /// lines of characters, positions counted in the encoding's units from the line start.
    fn reference_apply(text: &str, range: Range, new_text: &str, unit: ColumnUnit) -> String {
        let width = |c: char| match unit {
            ColumnUnit::Utf8 => c.len_utf8(),
            ColumnUnit::Utf16 => c.len_utf16(),
            ColumnUnit::Char => 1,
        };
        // Split into lines keeping terminators; a position indexes chars before the terminator.
        let lines: Vec<Vec<char>> = text
            .split_inclusive('\n')
            .map(|l| l.chars().collect())
            .collect();
        let lines = if lines.is_empty() || text.ends_with('\n') {
            let mut l = lines;
            l.push(Vec::new());
            l
        } else {
            lines
        };
        let char_index = |pos: Position| -> usize {
            let line = pos.line as usize;
            if line >= lines.len() {
                return text.chars().count();
            }
            let before: usize = lines[..line].iter().map(Vec::len).sum();
            let content: &[char] = {
                let l = &lines[line];
                let mut end = l.len();
                if end > 0 && l[end - 1] == '\n' {
                    end -= 1;
                }
                if end > 0 && l[end - 1] == '\r' {
                    end -= 1;
                }
                &l[..end]
            };
            let mut units = 0;
            let mut i = 0;
            while i < content.len() && units + width(content[i]) <= pos.character as usize {
                units += width(content[i]);
                i += 1;
            }
            before + i
        };
        let chars: Vec<char> = text.chars().collect();
        let (s, e) = (char_index(range.start), char_index(range.end));
        let e = e.max(s);
        let mut out: String = chars[..s].iter().collect();
        out.push_str(new_text);
        out.extend(chars[e..].iter());
        out
    }

    fn position_of_char(text: &str, char_idx: usize, unit: ColumnUnit) -> Position {
        let mut line = 0u32;
        let mut col = 0u32;
        for c in text.chars().take(char_idx) {
            if c == '\n' {
                line += 1;
                col = 0;
            } else {
                col += match unit {
                    ColumnUnit::Utf8 => c.len_utf8(),
                    ColumnUnit::Utf16 => c.len_utf16(),
                    ColumnUnit::Char => 1,
                } as u32;
            }
        }
        Position::new(line, col)
    }

    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("a".to_string()),
            Just("key: value".to_string()),
            Just("😀".to_string()),
            Just("👩‍👩‍👧".to_string()),
            Just("中文".to_string()),
            Just("é".to_string()),
            Just("\n".to_string()),
            Just("\r\n".to_string()),
            Just("  ".to_string()),
            Just("𝄞".to_string()),
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(piece(), 0..20).prop_map(|v| v.concat())
    }

    /// A position on a character boundary (never inside a CRLF pair), sometimes past the
    /// end of its line or of the text, as clients may send.
    fn edit_on(text: &str, a: usize, b: usize, unit: ColumnUnit, overshoot: bool) -> Range {
        let chars: Vec<char> = text.chars().collect();
        let fix = |i: usize| -> usize {
            let i = i % (chars.len() + 1);
            // Do not split "\r\n": LSP positions cannot point between them.
            if i > 0 && i < chars.len() && chars[i - 1] == '\r' && chars[i] == '\n' {
                i - 1
            } else {
                i
            }
        };
        let (mut s, mut e) = (fix(a), fix(b));
        if s > e {
            std::mem::swap(&mut s, &mut e);
        }
        let start = position_of_char(text, s, unit);
        let mut end = position_of_char(text, e, unit);
        if overshoot {
            // Past the line end: clamps to the end of that line.
            end.character += 1000;
        }
        Range::new(start, end)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn incremental_edits_match_the_reference(
            initial in text(),
            edits in proptest::collection::vec((any::<usize>(), any::<usize>(), text(), any::<bool>()), 1..8),
            utf8 in any::<bool>(),
        ) {
            let unit = if utf8 { ColumnUnit::Utf8 } else { ColumnUnit::Utf16 };
            let encoding = Encoding(unit);
            let mut doc = initial.clone();
            let mut expected = initial;
            let mut changes = Vec::new();
            for (a, b, new_text, overshoot) in edits {
                // Ranges refer to the text as left by the previous change of the batch.
                let range = edit_on(&expected, a, b, unit, overshoot && !expected.is_empty());
                expected = reference_apply(&expected, range, &new_text, unit);
                changes.push(TextDocumentContentChangeEvent { range: Some(range), range_length: None, text: new_text });
            }
            apply_changes(&mut doc, changes, encoding);
            prop_assert_eq!(doc, expected);
        }

        #[test]
        fn positions_round_trip(t in text(), i in any::<usize>(), utf8 in any::<bool>()) {
            let unit = if utf8 { ColumnUnit::Utf8 } else { ColumnUnit::Utf16 };
            let lines = Lines::new(&t, Encoding(unit));
            let n = t.chars().count();
            let ci = i % (n + 1);
            let offset = t.char_indices().nth(ci).map(|(o, _)| o).unwrap_or(t.len());
            let pos = lines.position(offset);
            // Between "\r" and "\n" is not a position LSP can express.
            let mid_crlf = offset > 0 && t.as_bytes()[offset - 1] == b'\r' && t.as_bytes().get(offset) == Some(&b'\n');
            if !mid_crlf {
                prop_assert_eq!(pos, position_of_char(&t, ci, unit));
                prop_assert_eq!(lines.offset(pos), offset);
            }
        }
    }

    #[test]
    fn utf16_columns_on_an_emoji_line() {
        // "😀" is two UTF-16 units and four UTF-8 bytes.
        let mut doc = "tag: 😀x\n".to_string();
        let x = Position::new(0, 7);
        apply_changes(
            &mut doc,
            vec![TextDocumentContentChangeEvent {
                range: Some(Range::new(x, Position::new(0, 8))),
                range_length: None,
                text: "y".into(),
            }],
            Encoding(ColumnUnit::Utf16),
        );
        assert_eq!(doc, "tag: 😀y\n");
        apply_changes(
            &mut doc,
            vec![TextDocumentContentChangeEvent {
                range: Some(Range::new(Position::new(0, 9), Position::new(0, 10))),
                range_length: None,
                text: "z".into(),
            }],
            Encoding(ColumnUnit::Utf8),
        );
        assert_eq!(doc, "tag: 😀z\n");
    }

    #[test]
    fn negotiation_prefers_utf8_only_when_offered() {
        assert_eq!(Encoding::negotiate(None).0, ColumnUnit::Utf16);
        assert_eq!(
            Encoding::negotiate(Some(&[
                PositionEncodingKind::UTF16,
                PositionEncodingKind::UTF8
            ]))
            .0,
            ColumnUnit::Utf8
        );
        assert_eq!(
            Encoding::negotiate(Some(&[PositionEncodingKind::UTF32])).0,
            ColumnUnit::Utf16
        );
    }
}
