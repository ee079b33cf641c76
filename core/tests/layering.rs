//! `model`, `schema` and `rules` are layered: rules read the schema checks and the model,
//! the schema checks read the model, the model reads neither. An import back up the layers
//! (as the schema cache in the model once was) fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const LAYERED: &[&str] = &["model", "schema", "rules"];

/// The top-level module a source file belongs to (`schema/hubs.rs` → `schema`).
fn module_of(rel: &str) -> &str {
    let first = rel.split('/').next().unwrap_or(rel);
    first.strip_suffix(".rs").unwrap_or(first)
}

/// The top-level modules a file names with `use crate::…` or a `crate::…` path.
fn imports(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let line = line.trim_start();
        if line.starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
            rest = after;
        }
        // `use crate::{a, b::c}`
        if let Some(group) = line.strip_prefix("use crate::{") {
            for part in group.split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        }
    }
    out
}

fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path
                .strip_prefix(src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let from = module_of(&rel).to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            for to in imports(&text) {
                if to != from {
                    edges.entry(from.clone()).or_default().insert(to);
                }
            }
        }
    }
    edges
}

/// A circle among `nodes` in `edges` (restricted to them), as the path that closes it.
fn circle(edges: &BTreeMap<String, BTreeSet<String>>, nodes: &[&str]) -> Option<Vec<String>> {
    fn visit(
        at: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        nodes: &[&str],
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == at) {
            let mut found = path[i..].to_vec();
            found.push(at.to_string());
            return Some(found);
        }
        path.push(at.to_string());
        for to in edges.get(at).into_iter().flatten() {
            if nodes.contains(&to.as_str()) {
                if let Some(c) = visit(to, edges, nodes, path) {
                    return Some(c);
                }
            }
        }
        path.pop();
        None
    }
    nodes
        .iter()
        .find_map(|n| visit(n, edges, nodes, &mut Vec::new()))
}

#[test]
fn model_schema_and_rules_import_each_other_in_no_circle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let edges = graph(&src);
    // The reading itself works: the layers' downward imports are seen.
    assert!(edges["rules"].contains("schema"), "{edges:?}");
    assert!(edges["schema"].contains("model"), "{edges:?}");
    if let Some(c) = circle(&edges, LAYERED) {
        panic!("import circle: {}", c.join(" -> "));
    }
}

#[test]
fn a_circle_is_found() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (a, b) in [("model", "schema"), ("schema", "rules"), ("rules", "model")] {
        edges.entry(a.into()).or_default().insert(b.into());
    }
    assert_eq!(
        circle(&edges, LAYERED),
        Some(vec![
            "model".into(),
            "schema".into(),
            "rules".into(),
            "model".into()
        ])
    );
    edges.get_mut("rules").unwrap().clear();
    assert_eq!(circle(&edges, LAYERED), None);
    assert_eq!(
        imports("use crate::{model::Hub, values};\nlet x = crate::schema::hubs::run(h);"),
        ["model", "schema", "values"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
}
