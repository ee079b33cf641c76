//! What helm accepts but breaks the hub later, through the `hublint` binary: Python in
//! `hub.extraConfig` (P001, P002) and profile overrides (K001, K002), on a planted
//! 2i2c-style repository.

use std::path::Path;
use std::process::Command;

fn write(root: &Path, files: &[(&str, &str)]) {
    for (p, t) in files {
        let path = root.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, t).unwrap();
    }
}

const CLUSTER: &str = "name: demo\nprovider: gcp\nhubs:\n  - name: staging\n    domain: staging.example.org\n    helm_chart: basehub\n    helm_chart_values_files:\n      - staging.values.yaml\n";
const CHART: &str = "apiVersion: v2\nname: basehub\nversion: 0.1.0\ndependencies:\n  - name: jupyterhub\n    version: 3.3.8\n    repository: https://jupyterhub.github.io/helm-chart/\n";
// Line 6 is the unindented body of the `if` (column 7 after the block's indentation).
const VALUES: &str = "\
jupyterhub:
  hub:
    extraConfig:
      01-limits: |
        if True:
        c.KubeSpawner.mem_limit = '2G'
      02-typo: |
        c.KubeSpawner.cpu_limt = 2
  singleuser:
    profileList:
      - display_name: Small
        kubespawner_override:
          mem_limt: 1G
          slug_scheme: safe
";

fn run(repo: &Path) -> serde_json::Value {
    let o = Command::new(env!("CARGO_BIN_EXE_hublint"))
        .args(["check", "--select", "P,K", "--output-format", "json"])
        .current_dir(repo)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "a P001 error fails the run");
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn python_and_override_findings_at_their_place() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (".hublint.yaml", "select: [P, K]\n"),
            ("config/clusters/demo/cluster.yaml", CLUSTER),
            ("config/clusters/demo/staging.values.yaml", VALUES),
            ("helm-charts/basehub/Chart.yaml", CHART),
        ],
    );
    let v = run(dir.path());
    let found: Vec<(String, u64, u64)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["location"]["row"].as_u64().unwrap(),
                d["location"]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("P001".to_string(), 6, 9),
            ("P002".to_string(), 8, 23),
            ("K001".to_string(), 13, 11),
            ("K001".to_string(), 14, 11),
        ],
        "{v:#}"
    );
    let msg = |i: usize| v[i]["message"].as_str().unwrap().to_string();
    assert!(
        msg(0).contains("jupyterhub.hub.extraConfig.01-limits"),
        "{}",
        msg(0)
    );
    assert!(msg(1).contains("did you mean `cpu_limit`"), "{}", msg(1));
    assert!(msg(2).contains("did you mean `mem_limit`"), "{}", msg(2));
    // Chart 3.3.8 ships kubespawner 6.2.0, which has no slug_scheme yet.
    assert!(
        msg(3).contains("only in jupyterhub-kubespawner 7.0.0"),
        "{}",
        msg(3)
    );
}

#[test]
fn rule_docs_cover_the_new_families() {
    for code in ["P001", "P002", "K001", "K002", "K003", "K004", "S008"] {
        let o = Command::new(env!("CARGO_BIN_EXE_hublint"))
            .args(["rule", code])
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.success() && out.contains("## Why"),
            "{code}: {out}"
        );
    }
}

#[test]
fn cluster_yaml_against_the_repository_cluster_schema() {
    let dir = tempfile::tempdir().unwrap();
    let schema = "type: object\nadditionalProperties: false\nrequired: [name, provider]\nproperties:\n  name: {type: string}\n  provider: {type: string, enum: [gcp, kubeconfig, aws, azure]}\n  hubs: {type: array}\n";
    write(
        dir.path(),
        &[
            (".hublint.yaml", "select: [S008]\n"),
            ("src/deployer/commands/validate/cluster.schema.yaml", schema),
            (
                "config/clusters/demo/cluster.yaml",
                &CLUSTER.replace("gcp", "gpc"),
            ),
            (
                "config/clusters/demo/staging.values.yaml",
                "jupyterhub: {}\n",
            ),
            ("helm-charts/basehub/Chart.yaml", CHART),
        ],
    );
    let o = Command::new(env!("CARGO_BIN_EXE_hublint"))
        .args(["check", "--output-format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1, "{v:#}");
    assert_eq!(v[0]["code"], "S008");
    assert_eq!(v[0]["filename"], "config/clusters/demo/cluster.yaml");
    assert_eq!(
        v[0]["location"],
        serde_json::json!({"row": 2, "column": 11})
    );
    assert!(v[0]["message"].as_str().unwrap().contains("gcp"), "{v:#}");
}

#[test]
fn kubernetes_objects_in_values() {
    let dir = tempfile::tempdir().unwrap();
    let values = "jupyterhub:\n  singleuser:\n    storage:\n      extraVolumes:\n        - name: shared\n          persistentVolumeClaim:\n            claimname: shared-pvc\n      extraVolumeMounts:\n        - name: shared\n  hub:\n    extraEnv:\n      - name: A\n        valueFrom: {secretKeyRef: {name: s, key: k}}\n";
    write(
        dir.path(),
        &[
            (".hublint.yaml", "select: [K003, K004]\n"),
            ("config/clusters/demo/cluster.yaml", CLUSTER),
            ("config/clusters/demo/staging.values.yaml", values),
            ("helm-charts/basehub/Chart.yaml", CHART),
        ],
    );
    let o = Command::new(env!("CARGO_BIN_EXE_hublint"))
        .args(["check", "--output-format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let found: Vec<(&str, u64, u64)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["location"]["row"].as_u64().unwrap(),
                d["location"]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    // The misspelt claimName (a warning with a rename), the mount without mountPath (error).
    assert_eq!(found, [("K003", 7, 13), ("K004", 9, 11)], "{v:#}");
    assert_eq!(v[0]["fix"]["edits"][0]["content"], "claimName", "{v:#}");
    assert!(
        v[1]["message"].as_str().unwrap().contains("mountPath"),
        "{v:#}"
    );
    assert_eq!(o.status.code(), Some(1));
}
