//! Hub discovery on fixtures for the layouts the corpus has no plain example of: helmfile
//! releases (file and inline values), Argo CD Applications (chart from a repository, a path
//! in this repository, multi-source `$values`), helmsman overlays, hubploy with sops secrets,
//! `.hublint.yaml` `hubs:`, and the checks that follow from each.

use hublint_core::model::{FoundBy, Hub, NotYaml, RepoModel};
use hublint_core::{check, Config, Workspace};

fn workspace(files: &[(&str, &str)]) -> Workspace {
    let mut ws = Workspace::new();
    for (path, text) in files {
        ws.insert_text(path, *text);
    }
    ws
}

fn hubs(ws: &Workspace) -> Vec<Hub> {
    RepoModel::build(ws, &Config::default()).hubs
}

fn files(hub: &Hub) -> Vec<&str> {
    hub.values_files.iter().map(|v| v.path.as_str()).collect()
}

fn jh(hub: &Hub) -> Option<&str> {
    hub.jupyterhub.as_ref().map(|j| j.version.as_str())
}

#[test]
fn helmfile_releases_with_files_and_inline_values() {
    let ws = workspace(&[
        (
            "deploy/helmfile.yaml",
            "repositories:\n  - name: jupyterhub\n    url: https://hub.jupyter.org/helm-chart/\nreleases:\n  - name: hub\n    chart: jupyterhub/jupyterhub\n    version: 4.3.3\n    values:\n      - values/common.yaml\n      - singleuser:\n          cpu:\n            limt: 2\n  - name: ingress\n    chart: ingress-nginx/ingress-nginx\n    values: [values/ingress.yaml]\n",
        ),
        ("deploy/values/common.yaml", "hub:\n  config: {}\n"),
        ("deploy/values/ingress.yaml", "controller: {}\n"),
    ]);
    let found = hubs(&ws);
    assert_eq!(
        found.len(),
        1,
        "only the jupyterhub release is a hub: {found:#?}"
    );
    let hub = &found[0];
    assert_eq!(hub.found_by, FoundBy::Helmfile);
    assert_eq!(hub.name.value, "hub");
    assert_eq!(jh(hub), Some("4.3.3"));
    assert_eq!(
        files(hub),
        ["deploy/values/common.yaml", "deploy/helmfile.yaml"]
    );
    assert!(hub.values_files[1].inline.is_some());
    // The typo in the inline values is reported in the helmfile, at its line.
    let diags = check(&ws, &Config::default());
    let s001: Vec<_> = diags.iter().filter(|d| d.code == "S001").collect();
    assert_eq!(s001.len(), 1, "{diags:#?}");
    assert_eq!(s001[0].file, "deploy/helmfile.yaml");
    let text = ws.get("deploy/helmfile.yaml").unwrap().text().unwrap();
    assert_eq!(&text[s001[0].range.start..s001[0].range.end], "limt");
}

#[test]
fn argo_applications_from_a_chart_repository_and_from_this_repository() {
    let ws = workspace(&[
        (
            "apps/hub.yaml",
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: hub\nspec:\n  sources:\n    - repoURL: https://hub.jupyter.org/helm-chart/\n      chart: jupyterhub\n      targetRevision: 4.3.3\n      helm:\n        valueFiles:\n          - $values/hubs/prod.yaml\n        valuesObject:\n          hub:\n            baseUrl: 3\n    - repoURL: https://git.example.org/deploy.git\n      targetRevision: main\n      ref: values\n",
        ),
        ("hubs/prod.yaml", "singleuser:\n  image:\n    name: x\n    tag: \"1\"\n"),
        (
            "apps/binder.yaml",
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: binder\nspec:\n  source:\n    repoURL: https://git.example.org/deploy.git\n    path: charts/binder\n    targetRevision: main\n    helm:\n      valueFiles: [values-prod.yaml]\n",
        ),
        (
            "charts/binder/Chart.yaml",
            "apiVersion: v2\nname: binder\nversion: 0.1.0\ndependencies:\n  - name: binderhub\n    version: 1.0.0-0.dev.git.3396.h693ba30\n    repository: https://hub.jupyter.org/helm-chart/\n",
        ),
        ("charts/binder/values.yaml", "binderhub: {}\n"),
        ("charts/binder/values-prod.yaml", "binderhub:\n  jupyterhub:\n    hub: {}\n"),
    ]);
    let found = hubs(&ws);
    let hub = found.iter().find(|h| h.name.value == "hub").expect("hub");
    assert_eq!(hub.found_by, FoundBy::ArgoApplication);
    assert_eq!(jh(hub), Some("4.3.3"));
    assert_eq!(files(hub), ["hubs/prod.yaml", "apps/hub.yaml"]);
    let binder = found
        .iter()
        .find(|h| h.name.value == "binder")
        .expect("binder");
    assert_eq!(binder.nesting, ["binderhub", "jupyterhub"]);
    assert_eq!(jh(binder), Some("3.2.1"));
    assert_eq!(files(binder), ["charts/binder/values-prod.yaml"]);
    // values-prod.yaml is the Application's, not a second environment hub of the chart.
    assert_eq!(found.len(), 2, "{found:#?}");
    let diags = check(&ws, &Config::default());
    assert!(
        diags
            .iter()
            .any(|d| d.code == "Y003" && d.file == "apps/hub.yaml"),
        "hub.baseUrl: 3 in valuesObject: {diags:#?}"
    );
}

