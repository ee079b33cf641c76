//! Where the time of a `check` goes: loading, parsing, model, and each rule on its own.
//! Usage: cargo run --release -p hublint-discover --example check_phases -- DIR
//! Resident memory after each phase is read from /proc (Linux).

use hublint_core::{check, model::RepoModel, rules, Config};
use std::time::Instant;

/// Resident and peak resident memory, MB.
fn rss() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    format!("rss {} MB, peak {} MB", field("VmRSS:"), field("VmHWM:"))
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: check_phases DIR");
    let t = Instant::now();
    let loaded = hublint_discover::load_with(
        std::path::Path::new(&dir),
        &hublint_discover::LoadOptions {
            exclude: vec!["history/**".into()],
        },
    )
    .unwrap();
    println!(
        "load    {:>8.1} ms ({} files) {}",
        t.elapsed().as_secs_f64() * 1e3,
        loaded.ws.len(),
        rss()
    );
    let t = Instant::now();
    loaded.ws.parse_all();
    println!(
        "parse   {:>8.1} ms {}",
        t.elapsed().as_secs_f64() * 1e3,
        rss()
    );
    let t = Instant::now();
    let model = RepoModel::build(&loaded.ws, &loaded.config);
    println!(
        "model   {:>8.1} ms ({} hubs) {}",
        t.elapsed().as_secs_f64() * 1e3,
        model.hubs.len(),
        rss()
    );
    for rule in rules::all() {
        let config = Config {
            select: vec![rule.code.to_string()],
            ..loaded.config.clone()
        };
        let t = Instant::now();
        let n = check(&loaded.ws, &config).len();
        println!(
            "{}    {:>8.1} ms ({n} diagnostics, incl. model) {}",
            rule.code,
            t.elapsed().as_secs_f64() * 1e3,
            rss()
        );
    }
    let t = Instant::now();
    let n = check(&loaded.ws, &loaded.config).len();
    println!(
        "all     {:>8.1} ms ({n} diagnostics)",
        t.elapsed().as_secs_f64() * 1e3
    );
}
