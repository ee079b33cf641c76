//! The requirements and Dockerfile parsers on every such file of the real 2i2c deployment
//! repository (`../shared/corpus/2i2c-infrastructure/`, read in place, `history/` included),
//! and the R/D rules on its current state and on the malformed ref of `history/7306d7e65`.
//! Skipped, with a note, when the corpus is not beside the repository.

use hublint_core::fix::apply_edits;
use hublint_core::model::is_requirements_name;
use hublint_core::{check, Config, Severity, Workspace};
mod corpus_files;
use corpus_files::walk;
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/2i2c-infrastructure");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("note: {} not found; corpus tests skipped", p.display());
        None
    }
}

fn is_dockerfile(name: &str) -> bool {
    name == "Dockerfile" || name.starts_with("Dockerfile.") || name.starts_with("Dockerfile-")
}

#[test]
fn every_requirements_file_and_dockerfile_parses_cleanly() {
    let Some(root) = corpus() else { return };
    let mut files = Vec::new();
    walk(&root, &mut files);
    let (mut n_req, mut n_df, mut n_reqs, mut n_froms) = (0, 0, 0, 0);
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let rel = path.strip_prefix(&root).unwrap().display().to_string();
        if is_requirements_name(&name) {
            let text = std::fs::read_to_string(&path).unwrap();
            let f = hublint_core::requirements::parse(&text);
            assert!(f.errors.is_empty(), "{rel}: {:?}", f.errors);
            for r in &f.requirements {
                assert!(r.name.is_some(), "{rel}: no name for {r:?}");
            }
            n_req += 1;
            n_reqs += f.requirements.len();
        } else if is_dockerfile(&name) {
            let text = std::fs::read_to_string(&path).unwrap();
            let df = hublint_core::dockerfile::parse(&text);
            assert!(df.errors.is_empty(), "{rel}: {:?}", df.errors);
            let from = df.final_from().unwrap_or_else(|| panic!("{rel}: no FROM"));
            assert!(
                from.image.ends_with("jupyterhub/k8s-hub"),
                "{rel}: {}",
                from.image
            );
            let tag = from.tag.as_deref().unwrap();
            let r = from.tag_edit_range.unwrap();
            assert_eq!(&text[r.start..r.end], tag, "{rel}");
            n_df += 1;
            n_froms += df.froms.len();
        }
    }
    eprintln!("parsed {n_req} requirements files ({n_reqs} requirements) and {n_df} Dockerfiles ({n_froms} FROMs)");
    assert!(n_req >= 12, "only {n_req} requirements files found");
    assert!(n_df >= 10, "only {n_df} Dockerfiles found");
}

/// A workspace of every readable file under `dir` except the given top-level folders.
fn load(dir: &Path, skip: &[&str]) -> Workspace {
    let mut files = Vec::new();
    walk(dir, &mut files);
    let mut ws = Workspace::new();
    for p in files {
        let rel = p
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if skip.iter().any(|s| rel.starts_with(s)) {
            continue;
        }
        if let Ok(bytes) = std::fs::read(&p) {
            ws.insert_bytes(&rel, bytes);
        }
    }
    ws
}

const MINE: &[&str] = &[
    "R001", "R002", "R003", "R004", "R005", "R006", "R007", "D001", "D002", "D003",
];

#[test]
fn current_corpus_gets_only_the_known_finding() {
    let Some(root) = corpus() else { return };
    let ws = load(&root, &["history/"]);
    let diags: Vec<_> = check(&ws, &Config::default())
        .into_iter()
        .filter(|d| MINE.contains(&d.code))
        .collect();
    // The authz-helpers experiment still pins fancy-profiles 0.4.1 while the main image
    // and the oauthenticator-latest image moved to 0.6.0 (checked by hand).
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!((d.code, d.severity), ("R006", Severity::Warning));
    assert_eq!(
        d.file,
        "helm-charts/images/hub/authz-helpers-requirements.txt"
    );
    assert!(
        d.message.contains("0.4.1") && d.message.contains("0.6.0"),
        "{}",
        d.message
    );
}

#[test]
fn history_7306d7e65_stray_dollar_in_the_ref() {
    let Some(root) = corpus() else { return };
    let ws = load(&root.join("history/7306d7e65"), &[]);
    let diags = check(&ws, &Config::default());
    let r003: Vec<_> = diags.iter().filter(|d| d.code == "R003").collect();
    assert_eq!(r003.len(), 1, "{diags:#?}");
    let d = r003[0];
    assert_eq!(d.file, "helm-charts/images/hub/requirements.txt");
    assert_eq!(d.severity, Severity::Error);
    let text = ws.get(&d.file).unwrap().text().unwrap();
    assert_eq!(
        &text[d.range.start..d.range.end],
        "$ed7e3a0df1e3d625d10903ef7d7fd9c2fbb548db"
    );
    let line = text.lines().find(|l| l.contains("@$ed7e3a0d")).unwrap();
    assert!(line.starts_with("git+https://github.com/yuvipanda/jupyterhub-configurator@"));
    // The safe fix leaves the full SHA.
    let fix = d.safe_fix().expect("safe fix");
    let edits: Vec<_> = fix.edits.iter().collect();
    let (out, _) = apply_edits(text, &edits);
    assert!(out.contains("jupyterhub-configurator@ed7e3a0df1e3d625d10903ef7d7fd9c2fbb548db\n"));
    let mut ws2 = Workspace::new();
    ws2.insert_text(&d.file, out);
    assert!(check(&ws2, &Config::default())
        .iter()
        .all(|d| d.code != "R003"));
}

#[test]
fn history_branch_refs_and_ranges_are_reported() {
    let Some(root) = corpus() else { return };
    // a5ae110d4 and beccc702f pin jupyterhub-configurator to a branch; beccc702f's pkce
    // experiment asks for `oauthenticator>=17.3,<18` (FROM 4.0.0 ships 17.1.0: an upgrade).
    for (name, r003, r004) in [
        ("a5ae110d4", 2, 0),
        ("beccc702f", 1, 1),
        ("84f1b4f2c", 0, 0),
    ] {
        let ws = load(&root.join("history").join(name), &[]);
        let diags = check(&ws, &Config::default());
        let count = |c: &str| diags.iter().filter(|d| d.code == c).count();
        assert_eq!(count("R003"), r003, "{name}: {diags:#?}");
        assert_eq!(count("R004"), r004, "{name}: {diags:#?}");
        for c in ["R001", "R002", "R005", "R007", "D001", "D002", "D003"] {
            assert_eq!(count(c), 0, "{name} {c}: {diags:#?}");
        }
    }
}
