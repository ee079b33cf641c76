// Compiled (not run) by types.test.mjs against the generated hublint_wasm.d.ts: the API's
// declarations must be precise enough that each misuse below is a type error.
import init, { check, fix, rules, Workspace } from 'hublint-wasm';
import type { Diagnostic, FixResult, RuleDoc, Files, Location, Applicability } from 'hublint-wasm';

export async function use(): Promise<number> {
  await init();
  const files: Files = { 'a.yaml': 'k: 1\n' };
  const diags: Diagnostic[] = check(files);
  const first: Location = diags[0].location;
  const applicability: Applicability | undefined = diags[0].fix?.applicability;
  const result: FixResult = fix(files);
  const texts: Record<string, string> = result.files;
  const changed: string[] = result.changed;
  const docs: RuleDoc[] = rules();
  const ws = new Workspace();
  ws.setFile('a.yaml', 'k: 1\n');
  ws.setFiles(files);
  const again: Diagnostic[] = ws.check();
  const removed: boolean = ws.removeFile('a.yaml');
  const text: string | undefined = ws.getFile('a.yaml');
  const errors: string[] = ws.configErrors();
  const fixed: FixResult = ws.fixAll();
  // @ts-expect-error: columns are numbers
  const column: string = diags[0].location.column;
  // @ts-expect-error: check takes a map of path to text, not a list
  check(['a.yaml']);
  // @ts-expect-error: severities are a closed set
  const severity: Diagnostic['severity'] = 'fatal';
  // @ts-expect-error: a rule doc has no `url`
  const url = docs[0].url;
  ws.free();
  return first.row + Number(applicability === 'safe') + Object.keys(texts).length + changed.length
    + again.length + Number(removed) + (text?.length ?? 0) + errors.length + fixed.changed.length
    + column.length + severity.length + String(url).length;
}
