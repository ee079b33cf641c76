// The extension's settings, read defensively (settings.json is hand-edited and may hold any JSON),
// and what a change to each of them means for the running server. No `vscode` import: the
// reader takes a `get(key)` function so the unit tests can feed it plain objects.

export type TraceLevel = 'off' | 'messages' | 'verbose';
export type RuleSeverity = 'error' | 'warning' | 'info' | 'off';

/** Rule settings the server layers over the repository's `.hublint.yaml` (same meaning). */
export interface RuleSettings {
  /** Rule codes or prefixes to run; when not empty it replaces the file's `select`. */
  select: string[];
  /** Rule codes or prefixes to skip, added to the file's. */
  ignore: string[];
  /** Severity per rule code. */
  severity: Record<string, RuleSeverity>;
  /** Glob → rule codes skipped in matching files. */
  perPathIgnores: Record<string, string[]>;
  /** Report problems in every file of the repository, not only open ones. */
  workspaceDiagnostics: boolean;
}

export interface Settings extends RuleSettings {
  enable: boolean;
  /** `hublint.path` as written ('' = not set). */
  path: string;
  /** Extra arguments placed after `hublint lsp`. */
  args: string[];
  trace: TraceLevel;
}

export const DEFAULT_SETTINGS: Settings = {
  enable: true,
  path: '',
  args: [],
  trace: 'off',
  select: [],
  ignore: [],
  severity: {},
  perPathIgnores: {},
  workspaceDiagnostics: false,
};

/** Reads one key of the `hublint` section (`enable`, `path`, `args`, `trace.server`). */
export type SettingGetter = (key: string) => unknown;

export interface ReadResult {
  settings: Settings;
  /** Human-readable complaints about values that were ignored. */
  problems: string[];
}

export function readSettings(get: SettingGetter): ReadResult {
  const problems: string[] = [];
  const settings: Settings = { ...DEFAULT_SETTINGS, args: [], select: [], ignore: [], severity: {}, perPathIgnores: {} };

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

  for (const key of ['select', 'ignore'] as const) {
    const value = get(key);
    if (isStringList(value)) settings[key] = value.map((c) => c.trim()).filter(Boolean);
    else if (value !== undefined && value !== null) problems.push(`hublint.${key} must be a list of rule codes`);
  }

  const severity = get('severity');
  if (isPlainObject(severity)) {
    for (const [code, level] of Object.entries(severity)) {
      if (level === 'error' || level === 'warning' || level === 'info' || level === 'off') settings.severity[code] = level;
      else problems.push(`hublint.severity.${code} must be error, warning, info or off`);
    }
  } else if (severity !== undefined && severity !== null) {
    problems.push('hublint.severity must map rule codes to error, warning, info or off');
  }

  const perPath = get('perPathIgnores');
  if (isPlainObject(perPath)) {
    for (const [glob, codes] of Object.entries(perPath)) {
      if (isStringList(codes)) settings.perPathIgnores[glob] = [...codes];
      else problems.push(`hublint.perPathIgnores["${glob}"] must be a list of rule codes`);
    }
  } else if (perPath !== undefined && perPath !== null) {
    problems.push('hublint.perPathIgnores must map globs to lists of rule codes');
  }

  const workspaceDiagnostics = get('workspaceDiagnostics');
  if (typeof workspaceDiagnostics === 'boolean') settings.workspaceDiagnostics = workspaceDiagnostics;
  else if (workspaceDiagnostics !== undefined && workspaceDiagnostics !== null) {
    problems.push('hublint.workspaceDiagnostics must be true or false');
  }

  return { settings, problems };
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Arguments for the server process. The language client appends `--stdio` itself
 * (TransportKind.stdio), which `hublint lsp` accepts and ignores.
 */
export function serverArgs(settings: Settings): string[] {
  return ['lsp', ...settings.args];
}

/** What the server reads from the `hublint` section (lsp/src/settings.rs). */
export interface ServerSettings {
  select: string[];
  ignore: string[];
  severity: Record<string, RuleSeverity>;
  'per-path-ignores': Record<string, string[]>;
  workspaceDiagnostics: boolean;
}

/**
 * The settings object the server receives under `hublint`: in `initializationOptions` and, on
 * every change, in `workspace/didChangeConfiguration`. Only the rule settings: the executable,
 * its arguments and the on/off switch are the client's business.
 */
export function serverSettings(settings: Settings): ServerSettings {
  return {
    select: [...settings.select],
    ignore: [...settings.ignore],
    severity: { ...settings.severity },
    'per-path-ignores': Object.fromEntries(Object.entries(settings.perPathIgnores).map(([g, c]) => [g, [...c]])),
    workspaceDiagnostics: settings.workspaceDiagnostics,
  };
}

/** What to do with the running server after a settings change, from the most to least drastic. */
export type ChangeAction =
  /** enable went true → false: stop the server (its problems disappear with it). */
  | 'stop'
  /** enable went false → true: start it. */
  | 'start'
  /** path or arguments changed: a different process is needed; restart it automatically. */
  | 'restart'
  /** rule settings or trace: tell the running server, no restart. */
  | 'notify'
  | 'none';

export function changeAction(before: Settings, after: Settings): ChangeAction {
  if (before.enable !== after.enable) return after.enable ? 'start' : 'stop';
  if (!after.enable) return 'none';
  if (before.path !== after.path || !sameList(before.args, after.args)) return 'restart';
  if (before.trace !== after.trace) return 'notify';
  if (JSON.stringify(serverSettings(before)) !== JSON.stringify(serverSettings(after))) return 'notify';
  return 'none';
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
