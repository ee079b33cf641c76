//! What `hublint build` refuses, and what it leaves untouched when it does. These need git
//! but no container tool or registry.

mod common;

use common::{build, snapshot, Repo};
use hublint_builder::{BackendKind, ImageKind};

const VALUES: &str = "\
# the chart's defaults
hub:
  image:
    name: 127.0.0.1:5999/hublint-test/hub   # keep this comment
    tag: \"0.0.1\"
  extraEnv:
  - name: A
    value: b
";

fn repo_with(prefix: &str, extra: &[(&str, &str)]) -> Repo {
    let mut r = Repo::new();
    let config = format!(
        "charts:\n  - name: mychart\n    imagePrefix: {prefix}\n    images:\n      hub:\n        valuesPath: hub.image\n      exp:\n        contextPath: images/hub\n"
    );
    let mut files: Vec<(&str, &str)> = vec![
        ("chartpress.yaml", &config),
        (
            "mychart/Chart.yaml",
            "apiVersion: v2\nname: mychart\nversion: 0.1.0\n",
        ),
        ("mychart/values.yaml", VALUES),
        (
            "images/hub/Dockerfile",
            "FROM scratch\nCOPY hello.txt /hello.txt\n",
        ),
        ("images/hub/hello.txt", "hello\n"),
    ];
    files.extend_from_slice(extra);
    r.commit("c1", &files);
    r
}

#[test]
fn shell_metacharacters_in_a_name_are_rejected_before_anything_runs() {
    for prefix in [
        "127.0.0.1:5999/x;touch${IFS}/tmp/hublint-pwned/",
        "127.0.0.1:5999/$(id)/",
        "127.0.0.1:5999/a`b`/",
        "127.0.0.1:5999/A b/",
    ] {
        // A lint error too: the name check must come first.
        let r = repo_with(&format!("\"{prefix}\""), &[("broken.yaml", "a: [1\n")]);
        let before = snapshot(r.path());
        let (outcome, ui) = build(r.path(), |o| {
            o.push = true;
            o.builder = Some(BackendKind::Buildah);
        });
        assert_eq!(outcome.exit_code, 2, "{prefix}: {:?}", outcome.record.error);
        assert_eq!(outcome.record.failed_stage.as_deref(), Some("input"));
        let err = outcome.record.error.unwrap();
        assert!(err.contains("invalid image name"), "{err}");
        assert!(!outcome.record.lint.ran, "lint ran before the name check");
        assert!(
            ui.lines.iter().all(|l| !l.starts_with("start ")),
            "{:?}",
            ui.lines
        );
        assert!(ui.backend_lines.is_empty());
        assert_eq!(snapshot(r.path()), before);
    }
    assert!(!std::path::Path::new("/tmp/hublint-pwned").exists());
}

#[test]
fn a_bad_tag_override_is_rejected() {
    let r = repo_with("127.0.0.1:5999/hublint-test/", &[]);
    for tag in ["1.0;rm", "-x", "a b", ""] {
        let (outcome, _) = build(r.path(), |o| o.tag = Some(tag.into()));
        assert_eq!(outcome.exit_code, 2, "{tag:?}");
        assert!(outcome.record.error.unwrap().contains("invalid image tag"));
    }
}

#[test]
fn a_lint_error_stops_before_building_and_changes_nothing() {
    // A Dockerfile with no FROM is a lint error (and a build that would fail).
    let r = repo_with(
        "127.0.0.1:5999/hublint-test/",
        &[("images/hub/Dockerfile", "COPY hello.txt /hello.txt\n")],
    );
    let before = snapshot(r.path());
    for skip_build in [false, true] {
        let (outcome, ui) = build(r.path(), |o| {
            o.push = true;
            o.skip_build = skip_build;
            o.builder = Some(BackendKind::Buildah);
        });
        assert_eq!(outcome.exit_code, 1);
        assert_eq!(outcome.record.failed_stage.as_deref(), Some("lint"));
        assert!(outcome.record.lint.errors >= 1);
        assert!(
            ui.lint.iter().any(|d| d.file == "images/hub/Dockerfile"),
            "the diagnostics are printed: {:?}",
            ui.lint
        );
        assert!(outcome.record.images.is_empty(), "no image was planned");
        assert!(ui.lines.iter().all(|l| !l.starts_with("start ")));
        assert_eq!(snapshot(r.path()), before);
    }
}

