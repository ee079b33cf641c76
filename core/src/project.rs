//! A repository as every front end holds it: its files, the configuration read from its
//! `.hublint.yaml`, and today's date (core has no clock; the front end says which day it is,
//! and re-reading the configuration keeps it). Checking and fixing live here once.

use crate::config::{Config, CONFIG_FILE};
use crate::diagnostic::Diagnostic;
use crate::fix;
use crate::workspace::{normalize, Workspace};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default)]
pub struct Project {
    ws: Workspace,
    config: Config,
    today: Option<String>,
}

/// What [`Project::fix_all`] did.
#[derive(Debug, Clone, Default)]
pub struct FixOutcome {
    /// Every file the fixes changed, with its new text.
    pub changed: BTreeMap<String, String>,
    /// The diagnostics left after the last round.
    pub diagnostics: Vec<Diagnostic>,
}

impl Project {
    /// An empty project; `today` is `YYYY-MM-DD` (date rules stay silent without it).
    pub fn new(today: Option<String>) -> Project {
        Project {
            ws: Workspace::new(),
            config: Config {
                today: today.clone(),
                ..Config::default()
            },
            today,
        }
    }

    /// A project over files already loaded; the configuration is read from them.
    pub fn from_workspace(ws: Workspace, today: Option<String>) -> Project {
        let mut p = Project::new(today);
        p.ws = ws;
        p.reread_config();
        p
    }

    pub fn workspace(&self) -> &Workspace {
        &self.ws
    }

    /// The configuration of `.hublint.yaml`, with today's date.
    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn today(&self) -> Option<&str> {
        self.today.as_deref()
    }

    pub fn set_today(&mut self, today: Option<String>) {
        self.config.today = today.clone();
        self.today = today;
    }

    fn is_config(path: &str) -> bool {
        normalize(path) == CONFIG_FILE
    }

    fn reread_config(&mut self) {
        let text = self
            .ws
            .get(CONFIG_FILE)
            .and_then(|f| f.text())
            .unwrap_or("");
        self.config = Config::parse(text);
        self.config.today = self.today.clone();
    }

    /// Set a file's text; false when it already had exactly this text.
    pub fn set_file(&mut self, path: &str, text: String) -> bool {
        if self.ws.get(path).and_then(|f| f.text()) == Some(text.as_str()) {
            return false;
        }
        self.ws.insert_text(path, text);
        if Self::is_config(path) {
            self.reread_config();
        }
        true
    }

    /// Set a file from bytes read from disk; false when it already had exactly these.
    pub fn set_file_bytes(&mut self, path: &str, bytes: Vec<u8>) -> bool {
        if self.ws.get(path).and_then(|f| f.text()).map(str::as_bytes) == Some(bytes.as_slice()) {
            return false;
        }
        self.ws.insert_bytes(path, bytes);
        if Self::is_config(path) {
            self.reread_config();
        }
        true
    }

    /// Keep a file that could not be read, for F001.
    pub fn set_unreadable(&mut self, path: &str, reason: String) {
        self.ws.insert_unreadable(path, reason);
    }

    pub fn remove_file(&mut self, path: &str) -> bool {
        let removed = self.ws.remove(path);
        if removed && Self::is_config(path) {
            self.reread_config();
        }
        removed
    }

    /// Drop every file (the configuration goes with `.hublint.yaml`).
    pub fn clear(&mut self) {
        self.ws = Workspace::new();
        self.reread_config();
    }

    /// Check with the project's configuration.
    pub fn check(&self) -> Vec<Diagnostic> {
        crate::check(&self.ws, &self.config)
    }

    /// Whether a values file holds Python (`hub.extraConfig`, `extraFiles` at a `.py` path):
    /// a build without the `python` feature cannot run the P rules on it, and says so with
    /// this (the playground then loads its module built with the feature).
    pub fn holds_python(&self) -> bool {
        let model = crate::model::RepoModel::build(&self.ws, &self.config);
        crate::rules::holds_python(&self.ws, &model)
    }

    /// Check with a configuration a front end derived from the project's (editor settings,
    /// command-line selection).
    pub fn check_with(&self, config: &Config) -> Vec<Diagnostic> {
        crate::check(&self.ws, config)
    }

