//! hublint's language server: the same core checks as the CLI, over the whole deployment
//! repository, with the open buffers laid over what is on disk.

pub mod actions;
pub mod completion;
pub mod convert;
pub mod document;
pub mod git;
pub mod hover;
pub mod server;
pub mod settings;
pub mod state;
pub mod transport;
pub mod yaml_nav;

use tower_lsp_server::LspService;

/// Serve LSP on stdin/stdout until `exit` (or end of input); returns the exit code.
pub fn run_stdio() -> anyhow::Result<i32> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let code = runtime.block_on(async {
        let (service, socket) = LspService::build(server::Backend::new)
            .custom_method("hublint/panicForTest", server::Backend::panic_for_test)
            .finish();
        transport::serve(std::io::stdin(), std::io::stdout(), service, socket).await
    });
    // Checks still running on blocking threads are abandoned, not waited for.
    runtime.shutdown_background();
    Ok(code)
}
