// Loaded before the page's (much larger) script: starts the checker worker at once, so it
// fetches, compiles and warms up the WebAssembly module while the editor loads.
window.hublintWorker = new Worker(new URL('worker.js', import.meta.url), { type: 'module' });
performance.mark('hublint-boot');
