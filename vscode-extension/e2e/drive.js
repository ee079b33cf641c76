// Drives code-server (a real VS Code workbench) in Debian's Chromium through what a user does with
// the hublint extension on the example repository:
//   1. the extension starts the bundled server (status bar says so);
//   2. opening the Dockerfile shows hublint's V001 error in the Problems panel;
//   3. the quick fix from the code-action menu (Ctrl+.) rewrites the FROM tag and the error goes;
//   4. editing Chart.yaml's jupyterhub version (unsaved) brings the Dockerfile's error back;
//   5. "hublint: Show Rule Documentation" shows V001's doc;
//   6-8. settings changes reach the running extension: enable=false stops the server and clears
//        its problems; a wrong or too-old hublint.path gives a notification with the fix;
//        clearing it brings the bundled server back; hublint.ignore reaches the running server;
//   9. "hublint: Restart Server" restarts it; "hublint: Show Server Log" shows the log;
//   10. "hublint: Fix All Problems in This File" fixes the Dockerfile again.
// Screenshots of each step go to --out. Exit code 0 only when every step passed.
//
// node drive.js --url URL --workspace DIR --out DIR --logs DIR   (playwright-core on NODE_PATH)
//   --logs: code-server's log folder, where the hublint output channel is written
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const opts = {};
for (let i = 2; i < process.argv.length; i += 2) opts[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const k of ['url', 'workspace', 'out', 'logs']) if (!opts[k]) throw new Error(`--${k} is required`);

const STEP_TIMEOUT = 30000;
const started = Date.now();
const log = (msg) => console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

/** Files of the example repository the test works on, found rather than hard-coded. */
function findExampleFiles(root) {
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '.git' || entry.name === 'node_modules') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.push(full);
    }
  };
  walk(root);
  const dockerfile = files.find(
    (f) => /Dockerfile$/.test(f) && /^FROM\s+\S*jupyterhub\/k8s-hub:/m.test(fs.readFileSync(f, 'utf8')),
  );
  if (!dockerfile) throw new Error(`no Dockerfile FROM jupyterhub/k8s-hub under ${root}`);
  const chart = files.find((f) => path.basename(f) === 'Chart.yaml' && /name:\s*jupyterhub\b/.test(fs.readFileSync(f, 'utf8')));
  if (!chart) throw new Error(`no Chart.yaml depending on jupyterhub under ${root}`);
  return { dockerfile, chart };
}

