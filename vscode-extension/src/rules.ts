// Rule documentation: which hublint diagnostic is under the cursor, and its Markdown doc from
// `hublint rule CODE`. Structural types instead of `vscode` ones keep this testable under node.
import { execFile } from 'child_process';

export const DIAGNOSTIC_SOURCE = 'hublint';

/** Rule codes look like `V001`, `Y002`: letters then digits. Anything else is never passed on. */
const RULE_CODE_RE = /^[A-Z]{1,4}[0-9]{1,4}$/;

export function isRuleCode(code: string): boolean {
  return RULE_CODE_RE.test(code);
}

interface PositionLike {
  line: number;
  character: number;
}

interface RangeLike {
  start: PositionLike;
  end: PositionLike;
}

export interface DiagnosticLike {
  source?: string;
  code?: string | number | { value: string | number; target?: unknown };
  range: RangeLike;
  message: string;
}

/** The rule code of a hublint diagnostic, or undefined for other sources and odd codes. */
export function ruleCodeOf(diagnostic: DiagnosticLike): string | undefined {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE) return undefined;
  const raw = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  if (raw === undefined) return undefined;
  const code = String(raw);
  return isRuleCode(code) ? code : undefined;
}

function before(a: PositionLike, b: PositionLike): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function contains(range: RangeLike, pos: PositionLike): boolean {
  return !before(pos, range.start) && !before(range.end, pos);
}

/**
 * hublint diagnostics relevant to the cursor: those whose range holds it; failing that, those
 * on its line. Each rule code appears once, in document order.
 */
export function ruleCodesAt(diagnostics: readonly DiagnosticLike[], cursor: PositionLike): string[] {
  const ours = diagnostics.filter((d) => ruleCodeOf(d) !== undefined);
  let hits = ours.filter((d) => contains(d.range, cursor));
  if (hits.length === 0) {
    hits = ours.filter((d) => d.range.start.line <= cursor.line && cursor.line <= d.range.end.line);
  }
  hits.sort((a, b) => (before(a.range.start, b.range.start) ? -1 : before(b.range.start, a.range.start) ? 1 : 0));
  return [...new Set(hits.map((d) => ruleCodeOf(d) as string))];
}

/** All hublint rule codes in a file, once each, in document order. */
export function ruleCodesIn(diagnostics: readonly DiagnosticLike[]): string[] {
  const sorted = [...diagnostics].sort((a, b) =>
    before(a.range.start, b.range.start) ? -1 : before(b.range.start, a.range.start) ? 1 : 0,
  );
  const codes = sorted.map(ruleCodeOf).filter((c): c is string => c !== undefined);
  return [...new Set(codes)];
}

/** `hublint rule CODE`: the rule's documentation as Markdown. */
export function fetchRuleDoc(command: string, code: string, timeoutMs = 10000): Promise<string> {
  if (!isRuleCode(code)) return Promise.reject(new Error(`not a hublint rule code: ${code}`));
  return new Promise((resolve, reject) => {
    execFile(
      command,
      ['rule', code],
      { timeout: timeoutMs, windowsHide: true, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(String(stderr).trim() || error.message));
          return;
        }
        const text = String(stdout);
        if (text.trim() === '') reject(new Error(`\`hublint rule ${code}\` printed nothing`));
        else resolve(text);
      },
    );
  });
}
