//! The server's state: repository roots (each a core `Workspace` filled from disk and
//! overlaid with open buffers), open documents, and the per-root check worker.
//!
//! Every change to a root bumps its generation and wakes its worker. The worker debounces
//! bursts, runs `check` on a blocking thread over a cheap clone of the workspace, and drops
//! the result if a newer generation arrived meanwhile (then checks again). Locks are never
//! held across an await or a check.

use crate::convert;
use crate::document::Encoding;
use crate::settings::Settings;
use hublint_core::model::RepoModel;
use hublint_core::Project;
use hublint_core::{Config, Diagnostic, Workspace};
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::{watch, Notify};
use tower_lsp_server::ls_types::{self as lsp, Uri};
use tower_lsp_server::Client;

/// What the client can do, read from `initialize`.
#[derive(Debug, Clone, Default)]
pub struct ClientFlags {
    /// Pull diagnostics (`textDocument/diagnostic`): then nothing is pushed.
    pub pull_diagnostics: bool,
    pub diagnostic_refresh: bool,
    pub document_changes: bool,
    pub watched_files_dynamic: bool,
    pub configuration: bool,
}

#[derive(Debug)]
pub struct OpenDoc {
    pub uri: Uri,
    pub path: Option<PathBuf>,
    pub root: Option<usize>,
    pub rel: String,
    pub version: i32,
    /// The text, when the root's workspace cannot hold it (no root yet, or a file the
    /// workspace keeps only as "unreadable": too large, NUL bytes). Otherwise the workspace's
    /// copy is the document's text, so it is not held twice.
    pub own_text: Option<String>,
}

/// The result of one check, and the exact texts it ran on.
pub struct Snapshot {
    pub generation: u64,
    pub ws: Workspace,
    pub model: RepoModel,
    pub config: Config,
    pub diagnostics: Vec<Diagnostic>,
    /// Version of every open document at the time of the check.
    pub versions: HashMap<String, i32>,
}

impl Snapshot {
    pub fn diagnostics_for<'a>(
        &'a self,
        rel: &'a str,
    ) -> impl Iterator<Item = &'a Diagnostic> + 'a {
        self.diagnostics.iter().filter(move |d| d.file == rel)
    }
}

pub struct Root {
    pub path: PathBuf,
    /// Its files, its `.hublint.yaml` and today's date.
    pub project: Project,
    pub generation: u64,
    /// The disk walk has finished (or there is none, for a lone file).
    pub loaded: bool,
    /// No repository around it: only its open documents are checked.
    pub single_file: bool,
    pub removed: bool,
    pub kick: Arc<Notify>,
    pub done: watch::Sender<Option<Arc<Snapshot>>>,
    /// What was last pushed per file: (document version, hash of the diagnostics).
    pub published: HashMap<String, (Option<i32>, u64)>,
    pub last_change: Instant,
    pub prev_change: Instant,
    /// The file changed last (by an edit, a watched-file event or a load).
    pub last_changed: Option<String>,
}

impl Root {
    fn new(path: PathBuf, single_file: bool) -> Root {
        let long_ago = Instant::now() - Duration::from_secs(3600);
        Root {
            path,
            project: Project::new(Some(hublint_discover::today_utc())),
            generation: 1,
            loaded: single_file,
            single_file,
            removed: false,
            kick: Arc::new(Notify::new()),
            done: watch::channel(None).0,
            published: HashMap::new(),
            last_change: long_ago,
            prev_change: long_ago,
            last_changed: None,
        }
    }

    pub fn latest(&self) -> Option<Arc<Snapshot>> {
        self.done.borrow().clone()
    }
}

#[derive(Default)]
pub struct State {
    pub encoding: Encoding,
    pub flags: ClientFlags,
    pub settings: Settings,
    pub roots: Vec<Root>,
    pub docs: HashMap<String, OpenDoc>,
    /// Directories being probed for a repository root (documents outside every root).
    pub probing: HashSet<PathBuf>,
}

