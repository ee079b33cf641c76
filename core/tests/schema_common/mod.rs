//! Shared by the schema tests: loading the corpus into a Workspace, running the schema rules.
#![allow(dead_code)]

use hublint_core::{Config, Diagnostic, Workspace};
use std::path::{Path, PathBuf};

/// `../shared/corpus/<name>` beside the repository, when present.
pub fn corpus(name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus")
        .join(name);
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("note: {} not found; corpus test skipped", p.display());
        None
    }
}

/// Every YAML and JSON file below `root` (except `history/`), by relative path.
pub fn load_dir(root: &Path) -> Workspace {
    load_files(root, |rel, _| {
        rel.ends_with(".yaml") || rel.ends_with(".yml") || rel.ends_with(".json")
    })
}

/// Every file below `root` (except `history/` and `.git`) that `keep` accepts, given its
/// relative path and its path on disk.
pub fn load_files(root: &Path, keep: impl Fn(&str, &Path) -> bool) -> Workspace {
    let mut ws = Workspace::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if path.is_dir() {
                if rel != "history" && !rel.ends_with(".git") {
                    stack.push(path);
                }
            } else if keep(&rel, &path) {
                ws.insert_bytes(&rel, std::fs::read(&path).unwrap());
            }
        }
    }
    ws
}

pub const SCHEMA_CODES: &[&str] = &["S001", "S002", "S003", "S004", "S005", "S006", "Y003"];

/// The schema rules' diagnostics only.
pub fn schema_diagnostics(ws: &Workspace) -> Vec<Diagnostic> {
    let config = Config::parse(&format!("select: [{}]\n", SCHEMA_CODES.join(", ")));
    hublint_core::check(ws, &config)
}

/// 1-based line of a diagnostic.
pub fn line_of(ws: &Workspace, d: &Diagnostic) -> usize {
    let file = ws.get(&d.file).unwrap();
    file.line_index().line_of(d.range.start) + 1
}
