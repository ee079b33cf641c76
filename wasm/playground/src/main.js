// The hublint playground: one CodeMirror editor whose state is swapped per tab, the Rust core
// in WebAssembly checking all tabs together after every change, a problems list with quick
// fixes, and the whole state kept in the URL fragment. Nothing is sent anywhere.

import { EXAMPLE_FILES, EXAMPLE_ACTIVE } from './example.js';
import { rangeOf, changesByFile, toOffset } from './positions.js';
import { encodeState, decodeState } from './url-state.js';
import { Checker } from './checker.js';
import initWasm, { Workspace } from 'hublint-wasm';

performance.mark('hublint-page-script');

/** The CodeMirror part (editor.js), imported once the first diagnostics are on screen. */
let editor;

const SEVERITY = { error: 'error', warning: 'warning', info: 'info' };

// ---------------------------------------------------------------------------------------------
// State

/** The wasm checker, in a worker (see worker.js). */
let checker;
/** The checker's answer to 'init' (rule docs, version, its start-up steps). */
let checkerInit;
let hublintVersion = '';
/** Problems in `.hublint.yaml`, from the latest check. */
let configErrors = [];
/** path → EditorState, in tab order. */
const tabs = new Map();
/** path → the text the checker's workspace last received. */
const sent = new Map();
let active = null;
let view;
/** The diagnostics of the latest check. */
let diagnostics = [];
let generation = 0;
let checkPending = false;
/** A request to the checker is out (one at a time, so results come back in order). */
let inFlight = false;
/** The checker of Python in values: 'absent' (no Python seen), 'loading', 'ready', 'failed'. */
let python = 'absent';
/** The texts the shown diagnostics were computed for. */
let checkedDocs = new Map();
const checkTimes = [];
let firstDiagnosticsAt = null;
let rulesByCode = new Map();
/** What each tab and the problems list last showed, to skip updates that change nothing. */
const shownKeys = new Map();
const shownDocs = new Map();
/** The latest check's result as text: fix buttons act only while it is unchanged. */
let diagnosticsKey = null;

const $ = (id) => document.getElementById(id);
const baseName = (path) => path.split('/').pop();

