//! What the server sends after a check: the diagnostics of each file whose version or
//! diagnostics changed since it was last published (pushed), or a refresh request when the
//! client pulls them. A root remembers what it last published per file, so an unchanged
//! result is not sent again.

use crate::convert;
use crate::state::{Shared, Snapshot, State};
use hublint_core::{Diagnostic, Workspace};
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use tower_lsp_server::ls_types::{self as lsp, Uri};

/// Hash of what would be published, to skip sending identical diagnostics again.
fn hash_diagnostics(diags: &[lsp::Diagnostic]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_string(diags)
        .unwrap_or_default()
        .hash(&mut h);
    h.finish()
}

pub enum Publish {
    Push(Vec<(Uri, Vec<lsp::Diagnostic>, Option<i32>)>),
    Refresh,
    Nothing,
}

impl Publish {
    /// Send it: diagnostics in order; a refresh without waiting for the client's answer.
    pub async fn send(self, shared: &Shared) {
        let client = shared.client.clone();
        match self {
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
    }
}

/// The focused check's diagnostics for the one file it answers, unless a newer edit
/// superseded them, the client pulls diagnostics, or they are what was last published.
pub fn focused(
    st: &mut State,
    id: usize,
    generation: u64,
    ws: &Workspace,
    rel: String,
    version: Option<i32>,
    diags: &[Diagnostic],
) -> Option<Vec<lsp::Diagnostic>> {
    if st.roots[id].generation != generation || st.flags.pull_diagnostics {
        return None;
    }
    let encoding = st.encoding;
    let root = &mut st.roots[id];
    let lsp: Vec<lsp::Diagnostic> = diags
        .iter()
        .map(|d| convert::diagnostic(ws, &root.path, d, encoding))
        .collect();
    let key = (version, hash_diagnostics(&lsp));
    if root.published.get(&rel) == Some(&key) {
        return None;
    }
    root.published.insert(rel, key);
    Some(lsp)
}

/// Which files get new diagnostics: every open document whose version or diagnostics
/// changed, and in workspace mode every file with diagnostics (or that just lost them).
pub fn to_publish(st: &mut State, id: usize, snap: &Snapshot) -> Publish {
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
