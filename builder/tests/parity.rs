//! `hublint build --skip-build` against chartpress 2.4.0 on generated git histories: the same
//! tag for every image, the same values.yaml content, the same chart version.
//!
//! Needs chartpress: set HUBLINT_CHARTPRESS to its executable (tests/ci.d/40-builder.sh
//! installs chartpress==2.4.0 in a venv and sets it). Without it the test prints a note and
//! passes without comparing.

mod common;

use common::{build, yaml_as_json, Repo};
use std::path::{Path, PathBuf};
use std::process::Command;

fn chartpress() -> Option<PathBuf> {
    let p = PathBuf::from(std::env::var_os("HUBLINT_CHARTPRESS")?);
    p.is_file().then_some(p)
}

const DOCKERFILE: &str = "FROM scratch\nCOPY x /x\n";

const VALUES: &str = "\
# Default values (a comment chartpress keeps but re-indents around)
hub:
  image:
    name: set-by-chartpress
    tag: \"set-by-chartpress\"   # quoted
  extraEnv:
  - name: A
    value: \"1\"
singleuser:
  image:
    name: set-by-chartpress
    tag: set-by-chartpress
prePuller:
  extra:
    - image: placeholder:old
proxy:
  sidecar: placeholder:old
";

const CONFIG: &str = "\
charts:
  - name: mychart
    imagePrefix: registry.example.org/test/
    images:
      hub:
        valuesPath: hub.image
      singleuser:
        valuesPath:
          - singleuser.image
          - prePuller.extra.0.image
        paths:
          - shared/
      sidecar:
        valuesPath: proxy.sidecar
        contextPath: images/hub
        dockerfilePath: images/hub/Dockerfile.sidecar
        rebuildOnContextPathChanges: false
      tool:
        imageName: registry.example.org/other/tool
";

fn base_files() -> Vec<(&'static str, String)> {
    vec![
        ("chartpress.yaml", CONFIG.to_string()),
        (
            "mychart/Chart.yaml",
            "apiVersion: v2\nname: mychart\nversion: 0.0.1-set.by.chartpress\ndependencies:\n- name: jupyterhub\n  version: 4.3.3\n  repository: https://hub.jupyter.org/helm-chart/\n".to_string(),
        ),
        ("mychart/values.yaml", VALUES.to_string()),
        ("mychart/templates/a.yaml", "kind: ConfigMap\n".to_string()),
        ("images/hub/Dockerfile", DOCKERFILE.to_string()),
        ("images/hub/Dockerfile.sidecar", DOCKERFILE.to_string()),
        ("images/hub/x", "1\n".to_string()),
        ("images/singleuser/Dockerfile", DOCKERFILE.to_string()),
        ("images/singleuser/x", "1\n".to_string()),
        ("images/tool/Dockerfile", DOCKERFILE.to_string()),
        ("images/tool/x", "1\n".to_string()),
        ("shared/lib.txt", "1\n".to_string()),
        ("README.md", "readme\n".to_string()),
    ]
}

fn commit_all(repo: &mut Repo, msg: &str, files: &[(&str, String)]) {
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (*a, b.as_str())).collect();
    repo.commit(msg, &refs);
}

fn touch(repo: &mut Repo, msg: &str, path: &str) {
    // A comment line is valid in every kind of file here (Dockerfile, YAML, text).
    let text = format!("{}# {msg}\n", repo.read(path));
    repo.commit(msg, &[(path, &text)]);
}

