// Loaded before the page's (much larger) script: starts downloading and compiling the
// WebAssembly module at once, so that work overlaps with fetching and parsing the editor.
window.hublintWasmModule = WebAssembly.compileStreaming(fetch(new URL('hublint_wasm_bg.wasm', import.meta.url)));
// Handled by the page script, which falls back to its own loading (e.g. a server that does not
// send application/wasm); never an unhandled rejection here.
window.hublintWasmModule.catch(() => {});
performance.mark('hublint-boot');
