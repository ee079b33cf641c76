// The playground in headless Chromium, served by a plain static file server (python's) and
// by `hublint playground`: what a user sees and does, checked against the CLI's own output.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  OUTPUT, startStaticServer, startHublintServer, launchBrowser, openPlayground, settle,
  files, diagnostics, summary, goToProblem, activateTab, badge, writeRepo, readRepo, cliCheck,
  cliRules, cliToUtf16,
} from './harness.mjs';
import { encodeState } from '../src/url-state.js';

const DOCKERFILE = 'helm-charts/images/hub/Dockerfile';
const CHART = 'helm-charts/basehub/Chart.yaml';
const REQUIREMENTS = 'helm-charts/images/hub/requirements.txt';
const VALUES = 'config/clusters/demo/staging.values.yaml';
const T = { timeout: 90000 };

let server;
let browser;
/** Every page opened, to check their network use and CSP reports at the end. */
const opened = [];

before(async () => {
  server = await startStaticServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

async function open(url = server.url) {
  const p = await openPlayground(browser, url);
  opened.push({ url, ...p });
  return p;
}

/** Asserts that only the page's own origin was contacted, and nothing after loading. */
async function assertOwnOriginOnly({ page, net, errors }, origin) {
  const foreign = net.requests.filter((u) => !u.startsWith(origin));
  assert.deepEqual(foreign, [], 'requests to other origins');
  assert.deepEqual(net.afterReady, [], 'requests after the page had loaded');
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], 'CSP violations');
  assert.deepEqual(errors, [], 'page errors');
}

test('the example shows exactly what the CLI reports for the same files', T, async () => {
  const p = await open();
  const { page } = p;
  const shown = await diagnostics(page);
  const fileMap = await files(page);
  assert.equal(Object.keys(fileMap).length, 7);
  // Several rule families, at the lines a user would look at.
  const expected = [
    `V001 ${DOCKERFILE}:2:33`,
    `R003 ${REQUIREMENTS}:4:48`,
    `R004 ${REQUIREMENTS}:5:1`,
    `Y003 ${VALUES}:5:12`,
    `S001 ${VALUES}:7:7`,
    // After "Données 📊": column 74 in UTF-16 units (the CLI says 73 characters).
    `I001 ${VALUES}:11:74`,
    `S005 ${VALUES}:15:9`,
  ];
  for (const line of expected) assert.ok(summary(shown).includes(line), `${line} in ${summary(shown).join(', ')}`);

  const cli = cliCheck(writeRepo(fileMap));
  assert.ok(cli.some((d) => d.code === 'I001' && d.location.column === 73), 'CLI counts characters');
  assert.deepEqual(shown, cliToUtf16(cli, fileMap));

  // The problems list and the editor's underlines show the same.
  assert.equal(await page.locator('#problems > li').count(), shown.length);
  assert.deepEqual(await page.locator('#problems > li').evaluateAll((lis) => lis.map((li) => li.dataset.code)),
    shown.map((d) => d.code));
  assert.equal(await page.locator('#editor .cm-lintRange-error').first().textContent(), '4.2.0');
  assert.equal(await badge(page, DOCKERFILE), 1);
  assert.equal(await badge(page, REQUIREMENTS), 2);
  await page.screenshot({ path: join(OUTPUT, 'playground.png') });
  await assertOwnOriginOnly(p, server.url);
});

test('typing a fix clears the diagnostic', T, async () => {
  const p = await open();
  const { page } = p;
  await goToProblem(page, 'R004', REQUIREMENTS);
  await page.keyboard.press('End');
  await page.keyboard.type('==0.6.0');
  await settle(page);
  assert.match((await files(page))[REQUIREMENTS], /^escapism==0\.6\.0$/m);
  const codes = summary(await diagnostics(page));
  assert.ok(!codes.some((c) => c.startsWith('R004')), codes.join(', '));
  assert.ok(codes.some((c) => c.startsWith('R003')), codes.join(', '));
  assert.equal(await badge(page, REQUIREMENTS), 1);
  assert.equal(await page.locator('#problems li[data-code="R004"]').count(), 0);
  await assertOwnOriginOnly(p, server.url);
});

