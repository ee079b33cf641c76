import { strict as assert } from 'assert';
import { test } from 'node:test';
import { DiagnosticLike, fetchRuleDoc, isRuleCode, ruleCodeOf, ruleCodesAt, ruleCodesIn } from '../src/rules';
import { builtHublint } from './helpers';

const diag = (code: DiagnosticLike['code'], l1: number, c1: number, l2: number, c2: number, source = 'hublint'): DiagnosticLike => ({
  source,
  code,
  message: `problem ${String(code)}`,
  range: { start: { line: l1, character: c1 }, end: { line: l2, character: c2 } },
});

test('rule codes are letters then digits', () => {
  for (const ok of ['V001', 'Y2', 'CH12']) assert.ok(isRuleCode(ok), ok);
  for (const bad of ['', 'v001', '001', 'V', '--help', 'V001 ', 'V001;rm']) assert.ok(!isRuleCode(bad), bad);
});

test('only hublint diagnostics give a code; code objects are unwrapped', () => {
  assert.equal(ruleCodeOf(diag('V001', 0, 0, 0, 1)), 'V001');
  assert.equal(ruleCodeOf(diag({ value: 'Y002', target: 'https://x' }, 0, 0, 0, 1)), 'Y002');
  assert.equal(ruleCodeOf(diag('DL3006', 0, 0, 0, 1, 'hadolint')), undefined);
  assert.equal(ruleCodeOf(diag(undefined, 0, 0, 0, 1)), undefined);
  assert.equal(ruleCodeOf(diag(513, 0, 0, 0, 1)), undefined);
});

test('the diagnostic whose range holds the cursor wins; else those on its line', () => {
  const diags = [diag('Y001', 4, 0, 4, 20), diag('V001', 0, 5, 0, 30), diag('I002', 0, 0, 0, 5), diag('X9', 0, 0, 0, 99, 'other')];
  assert.deepEqual(ruleCodesAt(diags, { line: 0, character: 10 }), ['V001']);
  assert.deepEqual(ruleCodesAt(diags, { line: 0, character: 30 }), ['V001']); // end is inclusive
  assert.deepEqual(ruleCodesAt(diags, { line: 0, character: 5 }), ['I002', 'V001']);
  assert.deepEqual(ruleCodesAt(diags, { line: 4, character: 50 }), ['Y001']);
  assert.deepEqual(ruleCodesAt(diags, { line: 2, character: 0 }), []);
  // a multi-line range covers the lines between
  assert.deepEqual(ruleCodesAt([diag('C003', 1, 2, 3, 0)], { line: 2, character: 40 }), ['C003']);
});

test('all codes in a file, once each, in document order', () => {
  const diags = [diag('Y001', 4, 0, 4, 20), diag('V001', 0, 5, 0, 30), diag('Y001', 2, 0, 2, 1), diag('Q1', 1, 0, 1, 1, 'x')];
  assert.deepEqual(ruleCodesIn(diags), ['V001', 'Y001']);
});

test('fetchRuleDoc refuses anything that is not a rule code, without running anything', async () => {
  await assert.rejects(fetchRuleDoc('/nonexistent/hublint', '--help'), /not a hublint rule code/);
});

test('fetchRuleDoc returns the real rule documentation from the built hublint', async (t) => {
  const bin = builtHublint();
  if (!bin) return t.skip('hublint is not built (cargo build -p hublint)');
  const doc = await fetchRuleDoc(bin, 'Y001');
  assert.match(doc, /Y001/);
  assert.ok(doc.split('\n').length > 3, doc);
  await assert.rejects(fetchRuleDoc(bin, 'Z999'));
});
