//! The settings of `.hublint.yaml` as a type, and the JSON Schema generated from it.
//!
//! [`Setting`] is what `Config::parse` dispatches on (an unknown key is one `from_key` does
//! not know), and [`json_schema`] describes each variant with an exhaustive match: a new
//! setting cannot be parsed without being described. The schema is published as
//! `schemas/hublint-config.schema.json` (a test compares it with this module's output;
//! `UPDATE=1 cargo test -p hublint-core --lib config_schema` rewrites it); the language
//! server completes and explains `.hublint.yaml` with it, and editors with a JSON Schema
//! aware YAML extension can use the published file.

use crate::config::{ConfigError, CONFIG_FILE};
use crate::rules;
use crate::schema::SchemaRef;
use crate::text::TextRange;
use crate::yaml::Node;
use serde_json::{json, Map, Value as Json};
use std::sync::OnceLock;

/// Where the generated schema is published, relative to the repository root.
pub const PUBLISHED_PATH: &str = "schemas/hublint-config.schema.json";

macro_rules! settings {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $key:literal, )+) => {
        /// A top-level key of `.hublint.yaml`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Setting { $($variant),+ }

        impl Setting {
            pub const ALL: &'static [Setting] = &[$(Setting::$variant),+];

            /// The key as written in `.hublint.yaml`.
            pub fn key(self) -> &'static str {
                match self { $(Setting::$variant => $key),+ }
            }

            /// What the setting does (its doc comment), for the schema's `description`.
            pub fn description(self) -> String {
                let doc: &[&str] = match self { $(Setting::$variant => &[$($doc),+]),+ };
                doc.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ")
            }
        }
    };
}

settings! {
    /// Rule codes or prefixes to run (`V`, `R003`, `ALL`); default: every rule.
    Select = "select",
    /// Rule codes or prefixes not to run; wins over `select`.
    Ignore = "ignore",
    /// A severity per rule code (`error`, `warning`, `info`), or `off` to turn the rule off.
    Severity = "severity",
    /// Rule codes or prefixes not reported in files matching a glob (`**` for any folders).
    PerPathIgnores = "per-path-ignores",
    /// Plain values files outside a cluster.yaml layout: a glob and the chart its files are
    /// values of (`jupyterhub` for z2jh values).
    Values = "values",
    /// Image names hublint should treat as hub or user images besides those it knows.
    KnownImages = "known-images",
    /// Images that run as a time-limited experiment (X001): a list of names, or a mapping
    /// from name to `{since: YYYY-MM-DD}`.
    ExperimentalImages = "experimental-images",
    /// How many days an experimental image may run before X001 reports it (default 28).
    ExperimentDays = "experiment-days",
    /// Files left out of every check, in gitignore syntax (`templates`, `/deploy/old/`,
    /// `*.tpl.yaml`).
    Exclude = "exclude",
    /// Hubs discovery cannot find, written down: each with a name and its values files in
    /// helm's `-f` order.
    Hubs = "hubs",
    /// The JSON Schema (YAML or JSON file, relative to the repository root) every
    /// cluster.yaml is validated against (S008), when discovery does not find one named
    /// `cluster.schema.yaml`.
    ClusterSchema = "cluster-schema",
}

impl Setting {
    pub fn from_key(key: &str) -> Option<Setting> {
        Setting::ALL.iter().copied().find(|s| s.key() == key)
    }