test('every tab is highlighted in its own language once shown', T, async () => {
  const p = await open();
  const { page } = p;
  // The language is given to a tab when first shown (see show() in main.js); highlighted
  // text is in spans with a class (locators reach into the editor's shadow root).
  const spans = page.locator('#editor .cm-content .cm-line span[class]');
  for (const [path, token] of [[CHART, 'apiVersion'], [VALUES, 'jupyterhub'], [REQUIREMENTS, '17.3.0']]) {
    await activateTab(page, path);
    // Highlighting may land a frame or two after the tab is shown.
    await spans.filter({ hasText: token }).first().waitFor({ timeout: 5000 }).catch(() => {});
    const tokens = await spans.allTextContents();
    assert.ok(tokens.includes(token), `${path}: ${JSON.stringify(tokens)}`);
  }
  await assertOwnOriginOnly(p, server.url);
});

test('editing Chart.yaml changes the Dockerfile tab', T, async () => {
  const p = await open();
  const { page } = p;
  // The V001 problem points at the chart's version too: follow it into the Chart.yaml tab.
  await page.locator(`#problems li[data-code="V001"] .related button.loc`).click();
  assert.equal(await page.locator('#path-bar').textContent(), CHART);
  await page.keyboard.press('Shift+End');
  await page.keyboard.type('4.2.0');
  await settle(page);
  assert.match((await files(page))[CHART], /version: 4\.2\.0$/m);
  assert.ok(!(await diagnostics(page)).some((d) => d.code === 'V001'));
  assert.equal(await badge(page, DOCKERFILE), 0);
  await activateTab(page, DOCKERFILE);
  assert.equal(await page.locator('#editor .cm-lintRange').count(), 0);

  // Another release: the Dockerfile tab's diagnostic comes back, naming the new version.
  // Back in Chart.yaml the cursor is where it was, after the version just typed.
  await activateTab(page, CHART);
  await page.keyboard.press('Backspace');
  await page.keyboard.type('1');
  await settle(page);
  const v001 = (await diagnostics(page)).filter((d) => d.code === 'V001');
  assert.equal(v001.length, 1);
  assert.equal(v001[0].filename, DOCKERFILE);
  assert.match(v001[0].message, /4\.2\.1/);
  assert.equal(await badge(page, DOCKERFILE), 1);
  await activateTab(page, DOCKERFILE);
  assert.equal(await page.locator('#editor .cm-lintRange-error').textContent(), '4.2.0');
  await assertOwnOriginOnly(p, server.url);
});

test('quick-fix buttons rewrite the text, also in another tab', T, async () => {
  let p = await open();
  let page = p.page;
  const before = await files(page);
  await page.locator('#problems li[data-code="V001"] button.quick-fix.safe').click();
  await settle(page);
  let after = await files(page);
  assert.equal(after[DOCKERFILE], before[DOCKERFILE].replace('k8s-hub:4.2.0', 'k8s-hub:4.3.3'));
  assert.equal(after[CHART], before[CHART]);
  assert.ok(!(await diagnostics(page)).some((d) => d.code === 'V001'));
  // Y003's fix quotes the tag.
  await page.locator('#problems li[data-code="Y003"] button.quick-fix').click();
  await settle(page);
  assert.match((await files(page))[VALUES], /^ {6}tag: "1\.10"$/m);
  assert.ok(!(await diagnostics(page)).some((d) => d.code === 'Y003'));
  await page.screenshot({ path: join(OUTPUT, 'playground-fixed.png') });
  await assertOwnOriginOnly(p, server.url);

  // The other V001 fix edits Chart.yaml, not the Dockerfile the diagnostic is on.
  p = await open();
  page = p.page;
  await page.locator('#problems li[data-code="V001"] button.quick-fix.unsafe').click();
  await settle(page);
  after = await files(page);
  assert.equal(after[CHART], before[CHART].replace('version: 4.3.3', 'version: 4.2.0'));
  assert.equal(after[DOCKERFILE], before[DOCKERFILE]);
  assert.equal(await badge(page, DOCKERFILE), 0);
  await assertOwnOriginOnly(p, server.url);
});

test('"Fix all" gives the same files as hublint check --fix', T, async () => {
  const p = await open();
  const { page } = p;
  const original = await files(page);
  await page.locator('#fix-all').click();
  await settle(page);
  const fixed = await files(page);
  const dir = writeRepo(original);
  const remaining = cliCheck(dir, '--fix');
  const cliFixed = readRepo(dir, Object.keys(original));
  assert.deepEqual(fixed, cliFixed);
  assert.notDeepEqual(fixed, original);
  assert.deepEqual(await diagnostics(page), cliToUtf16(remaining, cliFixed));
  await assertOwnOriginOnly(p, server.url);
});

