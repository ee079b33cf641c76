//! `.hublint.yaml` in the language server, through the real stdio loop: its errors are
//! diagnostics at their line (and go when fixed), keys and rule codes complete from the
//! published configuration schema, and hover explains a key.

mod common;

use common::Server;
use serde_json::{json, Value};
use std::time::Duration;

/// A misspelt code and key, and a severity left empty while it is being typed.
const BROKEN: &str = "ignore: [V, R04]\nexperiment-dayz: 3\nseverity:\n  R004: \n";

fn config_diagnostics(server: &Server, uri: &str, version: i64) -> Option<Vec<Value>> {
    let m = server.wait_for(Duration::from_secs(60), |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri
            && m["params"]["version"] == version
    })?;
    m["params"]["diagnostics"].as_array().cloned()
}

/// The labels of a completion answer.
fn labels(items: &Value) -> Vec<&str> {
    let items = items.as_array().map(Vec::as_slice).unwrap_or_default();
    items.iter().filter_map(|i| i["label"].as_str()).collect()
}

/// A repository holding `files` (path, text), and a server started on it with each file open.
fn open_repository(files: &[(&str, &str)]) -> (tempfile::TempDir, String, Server) {
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    let root = format!("file://{}", repo.path().display());
    let mut server = Server::start();
    server.call(
        1,
        "initialize",
        json!({"capabilities": {}, "rootUri": root}),
    );
    server.notify("initialized", json!({}));
    for (path, text) in files {
        let file = repo.path().join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, text).unwrap();
        server.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": format!("{root}/{path}"), "languageId": "yaml", "version": 1, "text": text}}),
        );
    }
    (repo, root, server)
}

#[test]
fn hublint_yaml_diagnostics_completion_and_hover() {
    let (_repo, root, mut server) = open_repository(&[(".hublint.yaml", BROKEN)]);
    let uri = format!("{root}/.hublint.yaml");

    let diags = config_diagnostics(&server, &uri, 1).expect("diagnostics for .hublint.yaml");
    let found: Vec<(u64, &str)> = diags
        .iter()
        .map(|d| {
            (
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(found, [(0, "H001"), (1, "H001"), (3, "H001")], "{diags:#?}");
    assert!(
        diags[0]["message"].as_str().unwrap().contains("R004"),
        "{diags:#?}"
    );
    assert_eq!(diags[0]["range"]["start"]["character"], 12);

    // Keys at the top level, with their descriptions.
    let at = |line: u32, character: u32| json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
    let items = server.call(2, "textDocument/completion", at(1, 3));
    assert!(labels(&items).contains(&"experiment-days"), "{items:#}");
    // Severities for a rule code.
    let items = server.call(3, "textDocument/completion", at(3, 8));
    let severities = labels(&items);
    assert!(
        severities.contains(&"error") && severities.contains(&"warning"),
        "{items:#}"
    );
    // Hover: the key's description from the schema.
    let hover = server.call(4, "textDocument/hover", at(2, 3));
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("A severity per rule code"), "{hover:#}");

    // Fixed: the diagnostics go.
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"text": "ignore: [V, R004]\nexperiment-days: 3\n"}]}),
    );
    let diags = config_diagnostics(&server, &uri, 2).expect("diagnostics after the edit");
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(server.stop(), 0);
}

/// Issue 16's bug: editing `.hublint.yaml` in the server re-read it without today's date, so
/// X001 went quiet for as long as the server ran.
#[test]
fn x001_survives_editing_the_config() {
    const VALUES: &str = "# hublint: chart=jupyterhub version=4.4.0\nhub:\n  image:\n    name: quay.io/org/experimental-hub\n    tag: \"1\"\n";
    let config = |since: &str| {
        format!("experimental-images:\n  quay.io/org/experimental-hub: {{ since: {since} }}\n")
    };
    let first = config("2001-01-01");
    let (_repo, root, mut server) = open_repository(&[
        ("config/clusters/c/values.yaml", VALUES),
        (".hublint.yaml", &first),
    ]);
    let config_uri = format!("{root}/.hublint.yaml");
    let values_uri = format!("{root}/config/clusters/c/values.yaml");
    // Each edit of the config re-checks the values file; X001 must be there every time.
    for version in 2..=3 {
        let since = format!("2001-01-0{version}");
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": config_uri, "version": version},
                   "contentChanges": [{"text": config(&since)}]}),
        );
        let _ = config_diagnostics(&server, &config_uri, version).expect("config re-checked");
        let x001 = server.wait_for(Duration::from_secs(60), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == values_uri
                && m["params"]["diagnostics"].as_array().is_some_and(|d| {
                    d.iter().any(|d| {
                        d["code"] == "X001"
                            && d["message"].as_str().unwrap_or_default().contains(&since)
                    })
                })
        });
        assert!(
            x001.is_some(),
            "no X001 naming {since} on the values file after edit {version}"
        );
    }
    assert_eq!(server.stop(), 0);
}
