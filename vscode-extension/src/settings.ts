// The extension's settings, read defensively (settings.json is hand-edited and may hold any JSON),
// and what a change to each of them means for the running server. No `vscode` import: the
// reader takes a `get(key)` function so the unit tests can feed it plain objects.

export type TraceLevel = 'off' | 'messages' | 'verbose';

export interface Settings {
  enable: boolean;
  /** `hublint.path` as written ('' = not set). */
  path: string;
  /** Extra arguments placed after `hublint lsp`. */
  args: string[];
  trace: TraceLevel;
}

export const DEFAULT_SETTINGS: Settings = { enable: true, path: '', args: [], trace: 'off' };

/** Reads one key of the `hublint` section (`enable`, `path`, `args`, `trace.server`). */
export type SettingGetter = (key: string) => unknown;

export interface ReadResult {
  settings: Settings;
  /** Human-readable complaints about values that were ignored. */
  problems: string[];
}

export function readSettings(get: SettingGetter): ReadResult {
  const problems: string[] = [];
  const settings: Settings = { ...DEFAULT_SETTINGS, args: [] };

  const enable = get('enable');
  if (typeof enable === 'boolean') settings.enable = enable;
  else if (enable !== undefined && enable !== null) problems.push('hublint.enable must be true or false');

  const configuredPath = get('path');
  if (typeof configuredPath === 'string') settings.path = configuredPath.trim();
  else if (configuredPath !== undefined && configuredPath !== null) problems.push('hublint.path must be a string');

  const args = get('args');
  if (Array.isArray(args)) {
    if (args.every((a) => typeof a === 'string')) settings.args = [...args];
    else problems.push('hublint.args must be a list of strings');
  } else if (typeof args === 'string') {
    // a common slip: one string instead of a list; splitting it on spaces is what the user meant
    settings.args = args.split(/\s+/).filter(Boolean);
  } else if (args !== undefined && args !== null) {
    problems.push('hublint.args must be a list of strings');
  }

  const trace = get('trace.server');
  if (trace === 'off' || trace === 'messages' || trace === 'verbose') settings.trace = trace;
  else if (trace !== undefined && trace !== null) problems.push('hublint.trace.server must be off, messages or verbose');

  return { settings, problems };
}

/**
 * Arguments for the server process. The language client appends `--stdio` itself
 * (TransportKind.stdio), which `hublint lsp` accepts and ignores.
 */
export function serverArgs(settings: Settings): string[] {
  return ['lsp', ...settings.args];
}

/**
 * The settings object the server receives: in `initializationOptions` and, on every change, as
 * `workspace/didChangeConfiguration` `{ settings: { hublint: … } }`. The executable path is the
 * client's business and is left out.
 */
export function serverSettings(settings: Settings): { enable: boolean; args: string[]; trace: { server: TraceLevel } } {
  return { enable: settings.enable, args: [...settings.args], trace: { server: settings.trace } };
}

/** What to do with the running server after a settings change, from the most to least drastic. */
export type ChangeAction =
  /** enable went true → false: stop the server (its problems disappear with it). */
  | 'stop'
  /** enable went false → true: start it. */
  | 'start'
  /** path or arguments changed: a different process is needed; restart it automatically. */
  | 'restart'
  /** anything else (trace): tell the running server, no restart. */
  | 'notify'
  | 'none';

export function changeAction(before: Settings, after: Settings): ChangeAction {
  if (before.enable !== after.enable) return after.enable ? 'start' : 'stop';
  if (!after.enable) return 'none';
  if (before.path !== after.path || !sameList(before.args, after.args)) return 'restart';
  if (before.trace !== after.trace) return 'notify';
  return 'none';
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
