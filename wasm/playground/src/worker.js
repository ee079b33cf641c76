// The checker's thread: hublint's wasm lives here, so checking never holds up typing. The page
// runs its first check itself (boot.js compiles the module; the worker takes a while to start),
// then hands every check to this worker.
//
// Messages in:  { op: 'module', module } first (boot.js: the compiled module, or null);
//               then { id, op: 'init' | 'docsHtml' | 'check' | 'fixAll', codes?, set?: [[path,
//               text]...], remove?: [path...], replace? }.
// Messages out: { id, result } or { id, error }; and { event: 'python-ready' } once the module
//               with the P rules has taken over (the page then checks again).
//
// The first module is built without the P rules' Python parser, which would triple its size
// (BENCHMARKS.md). When a check finds Python in a values file (`hub.extraConfig`...), the
// module built with it (the same checker plus the parser) is loaded and takes over every
// check from then on, so the playground reports exactly what the CLI does.
import init, { Workspace, rules, version } from 'hublint-wasm';

/** When each start-up step finished, in ms on this worker's clock plus its time origin (the
 * page puts them on its own timeline for the benchmark). */
const steps = { 'worker-start': performance.now() };
const mark = (name) => { steps[name] = performance.now(); };

const WASM_URL = new URL('./hublint_wasm_bg.wasm', import.meta.url);
/** The module boot.js compiled on the page's side (null if that failed). */
const compiled = new Promise((resolve) => {
  self.addEventListener('message', function takeModule(event) {
    if (event.data.op !== 'module') return;
    self.removeEventListener('message', takeModule);
    resolve(event.data.module);
  });
});

let ws;
/** path → text of every file in `ws`, to hand them to the Python module's workspace. */
const texts = new Map();
/** 'absent' (not needed yet), 'loading', 'ready' or 'failed'. */
let python = 'absent';
const ready = (async () => {
  const module = await compiled;
  // No module: wasm-bindgen's loader fetches and compiles it here.
  await init({ module_or_path: module ?? WASM_URL });
  // No warm-up check here: it would take a core from the page's first check. The page's
  // first request (all its files, sent once the editor is built) warms this instance up.
  ws = new Workspace();
  mark('worker-ready');
})();

/** Bring the workspace to the page's texts; unchanged files keep their parse. */
function apply({ set = [], remove = [], replace = false }) {
  if (replace) {
    ws.setFiles(Object.fromEntries(set));
    texts.clear();
    for (const [path, text] of set) texts.set(path, text);
    return;
  }
  for (const path of remove) {
    ws.removeFile(path);
    texts.delete(path);
  }
  for (const [path, text] of set) {
    ws.setFile(path, text);
    texts.set(path, text);
  }
}

/** Load the module with the Python parser (once), give it the files, and let it take over. */
async function loadPython() {
  python = 'loading';
  try {
    // Not bundled into this script: fetched only by pages that hold Python.
    const glue = await import(new URL('./hublint_wasm_python.js', import.meta.url).href);
    const url = new URL('./hublint_wasm_python_bg.wasm', import.meta.url);
    const module = await WebAssembly.compileStreaming(fetch(url)).catch(() => null);
    await glue.default({ module_or_path: module ?? url });
    const full = new glue.Workspace();
    // The files as they are now (checks went on with the first module meanwhile).
    full.setFiles(Object.fromEntries(texts));
    ws.free();
    ws = full;
    python = 'ready';
  } catch (e) {
    python = 'failed';
    console.error(`the Python checker did not load: ${e && e.message ? e.message : e}`);
  }
  self.postMessage({ event: 'python-ready', python });
}

/** After a check: start loading the Python module when the files hold Python it must check. */
function pythonState() {
  if (python === 'absent' && ws.pythonUnchecked()) loadPython();
  return python;
}

/** rule-docs.json ({ code: Markdown }, written by scripts/build-playground.sh), fetched once. */
let ruleDocs;
function fetchedDocs() {
  ruleDocs ??= fetch(new URL('./rule-docs.json', import.meta.url)).then((response) => {
    if (!response.ok) throw new Error(`rule-docs.json: HTTP ${response.status}`);
    return response.json();
  });
  // A failed fetch is tried again on the next request.
  ruleDocs.catch(() => { ruleDocs = undefined; });
  return ruleDocs;
}

const ops = {
  init: () => ({ rules: rules(), version: version(), steps, timeOrigin: performance.timeOrigin }),
  // Rule docs rendered on request: the Markdown renderer stays off the page's thread and out
  // of its script (the docs are hublint's own text).
  docsHtml: async ({ codes }) => {
    // Loaded on first use: the Markdown renderer is not needed to start.
    const { marked } = await import('marked');
    const docs = new Map(rules().map((r) => [r.code, r.doc]));
    const wanted = codes.filter((c) => docs.has(c));
    // The first module is built without the docs (size): they come from rule-docs.json.
    if (wanted.some((c) => !docs.get(c))) {
      for (const [code, doc] of Object.entries(await fetchedDocs())) if (!docs.get(code)) docs.set(code, doc);
    }
    return Object.fromEntries(wanted.map((c) => [c, marked.parse(docs.get(c) ?? '')]));
  },
  check: (msg) => {
    const started = performance.now();
    apply(msg);
    const diagnostics = ws.check();
    const wasmMs = performance.now() - started;
    return { diagnostics, configErrors: ws.configErrors(), wasmMs, python: pythonState() };
  },
  fixAll: (msg) => {
    apply(msg);
    const result = ws.fixAll();
    for (const path of result.changed) texts.set(path, result.files[path]);
    return { ...result, configErrors: ws.configErrors() };
  },
};

self.onmessage = async (event) => {
  const msg = event.data;
  if (msg.op === 'module') return;
  try {
    await ready;
    self.postMessage({ id: msg.id, result: await ops[msg.op](msg) });
  } catch (e) {
    self.postMessage({ id: msg.id, error: e && e.message ? e.message : String(e) });
  }
};
