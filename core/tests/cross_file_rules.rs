//! Positive and negative fixtures for the cross-file rules (V, C, I) and the YAML rules.

use hublint_core::{check, fix, Config, Diagnostic, Severity, Workspace};

fn workspace(files: &[(&str, &str)]) -> Workspace {
    let mut ws = Workspace::new();
    for (path, text) in files {
        ws.insert_text(path, *text);
    }
    ws
}

fn of<'a>(diags: &'a [Diagnostic], code: &str) -> Vec<&'a Diagnostic> {
    diags.iter().filter(|d| d.code == code).collect()
}

fn text_at<'a>(ws: &'a Workspace, d: &Diagnostic) -> &'a str {
    &ws.get(&d.file).unwrap().text().unwrap()[d.range.start..d.range.end]
}

const CHARTPRESS: &str = "charts:\n  - name: basehub\n    imagePrefix: quay.io/org/pilot-\n    images:\n      hub:\n        valuesPath: jupyterhub.hub.image\n        buildArgs:\n          REQUIREMENTS_FILE: requirements.txt\n";
const VALUES: &str = "jupyterhub:\n  hub:\n    image:\n      name: quay.io/org/pilot-hub\n      tag: \"0.0.1-0.dev.git.12.h3e7e978\"\n";

fn chart(version: &str) -> String {
    format!("apiVersion: v2\nname: basehub\nversion: 0.1.0\ndependencies:\n  - name: jupyterhub\n    version: {version}\n    repository: https://jupyterhub.github.io/helm-chart/\n")
}

fn repo(from: &str, chart_version: &str) -> Vec<(String, String)> {
    vec![
        ("helm-charts/chartpress.yaml".into(), CHARTPRESS.into()),
        (
            "helm-charts/basehub/Chart.yaml".into(),
            chart(chart_version),
        ),
        ("helm-charts/basehub/values.yaml".into(), VALUES.into()),
        (
            "helm-charts/images/hub/Dockerfile".into(),
            format!("FROM {from}\nARG REQUIREMENTS_FILE\nCOPY ${{REQUIREMENTS_FILE}} /tmp/\n"),
        ),
        (
            "helm-charts/images/hub/requirements.txt".into(),
            "oauthenticator==17.3.0\n".into(),
        ),
    ]
}

fn workspace_owned(files: &[(String, String)]) -> Workspace {
    let mut ws = Workspace::new();
    for (path, text) in files {
        ws.insert_text(path, text.as_str());
    }
    ws
}

fn run_owned(files: &[(String, String)]) -> (Workspace, Vec<Diagnostic>) {
    let ws = workspace_owned(files);
    let diags = check(&ws, &Config::default());
    (ws, diags)
}

#[test]
fn v001_release_mismatch_is_an_error_with_two_fixes() {
    let (ws, diags) = run_owned(&repo("jupyterhub/k8s-hub:3.3.7", "3.2.1"));
    let v = of(&diags, "V001");
    assert_eq!(v.len(), 1, "{diags:#?}");
    assert_eq!(v[0].severity, Severity::Error);
    assert_eq!(v[0].file, "helm-charts/images/hub/Dockerfile");
    assert_eq!(text_at(&ws, v[0]), "3.3.7");
    assert_eq!(v[0].related[0].file, "helm-charts/basehub/Chart.yaml");
    assert_eq!(v[0].fixes.len(), 2);
    // The safe fix sets the FROM tag; applying it clears the diagnostic.
    let changed = fix::fix_all(
        &|p| ws.get(p).and_then(|f| f.text()).map(str::to_string),
        &diags,
    );
    let dockerfile = &changed["helm-charts/images/hub/Dockerfile"];
    assert!(
        dockerfile.starts_with("FROM jupyterhub/k8s-hub:3.2.1\n"),
        "{dockerfile}"
    );
    let mut ws2 = ws.clone();
    ws2.insert_text("helm-charts/images/hub/Dockerfile", dockerfile.clone());
    assert!(of(&check(&ws2, &Config::default()), "V001").is_empty());
    // The other fix edits Chart.yaml instead.
    let chart_fix = &v[0].fixes[1];
    assert_eq!(chart_fix.edits[0].file, "helm-charts/basehub/Chart.yaml");
    assert_eq!(chart_fix.edits[0].replacement, "3.3.7");
}

