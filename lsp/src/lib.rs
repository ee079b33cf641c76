//! hublint's language server: the same core checks as the CLI, over the whole deployment
//! repository, with the open buffers laid over what is on disk.
//!
//! - `transport`: stdio framing that skips garbage, a writer thread, and the message loop
//!   around tower-lsp-server's `LspService` (notifications in order and inline, requests
//!   concurrently, every handler under `catch_unwind`, `exit` ends the process).
//! - `server`: the protocol handlers. `state`: roots (a core `Project` each, loaded with
//!   `hublint_discover::load`) and open documents. `worker`: each root's check worker with
//!   its two lanes, a focused check that answers the edited document in milliseconds and the
//!   full check that carries cross-file effects to every open document. `publish`: which
//!   diagnostics are sent after a check.
//! - `document`: incremental edits and LSP positions in the negotiated encoding (UTF-16, or
//!   UTF-8 when offered). `convert`: core diagnostics and edits to LSP.
//! - `actions` (quick fixes, disable-on-line, `source.fixAll.hublint`), `hover`, `completion`,
//!   `yaml_nav` (cursor paths, completion context, document symbols), `settings`, `git`.

pub mod actions;
pub mod completion;
pub mod convert;
pub mod document;
pub mod git;
pub mod hover;
pub mod publish;
pub mod server;
pub mod settings;
pub mod state;
pub mod transport;
pub mod worker;
pub mod yaml_nav;

use tower_lsp_server::LspService;

/// Serve LSP on stdin/stdout until `exit` (or end of input); returns the exit code.
pub fn run_stdio() -> anyhow::Result<i32> {
    limit_malloc_arenas();
    // The event loop is one thread; checks and parsing run on a few blocking threads.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(4)
        .build()?;
    let code = runtime.block_on(async {
        let (service, socket) = LspService::build(server::Backend::new)
            .custom_method("hublint/panicForTest", server::Backend::panic_for_test)
            .custom_method("hublint/scope", server::Backend::scope)
            .finish();
        transport::serve(std::io::stdin(), std::io::stdout(), service, socket).await
    });
    // Checks still running on blocking threads are abandoned, not waited for.
    runtime.shutdown_background();
    Ok(code)
}

/// glibc gives every thread that allocates its own heap arena (up to 8 per core), and memory
/// freed in one is not reused by another: with checks hopping between blocking threads that
/// is most of the resident set. Two arenas are plenty for a mostly idle server.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator tunable; called before any thread is spawned.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
