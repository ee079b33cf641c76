//! Rules R001–R007 and D001–D003 on small repositories written here: each rule fires where
//! it should, with the right range, related locations and fixes, and stays quiet otherwise.

use hublint_core::fix::apply_edits;
use hublint_core::{check, Applicability, Config, Diagnostic, Severity, Workspace};

fn run(files: &[(&str, &str)]) -> (Workspace, Vec<Diagnostic>) {
    let mut ws = Workspace::new();
    for (path, text) in files {
        ws.insert_text(path, *text);
    }
    let diags = check(&ws, &Config::default());
    (ws, diags)
}

fn only(files: &[(&str, &str)], code: &str) -> (Workspace, Vec<Diagnostic>) {
    let (ws, diags) = run(files);
    let mine = diags.into_iter().filter(|d| d.code == code).collect();
    (ws, mine)
}

fn text_at<'a>(ws: &'a Workspace, d: &Diagnostic) -> &'a str {
    let text = ws.get(&d.file).unwrap().text().unwrap();
    &text[d.range.start..d.range.end]
}

fn fixed(ws: &Workspace, d: &Diagnostic, applicability: Applicability) -> String {
    let fix = d
        .fixes
        .iter()
        .find(|f| f.applicability == applicability)
        .expect("a fix");
    let edits: Vec<_> = fix.edits.iter().collect();
    let (out, n) = apply_edits(ws.get(&d.file).unwrap().text().unwrap(), &edits);
    assert_eq!(n, edits.len());
    out
}

const SHA: &str = "ed7e3a0df1e3d625d10903ef7d7fd9c2fbb548db";

#[test]
fn r001_unparsable_lines() {
    let (ws, d) = only(
        &[("images/hub/requirements.txt", "ok==1.0\nfoo=1.0\n--bogus\n")],
        "R001",
    );
    assert_eq!(d.len(), 2, "{d:#?}");
    assert_eq!(text_at(&ws, &d[0]), "=1.0");
    assert!(d[0].message.contains("==1.0"), "{}", d[0].message);
    assert_eq!(text_at(&ws, &d[1]), "--bogus");
    assert_eq!(d[0].severity, Severity::Error);
    let (_, d) = only(
        &[(
            "requirements.txt",
            "ok==1.0\nbar[x]>=2 ; python_version >= '3.9'\n",
        )],
        "R001",
    );
    assert!(d.is_empty(), "{d:#?}");
    // Only requirements files are read as such.
    let (_, d) = only(&[("notes.txt", "foo=1.0\n")], "R001");
    assert!(d.is_empty());
}

#[test]
fn r002_vcs_without_ref() {
    let (ws, d) = only(
        &[(
            "requirements.txt",
            "git+https://github.com/yuvipanda/jupyterhub-configurator\n",
        )],
        "R002",
    );
    assert_eq!(d.len(), 1);
    assert_eq!(
        text_at(&ws, &d[0]),
        "git+https://github.com/yuvipanda/jupyterhub-configurator"
    );
    assert!(d[0].message.contains("jupyterhub-configurator"));
    let (_, d) = only(
        &[(
            "requirements.txt",
            &format!("git+https://github.com/org/repo@{SHA}\ngit+https://github.com/org/other@main\nplain==1\n"),
        )],
        "R002",
    );
    assert!(d.is_empty(), "{d:#?}");
}

#[test]
fn r003_refs_that_are_not_commits() {
    let text = format!(
        "git+https://github.com/yuvipanda/jupyterhub-configurator@${SHA}\n\
         git+https://github.com/yuvipanda/jupyterhub-configurator@backported-jh41-compatibility\n\
         pkg @ git+https://github.com/org/pkg@ed7e3a0\n\
         git+https://github.com/org/ok@{SHA}\n\
         git+https://github.com/org/ok256@{SHA}{}\n\
         svn+https://svn.example/repo@1234#egg=legacy\n",
        &SHA[..24]
    );
    let (ws, d) = only(&[("images/hub/requirements.txt", &text)], "R003");
    assert_eq!(d.len(), 3, "{d:#?}");
    assert_eq!(text_at(&ws, &d[0]), format!("${SHA}"));
    assert!(d[0].message.contains("stray `$`"), "{}", d[0].message);
    let out = fixed(&ws, &d[0], Applicability::Safe);
    assert!(out.starts_with(&format!(
        "git+https://github.com/yuvipanda/jupyterhub-configurator@{SHA}\n"
    )));
    assert_eq!(text_at(&ws, &d[1]), "backported-jh41-compatibility");
    assert!(d[1].message.contains("branch or tag"));
    assert!(d[1].fixes.is_empty());
    assert_eq!(text_at(&ws, &d[2]), "ed7e3a0");
    assert!(d[2].message.contains("shortened"));
    assert!(d.iter().all(|d| d.severity == Severity::Error));
}