function normalizePath(path) {
  const parts = [];
  for (const seg of path.trim().replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}

/** Show a tab's state in the editor, giving it its language the first time. */
function show(path) {
  const state = editor.withLanguage(tabs.get(path), path);
  tabs.set(path, state);
  view.setState(state);
}

/** Apply a transaction spec to a tab, whether or not it is the one on screen. */
function updateTab(path, spec) {
  if (path === active) {
    view.dispatch(spec);
  } else {
    const state = tabs.get(path);
    if (state) tabs.set(path, state.update(spec).state);
  }
}

// ---------------------------------------------------------------------------------------------
// Checking

function scheduleCheck() {
  if (checkPending) return;
  checkPending = true;
  // While a request is out, the check waits for it (see requestDone).
  if (!inFlight) setTimeout(runCheck, 0);
}

/** A request to the checker ended: run the check that was asked for meanwhile, if any. */
function requestDone() {
  inFlight = false;
  if (checkPending) setTimeout(runCheck, 0);
}

/** The texts (and removals) the worker has not seen yet; marks them as sent. The first
 * request sends every file (the page ran the first check itself). */
function takeChanges() {
  if (sent.size === 0) {
    const set = [...tabs].map(([path, state]) => [path, state.doc.toString()]);
    for (const [path, text] of set) sent.set(path, text);
    return { set, remove: [], replace: true };
  }
  const remove = [];
  for (const path of [...sent.keys()]) {
    if (!tabs.has(path)) {
      remove.push(path);
      sent.delete(path);
    }
  }
  const set = [];
  for (const [path, state] of tabs) {
    const text = state.doc.toString();
    if (sent.get(path) !== text) {
      set.push([path, text]);
      sent.set(path, text);
    }
  }
  return { set, remove };
}

/** Each tab's document as of now, to tell later whether a result still fits the text. */
function snapshot() {
  return new Map([...tabs].map(([path, state]) => [path, state.doc]));
}

/** Whether the tabs still hold exactly the texts of `docs`. */
function unchangedSince(docs) {
  if (docs.size !== tabs.size) return false;
  for (const [path, state] of tabs) if (docs.get(path) !== state.doc) return false;
  return true;
}


/** Send changed tabs to the checker, then show the result everywhere (unless the text moved on meanwhile). */
async function runCheck() {
  if (inFlight) return;
  checkPending = false;
  inFlight = true;
  const started = performance.now();
  const docs = snapshot();
  let result;
  let status = '';
  try {
    result = await checker.request('check', takeChanges());
  } catch (e) {
    result = { diagnostics: [], configErrors: [], wasmMs: 0 };
    status = `hublint failed: ${e && e.message ? e.message : e}`;
    console.error(e);
  }
  if (!unchangedSince(docs)) {
    // Typed while checking: these positions belong to older text; the edit asked for a
    // check of the new text, which runs now.
    checkPending = true;
    requestDone();
    return;
  }
  diagnostics = result.diagnostics;
  configErrors = result.configErrors;
  if (result.python) showPython(result.python);
  checkedDocs = docs;
  generation += 1;
  const key = JSON.stringify(diagnostics) + status + configErrors.join('\n');
  const changed = key !== diagnosticsKey;
  diagnosticsKey = key;
  showDiagnostics();
  if (changed) {
    renderProblems(status);
    renderTabs();
  }
  checkTimes.push({ wasm: result.wasmMs, total: performance.now() - started });
  document.body.dataset.checks = String(generation);
  scheduleUrlUpdate();
  requestDone();
}

const PYTHON_NOTES = {
  loading: 'Loading the checker of Python in values (P rules)…',
  failed: 'Python in values is not checked: its checker did not load.',
};

/** Say whether Python in values is being checked (its module loads when first needed). */
function showPython(state) {
  if (state === python) return;
  python = state;
  document.body.dataset.python = state;
  const note = $('python-note');
  note.textContent = PYTHON_NOTES[state] ?? '';
  note.hidden = !PYTHON_NOTES[state];
}

/** The worker's module with the P rules took over: check again to show their findings. */
function onCheckerEvent({ event, python: state }) {
  if (event !== 'python-ready') return;
  showPython(state);
  // Whatever the last check found, this one runs the P rules too.
  diagnosticsKey = null;
  scheduleCheck();
}

function byFile() {
  const out = new Map();
  for (const d of diagnostics) {
    if (!out.has(d.filename)) out.set(d.filename, []);
    out.get(d.filename).push(d);
  }
  return out;
}

function fixActions(d) {
  const seen = diagnosticsKey;
  return d.fixes
    .filter((f) => f.applicability !== 'display-only')
    .map((fix) => ({
      name: fix.applicability === 'unsafe' ? `${fix.message} (unsafe)` : fix.message,
      apply: () => applyFixIfCurrent(fix, seen),
    }));
}

/** Give each tab its diagnostics, touching only tabs whose diagnostics changed. */
function showDiagnostics() {
  const grouped = byFile();
  for (const [path, state] of tabs) {
    // Unchanged text and unchanged results: CodeMirror already shows the right marks (and
    // their fix actions belong to the current result).
    const key = diagnosticsKey;
    if (shownKeys.get(path) === key && shownDocs.get(path) === state.doc) continue;
    const mine = grouped.get(path) || [];
    const doc = state.doc;
    const list = mine.map((d) => ({
      ...rangeOf(doc, d),
      severity: SEVERITY[d.severity] || 'info',
      source: d.code,
      message: d.message,
      actions: fixActions(d),
    }));
    updateTab(path, editor.setDiagnostics(state, list));
    shownKeys.set(path, key);
    shownDocs.set(path, tabs.get(path).doc);
  }
}

// ---------------------------------------------------------------------------------------------
// Fixes

/** Apply a fix offered by the check whose result was `seen`, if no edit came since. */
function applyFixIfCurrent(fix, seen) {
  // Before the editor is built (the first diagnostics are shown earlier) there is no tab to edit.
  if (!view || seen !== diagnosticsKey || !unchangedSince(checkedDocs)) return;
  applyFix(fix);
}

/** Apply one fix: its edits may touch several tabs. */
function applyFix(fix) {
  const changes = changesByFile(fix, (path) => tabs.get(path)?.doc);
  for (const [path, list] of changes) {
    updateTab(path, { changes: list, userEvent: 'input.fix' });
  }
  scheduleCheck();
}

async function fixAll() {
  // Wait for a check that is out (they take milliseconds).
  while (inFlight) await new Promise((resolve) => setTimeout(resolve, 5));
  inFlight = true;
  const docs = snapshot();
  let result;
  try {
    result = await checker.request('fixAll', takeChanges());
  } catch (e) {
    renderProblems(`hublint failed: ${e && e.message ? e.message : e}`);
    requestDone();
    return;
  }
  if (!unchangedSince(docs)) {
    // Typed meanwhile: the worker holds the fixed texts, the tabs the typed ones. Resend all.
    sent.clear();
    checkPending = true;
    requestDone();
    return;
  }
  for (const path of result.changed) {
    const text = result.files[path];
    if (!tabs.has(path) || text === undefined) continue;
    sent.set(path, text);
    const state = tabs.get(path);
    updateTab(path, { changes: { from: 0, to: state.doc.length, insert: text }, userEvent: 'input.fix' });
  }
  checkPending = true;
  requestDone();
}

// ---------------------------------------------------------------------------------------------
// Rendering

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c !== undefined && c !== null && c !== false) node.append(c);
  }
  return node;
}

