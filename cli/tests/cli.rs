//! The `hublint` binary as a process: exit codes, output formats, fixes, selection.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn hublint(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hublint"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn write(root: &Path, files: &[(&str, &str)]) {
    for (p, t) in files {
        let path = root.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, t).unwrap();
    }
}

/// A V001 repository: FROM 3.3.7 against chart 3.2.1.
fn v001_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("helm-charts/chartpress.yaml", "charts:\n  - name: basehub\n    imagePrefix: quay.io/org/\n    images:\n      hub:\n        valuesPath: jupyterhub.hub.image\n"),
            ("helm-charts/basehub/Chart.yaml", "apiVersion: v2\nname: basehub\nversion: 0.1.0\ndependencies:\n  - name: jupyterhub\n    version: 3.2.1\n    repository: https://jupyterhub.github.io/helm-chart/\n"),
            ("helm-charts/basehub/values.yaml", "jupyterhub:\n  hub:\n    image:\n      name: quay.io/org/hub\n      tag: \"0.0.1-0.dev.git.3.h1234567\"\n"),
            ("helm-charts/images/hub/Dockerfile", "FROM jupyterhub/k8s-hub:3.3.7\nUSER root\n"),
        ],
    );
    dir
}

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/demo-deployment")
}

#[test]
fn exit_codes() {
    let clean = tempfile::tempdir().unwrap();
    write(clean.path(), &[("values.yaml", "a: 1\n")]);
    assert_eq!(hublint(&["check"], clean.path()).status.code(), Some(0));
    let bad = v001_repo();
    assert_eq!(hublint(&["check"], bad.path()).status.code(), Some(1));
    assert_eq!(
        hublint(&["check", "no/such/path"], clean.path())
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        hublint(&["check", "--output-format", "xml"], clean.path())
            .status
            .code(),
        Some(2)
    );
    // Warnings alone do not fail the run.
    write(
        clean.path(),
        &[(
            "x.values.yaml",
            "singleuser:\n  image:\n    name: a/b\n    tag: latest\n",
        )],
    );
    let o = hublint(&["check", "--select", "I001"], clean.path());
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("I001"));
}

#[test]
fn text_output_shows_the_source_line_and_caret() {
    let repo = v001_repo();
    let o = hublint(&["check", "--select", "V001"], repo.path());
    let out = stdout(&o);
    insta::assert_snapshot!("v001_text", out);
    assert!(
        !out.contains('\x1b'),
        "no colour with NO_COLOR or without a terminal"
    );
}

#[test]
fn json_output_has_the_documented_fields() {
    let repo = v001_repo();
    let o = hublint(
        &["check", "--select", "V001", "--output-format", "json"],
        repo.path(),
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    insta::assert_json_snapshot!("v001_json", v);
    let d = &v[0];
    assert_eq!(d["code"], "V001");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["filename"], "helm-charts/images/hub/Dockerfile");
    assert_eq!(d["location"], serde_json::json!({"row": 1, "column": 25}));
    assert_eq!(
        d["end_location"],
        serde_json::json!({"row": 1, "column": 30})
    );
    assert_eq!(d["fix"]["applicability"], "safe");
    assert_eq!(d["fix"]["edits"][0]["content"], "3.2.1");
}

#[test]
fn json_columns_count_characters() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("a.yaml", "é: 1\né: 2\n")]);
    let o = hublint(&["check", "--output-format", "json"], dir.path());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["code"], "Y002");
    assert_eq!(v[0]["location"], serde_json::json!({"row": 2, "column": 1}));
    assert_eq!(
        v[0]["end_location"],
        serde_json::json!({"row": 2, "column": 2}),
        "é is one character, two bytes"
    );
}

#[test]
fn github_annotations() {
    let repo = v001_repo();
    let o = hublint(
        &["check", "--select", "V001", "--output-format", "github"],
        repo.path(),
    );
    let out = stdout(&o);
    assert!(out.starts_with("::error file=helm-charts/images/hub/Dockerfile,line=1,col=25,endLine=1,endColumn=30,title=hublint V001::V001 "), "{out}");
}

