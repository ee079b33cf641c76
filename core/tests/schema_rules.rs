//! The schema rules (S001–S006, Y003) on small repositories built in memory: helm's merge
//! semantics, nesting by chart, every schema keyword the values schemas use, where each
//! diagnostic points, and the fixes.

mod schema_common;
use hublint_core::{fix, Applicability, Diagnostic, Severity, Workspace};
use schema_common::*;

fn workspace(files: &[(&str, &str)]) -> Workspace {
    let mut ws = Workspace::new();
    for (path, text) in files {
        ws.insert_text(path, *text);
    }
    ws
}

/// `(code, file, line)` of every schema diagnostic, sorted.
fn places(ws: &Workspace) -> Vec<(&'static str, String, usize)> {
    let mut v: Vec<_> = schema_diagnostics(ws)
        .iter()
        .map(|d| (d.code, d.file.clone(), line_of(ws, d)))
        .collect();
    v.sort();
    v
}

fn only<'d>(diags: &'d [Diagnostic], code: &str) -> Vec<&'d Diagnostic> {
    diags.iter().filter(|d| d.code == code).collect()
}

/// The only diagnostic with `code`, whose message mentions `mentioning`.
fn the_one<'d>(diags: &'d [Diagnostic], code: &str, mentioning: &str) -> &'d Diagnostic {
    let found = only(diags, code);
    assert_eq!(found.len(), 1, "one {code} expected: {diags:#?}");
    assert!(
        found[0].message.contains(mentioning),
        "{code} should mention {mentioning}: {}",
        found[0].message
    );
    found[0]
}

/// The text a diagnostic's range covers.
fn covered<'w>(ws: &'w Workspace, d: &Diagnostic) -> &'w str {
    &ws.get(&d.file).unwrap().text().unwrap()[d.range.start..d.range.end]
}

/// Apply the first fix of a diagnostic to its file.
fn apply_first_fix(ws: &Workspace, d: &Diagnostic) -> String {
    let text = ws.get(&d.file).unwrap().text().unwrap();
    let fix = &d.fixes[0];
    let edits: Vec<_> = fix.edits.iter().filter(|e| e.file == d.file).collect();
    let (out, applied) = fix::apply_edits(text, &edits);
    assert_eq!(applied, edits.len());
    out
}

/// A plain z2jh values file (the modeline maps it to the jupyterhub chart; no Chart.yaml
/// says which version, so the newest compiled-in release applies).
fn z2jh(text: &str) -> Workspace {
    workspace(&[(
        "values.yaml",
        &format!("# hublint: chart=jupyterhub version=4.4.0\n{text}"),
    )])
}

/// A wrapper chart depending on jupyterhub `version`, a cluster with the given hubs
/// (`name`, values files) and the files themselves.
fn wrapper_repo(version: &str, hubs: &[(&str, &[&str])], files: &[(&str, &str)]) -> Workspace {
    let chart = format!(
        "apiVersion: v2\nname: basehub\nversion: 0.1.0\ndependencies:\n  - name: jupyterhub\n    version: {version}\n    repository: https://jupyterhub.github.io/helm-chart/\n"
    );
    let mut cluster = String::from("name: c1\nprovider: gcp\nhubs:\n");
    for (name, values) in hubs {
        cluster.push_str(&format!(
            "  - name: {name}\n    domain: {name}.example.org\n    helm_chart: basehub\n    helm_chart_values_files:\n"
        ));
        for v in *values {
            cluster.push_str(&format!("      - {v}\n"));
        }
    }
    let mut all: Vec<(String, String)> = vec![
        ("helm-charts/basehub/Chart.yaml".into(), chart),
        ("config/clusters/c1/cluster.yaml".into(), cluster),
    ];
    for (p, t) in files {
        all.push((format!("config/clusters/c1/{p}"), t.to_string()));
    }
    let mut ws = Workspace::new();
    for (p, t) in &all {
        ws.insert_text(p, t.as_str());
    }
    ws
}

#[test]
fn s001_unknown_key_with_did_you_mean() {
    let ws = z2jh("singleuser:\n  profileLst: []\n  image:\n    nmae: x\nbogus: 1\n");
    let diags = schema_diagnostics(&ws);
    let s001 = only(&diags, "S001");
    assert_eq!(s001.len(), 3, "{diags:#?}");
    let by_key = |k: &str| *s001.iter().find(|d| covered(&ws, d) == k).unwrap();
    let d = by_key("profileLst");
    assert_eq!(line_of(&ws, d), 3);
    assert!(d.message.contains("in `singleuser`"), "{}", d.message);
    assert!(
        d.message.contains("did you mean `profileList`?"),
        "{}",
        d.message
    );
    assert_eq!(d.fixes[0].applicability, Applicability::Unsafe);
    assert!(apply_first_fix(&ws, d).contains("  profileList: []\n"));
    let d = by_key("nmae");
    assert!(d.message.contains("did you mean `name`?"), "{}", d.message);
    let d = by_key("bogus");
    assert!(d.message.contains("at the top level"), "{}", d.message);
    assert!(d.fixes.is_empty(), "nothing close to `bogus`");
    assert!(s001.iter().all(|d| d.severity == Severity::Error));
}

