//! The bindings as a page sees them, run in headless Chromium by `wasm-bindgen-test-runner`
//! (tests/ci.d/50-playground.sh): JavaScript objects in, JavaScript objects out.
#![cfg(target_arch = "wasm32")]

use hublint_wasm::{check, checks_python, fix, rules, PlaygroundWorkspace};
use js_sys::{JsString, Object, Reflect, JSON};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const DOCKERFILE: &str = "# hub image\nFROM quay.io/jupyterhub/k8s-hub:4.2.0\nUSER root\n";
const CHART: &str = "apiVersion: v2\nname: basehub\nversion: \"0.1.0\"\ndependencies:\n  - name: jupyterhub\n    version: 4.3.3\n    repository: https://jupyterhub.github.io/helm-chart/\n";
const CHARTPRESS: &str = "charts:\n  - name: basehub\n    imagePrefix: quay.io/example-org/\n    images:\n      hub:\n        valuesPath: jupyterhub.hub.image\n";
const VALUES: &str =
    "jupyterhub:\n  hub:\n    image:\n      name: quay.io/example-org/hub\n      tag: \"0.0.1\"\n";

fn files(pairs: &[(&str, &str)]) -> JsValue {
    let obj = Object::new();
    for (path, text) in pairs {
        Reflect::set(&obj, &JsValue::from_str(path), &JsValue::from_str(text)).unwrap();
    }
    obj.into()
}

fn repo(chart_version: &str) -> Vec<(&'static str, String)> {
    vec![
        ("helm-charts/images/hub/Dockerfile", DOCKERFILE.to_string()),
        (
            "helm-charts/basehub/Chart.yaml",
            CHART.replace("4.3.3", chart_version),
        ),
        ("helm-charts/chartpress.yaml", CHARTPRESS.to_string()),
        ("helm-charts/basehub/values.yaml", VALUES.to_string()),
    ]
}

fn repo_files(chart_version: &str) -> JsValue {
    let r = repo(chart_version);
    files(&r.iter().map(|(p, t)| (*p, t.as_str())).collect::<Vec<_>>())
}

/// A JavaScript value as JSON, to assert on with serde_json.
fn json(value: &JsValue) -> Value {
    let text: String = JSON::stringify(value).unwrap().into();
    serde_json::from_str(&text).unwrap()
}

fn codes(diags: &Value) -> Vec<String> {
    diags
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// The UTF-16 offset of a 1-based (row, UTF-16 column) in `text`, counted as JavaScript does.
fn js_offset(text: &str, row: u64, column: u64) -> u32 {
    let js = JsString::from(text);
    let mut offset = 0u32;
    for _ in 1..row {
        offset = js.index_of("\n", offset as i32) as u32 + 1;
    }
    offset + column as u32 - 1
}

#[wasm_bindgen_test]
fn columns_slice_javascript_strings_at_the_reported_text() {
    // Before the duplicate key: "é" (2 UTF-8 bytes, 1 UTF-16 unit), "😀" (4 bytes, 2 units).
    let text = "title: \"Démo 😀\"\ncafé😀: 1\nlabels: {a: \"é\", café😀: 2, café😀: 3}\n";
    let diags = json(&check(files(&[("values.yaml", text)])).unwrap());
    let dup = diags
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "Y002")
        .unwrap_or_else(|| panic!("no Y002 in {diags}"));
    let (start, end) = (&dup["location"], &dup["end_location"]);
    assert_eq!(start["row"], 3);
    let from = js_offset(
        text,
        start["row"].as_u64().unwrap(),
        start["column"].as_u64().unwrap(),
    );
    let to = js_offset(
        text,
        end["row"].as_u64().unwrap(),
        end["column"].as_u64().unwrap(),
    );
    let reported: String = JsString::from(text).slice(from, to).into();
    assert_eq!(reported, "café😀");
    // The second occurrence on the line, not the first: columns are not bytes or chars.
    assert_eq!(
        from,
        JsString::from(text).last_index_of("café😀", i32::MAX) as u32
    );
}

#[wasm_bindgen_test]
fn from_tag_follows_the_chart_in_another_file() {
    let diags = json(&check(repo_files("4.3.3")).unwrap());
    let v001: Vec<&Value> = diags
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "V001")
        .collect();
    assert_eq!(v001.len(), 1, "{diags}");
    assert_eq!(v001[0]["filename"], "helm-charts/images/hub/Dockerfile");
    assert_eq!(v001[0]["location"]["row"], 2);
    assert_eq!(
        v001[0]["related"][0]["filename"],
        "helm-charts/basehub/Chart.yaml"
    );
    // The chart moves to the image's version: the Dockerfile is fine.
    let diags = json(&check(repo_files("4.2.0")).unwrap());
    assert!(!codes(&diags).contains(&"V001".to_string()), "{diags}");
}