#[test]
fn sarif_output_is_well_formed() {
    let repo = v001_repo();
    let o = hublint(&["check", "--output-format", "sarif"], repo.path());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "V001");
    let rule = &run["tool"]["driver"]["rules"][result["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(rule["id"], "V001");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        1
    );
    assert_eq!(
        result["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
        "3.2.1"
    );
}

#[test]
fn fix_applies_safe_fixes_and_is_idempotent() {
    let repo = v001_repo();
    let dockerfile = repo.path().join("helm-charts/images/hub/Dockerfile");
    let o = hublint(&["check", "--fix"], repo.path());
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(
        std::fs::read_to_string(&dockerfile).unwrap(),
        "FROM jupyterhub/k8s-hub:3.2.1\nUSER root\n"
    );
    let chart =
        std::fs::read_to_string(repo.path().join("helm-charts/basehub/Chart.yaml")).unwrap();
    assert!(
        chart.contains("version: 3.2.1"),
        "the unsafe fix is not applied"
    );
    let before: Vec<_> = walk(repo.path());
    let o = hublint(&["check", "--fix"], repo.path());
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        walk(repo.path()),
        before,
        "a second --fix changes nothing and leaves no temp file"
    );
}

fn walk(root: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read_to_string(&p).unwrap_or_default()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn select_ignore_and_suppression() {
    let repo = v001_repo();
    assert_eq!(
        hublint(&["check", "--ignore", "V"], repo.path())
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        hublint(&["check", "--select", "C,I"], repo.path())
            .status
            .code(),
        Some(0)
    );
    write(
        repo.path(),
        &[(
            "helm-charts/images/hub/Dockerfile",
            "# hublint: ignore[V001]\nFROM jupyterhub/k8s-hub:3.3.7\n",
        )],
    );
    let o = hublint(&["check"], repo.path());
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    write(
        repo.path(),
        &[
            (".hublint.yaml", "severity: {V001: warning}\n"),
            (
                "helm-charts/images/hub/Dockerfile",
                "FROM jupyterhub/k8s-hub:3.3.7\n",
            ),
        ],
    );
    let o = hublint(&["check", "--select", "V001"], repo.path());
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("warning[V001]"));
}

#[test]
fn a_file_path_is_checked_within_its_repository() {
    let repo = v001_repo();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    let o = hublint(
        &[
            "check",
            "--output-format",
            "json",
            "helm-charts/images/hub/Dockerfile",
        ],
        repo.path(),
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v.as_array().unwrap().len(),
        1,
        "V001 needs Chart.yaml from the same repository: {v}"
    );
    let o = hublint(
        &["check", "--output-format", "json", "helm-charts/basehub"],
        repo.path(),
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v.as_array().unwrap().iter().all(|d| d["filename"]
            .as_str()
            .unwrap()
            .starts_with("helm-charts/basehub/")),
        "{v}"
    );
}

#[test]
fn unreadable_files_are_reported_and_the_run_goes_on() {
    let repo = v001_repo();
    std::fs::write(
        repo.path().join("helm-charts/binary.yaml"),
        [0xffu8, 0xfe, 0x00, 0x01],
    )
    .unwrap();
    std::fs::write(
        repo.path().join("helm-charts/latin1.yaml"),
        b"name: caf\xe9\n",
    )
    .unwrap();
    let o = hublint(&["check", "--output-format", "json"], repo.path());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["filename"].as_str().unwrap()))
        .collect();
    assert!(
        codes.contains(&("F001", "helm-charts/binary.yaml")),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("F001", "helm-charts/latin1.yaml")),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("V001", "helm-charts/images/hub/Dockerfile")),
        "other files still checked: {codes:?}"
    );
}

#[test]
fn rule_docs() {
    let here = Path::new(".");
    let o = hublint(&["rule", "--all"], here);
    let out = stdout(&o);
    for code in [
        "V001", "V002", "V003", "C001", "C002", "C003", "I001", "I002", "I003", "Y001", "Y002",
        "F001",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with(code)),
            "{code} missing from --all"
        );
    }
    let o = hublint(&["rule", "V001"], here);
    let out = stdout(&o);
    assert!(
        out.contains("## Why") && out.contains("## Fix") && out.contains("```dockerfile"),
        "{out}"
    );
    assert_eq!(hublint(&["rule", "Z999"], here).status.code(), Some(2));
}

