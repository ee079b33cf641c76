//! Where a re-check's time goes on a repository: `cargo run --release -p hublint-lsp
//! --example profile_check -- <repo> [changed file]`. Prints per-step and per-rule times.

use hublint_core::model::RepoModel;
use hublint_core::Config;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = args.next().expect("usage: profile_check <repo> [file]");
    let changed = args.next();
    let loaded = hublint_discover::load(std::path::Path::new(&root)).expect("load");
    let mut ws = loaded.ws;
    let config = loaded.config;
    ws.parse_all();
    let t = Instant::now();
    let _ = hublint_core::check(&ws, &config);
    println!("first full check: {:?}", t.elapsed());
    for round in 0..3 {
        if let Some(f) = &changed {
            let text = ws
                .get(f)
                .and_then(|s| s.text())
                .unwrap_or_default()
                .to_string();
            ws.insert_text(f, format!("{text}\n# edit {round}\n"));
        }
        let t = Instant::now();
        let ws2 = ws.clone();
        let clone = t.elapsed();
        let t = Instant::now();
        ws2.parse_all();
        let parse = t.elapsed();
        let t = Instant::now();
        let model = RepoModel::build(&ws2, &config);
        let build = t.elapsed();
        let t = Instant::now();
        let diags = hublint_core::check::check_with_model(&ws2, &model, &config);
        let rules = t.elapsed();
        println!("round {round}: clone {clone:?} parse {parse:?} model {build:?} rules {rules:?} ({} diagnostics)", diags.len());
    }
    if let Some(f) = &changed {
        for _ in 0..3 {
            let t = Instant::now();
            let n = hublint_lsp::worker::focused_check(&ws, &config, f).map(|d| d.len());
            println!(
                "focused check of {f}: {:?} ({n:?} diagnostics)",
                t.elapsed()
            );
        }
    }
    let mut per_rule: Vec<(String, std::time::Duration)> = Vec::new();
    let model = RepoModel::build(&ws, &config);
    for rule in hublint_core::rules::all() {
        let c = Config {
            select: vec![rule.code.to_string()],
            ..config.clone()
        };
        let t = Instant::now();
        let _ = hublint_core::check::check_with_model(&ws, &model, &c);
        per_rule.push((rule.code.to_string(), t.elapsed()));
    }
    per_rule.sort_by_key(|(_, d)| std::cmp::Reverse(*d));
    for (code, d) in per_rule.iter().take(12) {
        println!("  {code}: {d:?}");
    }
}
