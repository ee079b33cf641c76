//! Code actions: each fix of a diagnostic as a `quickfix`, "disable CODE on this line", and
//! `source.fixAll.hublint` (every safe fix of the document at once).

use crate::convert;
use crate::document::Encoding;
use crate::state::Snapshot;
use hublint_core::check::{suppressed_codes, suppression_comment};
use hublint_core::files::FileKind;
use hublint_core::workspace::SourceFile;
use hublint_core::yaml::{Node, ScalarStyle, Value};
use hublint_core::{Applicability, Diagnostic, Edit, TextRange};
use std::path::Path;
use tower_lsp_server::ls_types::{CodeAction, CodeActionKind, CodeActionOrCommand};

pub const FIX_ALL_KIND: &str = "source.fixAll.hublint";

pub struct Request<'a> {
    pub snapshot: &'a Snapshot,
    pub root: &'a Path,
    pub rel: &'a str,
    /// The requested range, as bytes of the snapshot's text.
    pub range: TextRange,
    pub only: Option<&'a [CodeActionKind]>,
    pub encoding: Encoding,
    pub document_changes: bool,
}

/// Whether the client asked for `kind` (kinds are hierarchical: `source` asks for
/// `source.fixAll.hublint`).
fn wanted(only: Option<&[CodeActionKind]>, kind: &str) -> bool {
    match only {
        None => true,
        Some(kinds) => kinds.iter().any(|k| {
            let k = k.as_str();
            kind == k || kind.starts_with(&format!("{k}."))
        }),
    }
}

pub fn code_actions(req: &Request) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    let snap = req.snapshot;
    let quickfix = CodeActionKind::QUICKFIX;
    // Explicit requests only: "source" actions are not offered on every cursor move.
    let fix_all_requested = req.only.is_some() && wanted(req.only, FIX_ALL_KIND);
    if wanted(req.only, quickfix.as_str()) {
        for d in snap.diagnostics_for(req.rel) {
            // Touching counts: a cursor at the end of the range is on the diagnostic.
            if d.range.start > req.range.end || d.range.end < req.range.start {
                continue;
            }
            let lsp_diag = convert::diagnostic(&snap.ws, req.root, d, req.encoding);
            let mut preferred_given = false;
            for fix in &d.fixes {
                if fix.applicability == Applicability::DisplayOnly {
                    continue;
                }
                let Some(edit) = convert::workspace_edit(
                    &snap.ws,
                    req.root,
                    &fix.edits,
                    req.encoding,
                    &snap.versions,
                    req.document_changes,
                ) else {
                    continue;
                };
                let safe = fix.applicability == Applicability::Safe;
                let preferred = safe && !preferred_given;
                preferred_given |= preferred;
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: if safe {
                        fix.title.clone()
                    } else {
                        format!("{} (unsafe)", fix.title)
                    },
                    kind: Some(quickfix.clone()),
                    diagnostics: Some(vec![lsp_diag.clone()]),
                    edit: Some(edit),
                    is_preferred: Some(preferred),
                    ..Default::default()
                }));
            }
            if let Some(file) = snap.ws.get(&d.file) {
                if let Some(edit) = suppress_edit(file, d) {
                    if let Some(edit) = convert::workspace_edit(
                        &snap.ws,
                        req.root,
                        [&edit],
                        req.encoding,
                        &snap.versions,
                        req.document_changes,
                    ) {
                        out.push(CodeActionOrCommand::CodeAction(CodeAction {
                            title: format!("Disable {} on this line", d.code),
                            kind: Some(quickfix.clone()),
                            diagnostics: Some(vec![lsp_diag.clone()]),
                            edit: Some(edit),
                            is_preferred: Some(false),
                            ..Default::default()
                        }));
                    }
                }
            }
        }
    }
    if fix_all_requested {
        if let Some(edit) = fix_all_edit(req) {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: "hublint: fix all safely fixable problems".into(),
                kind: Some(CodeActionKind::from(FIX_ALL_KIND)),
                edit: Some(edit),
                ..Default::default()
            }));
        }
    }
    out
}

