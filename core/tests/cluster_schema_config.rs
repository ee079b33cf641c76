//! `cluster-schema:` in `.hublint.yaml` on the 2i2c corpus: with the deployer's schema moved
//! where discovery does not look and named in the config, every cluster.yaml is validated
//! as with the schema found by discovery, and a planted wrong provider is found at its line.

mod schema_common;
use hublint_core::{Config, Diagnostic, Workspace};
use schema_common::*;

const DISCOVERED: &str = "src/deployer/commands/validate/cluster.schema.yaml";
const MOVED: &str = "deployer-schemas/clusters.yaml";

/// S008 and H001 findings as (file, line, code): messages name the schema's path.
fn s008(ws: &Workspace, config: &Config) -> Vec<(String, usize, String)> {
    let diags: Vec<Diagnostic> = hublint_core::check(ws, config);
    let mut found: Vec<(String, usize, String)> = diags
        .iter()
        .filter(|d| d.code == "S008" || d.code == "H001")
        .map(|d| (d.file.clone(), line_of(ws, d), d.code.to_string()))
        .collect();
    found.sort();
    found
}

#[test]
fn corpus_cluster_schema_named_in_the_config() {
    let Some(dir) = corpus("2i2c-infrastructure") else {
        return;
    };
    let mut ws = load_dir(&dir);
    let schema = ws
        .get(DISCOVERED)
        .and_then(|f| f.text())
        .expect("the deployer's schema")
        .to_string();
    // Plant a wrong provider in one cluster.yaml.
    let cluster = ws
        .files()
        .filter(|f| f.file_name() == "cluster.yaml")
        .map(|f| f.path.clone())
        .min()
        .expect("cluster.yaml files");
    let text = ws.get(&cluster).and_then(|f| f.text()).unwrap().to_string();
    let provider_line = text
        .lines()
        .position(|l| l.starts_with("provider: "))
        .expect("a provider")
        + 1;
    let planted = text.replacen("provider: ", "provider: gpc-", 1);
    ws.insert_text(&cluster, planted);
    let discovered = s008(&ws, &Config::default());
    assert!(
        discovered
            .iter()
            .any(|(f, l, m)| *f == cluster && *l == provider_line && m == "S008"),
        "{discovered:#?}"
    );

    ws.remove(DISCOVERED);
    assert!(
        s008(&ws, &Config::default()).is_empty(),
        "no schema, no S008"
    );
    ws.insert_text(MOVED, schema);
    let config_text = format!("cluster-schema: {MOVED}\n");
    ws.insert_text(".hublint.yaml", config_text.as_str());
    let named = s008(&ws, &Config::parse(&config_text));
    assert_eq!(named, discovered);
}