    /// The schema of the setting's value (without its description).
    fn value_schema(self) -> Json {
        // In an `allOf`: a `$ref`'s sibling keys (the description added below) are ignored.
        let code_list = json!({ "allOf": [{ "$ref": "#/definitions/rule-codes" }] });
        let strings = json!({ "type": "array", "items": { "type": "string" } });
        match self {
            Setting::Select | Setting::Ignore => code_list,
            Setting::Severity => severity_schema(),
            Setting::PerPathIgnores => json!({
                "type": "object",
                "additionalProperties": code_list,
            }),
            Setting::Values => json!({
                "type": "object",
                "additionalProperties": {
                    "type": "string",
                    "description": "The chart whose values the matching files are (`jupyterhub` for z2jh values).",
                    "examples": ["jupyterhub"],
                },
            }),
            Setting::KnownImages => strings,
            Setting::Exclude => json!({
                "anyOf": [strings, { "type": "string" }],
            }),
            Setting::ExperimentalImages => json!({
                "anyOf": [
                    strings,
                    {
                        "type": "object",
                        "additionalProperties": {
                            "type": ["object", "null"],
                            "additionalProperties": false,
                            "properties": {
                                "since": {
                                    "type": "string",
                                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}",
                                    "description": "The day the experiment started (YYYY-MM-DD).",
                                },
                            },
                        },
                    },
                ],
            }),
            Setting::ExperimentDays => json!({ "type": "integer", "minimum": 1 }),
            Setting::Hubs => hubs_schema(),
            Setting::ClusterSchema => json!({
                "type": "string",
                "examples": ["src/deployer/commands/validate/cluster.schema.yaml"],
            }),
        }
    }
}

/// What the schema says and the parser (which takes what it can use and skips the rest)
/// does not check: values of the wrong shape, and rule codes that name no rule. Each is a
/// config error at the value.
pub(crate) fn check_value(setting: Setting, value: &Node, errors: &mut Vec<ConfigError>) {
    if value.is_null() {
        return;
    }
    let mut error = |range: TextRange, message: String| {
        errors.push(ConfigError::at(
            range,
            format!("{CONFIG_FILE}: {}: {message}", setting.key()),
        ));
    };
    match setting {
        Setting::Select | Setting::Ignore => check_codes(value, &mut error),
        Setting::Severity | Setting::PerPathIgnores | Setting::Values => {
            let Some(entries) = value.as_mapping() else {
                return error(value.range, "expected a mapping".into());
            };
            for e in entries {
                match setting {
                    Setting::Severity => match e.key.as_str() {
                        Some(code) if is_rule_selector(code) => {}
                        Some(code) => error(e.key.range, unknown_code(code)),
                        None => error(e.key.range, "expected a rule code".into()),
                    },
                    Setting::PerPathIgnores => check_codes(&e.value, &mut error),
                    _ => {}
                }
            }
        }
        Setting::KnownImages | Setting::Exclude => {
            let ok = value.as_scalar().is_some()
                || value
                    .as_sequence()
                    .is_some_and(|items| items.iter().all(|i| i.as_scalar().is_some()));
            if !ok {
                error(value.range, "expected a list of strings".into());
            }
        }
        Setting::ExperimentalImages => {
            if value.as_sequence().is_none() && value.as_mapping().is_none() {
                error(
                    value.range,
                    "expected a list of image names, or a mapping of them to `{since: YYYY-MM-DD}`"
                        .into(),
                );
            }
        }
        Setting::Hubs => {
            if value.as_sequence().is_none() {
                error(value.range, "expected a list of hubs".into());
            }
        }
        // The parser checks these itself.
        Setting::ExperimentDays | Setting::ClusterSchema => {}
    }
}

/// A code or a list of codes (a mapping is not one).
fn check_codes(node: &Node, error: &mut dyn FnMut(TextRange, String)) {
    let items = match (node.as_sequence(), node.as_scalar()) {
        (Some(items), _) => items,
        (None, Some(_)) => std::slice::from_ref(node),
        (None, None) => {
            return error(node.range, "expected a rule code or a list of them".into());
        }
    };
    for item in items {
        match item.as_str() {
            Some(code) if is_rule_selector(code) => {}
            Some(code) => error(item.range, unknown_code(code)),
            None => error(item.range, "expected a rule code".into()),
        }
    }
}

/// `ALL`, a rule code, or a prefix of one (`R`, `R00`), in any case.
pub fn is_rule_selector(code: &str) -> bool {
    let code = code.to_ascii_uppercase();
    code == "ALL" || (!code.is_empty() && rules::all().iter().any(|r| r.code.starts_with(&code)))
}

fn unknown_code(code: &str) -> String {
    let codes = rules::all().iter().map(|r| r.code);
    match crate::schema::suggest::did_you_mean(code, codes) {
        Some(near) => format!("`{code}` is not a rule code or prefix (did you mean `{near}`?)"),
        None => format!("`{code}` is not a rule code or prefix (`hublint rule --all` lists them)"),
    }
}

