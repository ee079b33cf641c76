import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A fresh temp directory, removed when the test process exits. */
export function tempDir(prefix = 'hublint-ext-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes a file and sets its mode (e.g. 0o755 for an executable script). */
export function writeFile(file: string, text: string, mode = 0o644): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  fs.chmodSync(file, mode);
  return file;
}

/**
 * The real hublint binary built from this repo (`cargo build -p hublint`), or undefined when it
 * has not been built. HUBLINT_BIN overrides the location.
 */
export function builtHublint(): string | undefined {
  const candidates = [
    process.env.HUBLINT_BIN,
    path.resolve(__dirname, '../../../target/debug/hublint'),
    path.resolve(__dirname, '../../../target/release/hublint'),
  ].filter((p): p is string => !!p);
  return candidates.find((p) => fs.existsSync(p));
}

export const extensionRoot = path.resolve(__dirname, '../..');
