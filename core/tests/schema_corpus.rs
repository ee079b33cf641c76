//! The 2i2c deployment repository (`../shared/corpus/2i2c-infrastructure/`, without
//! `history/`): all 171 hubs validated against their jupyterhub chart schema and basehub's
//! own schema with no false error; every other diagnostic is listed here with its reason;
//! and mutated corpus files are caught at the right file and line.

mod schema_common;
use hublint_core::model::RepoModel;
use hublint_core::schema::hubs::{jobs, merged_values, schemas_for, FileSchemas};
use hublint_core::{Config, Diagnostic, Severity, Workspace};
use schema_common::*;
use std::sync::OnceLock;

fn corpus_ws() -> Option<&'static Workspace> {
    static WS: OnceLock<Option<Workspace>> = OnceLock::new();
    WS.get_or_init(|| corpus("2i2c-infrastructure").map(|d| load_dir(&d)))
        .as_ref()
}

/// Every diagnostic the schema rules print on the current corpus, each checked by hand:
/// (code, file, line, reason).
const EXPECTED: &[(&str, &str, usize, &str)] = &[
    (
        "S005",
        "config/clusters/aimatx-2i2c-hub/common.values.yaml",
        174,
        "`Authenticator:` is indented under `GitHubOAuthenticator:`, so its admin_users \
         (philrodoni, fperez) never reach the authenticator: a true finding",
    ),
    (
        "S005",
        "config/clusters/maap/common.values.yaml",
        63,
        "`authenticator_class` is a JupyterHub trait; under `Authenticator` traitlets ignores \
         it (the JupyterHub section two lines up sets it correctly): a true finding",
    ),
    (
        "S006",
        "config/clusters/2i2c-uk/lis-chart.yaml",
        15,
        "lis pins the dev build 4.3.3-0.dev.git.7272.h2ff70453; checked against 4.3.2 (info)",
    ),
];

#[test]
fn every_hub_validates_with_no_false_error() {
    let Some(ws) = corpus_ws() else { return };
    let config = Config::default();
    let model = RepoModel::build(ws, &config);
    assert_eq!(model.hubs.len(), 171);
    // Every hub is really checked: basehub's schema and the jupyterhub chart's, the latter
    // at the hub's nesting, over values that are there.
    let mut files = FileSchemas::default();
    for job in jobs(&model) {
        let (applied, _, _) = schemas_for(ws, &model, &job, &mut files);
        let labels: Vec<&str> = applied.iter().map(|a| a.label.as_str()).collect();
        assert_eq!(labels.len(), 2, "{}: {labels:?}", job.label);
        assert_eq!(
            labels[0], "schema helm-charts/basehub/values.schema.yaml",
            "{}",
            job.label
        );
        assert!(
            labels[1].starts_with("jupyterhub chart 4.3."),
            "{}: {labels:?}",
            job.label
        );
        let jh = &applied[1];
        assert!(jh.is_jupyterhub);
        let merged = merged_values(ws, &model, &job, None);
        assert!(
            merged
                .get_path(&jh.prefix)
                .is_some_and(|m| m.get("hub").is_some()),
            "{}: no jupyterhub values at {:?}",
            job.label,
            jh.prefix
        );
    }
    let diags = schema_diagnostics(ws);
    let errors: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(
        errors.is_empty(),
        "false errors on the current corpus: {errors:#?}"
    );
    let mut got: Vec<(&str, String, usize)> = diags
        .iter()
        .map(|d| (d.code, d.file.clone(), line_of(ws, d)))
        .collect();
    got.sort();
    let mut want: Vec<(&str, String, usize)> = EXPECTED
        .iter()
        .map(|(c, f, l, _)| (*c, f.to_string(), *l))
        .collect();
    want.sort();
    assert_eq!(got, want, "{diags:#?}");
}

