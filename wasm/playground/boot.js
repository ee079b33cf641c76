// Loaded before the page's (much larger) script. Starts compiling the WebAssembly module
// (already downloading: see the preload in index.html) and the checker worker at once, then
// hands the compiled module to the worker, which instantiates it and warms up while the
// editor loads.
const worker = new Worker(new URL('worker.js', import.meta.url), { type: 'module' });
WebAssembly.compileStreaming(fetch(new URL('hublint_wasm_bg.wasm', import.meta.url))).then(
  (module) => worker.postMessage({ op: 'module', module }),
  // E.g. a server that does not send application/wasm: the worker loads the file itself.
  () => worker.postMessage({ op: 'module', module: null }),
);
window.hublintWorker = worker;
performance.mark('hublint-boot');
