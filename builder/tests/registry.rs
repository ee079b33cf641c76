//! Real builds and pushes: buildah (vfs storage, chroot isolation) and a local registry.
//!
//! Runs when HUBLINT_TEST_REGISTRY names a plain-HTTP registry (`127.0.0.1:PORT`) and buildah
//! and skopeo are on PATH; tests/ci.d/40-builder.sh starts Debian's docker-registry and sets
//! it, with CONTAINERS_STORAGE_CONF / CONTAINERS_REGISTRIES_CONF / BUILDAH_ISOLATION. Without
//! them each test prints a note and passes without building.

mod common;

use common::{build, snapshot, Repo};
use hublint_builder::BackendKind;
use std::process::Command;

fn registry() -> Option<String> {
    let reg = std::env::var("HUBLINT_TEST_REGISTRY").ok()?;
    let have = |p: &str| hublint_builder::backend::which(p).is_some();
    if !have("buildah") || !have("skopeo") {
        eprintln!("note: buildah/skopeo not on PATH; registry test skipped");
        return None;
    }
    Some(reg)
}

macro_rules! need_registry {
    () => {
        match registry() {
            Some(r) => r,
            None => {
                eprintln!("note: HUBLINT_TEST_REGISTRY is not set; real build/push test skipped (tests/ci.d/40-builder.sh runs it)");
                return;
            }
        }
    };
}

/// A repository name no other run or test uses.
fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{prefix}-{}-{nanos}", std::process::id())
}

const VALUES: &str = "\
# Chart defaults. Comments, quoting, indentation and list style must survive.
hub:
  image:
    name: REGISTRY/ORG/hub    # the main hub image
    tag: \"set-by-chartpress\"
  extraEnv:
  - name: GREETING      # a list chartpress would re-indent
    value: 'hello'
singleuser:
  profileList: [ {display_name: a}, {display_name: b} ]
";

fn repo(registry: &str, org: &str, dockerfile: &str) -> Repo {
    let mut r = Repo::new();
    let config = format!(
        "charts:\n  - name: mychart\n    imagePrefix: {registry}/{org}/\n    images:\n      hub:\n        valuesPath: hub.image\n        buildArgs:\n          GREETING_FILE: hello.txt\n"
    );
    let values = VALUES.replace("REGISTRY", registry).replace("ORG", org);
    r.commit(
        "c1",
        &[
            ("chartpress.yaml", &config),
            (
                "mychart/Chart.yaml",
                "apiVersion: v2\nname: mychart\nversion: 0.1.0\n",
            ),
            ("mychart/values.yaml", &values),
            ("images/hub/Dockerfile", dockerfile),
            ("images/hub/hello.txt", "hello from hublint\n"),
        ],
    );
    r
}

const GOOD_DOCKERFILE: &str = "FROM scratch\nARG GREETING_FILE\nCOPY ${GREETING_FILE} /hello.txt\n";

