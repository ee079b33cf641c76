//! The `hublint` binary: one executable for the linter, the language server, the image
//! builder and the playground.

mod cmd_build;
mod cmd_check;
mod cmd_completions;
mod cmd_hubs;
mod cmd_lsp;
mod cmd_playground;
mod cmd_rule;
mod render;

use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "hublint",
    // The version and the commit it was built from (see build.rs).
    version = env!("HUBLINT_VERSION_LINE"),
    about = "Lints JupyterHub-on-Kubernetes deployment repositories"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a repository (or files in it) and report problems.
    Check(cmd_check::CheckArgs),
    /// List the hubs found (chart, jupyterhub version, values files) and the files skipped.
    Hubs(cmd_hubs::HubsArgs),
    /// Print a rule's documentation, or list every rule.
    Rule(cmd_rule::RuleArgs),
    /// Run the language server on stdin/stdout.
    Lsp(cmd_lsp::LspArgs),
    /// Build (and push) the repository's images with chartpress-compatible tags, gated on a clean lint.
    Build(cmd_build::BuildArgs),
    /// Serve the browser playground on 127.0.0.1.
    Playground(cmd_playground::PlaygroundArgs),
    /// Print a shell completion script (bash, zsh or fish).
    Completions(cmd_completions::CompletionsArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Check(args) => cmd_check::run(args),
        Command::Hubs(args) => cmd_hubs::run(args),
        Command::Rule(args) => cmd_rule::run(args),
        Command::Lsp(args) => cmd_lsp::run(args),
        Command::Build(args) => cmd_build::run(args),
        Command::Playground(args) => cmd_playground::run(args),
        Command::Completions(args) => cmd_completions::run(args, Cli::command()),
    };
    match result {
        Ok(code) => ExitCode::from(code.clamp(0, 255) as u8),
        Err(e) => {
            eprintln!("hublint: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
