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
//! The settings are the [`Setting`] type; `schemas/hublint-config.schema.json` is generated
//! from it (core/src/config_schema.rs).

use crate::config_schema::Setting;
use crate::diagnostic::Severity;
use crate::glob::{ExcludeSet, GlobError, PathGlob};
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
    pub experiment_history: Vec<crate::experiment_history::ExperimentStart>,
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

pub const CONFIG_FILE: &str = ".hublint.yaml";

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

    fn glob(range: TextRange, setting: &str, e: GlobError) -> ConfigError {
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

/// The `exclude:` patterns (a list or one string) that compile; each broken one is an error
/// at its own line.
fn exclude_patterns(node: &yaml::Node, errors: &mut Vec<ConfigError>) -> Vec<String> {
    let items = match node.as_sequence() {
        Some(items) => items.iter().collect(),
        None => vec![node],
    };
    let mut out = Vec::new();
    for item in items {
        let Some(pattern) = item.as_str() else {
            continue;
        };
        match ExcludeSet::check(pattern) {
            Ok(()) => out.push(pattern.to_string()),
            Err(err) => errors.push(ConfigError::glob(item.range, "exclude", err)),
        }
    }
    out
}

impl Config {
    pub fn parse(text: &str) -> Config {
        let mut config = Config::default();
        let file = yaml::parse(text);
        if let Some(err) = file.errors.first() {
            config.errors.push(ConfigError::at(
                err.range,
                format!("{CONFIG_FILE}: {}", err.message),
            ));
            return config;
        }
        let Some(root) = file.docs.first() else {
            return config;
        };
        if root.is_null() {
            return config;
        }
        let Some(entries) = root.as_mapping() else {
            config.errors.push(ConfigError::at(
                root.range,
                format!("{CONFIG_FILE}: expected a mapping at the top level"),
            ));
            return config;
        };
        for e in entries {
            let key = e.key.as_str().unwrap_or_default();
            let Some(setting) = Setting::from_key(key) else {
                config.errors.push(ConfigError::at(
                    e.key.range,
                    format!("{CONFIG_FILE}: unknown setting `{key}`"),
                ));
                continue;
            };
            crate::config_schema::check_value(setting, &e.value, &mut config.errors);
            match setting {
                Setting::Select => config.select = strings(Some(&e.value)),
                Setting::Ignore => config.ignore = strings(Some(&e.value)),
                Setting::Severity => {
                    for s in e.value.as_mapping().unwrap_or_default() {
                        let code = s.key.as_str().unwrap_or_default().to_string();
                        let v = s.value.as_str().unwrap_or_default();
                        // `off` is a YAML 1.1 bool but we read the text, so both spellings work.
                        let sev = if matches!(v, "off" | "false" | "none") {
                            None
                        } else {
                            Severity::parse(v)
                        };
                        if sev.is_none() && !matches!(v, "off" | "false" | "none") {
                            config.errors.push(ConfigError::at(
                                s.value.range,
                                format!("{CONFIG_FILE}: unknown severity `{v}` for {code}"),
                            ));
                            continue;
                        }
                        config.severity.insert(code.to_ascii_uppercase(), sev);
                    }
                }
                Setting::PerPathIgnores => {
                    for s in e.value.as_mapping().unwrap_or_default() {
                        match PathGlob::new(s.key.as_str().unwrap_or_default()) {
                            Ok(glob) => config
                                .per_path_ignores
                                .push((glob, strings(Some(&s.value)))),
                            Err(err) => config.errors.push(ConfigError::glob(
                                s.key.range,
                                "per-path-ignores",
                                err,
                            )),
                        }
                    }
                }
                Setting::Values => {
                    for s in e.value.as_mapping().unwrap_or_default() {
                        let chart = s.value.as_str().unwrap_or("jupyterhub").to_string();
                        match PathGlob::new(s.key.as_str().unwrap_or_default()) {
                            Ok(glob) => config.values.push((glob, chart)),
                            Err(err) => {
                                config
                                    .errors
                                    .push(ConfigError::glob(s.key.range, "values", err))
                            }
                        }
                    }
                }
                Setting::KnownImages => config.known_images = strings(Some(&e.value)),
                Setting::Exclude => {
                    config.exclude = exclude_patterns(&e.value, &mut config.errors)
                }
                // Read where hubs are found (core/src/deployments/configured.rs), with spans.
                Setting::Hubs => {
                    for (i, hub) in e.value.as_sequence().unwrap_or_default().iter().enumerate() {
                        if hub.get("name").and_then(|n| n.as_str()).is_none() {
                            config.errors.push(ConfigError::at(
                                hub.range,
                                format!("{CONFIG_FILE}: hubs[{i}] needs a `name` (and `files`, in helm's -f order)"),
                            ));
                        }
                    }
                }
                Setting::ExperimentalImages => {
                    if let Some(items) = e.value.as_sequence() {
                        for i in items {
                            if let Some(name) = i.as_str() {
                                config.experimental_images.push(ExperimentalImage {
                                    name: name.to_string(),
                                    since: None,
                                });
                            }
                        }
                    } else {
                        for s in e.value.as_mapping().unwrap_or_default() {
                            let since = s
                                .value
                                .get("since")
                                .and_then(|n| n.as_str())
                                .map(str::to_string);
                            config.experimental_images.push(ExperimentalImage {
                                name: s.key.as_str().unwrap_or_default().to_string(),
                                since,
                            });
                        }
                    }
                }
                Setting::ExperimentDays => match e.value.as_str().and_then(|t| t.parse::<i64>().ok()) {
                    Some(days) if days > 0 => config.experiment_days = Some(days),
                    _ => config.errors.push(ConfigError::at(
                        e.value.range,
                        format!(
                            "{CONFIG_FILE}: experiment-days must be a whole number of days above 0"
                        ),
                    )),
                },
                Setting::ClusterSchema => match e.value.as_str() {
                    Some(path) if !path.trim().is_empty() => {
                        config.cluster_schema = Some((path.trim().to_string(), e.value.range));
                    }
                    _ => config.errors.push(ConfigError::at(
                        e.value.range,
                        format!("{CONFIG_FILE}: cluster-schema must be a file path relative to the repository root"),
                    )),
                },
            }
        }
        config
    }

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
