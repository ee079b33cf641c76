//! Zero-configuration conformance on real deployment repositories of other layouts
//! (`../shared/corpus/wild/`, read in place): every hub found with its chart version
//! (snapshot of `hublint hubs --output-format json`), and every error or warning listed here
//! with the reason it is true. `history/` folders (older commits) are checked on their own.
//! Planted defects of each layout class are caught at their line.

use hublint_core::model::RepoModel;
use hublint_core::report::report;
use hublint_core::{check, Diagnostic, Severity};
use hublint_discover::{load_with, LoadOptions};
use std::path::{Path, PathBuf};

fn wild() -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/wild");
    assert!(p.is_dir(), "corpus missing at {}", p.display());
    p
}

fn load(dir: &Path, exclude: &[&str]) -> hublint_discover::Loaded {
    load_with(
        dir,
        &LoadOptions {
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
        },
    )
    .unwrap()
}

fn row(dir: &Path, d: &Diagnostic) -> u32 {
    let text = std::fs::read_to_string(dir.join(&d.file)).unwrap_or_default();
    text[..d.range.start.min(text.len())].matches('\n').count() as u32 + 1
}

/// Errors and warnings, as (code, file, line), sorted.
fn findings(dir: &Path, diags: &[Diagnostic]) -> Vec<(String, String, u32)> {
    let mut got: Vec<(String, String, u32)> = diags
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .map(|d| (d.code.to_string(), d.file.clone(), row(dir, d)))
        .collect();
    got.sort();
    got
}

type Expected = &'static [(&'static str, &'static str, u32, &'static str)];

/// Each repository with what hublint reports at error or warning severity, and why each is
/// true (see the corpus README for the observations quoted).
const REPOS: &[(&str, Expected)] = &[
    ("yuvipanda__hubploy-template", &[]),
    ("cal-icor__cal-icor-hubs", &[
        ("C001", "chartpress.yaml", 7, "image `postgres` has no images/postgres build context (README: set by hand, FIXME)"),
        ("R002", "dev-requirements.txt", 5, "hubploy from git without a ref (README)"),
        ("R002", "requirements.txt", 4, "hubploy from git without a ref (README)"),
        ("R004", "images/hub/Dockerfile", 9, "RUN pip install jupyterhub-announcement without a version (README)"),
    ]),
    ("spacetelescope__jupyterhub-deploy", &[
        ("D002", "deployments/common/image/Dockerfile", 7, "ARG BASE_IMAGE defaults to the untagged stsci-jh/scipy-notebook (README)"),
        ("D003", "deployments/jwebbinar/image/Dockerfile", 4, "ARG BASE_IMAGE without a default before FROM $BASE_IMAGE (README)"),
        ("D003", "deployments/roman/image/Dockerfile", 5, "same"),
        ("D003", "deployments/tike/image/Dockerfile", 4, "same"),
        ("R003", "deployments/tike/image/env-frozen/tess/requirements.txt", 69, "astrocut pinned to the branch s3-support, which moves"),
        ("Y002", "deployments/roman/config/test.yaml", 12, "jupyterhub.scheduling written twice (README)"),
    ]),
    ("pangeo-data__pangeo-binder", &[
        ("I001", "pangeo-binder/values.yaml", 127, "alpine/git initContainer image without a tag (README)"),
        ("Y002", "deploy/staging.yaml", 73, "binderhub.jupyterhub.proxy written twice: the first block's nodeSelector is lost (README)"),
    ]),
    ("BioImage-Archive__bia-binder", &[
        ("I001", "binderhub/values.yaml", 72, "alpine/git:latest initContainer (README)"),
        ("I001", "daskhub/values.yaml", 106, "profile image pangeo/ml-notebook without a tag"),
    ]),
    ("microsoft__planetary-computer-hub", &[
        ("R001", "dependencies/requirements.txt", 2, "`jupyterhub=2.0.0`: a single `=` is not pip syntax (README)"),
        ("R001", "dependencies/requirements.txt", 3, "`dask-gateway=2022.10.0`: same (README)"),
        ("R004", "dockerfiles/requirements.k8s-hub.txt", 1, "hub image requirements all unpinned (README)"),
        ("R004", "dockerfiles/requirements.k8s-hub.txt", 2, "same"),
        ("R004", "dockerfiles/requirements.k8s-hub.txt", 3, "same"),
        ("R004", "dockerfiles/requirements.k8s-hub.txt", 4, "same"),
        ("R004", "dockerfiles/requirements.k8s-hub.txt", 5, "same"),
    ]),
    ("jhart99__home-ops", &[
        ("I001", "kubernetes/apps/jupyterhub/jupyterhub/app/helmrelease.yaml", 37, "profile image jupyter/pyspark-notebook:latest (README)"),
        ("I001", "kubernetes/apps/jupyterhub/jupyterhub/app/helmrelease.yaml", 42, "profile image jupyter/datascience-notebook:latest (README)"),
    ]),
    ("lsst-sqre__phalanx", &[]),
    ("NicholasCote__cirrus-JupyterHubs", &[
        ("I001", "daskhub/ctsm-jhub-values.yaml", 5, "user image tag \"latest\" (README)"),
    ]),
    ("uwhackweek__jupyterhub-deploy", &[
        ("I001", "hub/config.yaml", 12, "singleuser.image.tag: latest (README)"),
    ]),
    ("earthlab__hub-ops", &[
        ("R002", "user-images/climate-hub/Dockerfile", 12, "RUN pip install git+…/jupyter-tree-download without a ref"),
        ("R002", "user-images/ea-hub/Dockerfile", 12, "same"),
        ("R002", "user-images/edsc-hub/Dockerfile", 12, "same"),
        ("R002", "user-images/nbgrader-hub/Dockerfile", 11, "same"),
    ]),
    ("berkeley-dsep-infra__data8xhub", &[
        ("R003", "images/user/Dockerfile", 32, "RUN pip install from git at a 7-character commit"),
        ("R003", "images/user/Dockerfile", 33, "same"),
        ("R003", "images/user/Dockerfile", 34, "same"),
        ("R004", "images/hubsharder/Dockerfile", 11, "RUN pip install of tornado, ruamel.yaml, oauthlib, psycopg2, pycurl without versions (5 packages on one line)"),
        ("R004", "images/hubsharder/Dockerfile", 11, "same"),
        ("R004", "images/hubsharder/Dockerfile", 11, "same"),
        ("R004", "images/hubsharder/Dockerfile", 11, "same"),
        ("R004", "images/hubsharder/Dockerfile", 11, "same"),
    ]),
];