#[test]
fn s001_pattern_properties_and_additional_properties() {
    // hub.config keys must match ^[A-Z].*$ and be mappings; labels take any key.
    let ws = z2jh(
        "hub:\n  labels:\n    any-key/at.all: v\n  config:\n    kubeSpawner: {}\n    KubeSpawner: 3\n",
    );
    let diags = schema_diagnostics(&ws);
    let s001 = only(&diags, "S001");
    assert_eq!(s001.len(), 1, "{diags:#?}");
    assert_eq!(covered(&ws, s001[0]), "kubeSpawner");
    assert!(s001[0].message.contains("^[A-Z].*$"), "{}", s001[0].message);
    let s002 = only(&diags, "S002");
    assert_eq!(s002.len(), 1, "{diags:#?}");
    assert_eq!(covered(&ws, s002[0]), "3");
    assert!(
        s002[0]
            .message
            .contains("must be a mapping, not an integer"),
        "{}",
        s002[0].message
    );
}

#[test]
fn s002_wrong_type_including_type_lists() {
    let ws = z2jh(
        "hub:\n  image: quay.io/org/hub:1.0\n  revisionHistoryLimit: \"3\"\nsingleuser:\n  extraEnv: FOO=bar\n  storage:\n    capacity: 10Gi\n",
    );
    let diags = schema_diagnostics(&ws);
    let s002 = only(&diags, "S002");
    assert_eq!(s002.len(), 3, "{diags:#?}");
    let msg = |v: &str| {
        s002.iter()
            .find(|d| covered(&ws, d) == v)
            .unwrap()
            .message
            .clone()
    };
    assert!(msg("quay.io/org/hub:1.0").contains("`hub.image` must be a mapping, not a string"));
    // [integer, "null"]; a quoted number is a string.
    assert!(
        msg("\"3\"").contains("must be an integer or null, not a string"),
        "{}",
        msg("\"3\"")
    );
    // [object, array]
    assert!(
        msg("FOO=bar").contains("must be a mapping or a list, not a string"),
        "{}",
        msg("FOO=bar")
    );
    // Whole numbers are integers for helm (JSON round trip): 1.0 passes `integer`.
    let ws = z2jh("hub:\n  revisionHistoryLimit: 1.0\n");
    assert!(schema_diagnostics(&ws).is_empty());
}

#[test]
fn s003_enum_minimum_and_const() {
    let ws = z2jh(
        "singleuser:\n  image:\n    pullPolicy: IfNotPresnt\nhub:\n  revisionHistoryLimit: -1\n  image:\n    pullPolicy: \"\"\n",
    );
    let diags = schema_diagnostics(&ws);
    let s003 = only(&diags, "S003");
    assert_eq!(s003.len(), 2, "{diags:#?}");
    let d = s003
        .iter()
        .find(|d| covered(&ws, d) == "IfNotPresnt")
        .unwrap();
    assert_eq!(line_of(&ws, d), 4);
    assert!(
        d.message
            .contains("not one of null, \"\", IfNotPresent, Always, Never"),
        "{}",
        d.message
    );
    assert!(d.message.contains("did you mean `IfNotPresent`?"));
    assert!(apply_first_fix(&ws, d).contains("pullPolicy: IfNotPresent\n"));
    let d = s003.iter().find(|d| covered(&ws, d) == "-1").unwrap();
    assert!(d.message.contains("below the minimum 0"), "{}", d.message);
}

#[test]
fn s004_required_keys_where_chart_defaults_cannot_supply_them() {
    let ws = z2jh(
        "hub:\n  extraFiles:\n    my-config:\n      stringData: x\n    other:\n      mountPath: /etc/other\nprePuller:\n  extraImages:\n    img:\n      name: quay.io/a/b\n",
    );
    let diags = schema_diagnostics(&ws);
    let s004 = only(&diags, "S004");
    let mut got: Vec<(String, usize)> = s004
        .iter()
        .map(|d| (covered(&ws, d).to_string(), line_of(&ws, d)))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("img".into(), 10),
            ("my-config".into(), 4),
            ("other".into(), 6)
        ],
        "{diags:#?}"
    );
    let msg = |k: &str| {
        s004.iter()
            .find(|d| covered(&ws, d) == k)
            .unwrap()
            .message
            .clone()
    };
    assert!(msg("my-config").contains("missing the required key `mountPath`"));
    // oneOf of three `required` forms: one message naming them all.
    assert!(
        msg("other").contains("needs `data`, or `stringData`, or `binaryData`"),
        "{}",
        msg("other")
    );
    assert!(msg("img").contains("missing the required key `tag`"));
    // Keys the chart's defaults supply (hub.image.name, the root list) are not asked for.
    let ws = z2jh("hub:\n  image:\n    tag: \"1.0\"\n");
    assert!(schema_diagnostics(&ws).is_empty());
}

