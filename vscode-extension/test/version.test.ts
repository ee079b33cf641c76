import { strict as assert } from 'assert';
import * as path from 'path';
import { test } from 'node:test';
import { compareVersions, judgeVersion, parseVersion, queryVersion } from '../src/version';
import { builtHublint, extensionRoot, tempDir, writeFile } from './helpers';

const v = (s: string) => {
  const parsed = parseVersion(s);
  assert.ok(parsed, `unparsable: ${s}`);
  return parsed;
};

test('versions are found inside --version output', () => {
  assert.deepEqual(parseVersion('hublint 0.1.0'), { major: 0, minor: 1, patch: 0, prerelease: [], text: '0.1.0' });
  assert.deepEqual(parseVersion('hublint 1.12.3-dev.4+g1a2b3c (2026-11-01)')?.prerelease, ['dev', '4']);
  assert.equal(parseVersion('hublint 1.2')?.text, undefined);
  assert.equal(parseVersion(''), undefined);
});

test('semver precedence, pre-releases included', () => {
  const ordered = ['0.0.9', '0.1.0-alpha', '0.1.0-alpha.1', '0.1.0-alpha.beta', '0.1.0-beta.2', '0.1.0-beta.11', '0.1.0', '0.1.1', '0.10.0', '1.0.0'];
  for (let i = 0; i < ordered.length; i++) {
    for (let j = 0; j < ordered.length; j++) {
      const c = Math.sign(compareVersions(v(ordered[i]), v(ordered[j])));
      assert.equal(c, Math.sign(i - j), `${ordered[i]} vs ${ordered[j]}`);
    }
  }
});

test('too old, ok and unknown verdicts', () => {
  assert.equal(judgeVersion('hublint 0.0.9', '0.1.0').kind, 'tooOld');
  assert.equal(judgeVersion('hublint 0.1.0', '0.1.0').kind, 'ok');
  assert.equal(judgeVersion('hublint 0.2.0', '0.1.0').kind, 'ok');
  // a development build of the minimum version itself is accepted
  assert.equal(judgeVersion('hublint 0.1.0-dev.3', '0.1.0').kind, 'ok');
  assert.equal(judgeVersion('hublint 0.0.9-dev', '0.1.0').kind, 'tooOld');
  assert.deepEqual(judgeVersion('something else', '0.1.0'), { kind: 'unknown', output: 'something else' });
  assert.throws(() => judgeVersion('hublint 1.0.0', 'x'));
});

test('the minimum server version in package.json is a valid version', () => {
  const pkg = require(path.join(extensionRoot, 'package.json'));
  assert.ok(parseVersion(pkg.hublint.minimumServerVersion));
  assert.equal(judgeVersion(pkg.version, pkg.hublint.minimumServerVersion).kind, 'ok');
});

test('queryVersion runs the binary with --version', async () => {
  const dir = tempDir();
  const bin = writeFile(path.join(dir, 'hublint'), '#!/bin/sh\n[ "$1" = --version ] && echo "hublint 0.0.3" && exit 0\nexit 2\n', 0o755);
  assert.equal(await queryVersion(bin), 'hublint 0.0.3');
  assert.equal(judgeVersion(await queryVersion(bin), '0.1.0').kind, 'tooOld');
});

test('queryVersion rejects a failing or hanging binary with the reason', async () => {
  const dir = tempDir();
  const failing = writeFile(path.join(dir, 'fails'), '#!/bin/sh\necho "unknown flag" >&2\nexit 2\n', 0o755);
  await assert.rejects(queryVersion(failing), /unknown flag/);
  const hanging = writeFile(path.join(dir, 'hangs'), '#!/bin/sh\nexec sleep 30\n', 0o755);
  const started = Date.now();
  await assert.rejects(queryVersion(hanging, 300));
  assert.ok(Date.now() - started < 5000);
  await assert.rejects(queryVersion(path.join(dir, 'missing')), /ENOENT/);
});

test('the hublint built from this repo passes the version check', async (t) => {
  const bin = builtHublint();
  if (!bin) return t.skip('hublint is not built (cargo build -p hublint)');
  const pkg = require(path.join(extensionRoot, 'package.json'));
  const reported = await queryVersion(bin);
  assert.match(reported, /^hublint \d+\.\d+\.\d+/);
  assert.equal(judgeVersion(reported, pkg.hublint.minimumServerVersion).kind, 'ok');
});
