// Run first, as a classic script in the page's head. It starts fetching and compiling the
// WebAssembly checker at once (V8 compiles it on background threads while the page's much
// larger script loads), and starts the checker worker. The page runs its first check with the
// compiled module itself (nothing waits for the worker to start, which takes 40-200 ms); the
// worker gets the same module, so it compiles nothing, and runs every check after that.
const base = document.currentScript.src;
// null when streaming compilation fails (say, a server that does not send application/wasm):
// each side then loads the module its own way.
window.hublintWasm = WebAssembly.compileStreaming(fetch(new URL('hublint_wasm_bg.wasm', base)))
  .catch(() => null);
window.hublintWorker = new Worker(new URL('worker.js', base), { type: 'module' });
window.hublintWasm.then((module) => {
  performance.mark('hublint-wasm-compiled');
  window.hublintWorker.postMessage({ op: 'module', module });
});
performance.mark('hublint-boot');