/// Every safe fix of the document's diagnostics (their edits may reach other files), as
/// one minimal edit per changed file.
fn fix_all_edit(req: &Request) -> Option<tower_lsp_server::ls_types::WorkspaceEdit> {
    let snap = req.snapshot;
    let diags: Vec<Diagnostic> = snap.diagnostics_for(req.rel).cloned().collect();
    let texts = |f: &str| {
        snap.ws
            .get(f)
            .and_then(SourceFile::text)
            .map(str::to_string)
    };
    let changed = hublint_core::fix::fix_all(&texts, &diags);
    let edits: Vec<Edit> = changed
        .iter()
        .filter_map(|(file, new)| {
            let old = snap.ws.get(file)?.text()?;
            Some(convert::minimal_edit(file, old, new))
        })
        .collect();
    if edits.is_empty() {
        return None;
    }
    convert::workspace_edit(
        &snap.ws,
        req.root,
        &edits,
        req.encoding,
        &snap.versions,
        req.document_changes,
    )
}

/// The edit that adds `# hublint: ignore[CODE]` where `is_suppressed` will see it: into an
/// existing suppression comment on the line (or the line above), at the end of the line, or
/// on a comment line of its own above it where an end-of-line comment would change the file
/// (Dockerfiles have no end-of-line comments; a requirement continued with `\`). Inside a
/// YAML block scalar no comment is possible, so no action is offered.
pub fn suppress_edit(file: &SourceFile, d: &Diagnostic) -> Option<Edit> {
    let text = file.text()?;
    let idx = file.line_index();
    let line = idx.line_of(d.range.start);
    let start = idx.line_start(line);
    let end = idx.line_end(text, line);
    let content = &text[start..end];
    let code = d.code;
    // Extend a suppression already on this line or the one above.
    let mut candidates = vec![(start, content)];
    if line > 0 {
        let s = idx.line_start(line - 1);
        candidates.push((s, &text[s..idx.line_end(text, line - 1)]));
    }
    for (line_start, line_text) in candidates {
        if !suppressed_codes(line_text).is_empty() {
            let at = line_text.find("hublint: ignore[")?;
            let close = line_text[at..].find(']')? + at;
            return Some(Edit {
                file: file.path.clone(),
                range: TextRange::empty(line_start + close),
                replacement: format!(", {code}"),
            });
        }
    }
    let indent: String = content
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let above = Edit {
        file: file.path.clone(),
        range: TextRange::empty(start),
        replacement: format!("{indent}{}\n", suppression_comment(code)),
    };
    let at_end = Edit {
        file: file.path.clone(),
        range: TextRange::empty(end),
        replacement: format!("  {}", suppression_comment(code)),
    };
    if FileKind::of(&file.path) == FileKind::Dockerfile {
        return Some(above);
    }
    if file.is_yaml() {
        let Some(yaml) = file.yaml() else {
            return Some(at_end);
        };
        if yaml.errors.is_empty() {
            let mut inside_end = false;
            let mut inside_start = false;
            for doc in &yaml.docs {
                scalars_around(doc, start, end, &mut inside_start, &mut inside_end);
            }
            return match (inside_start, inside_end) {
                (false, false) => Some(at_end),
                (false, true) => Some(above),
                _ => None,
            };
        }
        return Some(at_end);
    }
    if content.trim_end().ends_with('\\') {
        return Some(above);
    }
    Some(at_end)
}