/// Histories, by name: each returns the repository and the chartpress config folder.
fn scenarios() -> Vec<(&'static str, Repo, &'static str)> {
    let mut out = Vec::new();

    // No tag at all: c1 everything, c2 hub image, c3 README only.
    let mut r = Repo::new();
    commit_all(&mut r, "c1", &base_files());
    touch(&mut r, "c2 hub", "images/hub/x");
    touch(&mut r, "c3 readme", "README.md");
    out.push(("no-tag", r, ""));

    // A commit touching only chart files moves the chart version, not the images.
    let mut r = Repo::new();
    commit_all(&mut r, "c1", &base_files());
    touch(&mut r, "c2 hub", "images/hub/x");
    touch(&mut r, "c3 chart only", "mychart/templates/a.yaml");
    out.push(("chart-only-change", r, ""));

    // Exactly on a release tag (lightweight): bare tags.
    let mut r = Repo::new();
    commit_all(&mut r, "c1", &base_files());
    touch(&mut r, "c2 hub", "images/hub/x");
    touch(&mut r, "c3 chart", "mychart/templates/a.yaml");
    r.tag("0.1.0");
    out.push(("on-release-tag", r, ""));

    // An image change after a release tag; other images move to the tag.
    let mut r = Repo::new();
    commit_all(&mut r, "c1", &base_files());
    touch(&mut r, "c2 hub", "images/hub/x");
    r.tag("0.1.0");
    touch(&mut r, "c3 singleuser", "images/singleuser/x");
    touch(&mut r, "c4 readme", "README.md");
    out.push(("image-change-after-tag", r, ""));

    // After an annotated prerelease tag: `.git.` separator; a shared `paths:` change.
    let mut r = Repo::new();
    commit_all(&mut r, "c1", &base_files());
    r.annotated_tag("1.0.0-alpha.1");
    touch(&mut r, "c2 hub", "images/hub/x");
    touch(&mut r, "c3 shared", "shared/lib.txt");
    touch(
        &mut r,
        "c4 sidecar dockerfile",
        "images/hub/Dockerfile.sidecar",
    );
    out.push(("after-prerelease-tag", r, ""));

    // A `v` tag: image tag keeps the v, chart version drops it.
    let mut r = Repo::new();
    commit_all(&mut r, "c1", &base_files());
    r.tag("v0.2.0");
    out.push(("v-tag", r, ""));
    let mut r = Repo::new();
    commit_all(&mut r, "c1", &base_files());
    r.tag("v0.2.0");
    touch(&mut r, "c2 tool", "images/tool/x");
    out.push(("v-tag-then-change", r, ""));

    // Merges: an image changed on a branch (tagged there) and merged with a merge commit,
    // while main changed another image; then a merge that keeps main's side of a file.
    let mut r = Repo::new();
    commit_all(&mut r, "c1", &base_files());
    r.git(&["checkout", "-q", "-b", "feature"]);
    touch(&mut r, "f1 hub", "images/hub/x");
    r.tag("0.3.0-beta.1");
    touch(&mut r, "f2 readme", "README.md");
    r.git(&["checkout", "-q", "main"]);
    touch(&mut r, "m1 singleuser", "images/singleuser/x");
    r.git(&["merge", "-q", "--no-ff", "-m", "merge feature", "feature"]);
    r.git(&["checkout", "-q", "-b", "side"]);
    touch(&mut r, "s1 tool", "images/tool/x");
    r.git(&["checkout", "-q", "main"]);
    touch(&mut r, "m2 chart", "mychart/templates/a.yaml");
    r.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-s",
        "ours",
        "-m",
        "merge side, keep ours",
        "side",
    ]);
    out.push(("merges", r, ""));

    // History simplification decides: main changes the hub image after the feature branch
    // did, and the merge takes the feature's side (`-X theirs`), so the merge is TREESAME to
    // its second parent for the hub's paths and `git log -- PATHS` follows only that parent:
    // main's newer hub commit is not the hub's last commit. An evil merge then changes the
    // singleuser image in the merge commit itself.
    let mut r = Repo::new();
    commit_all(&mut r, "c1", &base_files());
    r.git(&["checkout", "-q", "-b", "feature"]);
    touch(&mut r, "f1 hub", "images/hub/x");
    touch(&mut r, "f2 readme", "README.md");
    r.git(&["checkout", "-q", "main"]);
    touch(&mut r, "m1 hub", "images/hub/x");
    touch(&mut r, "m2 singleuser", "images/singleuser/x");
    r.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-X",
        "theirs",
        "-m",
        "merge feature, theirs",
        "feature",
    ]);
    r.git(&["checkout", "-q", "-b", "evil"]);
    touch(&mut r, "e1 readme", "README.md");
    r.git(&["checkout", "-q", "main"]);
    r.git(&["merge", "-q", "--no-ff", "--no-commit", "evil"]);
    r.write("images/singleuser/x", "changed in the merge\n");
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "-m", "evil merge"]);
    out.push(("merge-simplification", r, ""));

    // baseVersion, after a tag and with `minor`.
    for (name, base) in [
        ("base-version", "\"2.0.0-0.dev\""),
        ("base-version-minor", "minor"),
    ] {
        let mut r = Repo::new();
        let mut files = base_files();
        files[0].1 = CONFIG.replace(
            "    imagePrefix:",
            &format!("    baseVersion: {base}\n    imagePrefix:"),
        );
        commit_all(&mut r, "c1", &files);
        r.tag("1.1.0");
        touch(&mut r, "c2 hub", "images/hub/x");
        touch(&mut r, "c3 chart", "mychart/templates/a.yaml");
        out.push((name, r, ""));
    }

    // 2i2c's layout: chartpress.yaml in a sub-folder, two images on one valuesPath (the
    // later wins), an image with imageName and no valuesPath.
    let mut r = Repo::new();
    let sub = "\
charts:
  - name: basehub
    imagePrefix: quay.io/2i2c/pilot-
    images:
      hub:
        valuesPath: jupyterhub.hub.image
        buildArgs:
          REQUIREMENTS_FILE: requirements.txt
      hub-authz-helpers:
        valuesPath: jupyterhub.hub.image
        buildArgs:
          REQUIREMENTS_FILE: authz-helpers-requirements.txt
        contextPath: images/hub
        dockerfilePath: images/hub/Dockerfile
      oauthenticator-latest:
        imageName: quay.io/2i2c/oauthenticator-latest
        buildArgs:
          REQUIREMENTS_FILE: oauthenticator-latest-requirements.txt
        contextPath: images/hub
        dockerfilePath: images/hub/Dockerfile