pub struct Shared {
    state: Mutex<State>,
    pub client: Client,
    pub git: crate::git::GitCache,
    pub experiments: crate::git::ExperimentCache,
}

impl Shared {
    pub fn new(client: Client) -> Arc<Shared> {
        Arc::new(Shared {
            state: Mutex::new(State::default()),
            client,
            git: crate::git::GitCache::default(),
            experiments: crate::git::ExperimentCache::default(),
        })
    }

    /// The state; a panic elsewhere while it was held does not poison it for later requests.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl State {
    /// The innermost root holding `path`.
    pub fn root_of(&self, path: &Path) -> Option<usize> {
        self.roots
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.removed && path.starts_with(&r.path) && path != r.path)
            .max_by_key(|(_, r)| r.path.components().count())
            .map(|(i, _)| i)
    }

    pub fn effective_config(&self, root: usize) -> Config {
        self.settings.apply(self.roots[root].project.config())
    }

    /// Replace one file's text in a root and wake its worker.
    pub fn set_file(&mut self, root: usize, rel: &str, text: String) {
        let r = &mut self.roots[root];
        // Opening a file as it is on disk changes nothing: the parsed file (and the memory it
        // shares with the last snapshot) is kept; the check still runs, to publish for it.
        r.project.set_file(rel, text);
        mark_changed(r);
        r.last_changed = Some(rel.to_string());
    }

    pub fn set_file_bytes(&mut self, root: usize, rel: &str, bytes: Vec<u8>) {
        let r = &mut self.roots[root];
        r.project.set_file_bytes(rel, bytes);
        mark_changed(r);
        r.last_changed = Some(rel.to_string());
    }

    pub fn remove_file(&mut self, root: usize, rel: &str) {
        let r = &mut self.roots[root];
        if r.project.remove_file(rel) {
            mark_changed(r);
            r.last_changed = Some(rel.to_string());
        }
    }

    /// Settings or config changed: re-check every root.
    pub fn touch_all(&mut self) {
        for r in &mut self.roots {
            mark_changed(r);
            r.last_changed = None;
        }
    }

    /// An open document's current text.
    pub fn doc_text(&self, d: &OpenDoc) -> Option<String> {
        if let Some(t) = &d.own_text {
            return Some(t.clone());
        }
        let root = d.root?;
        self.roots[root]
            .project
            .workspace()
            .get(&d.rel)?
            .text()
            .map(str::to_string)
    }

    /// Make `text` the document's text (and its file's, in its root).
    pub fn store_doc_text(&mut self, key: &str, text: String) {
        let Some(d) = self.docs.get(key) else { return };
        let (root, rel) = (d.root, d.rel.clone());
        let fits = text.len() <= hublint_core::workspace::MAX_TEXT_SIZE && !text.contains('\0');
        let own = match root {
            Some(r) if fits => {
                self.set_file(r, &rel, text);
                None
            }
            Some(r) => {
                self.set_file(r, &rel, text.clone());
                Some(text)
            }
            None => Some(text),
        };
        if let Some(d) = self.docs.get_mut(key) {
            d.own_text = own;
        }
    }

    pub fn open_doc_for(&self, root: usize, rel: &str) -> Option<&OpenDoc> {
        self.docs
            .values()
            .find(|d| d.root == Some(root) && d.rel == rel)
    }
}

fn mark_changed(r: &mut Root) {
    r.generation += 1;
    r.prev_change = r.last_change;
    r.last_change = Instant::now();
    r.kick.notify_one();
}

