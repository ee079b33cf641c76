// Positions: hublint's JSON counts 1-based rows and 1-based UTF-16 columns; CodeMirror counts
// UTF-16 offsets from the start of the document. Both split lines on "\n" ("\r\n" is one break).

/** The document offset of a `{row, column}` location, clamped into the document. */
export function toOffset(doc, location) {
  const row = Math.min(Math.max(location.row, 1), doc.lines);
  const line = doc.line(row);
  return Math.min(line.from + Math.max(location.column - 1, 0), line.to);
}

/** A hublint diagnostic's range as CodeMirror offsets (never empty when the line has text). */
export function rangeOf(doc, diagnostic) {
  const from = toOffset(doc, diagnostic.location);
  let to = Math.max(from, toOffset(doc, diagnostic.end_location));
  if (to === from && to < doc.length) {
    // An empty range would not be underlined; widen it to the character at `from`, unless
    // that is a line break.
    const line = doc.lineAt(from);
    if (from < line.to) to = from + 1;
  }
  return { from, to };
}

/** CodeMirror change specs for the edits of one fix, grouped by file name. */
export function changesByFile(fix, docOf) {
  const out = new Map();
  for (const edit of fix.edits) {
    const doc = docOf(edit.filename);
    if (!doc) continue;
    const from = toOffset(doc, edit.location);
    const to = Math.max(from, toOffset(doc, edit.end_location));
    if (!out.has(edit.filename)) out.set(edit.filename, []);
    out.get(edit.filename).push({ from, to, insert: edit.content });
  }
  for (const changes of out.values()) changes.sort((a, b) => a.from - b.from || a.to - b.to);
  return out;
}

/** Convert a column counted in Unicode scalar values (the CLI's unit) to UTF-16 code units. */
export function charColumnToUtf16(lineText, column) {
  const chars = Array.from(lineText);
  return chars.slice(0, column - 1).join('').length + 1 + Math.max(0, column - 1 - chars.length);
}