/// `rule-code`: a code or prefix (with enum values to complete from, and a pattern so
/// prefixes such as `R00` stay valid); `rule-codes`: one of them or a list.
fn definitions() -> Json {
    let mut names: Vec<String> = vec!["ALL".to_string()];
    for rule in rules::all() {
        let family = &rule.code[..1];
        if !names.iter().any(|n| n == family) {
            names.push(family.to_string());
        }
    }
    names.extend(rules::all().iter().map(|r| r.code.to_string()));
    json!({
        "rule-code": {
            "type": "string",
            "description": "A rule code (`R004`), a prefix of codes (`R`, `R00`) or `ALL`; `hublint rule --all` lists them.",
            "anyOf": [
                { "enum": names },
                { "pattern": "^([Aa][Ll][Ll]|[A-Za-z][0-9]{0,3})$" },
            ],
        },
        "rule-codes": {
            "anyOf": [
                { "type": "array", "items": { "$ref": "#/definitions/rule-code" } },
                { "$ref": "#/definitions/rule-code" },
            ],
        },
    })
}

/// The spellings `Config::parse` accepts for a severity (`off` and its synonyms turn the
/// rule off); the schema adds the boolean `false`, which is how YAML readers other than
/// hublint's read a plain `false` (and YAML 1.1 readers a plain `off`).
pub const SEVERITY_WORDS: &[&str] = &["error", "warning", "info", "off", "warn", "note", "none"];

fn severity_schema() -> Json {
    let mut values: Vec<Json> = SEVERITY_WORDS.iter().map(|w| json!(w)).collect();
    values.push(json!(false));
    let value = json!({
        "enum": values,
        "description": "`error`, `warning` or `info`; `off` turns the rule off.",
    });
    let mut codes = Map::new();
    for rule in rules::all() {
        let mut v = value.clone();
        v["description"] = json!(format!(
            "{} ({}, {} by default): {}",
            rule.code,
            rule.name,
            rule.severity.as_str(),
            rule.summary()
        ));
        codes.insert(rule.code.to_string(), v);
    }
    json!({
        "type": "object",
        "properties": codes,
        // Prefixes (`R`, `R00`) and lower-case spellings.
        "additionalProperties": value,
        "propertyNames": { "$ref": "#/definitions/rule-code" },
    })
}

fn hubs_schema() -> Json {
    json!({
        "type": "array",
        "items": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": { "type": "string", "description": "The hub's name, as messages show it." },
                "chart": {
                    "type": "string",
                    "description": "`jupyterhub`, `binderhub`, `daskhub`, or a chart folder of the repository.",
                    "examples": ["jupyterhub", "binderhub", "daskhub"],
                },
                "version": { "type": "string", "description": "That chart's version." },
                "jupyterhub-version": {
                    "type": "string",
                    "description": "The jupyterhub chart version, when the chart does not say it.",
                },
                "values-path": {
                    "type": "string",
                    "description": "Where the z2jh values sit in these files, as a dotted path (`binderhub.jupyterhub`).",
                },
                "files": {
                    "type": "array",
                    "items": { "type": "string" },
                    "description": "The hub's values files, in helm's `-f` order.",
                },
            },
        },
    })
}

/// The JSON Schema (draft-07) of `.hublint.yaml`.
pub fn json_schema() -> Json {
    let mut properties = Map::new();
    for setting in Setting::ALL {
        let mut schema = setting.value_schema();
        schema["description"] = json!(setting.description());
        properties.insert(setting.key().to_string(), schema);
    }
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": ".hublint.yaml",
        "description": "hublint's configuration: rule selection and severities, per-path ignores, hubs and files discovery cannot find.",
        "type": ["object", "null"],
        "additionalProperties": false,
        "properties": properties,
        "definitions": definitions(),
    })
}

/// The schema compiled for completion and hover (once).
pub fn compiled() -> SchemaRef {
    static COMPILED: OnceLock<SchemaRef> = OnceLock::new();
    COMPILED
        .get_or_init(|| SchemaRef::from_json(&json_schema(), PUBLISHED_PATH))
        .clone()
}