/// Add a root and start its worker; a repository root is loaded from disk in the background.
pub fn add_root(shared: &Arc<Shared>, path: PathBuf, single_file: bool) -> usize {
    let (id, kick) = {
        let mut st = shared.lock();
        if let Some(i) = st.roots.iter().position(|r| r.path == path && !r.removed) {
            return i;
        }
        st.roots.push(Root::new(path.clone(), single_file));
        let id = st.roots.len() - 1;
        // Documents already open under it move in.
        let mut moved = Vec::new();
        for d in st.docs.values_mut() {
            if let Some(p) = &d.path {
                if p.starts_with(&path) && d.root.is_none() {
                    if let Some(rel) = convert::relative(&path, p) {
                        d.root = Some(id);
                        d.rel = rel.clone();
                        moved.push((rel, d.own_text.take().unwrap_or_default()));
                    }
                }
            }
        }
        for (rel, text) in moved {
            let key = st
                .docs
                .iter()
                .find(|(_, d)| d.root == Some(id) && d.rel == rel)
                .map(|(k, _)| k.clone());
            if let Some(key) = key {
                st.store_doc_text(&key, text);
            }
        }
        (id, st.roots[id].kick.clone())
    };
    let worker_shared = shared.clone();
    tokio::spawn(async move { check_worker(worker_shared, id, kick).await });
    if !single_file {
        let load_shared = shared.clone();
        tokio::spawn(async move { load_root(load_shared, id, path).await });
    }
    id
}

/// Walk the root on a blocking thread, then lay the open buffers over what disk says.
async fn load_root(shared: Arc<Shared>, id: usize, path: PathBuf) {
    let started = Instant::now();
    let loaded = tokio::task::spawn_blocking(move || hublint_discover::load(&path)).await;
    let mut st = shared.lock();
    let overlays: Vec<(String, String)> = st
        .docs
        .values()
        .filter(|d| d.root == Some(id))
        .filter_map(|d| Some((d.rel.clone(), st.doc_text(d)?)))
        .collect();
    let r = &mut st.roots[id];
    match loaded {
        Ok(Ok(l)) => {
            eprintln!(
                "hublint lsp: loaded {} files from {} in {:?}",
                l.ws.len(),
                r.path.display(),
                started.elapsed()
            );
            for w in &l.warnings {
                eprintln!("hublint lsp: {w}");
            }
            r.project = Project::from_workspace(l.ws, l.config.today.clone());
        }
        Ok(Err(e)) => eprintln!("hublint lsp: cannot load {}: {e:#}", r.path.display()),
        Err(e) => eprintln!("hublint lsp: loading {} failed: {e}", r.path.display()),
    }
    r.loaded = true;
    for (rel, text) in overlays {
        st.set_file(id, &rel, text);
    }
    let r = &mut st.roots[id];
    mark_changed(r);
}

/// Find the repository a lone document belongs to (off the request path), then add it.
pub fn probe_root_for(shared: &Arc<Shared>, file: PathBuf) {
    let Some(dir) = file.parent().map(Path::to_path_buf) else {
        return;
    };
    {
        let mut st = shared.lock();
        if !st.probing.insert(dir.clone()) {
            return;
        }
    }
    let shared = shared.clone();
    tokio::spawn(async move {
        let probe_file = file.clone();
        let found = tokio::task::spawn_blocking(move || {
            let root = hublint_discover::root_for(&probe_file);
            let marked =
                root.join(".git").exists() || root.join(hublint_core::config::CONFIG_FILE).exists();
            (root, marked)
        })
        .await;
        let (root, marked) = found.unwrap_or((dir.clone(), false));
        shared.lock().probing.remove(&dir);
        // Without a repository marker, do not walk the directory (it may be $HOME): check
        // the document on its own.
        add_root(&shared, root, !marked);
    });
}

/// Hash of what would be published, to skip sending identical diagnostics again.
fn hash_diagnostics(diags: &[lsp::Diagnostic]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_string(diags)
        .unwrap_or_default()
        .hash(&mut h);
    h.finish()
}

struct Job {
    ws: Workspace,
    config: Config,
    generation: u64,
    versions: HashMap<String, i32>,
    /// The open document whose edit made this generation, for the focused check.
    trigger: Option<(String, Uri)>,
}

