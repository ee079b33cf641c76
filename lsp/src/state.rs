//! The server's state: repository roots (each a core `Project` filled from disk and
//! overlaid with open buffers), open documents, and the latest check of each root.
//!
//! Every change to a root bumps its generation and wakes its worker (`worker`), which checks
//! and publishes (`publish`). Locks are never held across an await or a check.

use crate::convert;
use crate::document::Encoding;
use crate::settings::Settings;
use hublint_core::model::RepoModel;
use hublint_core::Project;
use hublint_core::{Config, Diagnostic, Workspace};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::{watch, Notify};
use tower_lsp_server::ls_types::Uri;
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
    tokio::spawn(async move { crate::worker::check_worker(worker_shared, id, kick).await });
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
