//! `.hublint.yaml`: rule selection and severities, per-path ignores, chart mapping for plain
//! values files, extra image names, experimental images.
//!
//! ```yaml
//! select: [V, R003]          # codes or prefixes; default: all
//! ignore: [R004]
//! severity: { I002: error, R004: off }
//! per-path-ignores:
//!   "config/clusters/legacy/**": [S001]
//! values:                    # plain values files outside a cluster.yaml layout
//!   "deploy/*.values.yaml": jupyterhub
//! known-images: [quay.io/org/extra-hub]
//! experimental-images:
//!   quay.io/2i2c/pkce-experiment: { since: 2024-10-01 }
//! experiment-days: 28        # X001's limit
//! cluster-schema: deploy/cluster.schema.yaml   # S008's schema, when discovery finds none
//! ```
//!
//! The settings are the `config_schema::Setting` type; `schemas/hublint-config.schema.json` is
//! generated from it, and [`Config::parse`] is written there too (core/src/config_schema.rs):
//! checking a setting reads the rules and the schema validator, which read this module.

use crate::diagnostic::Severity;
use crate::glob::{GlobError, PathGlob};
use crate::text::TextRange;
use crate::yaml;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// `None` turns the rule off.
    pub severity: BTreeMap<String, Option<Severity>>,
    pub per_path_ignores: Vec<(PathGlob, Vec<String>)>,
    /// Glob → chart name ("jupyterhub" for plain z2jh values).
    pub values: Vec<(PathGlob, String)>,
    pub known_images: Vec<String>,
    pub experimental_images: Vec<ExperimentalImage>,
    /// Files left out of every check: gitignore patterns (`templates` leaves out every
    /// folder and file of that name, `/deploy/old/` one folder, `*.tpl.yaml` any such file);
    /// only those that compile (see [`crate::glob::ExcludeSet`]), a broken one is an error.
    pub exclude: Vec<String>,
    /// Problems in the config file itself, each where it is written.
    pub errors: Vec<ConfigError>,
    /// Today's date (`YYYY-MM-DD`), set by the front end (core has no clock); date-based
    /// rules stay silent without it.
    pub today: Option<String>,
    /// `experiment-days`: how long an experimental image may run (X001; default 28).
    pub experiment_days: Option<i64>,
    /// When values files started selecting experimental images, from git; set by front ends
    /// that read history (core reads no git).
    pub experiment_history: Vec<ExperimentStart>,
    /// `cluster-schema`: the cluster schema's path, and where it is written (a schema
    /// that cannot be used is reported there).
    pub cluster_schema: Option<(String, TextRange)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentalImage {
    pub name: String,
    /// ISO date the experiment started, when known.
    pub since: Option<String>,
}

/// One values file's current run of selecting one experimental image: the oldest commit of
/// the unbroken stretch of first-parent history, up to HEAD, in which the file names the
/// image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExperimentStart {
    /// Repository-relative path of the values file.
    pub file: String,
    /// The image name, as chartpress or `experimental-images` names it.
    pub image: String,
    /// The commit that made the file select it (abbreviated hash).
    pub commit: String,
    /// That commit's committer date, `YYYY-MM-DD` (UTC).
    pub date: String,
}

/// The configuration file's name; `files` owns it, as it names every kind of file.
pub use crate::files::CONFIG_FILE;

/// A problem in `.hublint.yaml` (or the editor's settings), with where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub message: String,
    pub range: TextRange,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl ConfigError {
    pub(crate) fn at(range: TextRange, message: String) -> ConfigError {
        ConfigError { message, range }
    }

    pub(crate) fn glob(range: TextRange, setting: &str, e: GlobError) -> ConfigError {
        ConfigError::at(range, format!("{CONFIG_FILE}: {setting}: {e}"))
    }
}