#[test]
fn v001_through_arg_default_and_quay() {
    let mut files = repo("x", "4.3.3");
    files[3].1 = "ARG VERSION=4.0.0\nFROM quay.io/jupyterhub/k8s-hub:${VERSION}\n".into();
    let (ws, diags) = run_owned(&files);
    let v = of(&diags, "V001");
    assert_eq!(v.len(), 1, "{diags:#?}");
    assert_eq!(text_at(&ws, v[0]), "4.0.0", "points at the ARG default");
}

#[test]
fn v001_consistent_pairs_are_quiet() {
    for (from, chart) in [
        ("jupyterhub/k8s-hub:4.3.3", "4.3.3"),
        (
            "jupyterhub/k8s-hub:2.0.1-0.dev.git.5840.h71ad2287",
            "2.0.1-0.dev.git.5850.he4dbf6c8",
        ),
        (
            "jupyterhub/k8s-hub:3.0.0-beta.1",
            "3.0.0-beta.1.git.6208.h7b44299a",
        ),
        ("python:3.12", "1.0.0"),
    ] {
        let (_, diags) = run_owned(&repo(from, chart));
        assert!(
            of(&diags, "V001").is_empty(),
            "{from} vs {chart}: {diags:#?}"
        );
    }
}

#[test]
fn v001_dev_builds_warn_or_inform() {
    let (_, diags) = run_owned(&repo(
        "jupyterhub/k8s-hub:4.3.3-0.dev.git.7300.h1d8bfb12",
        "4.3.3-0.dev.git.7272.h2ff70453",
    ));
    assert_eq!(of(&diags, "V001")[0].severity, Severity::Warning);
    let (_, diags) = run_owned(&repo(
        "jupyterhub/k8s-hub:4.3.3-0.dev.git.7263.h1d8bfb12",
        "4.3.3",
    ));
    assert_eq!(of(&diags, "V001")[0].severity, Severity::Info);
    assert!(of(&diags, "V001")[0].fixes.is_empty());
}

#[test]
fn v002_ranges() {
    let (ws, diags) = run_owned(&repo("jupyterhub/k8s-hub:4.3.3", "\"^4.3.3\""));
    let v = of(&diags, "V002");
    assert_eq!(v.len(), 1);
    assert_eq!(text_at(&ws, v[0]), "\"^4.3.3\"");
    let (_, diags) = run_owned(&repo("jupyterhub/k8s-hub:4.3.3", "4.3.3"));
    assert!(of(&diags, "V002").is_empty());
}

fn cluster_repo(
    override_version: Option<&str>,
    hub_image: Option<&str>,
    from: &str,
) -> Vec<(String, String)> {
    let mut files = repo(from, "4.0.0");
    let override_line = if override_version.is_some() {
        "    chart_override: prod-chart.yaml\n"
    } else {
        ""
    };
    files.push((
        "config/clusters/c1/cluster.yaml".into(),
        format!("name: c1\nhubs:\n  - name: prod\n    helm_chart: basehub\n    helm_chart_values_files:\n      - prod.values.yaml\n      - enc-prod.secret.values.yaml\n{override_line}"),
    ));
    if let Some(v) = override_version {
        files.push(("config/clusters/c1/prod-chart.yaml".into(), chart(v)));
    }
    let values = match hub_image {
        Some(name) => format!("jupyterhub:\n  hub:\n    image:\n      name: {name}\n      tag: \"0.0.1-0.dev.git.9.habcdef1\"\n"),
        None => "jupyterhub:\n  singleuser:\n    defaultUrl: /lab\n".into(),
    };
    files.push(("config/clusters/c1/prod.values.yaml".into(), values));
    files
}

#[test]
fn v003_override_disagrees_with_default_image() {
    // 7911cb4c6's shape: override to a newer chart, hub still on the default image.
    let (ws, diags) = run_owned(&cluster_repo(
        Some("4.3.3-0.dev.git.7272.h2ff70453"),
        None,
        "jupyterhub/k8s-hub:4.0.0",
    ));
    let v = of(&diags, "V003");
    assert_eq!(v.len(), 1, "{diags:#?}");
    assert_eq!(v[0].file, "config/clusters/c1/cluster.yaml");
    assert_eq!(text_at(&ws, v[0]), "prod-chart.yaml");
    assert!(v[0].message.contains("c1/prod"), "{}", v[0].message);
    assert!(v[0]
        .related
        .iter()
        .any(|r| r.file == "helm-charts/images/hub/Dockerfile"));
}