fn take_job(st: &State, id: usize) -> Option<Job> {
    let r = &st.roots[id];
    if !r.loaded || r.removed {
        return None;
    }
    let versions = st
        .docs
        .values()
        .filter(|d| d.root == Some(id))
        .map(|d| (d.rel.clone(), d.version))
        .collect();
    let trigger = r.last_changed.as_ref().and_then(|rel| {
        st.open_doc_for(id, rel)
            .map(|d| (rel.clone(), d.uri.clone()))
    });
    let mut config = st.effective_config(id);
    // The focused lane reuses the full lane's last git facts (reading them needs the model).
    config.experiment_history = r
        .latest()
        .map(|s| s.config.experiment_history.clone())
        .unwrap_or_default();
    Some(Job {
        ws: r.project.workspace().clone(),
        config,
        generation: r.generation,
        versions,
        trigger,
    })
}

struct KickOnDrop(Arc<Notify>);

impl Drop for KickOnDrop {
    fn drop(&mut self) {
        self.0.notify_one();
    }
}

/// One root's checker. Two lanes:
/// - the focused lane answers the edited document first: when the document is a hub's values
///   file or a cluster.yaml, it checks a workspace without the other clusters' hubs (their
///   files cannot change what is reported in this one) and publishes that document's
///   diagnostics alone, in a few milliseconds;
/// - the full lane checks everything, publishes every document whose diagnostics changed
///   (cross-file effects) and keeps the snapshot that code actions and hover read.
///
/// Both drop results that a newer edit superseded; the full lane then starts over on the
/// newest text, and is never more than one run behind.
async fn check_worker(shared: Arc<Shared>, id: usize, kick: Arc<Notify>) {
    let full_kick = Arc::new(Notify::new());
    tokio::spawn(full_lane(shared.clone(), id, full_kick.clone()));
    loop {
        kick.notified().await;
        // An isolated edit is checked at once; during a burst (edits closer together than
        // the debounce time) wait until the burst has been quiet that long.
        loop {
            let wait = {
                let st = shared.lock();
                let r = &st.roots[id];
                if r.removed {
                    full_kick.notify_one();
                    return;
                }
                let debounce = Duration::from_millis(st.settings.debounce_ms);
                let burst = r.last_change.duration_since(r.prev_change) < debounce;
                if burst {
                    debounce.saturating_sub(r.last_change.elapsed())
                } else {
                    Duration::ZERO
                }
            };
            if wait.is_zero() {
                break;
            }
            tokio::time::sleep(wait).await;
        }
        let job = take_job(&shared.lock(), id);
        // The full check starts once the focused one has answered (they would only compete
        // for the same cores), whichever way this iteration ends.
        let _full_after = KickOnDrop(full_kick.clone());
        let Some(job) = job else { continue };
        let Some((rel, uri)) = job.trigger.clone() else {
            continue;
        };
        let generation = job.generation;
        let version = job.versions.get(&rel).copied();
        let focused = tokio::task::spawn_blocking(move || {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                focused_check(&job.ws, &job.config, &rel)
            }))
            .ok()
            .flatten()
            .map(|diags| (job.ws, rel, diags))
        })
        .await;
        let Ok(Some((ws, rel, diags))) = focused else {
            continue;
        };
        let publish = {
            let mut st = shared.lock();
            if st.roots[id].generation != generation || st.flags.pull_diagnostics {
                None
            } else {
                let encoding = st.encoding;
                let root = &mut st.roots[id];
                let lsp: Vec<lsp::Diagnostic> = diags
                    .iter()
                    .map(|d| convert::diagnostic(&ws, &root.path, d, encoding))
                    .collect();
                let key = (version, hash_diagnostics(&lsp));
                if root.published.get(&rel) == Some(&key) {
                    None
                } else {
                    root.published.insert(rel, key);
                    Some(lsp)
                }
            }
        };
        if let Some(diags) = publish {
            shared.client.publish_diagnostics(uri, diags, version).await;
        }
    }
}