#[test]
fn r004_unpinned_requirements() {
    // Pinning applies to the requirements an image installs: the Dockerfile beside it says so.
    let (ws, d) = only(
        &[("images/hub/Dockerfile", "FROM x:1\n"), (
            "images/hub/requirements.txt",
            "oauthenticator>=17.3,<18\njupyterhub-fancy-profiles\nkubespawner==7.*\npinned==1.0\nexact===2.0\n./local\n",
        )],
        "R004",
    );
    assert_eq!(d.len(), 3, "{d:#?}");
    assert_eq!(text_at(&ws, &d[0]), ">=17.3,<18");
    assert_eq!(text_at(&ws, &d[1]), "jupyterhub-fancy-profiles");
    assert_eq!(text_at(&ws, &d[2]), "==7.*");
    assert_eq!(d[0].severity, Severity::Warning);
    // A pin in an included constraints file counts, also through `-r`.
    let (_, d) = only(
        &[
            ("images/hub/Dockerfile", "FROM x:1\n"),
            (
                "images/hub/requirements.txt",
                "-r base-requirements.txt\nfoo>=1\n",
            ),
            (
                "images/hub/base-requirements.txt",
                "-c ../constraints.txt\nbar\n",
            ),
            ("images/constraints.txt", "foo==1.2\nbar==3.4\n"),
        ],
        "R004",
    );
    assert!(d.is_empty(), "{d:#?}");
}

#[test]
fn r005_duplicates_in_one_file() {
    let (ws, d) = only(
        &[(
            "requirements.txt",
            "Jupyterhub_Fancy.Profiles==0.4.1\noauthenticator==17.3.0\njupyterhub-fancy-profiles==0.6.0\nfoo==1 ; python_version < '3.11'\nfoo==2 ; python_version >= '3.11'\n",
        )],
        "R005",
    );
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(text_at(&ws, &d[0]), "jupyterhub-fancy-profiles");
    assert_eq!(d[0].related.len(), 1);
    assert_eq!(d[0].related[0].range.start, 0);
}

#[test]
fn r006_drift_between_files_of_one_image_directory() {
    let files = [
        (
            "helm-charts/images/hub/requirements.txt",
            "jupyterhub-fancy-profiles==0.6.0\njupyterhub-usage-quotas==0.1.4\n",
        ),
        (
            "helm-charts/images/hub/authz-helpers-requirements.txt",
            "jupyterhub-fancy-profiles==0.4.1\njupyterhub-usage-quotas==0.1.4\n",
        ),
        (
            "helm-charts/images/hub/oauthenticator-latest-requirements.txt",
            "jupyterhub_fancy_profiles==0.6.0\n",
        ),
        (
            "other/requirements.txt",
            "jupyterhub-fancy-profiles==0.1.0\n",
        ),
    ];
    let (ws, d) = only(&files, "R006");
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(
        d[0].file,
        "helm-charts/images/hub/authz-helpers-requirements.txt"
    );
    assert_eq!(text_at(&ws, &d[0]), "0.4.1");
    assert_eq!(d[0].related.len(), 2);
    assert!(d[0].message.contains("0.6.0"));
    let out = fixed(&ws, &d[0], Applicability::Unsafe);
    assert!(out.starts_with("jupyterhub-fancy-profiles==0.6.0\n"));
    assert!(d[0].safe_fix().is_none());
}

const CHARTPRESS: &str = r#"charts:
  - name: basehub
    imagePrefix: quay.io/2i2c/pilot-
    images:
      hub:
        valuesPath: jupyterhub.hub.image
        buildArgs:
          REQUIREMENTS_FILE: requirements.txt
      z2jh-433:
        contextPath: images/hub
        dockerfilePath: images/hub/Dockerfile-z2jh-433
        buildArgs:
          REQUIREMENTS_FILE: z2jh-requirements.txt
"#;

