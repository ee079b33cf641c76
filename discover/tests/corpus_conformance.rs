//! Conformance on the real 2i2c deployment repository (`../shared/corpus/`, read in place):
//! nothing false on the current state, and the real breakages kept in `history/` are caught.

use hublint_core::{check, Diagnostic, Severity};
use hublint_discover::{load_with, LoadOptions};
use std::path::PathBuf;

fn corpus() -> Option<PathBuf> {
    let p =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/2i2c-infrastructure");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!(
            "note: {} not found; corpus conformance skipped",
            p.display()
        );
        None
    }
}

fn check_dir(dir: &std::path::Path, exclude: &[&str]) -> Vec<Diagnostic> {
    let loaded = load_with(
        dir,
        &LoadOptions {
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
        },
    )
    .unwrap();
    check(&loaded.ws, &loaded.config)
}

fn row(dir: &std::path::Path, d: &Diagnostic) -> u32 {
    let text = std::fs::read_to_string(dir.join(&d.file)).unwrap_or_default();
    text[..d.range.start.min(text.len())].matches('\n').count() as u32 + 1
}

/// Every warning hublint prints on the current corpus, each checked by hand.
const EXPECTED_WARNINGS: &[(&str, &str, u32, &str)] = &[
    ("C002", "helm-charts/chartpress.yaml", 20, "hub and hub-authz-helpers both write jupyterhub.hub.image: a chartpress run sets the default to hub-authz-helpers (domain §7)"),
    ("I002", "config/clusters/nasa-ghg-hub/common.values.yaml", 41, "jupyterhub-usage-quotas: its chartpress entry was removed on 2026-08-14 (domain §7)"),
    ("R006", "helm-charts/images/hub/authz-helpers-requirements.txt", 3, "the authz-helpers experiment pins jupyterhub-fancy-profiles 0.4.1; the main and oauthenticator-latest images moved to 0.6.0"),
    // Profile choices and one singleuser image on the moving `latest` tag; all true findings.
    ("I001", "config/clusters/dubois/common.values.yaml", 45, "kubespawner_override image :latest"),
    ("I001", "config/clusters/earthscope/common.values.yaml", 182, "profile option image :latest"),
    ("I001", "config/clusters/earthscope/common.values.yaml", 187, "profile option image :latest"),
    ("I001", "config/clusters/earthscope/common.values.yaml", 331, "profile option image :latest"),
    ("I001", "config/clusters/jupyter-health/common.values.yaml", 154, "singleuser.image tag: latest"),
    ("I001", "config/clusters/nasa-cryo/common.values.yaml", 140, "profile option image :latest"),
    ("I001", "config/clusters/nasa-cryo/common.values.yaml", 152, "profile option image :latest"),
    ("I001", "config/clusters/nasa-cryo/common.values.yaml", 158, "profile option image :latest"),
    ("I001", "config/clusters/nasa-cryo/common.values.yaml", 163, "profile option image :latest"),
    ("I001", "config/clusters/neurohackademy/common.values.yaml", 96, "init container image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/common.values.yaml", 74, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/common.values.yaml", 79, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/common.values.yaml", 84, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/common.values.yaml", 99, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/common.values.yaml", 104, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/common.values.yaml", 109, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/common.values.yaml", 114, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/common.values.yaml", 119, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/common.values.yaml", 124, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/common.values.yaml", 128, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/common.values.yaml", 133, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/common.values.yaml", 148, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/common.values.yaml", 153, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/noaa-only.values.yaml", 59, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/noaa-only.values.yaml", 64, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/noaa-only.values.yaml", 69, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/noaa-only.values.yaml", 74, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/noaa-only.values.yaml", 80, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/noaa-only.values.yaml", 85, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/noaa-only.values.yaml", 90, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/noaa-only.values.yaml", 95, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/noaa-only.values.yaml", 100, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/noaa-only.values.yaml", 105, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/noaa-only.values.yaml", 109, "profile option image :latest"),
    ("I001", "config/clusters/nmfs-openscapes/noaa-only.values.yaml", 114, "profile option image :latest"),
    ("I001", "config/clusters/openscapeshub/common.values.yaml", 78, "profile option image :latest"),
    ("I001", "config/clusters/opensci/sciencecore.values.yaml", 79, "profile option image :latest"),
    ("I001", "config/clusters/opensci/sciencecore.values.yaml", 89, "profile option image :latest"),
    // Profile overrides: `default: true` indented into `kubespawner_override`, so KubeSpawner
    // sets a meaningless attribute and the profile (or choice) is not preselected; the
    // cloudbank files share one copy-pasted profile. All true findings.
    ("K001", "config/clusters/cloudbank/berea.values.yaml", 41, "default: true inside the profile's kubespawner_override"),
    ("K001", "config/clusters/cloudbank/clarku.values.yaml", 45, "default: true inside the profile's kubespawner_override"),
    ("K001", "config/clusters/cloudbank/emich.values.yaml", 58, "default: true inside the profile's kubespawner_override"),
    ("K001", "config/clusters/cloudbank/epcc.values.yaml", 58, "default: true inside the profile's kubespawner_override"),
    ("K001", "config/clusters/cloudbank/gpu-demo.values.yaml", 82, "default: true inside the profile's kubespawner_override"),
    ("K001", "config/clusters/cloudbank/monmouth.values.yaml", 61, "default: true inside the profile's kubespawner_override"),
    ("K001", "config/clusters/cloudbank/oit.values.yaml", 55, "default: true inside the profile's kubespawner_override"),
    ("K001", "config/clusters/cloudbank/smc.values.yaml", 61, "default: true inside the profile's kubespawner_override"),
    ("K001", "config/clusters/cloudbank/sou.values.yaml", 63, "default: true inside the profile's kubespawner_override"),
    ("K001", "config/clusters/cloudbank/tntech.values.yaml", 61, "default: true inside the profile's kubespawner_override"),
    ("K001", "config/clusters/cloudbank/uams.values.yaml", 61, "default: true inside the profile's kubespawner_override"),
    ("K001", "config/clusters/cloudbank/wcu.values.yaml", 61, "default: true inside the profile's kubespawner_override"),
    ("K001", "config/clusters/cloudbank/york.values.yaml", 60, "default: true inside the profile's kubespawner_override"),
    ("K001", "config/clusters/reflective/common.values.yaml", 137, "default: true inside a choice's kubespawner_override"),
    ("K001", "config/clusters/uw-escience/common.values.yaml", 122, "default: true inside a choice's kubespawner_override"),
    ("K002", "config/clusters/2i2c-aws-us/orcid-demo.values.yaml", 161, "two image choices marked default: true (02-community-base-image and 04-cryo); KubeSpawner preselects the first"),
    // Schema rules (core/tests/schema_corpus.rs lists the same with reasons): both true findings.
    ("S005", "config/clusters/aimatx-2i2c-hub/common.values.yaml", 174, "Authenticator nested under GitHubOAuthenticator: its admin_users are ignored"),
    ("S005", "config/clusters/maap/common.values.yaml", 63, "authenticator_class is a JupyterHub trait, ignored under Authenticator"),
];

#[test]
fn current_corpus_has_no_errors_and_only_known_warnings() {
    let Some(dir) = corpus() else { return };
    let diags = check_dir(&dir, &["history/**"]);
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(
        errors.is_empty(),
        "false errors on the current corpus: {errors:#?}"
    );
    let mut got: Vec<(String, String, u32)> = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| (d.code.to_string(), d.file.clone(), row(&dir, d)))
        .collect();
    got.sort();
    let mut want: Vec<(String, String, u32)> = EXPECTED_WARNINGS
        .iter()
        .map(|(c, f, l, _)| (c.to_string(), f.to_string(), *l))
        .collect();
    want.sort();
    let unexpected: Vec<_> = got.iter().filter(|g| !want.contains(g)).collect();
    let missing: Vec<_> = want.iter().filter(|w| !got.contains(w)).collect();
    assert!(
        unexpected.is_empty() && missing.is_empty(),
        "unexpected warnings: {unexpected:#?}\nmissing warnings: {missing:#?}"
    );
    // Info diagnostics are allowed but must not be about the hub image/chart pair at HEAD.
    for d in diags.iter().filter(|d| d.severity == Severity::Info) {
        assert!(
            !(d.code == "V001" && d.file.contains("images/hub/Dockerfile")),
            "{d:#?}"
        );
    }
}