/// `skopeo inspect` of a pushed reference: its tags, or None when it is not there.
fn skopeo_tags(reference: &str) -> Option<Vec<String>> {
    let out = Command::new("skopeo")
        .args(["inspect", "--tls-verify=false"])
        .arg(format!("docker://{reference}"))
        .output()
        .unwrap();
    if !out.status.success() {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    Some(
        v["RepoTags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect(),
    )
}

#[test]
fn builds_pushes_and_writes_only_the_tag() {
    let reg = need_registry!();
    let org = unique("hublint-test");
    let r = repo(&reg, &org, GOOD_DOCKERFILE);
    let values_before = r.read("mychart/values.yaml");
    let chart_before = r.read("mychart/Chart.yaml");
    let (outcome, ui) = build(r.path(), |o| {
        o.push = true;
        o.builder = Some(BackendKind::Buildah);
    });
    assert_eq!(
        outcome.exit_code, 0,
        "{:?}\n{:#?}\n{:#?}",
        outcome.record.error, ui.lines, ui.backend_lines
    );
    let img = &outcome.record.images[0];
    assert_eq!(img.build.status, "ok");
    assert_eq!(img.push.status, "ok");
    assert!(img.tag.starts_with("0.0.1-0.dev.git.1.h"), "{}", img.tag);
    // The registry has it.
    let tags = skopeo_tags(&img.reference).expect("pushed image is on the registry");
    assert_eq!(tags, vec![img.tag.clone()]);
    // values.yaml holds the tag, every other byte unchanged; Chart.yaml untouched.
    let expected = values_before.replace(
        "tag: \"set-by-chartpress\"",
        &format!("tag: \"{}\"", img.tag),
    );
    assert_ne!(expected, values_before);
    assert_eq!(r.read("mychart/values.yaml"), expected);
    assert_eq!(r.read("mychart/Chart.yaml"), chart_before);
    assert_eq!(outcome.record.files_changed, ["mychart/values.yaml"]);
    assert!(img.values[0].written);
    // Progress showed both steps with their timing.
    assert!(ui.lines.iter().any(|l| l == "end hub build ok=true"));
    assert!(ui.lines.iter().any(|l| l == "end hub push ok=true"));
    // The backend's output was captured (shown with --verbose).
    assert!(!ui.backend_lines.is_empty());
}

#[test]
fn registry_down_build_succeeds_push_fails_nothing_changes() {
    let _ = need_registry!();
    // A loopback port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = format!("127.0.0.1:{port}");
    let r = repo(&down, &unique("hublint-down"), GOOD_DOCKERFILE);
    let before = snapshot(r.path());
    let (outcome, ui) = build(r.path(), |o| {
        o.push = true;
        o.builder = Some(BackendKind::Buildah);
    });
    assert_eq!(outcome.exit_code, 1, "{:#?}", ui.lines);
    let img = &outcome.record.images[0];
    assert_eq!(img.build.status, "ok", "the build itself works");
    assert_eq!(img.push.status, "failed");
    assert_eq!(outcome.record.failed_stage.as_deref(), Some("push"));
    assert!(outcome
        .record
        .error
        .as_deref()
        .unwrap()
        .contains("no file was changed"));
    assert!(outcome.record.files_changed.is_empty());
    assert!(!img.values[0].written);
    assert_eq!(snapshot(r.path()), before);
}

#[test]
fn failing_build_pushes_nothing_and_changes_nothing() {
    let reg = need_registry!();
    let org = unique("hublint-fail");
    // Lint-clean, but the file to copy does not exist.
    let r = repo(&reg, &org, "FROM scratch\nCOPY no-such-file.txt /x\n");
    let before = snapshot(r.path());
    let (outcome, ui) = build(r.path(), |o| {
        o.push = true;
        o.builder = Some(BackendKind::Buildah);
    });
    assert_eq!(outcome.exit_code, 1, "{:?}", ui.lint);
    let img = &outcome.record.images[0];
    assert_eq!(
        outcome.record.failed_stage.as_deref(),
        Some("build"),
        "{:?}",
        outcome.record.error
    );
    assert_eq!(img.build.status, "failed");
    assert_eq!(img.push.status, "skipped");
    assert!(ui.lines.iter().all(|l| !l.contains("hub push")));
    // The backend's complaint is shown.
    assert!(
        ui.lines.iter().any(|l| l.contains("no-such-file.txt")),
        "{:#?}",
        ui.lines
    );
    assert!(skopeo_tags(&img.reference).is_none());
    assert_eq!(snapshot(r.path()), before);
}

#[test]
fn lint_error_builds_nothing() {
    let reg = need_registry!();
    let org = unique("hublint-lint");
    let mut r = repo(&reg, &org, GOOD_DOCKERFILE);
    r.commit("break a values file", &[("mychart/broken.yaml", "a: [1\n")]);
    let (listed, _) = build(r.path(), |o| o.list_images = true);
    let reference = listed.record.images[0].reference.clone();
    let before = snapshot(r.path());
    let (outcome, ui) = build(r.path(), |o| {
        o.push = true;
        o.builder = Some(BackendKind::Buildah);
    });
    assert_eq!(outcome.exit_code, 1);
    assert_eq!(outcome.record.failed_stage.as_deref(), Some("lint"));
    assert!(ui.lint.iter().any(|d| d.code == "Y001"), "{:?}", ui.lint);
    assert!(ui.backend_lines.is_empty(), "no backend ran");
    let local = Command::new("buildah")
        .args(["inspect", "--type", "image", &reference])
        .output()
        .unwrap();
    assert!(!local.status.success(), "nothing was built locally");
    assert!(skopeo_tags(&reference).is_none(), "nothing was pushed");
    assert_eq!(snapshot(r.path()), before);
}

#[test]
fn experimental_image_changes_no_file_and_prints_the_snippet() {
    let reg = need_registry!();
    let org = unique("hublint-exp");
    let mut r = repo(&reg, &org, GOOD_DOCKERFILE);
    r.commit(
        "experiment",
        &[
            (
                "chartpress.yaml",
                &format!(
                    "charts:\n  - name: mychart\n    imagePrefix: {reg}/{org}/\n    images:\n      hub:\n        valuesPath: hub.image\n        buildArgs:\n          GREETING_FILE: hello.txt\n      pkce:\n        imageName: {reg}/{org}/pkce-experiment\n        contextPath: images/hub\n        buildArgs:\n          GREETING_FILE: hello.txt\n"
                ),
            ),
            (".hublint.yaml", &format!("experimental-images: [{reg}/{org}/pkce-experiment]\n")),
            ("hubs/staging.values.yaml", "# hublint: chart=jupyterhub\nhub:\n  config: {}\n"),
        ],
    );
    let before = snapshot(r.path());
    let (outcome, ui) = build(r.path(), |o| {
        o.push = true;
        o.builder = Some(BackendKind::Buildah);
        o.images = vec!["pkce".into()];
    });
    assert_eq!(
        outcome.exit_code, 0,
        "{:?} {:#?}",
        outcome.record.error, ui.lines
    );
    let img = &outcome.record.images[0];
    assert_eq!(skopeo_tags(&img.reference), Some(vec![img.tag.clone()]));
    assert!(outcome.record.files_changed.is_empty());
    assert_eq!(snapshot(r.path()), before);
    assert!(
        ui.results.contains(&format!(
            "    name: {reg}/{org}/pkce-experiment\n    tag: \"{}\"\n",
            img.tag
        )),
        "{}",
        ui.results
    );
    // With --apply-to, that hub's values file gets it (after the push, again).
    let target = r.path().join("hubs/staging.values.yaml");
    let (outcome, _) = build(r.path(), |o| {
        o.push = true;
        o.builder = Some(BackendKind::Buildah);
        o.images = vec!["pkce".into()];
        o.apply_to = Some(target.clone());
    });
    assert_eq!(outcome.exit_code, 0, "{:?}", outcome.record.error);
    assert_eq!(outcome.record.files_changed, ["hubs/staging.values.yaml"]);
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        format!(
            "# hublint: chart=jupyterhub\nhub:\n  config: {{}}\n  image:\n    name: {reg}/{org}/pkce-experiment\n    tag: \"{}\"\n",
            outcome.record.images[0].tag
        )
    );
}

#[test]
fn a_registry_that_wants_credentials_fails_early_with_the_login_command() {
    let _ = need_registry!();
    // A registry that answers every request with 401, as one needing a login does.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for mut s in listener.incoming().flatten().take(8) {
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            let _ = s.write_all(
                b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"\r\nContent-Length: 0\r\n\r\n",
            );
        }
    });
    let reg = addr.to_string();
    let r = repo(&reg, &unique("hublint-auth"), GOOD_DOCKERFILE);
    let before = snapshot(r.path());
    let (outcome, ui) = build(r.path(), |o| {
        o.push = true;
        o.builder = Some(BackendKind::Buildah);
    });
    assert_eq!(outcome.exit_code, 1);
    assert_eq!(outcome.record.failed_stage.as_deref(), Some("login"));
    let err = outcome.record.error.unwrap();
    assert!(
        err.contains(&format!("run `buildah login {reg}` first")),
        "{err}"
    );
    assert!(
        ui.lines.iter().all(|l| !l.starts_with("start ")),
        "nothing was built"
    );
    assert_eq!(snapshot(r.path()), before);
}

