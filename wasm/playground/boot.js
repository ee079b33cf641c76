// Run first, as a classic script in the page's head: starts the checker worker, which fetches,
// compiles and warms up the WebAssembly checker on its own thread. Nothing the worker needs
// waits for this thread, which is busy with the page's (much larger) script meanwhile.
window.hublintWorker = new Worker(new URL('worker.js', document.currentScript.src), { type: 'module' });
performance.mark('hublint-boot');