/// Replace `from` (which must occur exactly once) in a corpus file, check, and return the
/// schema diagnostics plus the 1-based line of the replacement.
fn mutate(file: &str, from: &str, to: &str) -> Option<(Workspace, Vec<Diagnostic>, usize)> {
    let ws = corpus_ws()?;
    let mut ws = ws.clone();
    let text = ws.get(file).unwrap().text().unwrap().to_string();
    assert_eq!(text.matches(from).count(), 1, "{from:?} in {file}");
    let at = text.find(from).unwrap();
    let line = text[..at].matches('\n').count()
        + 1
        + from[..from.len() - from.trim_start_matches('\n').len()]
            .matches('\n')
            .count();
    ws.insert_text(file, text.replacen(from, to, 1));
    let diags = schema_diagnostics(&ws);
    Some((ws, diags, line))
}

/// The diagnostics not in the expected list.
fn new_ones(ws: &Workspace, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags
        .into_iter()
        .filter(|d| {
            !EXPECTED
                .iter()
                .any(|(c, f, l, _)| *c == d.code && *f == d.file && *l == line_of(ws, d))
        })
        .collect()
}

#[test]
fn misspelt_key_in_a_shared_file() {
    let file = "config/clusters/cloudbank/common.values.yaml";
    let Some((ws, diags, line)) = mutate(file, "    timeout: 3600", "    timout: 3600") else {
        return;
    };
    let found = new_ones(&ws, diags);
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = &found[0];
    assert_eq!(
        (d.code, d.file.as_str(), line_of(&ws, d)),
        ("S001", file, line)
    );
    assert!(
        d.message
            .contains("unknown key `timout` in `jupyterhub.cull`"),
        "{}",
        d.message
    );
    assert!(d.message.contains("did you mean `timeout`?"));
    // Reported once for the file, naming the cloudbank hubs that use it.
    let model = RepoModel::build(&ws, &Config::default());
    let users = model
        .hubs
        .iter()
        .filter(|h| h.values_files.iter().any(|v| v.path == file))
        .count();
    assert!(users > 10);
    assert!(
        d.message.contains(&format!("[{users} hubs: cloudbank/")),
        "{}",
        d.message
    );
    assert_eq!(d.related.len(), users);
}

#[test]
fn wrong_type() {
    let file = "config/clusters/cloudbank/common.values.yaml";
    let Some((ws, diags, line)) = mutate(file, "      limit: 2\n", "      limit: [2]\n") else {
        return;
    };
    let found = new_ones(&ws, diags);
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = &found[0];
    assert_eq!(
        (d.code, d.file.as_str(), line_of(&ws, d)),
        ("S002", file, line)
    );
    assert!(
        d.message
            .contains("`jupyterhub.singleuser.cpu.limit` must be a number or null, not a list"),
        "{}",
        d.message
    );
}

#[test]
fn enum_value_outside_the_list() {
    let file = "config/clusters/dubois/ephemeral.values.yaml";
    let Some((ws, diags, line)) = mutate(file, "      type: none\n", "      type: nfs\n") else {
        return;
    };
    let found = new_ones(&ws, diags);
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = &found[0];
    assert_eq!(
        (d.code, d.file.as_str(), line_of(&ws, d)),
        ("S003", file, line)
    );
    assert!(
        d.message
            .contains("is \"nfs\", not one of dynamic, static, none"),
        "{}",
        d.message
    );
}

#[test]
fn unknown_kubespawner_trait() {
    let file = "config/clusters/utoronto/r-common.values.yaml";
    let Some((ws, diags, line)) = mutate(
        file,
        "        working_dir: /home/rstudio",
        "        working_dri: /home/rstudio",
    ) else {
        return;
    };
    let found = new_ones(&ws, diags);
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = &found[0];
    assert_eq!(
        (d.code, d.file.as_str(), line_of(&ws, d)),
        ("S005", file, line)
    );
    assert!(
        d.message
            .contains("`KubeSpawner` has no configurable trait `working_dri`"),
        "{}",
        d.message
    );
    assert!(d.message.contains("did you mean `working_dir`?"));
}