#[test]
fn helmsman_overlays_rename_and_replace_values() {
    let ws = workspace(&[
        (
            "helmsman.yaml",
            "helmRepos:\n  jupyterhub: https://hub.jupyter.org/helm-chart/\napps:\n  jhub:\n    chart: jupyterhub/jupyterhub\n    version: 4.3.3\n    enabled: true\n    valuesFile: hub/values.yaml\n  other:\n    chart: x/other\n    enabled: true\n",
        ),
        ("helmsman/dev.yaml", "apps:\n  jhub:\n    name: jhub-dev\n    valuesFiles:\n      - ../hub/values.yaml\n      - ../hub/dev.yaml\n"),
        ("hub/values.yaml", "hub: {}\n"),
        ("hub/dev.yaml", "singleuser: {}\n"),
    ]);
    let found = hubs(&ws);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].label(), "dev/jhub-dev");
    assert_eq!(files(&found[0]), ["hub/values.yaml", "hub/dev.yaml"]);
}

#[test]
fn hubploy_with_sops_secrets_hides_required_keys() {
    let ws = workspace(&[
        ("hub/Chart.yaml", "apiVersion: v2\nname: hub\nversion: 0.1.0\ndependencies:\n  - name: jupyterhub\n    version: 4.3.3\n    repository: https://hub.jupyter.org/helm-chart/\n"),
        ("deployments/dh/hubploy.yaml", "images: {}\n"),
        ("deployments/dh/config/common.yaml", "jupyterhub:\n  hub: {}\n"),
        ("deployments/dh/config/prod.yaml", "jupyterhub:\n  singleuser: {}\n"),
        ("deployments/dh/secrets/prod.yaml", "jupyterhub:\n  proxy:\n    secretToken: ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\nsops:\n  version: 3.7.3\n"),
    ]);
    let found = hubs(&ws);
    assert_eq!(found.len(), 1, "{found:#?}");
    let hub = &found[0];
    assert_eq!(hub.label(), "dh/prod");
    assert_eq!(hub.values_files[2].not_yaml, Some(NotYaml::Secret));
    assert!(hub.has_hidden_values);
    let diags = check(&ws, &Config::default());
    assert!(!diags.iter().any(|d| d.code == "S004"), "{diags:#?}");
}

#[test]
fn configured_hubs_say_what_discovery_cannot_know() {
    let ws = workspace(&[
        (
            ".hublint.yaml",
            "hubs:\n  - name: staging\n    chart: binderhub\n    version: 1.0.0-0.dev.git.3396.h693ba30\n    files: [deploy/common.yaml, deploy/staging.yaml]\n",
        ),
        ("deploy/common.yaml", "jupyterhub:\n  hub: {}\n"),
        ("deploy/staging.yaml", "jupyterhub:\n  singleuser:\n    cpu:\n      limt: 1\n"),
    ]);
    let found = hubs(&ws);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].found_by, FoundBy::Configured);
    assert_eq!(found[0].nesting, ["jupyterhub"]);
    assert_eq!(jh(&found[0]), Some("3.2.1"));
    let diags = check(&ws, &Config::default());
    assert!(
        diags
            .iter()
            .any(|d| d.code == "S001" && d.file == "deploy/staging.yaml"),
        "{diags:#?}"
    );
    assert!(
        !diags
            .iter()
            .any(|d| d.code == "X000" || d.file == ".hublint.yaml"),
        "{diags:#?}"
    );
}