#[wasm_bindgen_test]
fn fix_returns_the_fixed_texts() {
    let result = json(&fix(repo_files("4.3.3")).unwrap());
    assert_eq!(
        result["changed"],
        serde_json::json!(["helm-charts/images/hub/Dockerfile"])
    );
    assert_eq!(
        result["files"]["helm-charts/images/hub/Dockerfile"],
        "# hub image\nFROM quay.io/jupyterhub/k8s-hub:4.3.3\nUSER root\n"
    );
    // Unchanged files come back as they were, and V001 is gone.
    assert_eq!(result["files"]["helm-charts/basehub/Chart.yaml"], CHART);
    assert!(!codes(&result["remaining"]).contains(&"V001".to_string()));
}

#[wasm_bindgen_test]
fn workspace_rechecks_after_edits_and_removals() {
    let mut ws = PlaygroundWorkspace::new();
    for (path, text) in repo("4.3.3") {
        ws.set_file(path, text);
    }
    assert!(codes(&json(&ws.check().unwrap())).contains(&"V001".to_string()));
    ws.set_file(
        "helm-charts/basehub/Chart.yaml",
        CHART.replace("4.3.3", "4.2.0"),
    );
    assert!(!codes(&json(&ws.check().unwrap())).contains(&"V001".to_string()));
    // Without chartpress.yaml nothing ties the Dockerfile to the chart.
    ws.set_file("helm-charts/basehub/Chart.yaml", CHART.to_string());
    assert!(ws.remove_file("helm-charts/chartpress.yaml"));
    assert!(!ws.remove_file("helm-charts/chartpress.yaml"));
    assert!(!codes(&json(&ws.check().unwrap())).contains(&"V001".to_string()));
    // setFiles replaces the whole set.
    ws.set_files(files(&[("a.yaml", "k: 1\nk: 2\n")])).unwrap();
    assert_eq!(
        json(&ws.files().unwrap()),
        serde_json::json!({ "a.yaml": "k: 1\nk: 2\n" })
    );
    assert_eq!(codes(&json(&ws.check().unwrap())), vec!["Y002"]);
    // A config tab changes what is reported, and its own mistakes are listed.
    ws.set_file(".hublint.yaml", "ignore: [Y002]\nselct: [V]\n".to_string());
    assert!(codes(&json(&ws.check().unwrap()))
        .iter()
        .all(|c| c != "Y002"));
    assert_eq!(ws.config_errors().len(), 1);
}

/// Issue 16's bug: the playground never set today's date, so X001 never fired there; and
/// editing `.hublint.yaml` must not lose it.
#[wasm_bindgen_test]
fn x001_fires_in_the_playground_and_after_config_edits() {
    const HUB: &str = "# hublint: chart=jupyterhub version=4.4.0\nhub:\n  image:\n    name: quay.io/org/experimental-hub\n    tag: \"1\"\n";
    let config = |since: &str| {
        format!("experimental-images:\n  quay.io/org/experimental-hub: {{ since: {since} }}\n")
    };
    let mut ws = PlaygroundWorkspace::new();
    ws.set_file("config/clusters/c/values.yaml", HUB.to_string());
    for since in ["2001-01-01", "2001-01-02"] {
        ws.set_file(".hublint.yaml", config(since));
        let diags = json(&ws.check().unwrap());
        let x001: Vec<&Value> = diags
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "X001")
            .collect();
        assert_eq!(x001.len(), 1, "{diags:#}");
        assert!(
            x001[0]["message"].as_str().unwrap().contains(since),
            "{diags:#}"
        );
    }
}

#[wasm_bindgen_test]
fn fix_all_updates_the_workspace() {
    let mut ws = PlaygroundWorkspace::new();
    for (path, text) in repo("4.3.3") {
        ws.set_file(path, text);
    }
    let result = json(&ws.fix_all().unwrap());
    assert_eq!(
        result["changed"],
        serde_json::json!(["helm-charts/images/hub/Dockerfile"])
    );
    assert!(ws
        .get_file("helm-charts/images/hub/Dockerfile")
        .unwrap()
        .contains("k8s-hub:4.3.3"));
    assert!(!codes(&json(&ws.check().unwrap())).contains(&"V001".to_string()));
}

