//! Output formats: text (source line with a caret range; colour only on a terminal and never
//! with NO_COLOR), JSON, SARIF 2.1.0 and GitHub workflow annotations.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};
use hublint_core::output::{locations, to_json_all};
use hublint_core::{rules, ColumnUnit, Diagnostic, Severity, Workspace};
use std::collections::HashMap;
use std::io::{IsTerminal, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Github,
}

pub fn render(
    out: &mut dyn Write,
    results: &[(Workspace, Vec<Diagnostic>)],
    format: Format,
    summary: bool,
) -> anyhow::Result<()> {
    match format {
        Format::Text => text(out, results, summary),
        Format::Json => {
            let all: Vec<_> = results
                .iter()
                .flat_map(|(ws, d)| to_json_all(ws, d, ColumnUnit::Char))
                .collect();
            serde_json::to_writer_pretty(&mut *out, &all)?;
            writeln!(out)?;
            Ok(())
        }
        Format::Sarif => sarif(out, results),
        Format::Github => github(out, results),
    }
}

fn use_colour() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

fn text(
    out: &mut dyn Write,
    results: &[(Workspace, Vec<Diagnostic>)],
    summary: bool,
) -> anyhow::Result<()> {
    let colour = use_colour();
    let mut buffer = if colour {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    let config = term::Config::default();
    let (mut errors, mut warnings, mut infos, mut fixable) = (0, 0, 0, 0);
    for (ws, diags) in results {
        let mut files = SimpleFiles::new();
        let mut ids: HashMap<&str, usize> = HashMap::new();
        let mut id_of = |files: &mut SimpleFiles<String, String>, path: &str| -> usize {
            *ids.entry(ws.get(path).map(|f| f.path.as_str()).unwrap_or(""))
                .or_insert_with(|| {
                    let text = ws
                        .get(path)
                        .map(|f| f.text_or_empty().to_string())
                        .unwrap_or_default();
                    files.add(path.to_string(), text)
                })
        };
        for d in diags {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                Severity::Info => infos += 1,
            }
            if d.safe_fix().is_some() {
                fixable += 1;
            }
            let id = id_of(&mut files, &d.file);
            let mut labels = vec![Label::primary(id, d.range.start..d.range.end)];
            for r in &d.related {
                let rid = id_of(&mut files, &r.file);
                labels.push(
                    Label::secondary(rid, r.range.start..r.range.end)
                        .with_message(r.message.clone()),
                );
            }
            let severity = match d.severity {
                Severity::Error => CsSeverity::Error,
                Severity::Warning => CsSeverity::Warning,
                Severity::Info => CsSeverity::Note,
            };
            let mut notes = Vec::new();
            for f in &d.fixes {
                notes.push(format!(
                    "fix ({}): {}",
                    applicability_word(f.applicability),
                    f.title
                ));
            }
            let cs = CsDiagnostic::new(severity)
                .with_code(d.code)
                .with_message(&d.message)
                .with_labels(labels)
                .with_notes(notes);
            term::emit_to_write_style(&mut buffer, &config, &files, &cs)?;
        }
    }
    out.write_all(buffer.as_slice())?;
    if summary {
        let total = errors + warnings + infos;
        if total == 0 {
            writeln!(out, "No problems found.")?;
        } else {
            write!(
                out,
                "Found {total} problem{}: {errors} error{}, {warnings} warning{}, {infos} info",
                plural(total),
                plural(errors),
                plural(warnings)
            )?;
            if fixable > 0 {
                write!(out, " ({fixable} fixable with --fix)")?;
            }
            writeln!(out, ".")?;
        }
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn applicability_word(a: hublint_core::Applicability) -> &'static str {
    match a {
        hublint_core::Applicability::Safe => "safe",
        hublint_core::Applicability::Unsafe => "unsafe",
        hublint_core::Applicability::DisplayOnly => "display only",
    }
}

/// GitHub Actions workflow commands; `%`, CR and LF are escaped as the runner expects.
fn github(out: &mut dyn Write, results: &[(Workspace, Vec<Diagnostic>)]) -> anyhow::Result<()> {
    let esc_data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let esc_prop = |s: &str| esc_data(s).replace(':', "%3A").replace(',', "%2C");
    for (ws, diags) in results {
        for d in diags {
            let (start, end) = locations(ws, &d.file, d.range, ColumnUnit::Char);
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            writeln!(
                out,
                "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                esc_prop(&d.file),
                start.row,
                start.column,
                end.row,
                end.column,
                esc_prop(&format!("hublint {}", d.code)),
                esc_data(&format!("{} {}", d.code, d.message))
            )?;
        }
    }
    Ok(())
}

fn sarif(out: &mut dyn Write, results: &[(Workspace, Vec<Diagnostic>)]) -> anyhow::Result<()> {
    use serde_json::json;
    let rules_json: Vec<_> = rules::all()
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary() },
                "fullDescription": { "text": r.doc },
                "help": { "text": r.doc, "markdown": r.doc },
                "defaultConfiguration": { "level": sarif_level(r.severity) },
            })
        })
        .collect();
    let index: HashMap<&str, usize> = rules::all()
        .iter()
        .enumerate()
        .map(|(i, r)| (r.code, i))
        .collect();
    let region = |ws: &Workspace, file: &str, range: hublint_core::TextRange| {
        let (s, e) = locations(ws, file, range, ColumnUnit::Utf16);
        json!({ "startLine": s.row, "startColumn": s.column, "endLine": e.row, "endColumn": e.column,
                "charOffset": range.start, "charLength": range.len() })
    };
    let mut results_json = Vec::new();
    for (ws, diags) in results {
        for d in diags {
            let mut result = json!({
                "ruleId": d.code,
                "level": sarif_level(d.severity),
                "message": { "text": d.message },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": d.file, "uriBaseId": "%SRCROOT%" },
                    "region": region(ws, &d.file, d.range),
                }}],
            });
            if let Some(i) = index.get(d.code) {
                result["ruleIndex"] = json!(i);
            }
            if !d.related.is_empty() {
                result["relatedLocations"] = json!(d
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, r)| json!({
                        "id": i,
                        "message": { "text": r.message },
                        "physicalLocation": {
                            "artifactLocation": { "uri": r.file, "uriBaseId": "%SRCROOT%" },
                            "region": region(ws, &r.file, r.range),
                        }
                    }))
                    .collect::<Vec<_>>());
            }
            if !d.fixes.is_empty() {
                result["fixes"] = json!(d
                    .fixes
                    .iter()
                    .map(|f| {
                        let mut by_file: Vec<(String, Vec<serde_json::Value>)> = Vec::new();
                        for e in &f.edits {
                            let rep = json!({ "deletedRegion": region(ws, &e.file, e.range), "insertedContent": { "text": e.replacement } });
                            match by_file.iter_mut().find(|(p, _)| *p == e.file) {
                                Some((_, v)) => v.push(rep),
                                None => by_file.push((e.file.clone(), vec![rep])),
                            }
                        }
                        json!({
                            "description": { "text": f.title },
                            "artifactChanges": by_file.into_iter().map(|(p, reps)| json!({
                                "artifactLocation": { "uri": p, "uriBaseId": "%SRCROOT%" },
                                "replacements": reps,
                            })).collect::<Vec<_>>(),
                        })
                    })
                    .collect::<Vec<_>>());
            }
            results_json.push(result);
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "hublint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules_json,
            }},
            "columnKind": "utf16CodeUnits",
            "results": results_json,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)?;
    Ok(())
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}
