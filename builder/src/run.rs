//! One `hublint build` run, in the order that keeps it safe:
//!
//! 1. load the repository (no process has run yet) and check every image name and tag
//!    against the reference grammar;
//! 2. lint it and stop on any error;
//! 3. compute chartpress tags from git;
//! 4. plan every file edit in memory (a values path that does not exist fails here, before
//!    anything is built or pushed);
//! 5. refuse to push when files that decide a tag have uncommitted changes;
//! 6. check registry credentials, and ask each registry whether it already has the tag
//!    (those images are neither built nor pushed unless forced);
//! 7. build, then push, each image;
//! 8. only when every step succeeded: write the planned edits, each file atomically.
//!
//! `--reset` runs stage 1, plans the placeholder tags and versions (stage 4) and writes them
//! (stage 8); `--list-images` stops after stage 3. Each stage is a function below; they pass
//! the loaded repository ([`Loaded`]), the selected images ([`Selected`], then [`Planned`])
//! and the planned edits ([`EditPlan`]).

use crate::backend::{self, Backend, BackendKind, BuildRequest, CommandLine};
use crate::config::{self, ChartSettings, ImageSettings};
use crate::git::Git;
use crate::prefetch::{Prefetch, RegistryJob, TagJob};
use crate::registry::{self, Access, TagState};
use crate::report::*;
use crate::tag::{self, Identifier};
use crate::values_edit::{self, ImageValue, TextEdit};
use anyhow::{bail, Context as _, Result};
use hublint_core::image_ref;
use hublint_core::model::RepoModel;
use hublint_core::yaml::ScalarStyle;
use hublint_core::{Config, Severity, Workspace};
use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What `hublint build` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The folder holding chartpress.yaml, or the file itself.
    pub path: PathBuf,
    /// Images to act on (chartpress key or full name); empty means all.
    pub images: Vec<String>,
    pub push: bool,
    pub skip_build: bool,
    pub list_images: bool,
    pub dry_run: bool,
    /// Use this tag for every image (and the chart version with `bump_chart`).
    pub tag: Option<String>,
    pub long: bool,
    pub image_prefix: Option<String>,
    pub builder: Option<BackendKind>,
    pub platforms: Vec<String>,
    /// Push even when files that decide a tag have uncommitted changes.
    pub allow_dirty: bool,
    /// Also set Chart.yaml's version, as chartpress does.
    pub bump_chart: bool,
    /// Write an experimental image's `hub.image` into this values file.
    pub apply_to: Option<PathBuf>,
    /// Build even when the registry already has the tag.
    pub force_build: bool,
    /// Push even when the registry already has the tag (building it first unless
    /// `skip_build`).
    pub force_push: bool,
    /// `chartpress --reset`: values.yaml tags and Chart.yaml versions back to the
    /// placeholders; no lint, no git, no build.
    pub reset: bool,
}

/// The outcome: the record, and the process exit code (0 done, 1 refused or failed, 2 bad
/// input).
pub struct Outcome {
    pub record: BuildRecord,
    pub exit_code: i32,
}

/// A failure that stops the run at a stage.
struct Stop {
    stage: &'static str,
    message: String,
    exit_code: i32,
}

fn stop(stage: &'static str, message: impl Into<String>) -> Stop {
    Stop {
        stage,
        message: message.into(),
        exit_code: 1,
    }
}

fn bad_input(message: impl Into<String>) -> Stop {
    Stop {
        stage: "input",
        message: message.into(),
        exit_code: 2,
    }
}

impl From<anyhow::Error> for Stop {
    fn from(e: anyhow::Error) -> Self {
        stop("git", format!("{e:#}"))
    }
}

/// The repository as stage 1 loaded it.
struct Loaded {
    top: PathBuf,
    config_rel: String,
    ws: Workspace,
    model: RepoModel,
    hub_config: Config,
    charts: Vec<ChartSettings>,
}

/// An image the run acts on, before its tag is known.
struct Selected {
    /// Index into [`Loaded::charts`].
    chart: usize,
    settings: ImageSettings,
    name: image_ref::ImageName,
    /// The paths whose history decides its tag.
    paths: Vec<String>,
}

/// One selected image and everything decided about it.
struct Planned {
    model_index: usize,
    settings: ImageSettings,
    key: String,
    name: image_ref::ImageName,
    tag: String,
    reference: String,
    kind: ImageKind,
    identifier: Option<Identifier>,
    build_args: Vec<(String, String)>,
    extra_options: Vec<String>,
    platforms: Vec<String>,
    context: PathBuf,
    dockerfile: PathBuf,
    /// The registry already has `reference`: neither build nor push it.
    present: bool,
    /// The tag's quoting when it comes quoted from chartpress.yaml (`resetTag`).
    tag_quoted: Option<ScalarStyle>,
    record: ImageRecord,
}

/// A planned new text for one values file.
struct FileEdit {
    /// Repository-relative.
    path: String,
    before: String,
    /// Each edit with the values path it sets.
    edits: Vec<(String, TextEdit)>,
    expected: Vec<(String, ImageValue)>,
}

/// A whole-file rewrite: repository-relative path, text read, text to write.
struct Rewrite {
    path: String,
    before: String,
    after: String,
}

/// Every file edit, planned before anything is built.
#[derive(Default)]
struct EditPlan {
    values: Vec<FileEdit>,
    charts: Vec<Rewrite>,
    apply_to: Option<Rewrite>,
}

/// What git and the lint answered (stages 2 and 3).
struct Answers {
    identifiers: Vec<Option<Identifier>>,
    chart_versions: Vec<Identifier>,
    uncommitted: Option<Result<Vec<String>>>,
}

/// Runs `hublint build`. Errors that stop the run are in the record, not in `Err`.
pub fn run(opts: &BuildOptions, ui: &mut dyn Ui) -> Outcome {
    let started = Instant::now();
    let mut record = BuildRecord {
        dry_run: opts.dry_run,
        push: opts.push,
        skip_build: opts.skip_build,
        reset: opts.reset,
        ..Default::default()
    };
    let result = run_inner(opts, ui, &mut record);
    record.elapsed_seconds = started.elapsed().as_secs_f64();
    match result {
        Ok(()) => {
            record.ok = true;
            Outcome {
                record,
                exit_code: 0,
            }
        }
        Err(s) => {
            record.ok = false;
            record.files_changed.clear();
            record.error = Some(s.message.clone());
            record.failed_stage = Some(s.stage.to_string());
            ui.info(&format!("hublint build: {}", s.message));
            Outcome {
                record,
                exit_code: s.exit_code,
            }
        }
    }
}

