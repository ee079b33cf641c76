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
    /// Markdown: what it does, why it matters, an example, the fix. Empty without the
    /// `rule-docs` feature (the playground's first module fetches the docs when shown).
    pub doc: &'static str,
    /// [`Rule::summary`], computed from the doc comment at compile time: kept in both builds.
    summary: &'static str,
    pub(crate) check: fn(&Context, &mut Sink),
}

impl Rule {
    /// The first sentence of the doc's first paragraph (after any heading).
    pub fn summary(&self) -> String {
        self.summary.to_string()
    }
}

/// Writes the summary of `doc` (its first paragraph after any heading lines, lines trimmed
/// and joined with spaces, up to its first ". ") into `out` as far as it fits; returns its
/// length. A const fn so that a rule's summary is compiled in without the full doc.
const fn write_summary(doc: &[u8], out: &mut [u8]) -> usize {
    const fn is_space(b: u8) -> bool {
        matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0b' | b'\x0c')
    }
    let (mut line_start, mut len, mut prev, mut in_paragraph) = (0, 0, 0u8, false);
    while line_start < doc.len() {
        let mut line_end = line_start;
        while line_end < doc.len() && doc[line_end] != b'\n' {
            line_end += 1;
        }
        let (mut start, mut end) = (line_start, line_end);
        while start < end && is_space(doc[start]) {
            start += 1;
        }
        while end > start && is_space(doc[end - 1]) {
            end -= 1;
        }
        line_start = line_end + 1;
        if !in_paragraph {
            if start == end || doc[start] == b'#' {
                continue;
            }
            in_paragraph = true;
        } else if start == end {
            break;
        } else {
            // The lines are joined with a space; a sentence ending the line ends the summary.
            if prev == b'.' {
                return len;
            }
            if len < out.len() {
                out[len] = b' ';
            }
            len += 1;
            prev = b' ';
        }
        while start < end {
            let b = doc[start];
            if b == b' ' && prev == b'.' {
                return len;
            }
            if len < out.len() {
                out[len] = b;
            }
            len += 1;
            prev = b;
            start += 1;
        }
    }
    len
}

/// The length of `doc`'s summary (see [`write_summary`]).
pub(crate) const fn summary_len(doc: &str) -> usize {
    write_summary(doc.as_bytes(), &mut [])
}