/// The edited file's diagnostics from a check of only what can affect them, or `None` when
/// the file is one many hubs read (a chart, its default values, an image's files, config):
/// then only the full check can answer.
pub fn focused_check(ws: &Workspace, config: &Config, rel: &str) -> Option<Vec<Diagnostic>> {
    let model = RepoModel::build(ws, config);
    // Files every hub of a chart reads: charts (and chart overrides), chart defaults, config.
    let hub_wide = rel == hublint_core::config::CONFIG_FILE
        || model
            .charts
            .iter()
            .any(|c| c.file == rel || hublint_core::workspace::join(&c.dir, "values.yaml") == rel)
        || model
            .hubs
            .iter()
            .any(|h| h.chart_file.as_deref() == Some(rel));
    if hub_wide {
        return None;
    }
    let uses = |h: &hublint_core::model::Hub| {
        h.cluster_file == rel || h.values_files.iter().any(|v| v.path == rel)
    };
    // The clusters with a hub that reads this file (none for a Dockerfile, say).
    let clusters: HashSet<&str> = model
        .hubs
        .iter()
        .filter(|h| uses(h))
        .map(|h| h.cluster_file.as_str())
        .collect();
    // A YAML file no hub reads may become a hub of its own (by content) or stop being one
    // when other files go: only the full check knows.
    if clusters.is_empty() && hublint_core::files::FileKind::of(rel).is_yaml() {
        return None;
    }
    let keep: HashSet<&str> = model
        .hubs
        .iter()
        .filter(|h| clusters.contains(h.cluster_file.as_str()))
        .flat_map(|h| h.values_files.iter().map(|v| v.path.as_str()))
        .chain(std::iter::once(rel))
        .collect();
    let mut reduced = ws.clone();
    for h in model
        .hubs
        .iter()
        // Only cluster.yaml hubs are known to be independent of each other; hubs found
        // another way may share charts and files with anything.
        .filter(|h| {
            h.found_by == hublint_core::model::FoundBy::Cluster
                && !clusters.contains(h.cluster_file.as_str())
        })
    {
        if h.cluster_file != rel {
            reduced.remove(&h.cluster_file);
        }
        for v in &h.values_files {
            if !keep.contains(v.path.as_str()) {
                reduced.remove(&v.path);
            }
        }
    }
    let mut diags = hublint_core::check(&reduced, config);
    diags.retain(|d| d.file == rel);
    Some(diags)
}

async fn full_lane(shared: Arc<Shared>, id: usize, kick: Arc<Notify>) {
    let mut last_checked = 0u64;
    loop {
        kick.notified().await;
        loop {
            let job = {
                let st = shared.lock();
                if st.roots[id].removed {
                    return;
                }
                if st.roots[id].generation == last_checked {
                    None
                } else {
                    take_job(&st, id)
                }
            };
            let Some(job) = job else { break };
            let generation = job.generation;
            let root = shared.lock().roots[id].path.clone();
            let facts = shared.clone();
            let result = tokio::task::spawn_blocking(move || {
                let Job {
                    ws,
                    mut config,
                    generation,
                    versions,
                    ..
                } = job;
                let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    ws.parse_all();
                    let model = RepoModel::build(&ws, &config);
                    config.experiment_history =
                        facts.experiments.facts(&root, &ws, &model, &config);
                    let diagnostics = hublint_core::check::check_with_model(&ws, &model, &config);
                    (model, diagnostics)
                }));
                out.map(|(model, diagnostics)| Snapshot {
                    generation,
                    ws,
                    model,
                    config,
                    diagnostics,
                    versions,
                })
            })
            .await;
            let snapshot = match result {
                Ok(Ok(s)) => Arc::new(s),
                _ => {
                    eprintln!(
                        "hublint lsp: the check panicked (generation {generation}); still serving"
                    );
                    last_checked = generation;
                    break;
                }
            };
            let publish = {
                let mut st = shared.lock();
                if st.roots[id].generation != generation {
                    continue; // superseded: check the newer text instead
                }
                last_checked = generation;
                st.roots[id].done.send_replace(Some(snapshot.clone()));
                to_publish(&mut st, id, &snapshot)
            };
            let client = shared.client.clone();
            match publish {
                Publish::Push(items) => {
                    for (uri, diags, version) in items {
                        client.publish_diagnostics(uri, diags, version).await;
                    }
                }
                Publish::Refresh => {
                    tokio::spawn(async move {
                        let _ = client.workspace_diagnostic_refresh().await;
                    });
                }
                Publish::Nothing => {}
            }
            break;
        }
    }
}

