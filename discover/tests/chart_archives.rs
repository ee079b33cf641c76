//! Chart archives left by `helm dependency build` (`charts/jupyterhub-<v>.tgz`): the
//! jupyterhub chart's schema inside is the one hub values are validated against, as if the
//! archive were unpacked; an unpacked copy wins; a broken archive is reported. Archives are
//! made with the system's `tar`, as helm's are ordinary gzip tar files.

use hublint_core::{check, Diagnostic};
use std::path::{Path, PathBuf};
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The example repository with one more key, `hub.onlyInArchive`, in a hub's values: the
/// compiled-in 4.3.3 schema does not know it; the archive's schema below does.
fn example_repo() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/demo-deployment"),
        &repo,
    );
    let values = repo.join("config/clusters/demo/prod.values.yaml");
    let text = std::fs::read_to_string(&values).unwrap();
    std::fs::write(
        &values,
        format!("{text}\njupyterhub:\n  hub:\n    onlyInArchive: yes please\n"),
    )
    .unwrap();
    (tmp, repo)
}

/// A jupyterhub 4.3.3 chart archive whose schema allows anything but adds `hub.onlyInArchive`
/// and forbids `hub.config.KubeSpawner.start_timout`'s parent key `hub.config`.
fn write_archive(dir: &Path, name: &str) {
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("jupyterhub/charts/nested")).unwrap();
    std::fs::write(
        src.join("jupyterhub/Chart.yaml"),
        "apiVersion: v2\nname: jupyterhub\nversion: 4.3.3\n",
    )
    .unwrap();
    std::fs::write(
        src.join("jupyterhub/values.yaml"),
        "hub:\n  onlyInArchive: null\n",
    )
    .unwrap();
    std::fs::write(
        src.join("jupyterhub/values.schema.json"),
        r#"{"type": "object", "properties": {"hub": {"type": "object", "additionalProperties": false,
            "properties": {"onlyInArchive": {"type": ["string", "null"]}, "image": {"type": "object"}}}}}"#,
    )
    .unwrap();
    // A nested chart's files are not the top chart's.
    std::fs::write(
        src.join("jupyterhub/charts/nested/values.schema.json"),
        "not json",
    )
    .unwrap();
    let charts = dir.join("charts");
    std::fs::create_dir_all(&charts).unwrap();
    let status = Command::new("tar")
        .arg("czf")
        .arg(charts.join(name))
        .arg("-C")
        .arg(&src)
        .arg("jupyterhub")
        .status()
        .expect("tar runs");
    assert!(status.success());
    std::fs::remove_dir_all(src).unwrap();
}

fn diagnostics(repo: &Path) -> (hublint_discover::Loaded, Vec<Diagnostic>) {
    let loaded = hublint_discover::load(repo).unwrap();
    let diags = check(&loaded.ws, &loaded.config);
    (loaded, diags)
}

fn s001_on(diags: &[Diagnostic], key: &str) -> bool {
    diags
        .iter()
        .any(|d| d.code == "S001" && d.message.contains(key))
}

#[test]
fn archive_schema_is_used_as_if_unpacked() {
    let (_tmp, repo) = example_repo();
    let (_, before) = diagnostics(&repo);
    assert!(
        s001_on(&before, "onlyInArchive"),
        "the compiled-in schema rejects the key: {before:#?}"
    );
    write_archive(&repo.join("helm-charts/basehub"), "jupyterhub-4.3.3.tgz");
    let (loaded, after) = diagnostics(&repo);
    assert!(loaded
        .ws
        .contains("helm-charts/basehub/charts/jupyterhub/values.schema.json"));
    assert!(!loaded
        .ws
        .contains("helm-charts/basehub/charts/jupyterhub/charts/nested/values.schema.json"));
    assert!(
        !s001_on(&after, "onlyInArchive"),
        "the archive's schema allows the key: {after:#?}"
    );
    assert!(
        s001_on(&after, "config"),
        "the archive's schema forbids hub.config: {after:#?}"
    );
    assert!(!after.iter().any(|d| d.code == "F001"), "{after:#?}");
}

#[test]
fn unpacked_chart_wins_over_its_archive() {
    let (_tmp, repo) = example_repo();
    let chart = repo.join("helm-charts/basehub");
    write_archive(&chart, "jupyterhub-4.3.3.tgz");
    std::fs::create_dir_all(chart.join("charts/jupyterhub")).unwrap();
    std::fs::write(
        chart.join("charts/jupyterhub/values.schema.json"),
        r#"{"type": "object"}"#,
    )
    .unwrap();
    let (loaded, after) = diagnostics(&repo);
    assert_eq!(
        loaded
            .ws
            .get("helm-charts/basehub/charts/jupyterhub/values.schema.json")
            .and_then(|f| f.text()),
        Some(r#"{"type": "object"}"#)
    );
    assert!(!s001_on(&after, "config"), "{after:#?}");
}

#[test]
fn broken_archive_is_reported_and_the_rest_checked() {
    let (_tmp, repo) = example_repo();
    let charts = repo.join("helm-charts/basehub/charts");
    std::fs::create_dir_all(&charts).unwrap();
    std::fs::write(
        charts.join("jupyterhub-4.3.3.tgz"),
        b"\x1f\x8b\x08 truncated",
    )
    .unwrap();
    let (_, diags) = diagnostics(&repo);
    let f001: Vec<_> = diags.iter().filter(|d| d.code == "F001").collect();
    assert_eq!(f001.len(), 1, "{diags:#?}");
    assert_eq!(
        f001[0].file,
        "helm-charts/basehub/charts/jupyterhub-4.3.3.tgz"
    );
    assert!(
        f001[0].message.contains("chart archive"),
        "{}",
        f001[0].message
    );
    // The compiled-in schema still checks the hubs.
    assert!(s001_on(&diags, "onlyInArchive"));
}
