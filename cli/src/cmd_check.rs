//! `hublint check [PATH...]`.

use crate::render::{self, Format};
use anyhow::Result;
use hublint_core::{check, fix, Config, Diagnostic, Severity, Workspace};
use hublint_discover::{load_with, root_for, write_atomic, LoadOptions};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Repositories, directories or files to check (default: the current directory). Files are
    /// checked in the context of their whole repository.
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    output_format: Format,
    /// Only these rule codes or prefixes (comma-separated); adds to `.hublint.yaml`'s `select`.
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Leave out these rule codes or prefixes (comma-separated).
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Apply safe fixes, writing each changed file atomically.
    #[arg(long)]
    fix: bool,
    /// Leave out files matching these globs (relative to the repository root).
    #[arg(long)]
    exclude: Vec<String>,
    /// Don't print the summary line.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: CheckArgs) -> Result<i32> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut all: Vec<(Workspace, Vec<Diagnostic>)> = Vec::new();
    let mut any_error = false;
    for path in &paths {
        if !path.exists() {
            anyhow::bail!("{}: no such file or directory", path.display());
        }
        let root = root_for(path);
        let (ws, diags) = check_root(&root, path, &args)?;
        any_error |= diags.iter().any(|d| d.severity == Severity::Error);
        all.push((ws, diags));
    }
    let mut out = std::io::stdout().lock();
    render::render(&mut out, &all, args.output_format, !args.quiet)?;
    Ok(if any_error { 1 } else { 0 })
}

fn check_root(
    root: &Path,
    target: &Path,
    args: &CheckArgs,
) -> Result<(Workspace, Vec<Diagnostic>)> {
    let options = LoadOptions {
        exclude: args.exclude.clone(),
    };
    let mut loaded = load_with(root, &options)?;
    for w in &loaded.warnings {
        eprintln!("hublint: warning: {w}");
    }
    apply_cli_selection(&mut loaded.config, args);
    // X001's start dates, from git (core reads none).
    loaded.config.experiment_history =
        hublint_builder::experiments::for_workspace(root, &loaded.ws, &loaded.config);
    let mut diags = check(&loaded.ws, &loaded.config);
    if args.fix {
        // Fixes can uncover or overlap others: apply, re-check, a few rounds at most.
        for _ in 0..4 {
            let ws = &loaded.ws;
            let changed = fix::fix_all(
                &|p| ws.get(p).and_then(|f| f.text()).map(str::to_string),
                &diags,
            );
            if changed.is_empty() {
                break;
            }
            for (rel, text) in &changed {
                write_atomic(&root.join(rel), text.as_bytes())?;
                loaded.ws.insert_text(rel, text.clone());
            }
            diags = check(&loaded.ws, &loaded.config);
        }
    }
    // Report only what lies under the path that was asked for.
    if let Some(prefix) = relative_target(root, target) {
        diags.retain(|d| {
            prefix.is_empty() || d.file == prefix || d.file.starts_with(&format!("{prefix}/"))
        });
    }
    Ok((loaded.ws, diags))
}

fn relative_target(root: &Path, target: &Path) -> Option<String> {
    let root = root.canonicalize().ok()?;
    let target = target.canonicalize().ok()?;
    let rel = target.strip_prefix(&root).ok()?;
    Some(rel.to_string_lossy().replace('\\', "/"))
}

fn apply_cli_selection(config: &mut Config, args: &CheckArgs) {
    if !args.select.is_empty() {
        config.select = args.select.clone();
    }
    config.ignore.extend(args.ignore.iter().cloned());
}