/** The jupyterhub dependency's version line in Chart.yaml: { line (1-based), version }. */
function chartVersionLine(text) {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*-?\s*name:\s*["']?jupyterhub["']?\s*$/.test(lines[i])) continue;
    const indent = lines[i].replace(/-.*/, '').length;
    for (let j = i + 1; j < lines.length && !/^\s*-/.test(lines[j]); j++) {
      const m = /^(\s*)version:\s*["']?([^"'\s#]+)/.exec(lines[j]);
      if (m && m[1].length >= indent) return { line: j + 1, version: m[2] };
    }
    for (let j = i - 1; j >= 0 && !/^\s*-\s/.test(lines[j + 1]); j--) {
      const m = /^\s*-?\s*version:\s*["']?([^"'\s#]+)/.exec(lines[j]);
      if (m) return { line: j + 1, version: m[1] };
    }
  }
  throw new Error('no jupyterhub dependency version in Chart.yaml');
}

function fromTag(text) {
  const m = /^FROM\s+\S*jupyterhub\/k8s-hub:(\S+)/m.exec(text);
  return m ? m[1] : undefined;
}

/** A different but plausible chart version: bump the minor number. */
function otherVersion(version) {
  const m = /^(\d+)\.(\d+)\.(\d+)(.*)$/.exec(version);
  if (!m) throw new Error(`chart version ${version} is not x.y.z`);
  return `${m[1]}.${Number(m[2]) + 1}.0`;
}

async function main() {
  const { dockerfile, chart } = findExampleFiles(opts.workspace);
  const dockerRel = path.relative(opts.workspace, dockerfile);
  const chartRel = path.relative(opts.workspace, chart);
  const chartVersion = chartVersionLine(fs.readFileSync(chart, 'utf8')).version;
  const initialTag = fromTag(fs.readFileSync(dockerfile, 'utf8'));
  log(`workspace ${opts.workspace}: ${dockerRel} FROM tag ${initialTag}, ${chartRel} jupyterhub ${chartVersion}`);
  if (initialTag === chartVersion) throw new Error('the example Dockerfile already agrees with Chart.yaml: nothing to test');

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const consoleLog = fs.createWriteStream(path.join(opts.out, 'browser-console.log'));
  page.on('console', (m) => consoleLog.write(`${m.type()}: ${m.text()}\n`));
  page.on('pageerror', (e) => consoleLog.write(`pageerror: ${e.message}\n`));
  let shot = 0;
  const screenshot = async (name) => {
    const file = path.join(opts.out, `${String(++shot).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file });
    log(`screenshot ${path.basename(file)}`);
  };

  // visible row text: "<message>hublintV001[Ln 2, Col 33]" (the aria-label lacks the code)
  const problemRows = () =>
    page.$$eval('.markers-panel .monaco-list-row', (rows) => rows.map((r) => (r.textContent || '').replace(/\s+/g, ' ').trim()));
  const waitForProblems = async (predicate, what) => {
    const deadline = Date.now() + STEP_TIMEOUT;
    let rows = [];
    while (Date.now() < deadline) {
      rows = await problemRows();
      if (predicate(rows)) return rows;
      await page.waitForTimeout(150);
    }
    throw new Error(`timed out waiting for ${what}; Problems panel rows: ${JSON.stringify(rows)}`);
  };
  const isV001 = (row) => /hublint\W*V001\b/.test(row);
  const editorText = () => page.$eval('.editor-group-container.active .monaco-editor .view-lines', (e) => e.innerText.replace(/\u00a0/g, ' '));
  const waitForEditorText = async (predicate, what) => {
    const deadline = Date.now() + STEP_TIMEOUT;
    let text = '';
    while (Date.now() < deadline) {
      text = await editorText().catch(() => '');
      if (predicate(text)) return text;
      await page.waitForTimeout(100);
    }
    throw new Error(`timed out waiting for ${what}; editor shows:\n${text}`);
  };
  /** Opens the quick input with `key`, types `text` and waits for `row` to be the focused
   * entry. VS Code closes a quick input whenever focus moves (a panel still taking focus from
   * an earlier key, a server restart), and what was typed then goes nowhere: the whole
   * sequence is tried again, up to three times, and each retry is logged. */
  const pickInQuickInput = async (key, text, row, what) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await page.keyboard.press(key);
        await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 5000 });
        await page.keyboard.type(text, { delay: 10 });
        if (row) await page.waitForSelector(row, { state: 'visible', timeout: STEP_TIMEOUT / 2 });
        return;
      } catch (e) {
        const rows = await page.$$eval('.quick-input-list .monaco-list-row', (r) => r.map((x) => x.getAttribute('aria-label'))).catch(() => []);
        if (attempt === 3) throw new Error(`the quick input never offered ${what}: ${JSON.stringify(rows)} (${e.message})`);
        log(`quick input for ${what} closed or offered nothing (attempt ${attempt}, rows ${JSON.stringify(rows)}); again`);
        await page.keyboard.press('Escape');
      }
    }
  };
  const quickOpen = async (rel) => {
    const name = path.basename(rel);
    // the list first shows recent files: wait until the search result is the focused row
    await pickInQuickInput('Control+P', rel, `.quick-input-list .monaco-list-row.focused[aria-label^="${name}"]`, rel);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.tab.active[aria-label^="${name}"]`, { timeout: STEP_TIMEOUT });
    await page.click('.editor-group-container.active .monaco-editor .view-lines');
  };
  const runCommand = async (title) => {
    await pickInQuickInput('F1', title, `.quick-input-list .monaco-list-row.focused[aria-label*="${title}"]`, title);
    await page.keyboard.press('Enter');
  };
  /** Puts the cursor on the first problem of the active editor (F8 then close the peek). */
  const cursorToProblem = async () => {
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('F8');
    await page.waitForSelector('.marker-widget', { state: 'visible', timeout: STEP_TIMEOUT });
    await page.keyboard.press('Escape');
    await page.waitForSelector('.marker-widget', { state: 'hidden' }).catch(() => {});
  };

  const scratch = fs.mkdtempSync(path.join(require('os').tmpdir(), 'hublint-e2e-'));
  /** How often the extension started the server so far, from its log file (not the UI). */
  const serverStarts = () => {
    const logs = [];
    const walk = (dir) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (/hublint\.log$/.test(e.name)) logs.push(full);
      }
    };
    walk(opts.logs);
    if (logs.length !== 1) throw new Error(`expected one hublint log under ${opts.logs}, found ${logs.length}`);
    return (fs.readFileSync(logs[0], 'utf8').match(/Z\] starting /g) || []).length;
  };
  const writeWorkspaceSettings = async (settings) => {
    fs.mkdirSync(path.join(opts.workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(opts.workspace, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
  };

  let failed;
  try {
    log('1. workbench and the hublint server');
    await page.goto(opts.url, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    log('workbench loaded');
    await waitForStatus(page, /^hublint running: bundled server/, 60000);

    log(`2. open ${dockerRel}: V001 in the Problems panel`);
    await quickOpen(dockerRel);
    await page.keyboard.press('Control+Shift+M');
    // the panel is a virtual list: filter it to V001 so the row is rendered however many
    // other problems the example has
    await page.waitForSelector('.markers-panel', { state: 'visible' });
    await page.keyboard.press('Control+F');
    await page.keyboard.type('V001');
    let rows = await waitForProblems((r) => r.some(isV001), 'the V001 problem');
    log(`problems: ${JSON.stringify(rows)}`);
    await page.waitForSelector('.editor-group-container.active .squiggly-error', { timeout: STEP_TIMEOUT });
    await screenshot('dockerfile-problem');

    log('3. quick fix through the code-action menu');
    await page.click('.editor-group-container.active .monaco-editor .view-lines');
    await cursorToProblem();
    await page.keyboard.press('Control+.');
    const fixTitle = `Set the FROM tag to ${chartVersion}`;
    const action = await page.waitForSelector(`.action-widget .monaco-list-row:has-text("${fixTitle}")`, { timeout: STEP_TIMEOUT });
    await screenshot('code-action-menu');
    await action.click();
    await waitForEditorText((t) => t.includes(`k8s-hub:${chartVersion}`), `the FROM tag to become ${chartVersion}`);
    rows = await waitForProblems((r) => !r.some(isV001), 'V001 to disappear');
    log(`problems after the fix: ${JSON.stringify(rows)}`);
    await page.keyboard.press('Control+S');
    const deadline = Date.now() + STEP_TIMEOUT;
    while (fromTag(fs.readFileSync(dockerfile, 'utf8')) !== chartVersion) {
      if (Date.now() > deadline) throw new Error('the fixed Dockerfile was not saved to disk');
      await page.waitForTimeout(100);
    }
    log(`${dockerRel} on disk now says FROM ...:${chartVersion}`);
    await screenshot('quick-fix-applied');

    // back to the Dockerfile's original tag (a real chart version), else a bumped one
    const newVersion = /^\d+\.\d+\.\d+$/.test(initialTag || '') ? initialTag : otherVersion(chartVersion);
    log(`4. edit ${chartRel}: jupyterhub ${chartVersion} -> ${newVersion} (unsaved)`);
    await quickOpen(chartRel);
    const { line } = chartVersionLine(fs.readFileSync(chart, 'utf8'));
    await pickInQuickInput('Control+G', String(line), null, `line ${line}`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    for (let i = 0; i < chartVersion.length; i++) await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.type(newVersion);
    await waitForEditorText((t) => t.includes(`version: ${newVersion}`), `Chart.yaml to show ${newVersion}`);
    rows = await waitForProblems((r) => r.some(isV001), 'the Dockerfile problem to come back');
    log(`problems after editing Chart.yaml: ${JSON.stringify(rows)}`);
    // the server judged the editor's buffer, not the file: it is still unsaved
    if (chartVersionLine(fs.readFileSync(chart, 'utf8')).version !== chartVersion) {
      throw new Error('Chart.yaml was saved; the test meant to check an unsaved edit');
    }
    await screenshot('problem-back-after-chart-edit');

    log('5. rule documentation for the problem under the cursor');
    await quickOpen(dockerRel);
    await page.waitForSelector('.editor-group-container.active .squiggly-error', { timeout: STEP_TIMEOUT });
    await cursorToProblem();
    await runCommand('hublint: Show Rule Documentation');
    await page.waitForSelector('.tab[aria-label*="V001"]', { timeout: STEP_TIMEOUT });
    const docShown = await waitForFrameText(page, /V001/, STEP_TIMEOUT);
    log(`rule doc preview: ${JSON.stringify(docShown.slice(0, 80))}`);
    await screenshot('rule-doc');

    log('6. settings: hublint.enable false stops the server and clears its problems');
    await writeWorkspaceSettings({ 'hublint.enable': false });
    await waitForStatus(page, /^hublint disabled/);
    rows = await waitForProblems((r) => !r.some(isV001), 'V001 to go with the server');
    await screenshot('disabled');

    log('7. settings: a wrong hublint.path, then a too-old server: notifications say what to do');
    const expectToast = async (text) => {
      const toast = await page.waitForSelector(`.notifications-toasts .notification-toast:has-text("${text}")`, { timeout: STEP_TIMEOUT });
      log(`notification: ${(await toast.innerText()).replace(/\s+/g, ' ')}`);
      if (!(await toast.$('.monaco-button:has-text("Open Settings")'))) throw new Error('the notification offers no Open Settings button');
      return toast;
    };
    const dismissToasts = async () => {
      for (const close of await page.$$('.notifications-toasts .notification-toast .codicon-notifications-clear')) await close.click().catch(() => {});
    };
    const missing = path.join(scratch, 'no-such-hublint');
    await writeWorkspaceSettings({ 'hublint.enable': true, 'hublint.path': missing });
    await expectToast(`${missing}: no such file`);
    await waitForStatus(page, /^hublint error: server not found/);
    await dismissToasts();
    const oldServer = path.join(scratch, 'old-hublint');
    fs.writeFileSync(oldServer, '#!/bin/sh\necho "hublint 0.0.1"\n', { mode: 0o755 });
    await writeWorkspaceSettings({ 'hublint.enable': true, 'hublint.path': oldServer });
    await expectToast('is version 0.0.1, but this extension needs');
    await waitForStatus(page, /^hublint error: server 0\.0\.1 is too old/);
    await screenshot('too-old-notification');
    await dismissToasts();

    log('8. settings: clearing hublint.path brings the bundled server back');
    await writeWorkspaceSettings({});
    await waitForStatus(page, /^hublint running: bundled/);
    rows = await waitForProblems((r) => r.some(isV001), 'V001 from the restarted server');
    log(`problems: ${JSON.stringify(rows)}`);

    log('8b. settings: hublint.ignore reaches the running server (no restart)');
    const startsBefore = serverStarts();
    await writeWorkspaceSettings({ 'hublint.ignore': ['V001'] });
    rows = await waitForProblems((r) => !r.some(isV001), 'V001 to be ignored');
    await writeWorkspaceSettings({});
    rows = await waitForProblems((r) => r.some(isV001), 'V001 back once no longer ignored');
    await waitForStatus(page, /^hublint running: bundled/);
    if (serverStarts() !== startsBefore) throw new Error(`the server was restarted for a rule setting (${startsBefore} -> ${serverStarts()} starts)`);
    log(`V001 went and came back with hublint.ignore; server starts still ${startsBefore}`);

    log('9. hublint: Restart Server, then hublint: Show Server Log');
    await runCommand('hublint: Restart Server');
    await waitForStatus(page, /^hublint running: bundled/); // the log below proves it restarted
    await runCommand('hublint: Show Server Log');
    const logText = await waitForText(
      page,
      '.part.panel .monaco-editor .view-lines',
      // the output view renders only its last screenful, and long lines wrap
      (t) => /Z\] stopping the server[\s\S]*Z\] starting [\s\S]*loaded \d+ files/.test(t),
      'the hublint log to show the restart (stop, start, the server loading the repository)',
    );
    log(`server log: ${(logText.match(/Z\] (starting|stopping) /g) || []).length} start/stop lines`);
    await screenshot('server-log');
    await page.keyboard.press('Control+Shift+M');

    log('10. hublint: Fix All Problems in This File');
    await quickOpen(dockerRel);
    await runCommand('hublint: Fix All Problems in This File');
    await waitForEditorText((t) => t.includes(`k8s-hub:${newVersion}`), `fix all to set the FROM tag to ${newVersion}`);
    rows = await waitForProblems((r) => !r.some(isV001), 'V001 to disappear after fix all');
    log(`problems after fix all: ${JSON.stringify(rows)}`);
    await screenshot('fix-all-applied');
  } catch (e) {
    failed = e;
    await screenshot('failure').catch(() => {});
  } finally {
    await browser.close().catch(() => {});
    consoleLog.end();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  if (failed) throw failed;
}

/** Waits for the hublint status bar item's accessible label to match re; returns it. */
async function waitForStatus(page, re, timeout = STEP_TIMEOUT) {
  const deadline = Date.now() + timeout;
  let label;
  while (Date.now() < deadline) {
    label = await page
      .$eval('#workbench\\.parts\\.statusbar [aria-label^="hublint "]', (e) => e.getAttribute('aria-label'))
      .catch(() => undefined);
    if (label && re.test(label)) {
      log(`status bar: ${label}`);
      return label;
    }
    await page.waitForTimeout(150);
  }
  throw new Error(`status bar never matched ${re}; last: ${label}`);
}

/** Waits until the first element matching selector has text satisfying predicate; returns it. */
async function waitForText(page, selector, predicate, what, timeout = STEP_TIMEOUT) {
  const deadline = Date.now() + timeout;
  let text = '';
  while (Date.now() < deadline) {
    text = await page.$eval(selector, (e) => e.innerText.replace(/\u00a0/g, ' ')).catch(() => '');
    if (predicate(text)) return text;
    await page.waitForTimeout(150);
  }
  throw new Error(`timed out waiting for ${what}; ${selector} shows:\n${text}`);
}

/** Text of the first frame (the Markdown preview is a webview: nested iframes) matching re. */
async function waitForFrameText(page, re, timeout) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      const text = await frame.evaluate(() => (document.body ? document.body.innerText : '')).catch(() => '');
      if (re.test(text)) return text;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no webview showed ${re}`);
}

main().then(
  () => {
    log('RESULT: PASS');
    process.exit(0);
  },
  (e) => {
    console.error(e && e.stack ? e.stack : String(e));
    log('RESULT: FAIL');
    process.exit(1);
  },
);
