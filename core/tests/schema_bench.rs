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

/// CPU time of the whole process, all threads (utime + stime, in clock ticks of 10 ms).
fn process_cpu() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = &s[s.rfind(')')? + 2..];
    let f: Vec<u64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // Fields 14 and 15 of stat are the 12th and 13th after the command name.
    Some(Duration::from_millis((f.get(11)? + f.get(12)?) * 10))
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
    let process_start = process_cpu();
    for _ in 0..runs {
        let cpu = thread_cpu();
        let t = Instant::now();
        let diags = schema::hubs::run(&schema::hubs::HubValues::build(&ws, &model));
        best = best.min(t.elapsed());
        if let (Some(a), Some(b)) = (cpu, thread_cpu()) {
            best_cpu = best_cpu.min(b - a);
        }
        n = diags.len();
    }
    let process_avg = match (process_start, process_cpu()) {
        (Some(a), Some(b)) => format!("{:?}", (b - a) / runs),
        _ => "?".into(),
    };
    if let Ok(out) = std::env::var("HUBLINT_SCHEMA_DUMP") {
        dump(&ws, &model, std::path::Path::new(&out));
    }
    println!(
        "hubs: {}, parse: {parse:?}, model: {build:?}, validate all hubs (best of {runs}): {best:?} wall, {best_cpu:?} cpu on the calling thread, {process_avg} cpu of all threads (mean); parallel feature: {}; diagnostics: {n}",
        model.hubs.len(),
        cfg!(feature = "parallel")
    );
}

/// Write, for another validator, each hub's merged values as JSON next to the schema that
/// applies: `<out>/<schema name>/<cluster>__<hub>.json` and `<out>/<schema name>.schema.json`.
/// Every `required` is dropped from the schemas: each corpus hub also gets values from
/// secrets and values.jsonnet (and from the z2jh chart's defaults), so hublint does not ask
/// for required keys there either; both validators then check the same things. (A `oneOf`
/// becomes an `anyOf`: its forms differ only by required keys, so without them every form
/// fits, which hublint accepts for such hubs.)
fn dump(ws: &hublint_core::Workspace, model: &RepoModel, out: &std::path::Path) {
    use hublint_core::schema::hubs::{jobs, merged_values, schemas_for, FileSchemas};
    let corpus_schemas = corpus("z2jh/schemas").expect("z2jh schemas");
    let mut files = FileSchemas::default();
    let mut written = 0;
    for job in jobs(model) {
        let (applied, _, _) = schemas_for(ws, model, &job, &mut files);
        let merged = merged_values(ws, model, &job, None);
        for a in &applied {
            let (name, schema_doc) = match &a.schema.origin {
                schema::Origin::CompiledIn { release } => {
                    let path = corpus_schemas.join(format!("{release}.values.schema.yaml"));
                    let mut one = hublint_core::Workspace::new();
                    one.insert_bytes("s.yaml", std::fs::read(path).unwrap());
                    let root = one.get("s.yaml").unwrap().yaml_root().unwrap().clone();
                    (
                        format!("jupyterhub-{release}"),
                        without_required(yaml_json(&root)),
                    )
                }
                schema::Origin::File { path } => {
                    let root = ws.get(path).unwrap().yaml_root().unwrap();
                    (path.replace('/', "_"), without_required(yaml_json(root)))
                }
            };
            let dir = out.join(&name);
            std::fs::create_dir_all(&dir).unwrap();
            let schema_file = out.join(format!("{name}.schema.json"));
            if !schema_file.exists() {
                std::fs::write(&schema_file, serde_json::to_vec(&schema_doc).unwrap()).unwrap();
            }
            let Some(sub) = merged.get_path(&a.prefix) else {
                continue;
            };
            let doc = schema::merged_to_json(sub);
            std::fs::write(
                dir.join(format!("{}.json", job.label.replace('/', "__"))),
                serde_json::to_vec(&doc).unwrap(),
            )
            .unwrap();
            written += 1;
        }
    }
    println!("dumped {written} merged documents under {}", out.display());
}

fn without_required(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(o) => o
            .into_iter()
            .filter(|(k, _)| k != "required")
            .map(|(k, v)| {
                let k = if k == "oneOf" { "anyOf".to_string() } else { k };
                (k, without_required(v))
            })
            .collect(),
        serde_json::Value::Array(a) => a.into_iter().map(without_required).collect(),
        other => other,
    }
}

/// A YAML node as JSON (the same conversion hublint applies to schema files).
fn yaml_json(node: &hublint_core::yaml::Node) -> serde_json::Value {
    hublint_core::schema::yaml_to_json(node)
}
