//! Core's top-level modules import each other in no circle: each reads only modules below
//! it (`rules` reads `schema`, `schema` reads `model`, `deployments` finds the hubs of the
//! `model`, `config_schema` parses `.hublint.yaml` with the rules and the schema validator
//! that read `config`). An import back up (as the schema cache in the model, or `model`
//! calling `deployments`, once were) fails here, naming the circle.
//!
//! The imports read are those of the code that ships: a module's tests (`#[cfg(test)] mod
//! tests { … }` or `mod tests;`) may drive the whole crate, as `crate::check` does.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level module a source file belongs to (`schema/hubs.rs` → `schema`).
fn module_of(rel: &str) -> &str {
    let first = rel.split('/').next().unwrap_or(rel);
    first.strip_suffix(".rs").unwrap_or(first)
}

/// The crate's top-level modules, and the names `lib.rs` re-exports from them
/// (`pub use check::check` makes `crate::check` a path into `check`).
fn crate_root(lib: &str) -> (BTreeSet<String>, BTreeMap<String, String>) {
    let mut modules = BTreeSet::new();
    let mut reexports = BTreeMap::new();
    for line in lib.lines().map(str::trim) {
        let line = line.strip_prefix("pub ").unwrap_or(line);
        if let Some(name) = line.strip_prefix("mod ").and_then(|l| l.strip_suffix(';')) {
            modules.insert(name.to_string());
        } else if let Some(path) = line.strip_prefix("use ").and_then(|l| l.strip_suffix(';')) {
            let Some((module, names)) = path.split_once("::") else {
                continue;
            };
            let names = names.trim_start_matches('{').trim_end_matches('}');
            for name in names.split(',') {
                let name = name.trim().rsplit("::").next().unwrap_or_default();
                reexports.insert(name.to_string(), module.to_string());
            }
        }
    }
    (modules, reexports)
}

/// The text of a file without its test modules (`#[cfg(test)] mod NAME { … }`, closed by a
/// `}` in the first column), and the files of the test modules it declares (`mod NAME;`).
fn shipped_code(text: &str, dir: &Path) -> (String, Vec<PathBuf>) {
    let mut out = String::new();
    let mut test_files = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "#[cfg(test)]" {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let Some(item) = lines.next() else { break };
        let item = item.trim();
        if let Some(name) = item.strip_prefix("mod ").and_then(|l| l.strip_suffix(';')) {
            test_files.push(dir.join(format!("{name}.rs")));
        } else if item.starts_with("mod ") && item.ends_with('{') {
            for inner in lines.by_ref() {
                if inner == "}" {
                    break;
                }
            }
        }
    }
    (out, test_files)
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

/// For each top-level module, the top-level modules its shipped code imports.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let (modules, reexports) = crate_root(&lib);
    let mut files = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut texts = BTreeMap::new();
    let mut test_files = BTreeSet::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let (code, tests) = shipped_code(&text, path.parent().unwrap());
        test_files.extend(tests);
        texts.insert(path, code);
    }
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, code) in texts.iter().filter(|(p, _)| !test_files.contains(*p)) {
        let rel = path
            .strip_prefix(src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let from = module_of(&rel).to_string();
        if !modules.contains(&from) {
            continue;
        }
        for name in imports(code) {
            let to = reexports.get(&name).cloned().unwrap_or(name);
            if to != from && modules.contains(&to) {
                edges.entry(from.clone()).or_default().insert(to);
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
fn core_modules_import_each_other_in_no_circle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let edges = graph(&src);
    // The reading itself works: downward imports, and paths through `lib.rs` re-exports
    // (`crate::Config`), are seen.
    assert!(edges["rules"].contains("schema"), "{edges:?}");
    assert!(edges["schema"].contains("model"), "{edges:?}");
    assert!(edges["deployments"].contains("model"), "{edges:?}");
    assert!(edges["experiment_history"].contains("config"), "{edges:?}");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let (modules, _) = crate_root(&lib);
    assert!(modules.len() > 20, "{modules:?}");
    let nodes: Vec<&str> = modules.iter().map(String::as_str).collect();
    if let Some(c) = circle(&edges, &nodes) {
        panic!("import circle among core's modules: {}", c.join(" -> "));
    }
}

#[test]
fn a_circle_is_found() {
    const LAYERED: &[&str] = &["model", "schema", "rules"];
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

#[test]
fn test_modules_and_reexports_are_read_as_the_compiler_does() {
    let (modules, reexports) = crate_root(
        "pub mod check;\nmod config;\npub use check::check;\npub use config::{Config, Severity};\n",
    );
    assert_eq!(
        modules,
        ["check", "config"].iter().map(|s| s.to_string()).collect()
    );
    assert_eq!(reexports["check"], "check");
    assert_eq!(reexports["Config"], "config");
    assert_eq!(reexports["Severity"], "config");
    let text = "use crate::model::Hub;\n#[cfg(test)]\nmod tests {\n    use crate::check;\n}\nfn f() { crate::values::x(); }\n#[cfg(test)]\nmod fixtures;\n";
    let (code, tests) = shipped_code(text, Path::new("src/schema"));
    assert_eq!(
        imports(&code),
        ["model", "values"].iter().map(|s| s.to_string()).collect()
    );
    assert_eq!(tests, vec![Path::new("src/schema").join("fixtures.rs")]);
}