/** Messages quote code in `backticks`, as the CLI prints them: show those parts as code. */
function withCode(text) {
  return text.split('`').map((part, i) => (i % 2 ? el('code', {}, part) : part));
}

function locationButton(filename, location, label) {
  return el('button', {
    type: 'button', class: 'loc', title: filename,
    onclick: () => reveal(filename, location),
  }, label ?? `${baseName(filename)}:${location.row}:${location.column}`);
}

function renderProblems(status) {
  const list = $('problems');
  list.replaceChildren();
  const seen = diagnosticsKey;
  diagnostics.forEach((d) => {
    const fixes = d.fixes.filter((f) => f.applicability !== 'display-only');
    list.append(el('li', {
      class: `problem sev-${d.severity}`,
      dataset: { code: d.code, file: d.filename, row: String(d.location.row), column: String(d.location.column) },
    },
    el('span', { class: 'sev', title: d.severity }, d.severity),
    ' ',
    el('a', { class: 'code', href: `rules.html#${d.code}`, onclick: (e) => openRuleDoc(e, d.code) }, d.code),
    ' ',
    locationButton(d.filename, d.location),
    ' ',
    el('span', { class: 'message' }, withCode(d.message)),
    d.related.length ? el('ul', { class: 'related' }, d.related.map((r) => el('li', {},
      locationButton(r.filename, r.location), ' ', el('span', {}, withCode(r.message))))) : null,
    fixes.length ? el('div', { class: 'fixes' }, fixes.map((fix) => el('button', {
      type: 'button',
      class: `quick-fix ${fix.applicability}`,
      title: fix.edits.map((e) => `${e.filename}:${e.location.row}:${e.location.column} → ${JSON.stringify(e.content)}`).join('\n'),
      onclick: () => applyFixIfCurrent(fix, seen),
    }, 'Fix: ', withCode(fix.message), fix.applicability === 'unsafe' ? ' (unsafe)' : ''))) : null));
  });
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const count = diagnostics.length;
  $('problem-count').textContent = `(${count})`;
  $('status').textContent = status || (count === 0
    ? 'No problems found.'
    : `${count} problem${count === 1 ? '' : 's'}, ${errors} error${errors === 1 ? '' : 's'}.`);
  const anySafe = diagnostics.some((d) => d.fixes.some((f) => f.applicability === 'safe'));
  $('fix-all').disabled = !anySafe;
  $('config-errors').replaceChildren(...configErrors.map((e) => el('li', { class: 'config-error' }, e)));
}

function renderTabs() {
  const counts = new Map();
  for (const d of diagnostics) counts.set(d.filename, (counts.get(d.filename) || 0) + 1);
  const bar = $('tabs');
  bar.replaceChildren(...[...tabs.keys()].map((path) => {
    const n = counts.get(path) || 0;
    return el('div', { class: `tab${path === active ? ' active' : ''}`, dataset: { path } },
      el('button', {
        type: 'button', role: 'tab', class: 'tab-name', title: path,
        'aria-selected': path === active ? 'true' : 'false',
        onclick: () => { activate(path); view.focus(); },
      }, baseName(path), ' ', el('span', { class: `badge${n ? '' : ' zero'}`, dataset: { count: String(n) } }, String(n))),
      tabs.size > 1 ? el('button', {
        type: 'button', class: 'tab-close', title: `Remove ${path}`, 'aria-label': `Remove ${path}`,
        onclick: () => removeFile(path),
      }, '×') : null);
  }), el('button', { type: 'button', id: 'add-file-open', title: 'Add a file', onclick: openAddFile }, '+'));
  $('path-bar').textContent = active ?? '';
}

function activate(path) {
  if (!tabs.has(path) || path === active) return;
  if (active !== null) tabs.set(active, view.state);
  active = path;
  show(path);
  renderTabs();
  scheduleUrlUpdate();
}

function reveal(filename, location) {
  if (!tabs.has(filename)) return;
  activate(filename);
  const pos = toOffset(view.state.doc, location);
  view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
  view.focus();
}

// ---------------------------------------------------------------------------------------------
// Files