#[test]
fn the_bundled_example_fails_with_its_deliberate_problems() {
    let o = hublint(&["check", "--output-format", "json"], &example());
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    for code in ["V001", "I001"] {
        assert!(codes.contains(&code), "{code} not reported: {codes:?}");
    }
}

#[test]
fn example_repository_text_output() {
    let o = hublint(&["check"], &example());
    insta::assert_snapshot!("example_text", stdout(&o));
}

#[test]
fn hubs_lists_what_discovery_understood() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/demo-deployment");
    let out = hublint(&["hubs", "--output-format", "json"], &example);
    assert!(out.status.success(), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let hubs = report["hubs"].as_array().unwrap();
    let names: Vec<&str> = hubs.iter().map(|h| h["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["demo/staging", "demo/prod"]);
    let staging = &hubs[0];
    assert_eq!(staging["found_by"], "cluster.yaml");
    assert_eq!(staging["jupyterhub_version"], "4.3.3");
    assert_eq!(
        staging["jupyterhub_version_from"],
        "helm-charts/basehub/Chart.yaml:8"
    );
    assert_eq!(staging["values_path"], "jupyterhub");
    let text = stdout(&hublint(&["hubs"], &example));
    assert!(
        text.contains("found by     cluster.yaml at config/clusters/demo/cluster.yaml:"),
        "{text}"
    );
    assert!(
        text.ends_with("2 hubs in 1 cluster (jupyterhub 4.3.3), 3 values files\n"),
        "{text}"
    );
}

#[test]
fn hubs_values_prints_merged_values_with_their_origin() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/demo-deployment");
    let out = hublint(
        &[
            "hubs",
            "--values",
            "demo/staging",
            "--output-format",
            "json",
        ],
        &example,
    );
    assert!(out.status.success(), "{out:?}");
    let merged: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(merged["hub"].is_object(), "{merged}");
    let origins = stdout(&hublint(
        &["hubs", "--values", "demo/staging", "--show-origin"],
        &example,
    ));
    // Each leaf names the file and line that wrote it; the staging file's values win.
    assert!(
        origins
            .lines()
            .any(|l| l.contains("# config/clusters/demo/staging.values.yaml:")),
        "{origins}"
    );
    let missing = hublint(&["hubs", "--values", "nope"], &example);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("demo/staging"));
}

#[test]
fn hubs_values_with_the_chart_defaults() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/demo-deployment");
    let chart = tempfile::tempdir().unwrap();
    std::fs::write(
        chart.path().join("values.yaml"),
        "hub:\n  from_defaults: 1\n  nulled: null\nsingleuser:\n  image: {pullPolicy: IfNotPresent}\n",
    )
    .unwrap();
    let chart_dir = chart.path().to_str().unwrap();
    let values_with_defaults = |more: &[&str]| {
        let mut args = vec![
            "hubs",
            "--values",
            "demo/staging",
            "--with-defaults",
            "--jupyterhub-chart",
            chart_dir,
        ];
        args.extend_from_slice(more);
        hublint(&args, &example)
    };
    let out = values_with_defaults(&["--output-format", "json"]);
    assert!(out.status.success(), "{out:?}");
    let merged: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The chart's defaults under the files' values; its null kept, as helm's install keeps
    // the nulls of a chart wrapped by basehub; the staging file's image name beside them.
    assert_eq!(merged["hub"]["from_defaults"], 1, "{merged}");
    assert!(merged["hub"]["nulled"].is_null() && merged["hub"].get("nulled").is_some());
    assert_eq!(merged["singleuser"]["image"]["pullPolicy"], "IfNotPresent");
    assert_eq!(
        merged["singleuser"]["image"]["name"],
        "quay.io/example-org/staging-notebook"
    );
    // The secret file is left out, and said so.
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("enc-staging.secret.values.yaml left out")
    );
    // YAML output, each leaf with its origin.
    let yaml = stdout(&values_with_defaults(&[
        "--output-format",
        "yaml",
        "--show-origin",
    ]));
    assert!(yaml.contains("  from_defaults: 1  # "), "{yaml}");
    assert!(yaml.contains("values.yaml:2"), "{yaml}");
}

