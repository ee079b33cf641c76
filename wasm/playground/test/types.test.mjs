// The TypeScript declarations wasm-bindgen generated for the API (hublint_wasm.d.ts, shipped
// in the built folder) type-check a real use of it, and reject misuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const DIST = resolve(process.env.PLAYGROUND_DIR || join(here, '..', 'dist'));
const TSC = join(here, '..', 'node_modules', '.bin', 'tsc');

test('the API declarations type-check a real use and reject misuse', () => {
  const declarations = join(DIST, 'hublint_wasm.d.ts');
  assert.ok(existsSync(declarations), `${declarations} missing: build the playground first`);
  const dir = mkdtempSync(join(tmpdir(), 'hublint-types-'));
  const tsconfig = {
    compilerOptions: {
      strict: true, noEmit: true, target: 'es2022', module: 'esnext', moduleResolution: 'bundler',
      lib: ['esnext', 'dom'], skipLibCheck: false, noUnusedLocals: false,
      paths: { 'hublint-wasm': [declarations] },
    },
    files: [join(here, 'types', 'usage.ts')],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  const r = spawnSync(TSC, ['-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
});
