//! The focused check (the edited file's diagnostics from a workspace without the other
//! clusters' hubs) must give exactly what the full check gives for that file, on the real
//! 2i2c repository (`../shared/corpus/2i2c-infrastructure/`, read in place) and the example.

use hublint_lsp::worker::focused_check;
use std::path::Path;

fn compare(root: &Path) -> usize {
    let loaded = hublint_discover::load(root).expect("load repository");
    let (ws, config) = (loaded.ws, loaded.config);
    let full = hublint_core::check(&ws, &config);
    let files: Vec<String> = ws.files().map(|f| f.path.clone()).collect();
    let mut focused_files = 0;
    for rel in &files {
        let Some(focused) = focused_check(&ws, &config, rel) else {
            continue;
        };
        focused_files += 1;
        let expected: Vec<_> = full.iter().filter(|d| &d.file == rel).cloned().collect();
        assert_eq!(
            focused, expected,
            "focused check of {rel} differs from the full check"
        );
    }
    focused_files
}

#[test]
fn focused_equals_full_on_the_2i2c_corpus() {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/2i2c-infrastructure");
    assert!(root.is_dir(), "corpus missing at {}", root.display());
    let n = compare(&root);
    // Every hub values file and cluster.yaml takes the focused path.
    assert!(n > 200, "only {n} files were checked the focused way");
}

#[test]
fn focused_equals_full_on_the_example() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/demo-deployment");
    let n = compare(&root);
    assert!(n >= 4, "{n}");
}