#[test]
fn fix_of_one_file_changes_that_file_only() {
    let dir = tempfile::tempdir().unwrap();
    let values = |tag: &str| {
        format!("# hublint: chart=jupyterhub version=4.4.0\nsingleuser:\n  image:\n    name: x\n    tag: {tag}\n")
    };
    write(
        dir.path(),
        &[
            ("a.yaml", &values("1.10")),
            ("b.yaml", &values("2.10")),
            (".hublint.yaml", "select: [Y003]\n"),
        ],
    );
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let o = hublint(&["check", "--fix", "a.yaml"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(std::fs::read_to_string(dir.path().join("a.yaml"))
        .unwrap()
        .contains("tag: \"1.10\""));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("b.yaml")).unwrap(),
        values("2.10")
    );
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let out = hublint(&["--version"], Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(out.status.success());
    let line = String::from_utf8(out.stdout).unwrap();
    let head = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8(o.stdout).unwrap().trim().to_string());
    let expected = match &head {
        Some(commit) => format!("hublint {} ({commit} ", env!("CARGO_PKG_VERSION")),
        // Built outside git (a source archive): the version alone.
        None => format!("hublint {}", env!("CARGO_PKG_VERSION")),
    };
    assert!(
        line.starts_with(&expected),
        "{line:?} does not start with {expected:?}"
    );
}

#[test]
fn select_replaces_and_extend_select_adds() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (".hublint.yaml", "select: [Y002]\n"),
            ("a.yaml", "a: 1\na: 2\n"),
            ("requirements.txt", "x\n"),
            ("Dockerfile", "FROM python:3.12\nCOPY requirements.txt /\n"),
        ],
    );
    let codes = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["check", "--output-format", "json"];
        all.extend_from_slice(args);
        let v: serde_json::Value =
            serde_json::from_slice(&hublint(&all, dir.path()).stdout).unwrap();
        let mut c: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect();
        c.sort();
        c.dedup();
        c
    };
    assert_eq!(codes(&[]), ["Y002"]);
    assert_eq!(codes(&["--select", "R004"]), ["R004"]);
    assert_eq!(codes(&["--extend-select", "R004"]), ["R004", "Y002"]);
}

#[test]
fn completions_cover_every_subcommand_for_each_shell() {
    let cwd = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (shell, marker) in [
        ("bash", "complete -F _hublint"),
        ("zsh", "#compdef hublint"),
        ("fish", "complete -c hublint"),
    ] {
        let out = hublint(&["completions", shell], cwd);
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: no {marker:?}");
        for sub in ["check", "lsp", "playground", "completions"] {
            assert!(script.contains(sub), "{shell}: {sub} not completed");
        }
    }
    let out = hublint(&["completions", "powershell"], cwd);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn broken_globs_are_config_errors_and_bad_exclude_flags_stop_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let long_name = format!("{}.yaml", "a".repeat(200));
    write(
        dir.path(),
        &[
            (
                ".hublint.yaml",
                "exclude:\n  - history/**\n  - \"a[b\"\nper-path-ignores:\n  \"x/{y\": [Y002]\n",
            ),
            ("history/old.yaml", "a: 1\na: 2\n"),
            (long_name.as_str(), "a: 1\n"),
        ],
    );
    let o = hublint(&["check", "--output-format", "json"], dir.path());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let found: Vec<(String, String, u64)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["filename"].as_str().unwrap().to_string(),
                d["location"]["row"].as_u64().unwrap(),
            )
        })
        .collect();
    // The valid pattern still leaves history/ out (no Y002 there); each broken one is H001
    // at its own line.
    assert_eq!(
        found,
        [
            ("H001".into(), ".hublint.yaml".into(), 3),
            ("H001".into(), ".hublint.yaml".into(), 5)
        ],
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("invalid glob `a[b`"), "{}", stdout(&o));

    let o = hublint(&["check", "--exclude", "deploy/[z-a]"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--exclude: invalid glob `deploy/[z-a]`"),
        "{err}"
    );

    // A pattern the old matcher backtracked on for hours against this file name.
    let hostile = format!("{}*b", "*a".repeat(20));
    let o = hublint(&["check", "--exclude", &hostile], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
}
