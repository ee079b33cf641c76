// `npm run package`: puts the Linux x64 `hublint` server binary into bin/ and builds
// hublint-<version>-linux-x64.vsix with vsce (which runs the esbuild bundle first).
// The binary comes from $HUBLINT_BINARY, else the newest of <target dir>/{release,debug}/hublint
// (target dir: $CARGO_TARGET_DIR, then the repository's target/).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repo = path.resolve(root, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

function pickBinary() {
  if (process.env.HUBLINT_BINARY) return path.resolve(process.env.HUBLINT_BINARY);
  const targetDirs = [process.env.CARGO_TARGET_DIR, path.join(repo, 'target')].filter(Boolean);
  const candidates = targetDirs
    .flatMap((dir) => ['release', 'debug'].map((profile) => path.join(dir, profile, 'hublint')))
    .filter((p) => fs.existsSync(p))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (candidates.length === 0) {
    fail(`no hublint binary in ${targetDirs.join(' or ')}; run \`cargo build -p hublint\` or set HUBLINT_BINARY`);
  }
  return candidates[0];
}

/** The vsix is for linux-x64: refuse any other binary rather than ship one that cannot run. */
function checkLinuxX64(file) {
  const header = Buffer.alloc(20);
  const fd = fs.openSync(file, 'r');
  fs.readSync(fd, header, 0, 20, 0);
  fs.closeSync(fd);
  const isElf = header.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  const is64 = header[4] === 2;
  const machine = header.readUInt16LE(18); // e_machine; 62 = EM_X86_64
  if (!isElf || !is64 || machine !== 62) fail(`${file} is not a Linux x86-64 executable`);
}

const source = pickBinary();
checkLinuxX64(source);
const versionText = execFileSync(source, ['--version'], { encoding: 'utf8' }).trim();
console.log(`package: server ${source} (${versionText})`);

const binDir = path.join(root, 'bin');
fs.rmSync(binDir, { recursive: true, force: true });
fs.mkdirSync(binDir);
const bundled = path.join(binDir, 'hublint');
fs.copyFileSync(source, bundled);
fs.chmodSync(bundled, 0o755);
// debug builds carry ~80% debug info; the extension does not need it
const strip = spawnSync('strip', ['--strip-debug', bundled], { stdio: 'inherit' });
if (strip.error) console.warn(`package: strip unavailable (${strip.error.message}); shipping unstripped`);
const bundledVersion = execFileSync(bundled, ['--version'], { encoding: 'utf8' }).trim();
if (bundledVersion !== versionText) fail(`stripped binary reports "${bundledVersion}"`);

const out = process.env.VSIX_OUT ?? path.join(root, `${pkg.name}-${pkg.version}-linux-x64.vsix`);
const vsce = path.join(root, 'node_modules', '.bin', 'vsce');
const result = spawnSync(
  vsce,
  ['package', '--target', 'linux-x64', '--allow-missing-repository', '--no-dependencies', '--out', out],
  { cwd: root, stdio: 'inherit' },
);
if (result.status !== 0) fail(`vsce exited with ${result.status ?? result.signal}`);
const mib = (fs.statSync(out).size / (1024 * 1024)).toFixed(1);
console.log(`package: wrote ${out} (${mib} MiB)`);
