//! `hublint build [IMAGE...]`: lint-gated image build and push with chartpress-compatible tags.
//! The work is in the `hublint-builder` crate; this file maps flags to its options and
//! renders its progress.

use crate::render::{self, Format};
use hublint_builder::{BackendKind, BuildOptions, TerminalUi, Ui};
use hublint_core::{Diagnostic, Workspace};
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args)]
pub struct BuildArgs {
    /// Images to build (chartpress key or full image name); default: every image. A folder
    /// holding chartpress.yaml may be given here too.
    images: Vec<String>,
    /// chartpress.yaml, or the folder holding it (default: the current directory).
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Push each image after building it; values.yaml is updated only after every push
    /// succeeded.
    #[arg(long)]
    push: bool,
    /// Don't build. Alone: compute the tags and write them as chartpress --skip-build does
    /// (for images that already exist); with --push: push images built earlier.
    #[arg(long, alias = "no-build")]
    skip_build: bool,
    /// Print `name:tag` for every image and change nothing.
    #[arg(long, conflicts_with_all = ["push", "dry_run"])]
    list_images: bool,
    /// Print the commands and file edits without running or writing anything.
    #[arg(long)]
    dry_run: bool,
    /// Print a JSON record of what was done on stdout (progress stays on stderr).
    #[arg(long)]
    json: bool,
    /// Use this tag for every image (and the chart version with --bump-chart).
    #[arg(long, conflicts_with = "long")]
    tag: Option<String>,
    /// Keep the `.git.N.hHASH` suffix even on a tagged commit.
    #[arg(long)]
    long: bool,
    /// Override chartpress.yaml's imagePrefix.
    #[arg(long, value_name = "PREFIX")]
    image_prefix: Option<String>,
    /// Build backend: docker, buildah or podman (default: the first found on PATH; docker
    /// only when its engine answers). docker with --platform uses buildx.
    #[arg(long, value_name = "BACKEND", value_parser = parse_backend)]
    builder: Option<BackendKind>,
    /// Build for this platform (e.g. linux/amd64, linux/arm64); repeatable.
    #[arg(long, value_name = "OS/ARCH")]
    platform: Vec<String>,
    /// Push even when files that decide a tag have uncommitted changes.
    #[arg(long, alias = "force")]
    allow_dirty: bool,
    /// Also set Chart.yaml's version (chartpress always does; hublint leaves it alone by default).
    #[arg(long)]
    bump_chart: bool,
    /// For an experimental image: write its hub.image into this hub values file.
    #[arg(long, value_name = "PATH")]
    apply_to: Option<PathBuf>,
    /// Build (and with --push, push) even when the registry already has the tag.
    #[arg(long)]
    force_build: bool,
    /// Push even when the registry already has the tag (building first unless --skip-build).
    #[arg(long)]
    force_push: bool,
    /// Put values.yaml image tags and Chart.yaml versions back to chartpress's placeholders
    /// (`resetTag`, `resetVersion`), as `chartpress --reset` writes them; nothing is built.
    #[arg(long, conflicts_with_all = [
        "push", "skip_build", "list_images", "tag", "long", "image_prefix", "builder",
        "platform", "allow_dirty", "bump_chart", "apply_to", "force_build", "force_push",
    ])]
    reset: bool,
    /// Show the backend's output as it runs.
    #[arg(long, short)]
    verbose: bool,
}

fn parse_backend(s: &str) -> Result<BackendKind, String> {
    BackendKind::parse(s)
        .ok_or_else(|| format!("unknown builder {s:?}: use docker, buildah or podman"))
}

/// Progress on the terminal, with lint results drawn like `hublint check` draws them.
struct CliUi(TerminalUi);

impl Ui for CliUi {
    fn lint(&mut self, ws: &Workspace, diagnostics: &[Diagnostic]) {
        let mut err = std::io::stderr().lock();
        let results = vec![(ws.clone(), diagnostics.to_vec())];
        if render::render(&mut err, &results, Format::Text, true).is_err() {
            self.0.lint(ws, diagnostics);
        }
    }
    fn info(&mut self, message: &str) {
        self.0.info(message)
    }
    fn warn(&mut self, message: &str) {
        self.0.warn(message)
    }
    fn step_start(&mut self, index: usize, total: usize, image: &str, step: &str, command: &str) {
        self.0.step_start(index, total, image, step, command)
    }
    fn step_end(&mut self, image: &str, step: &str, ok: bool, elapsed: Duration) {
        self.0.step_end(image, step, ok, elapsed)
    }
    fn backend_output(&mut self, line: &str) {
        self.0.backend_output(line)
    }
    fn result(&mut self, text: &str) {
        self.0.result(text)
    }
}

pub fn run(args: BuildArgs) -> anyhow::Result<i32> {
    let mut images = Vec::new();
    let mut path = args.config.clone();
    for word in &args.images {
        let p = PathBuf::from(word);
        if path.is_none() && p.is_dir() && p.join("chartpress.yaml").is_file() {
            path = Some(p);
        } else {
            images.push(word.clone());
        }
    }
    let options = BuildOptions {
        path: path.unwrap_or_else(|| PathBuf::from(".")),
        images,
        push: args.push,
        skip_build: args.skip_build,
        list_images: args.list_images,
        dry_run: args.dry_run,
        tag: args.tag,
        long: args.long,
        image_prefix: args.image_prefix,
        builder: args.builder,
        platforms: args.platform,
        allow_dirty: args.allow_dirty,
        bump_chart: args.bump_chart,
        apply_to: args.apply_to,
        force_build: args.force_build,
        force_push: args.force_push,
        reset: args.reset,
    };
    let mut ui = CliUi(TerminalUi::new(args.verbose, args.json));
    let outcome = hublint_builder::run(&options, &mut ui);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&outcome.record)?);
    }
    Ok(outcome.exit_code)
}
