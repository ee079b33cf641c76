//! Applying fixes: non-overlapping edits per file, applied back to front.

use crate::diagnostic::{Applicability, Diagnostic, Edit};
use std::collections::BTreeMap;

/// Apply `edits` to `text`. Edits that overlap an earlier-chosen one are skipped (the next
/// run picks them up); returns the new text and how many edits were applied.
pub fn apply_edits(text: &str, edits: &[&Edit]) -> (String, usize) {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut chosen: Vec<&Edit> = Vec::new();
    for e in sorted {
        if e.range.end > text.len()
            || !text.is_char_boundary(e.range.start)
            || !text.is_char_boundary(e.range.end)
        {
            continue;
        }
        if chosen
            .last()
            .is_some_and(|prev| prev.range.end > e.range.start || (prev.range == e.range))
        {
            continue;
        }
        chosen.push(e);
    }
    let mut out = text.to_string();
    for e in chosen.iter().rev() {
        out.replace_range(e.range.start..e.range.end, &e.replacement);
    }
    (out, chosen.len())
}

/// The new texts of every file touched by the safe fixes of `diagnostics` (one fix per
/// diagnostic; a fix whose edits would overlap another's is left for a later run).
pub fn fix_all(
    texts: &dyn Fn(&str) -> Option<String>,
    diagnostics: &[Diagnostic],
) -> BTreeMap<String, String> {
    let mut by_file: BTreeMap<String, Vec<&Edit>> = BTreeMap::new();
    for d in diagnostics {
        if let Some(fix) = d
            .fixes
            .iter()
            .find(|f| f.applicability == Applicability::Safe)
        {
            // Take a fix only if none of its edits overlaps one already taken.
            let clash = fix.edits.iter().any(|e| {
                by_file.get(&e.file).is_some_and(|v| {
                    v.iter().any(|o| {
                        o.range.start < e.range.end.max(e.range.start + 1)
                            && e.range.start < o.range.end.max(o.range.start + 1)
                    })
                })
            });
            if clash {
                continue;
            }
            for e in &fix.edits {
                by_file.entry(e.file.clone()).or_default().push(e);
            }
        }
    }
    let mut out = BTreeMap::new();
    for (file, edits) in by_file {
        if let Some(text) = texts(&file) {
            let (new, n) = apply_edits(&text, &edits);
            if n > 0 && new != text {
                out.insert(file, new);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::TextRange;

    fn edit(s: usize, e: usize, r: &str) -> Edit {
        Edit {
            file: "f".into(),
            range: TextRange::new(s, e),
            replacement: r.into(),
        }
    }

    #[test]
    fn applies_back_to_front_and_skips_overlaps() {
        let (out, n) = apply_edits(
            "tag: 1.10\nx: yes\n",
            &[
                &edit(5, 9, "\"1.10\""),
                &edit(13, 16, "\"yes\""),
                &edit(6, 8, "zz"),
            ],
        );
        assert_eq!(out, "tag: \"1.10\"\nx: \"yes\"\n");
        assert_eq!(n, 2);
    }
}
