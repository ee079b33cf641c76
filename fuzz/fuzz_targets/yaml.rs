//! YAML with spans: the parser, the helm YAML 1.1 resolver over every node, `.hublint.yaml`
//! config parsing, and the YAML-only rules through a one-file check.
#![no_main]
use hublint_core::yaml::{self, Node, Value};
use libfuzzer_sys::fuzz_target;

fn walk(node: &Node) {
    let _ = node.helm_type();
    match &node.value {
        Value::Scalar(_) => {}
        Value::Mapping(entries) => entries.iter().for_each(|e| {
            walk(&e.key);
            walk(&e.value);
        }),
        Value::Sequence(items) => items.iter().for_each(walk),
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = yaml::parse(&text);
    hublint_fuzz::assert_ranges_in(&text, "yaml::parse", &format!("{parsed:?}"));
    parsed.docs.iter().for_each(walk);
    let _ = hublint_core::Config::parse(&text);
    hublint_fuzz::check_files(&[("values.yaml".to_string(), data.to_vec())]);
});
