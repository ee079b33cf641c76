//! Python source held in values files: `hub.extraConfig` (z2jh runs each entry with
//! `exec()` in `jupyterhub_config.py`, sorted by key), the same `extraConfig` of the charts
//! that wrap or sit beside it (binderhub, dask-gateway's `gateway.extraConfig`), and
//! `extraFiles.<name>.stringData` mounted at a `.py` path. A syntax error in any of them
//! crash-loops the pod at start-up, after helm has accepted the values.
//!
//! Each snippet is parsed with ruff's parser (RustPython's published fork); errors are
//! mapped from the decoded string back to the YAML source, block indentation included.

use super::freeform::{rename_fix, unknown_trait};
use super::snippets::{snippets, Snippet};
use super::traits;
use crate::diagnostic::{Diagnostic, Severity};
use crate::text::TextRange;
use crate::yaml::{Node, ScalarStyle};
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::Ranged;

/// Where each line of a scalar's decoded text starts in the file, when lines map one to one
/// (a literal block scalar, or a single-line plain or quoted scalar without escapes).
fn line_starts(src: &str, node: &Node, decoded: &str) -> Option<Vec<usize>> {
    let s = node.as_scalar()?;
    let raw = src.get(node.range.start..node.range.end)?;
    match s.style {
        ScalarStyle::Literal => {
            // The body starts on the line after the header (`|`, `|-`, `|2+` …).
            let body_start = node.range.start + raw.find('\n')? + 1;
            let mut starts = Vec::new();
            let mut at = body_start;
            for line in decoded.split('\n') {
                let end = src[at..].find('\n').map_or(src.len(), |i| at + i);
                let source_line = src[at..end].trim_end_matches('\r');
                // Indentation removed: the decoded line is the end of the source line.
                if !line.is_empty() {
                    let indent = source_line.len().checked_sub(line.len())?;
                    if &source_line[indent..] != line {
                        return None;
                    }
                    starts.push(at + indent);
                } else {
                    starts.push(at + source_line.len());
                }
                if end >= src.len() {
                    break;
                }
                at = end + 1;
            }
            (starts.len() == decoded.split('\n').count()).then_some(starts)
        }
        _ if decoded.contains('\n') => None,
        ScalarStyle::Plain => (raw == decoded).then(|| vec![node.range.start]),
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            let inner = raw.get(1..raw.len().saturating_sub(1))?;
            (inner == decoded).then(|| vec![node.range.start + 1])
        }
        ScalarStyle::Folded => None,
    }
}

/// Maps byte offsets in a snippet's decoded text to offsets in the YAML file.
struct SourceMap {
    /// Decoded line start offsets, and where each starts in the file.
    decoded_starts: Vec<usize>,
    file_starts: Option<Vec<usize>>,
    whole: TextRange,
}

impl SourceMap {
    fn new(src: &str, node: &Node, decoded: &str) -> Self {
        let mut decoded_starts = vec![0];
        decoded_starts.extend(decoded.match_indices('\n').map(|(i, _)| i + 1));
        SourceMap {
            decoded_starts,
            file_starts: line_starts(src, node, decoded),
            whole: node.range,
        }
    }

    /// (0-based line, byte column) in the decoded text.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.decoded_starts.partition_point(|&s| s <= offset) - 1;
        (line, offset - self.decoded_starts[line])
    }

    fn offset(&self, offset: usize) -> Option<usize> {
        let (line, col) = self.line_col(offset);
        Some(self.file_starts.as_ref()?.get(line)? + col)
    }

    /// The file range of a decoded range; the whole scalar when lines do not map.
    fn range(&self, r: ruff_text_size::TextRange) -> TextRange {
        let (start, end) = (r.start().to_usize(), r.end().to_usize());
        match (self.offset(start), self.offset(end)) {
            (Some(s), Some(e)) if s <= e => TextRange::new(s, e),
            _ => self.whole,
        }
    }
}

/// Parse every snippet of a values file; syntax errors (P001) and `c.<Class>.<trait>`
/// assignments to traits the class does not have (P002).
pub fn check_file(path: &str, src: &str, root: &Node, out: &mut Vec<Diagnostic>) {
    for snippet in snippets(root) {
        check_snippet(path, src, &snippet, out);
    }
}

fn check_snippet(path: &str, src: &str, snippet: &Snippet, out: &mut Vec<Diagnostic>) {
    let parsed = ruff_python_parser::parse_module(snippet.source);
    let map = SourceMap::new(src, snippet.node, snippet.source);
    let module = match parsed {
        Ok(p) => p.into_syntax(),
        Err(e) => {
            // Only the first error: later ones are mostly the parser recovering from it.
            let (line, col) = map.line_col(e.location.start().to_usize());
            out.push(Diagnostic::new(
                "P001",
                Severity::Error,
                path,
                map.range(e.location),
                format!(
                    "Python syntax error in `{}` (line {}, column {} of the snippet): {}; the pod runs this at start-up and crash-loops",
                    snippet.path,
                    line + 1,
                    col + 1,
                    e.error
                ),
            ));
            return;
        }
    };
    let mut finder = ConfigAssignments::default();
    finder.visit_body(&module.body);
    for (class, name, range) in finder.found {
        let Some(known) = traits::settable_in_section(class) else {
            continue;
        };
        if known.binary_search(&name).is_ok() {
            continue;
        }
        let (message, better) = unknown_trait(class, name, known);
        let range = map.range(range);
        let mut d = Diagnostic::new(
            "P002",
            Severity::Warning,
            path,
            range,
            format!("`c.{class}.{name}` in `{}`: {message}", snippet.path),
        );
        // Only when the name maps exactly: a fix must not overwrite the wrong text.
        if let Some(b) = better {
            if src.get(range.start..range.end) == Some(name) {
                d.fixes.push(rename_fix(path, range, name, b));
            }
        }
        out.push(d);
    }
}

