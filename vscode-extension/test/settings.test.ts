import { strict as assert } from 'assert';
import * as path from 'path';
import { test } from 'node:test';
import { changeAction, DEFAULT_SETTINGS, readSettings, serverArgs, serverSettings, Settings } from '../src/settings';
import { extensionRoot } from './helpers';

const from = (values: Record<string, unknown>) => readSettings((key) => values[key]);

test('unset settings give the defaults', () => {
  assert.deepEqual(from({}), { settings: DEFAULT_SETTINGS, problems: [] });
});

test('valid settings are taken as written (path trimmed)', () => {
  const r = from({
    enable: false,
    path: '  /opt/hublint ',
    args: ['--config', 'x.yaml'],
    'trace.server': 'verbose',
    select: ['V', ' R003 ', ''],
    ignore: ['R004'],
    severity: { I002: 'error', R005: 'off' },
    perPathIgnores: { 'legacy/**': ['S001'] },
    workspaceDiagnostics: true,
  });
  assert.deepEqual(r.settings, {
    enable: false,
    path: '/opt/hublint',
    args: ['--config', 'x.yaml'],
    trace: 'verbose',
    select: ['V', 'R003'],
    ignore: ['R004'],
    severity: { I002: 'error', R005: 'off' },
    perPathIgnores: { 'legacy/**': ['S001'] },
    workspaceDiagnostics: true,
  });
  assert.deepEqual(r.problems, []);
});

test('wrongly typed values fall back to the default and are reported', () => {
  const r = from({
    enable: 'yes',
    path: 42,
    args: ['ok', 3],
    'trace.server': 'loud',
    select: 'V',
    ignore: [1],
    severity: ['error'],
    perPathIgnores: 'x',
    workspaceDiagnostics: 1,
  });
  assert.deepEqual(r.settings, DEFAULT_SETTINGS);
  assert.equal(r.problems.length, 9, r.problems.join('\n'));
  for (const key of ['enable', 'path', 'args', 'trace.server', 'select', 'ignore', 'severity', 'perPathIgnores', 'workspaceDiagnostics']) {
    assert.ok(r.problems.some((p) => p.startsWith(`hublint.${key} `)), `no complaint about ${key}`);
  }
});

test('bad entries inside severity and perPathIgnores are dropped one by one', () => {
  const r = from({ severity: { I002: 'error', V001: 'fatal' }, perPathIgnores: { 'a/**': ['S001'], 'b/**': 'S001' } });
  assert.deepEqual(r.settings.severity, { I002: 'error' });
  assert.deepEqual(r.settings.perPathIgnores, { 'a/**': ['S001'] });
  assert.deepEqual(r.problems, [
    'hublint.severity.V001 must be error, warning, info or off',
    'hublint.perPathIgnores["b/**"] must be a list of rule codes',
  ]);
});

test('args written as one string are split on whitespace', () => {
  assert.deepEqual(from({ args: ' --config  ci.yaml ' }).settings.args, ['--config', 'ci.yaml']);
});

test('the server command line is `lsp` then the extra arguments', () => {
  assert.deepEqual(serverArgs({ ...DEFAULT_SETTINGS, args: ['--config', 'c.yaml'] }), ['lsp', '--config', 'c.yaml']);
  assert.deepEqual(serverArgs(DEFAULT_SETTINGS), ['lsp']);
});

test('the server is sent the rule settings in its own key names, never the executable path', () => {
  const s: Settings = {
    ...DEFAULT_SETTINGS,
    path: '/secret/hublint',
    args: ['-v'],
    select: ['V'],
    severity: { I002: 'error' },
    perPathIgnores: { 'legacy/**': ['S001'] },
    workspaceDiagnostics: true,
  };
  assert.deepEqual(serverSettings(s), {
    select: ['V'],
    ignore: [],
    severity: { I002: 'error' },
    'per-path-ignores': { 'legacy/**': ['S001'] },
    workspaceDiagnostics: true,
  });
  assert.ok(!JSON.stringify(serverSettings(s)).includes('/secret/hublint'));
});

test('each settings change maps to the least disruptive action', () => {
  const base = DEFAULT_SETTINGS;
  assert.equal(changeAction(base, { ...base }), 'none');
  assert.equal(changeAction(base, { ...base, enable: false }), 'stop');
  assert.equal(changeAction({ ...base, enable: false }, base), 'start');
  assert.equal(changeAction(base, { ...base, path: '/x' }), 'restart');
  assert.equal(changeAction(base, { ...base, args: ['--x'] }), 'restart');
  assert.equal(changeAction({ ...base, args: ['--x'] }, { ...base, args: ['--x'] }), 'none');
  assert.equal(changeAction(base, { ...base, trace: 'verbose' }), 'notify');
  assert.equal(changeAction(base, { ...base, ignore: ['V001'] }), 'notify');
  assert.equal(changeAction(base, { ...base, severity: { V001: 'off' } }), 'notify');
  assert.equal(changeAction(base, { ...base, workspaceDiagnostics: true }), 'notify');
  assert.equal(changeAction({ ...base, select: ['V'] }, { ...base, select: ['V'] }), 'none');
  // while disabled nothing runs, so nothing to restart
  assert.equal(changeAction({ ...base, enable: false }, { ...base, enable: false, path: '/x' }), 'none');
  // enabling with a new path starts (with the new path) rather than restarting
  assert.equal(changeAction({ ...base, enable: false }, { ...base, path: '/x' }), 'start');
});

test('package.json declares exactly the settings the extension reads, with the same defaults', () => {
  const pkg = require(path.join(extensionRoot, 'package.json'));
  const props = pkg.contributes.configuration.properties as Record<string, { default: unknown }>;
  const declared = Object.keys(props).sort();
  const read: string[] = [];
  readSettings((key) => {
    read.push(`hublint.${key}`);
    return undefined;
  });
  assert.deepEqual(declared, read.sort());
  const defaults = from(Object.fromEntries(Object.entries(props).map(([k, p]) => [k.slice('hublint.'.length), p.default])));
  assert.deepEqual(defaults, { settings: DEFAULT_SETTINGS, problems: [] });
});

test('package.json activates on every file kind hublint reads and declares the commands', () => {
  const pkg = require(path.join(extensionRoot, 'package.json'));
  const events: string[] = pkg.activationEvents;
  for (const glob of ['**/chartpress.yaml', '**/Chart.yaml', '**/cluster.yaml', '**/Dockerfile', '**/requirements*.txt', '**/*.values.yaml']) {
    assert.ok(events.includes(`workspaceContains:${glob}`), `missing activation on ${glob}`);
  }
  const commands = pkg.contributes.commands.map((c: { command: string }) => c.command).sort();
  assert.deepEqual(commands, ['hublint.fixAll', 'hublint.restart', 'hublint.showLog', 'hublint.showRuleDoc']);
  assert.equal(pkg.dependencies['vscode-languageclient'].split('.')[0], '9');
  assert.equal(pkg.engines.vscode, '^1.82.0');
});
