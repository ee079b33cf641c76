//! Test repositories built with real git, and a UI that records what the builder says.
#![allow(dead_code)]

use hublint_builder::{BuildOptions, Outcome, Ui};
use hublint_core::{Diagnostic, Workspace};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

pub struct Repo {
    pub dir: tempfile::TempDir,
    commits: u32,
    /// The author and committer date of the next commit, from the number of commits made.
    pub date_of: fn(u32) -> String,
}

fn minute_per_commit(commits: u32) -> String {
    format!("2024-01-01T00:{:02}:00Z", commits % 60)
}

impl Repo {
    pub fn new() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().unwrap(),
            commits: 0,
            date_of: minute_per_commit,
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs git with a fixed identity and clock, so runs are reproducible.
    pub fn git(&self, args: &[&str]) -> String {
        let date = (self.date_of)(self.commits);
        let out = Command::new("git")
            .current_dir(self.path())
            .args(["-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"])
            .args(args)
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.org")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.org")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap()
    }

    /// Writes files and commits them all.
    pub fn commit(&mut self, message: &str, files: &[(&str, &str)]) -> String {
        for (rel, text) in files {
            self.write(rel, text);
        }
        self.commits += 1;
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "--short", "HEAD"])
    }

    pub fn tag(&self, name: &str) {
        self.git(&["tag", name]);
    }

    pub fn annotated_tag(&self, name: &str) {
        self.git(&["tag", "-a", "-m", name, name]);
    }

    /// A copy of the work tree (with its .git) in a new temporary directory.
    pub fn copy(&self) -> tempfile::TempDir {
        let dest = tempfile::tempdir().unwrap();
        let status = Command::new("cp")
            .args(["-a", "."])
            .arg(dest.path())
            .current_dir(self.path())
            .status()
            .unwrap();
        assert!(status.success());
        dest
    }
}

/// Records everything the builder reports.
#[derive(Default)]
pub struct RecordingUi {
    pub lines: Vec<String>,
    pub lint: Vec<Diagnostic>,
    pub results: String,
    pub backend_lines: Vec<String>,
}

impl Ui for RecordingUi {
    fn lint(&mut self, _ws: &Workspace, diagnostics: &[Diagnostic]) {
        self.lint.extend_from_slice(diagnostics);
    }
    fn info(&mut self, message: &str) {
        self.lines.push(message.to_string());
    }
    fn warn(&mut self, message: &str) {
        self.lines.push(format!("warning: {message}"));
    }
    fn step_start(&mut self, _i: usize, _n: usize, image: &str, step: &str, command: &str) {
        self.lines.push(format!("start {image} {step}: {command}"));
    }
    fn step_end(&mut self, image: &str, step: &str, ok: bool, _elapsed: Duration) {
        self.lines.push(format!("end {image} {step} ok={ok}"));
    }
    fn backend_output(&mut self, line: &str) {
        self.backend_lines.push(line.to_string());
    }
    fn result(&mut self, text: &str) {
        self.results.push_str(text);
    }
}

pub fn build(path: &Path, configure: impl FnOnce(&mut BuildOptions)) -> (Outcome, RecordingUi) {
    let mut opts = BuildOptions {
        path: path.to_path_buf(),
        ..Default::default()
    };
    configure(&mut opts);
    let mut ui = RecordingUi::default();
    let outcome = hublint_builder::run(&opts, &mut ui);
    (outcome, ui)
}

/// The bytes of every file under `dir` except `.git`, for "nothing changed" checks.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if p.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

/// A YAML document as JSON (scalars as their text), to compare two files' content whatever
/// their formatting.
pub fn yaml_as_json(text: &str) -> serde_json::Value {
    use hublint_core::yaml::{Node, Value};
    fn conv(n: &Node) -> serde_json::Value {
        match &n.value {
            Value::Scalar(s) => {
                if n.is_null() {
                    serde_json::Value::Null
                } else {
                    serde_json::Value::String(s.text.to_string())
                }
            }
            Value::Sequence(items) => serde_json::Value::Array(items.iter().map(conv).collect()),
            Value::Mapping(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|e| {
                        (
                            e.key.as_str().unwrap_or_default().to_string(),
                            conv(&e.value),
                        )
                    })
                    .collect(),
            ),
        }
    }
    let parsed = hublint_core::yaml::parse(text);
    assert!(parsed.errors.is_empty(), "{:?}\n{text}", parsed.errors);
    parsed
        .docs
        .first()
        .map(conv)
        .unwrap_or(serde_json::Value::Null)
}
