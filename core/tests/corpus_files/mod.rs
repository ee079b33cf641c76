//! Every file below a folder (`.git` left out), for the tests that read the corpus in place.

use std::path::{Path, PathBuf};

pub fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != ".git") {
                walk(&p, out);
            }
        } else {
            out.push(p);
        }
    }
}
