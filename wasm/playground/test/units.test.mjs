// Unit tests of the page's pure helpers (no browser): positions and the URL state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Text } from '@codemirror/state';
import { toOffset, rangeOf, changesByFile, charColumnToUtf16 } from '../src/positions.js';
import { encodeState, decodeState } from '../src/url-state.js';

const doc = Text.of(['a: "é😀"', 'café😀: 1', '']);

test('locations map to UTF-16 offsets and clamp into the document', () => {
  assert.equal(toOffset(doc, { row: 1, column: 1 }), 0);
  // Line 2 starts after "a: \"é😀\"\n": 8 UTF-16 units + 1.
  assert.equal(toOffset(doc, { row: 2, column: 1 }), 9);
  assert.equal(toOffset(doc, { row: 2, column: 6 }), 9 + 5);
  assert.equal(doc.sliceString(9, toOffset(doc, { row: 2, column: 7 })), 'café😀');
  assert.equal(toOffset(doc, { row: 2, column: 99 }), doc.line(2).to);
  assert.equal(toOffset(doc, { row: 9, column: 1 }), doc.length);
  assert.equal(toOffset(doc, { row: 0, column: 0 }), 0);
});

test('empty ranges widen to one character so they can be underlined', () => {
  const d = { location: { row: 2, column: 1 }, end_location: { row: 2, column: 1 } };
  assert.deepEqual(rangeOf(doc, d), { from: 9, to: 10 });
  const atEol = { location: { row: 2, column: 10 }, end_location: { row: 2, column: 10 } };
  const r = rangeOf(doc, atEol);
  assert.equal(r.from, r.to);
});

test('a fix becomes sorted changes per file', () => {
  const fix = { edits: [
    { filename: 'b', content: 'Y', location: { row: 2, column: 1 }, end_location: { row: 2, column: 5 } },
    { filename: 'b', content: 'X', location: { row: 1, column: 1 }, end_location: { row: 1, column: 2 } },
    { filename: 'missing', content: 'Z', location: { row: 1, column: 1 }, end_location: { row: 1, column: 1 } },
  ] };
  const out = changesByFile(fix, (f) => (f === 'b' ? doc : undefined));
  assert.deepEqual([...out.keys()], ['b']);
  assert.deepEqual(out.get('b'), [{ from: 0, to: 1, insert: 'X' }, { from: 9, to: 13, insert: 'Y' }]);
});

test('character columns convert to UTF-16 columns', () => {
  assert.equal(charColumnToUtf16('café😀: 1', 1), 1);
  assert.equal(charColumnToUtf16('😀😀x', 3), 5);
  assert.equal(charColumnToUtf16('ab', 5), 5);
});

test('the URL state round-trips, including non-ASCII text', async () => {
  const state = { files: [['a/Dockerfile', 'FROM x:1\n'], ['é/values.yaml', 'k: "😀"\n']], active: 'é/values.yaml' };
  const fragment = await encodeState(state);
  assert.match(fragment, /^v1\.[A-Za-z0-9_-]+$/);
  assert.deepEqual(await decodeState(`#${fragment}`), state);
});

test('a damaged or foreign fragment gives no state', async () => {
  assert.equal(await decodeState('#v1.!!!'), null);
  assert.equal(await decodeState('#v1.AAAA'), null);
  assert.equal(await decodeState('#section-2'), null);
  assert.equal(await decodeState(''), null);
});
