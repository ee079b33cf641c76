//! What the fuzz targets share: the multi-file input format, the span checks every parser
//! and diagnostic must pass, and the `--fix` invariants.
//!
//! Multi-file inputs are plain text, so seeds can be written by hand or made from the corpus
//! (`bench/fuzz-seeds.sh`): each file starts with a line `=== <path>`; anything before the
//! first such line belongs to the target's default path.

use hublint_core::fix::fix_all;
use hublint_core::output::to_json_all;
use hublint_core::{check, ColumnUnit, Config, Diagnostic, Workspace};

/// A line starting with this begins a new file.
pub const FILE_MARKER: &[u8] = b"=== ";
/// More files than this are dropped: a workspace of thousands of one-byte files only slows
/// the fuzzer down without reaching new code.
pub const MAX_FILES: usize = 64;

/// Split a fuzz input into `(path, bytes)` files.
pub fn split_files(data: &[u8], default_path: &str) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut path = default_path.to_string();
    let mut body_start = 0;
    let mut line_start = 0;
    let mut i = 0;
    while i <= data.len() {
        let at_line_start = i == line_start;
        if at_line_start && data[i..].starts_with(FILE_MARKER) {
            // The default file only exists when something comes before the first marker.
            if !(files.is_empty() && i == 0) {
                push_file(&mut files, &path, &data[body_start..i]);
            }
            let header_end = data[i..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(data.len(), |p| i + p);
            let raw = &data[i + FILE_MARKER.len()..header_end];
            path = String::from_utf8_lossy(&raw[..raw.len().min(200)])
                .trim()
                .to_string();
            body_start = (header_end + 1).min(data.len());
            line_start = body_start;
            i = body_start;
            if i == data.len() {
                break;
            }
            continue;
        }
        if i == data.len() {
            break;
        }
        if data[i] == b'\n' {
            line_start = i + 1;
        }
        i += 1;
    }
    push_file(&mut files, &path, &data[body_start.min(data.len())..]);
    files.truncate(MAX_FILES);
    files
}

fn push_file(files: &mut Vec<(String, Vec<u8>)>, path: &str, body: &[u8]) {
    if path.is_empty() {
        return;
    }
    files.push((path.to_string(), body.to_vec()));
}

/// A workspace holding `files` (later files of the same path replace earlier ones, as a
/// reload would), and the config its `.hublint.yaml` gives.
pub fn workspace(files: &[(String, Vec<u8>)]) -> (Workspace, Config) {
    let mut ws = Workspace::new();
    for (path, bytes) in files {
        ws.insert_bytes(path, bytes.clone());
    }
    let config = ws
        .get(".hublint.yaml")
        .and_then(|f| f.text())
        .map(Config::parse)
        .unwrap_or_default();
    (ws, config)
}

/// Every `TextRange` in a parse result (found through its `Debug` form, so new fields are
/// covered without touching this file) lies inside `text` on character boundaries.
pub fn assert_ranges_in(text: &str, what: &str, debug: &str) {
    // A text that spells the pattern itself could fake a range; skip such inputs.
    if text.contains("TextRange") {
        return;
    }
    const PAT: &str = "TextRange { start: ";
    let mut rest = debug;
    while let Some(i) = rest.find(PAT) {
        rest = &rest[i + PAT.len()..];
        let (start, after) = number(rest);
        let after = after
            .strip_prefix(", end: ")
            .expect("TextRange Debug shape");
        let (end, after) = number(after);
        rest = after;
        assert!(
            start <= end && end <= text.len(),
            "{what}: range {start}..{end} outside a text of {} bytes",
            text.len()
        );
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "{what}: range {start}..{end} splits a character"
        );
    }
}

fn number(s: &str) -> (usize, &str) {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    (
        s[..digits].parse().expect("number in Debug output"),
        &s[digits..],
    )
}