#[test]
fn uncommitted_changes_in_tag_paths_refuse_a_push() {
    let r = repo_with("127.0.0.1:5999/hublint-test/", &[]);
    r.write("images/hub/hello.txt", "changed\n");
    r.write("images/hub/new-untracked.txt", "new\n");
    let before = snapshot(r.path());
    let (outcome, ui) = build(r.path(), |o| {
        o.push = true;
        o.builder = Some(BackendKind::Buildah);
    });
    assert_eq!(outcome.exit_code, 1, "{:?}", outcome.record.error);
    assert_eq!(outcome.record.failed_stage.as_deref(), Some("dirty"));
    let err = outcome.record.error.unwrap();
    assert!(err.contains("images/hub/hello.txt"), "{err}");
    assert!(err.contains("images/hub/new-untracked.txt"), "{err}");
    assert!(ui.lines.iter().all(|l| !l.starts_with("start ")));
    assert_eq!(snapshot(r.path()), before);

    // A change elsewhere does not matter.
    let r = repo_with("127.0.0.1:5999/hublint-test/", &[("README.md", "a\n")]);
    r.write("README.md", "b\n");
    let (outcome, _) = build(r.path(), |o| {
        o.push = true;
        o.dry_run = true;
        o.builder = Some(BackendKind::Buildah);
    });
    assert_eq!(outcome.exit_code, 0, "{:?}", outcome.record.error);

    // --allow-dirty goes on (as far as the dry run shows).
    let r = repo_with("127.0.0.1:5999/hublint-test/", &[]);
    r.write("images/hub/hello.txt", "changed\n");
    let (outcome, ui) = build(r.path(), |o| {
        o.push = true;
        o.dry_run = true;
        o.allow_dirty = true;
        o.builder = Some(BackendKind::Buildah);
    });
    assert_eq!(outcome.exit_code, 0, "{:?}", outcome.record.error);
    assert!(ui.lines.iter().any(|l| l.contains("uncommitted")));
}

#[test]
fn a_missing_values_path_fails_before_building() {
    let mut r = repo_with("127.0.0.1:5999/hublint-test/", &[]);
    r.commit(
        "no image in values",
        &[("mychart/values.yaml", "hub:\n  config: {}\n")],
    );
    let before = snapshot(r.path());
    // The lint reports it (C003) ...
    let (outcome, ui) = build(r.path(), |o| {
        o.push = true;
        o.builder = Some(BackendKind::Buildah);
    });
    assert_eq!(outcome.record.failed_stage.as_deref(), Some("lint"));
    assert!(ui.lint.iter().any(|d| d.code == "C003"), "{:?}", ui.lint);
    // ... and with that rule turned off, planning the edit still stops the run before any
    // build, where chartpress would fail only after pushing.
    r.commit("ignore C003", &[(".hublint.yaml", "ignore: [C003]\n")]);
    let (outcome, ui) = build(r.path(), |o| {
        o.push = true;
        o.builder = Some(BackendKind::Buildah);
    });
    assert_eq!(outcome.exit_code, 1);
    assert_eq!(
        outcome.record.failed_stage.as_deref(),
        Some("values"),
        "{:?}",
        outcome.record.error
    );
    assert!(outcome.record.error.unwrap().contains("hub.image"));
    assert!(ui.lines.iter().all(|l| !l.starts_with("start ")));
    let mut after = snapshot(r.path());
    after.retain(|(p, _)| p.to_str() != Some(".hublint.yaml"));
    assert_eq!(after, before);
}

#[test]
fn dry_run_prints_commands_and_edits_and_writes_nothing() {
    let r = repo_with(
        "127.0.0.1:5999/hublint-test/",
        &[(
            ".hublint.yaml",
            "experimental-images: [127.0.0.1:5999/hublint-test/exp]\n",
        )],
    );
    let before = snapshot(r.path());
    let (outcome, ui) = build(r.path(), |o| {
        o.push = true;
        o.dry_run = true;
        o.builder = Some(BackendKind::Buildah);
        o.platforms = vec!["linux/amd64".into()];
    });
    assert_eq!(outcome.exit_code, 0, "{:?}", outcome.record.error);
    let rec = &outcome.record;
    let hub = &rec.images[0];
    assert_eq!(hub.kind, ImageKind::Main);
    assert_eq!(rec.images[1].kind, ImageKind::Experimental);
    let tag = &hub.tag;
    assert!(tag.starts_with("0.0.1-0.dev.git.1.h"), "{tag}");
    let build_cmd = hub.build.command.as_deref().unwrap();
    assert!(
        build_cmd.contains(&format!("-t 127.0.0.1:5999/hublint-test/hub:{tag}")),
        "{build_cmd}"
    );
    assert!(build_cmd.contains("--platform linux/amd64"), "{build_cmd}");
    assert!(hub.push.command.as_deref().unwrap().contains("push"));
    assert_eq!(hub.build.status, "planned");
    assert!(ui.lines.iter().any(|l| l.starts_with("would run: ")));
    assert!(ui
        .lines
        .iter()
        .any(|l| l == "would edit mychart/values.yaml:"));
    assert!(
        ui.lines
            .iter()
            .any(|l| l.contains(&format!("+     tag: \"{tag}\""))),
        "{:#?}",
        ui.lines
    );
    assert!(ui.results.contains("exp is experimental"), "{}", ui.results);
    assert!(rec.files_changed.is_empty());
    assert_eq!(snapshot(r.path()), before);
}

