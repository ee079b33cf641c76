//! Running the rules over a workspace: selection, severities, per-path ignores and inline
//! suppression comments are applied here, once, for every front end.

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::RepoModel;
use crate::rules::{self, Context, Sink};
use crate::workspace::Workspace;

/// Check every file of the workspace. Diagnostics come sorted by file and position.
pub fn check(ws: &Workspace, config: &Config) -> Vec<Diagnostic> {
    ws.parse_all();
    let model = RepoModel::build(ws, config);
    check_with_model(ws, &model, config)
}

pub fn check_with_model(ws: &Workspace, model: &RepoModel, config: &Config) -> Vec<Diagnostic> {
    let ctx = Context::new(ws, model, config);
    let mut out = Vec::new();
    for rule in rules::all() {
        if !config.is_selected(rule.code) {
            continue;
        }
        let Some(severity) = config.severity_for(rule.code, rule.severity) else {
            continue;
        };
        let mut sink = Sink::new(rule);
        (rule.check)(&ctx, &mut sink);
        // An explicit `severity:` for the code applies to every diagnostic of it (a rule may
        // report at several severities); otherwise the rule's own choice stands.
        let explicit = config.severity.contains_key(rule.code);
        for mut d in sink.out {
            if explicit || d.severity == rule.severity {
                d.severity = severity;
            }
            if config.is_ignored_for_path(d.code, &d.file) || is_suppressed(ws, &d) {
                continue;
            }
            out.push(d);
        }
    }
    out.sort_by(|a, b| (&a.file, a.range.start, a.code).cmp(&(&b.file, b.range.start, b.code)));
    out.dedup();
    out
}

/// `# hublint: ignore[CODE]` (codes or prefixes, comma-separated) on the diagnostic's line or
/// the line above.
pub fn is_suppressed(ws: &Workspace, d: &Diagnostic) -> bool {
    let Some(file) = ws.get(&d.file) else {
        return false;
    };
    let Some(text) = file.text() else {
        return false;
    };
    let idx = file.line_index();
    let line = idx.line_of(d.range.start);
    let lines = if line > 0 {
        vec![line - 1, line]
    } else {
        vec![line]
    };
    lines.into_iter().any(|l| {
        let s = &text[idx.line_start(l)..idx.line_end(text, l)];
        suppressed_codes(s)
            .iter()
            .any(|c| d.code.starts_with(c.as_str()) || c == "ALL")
    })
}

/// The codes named by suppression comments on one line.
pub fn suppressed_codes(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("hublint: ignore[") {
        let before = &rest[..i];
        rest = &rest[i + "hublint: ignore[".len()..];
        if !before.contains('#') {
            continue;
        }
        if let Some(end) = rest.find(']') {
            out.extend(
                rest[..end]
                    .split(',')
                    .map(|c| c.trim().to_ascii_uppercase())
                    .filter(|c| !c.is_empty()),
            );
            rest = &rest[end..];
        }
    }
    out
}

/// The comment that suppresses `code` on a line, to append to it (for the "disable on this
/// line" action).
pub fn suppression_comment(code: &str) -> String {
    format!("# hublint: ignore[{code}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppression_comments() {
        assert_eq!(
            suppressed_codes("a: 1 # hublint: ignore[Y003, s001]"),
            vec!["Y003", "S001"]
        );
        assert!(suppressed_codes("a: \"hublint: ignore[Y003]\"").is_empty());
        let mut ws = Workspace::new();
        ws.insert_text(
            "a.yaml",
            "a: 1\nb: 2\n# hublint: ignore[Y002]\nb: 3\na: 4 # hublint: ignore[Y]\n",
        );
        let diags = check(&ws, &Config::default());
        assert!(diags.is_empty(), "{diags:?}");
        ws.insert_text("a.yaml", "a: 1\na: 2\n");
        let diags = check(&ws, &Config::default());
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "Y002");
    }

    #[test]
    fn severity_overrides_and_selection() {
        let mut ws = Workspace::new();
        ws.insert_text("a.yaml", "a: 1\na: 2\n");
        let c = Config::parse("severity: {Y002: warning}\n");
        assert_eq!(check(&ws, &c)[0].severity, crate::Severity::Warning);
        let c = Config::parse("ignore: [Y]\n");
        assert!(check(&ws, &c).is_empty());
        // Y003 reports errors and warnings; an override sets them all.
        ws.insert_text(
            "v.yaml",
            "# hublint: chart=jupyterhub version=4.4.0\nsingleuser:\n  image:\n    name: x\n    tag: 1.10\n",
        );
        let c = Config::parse("severity: {Y003: info}\n");
        let y003: Vec<_> = check(&ws, &c)
            .into_iter()
            .filter(|d| d.code == "Y003")
            .collect();
        assert!(!y003.is_empty());
        assert!(
            y003.iter().all(|d| d.severity == crate::Severity::Info),
            "{y003:#?}"
        );
    }
}
