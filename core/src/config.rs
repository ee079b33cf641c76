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
use crate::text::TextRange;
use crate::yaml;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// `None` turns the rule off.
    pub severity: BTreeMap<String, Option<Severity>>,
    pub per_path_ignores: Vec<(String, Vec<String>)>,
    /// Glob → chart name ("jupyterhub" for plain z2jh values).
    pub values: Vec<(String, String)>,
    pub known_images: Vec<String>,
    pub experimental_images: Vec<ExperimentalImage>,
    /// Files left out of every check: gitignore patterns (`templates` leaves out every
    /// folder and file of that name, `/deploy/old/` one folder, `*.tpl.yaml` any such file).
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

fn strings(node: Option<&yaml::Node>) -> Vec<String> {
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
                        config.per_path_ignores.push((
                            s.key.as_str().unwrap_or_default().to_string(),
                            strings(Some(&s.value)),
                        ));
                    }
                }
                Setting::Values => {
                    for s in e.value.as_mapping().unwrap_or_default() {
                        let chart = s.value.as_str().unwrap_or("jupyterhub").to_string();
                        config
                            .values
                            .push((s.key.as_str().unwrap_or_default().to_string(), chart));
                    }
                }
                Setting::KnownImages => config.known_images = strings(Some(&e.value)),
                Setting::Exclude => config.exclude = strings(Some(&e.value)),
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
            glob_match(glob, path)
                && codes
                    .iter()
                    .any(|c| code.starts_with(c.to_ascii_uppercase().as_str()))
        })
    }

    pub fn is_experimental(&self, image: &str) -> Option<&ExperimentalImage> {
        self.experimental_images.iter().find(|e| e.name == image)
    }
}

/// Whether gitignore-style `patterns` leave `path` out: a pattern without `/` (but a
/// trailing one) matches a file or folder name at any depth; one with `/` is relative to
/// the root; a trailing `/` matches folders only. A matched folder leaves out all below it.
pub fn excluded(patterns: &[String], path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    patterns.iter().any(|pattern| {
        let dir_only = pattern.ends_with('/');
        let p = pattern.trim_end_matches('/');
        let anchored = p.starts_with('/') || p.contains('/');
        let p = p.trim_start_matches('/');
        if p.is_empty() {
            return false;
        }
        // Folders are the proper prefixes; the file itself only when not `dir/`.
        let last = if dir_only {
            segments.len().saturating_sub(1)
        } else {
            segments.len()
        };
        if anchored && !p.contains('/') {
            // `/name`: the top-level entry only.
            last >= 1 && glob_match(p, segments[0])
        } else if anchored {
            (1..=last).any(|n| glob_match(p, &segments[..n].join("/")))
        } else {
            segments[..last].iter().any(|s| glob_match(p, s))
        }
    })
}

/// Glob with `*` (within a segment), `**` (any number of segments) and `?`.
pub fn glob_match(glob: &str, path: &str) -> bool {
    fn seg_match(p: &[u8], s: &[u8]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some(b'*'), _) => seg_match(&p[1..], s) || (!s.is_empty() && seg_match(p, &s[1..])),
            (Some(b'?'), Some(_)) => seg_match(&p[1..], &s[1..]),
            (Some(a), Some(b)) if a == b => seg_match(&p[1..], &s[1..]),
            _ => false,
        }
    }
    fn parts_match(p: &[&str], s: &[&str]) -> bool {
        match p.first() {
            None => s.is_empty(),
            Some(&"**") => parts_match(&p[1..], s) || (!s.is_empty() && parts_match(p, &s[1..])),
            Some(seg) => {
                !s.is_empty()
                    && seg_match(seg.as_bytes(), s[0].as_bytes())
                    && parts_match(&p[1..], &s[1..])
            }
        }
    }
    let p: Vec<&str> = glob
        .trim_start_matches("./")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let s: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    // A glob without `/` matches the file name anywhere, as in .gitignore.
    if p.len() == 1 && !glob.contains('/') {
        return s
            .last()
            .is_some_and(|name| seg_match(p[0].as_bytes(), name.as_bytes()));
    }
    parts_match(&p, &s)
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
        assert_eq!(
            c.values,
            vec![("deploy/*.yaml".to_string(), "jupyterhub".to_string())]
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
    fn globs() {
        assert!(glob_match("**/*.values.yaml", "a/b/c.values.yaml"));
        let ex = |p: &str, path: &str| excluded(&[p.to_string()], path);
        assert!(ex("templates", "hub/templates/x.yaml"));
        assert!(ex("templates", "templates"));
        assert!(!ex("templates", "hub/templates.yaml"));
        assert!(ex("templates/", "a/templates/x.yaml"));
        assert!(!ex("templates/", "a/templates"));
        assert!(ex("/deploy/old", "deploy/old/a.yaml"));
        assert!(!ex("/deploy/old", "x/deploy/old/a.yaml"));
        assert!(ex("deploy/*.yaml", "deploy/a.yaml"));
        assert!(ex("history/**", "history/abc/x.yaml"));
        assert!(ex("*.tpl.yaml", "a/b/c.tpl.yaml"));
        assert!(glob_match("*.values.yaml", "a/b/c.values.yaml"));
        assert!(glob_match("a/*/c.yaml", "a/b/c.yaml"));
        assert!(!glob_match("a/*/c.yaml", "a/b/d/c.yaml"));
        assert!(glob_match("a/**", "a/b/d/c.yaml"));
    }

    #[test]
    fn unknown_settings_are_reported() {
        let c = Config::parse("selct: [V]\n");
        assert_eq!(c.errors.len(), 1);
    }
}
