//! `hublint playground`: placeholder until the wasm playground lands (owned by the wasm work).

#[derive(clap::Args)]
pub struct PlaygroundArgs {
    #[arg(long, default_value_t = 8787)]
    port: u16,
}

pub fn run(_args: PlaygroundArgs) -> anyhow::Result<i32> {
    anyhow::bail!("the playground is not part of this build yet")
}
