//! The `LanguageServer` implementation: protocol in, state changes and answers out.
//!
//! Notification handlers only change state and wake the check worker (they run inline, in
//! order). Anything that reads disk, runs git or parses runs on a blocking thread or in a
//! spawned task, so the message loop never waits on it.

use crate::actions;
use crate::convert::{self, path_of, relative};
use crate::document::{apply_changes, Encoding, Lines};
use crate::settings::Settings;
use crate::state::{self, ClientFlags, OpenDoc, Shared};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// How long a request waits for the check of the latest edit before answering from the
/// previous one.
const WAIT_FOR_CHECK: Duration = Duration::from_secs(2);

pub struct Backend {
    shared: Arc<Shared>,
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend {
            shared: Shared::new(client),
        }
    }

    /// Root, relative path and current text of an open document, or of a file in a root.
    fn locate(&self, uri: &Uri) -> Option<Located> {
        let st = self.shared.lock();
        if let Some(d) = st.docs.get(uri.as_str()) {
            let root = d.root?;
            return Some(Located {
                root,
                root_path: st.roots[root].path.clone(),
                rel: d.rel.clone(),
                text: st.doc_text(d),
                version: Some(d.version),
                encoding: st.encoding,
            });
        }
        let path = path_of(uri)?;
        let root = st.root_of(&path)?;
        let root_path = st.roots[root].path.clone();
        let rel = relative(&root_path, &path)?;
        let text = st.roots[root]
            .project
            .workspace()
            .get(&rel)
            .and_then(|f| f.text())
            .map(str::to_string);
        Some(Located {
            root,
            root_path,
            rel,
            text,
            version: None,
            encoding: st.encoding,
        })
    }

    /// Panics on purpose, so tests can see a panicking request caught and the server go on.
    /// Only with `HUBLINT_LSP_TEST_HOOKS=1` in the environment.
    pub async fn panic_for_test(&self, _params: Value) -> Result<Value> {
        if std::env::var_os("HUBLINT_LSP_TEST_HOOKS").is_some_and(|v| v == "1") {
            panic!("panic requested by hublint/panicForTest");
        }
        Err(Error::method_not_found())
    }

    /// `hublint/scope` `{uri}` → `{text, tooltip}`: what the file is to the hubs that read
    /// it (for an editor's status bar), or nulls for a file no hub reads.
    pub async fn scope(&self, params: Value) -> Result<Value> {
        let uri = params
            .get("uri")
            .and_then(Value::as_str)
            .and_then(|u| u.parse::<Uri>().ok())
            .ok_or_else(|| Error::invalid_params("expected {\"uri\": \"file:///…\"}"))?;
        let Some(loc) = self.locate(&uri) else {
            return Ok(serde_json::json!({"text": null, "tooltip": null}));
        };
        let Some(snapshot) = self.model_snapshot(loc.root).await else {
            return Ok(serde_json::json!({"text": null, "tooltip": null}));
        };
        let rel = loc.rel.clone();
        let (text, tooltip) = run_blocking(move || {
            use hublint_core::report::{file_scope_line, file_scope_markdown, scope_line};
            let text = file_scope_line(&snapshot.model, &rel)
                .unwrap_or_else(|| scope_line(&snapshot.model));
            let tooltip = file_scope_markdown(&snapshot.ws, &snapshot.model, &rel)
                .unwrap_or_else(|| scope_line(&snapshot.model));
            (text, tooltip)
        })
        .await?;
        Ok(serde_json::json!({"text": text, "tooltip": tooltip}))
    }

    /// A check result to read the repository model from: the latest one, or (right after
    /// startup, when there is none yet) the first, waited for briefly.
    async fn model_snapshot(&self, root: usize) -> Option<Arc<state::Snapshot>> {
        let latest = self.shared.lock().roots.get(root)?.latest();
        match latest {
            Some(s) => Some(s),
            None => state::current_snapshot(&self.shared, root, WAIT_FOR_CHECK).await,
        }
    }

    async fn pull_configuration(shared: Arc<Shared>) {
        let items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some("hublint".into()),
        }];
        match shared.client.configuration(items).await {
            Ok(values) => {
                let v = values.into_iter().next().unwrap_or(Value::Null);
                let settings = Settings::from_json(&serde_json::json!({ "hublint": v }));
                let mut st = shared.lock();
                if st.settings != settings {
                    st.settings = settings;
                    st.touch_all();
                }
            }
            Err(e) => eprintln!("hublint lsp: workspace/configuration failed: {e}"),
        }
    }
}

struct Located {
    root: usize,
    root_path: PathBuf,
    rel: String,
    text: Option<String>,
    version: Option<i32>,
    encoding: Encoding,
}