#[test]
fn v003_quiet_when_override_matches_or_absent() {
    let (_, diags) = run_owned(&cluster_repo(
        Some("4.0.0"),
        None,
        "jupyterhub/k8s-hub:4.0.0",
    ));
    assert!(of(&diags, "V003").is_empty(), "{diags:#?}");
    let (_, diags) = run_owned(&cluster_repo(None, None, "jupyterhub/k8s-hub:4.0.0"));
    assert!(of(&diags, "V003").is_empty(), "{diags:#?}");
    // Release vs dev build of the same X.Y.Z cannot be verified offline: no V003.
    let (_, diags) = run_owned(&cluster_repo(
        Some("4.3.3-0.dev.git.7272.h2ff70453"),
        None,
        "jupyterhub/k8s-hub:4.3.3",
    ));
    assert!(of(&diags, "V003").is_empty(), "{diags:#?}");
}

#[test]
fn v003_hub_image_override_to_an_image_built_for_another_chart() {
    let mut files = cluster_repo(
        None,
        Some("quay.io/org/experimental-hub"),
        "jupyterhub/k8s-hub:4.0.0",
    );
    files[0].1.push_str("      experimental:\n        imageName: quay.io/org/experimental-hub\n        contextPath: images/experimental\n");
    files.push((
        "helm-charts/images/experimental/Dockerfile".into(),
        "FROM jupyterhub/k8s-hub:4.3.3\n".into(),
    ));
    let (ws, diags) = run_owned(&files);
    let v = of(&diags, "V003");
    assert_eq!(v.len(), 1, "{diags:#?}");
    assert_eq!(v[0].file, "config/clusters/c1/prod.values.yaml");
    assert_eq!(text_at(&ws, v[0]), "quay.io/org/experimental-hub");
}

#[test]
fn c001_missing_paths() {
    let mut files = repo("jupyterhub/k8s-hub:4.3.3", "4.3.3");
    files.retain(|(p, _)| !p.ends_with("requirements.txt"));
    let (ws, diags) = run_owned(&files);
    let c = of(&diags, "C001");
    assert_eq!(c.len(), 1, "{diags:#?}");
    assert_eq!(text_at(&ws, c[0]), "requirements.txt");
    files[0].1 = files[0].1.replace(
        "      hub:\n",
        "      hub:\n        dockerfilePath: images/hub/Dockerfile.missing\n",
    );
    let (_, diags) = run_owned(&files);
    assert!(of(&diags, "C001")
        .iter()
        .any(|d| d.message.contains("Dockerfile.missing")));
    let (_, diags) = run_owned(&repo("jupyterhub/k8s-hub:4.3.3", "4.3.3"));
    assert!(of(&diags, "C001").is_empty());
}

#[test]
fn c002_and_c003() {
    let mut files = repo("jupyterhub/k8s-hub:4.3.3", "4.3.3");
    files[0].1.push_str("      hub-two:\n        valuesPath: jupyterhub.hub.image\n        contextPath: images/hub\n      other:\n        valuesPath: jupyterhub.singleuser.imag\n        contextPath: images/hub\n");
    let (ws, diags) = run_owned(&files);
    let c2 = of(&diags, "C002");
    assert_eq!(c2.len(), 1, "{diags:#?}");
    assert_eq!(
        ws.get(&c2[0].file)
            .unwrap()
            .line_index()
            .line_of(c2[0].range.start),
        9
    );
    let c3 = of(&diags, "C003");
    assert_eq!(c3.len(), 1, "{diags:#?}");
    assert_eq!(text_at(&ws, c3[0]), "jupyterhub.singleuser.imag");
}

#[test]
fn c003_list_index_paths() {
    let mut files = repo("jupyterhub/k8s-hub:4.3.3", "4.3.3");
    files[0].1 = files[0]
        .1
        .replace("jupyterhub.hub.image", "jupyterhub.sidecars.0.image");
    files[2].1 = "jupyterhub:\n  sidecars:\n    - image: quay.io/org/pilot-hub:1\n".into();
    let (_, diags) = run_owned(&files);
    assert!(of(&diags, "C003").is_empty(), "{diags:#?}");
    files[0].1 = files[0].1.replace("sidecars.0.image", "sidecars.3.image");
    let (_, diags) = run_owned(&files);
    assert_eq!(of(&diags, "C003").len(), 1);
}

