//! `hublint check [PATH...]`.

use crate::render::{self, Format};
use anyhow::Result;
use hublint_core::check::check_with_model;
use hublint_core::model::RepoModel;
use hublint_core::report::scope_line;
use hublint_core::{Config, Diagnostic, Project, Severity, Workspace};

/// Fixes can uncover or overlap others: apply, re-check, a few rounds at most.
const FIX_ROUNDS: usize = 4;
use hublint_discover::{load_with, root_for, write_atomic, LoadOptions};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Repositories, directories or files to check (default: the current directory). Files are
    /// checked in the context of their whole repository.
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    output_format: Format,
    /// Only these rule codes or prefixes (comma-separated); replaces `.hublint.yaml`'s
    /// `select`, as ruff's `--select` does.
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Rule codes or prefixes to add to the selection (comma-separated).
    #[arg(long, value_delimiter = ',')]
    extend_select: Vec<String>,
    /// Leave out these rule codes or prefixes (comma-separated).
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Apply safe fixes, writing each changed file atomically.
    #[arg(long)]
    fix: bool,
    /// Leave out files matching these patterns (gitignore syntax: `templates` leaves out every
    /// folder of that name, `history/**` is from the repository root, `!x` puts x back).
    /// A glob that does not compile is an error (exit code 2).
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
    let mut scopes: Vec<String> = Vec::new();
    let mut any_error = false;
    for path in &paths {
        if !path.exists() {
            anyhow::bail!("{}: no such file or directory", path.display());
        }
        let root = root_for(path);
        let (ws, diags, scope) = check_root(&root, path, &args)?;
        any_error |= diags.iter().any(|d| d.severity == Severity::Error);
        all.push((ws, diags));
        scopes.push(scope);
    }
    let mut out = std::io::stdout().lock();
    render::render(&mut out, &all, args.output_format, !args.quiet)?;
    if args.output_format == Format::Text && !args.quiet {
        use std::io::Write;
        for scope in &scopes {
            writeln!(out, "Checked {scope}.")?;
        }
    }
    Ok(if any_error { 1 } else { 0 })
}

fn check_root(
    root: &Path,
    target: &Path,
    args: &CheckArgs,
) -> Result<(Workspace, Vec<Diagnostic>, String)> {
    let options = LoadOptions {
        exclude: args.exclude.clone(),
    };
    let loaded = load_with(root, &options)?;
    for w in &loaded.warnings {
        eprintln!("hublint: warning: {w}");
    }
    let mut config = loaded.config.clone();
    apply_cli_selection(&mut config, args);
    // X001's start dates, from git (core reads none).
    config.experiment_history =
        hublint_builder::experiments::for_workspace(root, &loaded.ws, &loaded.config);
    loaded.ws.parse_all();
    let model = RepoModel::build(&loaded.ws, &config);
    let scope = scope_line(&model);
    let mut diags = check_with_model(&loaded.ws, &model, &config);
    drop(model);
    let target = relative_target(root, target);
    let mut project = Project::from_workspace(loaded.ws, loaded.config.today.clone());
    if args.fix {
        // `--fix FILE` changes FILE alone (fixes that would edit another file are left).
        let under_target = |file: &str| match &target {
            Some(prefix) => {
                prefix.is_empty() || file == prefix || file.starts_with(&format!("{prefix}/"))
            }
            None => true,
        };
        let outcome = project.fix_all(&config, FIX_ROUNDS, &under_target);
        for (rel, text) in &outcome.changed {
            write_atomic(&root.join(rel), text.as_bytes())?;
        }
        diags = outcome.diagnostics;
    }
    // Report only what lies under the path that was asked for.
    if let Some(prefix) = target {
        diags.retain(|d| {
            prefix.is_empty() || d.file == prefix || d.file.starts_with(&format!("{prefix}/"))
        });
    }
    Ok((project.workspace().clone(), diags, scope))
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
    // Adding to "everything" (an empty selection) changes nothing.
    if !config.select.is_empty() {
        config.select.extend(args.extend_select.iter().cloned());
    }
    config.ignore.extend(args.ignore.iter().cloned());
}
