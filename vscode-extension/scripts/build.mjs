// Bundles the extension and vscode-languageclient into dist/extension.js (one file, no node_modules
// in the .vsix). `--dev` keeps it readable with a source map.
import { build } from 'esbuild';
import { copyConfigSchema } from './config-schema.mjs';

const dev = process.argv.includes('--dev');
await build({
  entryPoints: ['src/extension.ts'],
  outfile: 'dist/extension.js',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: ['vscode'],
  minify: !dev,
  sourcemap: dev ? 'linked' : false,
  logLevel: 'warning',
});
// The `.hublint.yaml` schema that package.json's yamlValidation names.
copyConfigSchema();
