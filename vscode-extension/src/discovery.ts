// Finding the `hublint` executable: the `hublint.path` setting first, then the binary shipped in
// the extension's `bin/` folder, then `hublint` on PATH. Kept free of the `vscode` module so the
// unit tests can run it under plain node.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export type ServerSource = 'setting' | 'bundled' | 'path';

export interface FoundServer {
  /** Absolute path of the executable. */
  command: string;
  source: ServerSource;
}

export interface DiscoveryInput {
  /** The `hublint.path` setting as the user wrote it ('' when unset). */
  configuredPath: string;
  /** The extension's install folder (holds `bin/`). */
  extensionPath: string;
  /** Folder used to resolve a relative or `${workspaceFolder}` setting; undefined with no folder open. */
  workspaceFolder?: string;
  /** The PATH to search (process.env.PATH by default). */
  envPath?: string;
  platform?: NodeJS.Platform;
  homeDir?: string;
  /** PATHEXT on Windows. */
  pathExt?: string;
}

export type DiscoveryResult =
  | { kind: 'found'; server: FoundServer }
  /** `hublint.path` is set but names no executable file: no fallback, the user asked for it. */
  | { kind: 'badSetting'; configuredPath: string; resolvedPath: string; reason: string }
  /** Nothing anywhere; `searched` lists the places looked at, for the message. */
  | { kind: 'notFound'; searched: string[] };

export function executableName(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'hublint.exe' : 'hublint';
}

/** Where the packaged extension keeps its server binary. */
export function bundledServerPath(extensionPath: string, platform: NodeJS.Platform = process.platform): string {
  return path.join(extensionPath, 'bin', executableName(platform));
}

/**
 * Expands `~`, `${userHome}` and `${workspaceFolder}` and makes a relative path absolute against
 * the workspace folder. Returns undefined when the path needs a workspace folder and there is none.
 */
export function expandConfiguredPath(
  configured: string,
  workspaceFolder: string | undefined,
  homeDir: string = os.homedir(),
): string | undefined {
  let p = configured.trim();
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) {
    p = homeDir + p.slice(1);
  }
  p = p.replace(/\$\{userHome\}/g, homeDir);
  if (p.includes('${workspaceFolder}')) {
    if (workspaceFolder === undefined) return undefined;
    p = p.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
  }
  if (!path.isAbsolute(p)) {
    if (workspaceFolder === undefined) return undefined;
    p = path.join(workspaceFolder, p);
  }
  return path.normalize(p);
}

/** Why `file` cannot be run, or undefined when it can. */
export function whyNotExecutable(file: string, platform: NodeJS.Platform = process.platform): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return 'no such file';
  }
  if (!stat.isFile()) return 'not a file';
  if (platform !== 'win32') {
    try {
      fs.accessSync(file, fs.constants.X_OK);
    } catch {
      return 'not executable';
    }
  }
  return undefined;
}

/** The first `hublint` on the given PATH that can be run. */
export function findOnPath(
  envPath: string,
  platform: NodeJS.Platform = process.platform,
  pathExt: string = process.env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM',
): string | undefined {
  const separator = platform === 'win32' ? ';' : ':';
  const names =
    platform === 'win32'
      ? pathExt.split(';').filter(Boolean).map((ext) => 'hublint' + ext.toLowerCase())
      : ['hublint'];
  for (const dir of envPath.split(separator)) {
    // an empty PATH entry means the current directory: never run a binary from there
    if (!dir || !path.isAbsolute(dir)) continue;
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (whyNotExecutable(candidate, platform) === undefined) return candidate;
    }
  }
  return undefined;
}

export function findServer(input: DiscoveryInput): DiscoveryResult {
  const platform = input.platform ?? process.platform;
  const configured = input.configuredPath.trim();
  if (configured !== '') {
    const resolved = expandConfiguredPath(configured, input.workspaceFolder, input.homeDir);
    if (resolved === undefined) {
      return {
        kind: 'badSetting',
        configuredPath: configured,
        resolvedPath: configured,
        reason: 'it is relative (or uses ${workspaceFolder}) and no folder is open',
      };
    }
    const reason = whyNotExecutable(resolved, platform);
    if (reason !== undefined) {
      return { kind: 'badSetting', configuredPath: configured, resolvedPath: resolved, reason };
    }
    return { kind: 'found', server: { command: resolved, source: 'setting' } };
  }

  const searched: string[] = [];
  const bundled = bundledServerPath(input.extensionPath, platform);
  searched.push(bundled);
  if (whyNotExecutable(bundled, platform) === undefined) {
    return { kind: 'found', server: { command: bundled, source: 'bundled' } };
  }

  const envPath = input.envPath ?? process.env.PATH ?? '';
  searched.push('PATH');
  const onPath = findOnPath(envPath, platform, input.pathExt);
  if (onPath !== undefined) {
    return { kind: 'found', server: { command: onPath, source: 'path' } };
  }
  return { kind: 'notFound', searched };
}

/**
 * A vsix is a zip file; some unpackers drop the executable bit. Restores it on the bundled
 * binary (only there: a user's own binary is theirs to manage). Returns true when it changed.
 */
export function ensureBundledExecutable(extensionPath: string, platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'win32') return false;
  const bundled = bundledServerPath(extensionPath, platform);
  if (whyNotExecutable(bundled, platform) !== 'not executable') return false;
  try {
    const mode = fs.statSync(bundled).mode;
    fs.chmodSync(bundled, mode | 0o111);
    return true;
  } catch {
    return false;
  }
}