#[test]
fn s003_one_of_that_fits_twice() {
    let ws = z2jh("hub:\n  extraFiles:\n    f:\n      mountPath: /x\n      stringData: a\n      binaryData: YQ==\n");
    let diags = schema_diagnostics(&ws);
    let s003 = only(&diags, "S003");
    assert_eq!(s003.len(), 1, "{diags:#?}");
    assert!(
        s003[0].message.contains("fits 2 of the alternatives"),
        "{}",
        s003[0].message
    );
    assert_eq!(covered(&ws, s003[0]), "f");
}

#[test]
fn s004_not_reported_when_a_hub_has_values_hublint_cannot_read() {
    // A cluster.yaml hub: the deployer adds values from secrets and values.jsonnet.
    let ws = wrapper_repo(
        "4.3.3",
        &[("h1", &["h1.values.yaml", "enc-h1.secret.values.yaml"])],
        &[(
            "h1.values.yaml",
            "jupyterhub:\n  hub:\n    extraFiles:\n      my-config:\n        stringData: x\n",
        )],
    );
    assert!(places(&ws).is_empty(), "{:#?}", schema_diagnostics(&ws));
}

#[test]
fn if_then_applies_the_then_schema() {
    // imagePullSecret: with create: true, `then` forbids keys it does not list.
    let ws = z2jh(
        "imagePullSecret:\n  create: true\n  registry: quay.io\n  username: u\n  password: p\n  emial: x\n",
    );
    let diags = schema_diagnostics(&ws);
    let s001 = only(&diags, "S001");
    assert_eq!(s001.len(), 1, "one report per place: {diags:#?}");
    assert!(s001[0].message.contains("did you mean `email`?"));
    // The probes' enabled: true branch of livenessProbe needs nothing more.
    let ws = z2jh("hub:\n  livenessProbe:\n    enabled: true\n    periodSeconds: 10\n");
    assert!(
        schema_diagnostics(&ws).is_empty(),
        "{:#?}",
        schema_diagnostics(&ws)
    );
}

#[test]
fn helm_merge_semantics_decide_what_is_checked() {
    let ws = wrapper_repo(
        "4.3.3",
        &[("h1", &["common.values.yaml", "h1.values.yaml"])],
        &[
            (
                "common.values.yaml",
                "jupyterhub:\n  singleuser:\n    image:\n      pullPolicy: Sometimes\n      tag: 1.10\n    cmd: [1, 2]\n    storage:\n      extraVolumes: {}\n  hub:\n    nope: 1\n",
            ),
            (
                // Later files win (pullPolicy), lists replace; maps merge deeply: `tag`
                // from common.values.yaml stays. A null deletes only a chart default:
                // `nope: null` stays, and helm refuses the unknown key `nope` (checked with
                // Helm itself, tests/oracle).
                "h1.values.yaml",
                "jupyterhub:\n  singleuser:\n    image:\n      pullPolicy: Always\n    storage:\n      extraVolumes: []\n  hub:\n    nope: null\n",
            ),
        ],
    );
    let diags = schema_diagnostics(&ws);
    let got = places(&ws);
    assert_eq!(
        got,
        vec![
            ("S001", "config/clusters/c1/h1.values.yaml".to_string(), 8),
            (
                "Y003",
                "config/clusters/c1/common.values.yaml".to_string(),
                5
            )
        ],
        "{diags:#?}"
    );
    let d = diags.iter().find(|d| d.code == "Y003").expect("Y003");
    assert_eq!(d.severity, Severity::Error);
    assert!(
        d.message.starts_with("helm reads 1.10 as the number 1.1"),
        "{}",
        d.message
    );
    assert!(d
        .message
        .contains("`jupyterhub.singleuser.image.tag` must be a string"));
    assert!(d.message.contains("jupyterhub chart 4.3.3 schema"));
}

/// A daskhub chart wrapping basehub (which wraps jupyterhub 4.3.3) and one hub whose only
/// values file, `dask.values.yaml`, holds `values`.
fn daskhub_repo(values: &str) -> Workspace {
    let mut ws = wrapper_repo("4.3.3", &[], &[("dask.values.yaml", values)]);
    ws.insert_text(
        "helm-charts/daskhub/Chart.yaml",
        "apiVersion: v2\nname: daskhub\nversion: 0.1.0\ndependencies:\n  - name: basehub\n    version: 0.1.0\n    repository: file://../basehub\n",
    );
    ws.insert_text(
        "config/clusters/c1/cluster.yaml",
        "name: c1\nhubs:\n  - name: d\n    helm_chart: daskhub\n    helm_chart_values_files: [dask.values.yaml]\n",
    );
    ws
}

#[test]
fn nesting_by_chart_daskhub_wraps_basehub() {
    let ws = daskhub_repo("basehub:\n  jupyterhub:\n    singleuser:\n      imgae: {}\n");
    let diags = schema_diagnostics(&ws);
    let s001 = the_one(&diags, "S001", "in `basehub.jupyterhub.singleuser`");
    assert!(s001.message.contains("did you mean `image`?"));
}