#[test]
fn r007_downgrading_what_the_base_image_ships() {
    let files = [
        ("helm-charts/chartpress.yaml", CHARTPRESS),
        (
            "helm-charts/images/hub/Dockerfile",
            "FROM jupyterhub/k8s-hub:4.0.0\nARG REQUIREMENTS_FILE\n",
        ),
        (
            "helm-charts/images/hub/Dockerfile-z2jh-433",
            "FROM quay.io/jupyterhub/k8s-hub:4.3.3\nARG REQUIREMENTS_FILE\n",
        ),
        // 4.0.0 ships oauthenticator 17.1.0: 17.3.0 is an upgrade there.
        (
            "helm-charts/images/hub/requirements.txt",
            "oauthenticator==17.3.0\n",
        ),
        // 4.3.3 ships 17.4.0.
        (
            "helm-charts/images/hub/z2jh-requirements.txt",
            "oauthenticator==17.3.0\njupyterhub==5.4.4\njupyterhub-kubespawner>=7\n",
        ),
    ];
    let (ws, d) = only(&files, "R007");
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].file, "helm-charts/images/hub/z2jh-requirements.txt");
    assert_eq!(text_at(&ws, &d[0]), "==17.3.0");
    assert!(d[0].message.contains("17.4.0"), "{}", d[0].message);
    assert_eq!(
        d[0].related[0].file,
        "helm-charts/images/hub/Dockerfile-z2jh-433"
    );
    // Next to a Dockerfile, without chartpress; wildcards and upper bounds too.
    let (_, d) = only(
        &[
            (
                "images/hub/Dockerfile",
                "FROM quay.io/jupyterhub/k8s-hub:4.3.3\n",
            ),
            (
                "images/hub/requirements.txt",
                "oauthenticator==16.*\njupyterhub<5\njupyterhub-idle-culler~=1.3.0\n",
            ),
        ],
        "R007",
    );
    assert_eq!(d.len(), 3, "{d:#?}");
    // A dev build of k8s-hub is not in the table: nothing to compare with.
    let (_, d) = only(
        &[
            (
                "images/hub/Dockerfile",
                "FROM quay.io/jupyterhub/k8s-hub:4.3.3-0.dev.git.7263.h1d8bfb12\n",
            ),
            ("images/hub/requirements.txt", "oauthenticator==16.0.0\n"),
        ],
        "R007",
    );
    assert!(d.is_empty());
}

#[test]
fn d001_dockerfile_syntax() {
    let (ws, d) = only(
        &[(
            "images/hub/Dockerfile",
            "FROM quay.io/jupyterhub/k8s-hub:4.3.3\nRUNN pip install x\nCOPY <<EOF /x\nno end\n",
        )],
        "D001",
    );
    assert_eq!(d.len(), 2, "{d:#?}");
    assert_eq!(text_at(&ws, &d[0]), "RUNN");
    assert!(d[0].message.contains("RUN"));
    assert!(d[1].message.contains("unterminated"));
    let (_, d) = only(
        &[(
            "images/hub/Dockerfile",
            "# syntax=docker/dockerfile:1\nARG V=1\nFROM quay.io/jupyterhub/k8s-hub:4.3.3 AS base\nUSER root\nRUN <<EOF\npip install x\nEOF\nFROM base\n",
        )],
        "D001",
    );
    assert!(d.is_empty(), "{d:#?}");
    let (_, d) = only(
        &[
            ("images/hub/Dockerfile", "FROM a:1\n"),
            ("images/hub/Dockerfile.dockerignore", "*.pyc\n!keep\n"),
        ],
        "D001",
    );
    assert!(d.is_empty(), "{d:#?}");
}

#[test]
fn d002_from_without_tag_or_latest() {
    let (ws, d) = only(
        &[(
            "Dockerfile",
            "FROM python AS a\nFROM python:latest AS b\nFROM python:3.12 AS c\nFROM python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS d\nFROM a\nFROM scratch\n",
        )],
        "D002",
    );
    assert_eq!(d.len(), 2, "{d:#?}");
    assert_eq!(text_at(&ws, &d[0]), "python");
    assert_eq!(text_at(&ws, &d[1]), "latest");
    assert_eq!(d[0].severity, Severity::Warning);
}

#[test]
fn d003_from_arg_without_default() {
    let (ws, d) = only(
        &[(
            "images/hub/Dockerfile",
            "ARG BASE_TAG\nFROM quay.io/jupyterhub/k8s-hub:${BASE_TAG}\n",
        )],
        "D003",
    );
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(text_at(&ws, &d[0]), "${BASE_TAG}");
    assert!(d[0].message.contains("no default"));
    let (_, d) = only(
        &[(
            "images/hub/Dockerfile",
            "ARG BASE_TAG=4.3.3\nFROM quay.io/jupyterhub/k8s-hub:${BASE_TAG}\n",
        )],
        "D003",
    );
    assert!(d.is_empty());
    // chartpress passes it.
    let chartpress = "charts:\n  - name: basehub\n    images:\n      hub:\n        buildArgs:\n          BASE_TAG: 4.3.3\n";
    let (_, d) = only(
        &[
            ("helm-charts/chartpress.yaml", chartpress),
            (
                "helm-charts/images/hub/Dockerfile",
                "ARG BASE_TAG\nFROM quay.io/jupyterhub/k8s-hub:${BASE_TAG}\n",
            ),
        ],
        "D003",
    );
    assert!(d.is_empty(), "{d:#?}");
}

// The docs are compiled in with the `rule-docs` feature (core's default).
#[cfg(feature = "rule-docs")]
#[test]
fn rule_docs_have_the_four_sections() {
    for code in [
        "R001", "R002", "R003", "R004", "R005", "R006", "R007", "D001", "D002", "D003",
    ] {
        let rule = hublint_core::rules::by_code(code).unwrap_or_else(|| panic!("{code}"));
        for section in ["## What it does", "## Why", "## Example", "## Fix"] {
            assert!(rule.doc.contains(section), "{code} lacks {section}");
        }
    }
}