#[test]
fn i001_i002_i003_image_references() {
    let mut files = cluster_repo(None, None, "jupyterhub/k8s-hub:4.0.0");
    files.push((
        "config/clusters/c1/prod.values.yaml".into(),
        "jupyterhub:\n  hub:\n    image:\n      name: quay.io/org/gone-hub\n      tag: \"0.0.1-0.dev.git.16538.hb055b381d\"\n  singleuser:\n    image:\n      name: x/y\n      tag: latest\n    profileList:\n      - kubespawner_override:\n          image: rocker/binder\n      - kubespawner_override:\n          image: \"rocker/binder:4.4@sha256:abcd\"\n      - kubespawner_override:\n          image: \"{value}\"\n      - kubespawner_override:\n          image: quay.io/org/pilot-hub:0.0.1-0.dev.git.12.3e7e978\n".into(),
    ));
    let (ws, diags) = run_owned(&files);
    let i1: Vec<&str> = of(&diags, "I001").iter().map(|d| text_at(&ws, d)).collect();
    assert_eq!(i1, vec!["latest", "rocker/binder"], "{diags:#?}");
    let i2 = of(&diags, "I002");
    assert_eq!(i2.len(), 1, "{diags:#?}");
    assert_eq!(text_at(&ws, i2[0]), "quay.io/org/gone-hub");
    let i3 = of(&diags, "I003");
    assert_eq!(i3.len(), 1, "{diags:#?}");
    assert!(i3[0].message.contains("must start with `h`"));
}

#[test]
fn i002_respects_known_images() {
    let mut files = cluster_repo(
        None,
        Some("quay.io/org/gone-hub"),
        "jupyterhub/k8s-hub:4.0.0",
    );
    files.push((
        ".hublint.yaml".into(),
        "known-images: [quay.io/org/gone-hub]\n".into(),
    ));
    let ws = workspace_owned(&files);
    assert_eq!(of(&check(&ws, &Config::default()), "I002").len(), 1);
    let config = Config::parse(ws.get(".hublint.yaml").unwrap().text().unwrap());
    assert!(of(&check(&ws, &config), "I002").is_empty());
}

#[test]
fn daskhub_nesting_and_sops_files() {
    let mut files = repo("jupyterhub/k8s-hub:4.3.3", "4.3.3");
    files.push(("helm-charts/daskhub/Chart.yaml".into(), "apiVersion: v2\nname: daskhub\nversion: 0.1.0\ndependencies:\n  - name: basehub\n    version: 0.1.0\n    repository: file://../basehub\n".into()));
    files.push(("config/clusters/c1/cluster.yaml".into(), "name: c1\nhubs:\n  - name: dask\n    helm_chart: daskhub\n    helm_chart_values_files: [dask.values.yaml, enc-dask.secret.values.yaml]\n".into()));
    files.push(("config/clusters/c1/dask.values.yaml".into(), "basehub:\n  jupyterhub:\n    hub:\n      image:\n        name: quay.io/org/pilot-hub\n        tag: latest\n".into()));
    files.push((
        "config/clusters/c1/enc-dask.secret.values.yaml".into(),
        "sops:\n  version: 3\nbasehub: ENC[AES256_GCM,data:xx]\n".into(),
    ));
    let ws = workspace_owned(&files);
    let model = hublint_core::model::RepoModel::build(&ws, &Config::default());
    assert_eq!(model.hubs[0].nesting, vec!["basehub", "jupyterhub"]);
    assert!(model.hubs[0].has_hidden_values);
    let merged = hublint_core::values::hub_values(&ws, &model, &model.hubs[0], true);
    let tag = merged
        .get_path(&["basehub", "jupyterhub", "hub", "image", "tag"])
        .unwrap();
    assert_eq!(tag.as_str(), Some("latest"));
    assert_eq!(tag.file, "config/clusters/c1/dask.values.yaml");
    // basehub's defaults sit under basehub: for a daskhub hub.
    let name = merged
        .get_path(&["basehub", "jupyterhub", "hub", "image", "name"])
        .unwrap();
    assert_eq!(name.file, "config/clusters/c1/dask.values.yaml");
    let diags = check(&ws, &Config::default());
    assert!(
        diags.iter().all(|d| !d.file.contains("secret")),
        "{diags:#?}"
    );
}