/// helm hands a chart's `global` values down to every subchart, where they win over the
/// subchart's own: a top-level `global` reaches `jupyterhub.global` (and, through daskhub,
/// `basehub.jupyterhub.global`) and the jupyterhub schema checks it there.
#[test]
fn global_values_reach_the_jupyterhub_schema_through_the_wrappers() {
    // A wrong type under the top-level `global` is found, at the line that wrote it.
    let ws = wrapper_repo(
        "4.3.3",
        &[("a", &["a.values.yaml"])],
        &[("a.values.yaml", "global:\n  safeToShowValues: \"yes\"\n")],
    );
    let diags = schema_diagnostics(&ws);
    let s002 = the_one(&diags, "S002", "jupyterhub.global.safeToShowValues");
    assert_eq!(covered(&ws, s002), "\"yes\"");

    // The parent's `global` wins over the subchart's own, in any values file order.
    for files in [
        ["top.values.yaml", "sub.values.yaml"],
        ["sub.values.yaml", "top.values.yaml"],
    ] {
        let ws = wrapper_repo(
            "4.3.3",
            &[("a", &files)],
            &[
                ("top.values.yaml", "global:\n  safeToShowValues: true\n"),
                (
                    "sub.values.yaml",
                    "jupyterhub:\n  global:\n    safeToShowValues: \"no\"\n",
                ),
            ],
        );
        assert!(
            only(&schema_diagnostics(&ws), "S002").is_empty(),
            "{files:?}"
        );
    }
    // Without the parent's value the subchart's own wrong one is found.
    let ws = wrapper_repo(
        "4.3.3",
        &[("a", &["sub.values.yaml"])],
        &[(
            "sub.values.yaml",
            "jupyterhub:\n  global:\n    safeToShowValues: \"no\"\n",
        )],
    );
    assert_eq!(only(&schema_diagnostics(&ws), "S002").len(), 1);

    // Two levels down: daskhub's top-level `global` reaches basehub.jupyterhub.global.
    let ws = daskhub_repo("global:\n  safeToShowValues: 1\n");
    let diags = schema_diagnostics(&ws);
    let s002 = the_one(&diags, "S002", "basehub.jupyterhub.global.safeToShowValues");
    assert_eq!(covered(&ws, s002), "1");
}

#[test]
fn a_problem_in_a_shared_file_is_reported_once_naming_the_hubs() {
    let ws = wrapper_repo(
        "4.3.3",
        &[
            ("a", &["common.values.yaml", "a.values.yaml"]),
            ("b", &["common.values.yaml"]),
            ("c", &["common.values.yaml", "c.values.yaml"]),
        ],
        &[
            (
                "common.values.yaml",
                "jupyterhub:\n  singleuser:\n    image:\n      pullPolicy: Sometimes\n",
            ),
            ("a.values.yaml", "jupyterhub: {}\n"),
            // Hub c overrides the bad value: only a and b are affected.
            (
                "c.values.yaml",
                "jupyterhub:\n  singleuser:\n    image:\n      pullPolicy: Never\n",
            ),
        ],
    );
    let diags = schema_diagnostics(&ws);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d.code, "S003");
    assert_eq!(d.file, "config/clusters/c1/common.values.yaml");
    assert!(d.message.ends_with("[2 hubs: c1/a, c1/b]"), "{}", d.message);
    let related: Vec<&str> = d.related.iter().map(|r| r.message.as_str()).collect();
    assert_eq!(
        related,
        vec!["hub c1/a uses this file", "hub c1/b uses this file"]
    );
    assert!(d
        .related
        .iter()
        .all(|r| r.file == "config/clusters/c1/cluster.yaml"));
}