/// `c.<Class>.<trait>` set (`=`, `+=`, annotated) or modified in place
/// (`c.Class.trait.append(…)`, `.update(…)`, …), outside functions that take their own `c`.
#[derive(Default)]
struct ConfigAssignments<'a> {
    found: Vec<(&'a str, &'a str, ruff_text_size::TextRange)>,
}

impl<'a> ConfigAssignments<'a> {
    /// `c.Class.trait`: the class, the trait and the trait name's range.
    fn config_trait(expr: &'a Expr) -> Option<(&'a str, &'a str, ruff_text_size::TextRange)> {
        let Expr::Attribute(outer) = expr else {
            return None;
        };
        let Expr::Attribute(inner) = outer.value.as_ref() else {
            return None;
        };
        let Expr::Name(c) = inner.value.as_ref() else {
            return None;
        };
        (c.id.as_str() == "c").then_some((
            inner.attr.as_str(),
            outer.attr.as_str(),
            outer.attr.range(),
        ))
    }

    fn target(&mut self, expr: &'a Expr) {
        if let Some(t) = Self::config_trait(expr) {
            self.found.push(t);
        }
    }
}

impl<'a> Visitor<'a> for ConfigAssignments<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Assign(s) => s.targets.iter().for_each(|t| self.target(t)),
            Stmt::AugAssign(s) => self.target(&s.target),
            Stmt::AnnAssign(s) => self.target(&s.target),
            Stmt::FunctionDef(f) if f.parameters.iter().any(|p| p.name().as_str() == "c") => {
                return;
            }
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr {
            if let Expr::Attribute(method) = call.func.as_ref() {
                self.target(&method.value);
            }
        }
        visitor::walk_expr(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(src: &str) -> Vec<Diagnostic> {
        let yaml = crate::yaml::parse(src);
        let mut out = Vec::new();
        check_file("v.yaml", src, &yaml.docs[0], &mut out);
        out
    }

    fn at(src: &str, d: &Diagnostic) -> String {
        src[d.range.start..d.range.end].to_string()
    }

    #[test]
    fn indentation_error_points_into_the_block() {
        let src = "hub:\n  extraConfig:\n    00-ok: |\n      c.JupyterHub.log_level = 'DEBUG'\n    01-bad: |\n      import os\n      if os.environ.get('X'):\n      c.KubeSpawner.cpu_limit = 2\n";
        let d = run(src);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, "P001");
        assert!(
            d[0].message.contains("hub.extraConfig.01-bad"),
            "{}",
            d[0].message
        );
        assert!(d[0].message.contains("line 3"), "{}", d[0].message);
        // Reported on the unindented line, at its first character in the file.
        let line_start = src.find("      c.KubeSpawner").unwrap() + 6;
        assert_eq!(d[0].range.start, line_start, "{}", at(src, &d[0]));
    }

    #[test]
    fn unexpected_indent_and_keep_indicator() {
        let src = "jupyterhub:\n  hub:\n    extraConfig:\n      x: |+\n        a = 1\n          b = 2\n\n";
        let d = run(src);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].message.to_lowercase().contains("indent"),
            "{}",
            d[0].message
        );
        assert_eq!(src[..d[0].range.start].lines().count(), 6);
    }

    #[test]
    fn unknown_trait_in_assignment_and_method_call() {
        let src = "hub:\n  extraConfig:\n    a: |\n      c.KubeSpawner.mem_limt = '2G'\n      c.KubeSpawner.profile_lst.append({})\n      c.KubeSpawner.cpu_limit = 1\n      c.Unrelated.whatever = 1\n      def f(c):\n          c.KubeSpawner.nope = 1\n";
        let d = run(src);
        let names: Vec<String> = d.iter().map(|d| at(src, d)).collect();
        assert_eq!(names, ["mem_limt", "profile_lst"], "{d:?}");
        assert!(
            d[0].message.contains("did you mean `mem_limit`"),
            "{}",
            d[0].message
        );
        assert_eq!(d[0].fixes[0].edits[0].replacement, "mem_limit");
    }

    #[test]
    fn other_places_and_forms() {
        // A one-line plain snippet, a dask-gateway snippet, a .py extraFile, the old string form.
        let src = "dask-gateway:\n  gateway:\n    extraConfig:\n      opts: 'def f(:'\nhub:\n  extraConfig: \"x = (\"\n  extraFiles:\n    cfg:\n      mountPath: /etc/x/config.py\n      stringData: |\n        for\n    notpy:\n      mountPath: /etc/x/config.txt\n      stringData: |\n        for\n";
        let d = run(src);
        let paths: Vec<&str> = d
            .iter()
            .map(|d| d.message.split('`').nth(1).unwrap())
            .collect();
        assert_eq!(
            paths,
            [
                "dask-gateway.gateway.extraConfig.opts",
                "hub.extraConfig",
                "hub.extraFiles.cfg.stringData"
            ]
        );
        // Single-quoted: the column is inside the quotes.
        assert_eq!(&src[d[0].range.start - 7..d[0].range.start], "'def f(");
    }

    #[test]
    fn folded_scalars_fall_back_to_the_whole_value() {
        let src = "hub:\n  extraConfig:\n    a: >\n      x = (\n";
        let d = run(src);
        assert_eq!(d.len(), 1);
        assert!(at(src, &d[0]).starts_with('>'), "{:?}", at(src, &d[0]));
    }
}
