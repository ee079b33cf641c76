//! Prints every rule's Markdown doc as one JSON object, `{ "CODE": "markdown", ... }`:
//! scripts/build-playground.sh writes it to the playground's rule-docs.json, which the page
//! fetches because its first wasm module is built without the `rule-docs` feature.
//!
//!   cargo run -q -p hublint-core --example rule_docs_json > rule-docs.json

fn main() {
    let docs: serde_json::Map<String, serde_json::Value> = hublint_core::rules::all()
        .iter()
        .map(|rule| (rule.code.to_string(), rule.doc.into()))
        .collect();
    if docs
        .values()
        .any(|doc| doc.as_str().is_none_or(str::is_empty))
    {
        eprintln!("rule_docs_json: build with the `rule-docs` feature (core's default)");
        std::process::exit(1);
    }
    println!("{}", serde_json::Value::Object(docs));
}
