//! `cluster.yaml` checked as 2i2c's deployer checks it: against the repository's own
//! `cluster.schema.yaml` (or `.json`), wherever it lives (`src/deployer/commands/validate/`
//! in 2i2c's repository), with the same validator as values and each problem at its line.

use super::instance::Inst;
use super::validate::{Finding, Kind, Seg, Validator};
use super::SchemaRef;
use crate::config::{Config, ConfigError, CONFIG_FILE};
use crate::diagnostic::{Diagnostic, Severity};
use crate::workspace::{join, Workspace};

const SCHEMA_NAMES: &[&str] = &[
    "cluster.schema.yaml",
    "cluster.schema.yml",
    "cluster.schema.json",
];

/// The workspace's cluster schema: the first file (in path order) named `cluster.schema.*`.
pub fn schema_file(ws: &Workspace) -> Option<&str> {
    let mut found: Vec<&str> = ws
        .files()
        .filter(|f| SCHEMA_NAMES.contains(&f.file_name()))
        .map(|f| f.path.as_str())
        .collect();
    found.sort_unstable();
    found.first().copied()
}

/// The cluster schema and its path: the one `.hublint.yaml` names (`cluster-schema`), else
/// the one discovery finds. A named schema that cannot be used is an error for H001 to
/// report where it is named (and nothing is validated).
pub fn schema(ws: &Workspace, config: &Config) -> Result<Option<(String, SchemaRef)>, ConfigError> {
    let Some((written, range)) = &config.cluster_schema else {
        return Ok(schema_file(ws)
            .and_then(|path| Some((path.to_string(), SchemaRef::from_workspace_file(ws, path)?))));
    };
    let path = join("", written);
    let problem = if !ws.contains(&path) {
        "is not a file of the repository (or an exclude pattern leaves it out)"
    } else if let Some(schema) = SchemaRef::from_workspace_file(ws, &path) {
        return Ok(Some((path, schema)));
    } else {
        "cannot be read as a JSON Schema (a JSON or YAML mapping)"
    };
    Err(ConfigError {
        message: format!("{CONFIG_FILE}: cluster-schema: `{written}` {problem}"),
        range: *range,
    })
}

/// Every `cluster.yaml` validated against the cluster schema, when the workspace has one.
pub fn check(ws: &Workspace, config: &Config, out: &mut Vec<Diagnostic>) {
    let Ok(Some((path, schema))) = schema(ws, config) else {
        return;
    };
    let label = format!("cluster schema {path}");
    let validator = Validator {
        schema: schema.schema(),
        hidden_values: false,
        defaults_known: true,
        source: &label,
    };
    let mut clusters: Vec<_> = ws
        .files()
        .filter(|f| f.file_name() == "cluster.yaml")
        .collect();
    clusters.sort_by(|a, b| a.path.cmp(&b.path));
    for file in clusters {
        let Some(root) = file.yaml_root() else {
            continue;
        };
        let mut found: Vec<Finding> = Vec::new();
        let mut seg: Vec<Seg> = Vec::new();
        let inst = Inst::Raw {
            file: &file.path,
            key: None,
            node: root,
        };
        validator.validate(inst, schema.root_id(), &mut seg, &mut found);
        for f in found {
            // The deployer reads cluster.yaml with a YAML 1.2 reader, not helm's: helm's
            // scalar readings do not apply.
            if f.kind == Kind::Coerced {
                continue;
            }
            let mut d = Diagnostic::new("S008", Severity::Error, f.file, f.range, f.message);
            d.fixes = f.fixes;
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = "type: object\nadditionalProperties: false\nrequired: [name, provider]\nproperties:\n  name: {type: string}\n  provider:\n    type: string\n    enum: [gcp, kubeconfig, aws, azure]\n  hubs:\n    type: array\n    items:\n      - type: object\n        additionalProperties: false\n        required: [name, domain]\n        properties:\n          name: {type: string}\n          domain: {type: string}\n";

    fn run(cluster: &str) -> Vec<Diagnostic> {
        let mut ws = Workspace::new();
        ws.insert_text("src/deployer/commands/validate/cluster.schema.yaml", SCHEMA);
        ws.insert_text("config/clusters/a/cluster.yaml", cluster);
        let mut out = Vec::new();
        check(&ws, &Config::default(), &mut out);
        out
    }

    /// A schema `.hublint.yaml` names is used where discovery finds none; one that is
    /// missing or not a schema is an H001 at the path written.
    #[test]
    fn schema_named_in_the_config() {
        let run = |config: &str| {
            let mut ws = Workspace::new();
            ws.insert_text("deploy/cluster-rules.yaml", SCHEMA);
            ws.insert_text("deploy/broken.yaml", "- not\n- a mapping\n");
            ws.insert_text("config/clusters/a/cluster.yaml", "name: a\nprovider: gpc\n");
            ws.insert_text(CONFIG_FILE, config);
            let diags = crate::check(&ws, &Config::parse(config));
            let at: Vec<(String, String)> = diags
                .iter()
                .filter(|d| d.code == "S008" || d.code == "H001")
                .map(|d| {
                    let text = ws.get(&d.file).and_then(|f| f.text()).unwrap_or_default();
                    (
                        d.code.to_string(),
                        text[d.range.start..d.range.end].to_string(),
                    )
                })
                .collect();
            at
        };
        assert_eq!(
            run("cluster-schema: deploy/cluster-rules.yaml\n"),
            [("S008".to_string(), "gpc".to_string())]
        );
        assert_eq!(
            run("cluster-schema: ./deploy/missing.yaml\n"),
            [("H001".to_string(), "./deploy/missing.yaml".to_string())]
        );
        assert_eq!(
            run("cluster-schema: deploy/broken.yaml\n"),
            [("H001".to_string(), "deploy/broken.yaml".to_string())]
        );
        let missing = Config::parse("cluster-schema: nope.yaml\n");
        let err = schema(&Workspace::new(), &missing).unwrap_err();
        assert!(
            err.message
                .contains("`nope.yaml` is not a file of the repository"),
            "{err:?}"
        );
        assert_eq!(Config::parse("cluster-schema: [a]\n").errors.len(), 1);
    }

    #[test]
    fn wrong_provider_and_unknown_keys_at_their_line() {
        let src = "name: a\nprovider: gpc\nhubs:\n  - name: staging\n    domian: x\n";
        let d = run(src);
        let at: Vec<&str> = d.iter().map(|d| &src[d.range.start..d.range.end]).collect();
        assert_eq!(d.len(), 3, "{d:#?}");
        assert!(d
            .iter()
            .all(|d| d.code == "S008" && d.severity == Severity::Error));
        assert!(at.contains(&"gpc"), "{at:?}");
        assert!(at.contains(&"domian"), "{at:?}");
        assert!(d.iter().any(|d| d.message.contains("domain")), "{d:#?}");
        assert!(run("name: a\nprovider: gcp\n").is_empty());
    }

    #[test]
    fn no_schema_no_check() {
        let mut ws = Workspace::new();
        ws.insert_text("config/clusters/a/cluster.yaml", "provider: nope\n");
        let mut out = Vec::new();
        check(&ws, &Config::default(), &mut out);
        assert!(out.is_empty());
    }
}
