//! The rules. One file per rule, named after its code; the rule's doc comment is its
//! documentation (`hublint rule CODE` prints it).

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::RepoModel;
use crate::text::TextRange;
use crate::workspace::Workspace;

/// A rule's identity and documentation.
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub fixable: bool,
    /// Markdown: what it does, why it matters, an example, the fix.
    pub doc: &'static str,
    pub(crate) check: fn(&Context, &mut Sink),
}

impl Rule {
    /// The doc's first line, without its heading marker.
    pub fn summary(&self) -> &'static str {
        self.doc
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .unwrap_or("")
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("code", &self.code)
            .field("name", &self.name)
            .finish()
    }
}

/// Declares `RULE` for a rule file: its doc comment becomes the rule's documentation.
macro_rules! declare_rule {
    ($(#[doc = $doc:expr])+ $code:ident, $name:literal, $severity:ident, fixable: $fixable:literal, $check:path) => {
        pub(crate) const RULE: crate::rules::Rule = crate::rules::Rule {
            code: stringify!($code),
            name: $name,
            severity: crate::diagnostic::Severity::$severity,
            fixable: $fixable,
            doc: concat!($($doc, "\n"),+),
            check: $check,
        };
    };
}

/// What a rule reads.
pub struct Context<'a> {
    pub ws: &'a Workspace,
    pub model: &'a RepoModel,
    pub config: &'a Config,
}

/// Where a rule reports; diagnostics get the rule's code and default severity.
pub struct Sink {
    rule: &'static Rule,
    pub(crate) out: Vec<Diagnostic>,
}

impl Sink {
    pub(crate) fn new(rule: &'static Rule) -> Self {
        Sink {
            rule,
            out: Vec::new(),
        }
    }

    pub fn report(
        &mut self,
        file: &str,
        range: TextRange,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.out.push(Diagnostic::new(
            self.rule.code,
            self.rule.severity,
            file,
            range,
            message,
        ));
        self.out.last_mut().expect("just pushed")
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.out.push(diagnostic);
    }
}

// Keep this list sorted by code.
mod f001_unreadable_file;
mod y001_yaml_syntax;
mod y002_duplicate_key;

static RULES: &[&Rule] = &[
    &f001_unreadable_file::RULE,
    &y001_yaml_syntax::RULE,
    &y002_duplicate_key::RULE,
];

pub fn all() -> &'static [&'static Rule] {
    RULES
}

pub fn by_code(code: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code) || r.name == code)
}