/// Days since 1970-01-01 of an ISO date (`YYYY-MM-DD`, time part ignored).
pub fn days_from_iso(date: &str) -> Option<i64> {
    let date = date.get(..10)?;
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The ISO date of a day count since 1970-01-01.
pub fn iso_from_days(z: i64) -> String {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// A setting that holds a list of strings or one string (`[a, b]` or `a`); the builder reads
/// chartpress.yaml's lists with it too.
pub fn strings(node: Option<&yaml::Node>) -> Vec<String> {
    match node {
        Some(n) => match n.as_sequence() {
            Some(items) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
            None => n.as_str().map(|s| vec![s.to_string()]).unwrap_or_default(),
        },
        None => Vec::new(),
    }
}

impl Config {
    /// Whether a rule code is selected (codes and prefixes, `ignore` wins).
    pub fn is_selected(&self, code: &str) -> bool {
        let matches = |p: &String| {
            code.starts_with(p.to_ascii_uppercase().as_str()) || p.eq_ignore_ascii_case("ALL")
        };
        (self.select.is_empty() || self.select.iter().any(matches))
            && !self.ignore.iter().any(matches)
    }

    pub fn severity_for(&self, code: &str, default: Severity) -> Option<Severity> {
        match self.severity.get(code) {
            Some(s) => *s,
            None => Some(default),
        }
    }

    pub fn is_ignored_for_path(&self, code: &str, path: &str) -> bool {
        self.per_path_ignores.iter().any(|(glob, codes)| {
            glob.is_match(path)
                && codes
                    .iter()
                    .any(|c| code.starts_with(c.to_ascii_uppercase().as_str()))
        })
    }

    pub fn is_experimental(&self, image: &str) -> Option<&ExperimentalImage> {
        self.experimental_images.iter().find(|e| e.name == image)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_setting() {
        let c = Config::parse(
            "select: [V, R003]\nignore: R004\nseverity: {I002: error, R005: off}\nper-path-ignores:\n  \"config/**\": [S001]\nvalues:\n  \"deploy/*.yaml\": jupyterhub\nknown-images: [a/b]\nexperimental-images:\n  quay.io/x/y: {since: 2024-10-01}\n",
        );
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        assert!(
            c.is_selected("V001")
                && c.is_selected("R003")
                && !c.is_selected("R004")
                && !c.is_selected("Y001")
        );
        assert_eq!(
            c.severity_for("I002", Severity::Warning),
            Some(Severity::Error)
        );
        assert_eq!(c.severity_for("R005", Severity::Warning), None);
        assert!(c.is_ignored_for_path("S001", "config/clusters/a/b.values.yaml"));
        assert!(!c.is_ignored_for_path("S001", "other/b.values.yaml"));
        assert_eq!(c.values.len(), 1);
        assert_eq!(
            (c.values[0].0.as_str(), c.values[0].1.as_str()),
            ("deploy/*.yaml", "jupyterhub")
        );
        assert_eq!(
            c.is_experimental("quay.io/x/y").unwrap().since.as_deref(),
            Some("2024-10-01")
        );
    }

    #[test]
    fn dates() {
        assert_eq!(days_from_iso("1970-01-01"), Some(0));
        assert_eq!(
            days_from_iso("2026-11-28").map(iso_from_days).as_deref(),
            Some("2026-11-28")
        );
        assert_eq!(
            days_from_iso("2024-03-01").unwrap() - days_from_iso("2024-02-01").unwrap(),
            29
        );
        assert_eq!(days_from_iso("2024-13-01"), None);
    }

    #[test]
    fn broken_globs_are_errors_at_their_line() {
        let text = "exclude:\n  - history/**\n  - \"a[b\"\nper-path-ignores:\n  \"x/{a\": [S001]\n  \"ok/**\": [S002]\nvalues:\n  \"[z-a].yaml\": jupyterhub\n";
        let c = Config::parse(text);
        let lines: Vec<usize> = c
            .errors
            .iter()
            .map(|e| text[..e.range.start].matches('\n').count() + 1)
            .collect();
        assert_eq!(lines, [3, 5, 8], "{:?}", c.errors);
        assert!(
            c.errors[0].message.contains("exclude: invalid glob `a[b`"),
            "{}",
            c.errors[0]
        );
        assert_eq!(c.exclude, ["history/**"]);
        assert_eq!(c.per_path_ignores.len(), 1);
        assert!(c.is_ignored_for_path("S002", "ok/a.yaml"));
        assert!(c.values.is_empty());
    }

    #[test]
    fn unknown_settings_are_reported() {
        let c = Config::parse("selct: [V]\n");
        assert_eq!(c.errors.len(), 1);
    }
}
