//! What a `hublint build` run did, as a machine-readable record (`--json`), and the progress
//! interface front ends implement.

use hublint_core::{Diagnostic, Workspace};
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::time::Duration;

/// The record of one run. `ok` is false when anything was refused or failed; `error` says why.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BuildRecord {
    pub ok: bool,
    pub error: Option<String>,
    /// Which stage stopped the run: `input`, `lint`, `values`, `dirty`, `login`, `build`,
    /// `push`, `write`.
    pub failed_stage: Option<String>,
    pub dry_run: bool,
    pub push: bool,
    pub skip_build: bool,
    /// `--reset`: placeholders written, nothing built.
    pub reset: bool,
    pub config: String,
    pub backend: Option<String>,
    pub lint: LintSummary,
    pub images: Vec<ImageRecord>,
    /// Chart.yaml versions set with --bump-chart.
    pub charts: Vec<ChartRecord>,
    /// Files written (repository-relative); empty on any failure.
    pub files_changed: Vec<String>,
    pub warnings: Vec<String>,
    pub elapsed_seconds: f64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct LintSummary {
    pub ran: bool,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImageKind {
    /// Has a `valuesPath`: its tag goes into the chart's values.yaml.
    Main,
    /// Listed under `experimental-images:` in .hublint.yaml: no file changes, a snippet.
    Experimental,
    /// No `valuesPath` and not experimental: built and pushed, written nowhere.
    Unlisted,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImageRecord {
    pub key: String,
    pub name: String,
    pub tag: String,
    pub reference: String,
    pub kind: ImageKind,
    /// The commit the tag names.
    pub commit: Option<String>,
    pub commit_count: Option<u64>,
    /// Repository-relative paths whose history decides the tag.
    pub paths: Vec<String>,
    pub build: StepRecord,
    pub push: StepRecord,
    /// What the registry answered before building: `present` (build and push skipped),
    /// `absent`, `denied` or `unknown`; None when it was not asked (dry run, forced,
    /// `--skip-build` without `--push`).
    pub registry: Option<String>,
    pub values: Vec<ValuesRecord>,
    /// For experimental images: the `hub.image` block for a hub's values.
    pub snippet: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct StepRecord {
    /// `skipped`, `in-registry` (the registry has the tag: not built or pushed), `planned`
    /// (dry run), `ok`, `failed`, or `not-run` (an earlier step failed).
    pub status: String,
    pub command: Option<String>,
    pub seconds: Option<f64>,
}

impl StepRecord {
    pub fn status(s: &str) -> Self {
        StepRecord {
            status: s.to_string(),
            ..Default::default()
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ValuesRecord {
    pub file: String,
    pub path: String,
    pub before: Option<String>,
    pub after: String,
    pub written: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChartRecord {
    pub file: String,
    pub version: String,
    pub before: Option<String>,
    pub written: bool,
}

/// Where progress goes. The builder calls these; a front end decides how they look.
pub trait Ui {
    /// Lint results before building (all of them; errors stop the build).
    fn lint(&mut self, ws: &Workspace, diagnostics: &[Diagnostic]);
    /// A progress or summary line for people.
    fn info(&mut self, message: &str);
    fn warn(&mut self, message: &str);
    /// A step starts (`build`, `push`) for an image.
    fn step_start(&mut self, index: usize, total: usize, image: &str, step: &str, command: &str);
    fn step_end(&mut self, image: &str, step: &str, ok: bool, elapsed: Duration);
    /// One line of the backend's output.
    fn backend_output(&mut self, line: &str);
    /// Results meant for stdout (image list, snippets), unless the record goes there.
    fn result(&mut self, text: &str);
}

/// Plain terminal output: progress on stderr, results on stdout; the backend's output only
/// when verbose (the tail is shown on failure either way).
pub struct TerminalUi {
    pub verbose: bool,
    /// `--json`: stdout is reserved for the record.
    pub json: bool,
    tty: bool,
}

impl TerminalUi {
    pub fn new(verbose: bool, json: bool) -> Self {
        TerminalUi {
            verbose,
            json,
            tty: std::io::stderr().is_terminal(),
        }
    }
}

impl Ui for TerminalUi {
    fn lint(&mut self, ws: &Workspace, diagnostics: &[Diagnostic]) {
        let mut err = std::io::stderr().lock();
        for d in diagnostics {
            let (line, col) = ws
                .get(&d.file)
                .map(|f| {
                    let idx = f.line_index();
                    let pos = idx.position(
                        f.text_or_empty(),
                        d.range.start,
                        hublint_core::ColumnUnit::Char,
                    );
                    (pos.line + 1, pos.col + 1)
                })
                .unwrap_or((1, 1));
            let _ = writeln!(
                err,
                "{}:{line}:{col}: {}[{}] {}",
                d.file,
                d.severity.as_str(),
                d.code,
                d.message
            );
        }
    }
    fn info(&mut self, message: &str) {
        eprintln!("{message}");
    }
    fn warn(&mut self, message: &str) {
        eprintln!("warning: {message}");
    }
    fn step_start(&mut self, index: usize, total: usize, image: &str, step: &str, command: &str) {
        eprintln!("==> [{index}/{total}] {image}: {step}");
        if self.verbose {
            eprintln!("    $ {command}");
        }
    }
    fn step_end(&mut self, image: &str, step: &str, ok: bool, elapsed: Duration) {
        let what = if ok { "done" } else { "FAILED" };
        let mark = if self.tty && ok {
            "✓"
        } else if self.tty {
            "✗"
        } else {
            "-"
        };
        eprintln!(
            "    {mark} {image}: {step} {what} in {:.1}s",
            elapsed.as_secs_f64()
        );
    }
    fn backend_output(&mut self, line: &str) {
        if self.verbose {
            eprintln!("    │ {line}");
        }
    }
    fn result(&mut self, text: &str) {
        if self.json {
            eprint!("{text}");
        } else {
            print!("{text}");
        }
    }
}