";
    let files: Vec<(&str, String)> = vec![
        ("helm-charts/chartpress.yaml", sub.to_string()),
        (
            "helm-charts/basehub/Chart.yaml",
            "apiVersion: v2\nname: basehub\nversion: 0.1.0\ndependencies:\n  # a comment inside the list\n  - name: jupyterhub\n    version: 4.3.3\n    repository: https://hub.jupyter.org/helm-chart/\n".into(),
        ),
        (
            "helm-charts/basehub/values.yaml",
            "jupyterhub:\n  hub:\n    image:\n      name: quay.io/2i2c/pilot-hub\n      tag: \"0.0.1-0.dev.git.1.habcdef1\"\n    extraConfig: {}\n".into(),
        ),
        ("helm-charts/images/hub/Dockerfile", "FROM scratch\nARG REQUIREMENTS_FILE\nCOPY ${REQUIREMENTS_FILE} /r.txt\n".into()),
        ("helm-charts/images/hub/requirements.txt", "jupyterhub==5.2.1\n".into()),
        ("helm-charts/images/hub/authz-helpers-requirements.txt", "jupyterhub==5.2.1\n".into()),
        ("helm-charts/images/hub/oauthenticator-latest-requirements.txt", "jupyterhub==5.2.1\n".into()),
        ("config/clusters/a/cluster.yaml", "name: a\nprovider: gcp\nhubs: []\n".into()),
    ];
    commit_all(&mut r, "c1", &files);
    touch(&mut r, "c2 reqs", "helm-charts/images/hub/requirements.txt");
    touch(&mut r, "c3 cluster", "config/clusters/a/cluster.yaml");
    out.push(("2i2c-layout", r, "helm-charts"));

    out
}

/// What chartpress says, from one Python process (its start-up dominates the test time):
/// every image's `name:tag` from chartpress's own functions (its CLI lists only images with a
/// valuesPath), then `chartpress --list-images FLAGS` and `chartpress --skip-build FLAGS`
/// through its command-line entry point `chartpress.main(argv)`.
struct Chartpress {
    tags: Vec<String>,
    listed: Vec<String>,
}

fn run_chartpress(
    python: &Path,
    dir: &Path,
    long: bool,
    tag: Option<&str>,
    flags: &[&str],
) -> Chartpress {
    let script = r#"
import contextlib, io, json, sys, chartpress
from ruamel.yaml import YAML
long = sys.argv[1] == "1"
forced = sys.argv[2] or None
flags = sys.argv[3:]
cfg = YAML(typ="safe").load(open("chartpress.yaml"))
tags = []
for chart in cfg["charts"]:
    base = None
    if not forced and chart.get("baseVersion"):
        base = chartpress._check_or_get_base_version(chart["baseVersion"])
    for key, opts in (chart.get("images") or {}).items():
        if forced:
            tag = forced
        else:
            paths = chartpress._get_all_image_paths(key, opts, "chartpress.yaml")
            tag = chartpress._get_identifier_from_paths(*paths, long=long, base_version=base)
        tags.append(opts.get("imageName", chart.get("imagePrefix", "") + key) + ":" + tag)
listed = io.StringIO()
with contextlib.redirect_stdout(listed):
    chartpress.main(["--list-images", *flags])
with contextlib.redirect_stdout(io.StringIO()):
    chartpress.main(["--skip-build", *flags])
print(json.dumps({"tags": tags, "listed": listed.getvalue().split()}))
"#;
    let out = Command::new(python)
        .current_dir(dir)
        .arg("-c")
        .arg(script)
        .arg(if long { "1" } else { "0" })
        .arg(tag.unwrap_or(""))
        .args(flags)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "chartpress in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let strings = |k: &str| -> Vec<String> {
        v[k].as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    Chartpress {
        tags: strings("tags"),
        listed: strings("listed"),
    }
}