/// `doc`'s summary as bytes; `N` is [`summary_len`] of it.
pub(crate) const fn summary_bytes<const N: usize>(doc: &str) -> [u8; N] {
    let mut out = [0u8; N];
    assert!(write_summary(doc.as_bytes(), &mut out) == N);
    out
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
/// Without the `rule-docs` feature only the summary is compiled in: the consts below are
/// evaluated at compile time and the full text is not emitted.
macro_rules! declare_rule {
    ($(#[doc = $doc:expr])+ $code:ident, $name:literal, $severity:ident, fixable: $fixable:literal, $check:path) => {
        const RULE_DOC: &str = concat!($($doc, "\n"),+);
        const RULE_SUMMARY_LEN: usize = crate::rules::summary_len(RULE_DOC);
        const RULE_SUMMARY: [u8; RULE_SUMMARY_LEN] = crate::rules::summary_bytes(RULE_DOC);
        pub(crate) const RULE: crate::rules::Rule = crate::rules::Rule {
            code: stringify!($code),
            name: $name,
            severity: crate::diagnostic::Severity::$severity,
            fixable: $fixable,
            #[cfg(feature = "rule-docs")]
            doc: RULE_DOC,
            #[cfg(not(feature = "rule-docs"))]
            doc: "",
            summary: match core::str::from_utf8(&RULE_SUMMARY) {
                Ok(summary) => summary,
                Err(_) => panic!("a rule summary is cut inside a UTF-8 character"),
            },
            check: $check,
        };
    };
}

/// What a rule reads.
pub struct Context<'a> {
    pub ws: &'a Workspace,
    pub model: &'a RepoModel,
    pub config: &'a Config,
    /// Found once per check, shared by the rules that read them.
    image_refs: std::cell::OnceCell<Vec<FileImageRefs<'a>>>,
    /// The P rules' findings, from one parse of every Python snippet.
    python: std::cell::OnceCell<Vec<Diagnostic>>,
    /// The K rules' findings, from one walk of the values files hubs use.
    kubernetes: std::cell::OnceCell<Vec<Diagnostic>>,
    /// Every hub's schemas and merged values, merged once for all the rules that read them.
    hub_values: std::cell::OnceCell<crate::schema::hubs::HubValues<'a>>,
    /// The schema rules' findings (S001–S006, Y003), from one validation of every hub.
    schema: std::cell::OnceCell<Vec<crate::schema::HubFinding>>,
}

/// A values file and the image references in it.
pub type FileImageRefs<'a> = (&'a crate::workspace::SourceFile, Vec<common::ImageRef<'a>>);

impl<'a> Context<'a> {
    pub fn new(ws: &'a Workspace, model: &'a RepoModel, config: &'a Config) -> Self {
        Context {
            ws,
            model,
            config,
            image_refs: std::cell::OnceCell::new(),
            python: std::cell::OnceCell::new(),
            kubernetes: std::cell::OnceCell::new(),
            hub_values: std::cell::OnceCell::new(),
            schema: std::cell::OnceCell::new(),
        }
    }

    /// Every hub's merged values (and the schemas that apply), in `model.hubs` order.
    pub fn hub_values(&self) -> &crate::schema::hubs::HubValues<'a> {
        self.hub_values
            .get_or_init(|| crate::schema::hubs::HubValues::build(self.ws, self.model))
    }

    /// Every hub's values checked against its schemas (S001–S006, Y003).
    pub fn hub_findings(&self) -> &[crate::schema::HubFinding] {
        self.schema
            .get_or_init(|| crate::schema::hubs::run(self.hub_values()))
    }

    /// Report, with the sink's rule's code and severity, the hub findings that are its own.
    pub(crate) fn report_hub_findings(&self, sink: &mut Sink) {
        for f in self.hub_findings() {
            if rule_of(f.check).code == sink.rule.code {
                sink.report_finding(f);
            }
        }
    }

    /// The YAML files that are data: every YAML file but templates and ciphertext.
    pub fn yaml_data_files(&self) -> impl Iterator<Item = &'a crate::workspace::SourceFile> + '_ {
        self.ws
            .files()
            .filter(|f| f.is_yaml() && self.model.is_data(&f.path))
    }

    /// Every values file with its image references (`image:` keys), walked once per check
    /// for the I rules and X001 (a language server re-checks on every keystroke).
    pub fn values_image_refs(&self) -> &[FileImageRefs<'a>] {
        self.image_refs.get_or_init(|| {
            self.model
                .values_files(self.ws)
                .into_iter()
                .filter_map(|file| Some((file, common::image_refs(file.yaml_root()?))))
                .collect()
        })
    }

    /// Diagnostics of the Python snippets in every values file (P001, P002), parsed once.
    pub(crate) fn python_findings(&self) -> &[Diagnostic] {
        self.python.get_or_init(|| {
            // Without the `python` feature (the playground's first module) the P rules find nothing.
            #[cfg(not(feature = "python"))]
            let out = Vec::new();
            #[cfg(feature = "python")]
            let out = {
                let mut out = Vec::new();
                // The same values files the I rules walk (found once per check).
                for (file, _) in self.values_image_refs() {
                    if let Some(root) = file.yaml_root() {
                        crate::schema::python::check_file(
                            &file.path,
                            file.text_or_empty(),
                            root,
                            &mut out,
                        );
                    }
                }
                out
            };
            assert_every_code_is_a_rule(&out);
            out
        })
    }

    /// Diagnostics of profiles and Kubernetes objects in values (K001–K004), walked once.
    pub(crate) fn kubernetes_findings(&self) -> &[Diagnostic] {
        self.kubernetes.get_or_init(|| {
            let mut out = Vec::new();
            crate::schema::profiles::check_workspace(self.ws, self.model, &mut out);
            assert_every_code_is_a_rule(&out);
            out
        })
    }
}

