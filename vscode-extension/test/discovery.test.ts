import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import {
  bundledServerPath,
  ensureBundledExecutable,
  expandConfiguredPath,
  findOnPath,
  findServer,
  whyNotExecutable,
} from '../src/discovery';
import { tempDir, writeFile } from './helpers';

const SCRIPT = '#!/bin/sh\necho "hublint 0.1.0"\n';

/** An extension folder, optionally with a bundled binary, and two PATH folders. */
function layout(opts: { bundled?: number; onPath?: number } = {}) {
  const root = tempDir();
  const extensionPath = path.join(root, 'ext');
  fs.mkdirSync(extensionPath);
  if (opts.bundled !== undefined) writeFile(path.join(extensionPath, 'bin', 'hublint'), SCRIPT, opts.bundled);
  const pathA = path.join(root, 'path-a');
  const pathB = path.join(root, 'path-b');
  fs.mkdirSync(pathA);
  fs.mkdirSync(pathB);
  if (opts.onPath !== undefined) writeFile(path.join(pathB, 'hublint'), SCRIPT, opts.onPath);
  return { root, extensionPath, envPath: `${pathA}:${pathB}`, pathB };
}

test('the hublint.path setting wins over the bundled binary and PATH', () => {
  const l = layout({ bundled: 0o755, onPath: 0o755 });
  const own = writeFile(path.join(l.root, 'own', 'hublint-dev'), SCRIPT, 0o755);
  const r = findServer({ configuredPath: own, extensionPath: l.extensionPath, envPath: l.envPath, platform: 'linux' });
  assert.deepEqual(r, { kind: 'found', server: { command: own, source: 'setting' } });
});

test('the bundled binary comes before PATH', () => {
  const l = layout({ bundled: 0o755, onPath: 0o755 });
  const r = findServer({ configuredPath: '', extensionPath: l.extensionPath, envPath: l.envPath, platform: 'linux' });
  assert.deepEqual(r, {
    kind: 'found',
    server: { command: path.join(l.extensionPath, 'bin', 'hublint'), source: 'bundled' },
  });
});

test('PATH is searched in order when nothing is bundled', () => {
  const l = layout({ onPath: 0o755 });
  const r = findServer({ configuredPath: '  ', extensionPath: l.extensionPath, envPath: l.envPath, platform: 'linux' });
  assert.deepEqual(r, { kind: 'found', server: { command: path.join(l.pathB, 'hublint'), source: 'path' } });
});

test('a non-executable file on PATH or in bin/ is skipped', () => {
  const l = layout({ onPath: 0o644 });
  const r = findServer({ configuredPath: '', extensionPath: l.extensionPath, envPath: l.envPath, platform: 'linux' });
  assert.equal(r.kind, 'notFound');
  if (r.kind === 'notFound') assert.deepEqual(r.searched, [bundledServerPath(l.extensionPath, 'linux'), 'PATH']);
});

test('a directory named hublint on PATH is not the server', () => {
  const l = layout();
  fs.mkdirSync(path.join(l.pathB, 'hublint'));
  assert.equal(findOnPath(l.envPath, 'linux'), undefined);
});

test('relative and empty PATH entries are never searched', () => {
  const l = layout();
  const cwdBinary = writeFile(path.join(l.root, 'hublint'), SCRIPT, 0o755);
  const saved = process.cwd();
  process.chdir(l.root);
  try {
    assert.equal(findOnPath(`::.:${path.basename(l.pathB)}`, 'linux'), undefined);
  } finally {
    process.chdir(saved);
  }
  assert.ok(fs.existsSync(cwdBinary));
});

test('a bad hublint.path is reported, not silently replaced by another binary', () => {
  const l = layout({ bundled: 0o755, onPath: 0o755 });
  const missing = path.join(l.root, 'nope', 'hublint');
  const r = findServer({ configuredPath: missing, extensionPath: l.extensionPath, envPath: l.envPath, platform: 'linux' });
  assert.deepEqual(r, { kind: 'badSetting', configuredPath: missing, resolvedPath: missing, reason: 'no such file' });

  const notExec = writeFile(path.join(l.root, 'plain', 'hublint'), SCRIPT, 0o644);
  const r2 = findServer({ configuredPath: notExec, extensionPath: l.extensionPath, envPath: l.envPath, platform: 'linux' });
  assert.equal(r2.kind, 'badSetting');
  if (r2.kind === 'badSetting') assert.equal(r2.reason, 'not executable');

  const r3 = findServer({ configuredPath: l.root, extensionPath: l.extensionPath, envPath: l.envPath, platform: 'linux' });
  assert.equal(r3.kind, 'badSetting');
  if (r3.kind === 'badSetting') assert.equal(r3.reason, 'not a file');
});

test('~, ${userHome} and ${workspaceFolder} are expanded; relative paths use the workspace folder', () => {
  assert.equal(expandConfiguredPath('~/bin/hublint', '/ws', '/home/u'), '/home/u/bin/hublint');
  assert.equal(expandConfiguredPath('${userHome}/x/hublint', undefined, '/home/u'), '/home/u/x/hublint');
  assert.equal(expandConfiguredPath('${workspaceFolder}/tools/hublint', '/ws', '/home/u'), '/ws/tools/hublint');
  assert.equal(expandConfiguredPath('tools/../bin/hublint', '/ws', '/home/u'), '/ws/bin/hublint');
  assert.equal(expandConfiguredPath('/opt/hublint', undefined, '/home/u'), '/opt/hublint');
  assert.equal(expandConfiguredPath('tools/hublint', undefined, '/home/u'), undefined);
  assert.equal(expandConfiguredPath('${workspaceFolder}/hublint', undefined, '/home/u'), undefined);
});

test('a relative hublint.path with no folder open is a bad setting', () => {
  const l = layout({ bundled: 0o755 });
  const r = findServer({ configuredPath: 'bin/hublint', extensionPath: l.extensionPath, envPath: l.envPath, platform: 'linux' });
  assert.equal(r.kind, 'badSetting');
});

test('a workspace-relative hublint.path is found', () => {
  const l = layout();
  const ws = path.join(l.root, 'repo');
  const bin = writeFile(path.join(ws, 'tools', 'hublint'), SCRIPT, 0o755);
  const r = findServer({
    configuredPath: 'tools/hublint',
    extensionPath: l.extensionPath,
    workspaceFolder: ws,
    envPath: '',
    platform: 'linux',
  });
  assert.deepEqual(r, { kind: 'found', server: { command: bin, source: 'setting' } });
});

test('Windows looks for hublint.exe and the PATHEXT names', () => {
  const l = layout();
  const exe = writeFile(path.join(l.pathB, 'hublint.exe'), 'MZ', 0o644);
  assert.equal(findOnPath(l.envPath.replace(':', ';'), 'win32', '.COM;.EXE'), exe);
  assert.equal(bundledServerPath('/ext', 'win32'), path.join('/ext', 'bin', 'hublint.exe'));
});

test('the bundled binary gets its executable bit back if unzipping lost it', () => {
  const l = layout({ bundled: 0o644 });
  const bundled = bundledServerPath(l.extensionPath, 'linux');
  assert.equal(whyNotExecutable(bundled, 'linux'), 'not executable');
  assert.equal(ensureBundledExecutable(l.extensionPath, 'linux'), true);
  assert.equal(whyNotExecutable(bundled, 'linux'), undefined);
  assert.equal(ensureBundledExecutable(l.extensionPath, 'linux'), false);
  const r = findServer({ configuredPath: '', extensionPath: l.extensionPath, envPath: '', platform: 'linux' });
  assert.equal(r.kind, 'found');
});