#[test]
fn list_images_and_selection() {
    let r = repo_with("127.0.0.1:5999/hublint-test/", &[]);
    let (outcome, ui) = build(r.path(), |o| o.list_images = true);
    assert_eq!(outcome.exit_code, 0);
    let lines: Vec<&str> = ui.results.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "images without valuesPath are listed too: {lines:?}"
    );
    assert!(lines[0].starts_with("127.0.0.1:5999/hublint-test/hub:0.0.1-0.dev.git.1.h"));
    assert!(lines[1].starts_with("127.0.0.1:5999/hublint-test/exp:0.0.1-0.dev.git.1.h"));
    let (outcome, ui) = build(r.path(), |o| {
        o.list_images = true;
        o.images = vec!["127.0.0.1:5999/hublint-test/exp".into()];
    });
    assert_eq!(outcome.exit_code, 0);
    assert_eq!(ui.results.lines().count(), 1);
    let (outcome, _) = build(r.path(), |o| {
        o.list_images = true;
        o.images = vec!["nope".into()];
    });
    assert_eq!(outcome.exit_code, 2);
    assert!(outcome.record.error.unwrap().contains("images: hub, exp"));
}

#[test]
fn skip_build_writes_only_the_tag_and_apply_to_writes_the_hub() {
    let mut r = repo_with(
        "127.0.0.1:5999/hublint-test/",
        &[
            (".hublint.yaml", "experimental-images: [127.0.0.1:5999/hublint-test/exp]\n"),
            ("hubs/staging.values.yaml", "# hublint: chart=jupyterhub\nhub:\n  config:\n    JupyterHub:\n      admin_access: true\n"),
        ],
    );
    let (outcome, ui) = build(r.path(), |o| o.skip_build = true);
    assert_eq!(
        outcome.exit_code, 0,
        "{:?} {:?}",
        outcome.record.error, ui.lint
    );
    let tag = outcome.record.images[0].tag.clone();
    assert_eq!(outcome.record.files_changed, ["mychart/values.yaml"]);
    assert_eq!(
        r.read("mychart/values.yaml"),
        VALUES.replace("\"0.0.1\"", &format!("\"{tag}\""))
    );
    assert_eq!(
        r.read("mychart/Chart.yaml"),
        "apiVersion: v2\nname: mychart\nversion: 0.1.0\n"
    );
    r.git(&["checkout", "--", "mychart/values.yaml"]);
    r.commit("noop", &[]);

    // An experimental image: no file changes without --apply-to, the hub's with it.
    let (outcome, ui) = build(r.path(), |o| {
        o.skip_build = true;
        o.images = vec!["exp".into()];
    });
    assert_eq!(outcome.exit_code, 0, "{:?}", outcome.record.error);
    assert!(outcome.record.files_changed.is_empty());
    let exp_tag = outcome.record.images[0].tag.clone();
    assert!(
        ui.results.contains(&format!("tag: \"{exp_tag}\"")),
        "{}",
        ui.results
    );
    let target = r.path().join("hubs/staging.values.yaml");
    let (outcome, _) = build(r.path(), |o| {
        o.skip_build = true;
        o.images = vec!["exp".into()];
        o.apply_to = Some(target.clone());
    });
    assert_eq!(outcome.exit_code, 0, "{:?}", outcome.record.error);
    assert_eq!(outcome.record.files_changed, ["hubs/staging.values.yaml"]);
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        format!("# hublint: chart=jupyterhub\nhub:\n  config:\n    JupyterHub:\n      admin_access: true\n  image:\n    name: 127.0.0.1:5999/hublint-test/exp\n    tag: \"{exp_tag}\"\n")
    );
}

#[test]
fn not_a_git_repository_or_no_config() {
    let dir = tempfile::tempdir().unwrap();
    let (outcome, _) = build(dir.path(), |_| {});
    assert_eq!(outcome.exit_code, 2);
    assert!(outcome.record.error.unwrap().contains("no chartpress.yaml"));
    std::fs::write(dir.path().join("chartpress.yaml"), "charts: []\n").unwrap();
    let (outcome, _) = build(dir.path(), |_| {});
    assert_eq!(outcome.exit_code, 1);
    assert!(outcome
        .record
        .error
        .unwrap()
        .contains("not inside a git repository"));
}

#[test]
fn a_repository_without_commits_is_reported_as_such() {
    let r = Repo::new();
    r.write(
        "chartpress.yaml",
        "charts:\n  - name: mychart\n    images:\n      hub:\n        valuesPath: hub.image\n",
    );
    r.write(
        "mychart/values.yaml",
        "hub:\n  image:\n    name: hub\n    tag: x\n",
    );
    r.write("images/hub/Dockerfile", "FROM scratch\n");
    let (outcome, _) = build(r.path(), |o| o.skip_build = true);
    assert_eq!(outcome.exit_code, 1);
    let err = outcome.record.error.unwrap();
    assert!(err.contains("no commits yet"), "{err}");
}
