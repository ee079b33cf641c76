//! YAML with spans: the parser, the helm YAML 1.1 resolver over every node, `.hublint.yaml`
//! config parsing, and the YAML-only rules through a one-file check. Wherever the direct
//! reader (`core/src/yaml/direct.rs`) gives a tree, it must equal the `yaml_parser` path's.
#![no_main]
use hublint_core::yaml::{self, Node, Value};
use libfuzzer_sys::fuzz_target;

/// Resolve every node's helm type and check its span (a direct walk: the `Debug` form of a
/// large tree costs more than the parse).
fn walk(text: &str, node: &Node) {
    let _ = node.helm_type();
    let r = node.range;
    assert!(r.start <= r.end && r.end <= text.len(), "node range {r:?} outside {} bytes", text.len());
    assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end), "node range {r:?} splits a character");
    match &node.value {
        Value::Scalar(_) => {}
        Value::Mapping(entries) => entries.iter().for_each(|e| {
            walk(text, &e.key);
            walk(text, &e.value);
        }),
        Value::Sequence(items) => items.iter().for_each(|n| walk(text, n)),
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = yaml::parse(&text);
    let others = format!("{:?} {:?} {:?}", parsed.errors, parsed.duplicates, parsed.comments);
    hublint_fuzz::assert_ranges_in(&text, "yaml::parse", &others);
    parsed.docs.iter().for_each(|d| walk(&text, d));
    if let Some(direct) = yaml::parse_direct_only(&text) {
        let full = yaml::parse_with_yaml_parser(&text);
        assert!(direct == full, "direct reader and yaml_parser disagree:\n{direct:?}\n{full:?}");
    }
    let _ = hublint_core::Config::parse(&text);
    hublint_fuzz::check_files(&[("values.yaml".to_string(), data.to_vec())]);
});