/// The git top level above `dir`, found without running a process.
fn find_git_top(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

fn rel_path(top: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(top).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// The stages, in the order that keeps a run safe (see the module comment).
fn run_inner(opts: &BuildOptions, ui: &mut dyn Ui, record: &mut BuildRecord) -> Result<(), Stop> {
    check_flags(opts)?;
    let located = locate(opts, record)?;
    let git = Arc::new(Git::at(&located.top));
    // Tags and registry answers are worked out from chartpress.yaml and the history while
    // the repository is loaded and linted (reset reads no history).
    let mut prefetch = (!opts.reset).then(|| {
        let opts = opts.clone();
        let located = located.clone();
        Prefetch::start(git.clone(), located.top.clone(), move || {
            let loaded = load_config_only(&located).ok()?;
            let selected = select_images(&opts, &loaded).ok()?;
            let bumped = bumped_charts(&opts, &loaded, &selected);
            Some(tag_job(&opts, &loaded, &selected, &bumped))
        })
    });
    let loaded = load(opts, located)?;
    let selected = select_images(opts, &loaded)?;
    let Some(prefetch) = prefetch.as_mut() else {
        return reset(opts, &loaded, selected, ui, record);
    };
    let bumped = bumped_charts(opts, &loaded, &selected);
    let git = &*git;
    let answers = lint_and_tag(opts, &loaded, &selected, &bumped, git, prefetch, ui, record)?;
    let identifiers = answers.identifiers;
    let tags: Vec<String> = identifiers
        .iter()
        .map(|id| match &opts.tag {
            Some(t) => t.clone(),
            None => id.as_ref().map(|i| i.version.clone()).unwrap_or_default(),
        })
        .collect();
    let mut planned = plan_images(opts, &loaded, selected, tags, identifiers, false)?;
    if opts.list_images {
        let out: String = planned
            .iter()
            .map(|p| format!("{}\n", p.reference))
            .collect();
        ui.result(&out);
        record.images = planned.into_iter().map(|p| p.record).collect();
        return Ok(());
    }
    if !opts.skip_build {
        expand_build_settings(&loaded, git, &mut planned)?;
    }

    // --- 4. Plan every edit before anything is built. ---
    let chart_versions: Vec<String> = match &opts.tag {
        Some(t) => vec![t.clone(); bumped.len()],
        None => answers
            .chart_versions
            .into_iter()
            .map(|i| i.version)
            .collect(),
    };
    let plan = EditPlan {
        values: plan_values_edits(&loaded, &mut planned, ui, record)?,
        charts: plan_chart_edits(&loaded, &bumped, &chart_versions, &[], record)?,
        apply_to: plan_apply_to(opts, &loaded, &planned)?,
    };
    for p in planned
        .iter_mut()
        .filter(|p| p.kind == ImageKind::Experimental)
    {
        p.record.snippet = Some(values_edit::hub_image_snippet(&[], &p.name.full, &p.tag));
    }

    // --- 5. Uncommitted changes in files that decide a tag. ---
    if let Some(status) = answers.uncommitted {
        check_uncommitted(opts, status?, ui, record)?;
    }

    // --- 6. What the registries already have, then the backend and credentials. ---
    let backend = prepare_backend(opts, &mut planned, prefetch, ui, record)?;

    // --- 7. Build and push. ---
    if let Some(f) = build_and_push(opts, backend.as_ref(), &mut planned, &loaded.top, ui) {
        record.images = planned.into_iter().map(|p| p.record).collect();
        return Err(f);
    }

    // --- 8. Write, only now. ---
    let writes_values = opts.push || opts.skip_build;
    write_files(
        opts,
        &loaded.top,
        plan,
        writes_values,
        &mut planned,
        ui,
        record,
    )?;
    report_done(opts, &planned, ui, record);
    record.images = planned.into_iter().map(|p| p.record).collect();
    Ok(())
}

/// Asks the registries which images they already have (marking those present), then picks
/// the backend and checks push credentials — neither when the registries have every image.
fn prepare_backend(
    opts: &BuildOptions,
    planned: &mut [Planned],
    prefetch: &Prefetch,
    ui: &mut dyn Ui,
    record: &mut BuildRecord,
) -> Result<Option<Backend>, Stop> {
    let asked = if asks_registries(opts) {
        Some(ask_registries(opts, planned, prefetch, ui)?)
    } else {
        None
    };
    let everything_present = asked.is_some() && planned.iter().all(|p| p.present);
    let backend = if everything_present {
        None
    } else {
        select_backend(opts, ui)?
    };
    record.backend = backend.as_ref().map(|b| b.kind.name().to_string());
    if let (Some(b), Some(asked)) = (&backend, &asked) {
        check_push_credentials(opts, b, planned, asked, ui)?;
    }
    for p in planned.iter_mut().filter(|p| p.present) {
        p.record.build = StepRecord::status("in-registry");
        if opts.push {
            p.record.push = StepRecord::status("in-registry");
        }
    }
    Ok(backend)
}

/// After the writes: each experimental image's values snippet, and the `--skip-build`
/// warning when tags were written for images nothing built.
fn report_done(
    opts: &BuildOptions,
    planned: &[Planned],
    ui: &mut dyn Ui,
    record: &mut BuildRecord,
) {
    for p in planned {
        if let Some(snippet) = &p.record.snippet {
            if opts.push || opts.skip_build || opts.dry_run {
                ui.result(&format!(
                    "# {} is experimental: no file was changed. To try it on a hub, set in its values\n# (under `jupyterhub:` for basehub hubs, `basehub: jupyterhub:` for daskhub):\n{snippet}",
                    p.key
                ));
            }
        }
    }
    if opts.skip_build && !opts.push && !record.files_changed.is_empty() {
        let msg = "--skip-build: tags were written without building or pushing; make sure these images exist in their registry".to_string();
        ui.warn(&msg);
        record.warnings.push(msg);
    }
}

/// Flags checked before anything is read.
fn check_flags(opts: &BuildOptions) -> Result<(), Stop> {
    if let Some(t) = &opts.tag {
        image_ref::check_tag(t).map_err(|e| bad_input(format!("--tag: {e}")))?;
    }
    for p in &opts.platforms {
        if p.is_empty()
            || !p
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/_.-".contains(&b))
        {
            return Err(bad_input(format!(
                "--platform {p:?} is not an OS/ARCH[/VARIANT] name"
            )));
        }
    }
    Ok(())
}

/// Whether stage 6 asks the registries which tags they have (it does when something could
/// be built or pushed).
fn asks_registries(opts: &BuildOptions) -> bool {
    (!opts.skip_build || opts.push) && !opts.dry_run && !opts.list_images && !opts.reset
}

/// Where the run works: chartpress.yaml's folder and name, the git top level, and the
/// config's repository-relative path.
#[derive(Clone)]
struct Located {
    dir: PathBuf,
    config_name: String,
    top: PathBuf,
    config_rel: String,
}

/// Stage 1a: finds chartpress.yaml and the git top level above it.
fn locate(opts: &BuildOptions, record: &mut BuildRecord) -> Result<Located, Stop> {
    let given = opts
        .path
        .canonicalize()
        .map_err(|e| bad_input(format!("{}: {e}", opts.path.display())))?;
    let (dir, config_name) = if given.is_dir() {
        (given.clone(), "chartpress.yaml".to_string())
    } else {
        let name = given
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        (given.parent().unwrap_or(Path::new("/")).to_path_buf(), name)
    };
    if !dir.join(&config_name).is_file() {
        return Err(bad_input(format!(
            "no {config_name} in {}: run `hublint build` where chartpress.yaml is, or give its folder",
            dir.display()
        )));
    }
    let top = find_git_top(&dir).ok_or_else(|| {
        stop(
            "input",
            format!(
                "{} is not inside a git repository: chartpress tags come from git history",
                dir.display()
            ),
        )
    })?;
    let config_rel = rel_path(&top, &dir.join(&config_name))
        .ok_or_else(|| bad_input("chartpress.yaml is outside the git work tree"))?;
    record.config = config_rel.clone();
    Ok(Located {
        dir,
        config_name,
        top,
        config_rel,
    })
}

/// Stage 1b: the repository around the config, parsed and modelled. No process runs here.
/// --list-images and --reset read only chartpress.yaml; everything else needs the whole
/// repository for the lint.
fn load(opts: &BuildOptions, located: Located) -> Result<Loaded, Stop> {
    if opts.list_images || opts.reset {
        return load_config_only(&located);
    }
    let loaded = hublint_discover::load(&located.top).map_err(|e| {
        stop(
            "input",
            format!("cannot load {}: {e:#}", located.top.display()),
        )
    })?;
    // A chartpress config under another name is not found by the walk.
    let mut ws = loaded.ws;
    if !ws.contains(&located.config_rel) {
        ws.insert_text(&located.config_rel, read_config(&located)?);
    }
    modelled(located, ws, loaded.config)
}

/// chartpress.yaml alone (and .hublint.yaml's settings), parsed and modelled.
fn load_config_only(located: &Located) -> Result<Loaded, Stop> {
    let mut ws = Workspace::new();
    ws.insert_text(&located.config_rel, read_config(located)?);
    let config = std::fs::read_to_string(located.top.join(hublint_core::config::CONFIG_FILE))
        .map(|t| Config::parse(&t))
        .unwrap_or_default();
    modelled(located.clone(), ws, config)
}

fn read_config(located: &Located) -> Result<String, Stop> {
    std::fs::read_to_string(located.dir.join(&located.config_name))
        .map_err(|e| bad_input(format!("{}: {e}", located.config_rel)))
}

/// The files parsed, the repository modelled, and chartpress.yaml's charts read.
fn modelled(located: Located, ws: Workspace, hub_config: Config) -> Result<Loaded, Stop> {
    let Located {
        top, config_rel, ..
    } = located;
    ws.parse_all();
    let model = RepoModel::build(&ws, &hub_config);
    if let Some(err) = ws
        .get(&config_rel)
        .and_then(|f| f.yaml())
        .and_then(|y| y.errors.first())
    {
        return Err(stop("input", format!("{config_rel}: {}", err.message)));
    }
    let charts = config::read(&ws, &model, &config_rel);
    if charts.iter().all(|c| c.images.is_empty()) {
        return Err(bad_input(format!("{config_rel} defines no images")));
    }
    Ok(Loaded {
        top,
        config_rel,
        ws,
        model,
        hub_config,
        charts,
    })
}

impl Loaded {
    /// An image's full name: `imageName`, or the chart's prefix (or `--image-prefix`) and
    /// its key.
    fn full_name(&self, opts: &BuildOptions, chart: &ChartSettings, s: &ImageSettings) -> String {
        let img = &self.model.images[s.model_index];
        if let Some(n) = &img.image_name {
            return n.value.clone();
        }
        let prefix = opts.image_prefix.clone().unwrap_or_else(|| {
            self.model
                .chartpress
                .iter()
                .find(|cp| cp.file == self.config_rel)
                .and_then(|cp| cp.charts.iter().find(|ch| ch.chart_dir == chart.chart_dir))
                .and_then(|ch| ch.image_prefix.as_ref().map(|p| p.value.clone()))
                .unwrap_or_default()
        });
        format!("{prefix}{}", img.key.value)
    }
}

/// The images named on the command line (all by default), with names checked against the
/// reference grammar and paths inside the repository.
fn select_images(opts: &BuildOptions, loaded: &Loaded) -> Result<Vec<Selected>, Stop> {
    let all: Vec<(usize, &ImageSettings, String)> = loaded
        .charts
        .iter()
        .enumerate()
        .flat_map(|(ci, c)| {
            c.images
                .iter()
                .map(move |s| (ci, s, loaded.full_name(opts, c, s)))
        })
        .collect();
    for want in &opts.images {
        if !all
            .iter()
            .any(|(_, s, full)| &s.key == want || full == want)
        {
            let known: Vec<&str> = all.iter().map(|(_, s, _)| s.key.as_str()).collect();
            return Err(bad_input(format!(
                "no image {want:?} in {} (images: {})",
                loaded.config_rel,
                known.join(", ")
            )));
        }
    }
    let mut selected = Vec::new();
    for (chart, s, full) in all {
        if !opts.images.is_empty() && !opts.images.iter().any(|w| w == &s.key || w == &full) {
            continue;
        }
        let name = image_ref::parse_name(&full)
            .map_err(|e| bad_input(format!("image {}: {e}; nothing was run", s.key)))?;
        let img = &loaded.model.images[s.model_index];
        for p in [&img.context_path.value, &img.dockerfile_path.value] {
            if p.starts_with("..") || p.starts_with('/') {
                return Err(bad_input(format!(
                    "image {}: {p} is outside the repository",
                    s.key
                )));
            }
        }
        selected.push(Selected {
            chart,
            settings: s.clone(),
            name,
            paths: config::image_paths(img, s),
        });
    }
    Ok(selected)
}

/// Charts whose version `--bump-chart` sets: those of the selected images.
fn bumped_charts(opts: &BuildOptions, loaded: &Loaded, selected: &[Selected]) -> Vec<usize> {
    if !opts.bump_chart {
        return Vec::new();
    }
    let dirs: Vec<&str> = selected
        .iter()
        .map(|s| loaded.charts[s.chart].chart_dir.as_str())
        .collect();
    (0..loaded.charts.len())
        .filter(|ci| dirs.contains(&loaded.charts[*ci].chart_dir.as_str()))
        .collect()
}

/// What the tags are computed from (the selected images' paths, then the bumped charts'),
/// and the registry questions the run will ask about them.
fn tag_job(
    opts: &BuildOptions,
    loaded: &Loaded,
    selected: &[Selected],
    bumped: &[usize],
) -> TagJob {
    // With --tag, chartpress reads no baseVersion.
    let base_of = |c: &ChartSettings| -> Option<String> {
        opts.tag.is_none().then(|| c.base_version.clone()).flatten()
    };
    let chart_requests: Vec<tag::Request> = if opts.tag.is_none() {
        bumped
            .iter()
            .map(|&ci| {
                let c = &loaded.charts[ci];
                tag::Request {
                    paths: config::chart_paths(c, &loaded.model, &loaded.config_rel),
                    long: opts.long,
                    base_version: base_of(c),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut requests: Vec<tag::Request> = selected
        .iter()
        .map(|s| tag::Request {
            paths: s.paths.clone(),
            long: opts.long,
            base_version: base_of(&loaded.charts[s.chart]),
        })
        .collect();
    requests.extend(chart_requests);
    let mut tag_paths: Vec<String> = selected.iter().flat_map(|s| s.paths.clone()).collect();
    tag_paths.sort();
    tag_paths.dedup();
    let wants_status = (opts.push || opts.skip_build) && !opts.list_images;
    TagJob {
        requests,
        registry: asks_registries(opts).then(|| RegistryJob {
            tag: opts.tag.clone(),
            images: selected
                .iter()
                .map(|s| (s.name.clone(), platforms_for(opts, &s.settings)))
                .collect(),
            ask: !(opts.force_build || opts.force_push),
        }),
        status_paths: wants_status.then_some(tag_paths),
    }
}

/// Stages 2 and 3: lint, and meanwhile compute the tags and ask the registries about them
/// (read-only; nothing is built or written before the lint result is known).
#[allow(clippy::too_many_arguments)]
fn lint_and_tag(
    opts: &BuildOptions,
    loaded: &Loaded,
    selected: &[Selected],
    bumped: &[usize],
    git: &Git,
    prefetch: &mut Prefetch,
    ui: &mut dyn Ui,
    record: &mut BuildRecord,
) -> Result<Answers, Stop> {
    let job = tag_job(opts, loaded, selected, bumped);
    prefetch.submit(&job);
    let diagnostics = (!opts.list_images).then(|| {
        hublint_core::check::check_with_model(&loaded.ws, &loaded.model, &loaded.hub_config)
    });
    if let Some(diagnostics) = diagnostics {
        report_lint(loaded, &diagnostics, ui, record)?;
    }
    let computed = identifiers_of(prefetch.tags_for(git, &job), selected, opts);
    let uncommitted = prefetch.uncommitted(git, &job);
    let (identifiers, chart_versions) = computed.map_err(|e| {
        // Asked only on failure: one process less on every run.
        if git.has_commits() {
            e
        } else {
            stop(
                "git",
                "the repository has no commits yet: commit before building",
            )
        }
    })?;
    Ok(Answers {
        identifiers,
        chart_versions,
        uncommitted,
    })
}

/// Shows the lint's diagnostics and stops on any error.
fn report_lint(
    loaded: &Loaded,
    diagnostics: &[hublint_core::Diagnostic],
    ui: &mut dyn Ui,
    record: &mut BuildRecord,
) -> Result<(), Stop> {
    record.lint = LintSummary {
        ran: true,
        errors: count(diagnostics, Severity::Error),
        warnings: count(diagnostics, Severity::Warning),
        infos: count(diagnostics, Severity::Info),
    };
    for e in &loaded.hub_config.errors {
        ui.warn(&e.message);
    }
    if !diagnostics.is_empty() {
        ui.lint(&loaded.ws, diagnostics);
    }
    if record.lint.errors > 0 {
        return Err(stop(
            "lint",
            format!(
                "refusing to build: hublint found {} error{} (fix them, or configure the rule in .hublint.yaml)",
                record.lint.errors,
                if record.lint.errors == 1 { "" } else { "s" }
            ),
        ));
    }
    Ok(())
}

/// Each selected image with its tag, kind, platforms and record. `reset` plans as
/// `chartpress --reset` does: every image with a `valuesPath` is written, experimental or not.
fn plan_images(
    opts: &BuildOptions,
    loaded: &Loaded,
    selected: Vec<Selected>,
    tags: Vec<String>,
    identifiers: Vec<Option<Identifier>>,
    reset: bool,
) -> Result<Vec<Planned>, Stop> {
    let mut planned = Vec::with_capacity(selected.len());
    for ((s, image_tag), identifier) in selected.into_iter().zip(tags).zip(identifiers) {
        let key = s.settings.key.clone();
        let img = &loaded.model.images[s.settings.model_index];
        image_ref::check_tag(&image_tag).map_err(|e| stop("input", format!("image {key}: {e}")))?;
        let reference = format!("{}:{image_tag}", s.name.full);
        let experimental = loaded.hub_config.is_experimental(&s.name.full).is_some()
            || loaded.hub_config.is_experimental(&key).is_some();
        let kind = if img.values_paths.is_empty() {
            if experimental {
                ImageKind::Experimental
            } else {
                ImageKind::Unlisted
            }
        } else if experimental && !reset {
            ImageKind::Experimental
        } else {
            ImageKind::Main
        };
        let platforms = platforms_for(opts, &s.settings);
        planned.push(Planned {
            model_index: s.settings.model_index,
            key: key.clone(),
            tag: image_tag.clone(),
            reference: reference.clone(),
            kind,
            build_args: Vec::new(),
            extra_options: Vec::new(),
            platforms,
            context: loaded.top.join(&img.context_path.value),
            dockerfile: loaded.top.join(&img.dockerfile_path.value),
            present: false,
            tag_quoted: reset
                .then(|| loaded.charts[s.chart].reset_tag_quoted)
                .flatten(),
            record: ImageRecord {
                key,
                name: s.name.full.clone(),
                tag: image_tag,
                reference,
                kind,
                commit: identifier.as_ref().map(|i| i.commit.clone()),
                commit_count: identifier.as_ref().map(|i| i.commit_count),
                paths: s.paths,
                build: StepRecord::status("skipped"),
                push: StepRecord::status("skipped"),
                registry: None,
                values: Vec::new(),
                snippet: None,
            },
            identifier,
            settings: s.settings,
            name: s.name,
        });
    }
    Ok(planned)
}

/// The platforms an image is built for: `--platform`'s, less the image's `skipPlatforms`.
fn platforms_for(opts: &BuildOptions, settings: &ImageSettings) -> Vec<String> {
    opts.platforms
        .iter()
        .filter(|p| !settings.skip_platforms.contains(p))
        .cloned()
        .collect()
}

/// Build arguments and extra options may be templates over LAST_COMMIT, TAG and BRANCH, as
/// in chartpress; the context and Dockerfile must exist.
fn expand_build_settings(loaded: &Loaded, git: &Git, planned: &mut [Planned]) -> Result<(), Stop> {
    let mut branch: Option<String> = None;
    for p in planned {
        let img = &loaded.model.images[p.model_index];
        let mut ns = BTreeMap::new();
        let last_commit = p
            .identifier
            .as_ref()
            .map(|i| i.commit.clone())
            .unwrap_or_default();
        ns.insert("LAST_COMMIT", last_commit);
        ns.insert("TAG", p.tag.clone());
        let wants_branch = img
            .build_args
            .iter()
            .any(|a| a.value.value.contains("{BRANCH}"))
            || p.settings
                .extra_build_command_options
                .iter()
                .any(|o| o.contains("{BRANCH}"));
        if wants_branch && branch.is_none() {
            branch = Some(git.branch()?);
        }
        ns.insert("BRANCH", branch.clone().unwrap_or_default());
        for a in &img.build_args {
            let v = expand_template(&a.value.value, &ns).map_err(|e| {
                stop(
                    "input",
                    format!("image {}: buildArgs.{}: {e}", p.key, a.name),
                )
            })?;
            p.build_args.push((a.name.clone(), v));
        }
        for o in &p.settings.extra_build_command_options {
            let v = expand_template(o, &ns).map_err(|e| {
                stop(
                    "input",
                    format!("image {}: extraBuildCommandOptions: {e}", p.key),
                )
            })?;
            p.extra_options.push(v);
        }
        let missing = if !p.context.is_dir() {
            Some(("build context", &p.context))
        } else if !p.dockerfile.is_file() {
            Some(("Dockerfile", &p.dockerfile))
        } else {
            None
        };
        if let Some((what, path)) = missing {
            return Err(stop(
                "input",
                format!("image {}: {what} {} does not exist", p.key, path.display()),
            ));
        }
    }
    Ok(())
}

/// The values.yaml edits of every main image, applied and read back in memory.
fn plan_values_edits(
    loaded: &Loaded,
    planned: &mut [Planned],
    ui: &mut dyn Ui,
    record: &mut BuildRecord,
) -> Result<Vec<FileEdit>, Stop> {
    let mut files: Vec<FileEdit> = Vec::new();
    let mut values_owner: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
    for p in planned.iter_mut().filter(|p| p.kind == ImageKind::Main) {
        let img = &loaded.model.images[p.model_index];
        let values_file = hublint_core::workspace::join(&img.chart_dir, "values.yaml");
        let at = match files.iter().position(|f| f.path == values_file) {
            Some(at) => at,
            None => {
                let text = std::fs::read_to_string(loaded.top.join(&values_file)).map_err(|e| {
                    stop(
                        "values",
                        format!("image {}: cannot read {values_file}: {e}", p.key),
                    )
                })?;
                files.push(FileEdit {
                    path: values_file.clone(),
                    before: text,
                    edits: Vec::new(),
                    expected: Vec::new(),
                });
                files.len() - 1
            }
        };
        let fe = &mut files[at];
        // The lint parsed this very text already (unless it changed on disk since).
        let reparsed;
        let parsed = match loaded
            .ws
            .get(&values_file)
            .filter(|f| f.text() == Some(fe.before.as_str()))
            .and_then(|f| f.yaml())
        {
            Some(parsed) => parsed,
            None => {
                reparsed = values_edit::parse_values(&fe.before);
                &*reparsed
            }
        };
        let value = ImageValue {
            name: p.name.full.clone(),
            tag: p.tag.clone(),
        };
        for vp in &img.values_paths {
            let edits = values_edit::image_edits_parsed(
                &fe.before,
                parsed,
                &vp.value,
                &value,
                p.tag_quoted,
            )
            .map_err(|e| {
                stop(
                    "values",
                    format!(
                        "image {}: cannot set {} in {values_file}: {e:#}",
                        p.key, vp.value
                    ),
                )
            })?;
            let owner = (p.key.clone(), p.reference.clone());
            if let Some((prev, prev_reference)) =
                values_owner.insert((values_file.clone(), vp.value.clone()), owner)
            {
                if prev_reference != p.reference {
                    let msg = format!(
                        "images {prev} and {} both write {} in {values_file}; the later one ({}) wins, as with chartpress",
                        p.key, vp.value, p.key
                    );
                    ui.warn(&msg);
                    record.warnings.push(msg);
                }
                // The earlier image's edits of this path are replaced by this one's.
                fe.expected.retain(|(path, _)| path != &vp.value);
                fe.edits.retain(|(path, _)| path != &vp.value);
            }
            let before = values_edit::read_image_parsed(parsed, &vp.value)
                .ok()
                .map(|v| format!("{}:{}", v.name, v.tag));
            p.record.values.push(ValuesRecord {
                file: values_file.clone(),
                path: vp.value.clone(),
                before,
                after: format!("{}:{}", value.name, value.tag),
                written: false,
            });
            fe.edits
                .extend(edits.into_iter().map(|e| (vp.value.clone(), e)));
            fe.expected.push((vp.value.clone(), value.clone()));
        }
    }
    // The edits of one file must apply and read back before anything is built.
    for fe in &files {
        let after = fe.apply()?;
        values_edit::verify_images(&after, &fe.expected)
            .map_err(|e| stop("values", format!("{}: {e:#}", fe.path)))?;
    }
    Ok(files)
}

impl FileEdit {
    fn apply(&self) -> Result<String, Stop> {
        let edits: Vec<TextEdit> = self.edits.iter().map(|(_, e)| e.clone()).collect();
        values_edit::apply(&self.before, &edits)
            .map_err(|e| stop("values", format!("{}: {e:#}", self.path)))
    }
}

/// Chart.yaml's `version` of each chart in `charts` (indices), set to `versions[i]` (quoted
/// as `quoted[i]` says, when given).
fn plan_chart_edits(
    loaded: &Loaded,
    charts: &[usize],
    versions: &[String],
    quoted: &[Option<ScalarStyle>],
    record: &mut BuildRecord,
) -> Result<Vec<Rewrite>, Stop> {
    let mut out = Vec::new();
    for (i, (&ci, version)) in charts.iter().zip(versions).enumerate() {
        let version = tag::fix_chart_version(version);
        let file = hublint_core::workspace::join(&loaded.charts[ci].chart_dir, "Chart.yaml");
        let before = std::fs::read_to_string(loaded.top.join(&file))
            .map_err(|e| stop("values", format!("cannot read {file}: {e}")))?;
        let style = quoted.get(i).copied().flatten();
        let edits = values_edit::chart_version_edits(&before, &version, style)
            .map_err(|e| stop("values", format!("{file}: {e:#}")))?;
        let after = values_edit::apply(&before, &edits)
            .map_err(|e| stop("values", format!("{file}: {e:#}")))?;
        let old = hublint_core::yaml::parse(&before)
            .docs
            .first()
            .and_then(|d| {
                d.get("version")
                    .and_then(|v| v.as_str().map(str::to_string))
            });
        record.charts.push(ChartRecord {
            file: file.clone(),
            version,
            before: old,
            written: false,
        });
        out.push(Rewrite {
            path: file,
            before,
            after,
        });
    }
    Ok(out)
}

/// `--apply-to PATH`: the one selected experimental image's `hub.image` in that hub's values.
fn plan_apply_to(
    opts: &BuildOptions,
    loaded: &Loaded,
    planned: &[Planned],
) -> Result<Option<Rewrite>, Stop> {
    let Some(target) = &opts.apply_to else {
        return Ok(None);
    };
    let experimental: Vec<&Planned> = planned
        .iter()
        .filter(|p| p.kind == ImageKind::Experimental)
        .collect();
    let [p] = experimental.as_slice() else {
        return Err(bad_input(format!(
            "--apply-to needs exactly one experimental image selected ({} are); name it: hublint build IMAGE --apply-to ...",
            experimental.len()
        )));
    };
    let abs = if target.is_absolute() {
        target.clone()
    } else {
        std::env::current_dir().unwrap_or_default().join(target)
    };
    let abs = abs
        .canonicalize()
        .map_err(|e| bad_input(format!("--apply-to {}: {e}", target.display())))?;
    let rel = rel_path(&loaded.top, &abs)
        .ok_or_else(|| bad_input("--apply-to: the file is outside the repository"))?;
    let before =
        std::fs::read_to_string(&abs).map_err(|e| bad_input(format!("--apply-to {rel}: {e}")))?;
    let prefix = nesting_for(&loaded.model, &rel, &before);
    let edits = values_edit::hub_image_edits(&before, &prefix, &p.name.full, &p.tag)
        .map_err(|e| stop("values", format!("--apply-to {rel}: {e:#}")))?;
    let after =
        values_edit::apply(&before, &edits).map_err(|e| stop("values", format!("{rel}: {e:#}")))?;
    let mut path = prefix.clone();
    path.extend(["hub".to_string(), "image".to_string()]);
    let got = values_edit::read_image(&after, &path.join(".")).map_err(|e| {
        stop(
            "values",
            format!("--apply-to {rel}: the edit does not read back: {e:#}"),
        )
    })?;
    if got.name != p.name.full || got.tag != p.tag {
        return Err(stop(
            "values",
            format!("--apply-to {rel}: the edit does not read back"),
        ));
    }
    Ok(Some(Rewrite {
        path: rel,
        before,
        after,
    }))
}

/// Stage 5: files that decide a tag have uncommitted changes: refuse to push, or warn.
fn check_uncommitted(
    opts: &BuildOptions,
    dirty: Vec<String>,
    ui: &mut dyn Ui,
    record: &mut BuildRecord,
) -> Result<(), Stop> {
    if dirty.is_empty() {
        return Ok(());
    }
    let list = dirty
        .iter()
        .take(10)
        .map(|f| format!("  {f}"))
        .collect::<Vec<_>>()
        .join("\n");
    let more = if dirty.len() > 10 {
        format!("\n  … and {} more", dirty.len() - 10)
    } else {
        String::new()
    };
    if opts.push && !opts.allow_dirty && opts.tag.is_none() {
        return Err(stop(
            "dirty",
            format!(
                "refusing to push: files that decide the image tags have uncommitted changes, so the tags would not describe what is built:\n{list}{more}\ncommit them, or pass --allow-dirty"
            ),
        ));
    }
    let msg = format!("files that decide the image tags have uncommitted changes (the tags describe the last commit):\n{list}{more}");
    ui.warn(&msg);
    record.warnings.push(msg);
    Ok(())
}

/// The build backend, when the run builds or pushes (in a dry run, a stand-in when none is
/// installed, so the commands can be shown).
fn select_backend(opts: &BuildOptions, ui: &mut dyn Ui) -> Result<Option<Backend>, Stop> {
    if opts.skip_build && !opts.push {
        return Ok(None);
    }
    match Backend::select(opts.builder, &opts.platforms) {
        Ok(b) => Ok(Some(b)),
        Err(e) if opts.dry_run => {
            let kind = opts.builder.unwrap_or(BackendKind::Docker);
            ui.warn(&format!("{e:#}; showing {} commands", kind.name()));
            Ok(Some(Backend {
                kind,
                program: PathBuf::from(kind.program()),
            }))
        }
        Err(e) => Err(stop("build", format!("{e:#}"))),
    }
}

/// `--reset`, as `chartpress --reset`: every image with a `valuesPath` back to its chart's
/// `resetTag` and every chart's version to its `resetVersion`. No lint, no git, no build.
fn reset(
    opts: &BuildOptions,
    loaded: &Loaded,
    selected: Vec<Selected>,
    ui: &mut dyn Ui,
    record: &mut BuildRecord,
) -> Result<(), Stop> {
    if !opts.images.is_empty() {
        return Err(bad_input(
            "--reset resets every image, as `chartpress --reset` does: name no image",
        ));
    }
    let tags: Vec<String> = selected
        .iter()
        .map(|s| loaded.charts[s.chart].reset_tag.clone())
        .collect();
    let identifiers = vec![None; selected.len()];
    let mut planned = plan_images(opts, loaded, selected, tags, identifiers, true)?;
    let charts: Vec<usize> = (0..loaded.charts.len()).collect();
    let versions: Vec<String> = loaded
        .charts
        .iter()
        .map(|c| c.reset_version.clone())
        .collect();
    let quoted: Vec<Option<ScalarStyle>> = loaded
        .charts
        .iter()
        .map(|c| c.reset_version_quoted)
        .collect();
    let plan = EditPlan {
        values: plan_values_edits(loaded, &mut planned, ui, record)?,
        charts: plan_chart_edits(loaded, &charts, &versions, &quoted, record)?,
        apply_to: None,
    };
    write_files(opts, &loaded.top, plan, true, &mut planned, ui, record)?;
    record.images = planned.into_iter().map(|p| p.record).collect();
    Ok(())
}

/// What stage 6 learnt from the registries.
struct Asked {
    client: registry::Client,
    /// Registries that answered without asking for credentials.
    open: Vec<String>,
}

/// Stage 6: which tags each registry already has (those images are neither built nor pushed
/// unless forced). One HTTP exchange per image, all at once, with the credentials docker,
/// podman or buildah hold; no process.
fn ask_registries(
    opts: &BuildOptions,
    planned: &mut [Planned],
    prefetch: &Prefetch,
    ui: &mut dyn Ui,
) -> Result<Asked, Stop> {
    let prefetched = prefetch.registry_answers();
    let mut open: Vec<String> = Vec::new();
    if opts.force_build || opts.force_push {
        let client = match prefetched {
            Some(p) => p.client,
            None => registry::Client::new(crate::credentials::Credentials::load()),
        };
        return Ok(Asked { client, open });
    }
    // The questions were asked as soon as the tags were known; asked again here only if
    // they were not all asked about exactly these references.
    let (client, answers) = match prefetched {
        Some(p)
            if p.answers.len() == planned.len()
                && p.answers.iter().zip(planned.iter()).all(
                    |(a, p)| matches!(a, Some((reference, _)) if *reference == p.reference),
                ) =>
        {
            let answers = p.answers.into_iter().flatten().map(|(_, a)| a).collect();
            (p.client, answers)
        }
        other => {
            let client = match other {
                Some(p) => p.client,
                None => registry::Client::new(crate::credentials::Credentials::load()),
            };
            let questions: Vec<(&image_ref::ImageName, &str, &[String])> = planned
                .iter()
                .map(|p| (&p.name, p.tag.as_str(), p.platforms.as_slice()))
                .collect();
            let answers = client.has_tags(&questions);
            (client, answers)
        }
    };
    for (p, answer) in planned.iter_mut().zip(answers) {
        p.record.registry = Some(answer.state.as_str().to_string());
        let registry = p.name.registry();
        match answer.state {
            TagState::Present => {
                p.present = true;
                ui.info(&format!(
                    "{}: {registry} already has it; not building or pushing (--force-build, --force-push)",
                    p.reference
                ));
            }
            TagState::Absent => {}
            TagState::Denied => {
                return Err(stop(
                    "login",
                    format!(
                        "{registry} refused to say whether it has {} ({}): run `{}` first (nothing was built)",
                        p.reference,
                        answer.detail,
                        login_hint(opts, registry)
                    ),
                ))
            }
            TagState::Unknown => ui.info(&format!(
                "note: could not ask {registry} whether it has {}: {}",
                p.reference, answer.detail
            )),
        }
        if answer.anonymous_ok && matches!(answer.state, TagState::Present | TagState::Absent) {
            open.push(registry.to_string());
        }
    }
    Ok(Asked { client, open })
}

/// The login command to suggest before a backend is chosen: `--builder`'s, else that of the
/// first tool on PATH (no process is run to choose).
fn login_hint(opts: &BuildOptions, registry: &str) -> String {
    let kind = opts.builder.unwrap_or_else(|| {
        [
            BackendKind::Docker,
            BackendKind::Podman,
            BackendKind::Buildah,
        ]
        .into_iter()
        .find(|k| backend::which(k.program()).is_some())
        .unwrap_or(BackendKind::Docker)
    });
    Backend {
        kind,
        program: PathBuf::from(kind.program()),
    }
    .login_hint(registry)
}

/// Stage 6, with `--push`: credentials for each registry still to be pushed to. A registry
/// that answered without asking for any, or for which an auth file holds some, needs no
/// process; otherwise the backend is asked.
fn check_push_credentials(
    opts: &BuildOptions,
    backend: &Backend,
    planned: &[Planned],
    asked: &Asked,
    ui: &mut dyn Ui,
) -> Result<(), Stop> {
    if !opts.push {
        return Ok(());
    }
    let mut registries: Vec<&str> = planned
        .iter()
        .filter(|p| !p.present)
        .map(|p| p.name.registry())
        .collect();
    registries.sort();
    registries.dedup();
    for reg in registries {
        if asked.open.iter().any(|r| r == reg) || asked.client.credentials.has(reg) {
            continue;
        }
        match registry::check_access(backend, reg) {
            Access::LoggedIn | Access::Anonymous => {}
            Access::NeedsLogin { hint } => {
                return Err(stop(
                    "login",
                    format!(
                    "{} reports no credentials for {reg}: run `{hint}` first (nothing was built)",
                    backend.kind.name()
                ),
                ))
            }
            Access::Unknown { note } => ui.info(&format!("note: {note}")),
        }
    }
    Ok(())
}

/// Stage 8: every planned edit, each file atomically, after checking nobody changed it
/// meanwhile. Values files only when `writes_values` (something was pushed, or
/// `--skip-build` / `--reset`).
fn write_files(
    opts: &BuildOptions,
    top: &Path,
    plan: EditPlan,
    writes_values: bool,
    planned: &mut [Planned],
    ui: &mut dyn Ui,
    record: &mut BuildRecord,
) -> Result<(), Stop> {
    let mut writes: Vec<Rewrite> = Vec::new();
    if writes_values {
        for fe in &plan.values {
            let after = fe.apply().map_err(|s| stop("write", s.message))?;
            writes.push(Rewrite {
                path: fe.path.clone(),
                before: fe.before.clone(),
                after,
            });
        }
        writes.extend(plan.charts);
        writes.extend(plan.apply_to);
    } else if !plan.values.is_empty() || !plan.charts.is_empty() || plan.apply_to.is_some() {
        ui.info("nothing was pushed, so no file was changed (add --push, or --skip-build to only set the tags)");
    }
    for w in &writes {
        if w.before == w.after {
            continue;
        }
        if opts.dry_run {
            ui.info(&format!("would edit {}:", w.path));
            ui.info(&line_diff(&w.before, &w.after));
            continue;
        }
        // Someone may have edited the file meanwhile: never overwrite their change.
        let now = std::fs::read_to_string(top.join(&w.path)).unwrap_or_default();
        if now != w.before {
            return Err(stop("write", format!("{} changed while building; not overwriting it (set the tag by hand or run again)", w.path)));
        }
        hublint_discover::write_atomic(&top.join(&w.path), w.after.as_bytes())
            .map_err(|e| stop("write", format!("cannot replace {}: {e}", w.path)))?;
        record.files_changed.push(w.path.clone());
        ui.info(&format!("updated {}", w.path));
    }
    let wrote = |path: &str| !opts.dry_run && record.files_changed.iter().any(|f| f == path);
    for p in planned.iter_mut() {
        for v in &mut p.record.values {
            v.written = wrote(&v.file)
                || (!opts.dry_run
                    && writes_values
                    && v.before.as_deref() == Some(v.after.as_str()));
        }
    }
    for c in &mut record.charts {
        c.written = wrote(&c.file);
    }
    Ok(())
}

fn count(diags: &[hublint_core::Diagnostic], severity: Severity) -> usize {
    diags.iter().filter(|d| d.severity == severity).count()
}

/// Builds and pushes every planned image in order, stopping at the first failure.
fn build_and_push(
    opts: &BuildOptions,
    backend: Option<&Backend>,
    planned: &mut [Planned],
    top: &Path,
    ui: &mut dyn Ui,
) -> Option<Stop> {
    let b = backend?;
    let total = planned.len();
    for (i, p) in planned.iter_mut().enumerate() {
        if p.present {
            continue;
        }
        if !opts.platforms.is_empty() && p.platforms.is_empty() {
            ui.info(&format!(
                "{}: every platform is in its skipPlatforms; skipped",
                p.key
            ));
            continue;
        }
        let step = Step {
            index: i + 1,
            total,
            key: &p.key,
            dry_run: opts.dry_run,
            top,
        };
        if !opts.skip_build {
            let req = BuildRequest {
                reference: &p.reference,
                context: &p.context,
                dockerfile: &p.dockerfile,
                build_args: &p.build_args,
                extra_options: &p.extra_options,
                platforms: &p.platforms,
                push: opts.push,
            };
            let cmd = b.build_command(&req);
            if let Err(tail) = step.run("build", &cmd, &mut p.record.build, ui) {
                let pushing = b.pushes_in_build() && opts.push;
                let hint = if pushing {
                    credentials_hint(b, &tail, &p.name)
                } else {
                    String::new()
                };
                return Some(stop(
                    if pushing { "push" } else { "build" },
                    format!("building {} failed{hint}; no file was changed", p.reference),
                ));
            }
        }
        if !opts.push {
            continue;
        }
        let Some(cmd) = b.push_command(&p.reference, &p.platforms) else {
            p.record.push = StepRecord {
                status: if opts.dry_run { "planned" } else { "ok" }.into(),
                command: Some("(pushed by the build: docker buildx --push)".into()),
                seconds: Some(0.0),
            };
            continue;
        };
        if let Err(tail) = step.run("push", &cmd, &mut p.record.push, ui) {
            let hint = credentials_hint(b, &tail, &p.name);
            return Some(stop(
                "push",
                format!("pushing {} failed{hint}; no file was changed", p.reference),
            ));
        }
    }
    None
}

/// The build and push steps of one image, as the progress display numbers them.
struct Step<'a> {
    index: usize,
    total: usize,
    key: &'a str,
    dry_run: bool,
    /// Where the commands run.
    top: &'a Path,
}

impl Step<'_> {
    /// Runs the `name` step (or says what it would run) and records it; on failure shows
    /// the output's last lines and returns them.
    fn run(
        &self,
        name: &str,
        cmd: &CommandLine,
        record: &mut StepRecord,
        ui: &mut dyn Ui,
    ) -> Result<(), Vec<String>> {
        record.command = Some(cmd.display());
        if self.dry_run {
            record.status = "planned".into();
            ui.info(&format!("would run: {}", cmd.display()));
            return Ok(());
        }
        ui.step_start(self.index, self.total, self.key, name, &cmd.display());
        let (ok, elapsed, tail) = run_streaming(cmd, self.top, ui);
        record.seconds = Some(elapsed.as_secs_f64());
        record.status = if ok { "ok" } else { "failed" }.into();
        ui.step_end(self.key, name, ok, elapsed);
        if ok {
            return Ok(());
        }
        show_tail(ui, &tail);
        Err(tail)
    }
}

/// ` (the registry wants credentials: run …)` when a failed push's output says so.
fn credentials_hint(b: &Backend, tail: &[String], name: &image_ref::ImageName) -> String {
    if backend::mentions_missing_credentials(&tail.join("\n")) {
        format!(
            " (the registry wants credentials: run `{}`)",
            b.login_hint(name.registry())
        )
    } else {
        String::new()
    }
}

/// Every image's identifier, and the bumped charts' versions, from [`tag::identifiers`]'
/// results for the images' requests followed by the charts'.
fn identifiers_of(
    mut results: Vec<Result<Identifier>>,
    selected: &[Selected],
    opts: &BuildOptions,
) -> Result<(Vec<Option<Identifier>>, Vec<Identifier>), Stop> {
    let chart_results = results.split_off(selected.len());
    let images = results
        .into_iter()
        .zip(selected)
        .map(|(r, s)| match r {
            Ok(id) => Ok(Some(id)),
            // With an explicit tag the history is only wanted for LAST_COMMIT.
            Err(_) if opts.tag.is_some() => Ok(None),
            Err(e) => Err(stop("git", format!("image {}: {e:#}", s.settings.key))),
        })
        .collect::<Result<Vec<_>, Stop>>()?;
    let charts = chart_results
        .into_iter()
        .map(|r| r.map_err(|e| stop("git", format!("chart version: {e:#}"))))
        .collect::<Result<Vec<_>, Stop>>()?;
    Ok((images, charts))
}

/// Python `str.format` over a namespace: `{NAME}` substituted, `{{`/`}}` literal braces.
pub fn expand_template(text: &str, ns: &BTreeMap<&str, String>) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut name = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(ch) => name.push(ch),
                        None => bail!("unclosed `{{` in {text:?}"),
                    }
                }
                let value = ns
                    .get(name.as_str())
                    .with_context(|| format!("unknown template field {{{name}}} in {text:?} (known: LAST_COMMIT, TAG, BRANCH)"))?;
                out.push_str(value);
            }
            '}' => bail!("single `}}` in {text:?}"),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Where a hub's values put the jupyterhub chart's keys, for `--apply-to`.
fn nesting_for(model: &RepoModel, rel: &str, text: &str) -> Vec<String> {
    if let Some(h) = model
        .hubs
        .iter()
        .find(|h| h.values_files.iter().any(|v| v.path == rel))
    {
        return h.nesting.clone();
    }
    let parsed = hublint_core::yaml::parse(text);
    let root = parsed.docs.first();
    if root.and_then(|r| r.get("basehub")).is_some() {
        vec!["basehub".into(), "jupyterhub".into()]
    } else if root.and_then(|r| r.get("jupyterhub")).is_some() {
        vec!["jupyterhub".into()]
    } else {
        Vec::new()
    }
}

const TAIL_LINES: usize = 40;

/// Runs a backend command, streaming its output lines to the UI; returns success, elapsed
/// time and the last lines of output.
fn run_streaming(cmd: &CommandLine, dir: &Path, ui: &mut dyn Ui) -> (bool, Duration, Vec<String>) {
    let started = Instant::now();
    let mut command = cmd.command();
    command
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) => {
            return (
                false,
                started.elapsed(),
                vec![format!("could not start {}: {e}", cmd.program.display())],
            )
        }
    };
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let mut readers = Vec::new();
    if let Some(out) = child.stdout.take() {
        let tx = tx.clone();
        readers.push(std::thread::spawn(move || {
            for line in BufReader::new(out).split(b'\n').map_while(Result::ok) {
                let _ = tx.send(String::from_utf8_lossy(&line).trim_end().to_string());
            }
        }));
    }
    if let Some(err) = child.stderr.take() {
        let tx = tx.clone();
        readers.push(std::thread::spawn(move || {
            for line in BufReader::new(err).split(b'\n').map_while(Result::ok) {
                let _ = tx.send(String::from_utf8_lossy(&line).trim_end().to_string());
            }
        }));
    }
    drop(tx);
    let mut tail: VecDeque<String> = VecDeque::with_capacity(TAIL_LINES);
    for line in rx {
        ui.backend_output(&line);
        if tail.len() == TAIL_LINES {
            tail.pop_front();
        }
        tail.push_back(line);
    }
    for r in readers {
        let _ = r.join();
    }
    let ok = child.wait().is_ok_and(|s| s.success());
    (ok, started.elapsed(), tail.into_iter().collect())
}

