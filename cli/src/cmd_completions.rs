//! `hublint completions bash|zsh|fish`: print a shell completion script.

use clap_complete::Shell;

#[derive(clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for. Bash: `hublint completions bash >
    /// ~/.local/share/bash-completion/completions/hublint`; zsh: into a folder on `$fpath` as
    /// `_hublint`; fish: `~/.config/fish/completions/hublint.fish`.
    #[arg(value_enum)]
    shell: CompletionShell,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

pub fn run(args: CompletionsArgs, mut command: clap::Command) -> anyhow::Result<i32> {
    let shell = match args.shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
    };
    let name = command.get_name().to_string();
    clap_complete::generate(shell, &mut command, name, &mut std::io::stdout());
    Ok(0)
}
