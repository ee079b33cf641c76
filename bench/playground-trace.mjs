// Where the playground's start spends CPU: cold loads traced through the Chrome DevTools
// protocol (the benchmark's headless Chromium), summed in *thread* time (CPU the thread ran,
// `tdur`), which the machine's load changes far less than wall-clock time.
//
//   node bench/playground-trace.mjs [--runs N] [--until painted|ready] [--save FILE]
//
// For each thread of the page's renderer (the page's main thread, the checker worker, V8's
// background threads compiling wasm and scripts) it prints the median CPU ms until the first
// diagnostics were painted (or `ready`: the editor is interactive), split by what ran:
// HTML parsing, script compile and evaluation, wasm compile, style/layout/paint, GC, other.
// `--save` writes the last run's trace (open it in chrome://tracing or DevTools' Performance).
import { writeFileSync } from 'node:fs';
import { startStaticServer, launchBrowser } from '../wasm/playground/test/harness.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const RUNS = Number(opt('--runs', 5));
const UNTIL = opt('--until', 'painted');
const SAVE = opt('--save', null);

const CATEGORIES = [
  'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.execute', 'v8.wasm',
  'disabled-by-default-v8.compile', 'disabled-by-default-v8.wasm.detailed', 'blink.user_timing',
  'toplevel', 'loading', '__metadata',
].join(',');

/** What an event's CPU counts as; events nest, the innermost classified one wins. */
function kind(e) {
  const n = e.name;
  if (/wasm/i.test(n) || /Wasm/.test(e.cat)) return 'wasm compile/run';
  if (/^(ParseHTML|ParseAuthorStyleSheet)$/.test(n)) return 'parse HTML/CSS';
  if (/GC|Scavenge|MarkCompact|MinorGC|MajorGC/.test(n)) return 'GC';
  if (/^(v8\.compile|v8\.parseOnBackground|V8\.(Compile|Parse)|v8\.compileModule|V8\.StreamingCompile|v8\.produceModuleCache|v8\.produceCache)/i.test(n)
    || /ScriptStreamer|BackgroundCompile|Compile(Lazy|Eager)/.test(n)) return 'script compile';
  if (/^(EvaluateScript|v8\.evaluateModule|FunctionCall|v8\.run|v8\.callFunction|TimerFire|EventDispatch|FireAnimationFrame|RunMicrotasks|v8\.execute)$/.test(n)) return 'script run';
  if (/^(Layout|UpdateLayoutTree|RecalculateStyles|Paint|PaintImage|PrePaint|Layerize|UpdateLayer|CompositeLayers|Commit|ScrollLayer|HitTest)$/.test(n)) return 'style/layout/paint';
  return null;
}

/** CPU ms per thread and kind, counting each thread's self time by its innermost classified event. */
function breakdown(events, until) {
  const names = new Map();
  const pidOf = new Map();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
  }
  // The renderer is the process with the page's main thread that recorded our marks.
  const mark = events.find((e) => e.name === 'hublint-boot');
  const pid = mark?.pid;
  const origin = events.find((e) => e.pid === pid && e.name === 'navigationStart')?.ts
    ?? Math.min(...events.filter((e) => e.pid === pid && e.ts).map((e) => e.ts));
  const endMark = events.find((e) => e.pid === pid && e.name === until);
  const end = endMark ? endMark.ts : Infinity;
  const byThread = new Map();
  for (const e of events) {
    if (e.pid !== pid || e.ph !== 'X' || e.tdur === undefined || e.ts > end) continue;
    const key = `${e.pid}:${e.tid}`;
    if (!byThread.has(key)) byThread.set(key, []);
    byThread.get(key).push(e);
    pidOf.set(key, e.pid);
  }
  const out = {};
  for (const [key, list] of byThread) {
    list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    // Walk the nesting: self thread time of each event goes to the innermost classified kind.
    const stack = [];
    const sums = {};
    let total = 0;
    const add = (k, ms) => { sums[k] = (sums[k] || 0) + ms; };
    const close = (until) => {
      while (stack.length && stack[stack.length - 1].endTs <= until) {
        const f = stack.pop();
        const self = Math.max(0, f.e.tdur - f.childT) / 1000;
        add(f.k ?? 'other', self);
        if (stack.length) stack[stack.length - 1].childT += f.e.tdur;
        else total += f.e.tdur / 1000;
      }
    };
    for (const e of list) {
      close(e.ts);
      const parentKind = stack.length ? stack[stack.length - 1].k : null;
      stack.push({ e, endTs: e.ts + e.dur, childT: 0, k: kind(e) ?? parentKind });
    }
    close(Infinity);
    let name = names.get(key) || key;
    if (/ThreadPool|V8Worker|Background/i.test(name)) name = 'background threads (V8 compile, wasm)';
    out[name] ??= { total: 0 };
    out[name].total += total;
    for (const [k, v] of Object.entries(sums)) out[name][k] = (out[name][k] || 0) + v;
  }
  return { threads: out, endMs: endMark ? (endMark.ts - origin) / 1000 : null };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const server = await startStaticServer();
const browser = await launchBrowser();
const runs = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await browser.startTracing(page, { categories: CATEGORIES.split(',') });
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
    await page.waitForFunction(() => performance.getEntriesByName('hublint-first-diagnostics-painted').length > 0);
    await page.waitForTimeout(50);
    const buffer = await browser.stopTracing();
    if (SAVE && i === RUNS - 1) writeFileSync(SAVE, buffer);
    const { traceEvents } = JSON.parse(buffer.toString());
    runs.push(breakdown(traceEvents, UNTIL === 'ready' ? 'hublint-editor-ready' : 'hublint-first-diagnostics-painted'));
    await context.close();
  }
} finally {
  await browser.close();
  server.stop();
}

const threads = [...new Set(runs.flatMap((r) => Object.keys(r.threads)))];
const kinds = ['total', 'parse HTML/CSS', 'script compile', 'script run', 'wasm compile/run', 'style/layout/paint', 'GC', 'other'];
console.log(`CPU (thread time) until ${UNTIL}, median of ${RUNS} cold loads, ms; wall-clock end median ${median(runs.map((r) => r.endMs ?? NaN)).toFixed(0)} ms`);
console.log(['thread'.padEnd(40), ...kinds.map((k) => k.padStart(k.length > 8 ? k.length : 8))].join(' '));
const result = {};
for (const t of threads) {
  const row = Object.fromEntries(kinds.map((k) => [k, median(runs.map((r) => r.threads[t]?.[k] ?? 0))]));
  result[t] = row;
  console.log([t.slice(0, 40).padEnd(40), ...kinds.map((k) => row[k].toFixed(1).padStart(k.length > 8 ? k.length : 8))].join(' '));
}
console.log(JSON.stringify({ until: UNTIL, runs: RUNS, threads: result }));