/// Whether a values file holds Python that the P rules parse (the values files they walk).
/// Answered without the Python parser: a build without it (the playground's first module)
/// asks, to load the module that has it.
pub(crate) fn holds_python(ws: &Workspace, model: &RepoModel) -> bool {
    model.values_files(ws).into_iter().any(|file| {
        file.yaml_root()
            .is_some_and(|root| !crate::schema::snippets::snippets(root).is_empty())
    })
}

/// Shared findings are handed out by code (K001–K004, P001–P002): one whose code is no
/// rule's would reach no sink and vanish, so the tests (debug builds) stop on it.
fn assert_every_code_is_a_rule(findings: &[Diagnostic]) {
    for d in findings {
        debug_assert!(
            RULES.iter().any(|r| r.code == d.code),
            "{} is no rule's code: {}",
            d.code,
            d.message
        );
    }
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

    /// Push those of a check's shared findings that carry this sink's rule's code.
    pub(crate) fn push_own(&mut self, shared: &[Diagnostic]) {
        let code = self.rule.code;
        self.out
            .extend(shared.iter().filter(|d| d.code == code).cloned());
    }

    fn report_finding(&mut self, f: &crate::schema::HubFinding) {
        let d = self.report(&f.file, f.range, f.message.clone());
        if let Some(severity) = f.severity {
            d.severity = severity;
        }
        d.fixes = f.fixes.clone();
        d.related = f.related.clone();
    }
}

/// The rule that reports a hub check's findings.
pub fn rule_of(check: crate::schema::Check) -> &'static Rule {
    use crate::schema::Check;
    match check {
        Check::UnknownKey => &s001_unknown_key::RULE,
        Check::WrongType => &s002_wrong_type::RULE,
        Check::NotAllowed => &s003_value_not_allowed::RULE,
        Check::MissingRequired => &s004_missing_required::RULE,
        Check::UnknownTrait => &s005_unknown_trait::RULE,
        Check::VersionFallback => &s006_schema_version::RULE,
        Check::NonString => &y003_helm_reads_non_string::RULE,
    }
}

mod common;

// Keep this list sorted by code.
mod c001_chartpress_missing_file;
mod c002_duplicate_values_path;
mod c003_values_path_missing;
mod d001_dockerfile_syntax;
mod d002_from_without_tag;
mod d003_from_arg_without_default;
mod f001_unreadable_file;
mod h001_config_error;
mod i001_image_without_tag;
mod i002_stale_image;
mod i003_malformed_chartpress_tag;
mod k001_unknown_override;
mod k002_profile_structure;
mod k003_k8s_unknown_field;
mod k004_k8s_invalid_object;
mod p001_python_syntax;
mod p002_python_unknown_trait;
mod r001_requirement_syntax;
mod r002_vcs_without_ref;
mod r003_vcs_ref_not_commit;
mod r004_unpinned_requirement;
mod r005_duplicate_requirement;
mod r006_version_drift;
mod r007_downgrades_base_package;
mod s001_unknown_key;
mod s002_wrong_type;
mod s003_value_not_allowed;
mod s004_missing_required;
mod s005_unknown_trait;
mod s006_schema_version;
mod s007_unreadable_schema;
mod s008_cluster_schema;
mod v001_from_tag_disagrees_with_chart;
mod v002_chart_version_range;
mod v003_hub_chart_disagrees_with_image;
mod x001_experiment_overdue;
mod y001_yaml_syntax;
mod y002_duplicate_key;
mod y003_helm_reads_non_string;

