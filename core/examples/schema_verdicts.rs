//! hublint's schema verdicts for `tests/oracle/schemas.py`: reads JSON lines
//! `{"schema": {...}, "instance": <JSON>}` on stdin and prints, for each, a JSON line
//! `{"errors": [{"code": "S001", "message": "..."}]}` (empty when the instance is valid). The
//! instance is read as YAML text, the way a values file is.

use std::io::{BufRead, Write};

fn main() {
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    for line in stdin.lock().lines() {
        let line = line.expect("stdin");
        if line.trim().is_empty() {
            continue;
        }
        let req: serde_json::Value = serde_json::from_str(&line).expect("a JSON line");
        let text = serde_json::to_string(&req["instance"]).expect("JSON");
        let yaml = hublint_core::yaml::parse(&text);
        let errors: Vec<serde_json::Value> = match yaml.docs.first() {
            Some(doc) => hublint_core::schema::check_document(&req["schema"], doc)
                .into_iter()
                .map(|(check, message)| {
                    let code = hublint_core::rules::rule_of(check).code;
                    serde_json::json!({"code": code, "message": message})
                })
                .collect(),
            None => vec![serde_json::json!({"code": "Y001", "message": "unreadable"})],
        };
        writeln!(out, "{}", serde_json::json!({ "errors": errors })).expect("stdout");
    }
}
