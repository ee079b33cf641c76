// The checker's thread: hublint's wasm lives here, so compiling it and checking never hold up
// typing, and on a machine with two cores the first check overlaps the editor's start-up.
//
// Messages in:  { id, op: 'init' | 'check' | 'fixAll', set?: [[path, text]...], remove?: [path...] }
// Messages out: { id, result } or { id, error }.
import init, { Workspace, rules, version } from 'hublint-wasm';
import { marked } from 'marked';
import { EXAMPLE_FILES } from './example.js';

let ws;

const ready = (async () => {
  await init({ module_or_path: new URL('./hublint_wasm_bg.wasm', import.meta.url) });
  // Check the example once while the page is still building its editor: the functions a
  // check runs are compiled on first use, so the page's first real check finds them ready.
  const warm = new Workspace();
  for (const [path, text] of EXAMPLE_FILES) warm.setFile(path, text);
  warm.check();
  warm.free();
  ws = new Workspace();
})();

function apply({ set = [], remove = [] }) {
  for (const path of remove) ws.removeFile(path);
  for (const [path, text] of set) ws.setFile(path, text);
}

const ops = {
  // Rule docs come rendered: the Markdown renderer stays off the page's thread and out of its
  // script (the docs are hublint's own text, compiled into the wasm).
  init: () => ({ rules: rules().map((r) => ({ ...r, html: marked.parse(r.doc) })), version: version() }),
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