#[test]
fn y001_y002_and_f001() {
    let mut ws = workspace(&[("a.yaml", "a: [1\n"), ("b.yaml", "k: 1\nk: 2\n")]);
    ws.insert_bytes("c.yaml", vec![b'a', 0xfe]);
    let diags = check(&ws, &Config::default());
    let codes: Vec<(&str, &str)> = diags.iter().map(|d| (d.code, d.file.as_str())).collect();
    assert_eq!(
        codes,
        vec![("Y001", "a.yaml"), ("Y002", "b.yaml"), ("F001", "c.yaml")]
    );
    assert!(diags[2].message.contains("not valid UTF-8"));
}

#[test]
fn modeline_marks_plain_values() {
    let ws = workspace(&[
        (
            "deploy/values.yaml",
            "# hublint: chart=jupyterhub\nhub: {}\n",
        ),
        ("other.yaml", "hub: {}\n"),
    ]);
    use hublint_core::model::FoundBy;
    let found = |config: &Config| -> Vec<(String, FoundBy, Vec<String>)> {
        let model = hublint_core::model::RepoModel::build(&ws, config);
        model
            .hubs
            .iter()
            .map(|h| {
                (
                    h.values_files[0].path.clone(),
                    h.found_by,
                    h.nesting.clone(),
                )
            })
            .collect()
    };
    // The first line maps one file; the other is recognised by its z2jh keys.
    assert_eq!(
        found(&Config::default()),
        vec![
            ("deploy/values.yaml".into(), FoundBy::ValuesMapping, vec![]),
            ("other.yaml".into(), FoundBy::ValuesContent, vec![]),
        ]
    );
    let config = Config::parse("values:\n  \"*.yaml\": jupyterhub\n");
    assert!(found(&config)
        .iter()
        .all(|(_, by, _)| *by == FoundBy::ValuesMapping));
}

#[test]
fn x001_experiments_older_than_four_weeks() {
    let mut files = cluster_repo(
        None,
        Some("quay.io/org/pkce-experiment"),
        "jupyterhub/k8s-hub:4.0.0",
    );
    files[0].1.push_str("      pkce:\n        imageName: quay.io/org/pkce-experiment\n        contextPath: images/hub\n");
    let ws = workspace_owned(&files);
    let mut config =
        Config::parse("experimental-images:\n  quay.io/org/pkce-experiment: {since: 2026-10-01}\n");
    assert!(
        of(&check(&ws, &config), "X001").is_empty(),
        "no date, no report"
    );
    config.today = Some("2026-10-20".into());
    let x = check(&ws, &config);
    assert_eq!(of(&x, "X001")[0].severity, Severity::Info);
    config.today = Some("2026-11-28".into());
    let x = check(&ws, &config);
    let x = of(&x, "X001");
    assert_eq!(x.len(), 1);
    assert_eq!(x[0].severity, Severity::Warning);
    assert_eq!(x[0].file, "helm-charts/chartpress.yaml");
    assert!(
        x[0].message.contains("58 days")
            && x[0].message.contains("config/clusters/c1/prod.values.yaml"),
        "{}",
        x[0].message
    );
}

