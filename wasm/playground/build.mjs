// Bundles the playground into a static folder: `node build.mjs PKG_DIR OUT_DIR`.
// PKG_DIR holds wasm-bindgen's `--target web` output (hublint_wasm.js, hublint_wasm_bg.wasm).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [pkgDir, outDir] = process.argv.slice(2).map((p) => resolve(p));
if (!pkgDir || !outDir) {
  console.error('usage: node build.mjs PKG_DIR OUT_DIR');
  process.exit(2);
}
for (const f of ['hublint_wasm.js', 'hublint_wasm_bg.wasm']) {
  if (!existsSync(join(pkgDir, f))) {
    console.error(`${join(pkgDir, f)} is missing: run wasm-bindgen first (scripts/build-playground.sh)`);
    process.exit(1);
  }
}
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
await build({
  // The page, and the worker that runs the wasm checker.
  entryPoints: { playground: join(here, 'src/main.js'), worker: join(here, 'src/worker.js') },
  bundle: true,
  // No shared or lazily loaded chunks: the page requests nothing after loading.
  format: 'esm',
  target: ['es2022'],
  minify: true,
  legalComments: 'linked',
  sourcemap: 'linked',
  alias: { 'hublint-wasm': join(pkgDir, 'hublint_wasm.js') },
  outdir: outDir,
  logLevel: 'warning',
});
for (const f of ['index.html', 'rules.html', 'playground.css', 'boot.js']) copyFileSync(join(here, f), join(outDir, f));
for (const f of ['hublint_wasm_bg.wasm', 'hublint_wasm.d.ts']) copyFileSync(join(pkgDir, f), join(outDir, f));
console.log(`playground built in ${outDir}`);