#[test]
fn tags_and_values_match_chartpress() {
    let Some(exe) = chartpress() else {
        eprintln!("note: HUBLINT_CHARTPRESS is not set; chartpress parity not compared (tests/ci.d/40-builder.sh runs it)");
        return;
    };
    // The venv's interpreter, beside its chartpress script.
    let python = exe.parent().unwrap().join("python");
    let mut compared = 0;
    let all = scenarios();
    let mut expected_runs = 0;
    for (index, (name, repo, sub)) in all.into_iter().enumerate() {
        let mut variants: Vec<(Vec<&str>, bool, Option<&str>)> =
            vec![(vec![], false, None), (vec!["--long"], true, None)];
        // `--tag` sets every tag the same way whatever the history: two histories suffice.
        if index < 2 || sub == "helm-charts" {
            variants.push((vec!["--tag", "9.9.9-rc.1"], false, Some("9.9.9-rc.1")));
        }
        expected_runs += variants.len();
        for (flags, long, tag) in variants {
            let ctx = format!("{name} {flags:?}");
            let theirs = repo.copy();
            let ours = repo.copy();
            let their_dir = theirs.path().join(sub);
            let our_dir = ours.path().join(sub);

            // Tags of every image; chartpress also rewrites its copy's files here.
            let t0 = std::time::Instant::now();
            let cp = run_chartpress(&python, &their_dir, long, tag, &flags);
            let t_chartpress = t0.elapsed();
            let t0 = std::time::Instant::now();
            let (outcome, ui) = build(&our_dir, |o| {
                o.skip_build = true;
                o.bump_chart = true;
                o.long = long;
                o.tag = tag.map(str::to_string);
            });
            assert_eq!(
                outcome.exit_code, 0,
                "{ctx}: {:?}\n{:#?}\n{:?}",
                outcome.record.error, ui.lines, ui.lint
            );
            let got: Vec<String> = outcome
                .record
                .images
                .iter()
                .map(|i| i.reference.clone())
                .collect();
            assert_eq!(got, cp.tags, "{ctx}: image tags");
            // These answers came from the in-process reader, not from git processes.
            let history = hublint_builder::history::History::open(ours.path())
                .unwrap_or_else(|e| panic!("{ctx}: in-process reader refused: {e}"));
            assert!(history.describe(0).is_ok(), "{ctx}: describe left to git");
            for image in &outcome.record.images {
                assert!(
                    history.last_commit_touching(&image.paths).is_ok(),
                    "{ctx}: git log of {:?} left to git",
                    image.paths
                );
            }
            eprintln!(
                "{ctx}: same tags; chartpress {:.2}s, hublint {:.2}s",
                t_chartpress.as_secs_f64(),
                t0.elapsed().as_secs_f64()
            );

            // `--list-images`: chartpress lists valuesPath images; ours lists them all.
            let (list_outcome, list_ui) = build(&our_dir, |o| {
                o.list_images = true;
                o.long = long;
                o.tag = tag.map(str::to_string);
            });
            assert_eq!(list_outcome.exit_code, 0, "{ctx}");
            assert!(!cp.listed.is_empty(), "{ctx}");
            for line in &cp.listed {
                assert!(
                    list_ui.results.lines().any(|l| l == line),
                    "{ctx}: chartpress listed {line}, we did not:\n{}",
                    list_ui.results
                );
            }

            // Files: chartpress --skip-build rewrote values.yaml and Chart.yaml.
            let chart_dir = if sub.is_empty() {
                "mychart"
            } else {
                "helm-charts/basehub"
            };
            for file in ["values.yaml", "Chart.yaml"] {
                let rel = format!("{chart_dir}/{file}");
                let a = std::fs::read_to_string(theirs.path().join(&rel)).unwrap();
                let b = std::fs::read_to_string(ours.path().join(&rel)).unwrap();
                assert_eq!(
                    yaml_as_json(&b),
                    yaml_as_json(&a),
                    "{ctx}: {rel} content differs\nchartpress:\n{a}\nhublint:\n{b}"
                );
                // And ours changed no line other than image and version lines.
                let before = repo.read(&rel);
                assert_eq!(
                    before.lines().count(),
                    b.lines().count(),
                    "{ctx}: {rel} line count"
                );
                for (x, y) in before.lines().zip(b.lines()) {
                    if x != y {
                        let key = x
                            .trim_start()
                            .trim_start_matches("- ")
                            .split(':')
                            .next()
                            .unwrap_or("");
                        assert!(
                            ["tag", "name", "version", "image", "sidecar"].contains(&key),
                            "{ctx}: {rel}: unexpected change {x:?} -> {y:?}"
                        );
                    }
                }
            }
            compared += 1;
        }
    }
    eprintln!("compared {compared} scenario/flag combinations with chartpress 2.4.0");
    assert_eq!(compared, expected_runs);
}

