//! What the hub schema checks find, before a rule gives it its code and severity.

use crate::diagnostic::{Fix, Related, Severity};
use crate::text::TextRange;

/// Which hub check found a problem. Each belongs to one rule (S001–S006, Y003;
/// `rules::rule_of` says which), and the rule's declaration gives the code and severity, so
/// the schema code holds no rule codes to mistype.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Check {
    UnknownKey,
    WrongType,
    NotAllowed,
    MissingRequired,
    UnknownTrait,
    VersionFallback,
    /// Helm's YAML 1.1 reading gives a value another type than the text suggests.
    NonString,
}

impl Check {
    pub const ALL: [Check; 7] = [
        Check::UnknownKey,
        Check::WrongType,
        Check::NotAllowed,
        Check::MissingRequired,
        Check::UnknownTrait,
        Check::VersionFallback,
        Check::NonString,
    ];
}

/// A problem in a hub's values, reported by the rule its `check` belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubFinding {
    pub check: Check,
    /// Set only where the finding is more serious than its rule's default (a value the
    /// schema types as a string that helm reads as another type is an error; Y003 warns).
    pub severity: Option<Severity>,
    pub file: String,
    pub range: TextRange,
    pub message: String,
    pub fixes: Vec<Fix>,
    pub related: Vec<Related>,
}

impl HubFinding {
    pub fn new(check: Check, file: &str, range: TextRange, message: impl Into<String>) -> Self {
        HubFinding {
            check,
            severity: None,
            file: file.to_string(),
            range,
            message: message.into(),
            fixes: Vec::new(),
            related: Vec::new(),
        }
    }

    /// The same, at `severity` rather than its rule's default.
    pub fn at(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }
}