static RULES: &[&Rule] = &[
    &c001_chartpress_missing_file::RULE,
    &c002_duplicate_values_path::RULE,
    &c003_values_path_missing::RULE,
    &d001_dockerfile_syntax::RULE,
    &d002_from_without_tag::RULE,
    &d003_from_arg_without_default::RULE,
    &f001_unreadable_file::RULE,
    &h001_config_error::RULE,
    &i001_image_without_tag::RULE,
    &i002_stale_image::RULE,
    &i003_malformed_chartpress_tag::RULE,
    &k001_unknown_override::RULE,
    &k002_profile_structure::RULE,
    &k003_k8s_unknown_field::RULE,
    &k004_k8s_invalid_object::RULE,
    &p001_python_syntax::RULE,
    &p002_python_unknown_trait::RULE,
    &r001_requirement_syntax::RULE,
    &r002_vcs_without_ref::RULE,
    &r003_vcs_ref_not_commit::RULE,
    &r004_unpinned_requirement::RULE,
    &r005_duplicate_requirement::RULE,
    &r006_version_drift::RULE,
    &r007_downgrades_base_package::RULE,
    &s001_unknown_key::RULE,
    &s002_wrong_type::RULE,
    &s003_value_not_allowed::RULE,
    &s004_missing_required::RULE,
    &s005_unknown_trait::RULE,
    &s006_schema_version::RULE,
    &s007_unreadable_schema::RULE,
    &s008_cluster_schema::RULE,
    &v001_from_tag_disagrees_with_chart::RULE,
    &v002_chart_version_range::RULE,
    &v003_hub_chart_disagrees_with_image::RULE,
    &x001_experiment_overdue::RULE,
    &y001_yaml_syntax::RULE,
    &y002_duplicate_key::RULE,
    &y003_helm_reads_non_string::RULE,
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

#[cfg(test)]
mod summary_tests {
    use super::{summary_bytes, summary_len};

    /// The summary as `str` methods compute it: the compile-time one must equal it.
    fn summary_of(doc: &str) -> String {
        let para: Vec<&str> = doc
            .lines()
            .map(str::trim)
            .skip_while(|l| l.is_empty() || l.starts_with('#'))
            .take_while(|l| !l.is_empty())
            .collect();
        let text = para.join(" ");
        match text.find(". ") {
            Some(i) => text[..=i].to_string(),
            None => text,
        }
    }

    #[test]
    fn compile_time_summaries_match_the_doc_text() {
        const DOC: &str = " ## What it does\n Reports a\n   thing. And more.\n\n ## Why\n";
        const LEN: usize = summary_len(DOC);
        const BYTES: [u8; LEN] = summary_bytes(DOC);
        assert_eq!(std::str::from_utf8(&BYTES).unwrap(), "Reports a thing.");
        for doc in [
            "",
            " # Only a heading\n",
            " First line ends a sentence.\n next line\n",
            " No period at all\n second line\n\n later\n",
            "\n\n Dots.inside a word. Then.",
            " Ünïcode — text. More.\n",
        ] {
            let mut out = vec![0u8; summary_len(doc)];
            assert_eq!(super::write_summary(doc.as_bytes(), &mut out), out.len());
            assert_eq!(String::from_utf8(out).unwrap(), summary_of(doc), "{doc:?}");
        }
    }

    #[cfg(feature = "rule-docs")]
    #[test]
    fn every_rule_summary_is_its_docs_first_sentence() {
        for rule in super::all() {
            assert!(!rule.summary().is_empty(), "{}", rule.code);
            assert_eq!(rule.summary(), summary_of(rule.doc), "{}", rule.code);
        }
    }

    #[cfg(not(feature = "rule-docs"))]
    #[test]
    fn without_docs_the_summaries_remain() {
        for rule in super::all() {
            assert!(rule.doc.is_empty(), "{}", rule.code);
            assert!(
                rule.summary().ends_with('.'),
                "{}: {}",
                rule.code,
                rule.summary()
            );
        }
    }
}
