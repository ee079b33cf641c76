// Shared setup of the browser tests: servers for the built folder, Debian's Chromium driven
// by playwright-core, per-page network and CSP bookkeeping, and the hublint CLI for parity.
import { spawn, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { charColumnToUtf16 } from '../src/positions.js';

const here = dirname(fileURLToPath(import.meta.url));
export const DIST = resolve(process.env.PLAYGROUND_DIR || join(here, '..', 'dist'));
export const HUBLINT = process.env.HUBLINT_BIN || 'hublint';
export const OUTPUT = resolve(process.env.TEST_OUTPUT || join(here, '..', '..', '..', 'test-output', 'playground'));
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
mkdirSync(OUTPUT, { recursive: true });

if (!existsSync(join(DIST, 'index.html'))) {
  throw new Error(`${DIST} holds no built playground: run scripts/build-playground.sh first`);
}

/** Start a child process that prints its URL on stdout; resolves to { url, stop }. */
function startServer(command, args, pattern) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => { child.kill(); reject(new Error(`${command} printed no URL: ${out}`)); }, 15000);
    const onData = (chunk) => {
      out += chunk;
      const m = out.match(pattern);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ url: `http://127.0.0.1:${m[1]}/`, stop: () => child.kill() });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${command} exited ${code}: ${out}`)); });
  });
}

/** Python's http.server: the "any static file server" case. */
export function startStaticServer() {
  return startServer('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', DIST],
    /port (\d+)/);
}

/** `hublint playground --port 0 --dir DIST`. */
export function startHublintServer() {
  return startServer(HUBLINT, ['playground', '--port', '0', '--dir', DIST], /http:\/\/127\.0\.0\.1:(\d+)\//);
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Open the playground in a fresh context. `net.requests` lists every request the page made,
 * `net.afterReady` those made after the first diagnostics appeared; `errors` collects page
 * errors and console errors.
 */
export async function openPlayground(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const net = { requests: [], afterReady: [] };
  const errors = [];
  let ready = false;
  page.on('request', (r) => {
    net.requests.push(r.url());
    if (ready) net.afterReady.push(r.url());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation',
      (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const response = await page.goto(url);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
  ready = true;
  await settle(page);
  return { context, page, net, errors, response };
}

/** Wait until no check and no URL update is pending. */
export async function settle(page) {
  await page.waitForFunction(() => window.hublintPlayground && window.hublintPlayground.isIdle(), null,
    { timeout: 10000, polling: 20 });
}

export const files = (page) => page.evaluate(() => window.hublintPlayground.files());
export const diagnostics = (page) => page.evaluate(() => window.hublintPlayground.diagnostics());
export const summary = (ds) => ds.map((d) => `${d.code} ${d.filename}:${d.location.row}:${d.location.column}`);

/** Click a problem's location button (moves the cursor there, as a user would). */
export async function goToProblem(page, code, file) {
  await page.locator(`#problems li[data-code="${code}"][data-file="${file}"] > button.loc`).first().click();
}

export async function activateTab(page, path) {
  await page.locator(`#tabs .tab[data-path="${path}"] .tab-name`).click();
}

export async function badge(page, path) {
  return Number(await page.locator(`#tabs .tab[data-path="${path}"] .badge`).textContent());
}

/** Write a `{path: text}` map under a new temporary directory; returns it. */
export function writeRepo(fileMap) {
  const dir = mkdtempSync(join(tmpdir(), 'hublint-playground-'));
  for (const [path, text] of Object.entries(fileMap)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export function readRepo(dir, paths) {
  return Object.fromEntries(paths.map((p) => [p, readFileSync(join(dir, p), 'utf8')]));
}

/** `hublint check --output-format json DIR [--fix]`: the diagnostics, exit status allowed 0/1. */
export function cliCheck(dir, ...extra) {
  const r = spawnSync(HUBLINT, ['check', '--output-format', 'json', '--quiet', ...extra, dir], { encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`hublint exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

export function cliRules() {
  return JSON.parse(execFileSync(HUBLINT, ['rule', '--all', '--json'], { encoding: 'utf8' }));
}

/**
 * The CLI counts columns in characters, the playground in UTF-16 code units: convert every
 * location of CLI diagnostics with the texts of the files they point into.
 */
export function cliToUtf16(cliDiagnostics, fileMap) {
  const conv = (filename, loc) => {
    const text = fileMap[filename];
    if (text === undefined) return loc;
    const line = text.split('\n')[loc.row - 1] ?? '';
    return { row: loc.row, column: charColumnToUtf16(line, loc.column) };
  };
  const edits = (fix) => fix && { ...fix, edits: fix.edits.map((e) => ({
    ...e, location: conv(e.filename, e.location), end_location: conv(e.filename, e.end_location) })) };
  return cliDiagnostics.map((d) => ({
    ...d,
    location: conv(d.filename, d.location),
    end_location: conv(d.filename, d.end_location),
    fix: edits(d.fix),
    fixes: d.fixes.map(edits),
    related: d.related.map((r) => ({
      ...r, location: conv(r.filename, r.location), end_location: conv(r.filename, r.end_location) })),
  }));
}
