// The packed npm package, installed as a user would (`npm install hublint-wasm-*.tgz`), checks
// examples/demo-deployment from plain Node and gets exactly the CLI's JSON; its declarations
// type-check a use of the API.
//   HUBLINT_NPM_TGZ=target/npm/hublint-wasm-0.1.0.tgz HUBLINT_BIN=target/debug/hublint \
//     node --test wasm/npm/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const EXAMPLE = join(REPO, 'examples/demo-deployment');
const TGZ = resolve(process.env.HUBLINT_NPM_TGZ ?? '');
const HUBLINT = resolve(process.env.HUBLINT_BIN ?? join(REPO, 'target/debug/hublint'));
const TSC = join(REPO, 'wasm/playground/node_modules/.bin/tsc');

/** Every file under `dir` as { relative path: text }. */
function readTree(dir, root = dir, out = {}) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) readTree(path, root, out);
    else out[relative(root, path)] = readFileSync(path, 'utf8');
  }
  return out;
}

// A project that installed the package from the .tgz (no registry needed: it has no deps).
const project = mkdtempSync(join(tmpdir(), 'hublint-npm-'));
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user', private: true, type: 'module' }));
execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', TGZ], { cwd: project, stdio: 'pipe' });

test('check() on the example equals `hublint check --output-format json`', () => {
  const files = readTree(EXAMPLE);
  // All ASCII, so the package's UTF-16 columns and the CLI's character columns coincide.
  assert.ok(Object.values(files).every((t) => /^[\x00-\x7f]*$/.test(t)), 'example must stay ASCII for this test');
  writeFileSync(join(project, 'files.json'), JSON.stringify(files));
  writeFileSync(join(project, 'run.mjs'), `
    import { readFileSync } from 'node:fs';
    import { check, version } from 'hublint-wasm';
    const files = JSON.parse(readFileSync('files.json', 'utf8'));
    process.stdout.write(JSON.stringify({ version: version(), diagnostics: check(files) }));
  `);
  const fromPackage = JSON.parse(execFileSync('node', ['run.mjs'], { cwd: project, encoding: 'utf8' }));
  const cli = spawnSync(HUBLINT, ['check', '--output-format', 'json', '--quiet', EXAMPLE], { encoding: 'utf8' });
  assert.equal(cli.status, 1, cli.stderr);
  const fromCli = JSON.parse(cli.stdout);
  assert.ok(fromCli.length >= 5, `the example has its deliberate problems (${fromCli.length})`);
  assert.deepEqual(fromPackage.diagnostics, fromCli);
  const pkg = JSON.parse(readFileSync(join(project, 'node_modules/hublint-wasm/package.json'), 'utf8'));
  assert.equal(fromPackage.version, pkg.version);
});

test('Python in hub.extraConfig gets the CLI\'s P001 (the package has the parser)', () => {
  const files = {
    'staging.values.yaml': 'jupyterhub:\n  hub:\n    extraConfig:\n      01-limits: |\n        if True:\n        c.KubeSpawner.mem_limit = "2G"\n',
  };
  writeFileSync(join(project, 'python.json'), JSON.stringify(files));
  writeFileSync(join(project, 'python.mjs'), `
    import { readFileSync } from 'node:fs';
    import { check, checksPython } from 'hublint-wasm';
    const files = JSON.parse(readFileSync('python.json', 'utf8'));
    process.stdout.write(JSON.stringify({ checksPython: checksPython(), diagnostics: check(files) }));
  `);
  const out = JSON.parse(execFileSync('node', ['python.mjs'], { cwd: project, encoding: 'utf8' }));
  assert.equal(out.checksPython, true);
  const dir = mkdtempSync(join(tmpdir(), 'hublint-npm-python-'));
  writeFileSync(join(dir, 'staging.values.yaml'), files['staging.values.yaml']);
  const cli = spawnSync(HUBLINT, ['check', '--output-format', 'json', '--quiet', dir], { encoding: 'utf8' });
  const fromCli = JSON.parse(cli.stdout);
  assert.ok(out.diagnostics.some((d) => d.code === 'P001' && d.location.row === 6), JSON.stringify(out.diagnostics));
  assert.deepEqual(out.diagnostics, fromCli);
});

test('require() works too, and bad input is an error, not a crash', () => {
  const out = execFileSync('node', ['-e', `
    const { check, rules } = require('hublint-wasm');
    let error = null;
    try { check(42); } catch (e) { error = String(e.message || e); }
    console.log(JSON.stringify({ rules: rules().length, error }));
  `], { cwd: project, encoding: 'utf8' });
  const { rules, error } = JSON.parse(out);
  const cliRules = JSON.parse(execFileSync(HUBLINT, ['rule', '--all', '--json'], { encoding: 'utf8' }));
  assert.equal(rules, cliRules.length);
  assert.match(error, /files must be an object/);
});

test('the declarations type-check a use of the package and reject misuse', () => {
  writeFileSync(join(project, 'use.ts'), `
    import { check, fix, Workspace, type Diagnostic, type Severity } from 'hublint-wasm';
    const diags: Diagnostic[] = check({ 'a.yaml': 'k: 1\\nk: 2\\n' });
    const severity: Severity = diags[0].severity;
    const column: number = diags[0].location.column;
    const changed: string[] = fix({}).changed;
    const ws = new Workspace();
    ws.setFile('a.yaml', 'x: 1');
    const first = ws.check()[0]?.fix?.edits[0]?.end_location.row;
    export { severity, column, changed, first };
  `);
  writeFileSync(join(project, 'misuse.ts'), `
    import { check } from 'hublint-wasm';
    const s: 'fatal' = check({})[0].severity;
    export { s };
  `);
  const tsc = (file) => spawnSync(TSC, ['--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16',
    '--target', 'es2022', '--lib', 'esnext', '--skipLibCheck', 'false', file], { cwd: project, encoding: 'utf8' });
  const ok = tsc('use.ts');
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const bad = tsc('misuse.ts');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stdout, /Type 'Severity' is not assignable to type '"fatal"'/);
});