/// Every diagnostic, related location and fix edit points inside a file of the workspace, and
/// the JSON renderers (CLI, playground) accept them.
pub fn assert_diagnostics_sane(ws: &Workspace, diags: &[Diagnostic]) {
    let check_range = |file: &str, range: hublint_core::TextRange, what: &str| {
        let Some(f) = ws.get(file) else {
            panic!("{what} points at {file:?}, which is not in the workspace");
        };
        let text = f.text_or_empty();
        assert!(
            range.start <= range.end && range.end <= text.len(),
            "{what} in {file}: range {range:?} outside {} bytes",
            text.len()
        );
        assert!(
            text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
            "{what} in {file}: range {range:?} splits a character"
        );
    };
    for d in diags {
        let what = format!("{} diagnostic", d.code);
        check_range(&d.file, d.range, &what);
        for r in &d.related {
            check_range(&r.file, r.range, &format!("{what} (related)"));
        }
        for fix in &d.fixes {
            for e in &fix.edits {
                // A fix may create a file; an edit of a missing file must be an insertion at 0.
                if ws.get(&e.file).is_none() {
                    assert_eq!(
                        e.range,
                        hublint_core::TextRange::empty(0),
                        "{what}: edit of a missing file"
                    );
                    continue;
                }
                check_range(&e.file, e.range, &format!("{what} (fix edit)"));
            }
        }
    }
    for unit in [ColumnUnit::Utf16, ColumnUnit::Char] {
        let json = to_json_all(ws, diags, unit);
        serde_json::to_string(&json).expect("diagnostics serialise");
    }
}

/// Check a workspace built from `files` and assert what every check must satisfy.
pub fn check_files(files: &[(String, Vec<u8>)]) -> Vec<Diagnostic> {
    let (ws, config) = workspace(files);
    let diags = check(&ws, &config);
    assert_diagnostics_sane(&ws, &diags);
    diags
}

/// Whether a file's parser, as chosen by its name, reports an error.
fn fails_to_parse(path: &str, text: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name.ends_with(".yaml") || name.ends_with(".yml") {
        !hublint_core::yaml::parse(text).errors.is_empty()
    } else if name.starts_with("Dockerfile")
        || name.ends_with("Dockerfile")
        || name.ends_with("dockerfile")
    {
        !hublint_core::dockerfile::parse(text).errors.is_empty()
    } else if name.ends_with(".txt") || name.ends_with(".in") {
        !hublint_core::requirements::parse(text).errors.is_empty()
    } else {
        false
    }
}

/// Rounds of fixing `hublint check --fix` does before it stops.
pub const CLI_FIX_ROUNDS: usize = 4;

/// Run `--fix` the way the CLI does (apply safe fixes, re-check, a few rounds) and assert:
/// a file that parsed still parses after every round, and a second `--fix` changes nothing.
/// Returns the fixed texts of the files that changed.
pub fn assert_fix_invariants(files: &[(String, Vec<u8>)]) -> Vec<(String, String)> {
    let (mut ws, config) = workspace(files);
    let mut diags = check(&ws, &config);
    assert_diagnostics_sane(&ws, &diags);
    let mut changed_files = std::collections::BTreeMap::new();
    for _ in 0..CLI_FIX_ROUNDS {
        let changed = {
            let ws = &ws;
            fix_all(
                &|p| ws.get(p).and_then(|f| f.text()).map(str::to_string),
                &diags,
            )
        };
        if changed.is_empty() {
            break;
        }
        for (path, new) in &changed {
            let old = ws
                .get(path)
                .and_then(|f| f.text())
                .unwrap_or("")
                .to_string();
            assert!(
                fails_to_parse(path, &old) || !fails_to_parse(path, new),
                "a fix made {path} fail to parse\n--- before\n{old}\n--- after\n{new}"
            );
            ws.insert_text(path, new.clone());
            changed_files.insert(path.clone(), new.clone());
        }
        diags = check(&ws, &config);
        assert_diagnostics_sane(&ws, &diags);
    }
    let again = fix_all(
        &|p| ws.get(p).and_then(|f| f.text()).map(str::to_string),
        &diags,
    );
    assert!(
        again.is_empty(),
        "a second --fix still changes {:?}",
        again.keys().collect::<Vec<_>>()
    );
    changed_files.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_files_on_marker_lines() {
        let files = split_files(
            b"a: 1\n=== x/Chart.yaml\nname: x\n=== Dockerfile\nFROM a\n",
            "d.yaml",
        );
        let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(names, ["d.yaml", "x/Chart.yaml", "Dockerfile"]);
        assert_eq!(files[1].1, b"name: x\n");
        assert_eq!(files[2].1, b"FROM a\n");
        // A marker not at a line start is content.
        let files = split_files(b"a: === b\n", "d.yaml");
        assert_eq!(files.len(), 1);
        assert_eq!(split_files(b"=== only", "d").len(), 1);
    }
}