test('a shared link restores every tab, the active one and the diagnostics', T, async () => {
  const p = await open();
  const { page } = p;
  await goToProblem(page, 'R004', REQUIREMENTS);
  await page.keyboard.press('End');
  await page.keyboard.type('==0.6.0  # é😀');
  await settle(page);
  await activateTab(page, VALUES);
  await settle(page);
  const url = page.url();
  assert.match(url, /#v1\.[A-Za-z0-9_-]+$/);
  const want = { files: await files(page), diagnostics: await diagnostics(page) };

  const q = await open(url);
  assert.deepEqual(await files(q.page), want.files);
  assert.deepEqual(await diagnostics(q.page), want.diagnostics);
  assert.equal(await q.page.locator('#path-bar').textContent(), VALUES);
  assert.equal(await q.page.locator('#tabs .tab.active').getAttribute('data-path'), VALUES);

  // Pasting another state's link into the same tab loads it.
  const example = await open();
  const exampleUrl = example.page.url();
  await q.page.goto(exampleUrl);
  await q.page.waitForFunction((t) => window.hublintPlayground.files()['helm-charts/images/hub/requirements.txt'] === t,
    (await files(example.page))[REQUIREMENTS]);
  await assertOwnOriginOnly(q, server.url);
});

test('Python in hub.extraConfig is checked as the CLI does, by a module loaded only then', T, async () => {
  const example = await open();
  const fileMap = await files(example.page);
  // Appended under `jupyterhub.hub` (the example's values end with `hub.config`): line 19 is
  // not indented under its `if`, line 21 misspells a KubeSpawner trait.
  fileMap[VALUES] += [
    '    extraConfig:',
    '      01-limits: |',
    '        if True:',
    '        c.KubeSpawner.mem_limit = "2G"',
    '      02-timeout: |',
    '        c.KubeSpawner.start_timeot = 300',
    '',
  ].join('\n');
  const fragment = await encodeState({ files: Object.entries(fileMap), active: VALUES });
  const p = await open(`${server.url}#${fragment}`);
  const { page } = p;
  await page.waitForSelector('body[data-python="ready"]', { timeout: 30000 });
  await page.waitForFunction(() => window.hublintPlayground.diagnostics().some((d) => d.code === 'P001'));
  await settle(page);
  const shown = await diagnostics(page);
  assert.ok(summary(shown).some((s) => s.startsWith(`P001 ${VALUES}:19:`)), summary(shown).join(', '));
  assert.ok(summary(shown).some((s) => s.startsWith(`P002 ${VALUES}:21:`)), summary(shown).join(', '));
  assert.deepEqual(shown, cliToUtf16(cliCheck(writeRepo(fileMap)), fileMap));
  assert.equal(await page.locator('#problems li[data-code="P001"]').count(), 1);
  assert.ok(await page.locator('#python-note').isHidden());

  // The module with the parser was fetched for this page only (once the first module had
  // found Python), and nothing else after the page was ready.
  const python = ['hublint_wasm_python.js', 'hublint_wasm_python_bg.wasm'];
  const paths = (urls) => urls.map((u) => new URL(u).pathname.slice(1));
  for (const f of python) assert.equal(paths(p.net.requests).filter((u) => u === f).length, 1, f);
  assert.deepEqual(paths(p.net.afterReady).filter((u) => !python.includes(u)), []);
  assert.ok(!example.net.requests.some((u) => u.includes('python')), example.net.requests.join(', '));
  assert.deepEqual(p.net.requests.filter((u) => !u.startsWith(server.url)), []);
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  assert.deepEqual(p.errors, []);

  // Indenting the line clears P001; the checks now run in the module with the parser.
  await goToProblem(page, 'P001', VALUES);
  await page.keyboard.press('Home');
  await page.keyboard.type('  ');
  await settle(page);
  const after = await files(page);
  assert.match(after[VALUES], /^ {10}c\.KubeSpawner\.mem_limit/m);
  const codes = summary(await diagnostics(page));
  assert.ok(!codes.some((c) => c.startsWith('P001')), codes.join(', '));
  assert.deepEqual(await diagnostics(page), cliToUtf16(cliCheck(writeRepo(after)), after));
});

test('files can be added and removed', T, async () => {
  const p = await open();
  const { page } = p;
  const extra = 'helm-charts/images/hub/extra-requirements.txt';
  await page.locator('#add-file-open').click();
  await page.locator('#add-file-path').fill(`./${extra}`);
  await page.keyboard.press('Enter');
  await settle(page);
  assert.equal(await page.locator('#path-bar').textContent(), extra);
  await page.keyboard.type('escapism\noauthenticator==17.3.0\n');
  await settle(page);
  const added = (await diagnostics(page)).filter((d) => d.filename === extra);
  assert.ok(added.some((d) => d.code === 'R004' && d.location.row === 1), summary(added).join(', '));
  assert.equal(await badge(page, extra), added.length);
  // The same CLI answer for the eight files.
  const fileMap = await files(page);
  assert.equal(Object.keys(fileMap).length, 8);
  assert.deepEqual(await diagnostics(page), cliToUtf16(cliCheck(writeRepo(fileMap)), fileMap));

  // A path that is already open is refused.
  await page.locator('#add-file-open').click();
  await page.locator('#add-file-path').fill(extra);
  await page.keyboard.press('Enter');
  assert.match(await page.locator('#add-file-error').textContent(), /already open/);
  await page.locator('#add-file-cancel').click();

  await page.locator(`#tabs .tab[data-path="${extra}"] .tab-close`).click();
  await settle(page);
  assert.equal(await page.locator(`#tabs .tab[data-path="${extra}"]`).count(), 0);
  assert.ok(!(await diagnostics(page)).some((d) => d.filename === extra));
  assert.equal(Object.keys(await files(page)).length, 7);
  // Removing chartpress.yaml unties the Dockerfile from the chart: V001 goes away.
  await page.locator('#tabs .tab[data-path="helm-charts/chartpress.yaml"] .tab-close').click();
  await settle(page);
  assert.ok(!(await diagnostics(page)).some((d) => d.code === 'V001'));
  await assertOwnOriginOnly(p, server.url);
});

test('rule codes link to their documentation', T, async () => {
  const p = await open();
  const { page } = p;
  await page.locator('#problems li[data-code="V001"] a.code').click();
  await page.locator('#rule-doc:not([hidden])').waitFor();
  const doc = await page.locator('#rule-doc-body').textContent();
  assert.match(doc, /from-tag-disagrees-with-chart/);
  assert.match(doc, /What it does/);
  assert.equal(await page.locator('#problems li[data-code="V001"] a.code').getAttribute('href'), 'rules.html#V001');
  // The docs are not in the first module: the first doc shown fetches them, once.
  assert.deepEqual(p.net.afterReady.map((u) => new URL(u).pathname), ['/rule-docs.json']);
  p.net.afterReady.length = 0;
  await assertOwnOriginOnly(p, server.url);

  // The link's target lists every rule the CLI knows.
  const { context } = p;
  const rulesPage = await context.newPage();
  await rulesPage.goto(new URL('rules.html#V001', server.url).href);
  await rulesPage.waitForSelector('body[data-ready="1"]');
  const ids = await rulesPage.locator('#rules section.rule').evaluateAll((s) => s.map((e) => e.id));
  assert.deepEqual(ids, cliRules().map((r) => r.code));
  // Each with its full doc (fetched as rule-docs.json: the first module is built without).
  const sections = await rulesPage.locator('#rules section.rule').evaluateAll((s) => s.map((e) => e.textContent));
  for (const [i, rule] of cliRules().entries()) assert.match(sections[i], /What it does[\s\S]*Fix/, rule.code);
});

test('the Content Security Policy forbids other origins', T, async () => {
  const p = await open();
  const { page } = p;
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /connect-src 'self'/);
  const outcome = await page.evaluate(() => fetch('http://127.0.0.2:9/x').then(() => 'sent', () => 'blocked'));
  assert.equal(outcome, 'blocked');
  const violations = await page.evaluate(() => window.__cspViolations);
  assert.equal(violations.length, 1);
  assert.match(violations[0], /^connect-src http:\/\/127\.0\.0\.2:9/);
});

test('hublint playground serves the same page with the policy as a header', T, async () => {
  const hublint = await startHublintServer();
  try {
    const p = await open(hublint.url);
    const headers = p.response.headers();
    assert.match(headers['content-security-policy'], /default-src 'none'.*frame-ancestors 'none'/);
    assert.equal(headers['content-type'], 'text/html; charset=utf-8');
    const viaStatic = await open();
    assert.deepEqual(await diagnostics(p.page), await diagnostics(viaStatic.page));
    await assertOwnOriginOnly(p, hublint.url);
  } finally {
    hublint.stop();
  }
});

test('no page contacted any other origin', async () => {
  // Every page of every test above, including the rules page.
  assert.ok(opened.length >= 10);
  for (const { url, net } of opened) {
    const origin = new URL(url).origin;
    assert.deepEqual(net.requests.filter((u) => new URL(u).origin !== origin), [], url);
  }
});
