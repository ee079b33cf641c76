//! The JSON shape of diagnostics, shared by the CLI's `--output-format json` and the
//! browser playground (which counts columns in UTF-16 code units, as JavaScript does).

use crate::diagnostic::{Applicability, Diagnostic};
use crate::text::{ColumnUnit, TextRange};
use crate::workspace::Workspace;
use serde::Serialize;

/// 1-based row and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Location {
    pub row: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "Edit"))]
pub struct JsonEdit {
    pub filename: String,
    pub content: String,
    pub location: Location,
    pub end_location: Location,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "Fix"))]
pub struct JsonFix {
    pub applicability: Applicability,
    pub message: String,
    pub edits: Vec<JsonEdit>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "Related"))]
pub struct JsonRelated {
    pub filename: String,
    pub message: String,
    pub location: Location,
    pub end_location: Location,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "Diagnostic"))]
pub struct JsonDiagnostic {
    pub code: &'static str,
    #[cfg_attr(feature = "ts", ts(as = "crate::Severity"))]
    pub severity: &'static str,
    pub message: String,
    pub filename: String,
    pub location: Location,
    pub end_location: Location,
    /// The first fix (safe ones first), or null.
    pub fix: Option<JsonFix>,
    /// Every fix offered, in order.
    pub fixes: Vec<JsonFix>,
    pub related: Vec<JsonRelated>,
}

/// Start and end of a byte range as 1-based rows and columns in `unit`.
pub fn locations(
    ws: &Workspace,
    file: &str,
    range: TextRange,
    unit: ColumnUnit,
) -> (Location, Location) {
    let Some(f) = ws.get(file) else {
        return (
            Location { row: 1, column: 1 },
            Location { row: 1, column: 1 },
        );
    };
    let text = f.text_or_empty();
    let idx = f.line_index();
    let conv = |off: usize| {
        let p = idx.position(text, off, unit);
        Location {
            row: p.line + 1,
            column: p.col + 1,
        }
    };
    (conv(range.start), conv(range.end))
}

pub fn to_json(ws: &Workspace, d: &Diagnostic, unit: ColumnUnit) -> JsonDiagnostic {
    let (location, end_location) = locations(ws, &d.file, d.range, unit);
    let mut fixes: Vec<&crate::diagnostic::Fix> = d.fixes.iter().collect();
    fixes.sort_by_key(|f| f.applicability != Applicability::Safe);
    let fixes: Vec<JsonFix> = fixes
        .into_iter()
        .map(|f| JsonFix {
            applicability: f.applicability,
            message: f.title.clone(),
            edits: f
                .edits
                .iter()
                .map(|e| {
                    let (location, end_location) = locations(ws, &e.file, e.range, unit);
                    JsonEdit {
                        filename: e.file.clone(),
                        content: e.replacement.clone(),
                        location,
                        end_location,
                    }
                })
                .collect(),
        })
        .collect();
    JsonDiagnostic {
        code: d.code,
        severity: d.severity.as_str(),
        message: d.message.clone(),
        filename: d.file.clone(),
        location,
        end_location,
        fix: fixes.first().cloned(),
        fixes,
        related: d
            .related
            .iter()
            .map(|r| {
                let (location, end_location) = locations(ws, &r.file, r.range, unit);
                JsonRelated {
                    filename: r.file.clone(),
                    message: r.message.clone(),
                    location,
                    end_location,
                }
            })
            .collect(),
    }
}

pub fn to_json_all(ws: &Workspace, diags: &[Diagnostic], unit: ColumnUnit) -> Vec<JsonDiagnostic> {
    diags.iter().map(|d| to_json(ws, d, unit)).collect()
}
