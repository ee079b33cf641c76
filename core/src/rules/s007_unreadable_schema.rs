use super::{Context, Sink};
use crate::text::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports a chart's `values.schema.json` (or `.yaml`) that cannot be read as a JSON
    /// schema: invalid JSON, nesting deeper than the JSON reader takes (128 levels), or a
    /// document that is not an object.
    ///
    /// ## Why
    /// helm reads the schema of every chart it installs and stops with an error when the file
    /// is not valid JSON, so every hub of the chart fails to deploy. hublint also validates
    /// the hubs' values against it: without a readable schema, those checks cannot run for
    /// this chart.
    ///
    /// ## Example
    /// ```json
    /// {"properties": {"hub": {"type": "object",}}}
    /// ```
    /// (a trailing comma: valid in JavaScript, not in JSON).
    ///
    /// ## Fix
    /// Correct the file so that it is one JSON object (`python -m json.tool FILE` shows
    /// where it breaks).
    S007, "unreadable-schema", Error, fixable: false, check
}

const SCHEMA_FILES: [&str; 3] = [
    "values.schema.json",
    "values.schema.yaml",
    "values.schema.yml",
];

fn check(ctx: &Context, sink: &mut Sink) {
    for file in ctx.ws.files() {
        if !SCHEMA_FILES.contains(&file.file_name()) {
            continue;
        }
        let Some(text) = file.text() else { continue };
        if file.path.ends_with(".json") {
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(doc) if doc.is_object() => {}
                Ok(_) => {
                    sink.report(
                        &file.path,
                        TextRange::empty(0),
                        "the chart's values schema is not a JSON object; helm and hublint cannot use it",
                    );
                }
                Err(err) => {
                    let at = offset_of(text, err.line(), err.column());
                    sink.report(
                        &file.path,
                        TextRange::empty(at),
                        format!("the chart's values schema is not valid JSON ({err}); helm will refuse the chart and hublint cannot validate values against it"),
                    );
                }
            }
        } else if let Some(yaml) = file.yaml() {
            // Syntax errors are Y001's; here only a document that is not a mapping.
            if yaml.errors.is_empty() && yaml.docs.first().is_some_and(|d| d.as_mapping().is_none())
            {
                sink.report(
                    &file.path,
                    TextRange::empty(0),
                    "the chart's values schema is not a mapping; helm and hublint cannot use it",
                );
            }
        }
    }
}

/// The byte offset of serde_json's 1-based line and column (a column past the line's end, or
/// inside a character, is moved back onto the line's last character boundary).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let line_len = text[start..].find('\n').unwrap_or(text.len() - start);
    crate::text::floor_char_boundary(text, start + column.saturating_sub(1).min(line_len))
}
