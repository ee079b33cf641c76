//! Where a YAML file's parse time goes: `yaml_parser`'s lossless tree alone, then hublint's
//! node tree built from it (`yaml::parse`), on the corpus's YAML files and on a generated
//! 10,000-line values file (the language-server benchmark's shape).
//!
//! `cargo bench -p hublint-core --bench yaml_parse` (reads `../shared/corpus` beside the repo).

use hublint_core::yaml;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn main() {
    let corpus =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/2i2c-infrastructure");
    let mut files = Vec::new();
    collect_yaml(&corpus, &mut files);
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let corpus_bytes: usize = texts.iter().map(String::len).sum();
    let big = generated_values(10_000);
    println!(
        "corpus: {} YAML files, {} KB; generated: {} lines, {} KB",
        texts.len(),
        corpus_bytes / 1024,
        big.lines().count(),
        big.len() / 1024
    );
    println!(
        "{:<44} {:>12} {:>12}",
        "median of 15 runs", "corpus ms", "10k-line ms"
    );
    let lossless = |t: &str| {
        std::hint::black_box(yaml_parser::parse(t).ok());
    };
    let full = |t: &str| {
        std::hint::black_box(yaml::parse(t));
    };
    for (name, f) in [
        ("yaml_parser lossless tree only", &lossless as &dyn Fn(&str)),
        ("yaml::parse (lossless tree + node tree)", &full),
    ] {
        let c = median(|| texts.iter().for_each(|t| f(t)));
        let b = median(|| f(&big));
        println!("{:<44} {:>12.2} {:>12.2}", name, ms(c), ms(b));
    }
    let nodes: usize = texts
        .iter()
        .map(|t| {
            yaml::parse(t)
                .docs
                .iter()
                .map(yaml::Node::size)
                .sum::<usize>()
        })
        .sum();
    println!(
        "corpus nodes: {nodes}; size_of Node {} B, Entry {} B",
        std::mem::size_of::<yaml::Node>(),
        std::mem::size_of::<yaml::Entry>()
    );
}

fn median(mut f: impl FnMut()) -> Duration {
    f();
    let mut times: Vec<Duration> = (0..15)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn collect_yaml(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.file_name().is_some_and(|n| n == "history" || n == ".git") {
            continue;
        }
        if p.is_dir() {
            collect_yaml(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(p);
        }
    }
}

/// The language-server benchmark's generated file: a basehub hub's values with a long
/// profileList, extraEnv and a GitHub organisation list.
fn generated_values(lines_wanted: usize) -> String {
    let mut out: Vec<String> = [
        "jupyterhub:",
        "  hub:",
        "    config:",
        "      JupyterHub:",
        "        authenticator_class: github",
        "      GitHubOAuthenticator:",
        "        allowed_organizations:",
    ]
    .map(String::from)
    .to_vec();
    out.extend((0..50).map(|i| format!("          - org-{i}")));
    out.push("    extraEnv:".into());
    out.extend((0..200).map(|i| format!("      VAR_{i}: \"value-{i}\"")));
    out.extend(
        [
            "  singleuser:",
            "    image:",
            "      name: quay.io/jupyter/scipy-notebook",
            "      tag: \"2025-06-02\"",
            "    profileList:",
        ]
        .map(String::from),
    );
    let mut i = 0;
    while out.len() < lines_wanted - 2 {
        out.extend([
            format!("      - display_name: \"Profile {i}\""),
            format!("        slug: profile-{i}"),
            format!("        description: Machine type {i} for the course"),
            "        kubespawner_override:".into(),
            format!("          cpu_limit: {}", 1 + i % 8),
            format!("          mem_limit: {}G", 2 + i % 16),
            "        profile_options:".into(),
            "          image:".into(),
            "            display_name: Image".into(),
            "            choices:".into(),
            "              pangeo:".into(),
            "                display_name: Pangeo".into(),
            "                kubespawner_override:".into(),
            format!(
                "                  image: quay.io/pangeo/pangeo-notebook:2024.0{}.01",
                1 + i % 9
            ),
        ]);
        i += 1;
    }
    out.push("  cull:".into());
    out.push("    timeout: 3600".into());
    out.join("\n") + "\n"
}
