//! What a rule reports: a diagnostic with a primary location, related locations and fixes.

use crate::text::TextRange;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" | "note" => Some(Severity::Info),
            _ => None,
        }
    }
}

/// How safe it is to apply a fix without looking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Applicability {
    /// Keeps the meaning the author intended; applied by `--fix` and "fix all".
    Safe,
    /// Changes behaviour (e.g. picks one of two versions); offered, never applied in bulk.
    Unsafe,
    /// Shown for information only.
    DisplayOnly,
}

/// Replace `range` of `file` with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    pub file: String,
    pub range: TextRange,
    pub replacement: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix {
            title: title.into(),
            applicability: Applicability::Safe,
            edits,
        }
    }
    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix {
            title: title.into(),
            applicability: Applicability::Unsafe,
            edits,
        }
    }
}

/// Another place that explains the diagnostic (the other end of a cross-file mismatch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    pub file: String,
    pub range: TextRange,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub file: String,
    pub range: TextRange,
    pub related: Vec<Related>,
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    pub fn new(
        code: &'static str,
        severity: Severity,
        file: &str,
        range: TextRange,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            file: file.to_string(),
            range,
            related: Vec::new(),
            fixes: Vec::new(),
        }
    }
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }
    pub fn with_related(
        mut self,
        file: &str,
        range: TextRange,
        message: impl Into<String>,
    ) -> Self {
        self.related.push(Related {
            file: file.to_string(),
            range,
            message: message.into(),
        });
        self
    }
    pub fn with_related_in_place(
        &mut self,
        file: &str,
        range: TextRange,
        message: impl Into<String>,
    ) -> &mut Self {
        self.related.push(Related {
            file: file.to_string(),
            range,
            message: message.into(),
        });
        self
    }
    pub fn add_fix(&mut self, fix: Fix) -> &mut Self {
        self.fixes.push(fix);
        self
    }
    /// The first safe fix, if any: what `--fix` applies.
    pub fn safe_fix(&self) -> Option<&Fix> {
        self.fixes
            .iter()
            .find(|f| f.applicability == Applicability::Safe)
    }
}