/** Files as tabs hold them: normalized paths, the first of duplicates, the example if none. */
function tabFiles(files) {
  const out = new Map();
  for (const [path, text] of files) {
    const p = normalizePath(path);
    if (p && !out.has(p)) out.set(p, text);
  }
  return out.size ? out : new Map(EXAMPLE_FILES);
}

function setFiles(files, activePath) {
  tabs.clear();
  for (const [p, text] of tabFiles(files)) tabs.set(p, editor.newTabState(p, text));
  active = tabs.has(activePath) ? activePath : tabs.keys().next().value;
  show(active);
  renderTabs();
  scheduleCheck();
}

function openAddFile() {
  const form = $('add-file');
  form.hidden = false;
  $('add-file-error').textContent = '';
  $('add-file-path').focus();
}

function addFile(path) {
  const p = normalizePath(path);
  if (!p) return 'Give a path.';
  if (tabs.has(p)) return `${p} is already open.`;
  tabs.set(p, editor.newTabState(p, ''));
  activate(p);
  scheduleCheck();
  return null;
}

function removeFile(path) {
  if (!tabs.has(path) || tabs.size <= 1) return;
  const order = [...tabs.keys()];
  tabs.delete(path);
  if (path === active) {
    const at = order.indexOf(path);
    const next = at > 0 ? order[at - 1] : order[at + 1];
    active = null;
    activate(next);
  }
  renderTabs();
  scheduleCheck();
}

// ---------------------------------------------------------------------------------------------
// URL fragment

let urlTimer = null;
let lastFragment = null;

function currentState() {
  if (active !== null && view) tabs.set(active, view.state);
  return { files: [...tabs].map(([p, s]) => [p, s.doc.toString()]), active };
}

function scheduleUrlUpdate() {
  clearTimeout(urlTimer);
  const timer = setTimeout(async () => {
    const fragment = await encodeState(currentState());
    // A newer update was scheduled meanwhile: it writes the newer state.
    if (urlTimer !== timer) return;
    urlTimer = null;
    if (fragment !== lastFragment) {
      lastFragment = fragment;
      window.history.replaceState(null, '', `#${fragment}`);
    }
    $('copy-link').href = `#${fragment}`;
    document.body.dataset.urlSynced = String(generation);
  }, 150);
  urlTimer = timer;
}

/** The files and active tab the link holds, or null. */
async function fragmentState() {
  const state = location.hash ? await decodeState(location.hash) : null;
  return state && state.files.length ? state : null;
}

async function loadFromFragment() {
  const state = await fragmentState();
  if (state) {
    lastFragment = location.hash.slice(1);
    setFiles(state.files, state.active);
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Rule docs

/** Rule docs as HTML, rendered by the worker on first use. */
const docsHtml = new Map();

async function ruleDocHtml(codes) {
  const missing = codes.filter((c) => !docsHtml.has(c));
  if (missing.length) {
    const rendered = await checker.request('docsHtml', { codes: missing });
    for (const [code, html] of Object.entries(rendered)) docsHtml.set(code, html);
  }
  return codes.map((code) => {
    const rule = rulesByCode.get(code);
    if (!rule) return `<p>No documentation for ${code}.</p>`;
    return `<h2 id="${rule.code}">${rule.code} <code>${rule.name}</code></h2>` +
      `<p class="rule-meta">Default severity: ${rule.severity}. Fix: ${rule.fixable ? 'yes' : 'no'}.</p>` +
      (docsHtml.get(code) ?? '');
  });
}

function openRuleDoc(event, code) {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  ruleDocHtml([code]).then(([html]) => {
    $('rule-doc-body').innerHTML = html;
    $('rule-doc').hidden = false;
    $('rule-doc').dataset.code = code;
  });
}

// ---------------------------------------------------------------------------------------------
// Start

function exposeForTests() {
  // Read-only hooks for the browser tests and the benchmark.
  window.hublintPlayground = {
    version: hublintVersion,
    files: () => Object.fromEntries(currentState().files),
    diagnostics: () => diagnostics,
    checkTimes: () => [...checkTimes],
    /** No check or URL update waiting to run. */
    isIdle: () => !checkPending && !inFlight && urlTimer === null,
    firstDiagnosticsAt: () => firstDiagnosticsAt,
  };
}

/** Connect to the checker worker that boot.js started (both pages load it first), and read
 * the rule docs. */
async function loadChecker() {
  checker = new Checker(window.hublintWorker);
  checker.onEvent = onCheckerEvent;
  checkerInit = checker.request('init');
  const { rules, version, steps, timeOrigin } = await checkerInit;
  rulesByCode = new Map(rules.map((r) => [r.code, r]));
  hublintVersion = version;
  // The worker's start-up steps, on this page's timeline (the benchmark prints them).
  for (const [name, at] of Object.entries(steps)) {
    performance.mark(`hublint-${name}`, { startTime: timeOrigin + at - performance.timeOrigin });
  }
  performance.mark('hublint-wasm-ready');
  return rules;
}

/** The first check, run here with the module boot.js compiled, before the editor is built:
 * the worker is still starting, and the editor's set-up would hold the diagnostics back.
 * Shows them in the problems list; the tabs get them once the editor exists. */
async function firstCheck(files) {
  const module = await window.hublintWasm;
  performance.mark('hublint-first-check-start');
  await initWasm({ module_or_path: module ?? new URL('hublint_wasm_bg.wasm', document.baseURI) });
  performance.mark('hublint-wasm-instantiated');
  const ws = new Workspace();
  ws.setFiles(Object.fromEntries(files));
  diagnostics = ws.check();
  configErrors = ws.configErrors();
  ws.free();
  performance.mark('hublint-first-check');
  generation += 1;
  diagnosticsKey = JSON.stringify(diagnostics) + configErrors.join('\n');
  renderProblems('');
  firstDiagnosticsAt = performance.now();
  performance.mark('hublint-first-diagnostics');
  // Resolves once they are on screen (a timer set in an animation frame runs after its
  // paint), so that building the editor does not hold the paint back.
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => {
    performance.mark('hublint-first-diagnostics-painted');
    resolve();
  }, 0)));
}

