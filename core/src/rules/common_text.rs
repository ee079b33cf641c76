//! Text helpers for fixes.

use crate::text::TextRange;
use crate::workspace::Workspace;

/// The range of a scalar's content without its quotes, so an edit keeps the quoting style.
pub fn scalar_inner_range(ws: &Workspace, file: &str, range: TextRange) -> TextRange {
    let Some(text) = ws.get(file).and_then(|f| f.text()) else {
        return range;
    };
    let s = &text[range.start.min(text.len())..range.end.min(text.len())];
    if s.len() >= 2
        && ((s.starts_with('"') && s.ends_with('"')) || (s.starts_with('\'') && s.ends_with('\'')))
    {
        TextRange::new(range.start + 1, range.end - 1)
    } else {
        range
    }
}
