//! `hublint build`: placeholder until the builder crate lands (owned by the builder work).

#[derive(clap::Args)]
pub struct BuildArgs {
    images: Vec<String>,
}

pub fn run(_args: BuildArgs) -> anyhow::Result<i32> {
    anyhow::bail!("`hublint build` is not part of this build yet")
}
