// Bundles the playground into a static folder: `node build.mjs PKG_DIR PYTHON_PKG_DIR OUT_DIR`.
// PKG_DIR holds wasm-bindgen's `--target web` output (hublint_wasm.js, hublint_wasm_bg.wasm);
// PYTHON_PKG_DIR the same for the module built with the P rules' Python parser
// (hublint_wasm_python.js, hublint_wasm_python_bg.wasm), which the worker loads only when a
// values file holds Python. PKG_DIR also holds rule-docs.json (see scripts/build-playground.sh).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [pkgDir, pythonPkgDir, outDir] = process.argv.slice(2).map((p) => resolve(p));
if (!pkgDir || !pythonPkgDir || !outDir) {
  console.error('usage: node build.mjs PKG_DIR PYTHON_PKG_DIR OUT_DIR');
  process.exit(2);
}
for (const f of [join(pkgDir, 'hublint_wasm.js'), join(pkgDir, 'hublint_wasm_bg.wasm'), join(pkgDir, 'rule-docs.json'),
  join(pythonPkgDir, 'hublint_wasm_python.js'), join(pythonPkgDir, 'hublint_wasm_python_bg.wasm')]) {
  if (!existsSync(f)) {
    console.error(`${f} is missing: run wasm-bindgen first (scripts/build-playground.sh)`);
    process.exit(1);
  }
}
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const common = {
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  minify: true,
  legalComments: 'linked',
  sourcemap: 'linked',
  alias: { 'hublint-wasm': join(pkgDir, 'hublint_wasm.js') },
  outdir: outDir,
  logLevel: 'warning',
};
// The page: playground.js (checks and shows the first diagnostics) and editor.js (CodeMirror,
// imported once they are painted; index.html preloads it). Nothing else is split off, so a
// page without Python in values requests nothing after loading.
await build({
  ...common,
  entryPoints: { playground: join(here, 'src/main.js') },
  splitting: true,
  chunkNames: '[name]',
});
// The worker that runs the wasm checker, and the bindings of the module with the Python
// parser (the worker imports them by URL when it needs them): one file each.
await build({
  ...common,
  entryPoints: {
    worker: join(here, 'src/worker.js'),
    hublint_wasm_python: join(pythonPkgDir, 'hublint_wasm_python.js'),
  },
});
for (const f of ['index.html', 'rules.html', 'playground.css', 'boot.js']) copyFileSync(join(here, f), join(outDir, f));
// rule-docs.json: the rules' docs, which the first module is built without (the worker
// fetches it when a doc is first shown).
for (const f of ['hublint_wasm_bg.wasm', 'hublint_wasm.d.ts', 'rule-docs.json']) copyFileSync(join(pkgDir, f), join(outDir, f));
copyFileSync(join(pythonPkgDir, 'hublint_wasm_python_bg.wasm'), join(outDir, 'hublint_wasm_python_bg.wasm'));
console.log(`playground built in ${outDir}`);
