//! `hublint lsp`: placeholder until the language server crate lands (owned by the lsp work).

#[derive(clap::Args)]
pub struct LspArgs {
    /// Accepted for clients that pass it (vscode-languageclient does); stdio is the only transport.
    #[arg(long)]
    stdio: bool,
}

pub fn run(_args: LspArgs) -> anyhow::Result<i32> {
    anyhow::bail!("the language server is not part of this build yet")
}
