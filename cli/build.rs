//! Build-time facts for the `hublint` binary:
//!
//! - `HUBLINT_VERSION_LINE`: the version with the commit it was built from (`0.1.0 (3ce3503ab1c2
//!   2026-12-05)`), read from git; `$HUBLINT_COMMIT` stands in where there is no git (a source
//!   archive), and without either the line is just the version.
//! - `$OUT_DIR/playground_assets.rs`: the built browser playground, embedded so that every
//!   release binary (and the wheel and .vsix that carry it) serves it. It is taken from
//!   `$HUBLINT_PLAYGROUND_DIST` or the source tree's `wasm/playground/dist`
//!   (`scripts/build-playground.sh` makes it); without one the list is empty and
//!   `hublint playground` says how to add it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

include!("src/playground_required.rs");

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    version_line(&manifest_dir);
    embed_playground(&manifest_dir, &out_dir);
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

fn version_line(manifest_dir: &Path) {
    println!("cargo:rerun-if-env-changed=HUBLINT_COMMIT");
    let version = std::env::var("CARGO_PKG_VERSION").unwrap();
    // Only hublint's own repository: a source tree vendored inside another repository
    // (where cli/ is not at the top level's cli/) must not report that repository's commit.
    let own_repository =
        git(manifest_dir, &["rev-parse", "--show-prefix"]).as_deref() == Some("cli/");
    let from_git = own_repository
        .then(|| {
            git(
                manifest_dir,
                &["log", "-1", "--format=%h %cs", "--abbrev=12", "HEAD"],
            )
        })
        .flatten();
    if from_git.is_some() {
        // A new commit moves HEAD (detached) or the branch it names; a `git gc` packs refs.
        for path in ["HEAD", "packed-refs"] {
            watch_git_path(manifest_dir, path);
        }
        if let Some(branch) = git(manifest_dir, &["symbolic-ref", "-q", "HEAD"]) {
            watch_git_path(manifest_dir, &branch);
        }
    }
    let commit = from_git.or_else(|| {
        std::env::var("HUBLINT_COMMIT")
            .ok()
            .filter(|c| !c.trim().is_empty())
    });
    let line = match commit {
        Some(commit) => format!("{version} ({})", commit.trim()),
        None => version,
    };
    println!("cargo:rustc-env=HUBLINT_VERSION_LINE={line}");
}

fn watch_git_path(manifest_dir: &Path, name: &str) {
    if let Some(path) = git(
        manifest_dir,
        &["rev-parse", "--path-format=absolute", "--git-path", name],
    ) {
        if Path::new(&path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}

fn embed_playground(manifest_dir: &Path, out_dir: &Path) {
    println!("cargo:rerun-if-env-changed=HUBLINT_PLAYGROUND_DIST");
    let given = std::env::var_os("HUBLINT_PLAYGROUND_DIST").map(PathBuf::from);
    let dist = given
        .clone()
        .unwrap_or_else(|| manifest_dir.join("../wasm/playground/dist"));
    // A missing folder is watched through its parent, so that building the playground later
    // makes the next `cargo build` embed it.
    let watched = if dist.is_dir() {
        dist.clone()
    } else {
        dist.parent().map(Path::to_path_buf).unwrap_or(dist.clone())
    };
    if watched.exists() {
        println!("cargo:rerun-if-changed={}", watched.display());
    }
    let complete = REQUIRED.iter().all(|f| dist.join(f).is_file());
    if given.is_some() && !complete {
        // Asked for by name: a wrong folder is an error, not a silent build without it.
        panic!(
            "HUBLINT_PLAYGROUND_DIST={} is not a built playground (it needs {})",
            dist.display(),
            REQUIRED.join(", ")
        );
    }
    let mut files = Vec::new();
    if complete {
        collect(&dist, &dist, &mut files);
        files.sort();
    }
    let mut code = String::from(
        "/// The built playground's files (path relative to its folder, contents); empty when\n\
         /// the binary was built without one.\npub static EMBEDDED: &[(&str, &[u8])] = &[\n",
    );
    for (rel, abs) in &files {
        writeln!(code, "    ({rel:?}, include_bytes!({abs:?})),").unwrap();
    }
    code.push_str("];\n");
    std::fs::write(out_dir.join("playground_assets.rs"), code).unwrap();
}

/// Every file under `dir` except source maps (debugging aids several times the bundle's size).
fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out);
        } else if path.extension().is_none_or(|e| e != "map") {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let abs = path.canonicalize().unwrap().to_string_lossy().into_owned();
            out.push((rel, abs));
        }
    }
}
