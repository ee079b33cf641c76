// Generated from the Rust types by `typescript_declarations_are_current`
// (wasm/src/lib.rs); do not edit by hand.

/** A map of workspace-relative path (`/`-separated) to the file's text. */
export type Files = Record<string, string>;

// Rows and columns are 1-based; columns count UTF-16 code units (JavaScript string
// indices + 1), where the CLI's JSON counts characters.

export type Severity = "error" | "warning" | "info";

export type Applicability = "safe" | "unsafe" | "display-only";

export type Location = { row: number, column: number, };

export type Edit = { filename: string, content: string, location: Location, end_location: Location, };

export type Fix = { applicability: Applicability, message: string, edits: Array<Edit>, };

export type Related = { filename: string, message: string, location: Location, end_location: Location, };

export type Diagnostic = { code: string, severity: Severity, message: string, filename: string, location: Location, end_location: Location, 
/**
 * The first fix (safe ones first), or null.
 */
fix: Fix | null, 
/**
 * Every fix offered, in order.
 */
fixes: Array<Fix>, related: Array<Related>, };

export type RuleDoc = { code: string, name: string, severity: Severity, fixable: boolean, 
/**
 * The doc's first sentence.
 */
summary: string, 
/**
 * Markdown: what it does, why, an example, the fix.
 */
doc: string, };

export type FixResult = { 
/**
 * Every file, with the safe fixes applied.
 */
files: Files, 
/**
 * Paths whose text changed, sorted.
 */
changed: Array<string>, 
/**
 * What is still reported after fixing.
 */
remaining: Array<Diagnostic>, };