fn history(name: &str) -> Option<(PathBuf, Vec<Diagnostic>)> {
    let dir = corpus()?.join("history").join(name);
    let diags = check_dir(&dir, &[]);
    Some((dir, diags))
}

fn codes_at<'a>(diags: &'a [Diagnostic], code: &str) -> Vec<&'a Diagnostic> {
    diags.iter().filter(|d| d.code == code).collect()
}

#[test]
fn history_a5ae110d4_from_tag_disagrees_with_chart() {
    let Some((_, diags)) = history("a5ae110d4") else {
        return;
    };
    let v = codes_at(&diags, "V001");
    assert_eq!(v.len(), 1, "{diags:#?}");
    assert_eq!(v[0].severity, Severity::Error);
    assert_eq!(v[0].file, "helm-charts/images/hub/Dockerfile");
    assert!(
        v[0].message.contains("3.3.7") && v[0].message.contains("3.2.1"),
        "{}",
        v[0].message
    );
}

#[test]
fn history_7306d7e65_malformed_ref_and_consistent_dev_pair() {
    let Some((dir, diags)) = history("7306d7e65") else {
        return;
    };
    let r = codes_at(&diags, "R003");
    assert!(!r.is_empty(), "{diags:#?}");
    let text = std::fs::read_to_string(dir.join(&r[0].file)).unwrap();
    let line_start = text[..r[0].range.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[r[0].range.start..]
        .find('\n')
        .map_or(text.len(), |i| r[0].range.start + i);
    assert!(
        text[line_start..line_end].contains("@$ed7e3a0d"),
        "{}",
        &text[line_start..line_end]
    );
    assert_eq!(r[0].severity, Severity::Error);
    assert!(
        codes_at(&diags, "V001").is_empty(),
        "5840 <= 5850 on the same base is consistent: {diags:#?}"
    );
}

#[test]
fn history_beccc702f_missing_build_arg_file() {
    let Some((_, diags)) = history("beccc702f") else {
        return;
    };
    let c = codes_at(&diags, "C001");
    assert_eq!(c.len(), 1, "{diags:#?}");
    assert_eq!(c[0].file, "helm-charts/chartpress.yaml");
    assert!(c[0].message.contains("requirements.txt"));
}

#[test]
fn history_7911cb4c6_maap_prod_override_vs_default_image() {
    let Some((_, diags)) = history("7911cb4c6") else {
        return;
    };
    let v = codes_at(&diags, "V003");
    assert_eq!(v.len(), 1, "{diags:#?}");
    assert_eq!(v[0].severity, Severity::Error);
    assert_eq!(v[0].file, "config/clusters/maap/cluster.yaml");
    assert!(
        v[0].message.contains("maap/prod") && v[0].message.contains("4.0.0"),
        "{}",
        v[0].message
    );
}

#[test]
fn history_0cef6ceb9_lis_override_left_behind() {
    let Some((_, diags)) = history("0cef6ceb9") else {
        return;
    };
    let v = codes_at(&diags, "V003");
    assert!(
        v.iter()
            .any(|d| d.file == "config/clusters/2i2c-uk/cluster.yaml"
                && d.message.contains("2i2c-uk/lis")),
        "{diags:#?}"
    );
    assert!(v.iter().all(|d| d.severity == Severity::Error));
    assert!(
        codes_at(&diags, "V001").is_empty(),
        "basehub's dev pair 7263 <= 7272 is consistent: {diags:#?}"
    );
}

#[test]
fn history_84f1b4f2c_experimental_image_is_recognised() {
    let Some((dir, diags)) = history("84f1b4f2c") else {
        return;
    };
    assert!(codes_at(&diags, "V001").is_empty(), "{diags:#?}");
    assert!(codes_at(&diags, "V003").is_empty(), "{diags:#?}");
    assert!(
        codes_at(&diags, "I002").is_empty(),
        "the leap hub's experimental image is built by chartpress: {diags:#?}"
    );
    let loaded = load_with(&dir, &LoadOptions::default()).unwrap();
    let model = hublint_core::model::RepoModel::build(&loaded.ws, &loaded.config);
    let img = model
        .image_named("quay.io/2i2c/experimental-hub")
        .expect("experimental image resolved");
    assert_eq!(
        img.context_path.value, "helm-charts/images/hub-experimental",
        "./ in contextPath is normalised"
    );
}