#[test]
fn a_tag_the_registry_has_is_neither_built_nor_pushed_unless_forced() {
    let reg = need_registry!();
    let org = unique("hublint-skip");
    let r = repo(&reg, &org, GOOD_DOCKERFILE);
    let push = |configure: fn(&mut hublint_builder::BuildOptions)| {
        r.git(&["checkout", "-q", "--", "."]);
        build(r.path(), |o| {
            o.push = true;
            o.builder = Some(BackendKind::Buildah);
            configure(o);
        })
    };
    // First run: the registry has no such tag; built and pushed.
    let (first, ui) = push(|_| {});
    assert_eq!(
        first.exit_code, 0,
        "{:?} {:#?}",
        first.record.error, ui.lines
    );
    let img = &first.record.images[0];
    assert_eq!(img.registry.as_deref(), Some("absent"));
    assert_eq!(
        (img.build.status.as_str(), img.push.status.as_str()),
        ("ok", "ok")
    );
    let tag = img.tag.clone();

    // Second run: the registry has it; nothing runs, values.yaml still gets the tag.
    let (second, ui) = push(|_| {});
    assert_eq!(second.exit_code, 0, "{:?}", second.record.error);
    let img = &second.record.images[0];
    assert_eq!(img.tag, tag);
    assert_eq!(img.registry.as_deref(), Some("present"));
    assert_eq!(
        (img.build.status.as_str(), img.push.status.as_str()),
        ("in-registry", "in-registry")
    );
    assert!(ui.backend_lines.is_empty(), "no backend process ran");
    assert_eq!(second.record.backend, None, "no backend was even chosen");
    assert!(
        ui.lines.iter().all(|l| !l.starts_with("start ")),
        "{:#?}",
        ui.lines
    );
    assert!(
        ui.lines.iter().any(|l| l.contains("already has it")),
        "{:#?}",
        ui.lines
    );
    assert_eq!(second.record.files_changed, ["mychart/values.yaml"]);
    assert!(r.read("mychart/values.yaml").contains(&tag));
    // The --json record says so.
    let json = serde_json::to_value(&second.record).unwrap();
    assert_eq!(json["images"][0]["registry"], "present");
    assert_eq!(json["images"][0]["push"]["status"], "in-registry");

    // --force-push: built and pushed again, the registry not asked.
    let (forced, ui) = push(|o| o.force_push = true);
    assert_eq!(forced.exit_code, 0, "{:?}", forced.record.error);
    let img = &forced.record.images[0];
    assert_eq!(img.registry, None);
    assert_eq!(
        (img.build.status.as_str(), img.push.status.as_str()),
        ("ok", "ok")
    );
    assert!(ui.lines.iter().any(|l| l == "end hub push ok=true"));
    assert_eq!(skopeo_tags(&img.reference), Some(vec![tag.clone()]));

    // --force-build without --push: built locally, registry not asked, no file written.
    let (rebuilt, _) = build(r.path(), |o| {
        o.builder = Some(BackendKind::Buildah);
        o.force_build = true;
    });
    assert_eq!(rebuilt.exit_code, 0, "{:?}", rebuilt.record.error);
    assert_eq!(rebuilt.record.images[0].build.status, "ok");
    assert_eq!(rebuilt.record.images[0].registry, None);
}