/// The published file's text: the schema, pretty-printed, with a final newline.
pub fn json_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&json_schema()).expect("a JSON value prints");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    /// The published schema is what the types generate; `UPDATE=1` rewrites it.
    #[test]
    fn published_schema_matches_the_types() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../schemas/hublint-config.schema.json"
        );
        let generated = json_schema_text();
        if std::env::var_os("UPDATE").is_some() {
            std::fs::write(path, &generated).expect("write the published schema");
        }
        let published = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            published == generated,
            "{PUBLISHED_PATH} differs from what core/src/config_schema.rs generates; regenerate it with \
             `UPDATE=1 cargo test -p hublint-core --lib config_schema`"
        );
    }

    /// Every key the schema names is one the parser takes (an example value of each).
    #[test]
    fn every_setting_is_parsed() {
        let example = |s: Setting| match s {
            Setting::Select | Setting::Ignore => "[V, R003]",
            Setting::KnownImages | Setting::Exclude => "[a]",
            Setting::Severity => "{R004: off}",
            Setting::PerPathIgnores => "{\"a/**\": [S001]}",
            Setting::Values => "{\"a/*.yaml\": jupyterhub}",
            Setting::ExperimentalImages => "[a/b]",
            Setting::ExperimentDays => "3",
            Setting::Hubs => "[{name: a, files: [a.yaml]}]",
            Setting::ClusterSchema => "cluster.schema.yaml",
        };
        for s in Setting::ALL {
            let c = Config::parse(&format!("{}: {}\n", s.key(), example(*s)));
            assert!(c.errors.is_empty(), "{}: {:?}", s.key(), c.errors);
            assert!(!s.description().is_empty());
        }
        let keys: Vec<&str> = Setting::ALL.iter().map(|s| s.key()).collect();
        let schema = json_schema();
        let described: Vec<&str> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(described.len(), keys.len());
        assert!(keys.iter().all(|k| described.contains(k)));
    }

    /// The schema's severity words are the ones the parser takes.
    #[test]
    fn severity_words_parse() {
        for w in SEVERITY_WORDS.iter().chain(&["false"]) {
            let c = Config::parse(&format!("severity: {{R004: {w}}}\n"));
            assert!(c.errors.is_empty(), "{w}: {:?}", c.errors);
        }
    }

    /// Shapes the parser would skip and codes that name no rule are errors at the value.
    #[test]
    fn wrong_shapes_and_unknown_codes_are_errors_where_written() {
        let text = "select: [V, R04, all]\nignore: {R004: x}\nseverity: {Q001: off, r00: info}\nper-path-ignores:\n  \"a/**\": [S001, Z9]\nknown-images: {a: b}\n";
        let c = Config::parse(text);
        let at = |m: &str| {
            let e = c
                .errors
                .iter()
                .find(|e| e.message.contains(m))
                .unwrap_or_else(|| panic!("{m}: {:?}", c.errors));
            &text[e.range.start..e.range.end]
        };
        assert_eq!(c.errors.len(), 5, "{:?}", c.errors);
        assert_eq!(at("did you mean `R004`"), "R04");
        assert_eq!(at("ignore: expected a rule code or a list"), "{R004: x}");
        assert_eq!(at("`Q001` is not a rule code"), "Q001");
        assert_eq!(at("`Z9` is not a rule code"), "Z9");
        assert_eq!(at("known-images: expected a list"), "{a: b}");
        assert!(Config::parse("select:\n").errors.is_empty());
    }

    /// Core reads the schema it publishes: rule codes complete under `severity`.
    #[test]
    fn core_reads_the_schema() {
        let schema = compiled();
        let keys = schema.child_keys(&["severity"]);
        assert!(keys.iter().any(|k| k.name == "R004"), "{keys:?}");
        let node = schema.node_at(&["select", "0"]).expect("list items");
        assert!(node.allowed_values().contains(&json!("R004")));
        let select = schema.node_at(&["select"]).unwrap();
        assert_eq!(
            select.description(),
            Some(Setting::Select.description().as_str())
        );
    }
}