/// Older commits kept under `history/`, checked as repositories of their own.
const HISTORY: &[(&str, Expected)] = &[
    (
        "jhart99__home-ops/history/57204784",
        &[(
            "S001",
            "kubernetes/apps/default/jupyterhub/app/helmrelease.yaml",
            20,
            "top-level networkPolicy: the schema allows no such key (README)",
        )],
    ),
    (
        "jhart99__home-ops/history/6008fec9",
        &[
            (
                "S001",
                "kubernetes/apps/jupyterhub/jupyterhub/app/helmrelease.yaml",
                21,
                "hub.enabled is not a z2jh key (README)",
            ),
            (
                "S001",
                "kubernetes/apps/jupyterhub/jupyterhub/app/helmrelease.yaml",
                24,
                "top-level chp instead of proxy.chp (README)",
            ),
        ],
    ),
    // The helmfile is Go-templated (skipped) and pins no chart version: its values files are
    // found by content and checked against the newest schema, which rejects z2jh 0.8-era keys
    // (README: auth.type, proxy.networkPolicy, `{ SECRET_… }` read as a mapping).
    (
        "BioImage-Archive__bia-binder/history/6ad7c18",
        &[
            (
                "I001",
                "values/jupyterhub-config.yaml",
                34,
                "singleuser.image.tag: latest (README)",
            ),
            (
                "S001",
                "values/jupyterhub-config.yaml",
                15,
                "auth: removed from z2jh; an unpinned chart gets the newest release",
            ),
            (
                "S001",
                "values/jupyterhub-config.yaml",
                22,
                "proxy.networkPolicy: removed (README)",
            ),
            ("S001", "values/jupyterhub-elixir.yaml", 11, "auth"),
            ("S001", "values/jupyterhub-github.yaml", 14, "auth"),
            (
                "S001",
                "values/jupyterhub-github.yaml",
                58,
                "singleuser.postStart: renamed to lifecycleHooks",
            ),
            ("S001", "values/jupyterhub-sandbox.yaml", 9, "auth"),
            (
                "S001",
                "values/jupyterhub-sandbox.yaml",
                42,
                "singleuser.postStart",
            ),
            ("S001", "values/jupyterhub-vae.yaml", 11, "auth"),
            ("S001", "values/minikube/jupyterhub-elixir.yaml", 6, "auth"),
            ("S001", "values/minikube/jupyterhub-github.yaml", 6, "auth"),
            ("K001", "values/jupyterhub-github.yaml", 65, "chart-style `cpu:` inside a profile's kubespawner_override: KubeSpawner has no such trait and ignores it"),
            ("K001", "values/jupyterhub-github.yaml", 68, "chart-style `memory:` in an override, same"),
            ("K001", "values/jupyterhub-github.yaml", 74, "same, second profile"),
            ("K001", "values/jupyterhub-github.yaml", 77, "same"),
            ("K001", "values/jupyterhub-github.yaml", 83, "same, third profile"),
            ("K001", "values/jupyterhub-github.yaml", 86, "same"),
            (
                "S002",
                "values/jupyterhub-config.yaml",
                12,
                "hub.extraConfig as a string: a mapping since z2jh 0.9",
            ),
            (
                "S002",
                "values/jupyterhub-config.yaml",
                19,
                "proxy.secretToken: `{ SECRET_JUPYTERHUB_PROXY_TOKEN }` is a mapping (README)",
            ),
            (
                "Y002",
                "values/minikube/jupyterhub-github.yaml",
                10,
                "hub written twice: hub.db.pvc is lost (README)",
            ),
            (
                "Y003",
                "values/jupyterhub-elixir.yaml",
                48,
                "ingress annotation 3600 read as a number; annotations are strings",
            ),
            ("Y003", "values/jupyterhub-elixir.yaml", 49, "same"),
            ("Y003", "values/jupyterhub-vae.yaml", 82, "same"),
            ("Y003", "values/jupyterhub-vae.yaml", 83, "same"),
        ],
    ),
];

