//! Core types to LSP types: diagnostics, edits, workspace edits, paths and URIs.

use crate::document::{Encoding, Lines};
use hublint_core::{Diagnostic, Edit, Severity, Workspace};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types::{
    self as lsp, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    OptionalVersionedTextDocumentIdentifier, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

pub const SOURCE: &str = "hublint";

/// The workspace-relative path of `path` under `root` (`/`-separated), if it is under it.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        return None;
    }
    Some(parts.join("/"))
}

pub fn uri_for(root: &Path, rel: &str) -> Option<Uri> {
    let mut p = PathBuf::from(root);
    for part in rel.split('/') {
        p.push(part);
    }
    Uri::from_file_path(p)
}

pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned())
}

fn lines_for<'a>(ws: &'a Workspace, file: &str, encoding: Encoding) -> Option<Lines<'a>> {
    let f = ws.get(file)?;
    Some(Lines::with_index(
        f.text_or_empty(),
        f.line_index(),
        encoding,
    ))
}

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// The LSP form of a diagnostic, positions taken from the text the check ran on.
pub fn diagnostic(
    ws: &Workspace,
    root: &Path,
    d: &Diagnostic,
    encoding: Encoding,
) -> lsp::Diagnostic {
    let range = lines_for(ws, &d.file, encoding)
        .map(|l| l.range(d.range))
        .unwrap_or_default();
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            let lines = lines_for(ws, &r.file, encoding)?;
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri_for(root, &r.file)?, lines.range(r.range)),
                message: r.message.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range,
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.to_string())),
        code_description: None,
        source: Some(SOURCE.to_string()),
        message: d.message.clone(),
        related_information: if related.is_empty() {
            None
        } else {
            Some(related)
        },
        tags: None,
        data: None,
    }
}

/// Build a workspace edit from core edits, converting each file's byte ranges with that
/// file's text in `ws`. Open documents get their version (when the client takes
/// `documentChanges`), so a stale edit is refused rather than misapplied.
pub fn workspace_edit<'e>(
    ws: &Workspace,
    root: &Path,
    edits: impl IntoIterator<Item = &'e Edit>,
    encoding: Encoding,
    versions: &HashMap<String, i32>,
    document_changes: bool,
) -> Option<WorkspaceEdit> {
    let mut by_file: BTreeMap<&str, Vec<TextEdit>> = BTreeMap::new();
    for e in edits {
        let lines = lines_for(ws, &e.file, encoding)?;
        by_file
            .entry(e.file.as_str())
            .or_default()
            .push(TextEdit::new(lines.range(e.range), e.replacement.clone()));
    }
    if by_file.is_empty() {
        return None;
    }
    if document_changes {
        let mut changes = Vec::new();
        for (file, edits) in by_file {
            changes.push(TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: uri_for(root, file)?,
                    version: versions.get(file).copied(),
                },
                edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
            });
        }
        Some(WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Edits(changes)),
            ..Default::default()
        })
    } else {
        let mut changes = HashMap::new();
        for (file, edits) in by_file {
            changes.insert(uri_for(root, file)?, edits);
        }
        Some(WorkspaceEdit::new(changes))
    }
}

/// One edit that turns `old` into `new`: the span between their common prefix and suffix.
pub fn minimal_edit(file: &str, old: &str, new: &str) -> Edit {
    let prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let mut prefix = prefix;
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = (old.len() - prefix).min(new.len() - prefix);
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    Edit {
        file: file.to_string(),
        range: hublint_core::TextRange::new(prefix, old.len() - suffix),
        replacement: new[prefix..new.len() - suffix].to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_edit_spans_only_the_change() {
        let e = minimal_edit("f", "tag: 1.10\nx: 😀\n", "tag: \"1.10\"\nx: 😀\n");
        assert_eq!(e.range, hublint_core::TextRange::new(5, 9));
        assert_eq!(e.replacement, "\"1.10\"");
        // Multi-byte characters are never split.
        let e = minimal_edit("f", "a😀b", "a😁b");
        let (old, new) = ("a😀b", "a😁b");
        let mut applied = old.to_string();
        applied.replace_range(e.range.start..e.range.end, &e.replacement);
        assert_eq!(applied, new);
        let e = minimal_edit("f", "same", "same");
        assert!(e.range.is_empty() && e.replacement.is_empty());
    }

    #[test]
    fn relative_paths_and_uris() {
        let root = Path::new("/repo");
        assert_eq!(
            relative(root, Path::new("/repo/a/b.yaml")).as_deref(),
            Some("a/b.yaml")
        );
        assert_eq!(relative(root, Path::new("/other/b.yaml")), None);
        let uri = uri_for(root, "a/b c.yaml").unwrap();
        assert_eq!(path_of(&uri).unwrap(), Path::new("/repo/a/b c.yaml"));
    }
}
