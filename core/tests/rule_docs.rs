//! Every rule is documented the same way, and codes are unique and stable in shape.

use hublint_core::rules;

#[test]
fn every_rule_has_a_complete_doc() {
    let mut seen = std::collections::HashSet::new();
    for r in rules::all() {
        assert!(seen.insert(r.code), "duplicate code {}", r.code);
        assert!(
            r.code.len() == 4
                && r.code.as_bytes()[0].is_ascii_uppercase()
                && r.code[1..].bytes().all(|b| b.is_ascii_digit()),
            "{}",
            r.code
        );
        assert!(
            r.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit()),
            "{}",
            r.name
        );
        // Without the `rule-docs` feature (core's default) only the summaries are compiled in.
        #[cfg(feature = "rule-docs")]
        for section in ["## What it does", "## Why", "## Example", "## Fix"] {
            assert!(r.doc.contains(section), "{} lacks {section}", r.code);
        }
        assert!(!r.summary().is_empty(), "{}", r.code);
        assert_eq!(rules::by_code(r.code).map(|x| x.code), Some(r.code));
        assert_eq!(rules::by_code(r.name).map(|x| x.code), Some(r.code));
    }
    for family in [
        "Y001", "Y002", "Y003", "R001", "R003", "D001", "V001", "V002", "V003", "C001", "C002",
        "C003", "I001", "I002", "I003", "S001", "S002", "S003", "S004", "S005", "P001", "P002",
        "K001", "K002", "K003", "K004", "S008",
    ] {
        assert!(rules::by_code(family).is_some(), "{family} missing");
    }
}