fn copy_dir(from: &Path) -> tempfile::TempDir {
    let dest = tempfile::tempdir().unwrap();
    let status = Command::new("cp")
        .args(["-a", "."])
        .arg(dest.path())
        .current_dir(from)
        .status()
        .unwrap();
    assert!(status.success());
    dest
}

fn chartpress_cli(exe: &Path, dir: &Path, args: &[&str]) {
    let out = Command::new(exe)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "chartpress {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `hublint build --reset` writes the same bytes as `chartpress --reset`, on the files a
/// repository holds before a commit: tags written by chartpress itself, and tags written by
/// `hublint build` into files in chartpress's layout; with the default placeholders and
/// with `resetTag` / `resetVersion` configured.
#[test]
fn reset_writes_the_bytes_chartpress_writes() {
    let Some(exe) = chartpress() else {
        eprintln!("note: HUBLINT_CHARTPRESS is not set; --reset parity not compared (tests/ci.d/40-builder.sh runs it)");
        return;
    };
    let mut compared = 0;
    for (name, repo, sub) in scenarios() {
        if !["no-tag", "after-prerelease-tag", "2i2c-layout"].contains(&name) {
            continue;
        }
        let chart_dir = if sub.is_empty() {
            "mychart"
        } else {
            "helm-charts/basehub"
        };
        for custom in [false, true] {
            // A state chartpress has written: its --skip-build, in its own layout.
            let seed = repo.copy();
            let seed_dir = seed.path().join(sub);
            if custom {
                let cfg = seed_dir.join("chartpress.yaml");
                let text = std::fs::read_to_string(&cfg).unwrap().replacen(
                    "    images:",
                    "    resetTag: \"reset-me\"\n    resetVersion: 0.0.0-reset.1\n    images:",
                    1,
                );
                std::fs::write(&cfg, text).unwrap();
            }
            chartpress_cli(&exe, &seed_dir, &["--skip-build"]);
            for writer in ["chartpress", "hublint"] {
                let ctx = format!("{name} custom={custom} tags by {writer}");
                let start = copy_dir(seed.path());
                let start_dir = start.path().join(sub);
                if writer == "hublint" {
                    // chartpress's layout with placeholders, then hublint's tags.
                    chartpress_cli(&exe, &start_dir, &["--reset"]);
                    let (o, ui) = build(&start_dir, |o| {
                        o.skip_build = true;
                        o.bump_chart = true;
                        o.allow_dirty = true;
                    });
                    assert_eq!(
                        o.exit_code, 0,
                        "{ctx}: {:?} {:#?}",
                        o.record.error, ui.lines
                    );
                }
                let theirs = copy_dir(start.path());
                let ours = copy_dir(start.path());
                chartpress_cli(&exe, &theirs.path().join(sub), &["--reset"]);
                let (o, ui) = build(&ours.path().join(sub), |o| o.reset = true);
                assert_eq!(
                    o.exit_code, 0,
                    "{ctx}: {:?} {:#?}",
                    o.record.error, ui.lines
                );
                assert!(
                    ui.lint.is_empty() && !o.record.lint.ran,
                    "{ctx}: --reset does not lint"
                );
                for file in ["values.yaml", "Chart.yaml"] {
                    let rel = format!("{chart_dir}/{file}");
                    let before = std::fs::read_to_string(start.path().join(&rel)).unwrap();
                    let a = std::fs::read_to_string(theirs.path().join(&rel)).unwrap();
                    let b = std::fs::read_to_string(ours.path().join(&rel)).unwrap();
                    assert_ne!(before, a, "{ctx}: {rel}: chartpress changed nothing");
                    assert_eq!(b, a, "{ctx}: {rel} differs from chartpress --reset");
                }
                // A second reset changes nothing.
                let (again, _) = build(&ours.path().join(sub), |o| o.reset = true);
                assert_eq!(again.exit_code, 0);
                assert!(again.record.files_changed.is_empty(), "{ctx}");
                compared += 1;
            }
        }
    }
    eprintln!("--reset: {compared} states reset byte for byte as chartpress 2.4.0 does");
    assert_eq!(compared, 12);
}