#[test]
fn wrapping_chart_schema_with_any_of_min_items_and_const() {
    // A wrapper chart's own schema (like 2i2c's basehub) is applied to its values too.
    let mut ws = wrapper_repo(
        "4.3.3",
        &[],
        &[(
            "h.values.yaml",
            "nfs:\n  pv:\n    enabled: true\n    serverIP: 10.0.0.1\njupyterhub:\n  ingress:\n    hosts: []\n",
        )],
    );
    ws.insert_text(
        "helm-charts/basehub/values.schema.yaml",
        "type: object\nadditionalProperties: false\nproperties:\n  nfs:\n    type: object\n    properties:\n      pv:\n        type: object\n        additionalProperties: false\n        anyOf:\n          - properties: {enabled: {const: true}}\n            required: [serverIP, baseShareName]\n          - properties: {enabled: {const: false}}\n        properties:\n          enabled: {type: boolean}\n          serverIP: {type: string}\n          baseShareName: {type: string}\n  jupyterhub:\n    type: object\n    additionalProperties: true\n    properties:\n      ingress:\n        type: object\n        properties:\n          hosts:\n            type: array\n            minItems: 1\n            items: {type: string}\n",
    );
    ws.insert_text(
        "helm-charts/basehub/values.yaml",
        "nfs:\n  pv:\n    enabled: false\n",
    );
    // A plain values file mapped to the wrapper chart: nothing hidden, so S004 applies.
    ws.insert_text(
        ".hublint.yaml",
        "values:\n  \"config/clusters/c1/h.values.yaml\": basehub\n",
    );
    let config = hublint_core::Config::parse(
        "select: [S, Y003]\nvalues:\n  \"config/clusters/c1/h.values.yaml\": basehub\n",
    );
    let diags = hublint_core::check(&ws, &config);
    let mut got: Vec<(&str, String)> = diags
        .iter()
        .map(|d| (d.code, covered(&ws, d).to_string()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![("S003", "[]".to_string()), ("S004", "pv".to_string())],
        "{diags:#?}"
    );
    let s004 = only(&diags, "S004")[0];
    assert!(
        s004.message
            .contains("`nfs.pv` is missing the required key `baseShareName`"),
        "{}",
        s004.message
    );
    assert!(s004
        .message
        .contains("schema helm-charts/basehub/values.schema.yaml"));
    let s003 = only(&diags, "S003")[0];
    assert!(
        s003.message
            .contains("has 0 items, fewer than the minimum 1"),
        "{}",
        s003.message
    );
    // enabled: false picks the other anyOf form: nothing required.
    ws.insert_text(
        "config/clusters/c1/h.values.yaml",
        "nfs:\n  pv:\n    enabled: false\njupyterhub:\n  ingress:\n    hosts: [h.example.org]\n",
    );
    assert!(hublint_core::check(&ws, &config).is_empty());
    // A value the anyOf forms both reject by their const: one message for the mapping.
    ws.insert_text(
        "config/clusters/c1/h.values.yaml",
        "nfs:\n  pv:\n    enabled: maybe\n",
    );
    let diags = hublint_core::check(&ws, &config);
    assert!(
        diags
            .iter()
            .any(|d| d.code == "S002" && covered(&ws, d) == "maybe"),
        "{diags:#?}"
    );
}

#[test]
fn s005_unknown_traits_of_known_classes() {
    let ws = z2jh(
        "hub:\n  config:\n    KubeSpawner:\n      image_pul_policy: Always\n      working_dir: /home/jovyan\n      cpu_limit: 2\n    GitHubOAuthenticator:\n      allowed_organisations: [org]\n      admin_users: [me]\n      oauth_callback_url: https://x/hub/oauth_callback\n    Authenticator:\n      logout_redirect_url: https://x\n      authenticator_class: github\n    KubeSpwaner:\n      image: x\n    UsageQuotaManager:\n      anything: goes\n",
    );
    let diags = schema_diagnostics(&ws);
    let s005 = only(&diags, "S005");
    let mut got: Vec<(String, usize)> = s005
        .iter()
        .map(|d| (covered(&ws, d).to_string(), line_of(&ws, d)))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("KubeSpwaner".into(), 15),
            ("allowed_organisations".into(), 9),
            ("authenticator_class".into(), 14),
            ("image_pul_policy".into(), 5),
        ],
        "{diags:#?}"
    );
    let msg = |k: &str| {
        s005.iter()
            .find(|d| covered(&ws, d) == k)
            .unwrap()
            .message
            .clone()
    };
    assert!(msg("image_pul_policy").contains("did you mean `image_pull_policy`?"));
    assert!(msg("allowed_organisations").contains("did you mean `allowed_organizations`?"));
    assert!(
        msg("authenticator_class").contains("is a trait of `JupyterHub`"),
        "{}",
        msg("authenticator_class")
    );
    assert!(msg("KubeSpwaner").contains("did you mean `KubeSpawner`?"));
    assert!(s005.iter().all(|d| d.severity == Severity::Warning));
    let d = s005
        .iter()
        .find(|d| covered(&ws, d) == "image_pul_policy")
        .unwrap();
    assert!(apply_first_fix(&ws, d).contains("      image_pull_policy: Always\n"));
}

#[test]
fn s006_says_which_schema_a_version_gets() {
    let note = |version: &str| -> Vec<String> {
        let ws = wrapper_repo(
            version,
            &[("h", &["h.values.yaml"])],
            &[("h.values.yaml", "jupyterhub: {}\n")],
        );
        schema_diagnostics(&ws)
            .into_iter()
            .filter(|d| d.code == "S006")
            .map(|d| {
                assert_eq!(d.severity, Severity::Info);
                assert_eq!(d.file, "helm-charts/basehub/Chart.yaml");
                d.message
            })
            .collect()
    };
    assert!(note("4.3.3").is_empty());
    let dev = note("4.3.3-0.dev.git.7272.h2ff70453");
    assert_eq!(dev.len(), 1);
    assert!(
        dev[0].contains("development build or prerelease") && dev[0].contains("schema of 4.3.2"),
        "{}",
        dev[0]
    );
    let newer = note("9.1.0");
    assert!(
        newer[0].contains("no schema for jupyterhub chart 9.1.0") && newer[0].contains("4.4.0"),
        "{}",
        newer[0]
    );
    let old = note("2.0.0");
    assert!(old[0].contains("knows 3.0.0 and later"), "{}", old[0]);
    // Too old: values are not checked against any schema.
    let ws = wrapper_repo(
        "2.0.0",
        &[("h", &["h.values.yaml"])],
        &[("h.values.yaml", "jupyterhub:\n  bogus: 1\n")],
    );
    assert!(only(&schema_diagnostics(&ws), "S001").is_empty());
}