fn show_tail(ui: &mut dyn Ui, tail: &[String]) {
    if tail.is_empty() {
        return;
    }
    ui.info(&format!("    last {} lines of output:", tail.len()));
    for l in tail {
        ui.info(&format!("    │ {l}"));
    }
}

/// A minimal line diff for dry runs: changed lines as `-`/`+` pairs with line numbers.
fn line_diff(before: &str, after: &str) -> String {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    // Edits keep or add lines; match a common prefix and suffix, show the middle.
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let mut out = String::new();
    let mut ai = prefix;
    let mut bi = prefix;
    let a_end = a.len() - suffix;
    let b_end = b.len() - suffix;
    while ai < a_end || bi < b_end {
        if ai < a_end && bi < b_end && a[ai] == b[bi] {
            ai += 1;
            bi += 1;
            continue;
        }
        if ai < a_end {
            out.push_str(&format!("  {:>5} - {}\n", ai + 1, a[ai]));
            ai += 1;
        }
        if bi < b_end && (ai >= a_end || a.len() == b.len()) {
            out.push_str(&format!("  {:>5} + {}\n", bi + 1, b[bi]));
            bi += 1;
        } else if bi < b_end && ai < a_end {
            continue;
        } else if bi < b_end {
            out.push_str(&format!("  {:>5} + {}\n", bi + 1, b[bi]));
            bi += 1;
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_follow_python_format() {
        let mut ns = BTreeMap::new();
        ns.insert("TAG", "1.0".to_string());
        ns.insert("LAST_COMMIT", "abc1234".to_string());
        ns.insert("BRANCH", "main".to_string());
        assert_eq!(
            expand_template("v={TAG}@{LAST_COMMIT}", &ns).unwrap(),
            "v=1.0@abc1234"
        );
        assert_eq!(
            expand_template("{{literal}} {BRANCH}", &ns).unwrap(),
            "{literal} main"
        );
        assert!(expand_template("{NOPE}", &ns).is_err());
        assert!(expand_template("{TAG", &ns).is_err());
        assert!(expand_template("a}b", &ns).is_err());
        assert_eq!(
            expand_template("requirements.txt", &ns).unwrap(),
            "requirements.txt"
        );
    }

    #[test]
    fn diff_shows_changed_lines() {
        let d = line_diff("a\nb\nc\n", "a\nB\nc\n");
        assert_eq!(d, "      2 - b\n      2 + B");
        let d = line_diff("a\nc\n", "a\nb\nc\n");
        assert_eq!(d, "      2 + b");
    }
}