fn assert_findings(name: &str, dir: &Path, diags: &[Diagnostic], expected: Expected) {
    let got = findings(dir, diags);
    let mut want: Vec<(String, String, u32)> = expected
        .iter()
        .map(|(c, f, l, _)| (c.to_string(), f.to_string(), *l))
        .collect();
    want.sort();
    assert_eq!(
        got, want,
        "{name}: errors and warnings differ from the list"
    );
}

#[test]
fn every_wild_repository_has_only_its_known_findings() {
    let wild = wild();
    for (name, expected) in REPOS {
        let dir = wild.join(name);
        let loaded = load(&dir, &["history/**"]);
        let diags = check(&loaded.ws, &loaded.config);
        assert_findings(name, &dir, &diags, expected);
    }
}

#[test]
fn history_states_have_only_their_known_findings() {
    let wild = wild();
    for (name, expected) in HISTORY {
        let dir = wild.join(name);
        let loaded = load(&dir, &[]);
        let diags = check(&loaded.ws, &loaded.config);
        assert_findings(name, &dir, &diags, expected);
    }
}

#[test]
fn every_wild_repository_lists_its_hubs() {
    let wild = wild();
    for (name, _) in REPOS {
        let loaded = load(&wild.join(name), &["history/**"]);
        loaded.ws.parse_all();
        let model = RepoModel::build(&loaded.ws, &loaded.config);
        let report = report(&loaded.ws, &model);
        insta::assert_json_snapshot!(format!("hubs__{name}"), report);
    }
}

/// A copy of a corpus repository in a temporary folder, with edits: (file, find, replace).
fn planted(name: &str, edits: &[(&str, &str, &str)]) -> (tempfile::TempDir, Vec<Diagnostic>) {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&wild().join(name), tmp.path());
    for (file, find, replace) in edits {
        let path = tmp.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(find), "{file} has no `{find}`");
        std::fs::write(&path, text.replacen(find, replace, 1)).unwrap();
    }
    let loaded = load(tmp.path(), &["history/**"]);
    let diags = check(&loaded.ws, &loaded.config);
    (tmp, diags)
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
            let mut perms = std::fs::metadata(&target).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perms.set_readonly(false);
            std::fs::set_permissions(&target, perms).unwrap();
        }
    }
}

/// The diagnostic of `code` at `file:line`, or a failure listing what was found.
fn at<'d>(
    dir: &Path,
    diags: &'d [Diagnostic],
    code: &str,
    file: &str,
    line: u32,
) -> &'d Diagnostic {
    diags
        .iter()
        .find(|d| d.code == code && d.file == file && row(dir, d) == line)
        .unwrap_or_else(|| panic!("no {code} at {file}:{line}: {:#?}", findings(dir, diags)))
}

#[test]
fn planted_typo_under_binderhub_jupyterhub() {
    // pangeo-binder's local chart wraps binderhub; with binderhub 1.0.0-0.dev.git.3396 it
    // bundles jupyterhub 3.2.1, whose schema checks `binderhub.jupyterhub.*`.
    let (dir, diags) = planted(
        "pangeo-data__pangeo-binder",
        &[
            (
                "pangeo-binder/requirements.yaml",
                "0.2.0-n219.hbc17443",
                "1.0.0-0.dev.git.3396.h693ba30",
            ),
            (
                "deploy/prod.yaml",
                "  jupyterhub:\n",
                "  jupyterhub:\n    singleusr: {}\n",
            ),
        ],
    );
    let d = at(
        dir.path(),
        &diags,
        "S001",
        "deploy/prod.yaml",
        row_of(dir.path(), "deploy/prod.yaml", "singleusr"),
    );
    assert!(
        d.message.contains("singleusr") && d.message.contains("3.2.1"),
        "{}",
        d.message
    );
}