    /// Apply safe fixes in rounds (a fix can uncover or overlap another), re-checking after
    /// each, at most `rounds` times. Only diagnostics `wanted` accepts are fixed, and only
    /// fixes whose every edit is in a file `wanted_file` accepts (`--fix FILE` changes FILE
    /// alone).
    pub fn fix_all(
        &mut self,
        config: &Config,
        rounds: usize,
        wanted_file: &dyn Fn(&str) -> bool,
    ) -> FixOutcome {
        let mut outcome = FixOutcome {
            diagnostics: self.check_with(config),
            ..FixOutcome::default()
        };
        for _ in 0..rounds {
            let mut fixable: Vec<Diagnostic> = outcome
                .diagnostics
                .iter()
                .filter(|d| wanted_file(&d.file))
                .cloned()
                .collect();
            for d in &mut fixable {
                d.fixes
                    .retain(|f| f.edits.iter().all(|e| wanted_file(&e.file)));
            }
            let changed = {
                let ws = &self.ws;
                fix::fix_all(
                    &|p| ws.get(p).and_then(|f| f.text()).map(str::to_string),
                    &fixable,
                )
            };
            if changed.is_empty() {
                break;
            }
            for (path, text) in changed {
                self.set_file(&path, text.clone());
                outcome.changed.insert(path, text);
            }
            outcome.diagnostics = self.check_with(config);
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const X001_REPO: &[(&str, &str)] = &[(
        "config/clusters/c/values.yaml",
        "# hublint: chart=jupyterhub version=4.4.0\nhub:\n  image:\n    name: quay.io/org/experimental-hub\n    tag: \"1\"\n",
    )];

    fn x001_count(p: &Project) -> usize {
        p.check().iter().filter(|d| d.code == "X001").count()
    }

    #[test]
    fn editing_the_config_keeps_today() {
        let mut p = Project::new(Some("2026-12-05".into()));
        for (path, text) in X001_REPO {
            p.set_file(path, text.to_string());
        }
        p.set_file(
            CONFIG_FILE,
            "experimental-images:\n  quay.io/org/experimental-hub: { since: 2026-01-01 }\n".into(),
        );
        assert_eq!(p.config().today.as_deref(), Some("2026-12-05"));
        assert_eq!(x001_count(&p), 1, "{:#?}", p.check());
        // Editing the config again (as a language server does on every keystroke) keeps it.
        p.set_file(
            CONFIG_FILE,
            "experimental-images:\n  quay.io/org/experimental-hub: { since: 2026-01-02 }\n".into(),
        );
        assert_eq!(x001_count(&p), 1);
    }

    #[test]
    fn config_errors_are_diagnostics_at_their_line() {
        let mut p = Project::new(None);
        p.set_file(
            CONFIG_FILE,
            "select: [Y]\nignores: [R004]\nseverity: {Y002: loud}\n".into(),
        );
        let diags = p.check_with(&Config {
            select: vec![],
            ..p.config().clone()
        });
        let h: Vec<(&str, usize)> = diags
            .iter()
            .filter(|d| d.code == "H001")
            .map(|d| (d.message.as_str(), d.range.start))
            .collect();
        assert_eq!(
            h,
            [
                ("unknown setting `ignores`", 12),
                ("unknown severity `loud` for Y002", 45)
            ]
        );
    }

    #[test]
    fn broken_globs_are_diagnostics_at_their_line() {
        let mut p = Project::new(None);
        let config = "exclude:\n  - ok/**\n  - \"deploy/[z-a]\"\nvalues:\n  \"{a\": jupyterhub\n";
        p.set_file(CONFIG_FILE, config.into());
        let h: Vec<(usize, String)> = p
            .check()
            .into_iter()
            .filter(|d| d.code == "H001")
            .map(|d| (config[..d.range.start].matches('\n').count() + 1, d.message))
            .collect();
        assert_eq!(h.len(), 2, "{h:?}");
        assert_eq!(h[0].0, 3);
        assert!(
            h[0].1.starts_with("exclude: invalid glob `deploy/[z-a]`"),
            "{h:?}"
        );
        assert_eq!(h[1].0, 5);
        assert!(h[1].1.starts_with("values: invalid glob `{a`"), "{h:?}");
    }

    #[test]
    fn fixes_stay_in_the_wanted_files() {
        let mut p = Project::new(None);
        p.set_file("a.yaml", "# hublint: chart=jupyterhub version=4.4.0\nsingleuser:\n  image:\n    name: x\n    tag: 1.10\n".into());
        p.set_file("b.yaml", "# hublint: chart=jupyterhub version=4.4.0\nsingleuser:\n  image:\n    name: x\n    tag: 2.10\n".into());
        let config = p.config().clone();
        let out = p.fix_all(&config, 4, &|f| f == "a.yaml");
        assert_eq!(out.changed.keys().collect::<Vec<_>>(), ["a.yaml"]);
        assert!(p
            .workspace()
            .get("b.yaml")
            .unwrap()
            .text()
            .unwrap()
            .contains("tag: 2.10"));
        assert!(out.changed["a.yaml"].contains("tag: \"1.10\""));
    }
}
