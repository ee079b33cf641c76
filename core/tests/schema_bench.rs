//! Timing of the schema validation over the corpus (run by `bench/schema.sh`, ignored in
//! normal test runs): `cargo test --release -p hublint-core --test schema_bench -- --ignored --nocapture`.

mod schema_common;
use hublint_core::model::RepoModel;
use hublint_core::{schema, Config};
use schema_common::*;
use std::time::{Duration, Instant};

/// CPU time this thread has run (Linux `schedstat`, nanoseconds): unlike wall time it does
/// not grow when other processes share the cores.
fn thread_cpu() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(
        s.split_whitespace().next()?.parse().ok()?,
    ))
}

#[test]
#[ignore]
fn validate_every_hub_of_the_corpus() {
    let Some(dir) = corpus("2i2c-infrastructure") else {
        return;
    };
    let ws = load_dir(&dir);
    let config = Config::default();
    let t = Instant::now();
    ws.parse_all();
    let parse = t.elapsed();
    let t = Instant::now();
    let model = RepoModel::build(&ws, &config);
    let build = t.elapsed();
    let runs = 20;
    let mut best = Duration::MAX;
    let mut best_cpu = Duration::MAX;
    let mut n = 0;
    for _ in 0..runs {
        let cpu = thread_cpu();
        let t = Instant::now();
        let diags = schema::hubs::run(&ws, &model, &config);
        best = best.min(t.elapsed());
        if let (Some(a), Some(b)) = (cpu, thread_cpu()) {
            best_cpu = best_cpu.min(b - a);
        }
        n = diags.len();
    }
    println!(
        "hubs: {}, parse: {parse:?}, model: {build:?}, validate all hubs (best of {runs}): {best:?} wall, {best_cpu:?} cpu; diagnostics: {n}",
        model.hubs.len()
    );
}