enum Publish {
    Push(Vec<(Uri, Vec<lsp::Diagnostic>, Option<i32>)>),
    Refresh,
    Nothing,
}

/// Which files get new diagnostics: every open document whose version or diagnostics
/// changed, and in workspace mode every file with diagnostics (or that just lost them).
fn to_publish(st: &mut State, id: usize, snap: &Snapshot) -> Publish {
    let encoding = st.encoding;
    let root_path = st.roots[id].path.clone();
    let mut by_file: HashMap<&str, Vec<lsp::Diagnostic>> = HashMap::new();
    for d in &snap.diagnostics {
        by_file
            .entry(d.file.as_str())
            .or_default()
            .push(convert::diagnostic(&snap.ws, &root_path, d, encoding));
    }
    let mut files: Vec<(String, Option<Uri>)> = st
        .docs
        .values()
        .filter(|d| d.root == Some(id))
        .map(|d| (d.rel.clone(), Some(d.uri.clone())))
        .collect();
    let workspace_mode = st.settings.workspace_diagnostics || st.flags.pull_diagnostics;
    if workspace_mode {
        let open: HashSet<String> = files.iter().map(|(r, _)| r.clone()).collect();
        let mut extra: HashSet<String> = by_file.keys().map(|k| k.to_string()).collect();
        extra.extend(st.roots[id].published.keys().cloned());
        for rel in extra {
            if !open.contains(&rel) {
                files.push((rel, None));
            }
        }
    }
    let mut items = Vec::new();
    let mut changed = false;
    let root = &mut st.roots[id];
    for (rel, uri) in files {
        let diags = by_file.remove(rel.as_str()).unwrap_or_default();
        let version = snap.versions.get(&rel).copied();
        let key = (version, hash_diagnostics(&diags));
        if root.published.get(&rel) == Some(&key) {
            continue;
        }
        changed = true;
        if diags.is_empty() && version.is_none() {
            root.published.remove(&rel);
        } else {
            root.published.insert(rel.clone(), key);
        }
        let Some(uri) = uri.or_else(|| convert::uri_for(&root_path, &rel)) else {
            continue;
        };
        items.push((uri, diags, version));
    }
    if st.flags.pull_diagnostics {
        if changed && st.flags.diagnostic_refresh {
            Publish::Refresh
        } else {
            Publish::Nothing
        }
    } else {
        Publish::Push(items)
    }
}

/// The latest check of a root that includes every change made so far, waiting for it up to
/// `timeout`; else the latest there is.
pub async fn current_snapshot(
    shared: &Shared,
    root: usize,
    timeout: Duration,
) -> Option<Arc<Snapshot>> {
    let (mut rx, generation) = {
        let st = shared.lock();
        let r = st.roots.get(root)?;
        (r.done.subscribe(), r.generation)
    };
    let wait = async {
        loop {
            let latest = rx.borrow_and_update().clone();
            if let Some(s) = &latest {
                if s.generation >= generation {
                    return latest;
                }
            }
            if rx.changed().await.is_err() {
                return latest;
            }
        }
    };
    match tokio::time::timeout(timeout, wait).await {
        Ok(s) => s,
        Err(_) => shared.lock().roots.get(root)?.latest(),
    }
}
