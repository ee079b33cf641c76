// Server version checks: the extension declares the oldest server it works with
// (`hublint.minimumServerVersion` in package.json) and refuses older binaries with a clear message.
import { execFile } from 'child_process';

export interface Version {
  major: number;
  minor: number;
  patch: number;
  /** Pre-release identifiers (`0.2.0-dev.3` → ['dev', '3']); empty for a release. */
  prerelease: string[];
  text: string;
}

const VERSION_RE = /(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?/;

/** The first semantic version found in `text` (e.g. `hublint 0.1.0 (abc123)`), or undefined. */
export function parseVersion(text: string): Version | undefined {
  const m = VERSION_RE.exec(text);
  if (!m) return undefined;
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    prerelease: m[4] ? m[4].split('.') : [],
    text: m[0],
  };
}

function comparePrereleaseIds(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return Number(a) - Number(b);
  if (an) return -1; // numeric identifiers sort before alphanumeric ones (semver §11)
  if (bn) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Semver precedence: negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: Version, b: Version): number {
  if (a.major !== b.major) return a.major - b.major;
  if (a.minor !== b.minor) return a.minor - b.minor;
  if (a.patch !== b.patch) return a.patch - b.patch;
  // a release is newer than any of its pre-releases
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return b.prerelease.length - a.prerelease.length;
  }
  for (let i = 0; i < Math.min(a.prerelease.length, b.prerelease.length); i++) {
    const c = comparePrereleaseIds(a.prerelease[i], b.prerelease[i]);
    if (c !== 0) return c;
  }
  return a.prerelease.length - b.prerelease.length;
}

export type VersionVerdict =
  | { kind: 'ok'; version: Version }
  | { kind: 'tooOld'; version: Version; minimum: Version }
  | { kind: 'unknown'; output: string };

/**
 * Judges a server's version text against the minimum. A pre-release of the minimum itself
 * (`0.1.0-dev`) counts as new enough: development builds of the matching server must work.
 */
export function judgeVersion(reported: string, minimum: string): VersionVerdict {
  const version = parseVersion(reported);
  if (!version) return { kind: 'unknown', output: reported };
  const min = parseVersion(minimum);
  if (!min) throw new Error(`invalid minimum server version in package.json: ${minimum}`);
  const releaseOnly = { ...version, prerelease: [] };
  if (compareVersions(releaseOnly, min) < 0) return { kind: 'tooOld', version, minimum: min };
  return { kind: 'ok', version };
}

/** Runs `<command> --version` and returns its standard output (rejects on failure or after timeoutMs). */
export function queryVersion(command: string, timeoutMs = 10000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, ['--version'], { timeout: timeoutMs, windowsHide: true }, (error, stdout, stderr) => {
      if (error) {
        const detail = String(stderr).trim() || error.message;
        reject(new Error(`\`${command} --version\` failed: ${detail}`));
        return;
      }
      resolve(String(stdout).trim());
    });
  });
}