async function startPlayground() {
  // The worker starts and warms up while this thread checks the files and builds the editor.
  const checkerReady = loadChecker();
  const linked = await fragmentState();
  if (linked) lastFragment = location.hash.slice(1);
  const files = tabFiles(linked ? linked.files : EXAMPLE_FILES);
  let failed = null;
  // If it fails, the worker's check (asked for when the tabs are set) shows the result.
  await firstCheck(files).catch((e) => {
    failed = e;
    console.warn('first check on the page failed; the worker checks instead', e);
  });
  // The editor lives in a shadow root: CodeMirror then styles it with constructed style
  // sheets instead of a <style> element, which the page's CSP (style-src 'self') forbids.
  const shadow = $('editor').attachShadow({ mode: 'open' });
  editor = await import('./editor.js');
  view = editor.createView({
    parent: shadow,
    root: shadow,
    dispatch: (tr) => {
      view.update([tr]);
      if (active !== null) tabs.set(active, view.state);
      if (tr.docChanged) scheduleCheck();
    },
  });
  setFiles(files, linked ? linked.active : EXAMPLE_ACTIVE);
  if (!failed) {
    // The first check's diagnostics, for the texts the tabs now hold; the check setFiles asked
    // for (the worker's first) replaces them with the same.
    checkedDocs = snapshot();
    showDiagnostics();
    renderTabs();
  }
  performance.mark('hublint-editor-ready');
  await checkerReady;
  window.addEventListener('hashchange', async () => {
    if (location.hash.slice(1) !== lastFragment) await loadFromFragment();
  });
  $('fix-all').addEventListener('click', fixAll);
  $('reset').addEventListener('click', () => {
    lastFragment = null;
    setFiles(EXAMPLE_FILES, EXAMPLE_ACTIVE);
  });
  $('rule-doc-close').addEventListener('click', () => { $('rule-doc').hidden = true; });
  $('add-file').addEventListener('submit', (e) => {
    e.preventDefault();
    const error = addFile($('add-file-path').value);
    if (error) {
      $('add-file-error').textContent = error;
    } else {
      $('add-file').hidden = true;
      $('add-file-path').value = '';
      view.focus();
    }
  });
  $('add-file-cancel').addEventListener('click', () => { $('add-file').hidden = true; });
  exposeForTests();
  document.body.dataset.ready = '1';
}

async function startRulesPage() {
  const docs = await loadChecker();
  const html = await ruleDocHtml(docs.map((r) => r.code));
  const sections = docs.map((r, i) => {
    const section = el('section', { class: 'rule', id: r.code });
    section.innerHTML = html[i];
    return section;
  });
  $('rules').replaceChildren(...sections);
  $('status').textContent = `${docs.length} rules, hublint ${hublintVersion}.`;
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
  document.body.dataset.ready = '1';
}

const start = document.body.dataset.page === 'rules' ? startRulesPage : startPlayground;
start().catch((e) => {
  console.error(e);
  const status = $('status');
  if (status) status.textContent = `The playground failed to start: ${e && e.message ? e.message : e}`;
  document.body.dataset.failed = '1';
});