#[test]
fn schema_versions_differ_and_the_right_one_is_used() {
    // httpRoute.gateway.sectionName is new in 4.3.3; lis-style dev builds of 4.3.3 map to
    // 4.3.2, which does not have it.
    let values = "jupyterhub:\n  httpRoute:\n    enabled: true\n    gateway:\n      name: g\n      sectionName: https\n";
    let ws = wrapper_repo(
        "4.3.3",
        &[("h", &["h.values.yaml"])],
        &[("h.values.yaml", values)],
    );
    assert!(only(&schema_diagnostics(&ws), "S001").is_empty());
    let ws = wrapper_repo(
        "4.3.2",
        &[("h", &["h.values.yaml"])],
        &[("h.values.yaml", values)],
    );
    let s001 = only(&schema_diagnostics(&ws), "S001").len();
    assert_eq!(s001, 1);
}

#[test]
fn y003_where_helm_reads_a_non_string() {
    let ws = z2jh(concat!(
        "singleuser:\n",
        "  image:\n",
        "    name: quay.io/org/user\n",
        "    tag: 1.10\n", // 5: Y003 error, schema says string
        "  extraLabels:\n",
        "    team: yes\n", // 7: Y003 error (labels are strings)
        "  extraEnv:\n",
        "    RELEASE: 1.10\n", // 9: Y003 warning, the variable gets "1.1"
        "    WORKERS: 10\n",   // same printed form: fine
        "    ENABLE: on\n",    // 11: Y003 warning, "true"
        "    QUOTED: \"1.10\"\n",
        "  profileList:\n",
        "    - display_name: x\n",
        "      description: 0123\n", // 15: Y003 warning, 83 vs 123
        "      default: true\n",
        "hub:\n",
        "  extraFiles:\n",
        "    f:\n",
        "      mountPath: /x\n",
        "      stringData: a\n",
        "      mode: 0644\n", // a number by schema: fine
        "  config:\n",
        "    JupyterHub:\n",
        "      admin_access: yes\n", // 25: Y003 warning, 1.1 bool vs 1.2 string
        "      cookie_max_age_days: 1_000\n", // 26: Y003 warning
        "      concurrent_spawn_limit: 64\n",
        "custom:\n",
        "  country: NO\n",   // 29: Y003 warning
        "  version: 1.10\n", // same in YAML 1.1 and 1.2: not flagged here
    ));
    let diags = schema_diagnostics(&ws);
    let mut got: Vec<(usize, Severity)> = only(&diags, "Y003")
        .iter()
        .map(|d| (line_of(&ws, d), d.severity))
        .collect();
    got.sort();
    use Severity::{Error, Warning};
    assert_eq!(
        got,
        vec![
            (5, Error),
            (7, Error),
            (9, Warning),
            (11, Warning),
            (15, Warning),
            (25, Warning),
            (26, Warning),
            (29, Warning)
        ],
        "{diags:#?}"
    );
    assert_eq!(diags.len(), 8, "nothing else: {diags:#?}");
    let at = |line: usize| {
        *only(&diags, "Y003")
            .iter()
            .find(|d| line_of(&ws, d) == line)
            .unwrap()
    };
    // Schema-typed strings: the safe fix quotes, keeping the text.
    let d = at(5);
    assert!(
        d.message.starts_with("helm reads 1.10 as the number 1.1"),
        "{}",
        d.message
    );
    assert_eq!(d.fixes[0].applicability, Applicability::Safe);
    assert!(apply_first_fix(&ws, d).contains("    tag: \"1.10\"\n"));
    assert!(
        at(7)
            .message
            .starts_with("helm reads yes as the boolean true"),
        "{}",
        at(7).message
    );
    // Environment values: the variable gets Go's printing of the number.
    let d = at(9);
    assert!(
        d.message.contains("`RELEASE` would get \"1.1\""),
        "{}",
        d.message
    );
    assert_eq!(d.fixes[0].applicability, Applicability::Safe);
    assert!(at(11).message.contains("would get \"true\""));
    // Free-form areas: both readings offered, neither applied in bulk.
    let d = at(15);
    assert!(
        d.message.contains(
            "helm reads 0123 as the number 83 (YAML 1.1), while YAML 1.2 tools read the number 123"
        ),
        "{}",
        d.message
    );
    assert!(d
        .fixes
        .iter()
        .all(|f| f.applicability == Applicability::Unsafe));
    let d = at(25);
    assert!(
        d.message.contains("YAML 1.2 tools read the string \"yes\""),
        "{}",
        d.message
    );
    assert_eq!(d.fixes[0].edits[0].replacement, "true");
    assert_eq!(d.fixes[1].edits[0].replacement, "\"yes\"");
    assert_eq!(at(26).fixes[0].edits[0].replacement, "1000");
}