/// Whether `line_start` / `line_end` fall inside a scalar spanning lines (where a comment
/// would become part of the value).
fn scalars_around(
    node: &Node,
    line_start: usize,
    line_end: usize,
    in_start: &mut bool,
    in_end: &mut bool,
) {
    if node.from_alias || node.range.end < line_start || node.range.start > line_end {
        return;
    }
    match &node.value {
        Value::Scalar(s) => {
            let r = node.range;
            let block = matches!(s.style, ScalarStyle::Literal | ScalarStyle::Folded);
            if r.start < line_start && line_start < r.end.max(r.start + 1) {
                *in_start = true;
            }
            // A block scalar's last content line ends where the scalar does: still inside.
            let last_block_line = block && line_end == r.end && r.start < line_start;
            if (r.start < line_end && line_end < r.end) || last_block_line {
                *in_end = true;
            }
        }
        Value::Mapping(entries) => {
            for e in entries.iter().filter(|e| !e.merged) {
                scalars_around(&e.key, line_start, line_end, in_start, in_end);
                scalars_around(&e.value, line_start, line_end, in_start, in_end);
            }
        }
        Value::Sequence(items) => {
            for i in items {
                scalars_around(i, line_start, line_end, in_start, in_end);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hublint_core::{Config, Workspace};

    fn diag_at(ws: &Workspace, file: &str, needle: &str, code: &'static str) -> Diagnostic {
        let text = ws.get(file).unwrap().text().unwrap();
        let at = text.find(needle).unwrap();
        Diagnostic::new(
            code,
            hublint_core::Severity::Warning,
            file,
            TextRange::new(at, at + needle.len()),
            "m",
        )
    }

    fn apply(ws: &Workspace, e: &Edit) -> String {
        let (out, n) =
            hublint_core::fix::apply_edits(ws.get(&e.file).unwrap().text().unwrap(), &[e]);
        assert_eq!(n, 1);
        out
    }

    #[test]
    fn suppression_goes_where_the_checker_sees_it() {
        let mut ws = Workspace::new();
        ws.insert_text("v.yaml", "a: 1\na: 2\nb: |\n  line\n");
        let d = diag_at(&ws, "v.yaml", "a: 2", "Y002");
        let e = suppress_edit(ws.get("v.yaml").unwrap(), &d).unwrap();
        let new = apply(&ws, &e);
        assert_eq!(new, "a: 1\na: 2  # hublint: ignore[Y002]\nb: |\n  line\n");
        // The real checker agrees the diagnostic is now suppressed.
        ws.insert_text("v.yaml", new);
        let diags = hublint_core::check(&ws, &Config::default());
        assert!(diags.iter().all(|d| d.code != "Y002"), "{diags:?}");
        // Inside a block scalar no comment can be added.
        let d = diag_at(&ws, "v.yaml", "line", "Y003");
        assert!(suppress_edit(ws.get("v.yaml").unwrap(), &d).is_none());
    }

    #[test]
    fn existing_comments_are_extended_and_dockerfiles_get_a_line_above() {
        let mut ws = Workspace::new();
        ws.insert_text("x.yaml", "a: 1 # hublint: ignore[Y003]\n");
        let d = diag_at(&ws, "x.yaml", "a: 1", "Y002");
        let new = apply(&ws, &suppress_edit(ws.get("x.yaml").unwrap(), &d).unwrap());
        assert_eq!(new, "a: 1 # hublint: ignore[Y003, Y002]\n");
        ws.insert_text("images/hub/Dockerfile", "FROM a\n  RUN x\n");
        let d = diag_at(&ws, "images/hub/Dockerfile", "RUN", "D001");
        let new = apply(
            &ws,
            &suppress_edit(ws.get("images/hub/Dockerfile").unwrap(), &d).unwrap(),
        );
        assert_eq!(new, "FROM a\n  # hublint: ignore[D001]\n  RUN x\n");
        ws.insert_text("requirements.txt", "a==1 \\\n  --hash=sha256:x\nb\n");
        let d = diag_at(&ws, "requirements.txt", "a==1", "R001");
        let new = apply(
            &ws,
            &suppress_edit(ws.get("requirements.txt").unwrap(), &d).unwrap(),
        );
        assert!(new.starts_with("# hublint: ignore[R001]\na==1"), "{new}");
        let d = diag_at(&ws, "requirements.txt", "b", "R001");
        let new = apply(
            &ws,
            &suppress_edit(ws.get("requirements.txt").unwrap(), &d).unwrap(),
        );
        assert!(new.ends_with("b  # hublint: ignore[R001]\n"), "{new}");
    }

    #[test]
    fn kinds_are_hierarchical() {
        assert!(wanted(None, "quickfix"));
        assert!(wanted(Some(&[CodeActionKind::SOURCE]), FIX_ALL_KIND));
        assert!(wanted(
            Some(&[CodeActionKind::SOURCE_FIX_ALL]),
            FIX_ALL_KIND
        ));
        assert!(!wanted(Some(&[CodeActionKind::REFACTOR]), FIX_ALL_KIND));
        assert!(!wanted(Some(&[CodeActionKind::QUICKFIX]), FIX_ALL_KIND));
    }
}
