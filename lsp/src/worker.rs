//! Each root's check worker: it wakes on every change, debounces bursts of edits, runs the
//! checks on blocking threads over a cheap clone of the workspace, and hands the results to
//! `publish`. Results that a newer generation superseded are dropped. Locks are never held
//! across an await or a check.

use crate::publish;
use crate::state::{Shared, Snapshot, State};
use hublint_core::model::RepoModel;
use hublint_core::{Config, Diagnostic, Workspace};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tower_lsp_server::ls_types::Uri;

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
pub(crate) async fn check_worker(shared: Arc<Shared>, id: usize, kick: Arc<Notify>) {
    let full_kick = Arc::new(Notify::new());
    tokio::spawn(full_lane(shared.clone(), id, full_kick.clone()));
    loop {
        kick.notified().await;
        if !quiet_after_burst(&shared, id).await {
            full_kick.notify_one();
            return;
        }
        let job = take_job(&shared.lock(), id);
        // The full check starts once the focused one has answered (they would only compete
        // for the same cores), whichever way this iteration ends.
        let _full_after = KickOnDrop(full_kick.clone());
        if let Some(job) = job {
            focused_lane(&shared, id, job).await;
        }
    }
}

/// An isolated edit is checked at once; during a burst (edits closer together than the
/// debounce time) wait until the burst has been quiet that long. False: the root is gone.
async fn quiet_after_burst(shared: &Shared, id: usize) -> bool {
    loop {
        let wait = {
            let st = shared.lock();
            let r = &st.roots[id];
            if r.removed {
                return false;
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
            return true;
        }
        tokio::time::sleep(wait).await;
    }
}

/// Check and publish the edited document alone, when an open document's edit made the job
/// and a focused check can answer for it.
async fn focused_lane(shared: &Shared, id: usize, job: Job) {
    let Some((rel, uri)) = job.trigger.clone() else {
        return;
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
        return;
    };
    let published = publish::focused(
        &mut shared.lock(),
        id,
        generation,
        &ws,
        rel,
        version,
        &diags,
    );
    if let Some(diags) = published {
        shared.client.publish_diagnostics(uri, diags, version).await;
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
            let result = tokio::task::spawn_blocking(move || full_check(&facts, root, job)).await;
            let Ok(Some(snapshot)) = result else {
                eprintln!(
                    "hublint lsp: the check panicked (generation {generation}); still serving"
                );
                last_checked = generation;
                break;
            };
            let snapshot = Arc::new(snapshot);
            let publish = {
                let mut st = shared.lock();
                if st.roots[id].generation != generation {
                    continue; // superseded: check the newer text instead
                }
                last_checked = generation;
                st.roots[id].done.send_replace(Some(snapshot.clone()));
                publish::to_publish(&mut st, id, &snapshot)
            };
            publish.send(&shared).await;
            break;
        }
    }
}

/// The whole root checked, with X001's start dates read from git; `None` if it panicked.
fn full_check(shared: &Shared, root: PathBuf, job: Job) -> Option<Snapshot> {
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
        config.experiment_history = shared.experiments.facts(&root, &ws, &model, &config);
        let diagnostics = hublint_core::check::check_with_model(&ws, &model, &config);
        (model, diagnostics)
    }));
    out.ok().map(|(model, diagnostics)| Snapshot {
        generation,
        ws,
        model,
        config,
        diagnostics,
        versions,
    })
}