#[test]
fn y003_env_lists_and_kubespawner_environment() {
    let ws = z2jh(
        "hub:\n  extraEnv:\n    - name: SHA\n      value: 0e1234\n    - name: OK\n      value: \"0e1234\"\n  config:\n    KubeSpawner:\n      environment:\n        LEVEL: 3806521\n",
    );
    let diags = schema_diagnostics(&ws);
    let y = only(&diags, "Y003");
    assert_eq!(y.len(), 2, "{diags:#?}");
    assert!(
        y.iter()
            .any(|d| d.message.contains("`SHA` would get \"0\"")),
        "{y:#?}"
    );
    assert!(
        y.iter()
            .any(|d| d.message.contains("`LEVEL` would get \"3.806521e+06\"")),
        "{y:#?}"
    );
}

#[test]
fn unpacked_chart_schema_wins_and_gives_descriptions() {
    let mut ws = wrapper_repo(
        "4.3.3",
        &[("h", &["h.values.yaml"])],
        &[(
            "h.values.yaml",
            "jupyterhub:\n  hub:\n    image: {}\n    custom: 1\n",
        )],
    );
    // A front end puts an unpacked (or extracted) chart here.
    ws.insert_text(
        "helm-charts/basehub/charts/jupyterhub/Chart.yaml",
        "apiVersion: v2\nname: jupyterhub\nversion: 4.3.3\n",
    );
    ws.insert_text(
        "helm-charts/basehub/charts/jupyterhub/values.schema.yaml",
        "type: object\nproperties:\n  hub:\n    type: object\n    additionalProperties: false\n    properties:\n      image:\n        type: object\n        description: The hub image.\n",
    );
    let diags = schema_diagnostics(&ws);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(
        diags[0]
            .message
            .contains("helm-charts/basehub/charts/jupyterhub/values.schema.yaml"),
        "{}",
        diags[0].message
    );
    let model = hublint_core::model::RepoModel::build(&ws, &hublint_core::Config::default());
    let schemas =
        hublint_core::schema::for_values_file(&ws, &model, "config/clusters/c1/h.values.yaml");
    let (prefix, schema) = &schemas[0];
    assert_eq!(prefix, &vec!["jupyterhub".to_string()]);
    let keys = schema.child_keys(&["hub"]);
    assert_eq!(keys[0].name, "image");
    assert_eq!(keys[0].description.as_deref(), Some("The hub image."));
    // An unpacked chart of another version is not used.
    ws.insert_text(
        "helm-charts/basehub/charts/jupyterhub/Chart.yaml",
        "apiVersion: v2\nname: jupyterhub\nversion: 4.0.0\n",
    );
    let diags = schema_diagnostics(&ws);
    assert!(
        diags
            .iter()
            .all(|d| d.message.contains("jupyterhub chart 4.3.3 schema")),
        "{diags:#?}"
    );
}

#[test]
fn unpacked_chart_defaults_make_required_keys_checkable() {
    let mut ws = workspace(&[
        ("chart/Chart.yaml", "apiVersion: v2\nname: mine\nversion: 0.1.0\ndependencies:\n  - name: jupyterhub\n    version: 4.3.3\n    repository: https://jupyterhub.github.io/helm-chart/\n"),
        ("chart/charts/jupyterhub/values.schema.json", r#"{"type":"object","properties":{"hub":{"type":"object","required":["baseUrl"],"properties":{"image":{"type":"object","required":["name","tag"]}}}}}"#),
        ("chart/charts/jupyterhub/values.yaml", "hub:\n  baseUrl: /\n  image:\n    name: quay.io/jupyterhub/k8s-hub\n    tag: 4.3.3\n"),
        ("deploy/prod.yaml", "jupyterhub:\n  hub:\n    image:\n      tag: \"5\"\n"),
    ]);
    let config = hublint_core::Config::parse("select: [S]\nvalues:\n  \"deploy/*.yaml\": mine\n");
    assert!(
        hublint_core::check(&ws, &config).is_empty(),
        "{:#?}",
        hublint_core::check(&ws, &config)
    );
    // Deleting a default with null makes it missing: reported at the user's key.
    ws.insert_text(
        "deploy/prod.yaml",
        "jupyterhub:\n  hub:\n    image:\n      name: null\n",
    );
    let diags = hublint_core::check(&ws, &config);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].code, "S004");
    assert_eq!(diags[0].file, "deploy/prod.yaml");
    assert_eq!(covered(&ws, &diags[0]), "image");
}