#[wasm_bindgen_test]
fn rules_carry_their_docs() {
    let docs = json(&rules().unwrap());
    let docs = docs.as_array().unwrap();
    assert_eq!(docs.len(), hublint_core::rules::all().len());
    let v001 = docs
        .iter()
        .find(|r| r["code"] == "V001")
        .expect("V001 listed");
    assert_eq!(v001["name"], "from-tag-disagrees-with-chart");
    assert_eq!(v001["fixable"], true);
    assert_eq!(v001["severity"], "error");
    let summary = v001["summary"].as_str().unwrap();
    let first_words = "Compares the tag of the hub image's base";
    assert!(
        summary.starts_with(first_words) && summary.ends_with('.'),
        "{summary}"
    );
    let doc = v001["doc"].as_str().unwrap();
    // The npm package and the playground's Python module carry the docs; the first module
    // does not (the page fetches rule-docs.json) but keeps every summary.
    if cfg!(feature = "rule-docs") {
        assert!(doc.contains("## What it does"), "{doc}");
        assert!(doc.contains(first_words), "{doc}");
    } else {
        assert_eq!(doc, "");
    }
    for rule in docs {
        assert!(!rule["summary"].as_str().unwrap().is_empty(), "{rule}");
    }
}

#[wasm_bindgen_test]
fn a_map_is_accepted_and_bad_input_is_an_error() {
    let map = js_sys::Map::new();
    map.set(&"a.yaml".into(), &"k: 1\nk: 2\n".into());
    assert_eq!(codes(&json(&check(map.into()).unwrap())), vec!["Y002"]);
    assert!(check(JsValue::from_str("a.yaml")).is_err());
    assert!(check(JsValue::NULL).is_err());
    assert!(
        check(files(&[]))
            .unwrap()
            .dyn_into::<js_sys::Array>()
            .unwrap()
            .length()
            == 0
    );
    let bad = Object::new();
    Reflect::set(&bad, &"a.yaml".into(), &JsValue::from_f64(1.0)).unwrap();
    assert!(check(bad.into()).is_err());
}

#[wasm_bindgen_test]
fn overrides_kubernetes_objects_and_cluster_schema_in_the_browser() {
    let values = "jupyterhub:\n  hub:\n    extraConfig:\n      01-x: |\n        if True:\n        c.KubeSpawner.mem_limit = '2G'\n  singleuser:\n    profileList:\n      - display_name: Small\n        kubespawner_override:\n          mem_limt: 1G\n    storage:\n      extraVolumes:\n        - name: shared\n          persistentVolumeClaim: {claimname: x}\n";
    let cluster = "name: demo\nprovider: gpc\nhubs:\n  - name: staging\n    domain: staging.example.org\n    helm_chart: basehub\n    helm_chart_values_files:\n      - staging.values.yaml\n";
    let schema = "type: object\nproperties:\n  provider: {type: string, enum: [gcp, kubeconfig, aws, azure]}\n";
    let mut all = repo("4.3.3");
    all.push(("config/clusters/demo/cluster.yaml", cluster.to_string()));
    all.push((
        "config/clusters/demo/staging.values.yaml",
        values.to_string(),
    ));
    all.push(("src/deployer/cluster.schema.yaml", schema.to_string()));
    let diags = json(
        &check(files(
            &all.iter()
                .map(|(p, t)| (*p, t.as_str()))
                .collect::<Vec<_>>(),
        ))
        .unwrap(),
    );
    let find = |code: &str| {
        diags
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == code)
            .cloned()
            .unwrap_or_else(|| panic!("no {code} in {diags}"))
    };
    // The playground's first module is built without the Python parser (module size); the
    // one it loads when a values file holds Python has it (this test runs against both, see
    // tests/ci.d/50-playground.sh).
    if checks_python() {
        let p = find("P001");
        assert_eq!(p["filename"], "config/clusters/demo/staging.values.yaml");
        assert_eq!(p["location"]["row"], 6);
    } else {
        assert!(!codes(&diags).contains(&"P001".to_string()), "{diags}");
        let mut ws = PlaygroundWorkspace::new();
        for (path, text) in &all {
            ws.set_file(path, text.clone());
        }
        assert!(
            ws.python_unchecked(),
            "the first module must ask for the Python one"
        );
    }
    let k = find("K001");
    assert_eq!(k["location"], serde_json::json!({"row": 11, "column": 11}));
    assert!(k["message"].as_str().unwrap().contains("mem_limit"), "{k}");
    let k8s = find("K003");
    assert_eq!(k8s["location"]["row"], 15);
    assert!(
        k8s["message"].as_str().unwrap().contains("claimName"),
        "{k8s}"
    );
    let s = find("S008");
    assert_eq!(s["filename"], "config/clusters/demo/cluster.yaml");
    assert_eq!(s["location"]["row"], 2);
}