#[test]
fn helm_commands_bind_variables_to_files() {
    let ws = workspace(&[
        (
            ".github/workflows/deploy.yml",
            "jobs:\n  deploy:\n    steps:\n      - run: |\n          helm upgrade --install hub-${{ matrix.env }} jupyterhub/jupyterhub --version=4.3.3 \\\n            -f hubs/common.yaml -f hubs/${ENV}.yaml\n",
        ),
        ("hubs/common.yaml", "hub: {}\n"),
        ("hubs/prod.yaml", "singleuser: {}\n"),
        ("hubs/staging.yaml", "singleuser: {}\n"),
        ("hubs/nginx.yaml", "apiVersion: v1\nkind: ConfigMap\n"),
    ]);
    let found = hubs(&ws);
    let mut lists: Vec<Vec<&str>> = found.iter().map(files).collect();
    lists.sort();
    assert_eq!(
        lists,
        [
            ["hubs/common.yaml", "hubs/prod.yaml"],
            ["hubs/common.yaml", "hubs/staging.yaml"]
        ],
        "{found:#?}"
    );
    assert!(found.iter().all(|h| jh(h) == Some("4.3.3")));
}

/// Two copies of a deployer repository side by side (a snapshot under `old/`), and a second
/// chart that says the same `name:`: each hub deploys the chart of its own copy, and its
/// merged values take that chart's defaults, as helm (and the deployer) would.
#[test]
fn each_copy_of_a_chart_means_its_own() {
    let basehub = |version: &str| {
        format!("apiVersion: v2\nname: basehub\nversion: 0.1.0\ndependencies:\n  - name: jupyterhub\n    version: {version}\n    repository: https://hub.jupyter.org/helm-chart/\n")
    };
    let cluster = "name: c\nprovider: kubeconfig\nhubs:\n  - name: h\n    helm_chart: basehub\n    helm_chart_values_files: [h.values.yaml]\n  - name: o\n    helm_chart: basehub\n    chart_override: o-chart.yaml\n    helm_chart_values_files: [h.values.yaml]\n";
    let ws = workspace(&[
        ("helm-charts/basehub/Chart.yaml", &basehub("4.3.3")),
        (
            "helm-charts/basehub/values.yaml",
            "jupyterhub:\n  hub: {from: new}\n",
        ),
        ("config/clusters/c/cluster.yaml", cluster),
        ("config/clusters/c/h.values.yaml", "jupyterhub: {}\n"),
        ("config/clusters/c/o-chart.yaml", &basehub("4.3.3")),
        ("old/helm-charts/basehub/Chart.yaml", &basehub("4.0.0")),
        (
            "old/helm-charts/basehub/values.yaml",
            "jupyterhub:\n  hub: {from: old}\n",
        ),
        ("old/config/clusters/c/cluster.yaml", cluster),
        ("old/config/clusters/c/h.values.yaml", "jupyterhub: {}\n"),
        ("old/config/clusters/c/o-chart.yaml", &basehub("4.0.0")),
    ]);
    let model = RepoModel::build(&ws, &Config::default());
    let mut seen: Vec<(String, String, Option<&str>, String)> = model
        .hubs
        .iter()
        .map(|hub| {
            let merged = hublint_core::values::hub_values(&ws, &model, hub, true);
            let from = merged
                .get_path(&["jupyterhub", "hub", "from"])
                .and_then(|m| m.as_str())
                .unwrap_or("-")
                .to_string();
            (
                hub.name.file.clone(),
                hub.chart_file.clone().unwrap_or_default(),
                jh(hub),
                from,
            )
        })
        .collect();
    seen.sort();
    let row = |cluster: &str, chart: &str, v, from: &str| {
        (
            cluster.to_string(),
            chart.to_string(),
            Some(v),
            from.to_string(),
        )
    };
    assert_eq!(
        seen,
        [
            row(
                "config/clusters/c/cluster.yaml",
                "config/clusters/c/o-chart.yaml",
                "4.3.3",
                "new"
            ),
            row(
                "config/clusters/c/cluster.yaml",
                "helm-charts/basehub/Chart.yaml",
                "4.3.3",
                "new"
            ),
            row(
                "old/config/clusters/c/cluster.yaml",
                "old/config/clusters/c/o-chart.yaml",
                "4.0.0",
                "old"
            ),
            row(
                "old/config/clusters/c/cluster.yaml",
                "old/helm-charts/basehub/Chart.yaml",
                "4.0.0",
                "old"
            ),
        ]
    );
}
