//! `hublint lsp`: the language server on stdin/stdout (see the `hublint-lsp` crate).

#[derive(clap::Args)]
pub struct LspArgs {
    /// Accepted for clients that pass it (vscode-languageclient does); stdio is the only transport.
    #[arg(long)]
    stdio: bool,
}

pub fn run(args: LspArgs) -> anyhow::Result<i32> {
    let _ = args.stdio;
    hublint_lsp::run_stdio()
}
