// The checker's thread: hublint's wasm lives here, so checking never holds up typing, and on
// a machine with two cores the first check overlaps the editor's start-up.
//
// Messages in:  { id, op: 'init' | 'docsHtml' | 'check' | 'fixAll', codes?, set?: [[path,
//               text]...], remove?: [path...], replace? }.
// Messages out: { id, result } or { id, error }.
import init, { Workspace, rules, version } from 'hublint-wasm';
import { marked } from 'marked';
import { EXAMPLE_FILES } from './example.js';

/** When each start-up step finished, in ms on this worker's clock plus its time origin (the
 * page puts them on its own timeline for the benchmark). */
const steps = { 'worker-start': performance.now() };
const mark = (name) => { steps[name] = performance.now(); };

const WASM_URL = new URL('./hublint_wasm_bg.wasm', import.meta.url);
// Fetched and compiled here, at once. (Compiling on the page's side, which starts earlier,
// was tried: the compile ends sooner, but handing the module over waits for the page's thread,
// busy evaluating the editor's script, and the worker got it later than compiling it itself.)
const compiled = WebAssembly.compileStreaming(fetch(WASM_URL)).catch(() => null);

let ws;
/** The example's diagnostics, checked at start-up: the page shows them without asking again
 * when it opens with the example (it most often does). */
let example;
const ready = (async () => {
  const module = await compiled;
  mark('wasm-compiled');
  // No module (say, a server that does not send application/wasm): wasm-bindgen's loader
  // fetches it its own way.
  await init({ module_or_path: module ?? WASM_URL });
  mark('wasm-instantiated');
  // The first check also compiles the code a check runs (on first use) and fills caches.
  ws = new Workspace();
  for (const [path, text] of EXAMPLE_FILES) ws.setFile(path, text);
  example = { files: EXAMPLE_FILES, diagnostics: ws.check(), configErrors: ws.configErrors() };
  mark('example-checked');
})();

/** Bring the workspace to the page's texts; unchanged files keep their parse. */
function apply({ set = [], remove = [], replace = false }) {
  if (replace) {
    ws.setFiles(Object.fromEntries(set));
    return;
  }
  for (const path of remove) ws.removeFile(path);
  for (const [path, text] of set) ws.setFile(path, text);
}

const ops = {
  init: () => ({ rules: rules(), version: version(), steps, timeOrigin: performance.timeOrigin, example }),
  // Rule docs rendered on request: the Markdown renderer stays off the page's thread and out
  // of its script (the docs are hublint's own text, compiled into the wasm).
  docsHtml: ({ codes }) => {
    const byCode = new Map(rules().map((r) => [r.code, r]));
    return Object.fromEntries(codes.filter((c) => byCode.has(c)).map((c) => [c, marked.parse(byCode.get(c).doc)]));
  },
  check: (msg) => {
    const started = performance.now();
    apply(msg);
    const diagnostics = ws.check();
    return { diagnostics, configErrors: ws.configErrors(), wasmMs: performance.now() - started };
  },
  fixAll: (msg) => {
    apply(msg);
    const result = ws.fixAll();
    return { ...result, configErrors: ws.configErrors() };
  },
};

self.onmessage = async (event) => {
  const msg = event.data;
  try {
    await ready;
    self.postMessage({ id: msg.id, result: ops[msg.op](msg) });
  } catch (e) {
    self.postMessage({ id: msg.id, error: e && e.message ? e.message : String(e) });
  }
};