#[test]
fn language_server_api_on_compiled_schemas() {
    use hublint_core::schema;
    let s = schema::for_chart_version("4.3.3").unwrap();
    assert_eq!(
        s.origin,
        schema::Origin::CompiledIn {
            release: "4.3.3".into()
        }
    );
    let keys = schema::for_chart_version("4.3.3")
        .unwrap()
        .child_keys(&["hub", "image"]);
    let names: Vec<&str> = keys.iter().map(|k| k.name.as_str()).collect();
    for k in ["name", "tag", "pullPolicy", "pullSecrets"] {
        assert!(names.contains(&k), "{names:?}");
    }
    let pull = keys.iter().find(|k| k.name == "pullPolicy").unwrap();
    assert!(pull
        .enum_values
        .contains(&serde_json::json!("IfNotPresent")));
    assert!(
        keys.iter().all(|k| k.description.is_none()),
        "compiled-in schemas carry no text"
    );
    assert!(keys.iter().find(|k| k.name == "tag").unwrap().required);
    assert_eq!(
        s.node_at(&["hub", "image", "tag"]).unwrap().types(),
        vec!["string"]
    );
    // Pattern properties and list items are followed too.
    assert_eq!(
        s.node_at(&["hub", "extraFiles", "anything", "mode"])
            .unwrap()
            .types(),
        vec!["number"]
    );
    assert_eq!(
        s.node_at(&["hub", "db", "pvc", "accessModes", "0"])
            .unwrap()
            .types(),
        vec!["string", "null"]
    );
    // profileList is a list without an items schema: nothing known below it.
    assert_eq!(
        s.node_at(&["singleuser", "profileList"]).unwrap().types(),
        vec!["array"]
    );
    assert!(s.node_at(&["singleuser", "profileList", "0"]).is_none());
    assert!(s.node_at(&["hub", "nope"]).is_none());
    // Dev builds map to the release before them; unknown versions to the newest older one.
    let dev = schema::for_chart_version("4.3.3-0.dev.git.7272.h2ff70453").unwrap();
    assert_eq!(
        dev.origin,
        schema::Origin::CompiledIn {
            release: "4.3.2".into()
        }
    );
    assert!(schema::for_chart_version("2.0.0").is_none());
    assert!(schema::for_chart_version("not-a-version").is_none());
    assert_eq!(schema::releases().first(), Some(&"3.0.0"));
    assert_eq!(schema::releases().len(), 26);
}

#[test]
fn hostile_values_never_panic() {
    // Aliases, merge keys, deep nesting and odd scalars go through the validator.
    let ws = z2jh("base: &b {tag: 1.10}\nhub:\n  image:\n    <<: *b\n    name: [1, {a: b}]\n  config: *b\nsingleuser: [1, 2]\n? [a, b]\n: c\n");
    let _ = schema_diagnostics(&ws);
    // (Deeper indentation than 63 columns panics inside yaml_parser in debug builds; that
    // is the parser's guard to keep, not the validator's.)
    let deep = format!(
        "hub:\n  extraConfig:\n{}",
        (0..28)
            .map(|i| format!("{}k{i}:\n", "  ".repeat(i + 2)))
            .collect::<String>()
    );
    let _ = schema_diagnostics(&z2jh(&deep));
}

#[test]
fn y003_keys_that_helm_turns_into_other_strings() {
    let ws =
        z2jh("custom:\n  features:\n    on: [a]\n    \"off\": [b]\n    1.10: new\n    1: one\n");
    let diags = schema_diagnostics(&ws);
    let mut got: Vec<(String, usize)> = only(&diags, "Y003")
        .iter()
        .map(|d| (covered(&ws, d).to_string(), line_of(&ws, d)))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![("1.10".into(), 6), ("on".into(), 4)],
        "{diags:#?}"
    );
    let d = only(&diags, "Y003")
        .into_iter()
        .find(|d| covered(&ws, d) == "on")
        .unwrap();
    assert!(
        d.message
            .contains("the key on as the boolean true, so the key becomes \"true\""),
        "{}",
        d.message
    );
    assert!(apply_first_fix(&ws, d).contains("    \"on\": [a]\n"));
}

#[test]
fn s007_unreadable_chart_schema_is_reported_where_it_breaks() {
    let check = |files: &[(&str, &str)]| {
        hublint_core::check(&workspace(files), &hublint_core::Config::default())
    };
    // A trailing comma on line 3: reported at that line, not silently skipped.
    let bad = "{\n  \"properties\": {\n    \"hub\": {\"type\": \"object\",}\n  }\n}\n";
    let diags = check(&[
        (
            "helm-charts/basehub/Chart.yaml",
            "apiVersion: v2\nname: basehub\nversion: 0.1.0\n",
        ),
        ("helm-charts/basehub/values.schema.json", bad),
    ]);
    let s007 = only(&diags, "S007");
    assert_eq!(s007.len(), 1, "{diags:#?}");
    assert_eq!(s007[0].severity, Severity::Error);
    assert_eq!(&bad[..s007[0].range.start].matches('\n').count(), &2);
    assert!(
        s007[0].message.contains("not valid JSON"),
        "{}",
        s007[0].message
    );
    // Valid JSON that is not an object, and a YAML schema that is a list.
    let diags = check(&[
        ("a/values.schema.json", "[1, 2]"),
        ("b/values.schema.yaml", "- type: object\n"),
        ("c/values.schema.json", "{\"type\": \"object\"}"),
        ("d/values.schema.yaml", "type: object\n"),
    ]);
    let files: Vec<&str> = only(&diags, "S007")
        .iter()
        .map(|d| d.file.as_str())
        .collect();
    assert_eq!(files, ["a/values.schema.json", "b/values.schema.yaml"]);
}