#[test]
fn image_tag_helm_reads_as_a_number() {
    let file = "config/clusters/cloudbank/common.values.yaml";
    let Some((ws, diags, line)) = mutate(file, "      tag: bde8b3293fd2\n", "      tag: 0e1234\n")
    else {
        return;
    };
    let found = new_ones(&ws, diags);
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = &found[0];
    assert_eq!(
        (d.code, d.file.as_str(), line_of(&ws, d)),
        ("Y003", file, line)
    );
    assert_eq!(d.severity, Severity::Error);
    assert!(
        d.message.starts_with("helm reads 0e1234 as the number 0"),
        "{}",
        d.message
    );
    assert_eq!(d.fixes[0].edits[0].replacement, "\"0e1234\"");
}

#[test]
fn required_keys_are_not_asked_of_hubs_with_secret_or_jsonnet_values() {
    // basehub's schema requires `userServiceAccount`, which only values.jsonnet supplies:
    // no YAML file of the corpus has it, and no hub is told it is missing.
    let Some(ws) = corpus_ws() else { return };
    let config = Config::default();
    let model = RepoModel::build(ws, &config);
    let schema = ws
        .get("helm-charts/basehub/values.schema.yaml")
        .unwrap()
        .text()
        .unwrap();
    assert!(schema.contains("  - userServiceAccount\n"));
    for job in jobs(&model) {
        assert!(job.hidden_values, "{}", job.label);
        let merged = merged_values(ws, &model, &job, None);
        let top = if job.nesting.len() == 2 {
            merged.get("basehub").unwrap()
        } else {
            &merged
        };
        assert!(top.get("userServiceAccount").is_none(), "{}", job.label);
    }
    assert!(schema_diagnostics(ws).iter().all(|d| d.code != "S004"));
    // The same files as plain values of the basehub chart (no cluster.yaml, so nothing is
    // hidden): now the missing key is reported, once per file that starts the hub's values.
    let mut plain = ws.clone();
    plain.remove("config/clusters/2i2c/cluster.yaml");
    let config = Config::parse(
        "select: [S004]\nvalues:\n  \"config/clusters/2i2c/staging.values.yaml\": basehub\n",
    );
    let diags = hublint_core::check(&plain, &config);
    assert!(
        diags
            .iter()
            .any(|d| d.file == "config/clusters/2i2c/staging.values.yaml"
                && d.message.contains("required key `userServiceAccount`")),
        "{diags:#?}"
    );
}

#[test]
fn history_states_have_no_schema_errors() {
    // Each `history/<sha>/` folder is a state that was deployed or proposed; helm accepted
    // its values, so no schema error may show up there either.
    let Some(dir) = corpus("2i2c-infrastructure") else {
        return;
    };
    let mut checked = 0;
    for entry in std::fs::read_dir(dir.join("history")).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_dir() {
            continue;
        }
        let ws = load_dir(&path);
        let diags = schema_diagnostics(&ws);
        let errors: Vec<_> = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        checked += 1;
    }
    assert!(checked >= 6);
}

#[test]
fn jupyterhub_chart_repository_validates_over_its_own_defaults() {
    // The z2jh chart's own folder (main): a values file mapped to the `jupyterhub` chart is
    // checked against the folder's values.schema.yaml over the chart's values.yaml, so
    // required keys are checked for real, and the defaults themselves validate cleanly.
    let Some(corpus_dir) = corpus("z2jh") else {
        return;
    };
    for dir in [corpus_dir.clone(), corpus_dir.join("4.4.0")] {
        chart_repository_case(&dir);
    }
}

fn chart_repository_case(dir: &std::path::Path) {
    let mut ws = Workspace::new();
    for name in ["Chart.yaml", "values.yaml", "values.schema.yaml"] {
        ws.insert_bytes(name, std::fs::read(dir.join(name)).unwrap());
    }
    ws.insert_text(
        "deploy/prod.yaml",
        "hub:\n  image:\n    tag: \"5\"\nsingleuser:\n  image:\n    name: null\n",
    );
    let config = Config::parse("select: [S, Y003]\nvalues:\n  \"deploy/*.yaml\": jupyterhub\n");
    let diags = hublint_core::check(&ws, &config);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(
        (d.code, d.file.as_str(), line_of(&ws, d)),
        ("S004", "deploy/prod.yaml", 5)
    );
    assert!(
        d.message.contains(
            "`singleuser.image` is missing the required key `name` (schema values.schema.yaml)"
        ),
        "{}",
        d.message
    );
}