fn row_of(dir: &Path, file: &str, needle: &str) -> u32 {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    text[..text.find(needle).unwrap()].matches('\n').count() as u32 + 1
}

#[test]
fn planted_typo_under_daskhub_jupyterhub() {
    // planetary-computer-hub's chart wraps the remote daskhub; daskhub 2024.1.1 bundles
    // jupyterhub 3.2.1, so the Terraform release's values are checked under daskhub.jupyterhub.
    let (dir, diags) = planted(
        "microsoft__planetary-computer-hub",
        &[
            ("helm/chart/Chart.yaml", "2022.11.0", "2024.1.1"),
            (
                "helm/profiles.yaml",
                "    singleuser:\n",
                "    singleuser:\n      cpu_limit: 2\n",
            ),
        ],
    );
    let line = row_of(dir.path(), "helm/profiles.yaml", "cpu_limit");
    let d = at(dir.path(), &diags, "S001", "helm/profiles.yaml", line);
    assert!(d.message.contains("cpu_limit"), "{}", d.message);
}

#[test]
fn planted_typo_under_remote_daskhub_in_helmsman() {
    // bia-binder deploys dask/daskhub 2024.1.1 (jupyterhub 3.2.1) with helmsman: z2jh values
    // sit under `jupyterhub:` of daskhub/values.yaml.
    let (dir, diags) = planted(
        "BioImage-Archive__bia-binder",
        &[(
            "daskhub/values.yaml",
            "jupyterhub:\n",
            "jupyterhub:\n  prePuler: {}\n",
        )],
    );
    let line = row_of(dir.path(), "daskhub/values.yaml", "prePuler");
    at(dir.path(), &diags, "S001", "daskhub/values.yaml", line);
}

#[test]
fn planted_float_tag_in_a_hubploy_config() {
    // hubploy's chart is jupyterhub 0.10.2, older than any schema hublint has: an image tag
    // helm reads as a number is still caught.
    let (dir, diags) = planted(
        "yuvipanda__hubploy-template",
        &[(
            "deployments/myhub/config/prod.yaml",
            "jupyterhub: {}",
            "jupyterhub:\n  singleuser:\n    image:\n      tag: 1.10",
        )],
    );
    let d = at(
        dir.path(),
        &diags,
        "Y003",
        "deployments/myhub/config/prod.yaml",
        4,
    );
    assert!(d.message.contains("the number 1.1"), "{}", d.message);
    assert!(!d.fixes.is_empty());
}

#[test]
fn planted_from_tag_disagreeing_with_requirements_yaml() {
    // cal-icor's hub chart is apiVersion v1: jupyterhub 3.3.8 is in requirements.yaml.
    let (dir, diags) = planted(
        "cal-icor__cal-icor-hubs",
        &[("images/hub/Dockerfile", "k8s-hub:3.3.8", "k8s-hub:3.3.7")],
    );
    let d = at(dir.path(), &diags, "V001", "images/hub/Dockerfile", 3);
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(d.related[0].file, "hub/requirements.yaml");
}

#[test]
fn planted_typo_in_a_values_file_found_by_content() {
    // cirrus' values files are deployed by Argo CD Applications inside chart templates
    // (skipped): they are found by their `jupyterhub:` keys, without a version.
    let (dir, diags) = planted(
        "NicholasCote__cirrus-JupyterHubs",
        &[(
            "daskhub/python-jhub-values.yaml",
            "jupyterhub:\n",
            "jupyterhub:\n  hub:\n    extraEnvv: {}\n",
        )],
    );
    let line = row_of(dir.path(), "daskhub/python-jhub-values.yaml", "extraEnvv");
    at(
        dir.path(),
        &diags,
        "S001",
        "daskhub/python-jhub-values.yaml",
        line,
    );
    assert!(diags.iter().any(|d| d.code == "S006"
        && d.file == "daskhub/python-jhub-values.yaml"
        && d.message.contains("no jupyterhub chart version found")));
}

#[test]
fn templates_and_ciphertext_are_skipped_and_counted() {
    let wild = wild();
    let loaded = load(&wild.join("pangeo-data__pangeo-binder"), &[]);
    let model = RepoModel::build(&loaded.ws, &loaded.config);
    let line = hublint_core::report::scope_line(&model);
    assert!(
        line.ends_with("skipped 2 templates, 2 encrypted files"),
        "{line}"
    );
    let diags = check(&loaded.ws, &loaded.config);
    assert!(
        !diags.iter().any(|d| d.code == "F001" || d.code == "Y001"),
        "{diags:#?}"
    );
}