#[test]
fn x001_from_git_history_facts() {
    use hublint_core::experiment_history::ExperimentStart;
    let mut files = cluster_repo(
        None,
        Some("quay.io/org/pkce-experiment"),
        "jupyterhub/k8s-hub:4.0.0",
    );
    // Built by chartpress without a valuesPath: experimental with no configuration.
    files[0].1.push_str("      pkce:\n        imageName: quay.io/org/pkce-experiment\n        contextPath: images/hub\n");
    let ws = workspace_owned(&files);
    let mut config = Config {
        today: Some("2026-11-28".into()),
        ..Default::default()
    };
    assert!(
        of(&check(&ws, &config), "X001").is_empty(),
        "no history, no date: nothing"
    );
    config.experiment_history = vec![ExperimentStart {
        file: "config/clusters/c1/prod.values.yaml".into(),
        image: "quay.io/org/pkce-experiment".into(),
        commit: "abc1234".into(),
        date: "2026-10-01".into(),
    }];
    let diags = check(&ws, &config);
    let x = of(&diags, "X001");
    assert_eq!(x.len(), 1, "{diags:#?}");
    assert_eq!(x[0].severity, Severity::Warning);
    assert_eq!(x[0].file, "config/clusters/c1/prod.values.yaml");
    assert_eq!(text_at(&ws, x[0]), "quay.io/org/pkce-experiment");
    assert!(
        x[0].message
            .contains("commit abc1234 (2026-10-01), 58 days (limit 28)"),
        "{}",
        x[0].message
    );
    assert_eq!(x[0].related[0].file, "helm-charts/chartpress.yaml");
    // experiment-days moves the limit: 58 days of 60 is an info.
    let mut longer = Config::parse("experiment-days: 60\n");
    longer.today = config.today.clone();
    longer.experiment_history = config.experiment_history.clone();
    let x = check(&ws, &longer);
    let x = of(&x, "X001");
    assert_eq!(x[0].severity, Severity::Info);
    assert!(x[0].message.contains("day 58 of 60"), "{}", x[0].message);
    assert!(!Config::parse("experiment-days: soon\n").errors.is_empty());
    // A `since:` date overrides git: one diagnostic, on the chartpress entry, from that date.
    let mut since =
        Config::parse("experimental-images:\n  quay.io/org/pkce-experiment: {since: 2026-11-20}\n");
    since.today = config.today.clone();
    since.experiment_history = config.experiment_history.clone();
    let x = check(&ws, &since);
    let x = of(&x, "X001");
    assert_eq!(x.len(), 1);
    assert_eq!(x[0].file, "helm-charts/chartpress.yaml");
    assert_eq!(x[0].severity, Severity::Info);
    // A fact for another file, or another image, says nothing about this one.
    let mut elsewhere = config.clone();
    elsewhere.experiment_history[0].file = "config/clusters/c1/staging.values.yaml".into();
    assert!(of(&check(&ws, &elsewhere), "X001").is_empty());
}
#[test]
fn r004_applies_to_an_image_requirements_only() {
    let mut files = repo("jupyterhub/k8s-hub:4.3.3", "4.3.3");
    files[4].1 = "oauthenticator\n".into();
    files.push(("docs/requirements.txt".into(), "sphinx\n".into()));
    let (_, diags) = run_owned(&files);
    let r: Vec<&str> = of(&diags, "R004").iter().map(|d| d.file.as_str()).collect();
    assert_eq!(r, vec!["helm-charts/images/hub/requirements.txt"]);
}

#[test]
fn v001_fix_writes_no_v_prefix_and_reads_helm2_requirements_yaml() {
    // A Helm 2 chart (apiVersion v1) lists the jupyterhub dependency in requirements.yaml,
    // with a `v` that k8s-hub image tags never carry.
    let mut files = repo("jupyterhub/k8s-hub:0.11.0", "x");
    files[1].1 = "apiVersion: v1\nname: basehub\nversion: 0.1.0\n".into();
    files.push((
        "helm-charts/basehub/requirements.yaml".into(),
        "dependencies:\n  - name: jupyterhub\n    version: v0.11.1\n    repository: https://jupyterhub.github.io/helm-chart/\n".into(),
    ));
    let (ws, diags) = run_owned(&files);
    let v = of(&diags, "V001");
    assert_eq!(v.len(), 1, "{diags:#?}");
    assert_eq!(
        v[0].related[0].file,
        "helm-charts/basehub/requirements.yaml"
    );
    let from_fix = &v[0].fixes[0];
    assert_eq!(from_fix.edits[0].replacement, "0.11.1");
    assert_eq!(from_fix.title, "Set the FROM tag to 0.11.1");
    let changed = fix::fix_all(
        &|p| ws.get(p).and_then(|f| f.text()).map(str::to_string),
        &diags,
    );
    assert!(changed["helm-charts/images/hub/Dockerfile"]
        .starts_with("FROM jupyterhub/k8s-hub:0.11.1\n"));
}

#[test]
fn r004_leaves_pip_compile_inputs_to_their_compiled_file() {
    let ws = workspace(&[
        (
            "images/scaler/Dockerfile",
            "FROM python:3.12\nCOPY requirements.txt /\n",
        ),
        (
            "images/scaler/requirements.in",
            "DateTime\nruamel.yaml\nkubernetes\n",
        ),
        (
            "images/scaler/requirements.txt",
            "datetime==5.5\nruamel-yaml==0.18.6\n",
        ),
    ]);
    let diags = check(&ws, &Config::default());
    let r: Vec<&str> = of(&diags, "R004").iter().map(|d| text_at(&ws, d)).collect();
    // Only the package the compiled file does not pin is still unpinned.
    assert_eq!(r, ["kubernetes"], "{diags:#?}");
}
