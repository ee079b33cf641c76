//! Client settings (`workspace/didChangeConfiguration`, `workspace/configuration` section
//! `hublint`), layered over the repository's `.hublint.yaml`.
//!
//! ```json
//! { "hublint": {
//!     "select": ["V", "Y"], "ignore": ["R004"], "severity": {"I002": "error"},
//!     "per-path-ignores": {"legacy/**": ["S001"]},
//!     "workspaceDiagnostics": false,   // push diagnostics for every file, not only open ones
//!     "debounceMs": 30                 // quiet time required during a burst of edits
//! } }
//! ```

use hublint_core::Config;
use serde_json::Value;

pub const DEFAULT_DEBOUNCE_MS: u64 = 30;

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Rule settings in `.hublint.yaml`'s shape; applied on top of the file's.
    pub rules: Config,
    pub has_rules: bool,
    pub workspace_diagnostics: bool,
    pub debounce_ms: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            rules: Config::default(),
            has_rules: false,
            workspace_diagnostics: false,
            debounce_ms: DEFAULT_DEBOUNCE_MS,
        }
    }
}

const RULE_KEYS: &[&str] = &["select", "ignore", "severity", "per-path-ignores"];

impl Settings {
    /// Read settings sent by a client: either `{hublint: {...}}` or the section itself.
    /// Unknown keys are ignored (clients send their whole configuration).
    pub fn from_json(value: &Value) -> Settings {
        let section = value.get("hublint").unwrap_or(value);
        let mut settings = Settings::default();
        let Some(obj) = section.as_object() else {
            return settings;
        };
        if let Some(b) = obj.get("workspaceDiagnostics").and_then(Value::as_bool) {
            settings.workspace_diagnostics = b;
        }
        if let Some(n) = obj.get("debounceMs").and_then(Value::as_u64) {
            settings.debounce_ms = n.min(2000);
        }
        // JSON is YAML: reuse the config file's parser for the rule settings.
        let rules: serde_json::Map<String, Value> = obj
            .iter()
            .filter(|(k, v)| {
                let k = if k.as_str() == "perPathIgnores" {
                    "per-path-ignores"
                } else {
                    k.as_str()
                };
                RULE_KEYS.contains(&k) && !v.is_null()
            })
            .map(|(k, v)| {
                let k = if k == "perPathIgnores" {
                    "per-path-ignores".to_string()
                } else {
                    k.clone()
                };
                (k, v.clone())
            })
            .collect();
        if !rules.is_empty() {
            settings.rules = Config::parse(&Value::Object(rules).to_string());
            settings.has_rules = true;
        }
        settings
    }

    /// The repository's config with these settings on top: a non-empty `select` replaces the
    /// file's, `ignore` and per-path ignores add to it, severities override per code.
    pub fn apply(&self, file: &Config) -> Config {
        let mut c = file.clone();
        if !self.has_rules {
            return c;
        }
        if !self.rules.select.is_empty() {
            c.select = self.rules.select.clone();
        }
        c.ignore.extend(self.rules.ignore.iter().cloned());
        for (code, sev) in &self.rules.severity {
            c.severity.insert(code.clone(), *sev);
        }
        c.per_path_ignores
            .extend(self.rules.per_path_ignores.iter().cloned());
        c.errors.extend(
            self.rules
                .errors
                .iter()
                .map(|e| hublint_core::config::ConfigError {
                    message: format!("settings: {e}"),
                    range: hublint_core::TextRange::empty(0),
                }),
        );
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hublint_core::Severity;

    #[test]
    fn settings_layer_over_the_file() {
        let file = Config::parse("select: [Y]\nignore: [Y001]\nseverity: {Y002: warning}\n");
        let s = Settings::from_json(&serde_json::json!({
            "hublint": {"ignore": ["F001"], "severity": {"Y002": "error"}, "workspaceDiagnostics": true,
                        "debounceMs": 5, "unrelated": 1}
        }));
        assert!(s.workspace_diagnostics);
        assert_eq!(s.debounce_ms, 5);
        let c = s.apply(&file);
        assert_eq!(c.select, vec!["Y"]);
        assert_eq!(c.ignore, vec!["Y001", "F001"]);
        assert_eq!(
            c.severity_for("Y002", Severity::Info),
            Some(Severity::Error)
        );
        assert!(c.errors.is_empty(), "{:?}", c.errors);
    }

    #[test]
    fn empty_or_odd_settings_change_nothing() {
        let file = Config::parse("ignore: [Y001]\n");
        for v in [
            serde_json::json!(null),
            serde_json::json!({}),
            serde_json::json!({"hublint": 3}),
        ] {
            let s = Settings::from_json(&v);
            assert_eq!(s, Settings::default());
            assert_eq!(s.apply(&file), file);
        }
    }
}
