import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { extensionRoot, tempDir } from './helpers';

const manifest = JSON.parse(fs.readFileSync(path.join(extensionRoot, 'package.json'), 'utf8'));
const published = path.resolve(extensionRoot, '..', 'schemas', 'hublint-config.schema.json');

test('.hublint.yaml is validated with the published schema, shipped in the .vsix', () => {
  const entries: { fileMatch: string | string[]; url: string }[] = manifest.contributes.yamlValidation;
  const entry = entries.find((e) => [e.fileMatch].flat().includes('.hublint.yaml'));
  assert.ok(entry, JSON.stringify(entries));
  assert.equal(entry.url, './schemas/hublint-config.schema.json');
  // .vscodeignore excludes everything it does not re-include: the schema folder must be.
  const ignore = fs.readFileSync(path.join(extensionRoot, '.vscodeignore'), 'utf8').split('\n');
  assert.ok(ignore.includes('!schemas/**'), ignore.join('\n'));

  // The build's copy step puts the repository's generated schema where the url points.
  const root = tempDir();
  execFileSync(process.execPath, [path.join(extensionRoot, 'scripts', 'config-schema.mjs'), root]);
  const copied = path.resolve(root, entry.url);
  assert.equal(fs.readFileSync(copied, 'utf8'), fs.readFileSync(published, 'utf8'));
  const schema = JSON.parse(fs.readFileSync(copied, 'utf8'));
  assert.equal(schema.title, '.hublint.yaml');
  assert.ok(schema.properties['cluster-schema'] && schema.properties.severity, Object.keys(schema.properties).join());
});
