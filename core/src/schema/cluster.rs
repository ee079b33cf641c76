//! `cluster.yaml` checked as 2i2c's deployer checks it: against the repository's own
//! `cluster.schema.yaml` (or `.json`), wherever it lives (`src/deployer/commands/validate/`
//! in 2i2c's repository), with the same validator as values and each problem at its line.

use super::instance::Inst;
use super::validate::{Finding, Kind, Seg, Validator};
use super::SchemaRef;
use crate::diagnostic::{Diagnostic, Severity};
use crate::workspace::Workspace;

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

/// Every `cluster.yaml` validated against the cluster schema, when the workspace has one.
pub fn check(ws: &Workspace, out: &mut Vec<Diagnostic>) {
    let Some(path) = schema_file(ws) else { return };
    let Some(schema) = SchemaRef::from_workspace_file(ws, path) else {
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
        check(&ws, &mut out);
        out
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
        check(&ws, &mut out);
        assert!(out.is_empty());
    }
}