/// Read a file that is not open from disk into its root (or drop it if it is gone).
fn refresh_from_disk(shared: &Arc<Shared>, root: usize, rel: String, path: PathBuf) {
    let shared = shared.clone();
    tokio::spawn(async move {
        let read = tokio::task::spawn_blocking(move || std::fs::read(&path)).await;
        let mut st = shared.lock();
        if st.open_doc_for(root, &rel).is_some() {
            return; // the buffer wins over disk
        }
        match read {
            Ok(Ok(bytes)) => st.set_file_bytes(root, &rel, bytes),
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => st.remove_file(root, &rel),
            Ok(Err(e)) => {
                st.roots[root].project.set_unreadable(&rel, e.to_string());
                st.touch_all();
            }
            Err(_) => {}
        }
    });
}

/// Files hublint reads, outside `.git` and `node_modules` (as the disk walk does).
fn is_watched(rel: &str) -> bool {
    hublint_discover::is_relevant(rel)
        && !rel.split('/').any(|p| p == ".git" || p == "node_modules")
}

async fn run_blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        let mut err = Error::internal_error();
        err.message = format!("internal error: {e}").into();
        err
    })
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let caps = &params.capabilities;
        let encoding = Encoding::negotiate(
            caps.general
                .as_ref()
                .and_then(|g| g.position_encodings.as_deref()),
        );
        let flags = ClientFlags {
            pull_diagnostics: caps
                .text_document
                .as_ref()
                .is_some_and(|t| t.diagnostic.is_some()),
            diagnostic_refresh: caps
                .workspace
                .as_ref()
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
            document_changes: caps
                .workspace
                .as_ref()
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.document_changes)
                .unwrap_or(false),
            watched_files_dynamic: caps
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            configuration: caps
                .workspace
                .as_ref()
                .and_then(|w| w.configuration)
                .unwrap_or(false),
        };
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| path_of(&f.uri))
            .collect();
        #[allow(deprecated)]
        if roots.is_empty() {
            if let Some(p) = params.root_uri.as_ref().and_then(path_of) {
                roots.push(p);
            } else if let Some(p) = params.root_path.as_ref() {
                roots.push(PathBuf::from(p));
            }
        }
        {
            let mut st = self.shared.lock();
            st.encoding = encoding;
            st.flags = flags.clone();
            if let Some(opts) = &params.initialization_options {
                st.settings = Settings::from_json(opts);
            }
        }
        for root in roots {
            state::add_root(&self.shared, root, false);
        }
        let diagnostic_provider = flags.pull_diagnostics.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("hublint".into()),
                inter_file_dependencies: true,
                workspace_diagnostics: true,
                work_done_progress_options: Default::default(),
            })
        });
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(encoding.kind()),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![":".into(), " ".into()]),
                    ..Default::default()
                }),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::from(actions::FIX_ALL_KIND),
                        ]),
                        resolve_provider: Some(false),
                        work_done_progress_options: Default::default(),
                    },
                )),
                document_symbol_provider: Some(OneOf::Left(true)),
                diagnostic_provider,
                workspace: Some(WorkspaceServerCapabilities {
                    workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                        supported: Some(true),
                        change_notifications: Some(OneOf::Left(true)),
                    }),
                    file_operations: None,
                }),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "hublint".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let (flags, shared) = (self.shared.lock().flags.clone(), self.shared.clone());
        // Requests to the client wait for its answer: never inline in a notification.
        tokio::spawn(async move {
            if flags.watched_files_dynamic {
                let watchers = [
                    "**/*.{yaml,yml,txt,in,json,jsonnet}",
                    "**/Dockerfile*",
                    "**/*.{Dockerfile,dockerfile}",
                ]
                .into_iter()
                .map(|g| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(g.into()),
                    kind: None,
                })
                .collect();
                let options = DidChangeWatchedFilesRegistrationOptions { watchers };
                let reg = Registration {
                    id: "hublint-watch".into(),
                    method: "workspace/didChangeWatchedFiles".into(),
                    register_options: serde_json::to_value(options).ok(),
                };
                if let Err(e) = shared.client.register_capability(vec![reg]).await {
                    eprintln!("hublint lsp: cannot watch files: {e}");
                }
            }
            if flags.configuration {
                Backend::pull_configuration(shared).await;
            }
        });
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let td = params.text_document;
        let path = path_of(&td.uri);
        let probe = {
            let mut st = self.shared.lock();
            let root = path.as_ref().and_then(|p| st.root_of(p));
            let rel = match (root, &path) {
                (Some(r), Some(p)) => relative(&st.roots[r].path, p).unwrap_or_default(),
                (_, Some(p)) => p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                _ => String::new(),
            };
            let key = td.uri.as_str().to_string();
            st.docs.insert(
                key,
                OpenDoc {
                    uri: td.uri.clone(),
                    path: path.clone(),
                    root,
                    rel: rel.clone(),
                    version: td.version,
                    own_text: None,
                },
            );
            st.store_doc_text(td.uri.as_str(), td.text);
            match root {
                Some(_) => None,
                None => path,
            }
        };
        if let Some(p) = probe {
            state::probe_root_for(&self.shared, p);
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let mut st = self.shared.lock();
        let encoding = st.encoding;
        let key = params.text_document.uri.as_str();
        let Some(d) = st.docs.get(key) else {
            return;
        };
        let Some(mut text) = st.doc_text(d) else {
            return;
        };
        apply_changes(&mut text, params.content_changes, encoding);
        if let Some(d) = st.docs.get_mut(key) {
            d.version = params.text_document.version;
        }
        st.store_doc_text(key, text);
    }

    async fn did_save(&self, _: DidSaveTextDocumentParams) {}

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let (closed, clear) = {
            let mut st = self.shared.lock();
            let Some(d) = st.docs.remove(uri.as_str()) else {
                return;
            };
            let workspace_mode = st.settings.workspace_diagnostics || st.flags.pull_diagnostics;
            if let Some(root) = d.root {
                st.roots[root].published.remove(&d.rel);
            }
            (d, !workspace_mode)
        };
        if let (Some(root), Some(path)) = (closed.root, closed.path) {
            // Disk is the truth again for a closed file (it may never have been saved).
            refresh_from_disk(&self.shared, root, closed.rel, path);
        }
        if clear {
            self.shared
                .client
                .publish_diagnostics(uri, Vec::new(), None)
                .await;
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let st = self.shared.lock();
        let mut work = Vec::new();
        for change in params.changes {
            let Some(path) = path_of(&change.uri) else {
                continue;
            };
            let Some(root) = st.root_of(&path) else {
                continue;
            };
            let Some(rel) = relative(&st.roots[root].path, &path) else {
                continue;
            };
            if !is_watched(&rel) || st.open_doc_for(root, &rel).is_some() {
                continue;
            }
            work.push((root, rel, path));
        }
        drop(st);
        for (root, rel, path) in work {
            refresh_from_disk(&self.shared, root, rel, path);
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let pull = {
            let mut st = self.shared.lock();
            let has_section = params.settings.get("hublint").is_some();
            if has_section || !st.flags.configuration {
                let settings = Settings::from_json(&params.settings);
                if settings != st.settings {
                    st.settings = settings;
                    st.touch_all();
                }
            }
            st.flags.configuration && !has_section
        };
        if pull {
            tokio::spawn(Backend::pull_configuration(self.shared.clone()));
        }
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        for removed in &params.event.removed {
            if let Some(p) = path_of(&removed.uri) {
                let mut st = self.shared.lock();
                let Some(id) = st.roots.iter().position(|r| r.path == p && !r.removed) else {
                    continue;
                };
                // Documents under it keep their text and wait for another root.
                let keys: Vec<String> = st
                    .docs
                    .iter()
                    .filter(|(_, d)| d.root == Some(id))
                    .map(|(k, _)| k.clone())
                    .collect();
                for key in keys {
                    let text = st.docs.get(&key).and_then(|d| st.doc_text(d));
                    if let Some(d) = st.docs.get_mut(&key) {
                        d.root = None;
                        d.own_text = text;
                    }
                }
                let r = &mut st.roots[id];
                r.removed = true;
                r.project.clear();
                r.kick.notify_one(); // lets its worker see `removed` and stop
            }
        }
        for added in &params.event.added {
            if let Some(p) = path_of(&added.uri) {
                state::add_root(&self.shared, p, false);
            }
        }
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let Some(loc) = self.locate(&params.text_document.uri) else {
            return Ok(None);
        };
        let Some(snapshot) = state::current_snapshot(&self.shared, loc.root, WAIT_FOR_CHECK).await
        else {
            return Ok(None);
        };
        // Fixes were computed on the snapshot's text; if the document moved on, they no
        // longer apply.
        if loc.version.is_some() && snapshot.versions.get(&loc.rel).copied() != loc.version {
            return Ok(None);
        }
        let document_changes = self.shared.lock().flags.document_changes;
        let only = params.context.only.clone();
        let actions = run_blocking(move || {
            let file = snapshot.ws.get(&loc.rel)?;
            let lines = Lines::with_index(file.text_or_empty(), file.line_index(), loc.encoding);
            let range = lines.text_range(params.range);
            let req = actions::Request {
                snapshot: &snapshot,
                root: &loc.root_path,
                rel: &loc.rel,
                range,
                only: only.as_deref(),
                encoding: loc.encoding,
                document_changes,
            };
            Some(actions::code_actions(&req))
        })
        .await?;
        Ok(actions)
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let pos = params.text_document_position_params;
        let Some(loc) = self.locate(&pos.text_document.uri) else {
            return Ok(None);
        };
        let Some(text) = loc.text.clone() else {
            return Ok(None);
        };
        let snapshot = self.model_snapshot(loc.root).await;
        let (root_path, rel, encoding) = (loc.root_path.clone(), loc.rel.clone(), loc.encoding);
        let found = run_blocking(move || {
            let lines = Lines::new(&text, encoding);
            let offset = lines.offset(pos.position);
            crate::hover::hover(&text, &rel, offset, snapshot.as_deref()).map(|h| {
                let range = h.range.map(|r| lines.range(r));
                (h, range)
            })
        })
        .await?;
        let Some((mut h, range)) = found else {
            return Ok(None);
        };
        if let Some(hash) = h.commit.take() {
            let status = self
                .shared
                .git
                .commit_status(&root_path, &hash, Duration::from_millis(500))
                .await;
            h.markdown
                .push_str(&crate::hover::commit_line(&hash, status));
        }
        Ok(Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: h.markdown,
            }),
            range,
        }))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let pos = params.text_document_position;
        let Some(loc) = self.locate(&pos.text_document.uri) else {
            return Ok(None);
        };
        let Some(text) = loc.text.clone() else {
            return Ok(None);
        };
        let snapshot = self.model_snapshot(loc.root).await;
        let (rel, encoding) = (loc.rel.clone(), loc.encoding);
        let items = run_blocking(move || {
            let lines = Lines::new(&text, encoding);
            let offset = lines.offset(pos.position);
            crate::completion::complete(&text, &rel, offset, snapshot.as_deref(), &lines)
        })
        .await?;
        Ok(items.map(CompletionResponse::Array))
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let Some(loc) = self.locate(&params.text_document.uri) else {
            return Ok(None);
        };
        let Some(text) = loc.text else {
            return Ok(None);
        };
        if !(loc.rel.ends_with(".yaml") || loc.rel.ends_with(".yml")) {
            return Ok(None);
        }
        let encoding = loc.encoding;
        let symbols = run_blocking(move || {
            let yaml = hublint_core::yaml::parse(&text);
            let lines = Lines::new(&text, encoding);
            let mut budget = 50_000;
            let mut out = Vec::new();
            for doc in &yaml.docs {
                out.extend(crate::yaml_nav::symbols(doc, &lines, &mut budget));
            }
            out
        })
        .await?;
        Ok(Some(DocumentSymbolResponse::Nested(symbols)))
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let empty = || {
            DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
                RelatedFullDocumentDiagnosticReport {
                    related_documents: None,
                    full_document_diagnostic_report: FullDocumentDiagnosticReport {
                        result_id: None,
                        items: Vec::new(),
                    },
                },
            ))
        };
        let Some(loc) = self.locate(&params.text_document.uri) else {
            return Ok(empty());
        };
        let Some(snapshot) = state::current_snapshot(&self.shared, loc.root, WAIT_FOR_CHECK).await
        else {
            return Ok(empty());
        };
        let items = snapshot
            .diagnostics_for(&loc.rel)
            .map(|d| convert::diagnostic(&snapshot.ws, &loc.root_path, d, loc.encoding))
            .collect();
        Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: None,
                    items,
                },
            }),
        ))
    }

    async fn workspace_diagnostic(
        &self,
        _: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        let (roots, encoding): (Vec<(usize, PathBuf)>, Encoding) = {
            let st = self.shared.lock();
            let roots = st
                .roots
                .iter()
                .enumerate()
                .filter(|(_, r)| !r.removed)
                .map(|(i, r)| (i, r.path.clone()))
                .collect();
            (roots, st.encoding)
        };
        let mut items = Vec::new();
        for (id, root_path) in roots {
            let Some(snapshot) =
                state::current_snapshot(&self.shared, id, WAIT_FOR_CHECK * 5).await
            else {
                continue;
            };
            let mut by_file: std::collections::BTreeMap<&str, Vec<Diagnostic>> = Default::default();
            for d in &snapshot.diagnostics {
                by_file
                    .entry(d.file.as_str())
                    .or_default()
                    .push(convert::diagnostic(&snapshot.ws, &root_path, d, encoding));
            }
            for (file, diags) in by_file {
                let Some(uri) = convert::uri_for(&root_path, file) else {
                    continue;
                };
                items.push(WorkspaceDocumentDiagnosticReport::Full(
                    WorkspaceFullDocumentDiagnosticReport {
                        uri,
                        version: snapshot.versions.get(file).map(|v| *v as i64),
                        full_document_diagnostic_report: FullDocumentDiagnosticReport {
                            result_id: None,
                            items: diags,
                        },
                    },
                ));
            }
        }
        Ok(WorkspaceDiagnosticReportResult::Report(
            WorkspaceDiagnosticReport { items },
        ))
    }
}
