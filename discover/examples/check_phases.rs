//! Where the time of a `check` goes: loading, parsing, model, and each rule on its own.
//! Usage: cargo run --release -p hublint-discover --example check_phases -- DIR

use hublint_core::{check, model::RepoModel, rules, Config};
use std::time::Instant;

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
        "load    {:>8.1} ms ({} files)",
        t.elapsed().as_secs_f64() * 1e3,
        loaded.ws.len()
    );
    let t = Instant::now();
    loaded.ws.parse_all();
    println!("parse   {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    let model = RepoModel::build(&loaded.ws, &loaded.config);
    println!(
        "model   {:>8.1} ms ({} hubs)",
        t.elapsed().as_secs_f64() * 1e3,
        model.hubs.len()
    );
    for rule in rules::all() {
        let config = Config {
            select: vec![rule.code.to_string()],
            ..loaded.config.clone()
        };
        let t = Instant::now();
        let n = check(&loaded.ws, &config).len();
        println!(
            "{}    {:>8.1} ms ({n} diagnostics, incl. model)",
            rule.code,
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    let t = Instant::now();
    let n = check(&loaded.ws, &loaded.config).len();
    println!(
        "all     {:>8.1} ms ({n} diagnostics)",
        t.elapsed().as_secs_f64() * 1e3
    );
}
