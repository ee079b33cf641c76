//! Unit tests of the validator on small schemas (the rules' tests use the real ones).

use super::instance::Inst;
use super::tree::{yaml_to_json, Schema};
use super::validate::{path_string, yaml_scalar_text, Kind, Seg, Validator};
use crate::values;
use crate::yaml::parse;

/// Validate `values` (YAML) against `schema` (YAML); (kind, covered text, message) each.
fn run(schema: &str, values: &str, hidden: bool) -> Vec<(Kind, String, String)> {
    run_with(schema, values, hidden, true)
}

/// [`run`], with or without the chart's defaults merged in (`defaults_known`).
fn run_with(
    schema: &str,
    values: &str,
    hidden: bool,
    defaults_known: bool,
) -> Vec<(Kind, String, String)> {
    let s = parse(schema);
    let (schema, root) = Schema::from_json(&yaml_to_json(&s.docs[0]));
    let v = parse(values);
    let mut merged = values::empty();
    merged.merge("v.yaml", &v.docs[0], &[]);
    let validator = Validator {
        schema: &schema,
        hidden_values: hidden,
        defaults_known,
        source: "test schema",
    };
    let mut out = Vec::new();
    validator.validate(Inst::Merged(&merged), root, &mut Vec::new(), &mut out);
    out.into_iter()
        .map(|f| {
            (
                f.kind,
                values[f.range.start..f.range.end].to_string(),
                f.message,
            )
        })
        .collect()
}

#[test]
fn one_of_by_type_picks_the_meant_form() {
    let schema = "properties:\n  x:\n    oneOf:\n      - type: string\n      - type: object\n        additionalProperties: false\n        properties:\n          a: {type: integer}\n";
    assert!(run(schema, "x: text\n", false).is_empty());
    assert!(run(schema, "x: {a: 1}\n", false).is_empty());
    // The mapping form was meant: its own problem is reported, not "fits none".
    let got = run(schema, "x: {a: 1, b: 2}\n", false);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].0, got[0].1.as_str()), (Kind::UnknownKey, "b"));
    // Neither form by type: one finding on the value's key.
    let got = run(schema, "x: [1]\n", false);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, Kind::NotAllowed);
    assert!(
        got[0].2.contains("fits none of the alternatives"),
        "{}",
        got[0].2
    );
}

#[test]
fn hidden_values_silence_required_everywhere() {
    let schema = "required: [a]\nproperties:\n  m:\n    required: [b]\n    oneOf:\n      - required: [c]\n      - required: [d]\n";
    let got = run(schema, "m: {}\n", false);
    let kinds: Vec<Kind> = got.iter().map(|g| g.0).collect();
    assert_eq!(
        kinds,
        vec![Kind::Missing, Kind::Missing, Kind::Missing],
        "{got:?}"
    );
    assert!(got[2].2.contains("needs `c`, or `d`"), "{}", got[2].2);
    assert!(run(schema, "m: {}\n", true).is_empty());
}

#[test]
fn else_branch_and_tuple_items() {
    let schema = "properties:\n  p:\n    if: {properties: {enabled: {const: true}}}\n    then: {required: [url]}\n    else: {properties: {url: {type: \"null\"}}}\n  t:\n    items: [{type: string}, {type: integer}]\n";
    let got = run(schema, "p: {enabled: false, url: x}\nt: [a, b, 3]\n", false);
    let got: Vec<(Kind, &str)> = got.iter().map(|g| (g.0, g.1.as_str())).collect();
    // `b` is checked against the second tuple entry; the third item against nothing.
    assert_eq!(got, vec![(Kind::WrongType, "x"), (Kind::WrongType, "b")]);
}

#[test]
fn false_schema_and_string_keywords() {
    let schema = "properties:\n  gone: false\n  s: {type: string, pattern: '^a', maxLength: 1}\n  t: {pattern: '^a', format: email}\n  u: {x-unknown: 1}\n";
    let got = run(schema, "gone: 1\ns: bbb\nt: abc\nu: 1\n", false);
    let got: Vec<(Kind, &str)> = got.iter().map(|g| (g.0, g.1.as_str())).collect();
    // One reason per value (the length before the pattern); unknown keywords are ignored.
    assert_eq!(
        got,
        vec![
            (Kind::NotAllowed, "1"),
            (Kind::NotAllowed, "bbb"),
            (Kind::NotAllowed, "abc")
        ]
    );
}

/// The draft-07 keywords helm's validator enforces beyond the ones values schemas use most,
/// each broken once (helm's verdicts: tests/oracle/schemas.py).
#[test]
fn every_draft07_keyword_helm_enforces() {
    let schema = r#"
properties:
  num: {maximum: 5, multipleOf: 2}
  x: {exclusiveMinimum: 1, exclusiveMaximum: 3}
  l: {minItems: 1, maxItems: 2, uniqueItems: true}
  c: {contains: {type: string}}
  tup: {items: [{type: integer}], additionalItems: false}
  o: {minProperties: 1, maxProperties: 1, propertyNames: {maxLength: 2}}
  d: {dependencies: {a: [b, c]}}
  nt: {not: {type: string}}
  e: {enum: [[1, 2], {k: 1}]}
  r: {$ref: '#/definitions/pos'}
definitions:
  pos: {type: integer, minimum: 1}
"#;
    let bad = "num: 3
x: 3
l: [1, 1.0]
c: [1]
tup: [1, 2]
o: {abc: 1}
d: {a: 1, b: 2}
nt: s
e: {k: 2}
r: 0
";
    let got = run(schema, bad, false);
    let kinds: Vec<(Kind, &str)> = got.iter().map(|g| (g.0, g.1.as_str())).collect();
    assert_eq!(
        kinds,
        vec![
            (Kind::NotAllowed, "3"),
            (Kind::NotAllowed, "3"),
            (Kind::NotAllowed, "[1, 1.0]"),
            (Kind::NotAllowed, "[1]"),
            (Kind::NotAllowed, "[1, 2]"),
            (Kind::UnknownKey, "abc"),
            (Kind::Missing, "d"),
            (Kind::NotAllowed, "s"),
            (Kind::NotAllowed, "{k: 2}"),
            (Kind::NotAllowed, "0"),
        ],
        "{got:?}"
    );
    let good = "num: 4
x: 2
l: [1, 2]
c: [1, a]
tup: [1]
o: {ab: 1}
d: {a: 1, b: 2, c: 3}
nt: 1
e: {k: 1.0}
r: 1
";
    assert!(
        run(schema, good, false).is_empty(),
        "{:?}",
        run(schema, good, false)
    );
}

#[test]
fn merged_to_json_reads_like_helm() {
    // Keys too: `on` and `n` are YAML 1.1 booleans, which helm turns into the keys `true`
    // and `false`.
    let v = parse("a: {tag: 1.10, on: yes, mode: 0644, q: '1.10', n: ~, l: [1, x]}\n");
    let mut m = values::empty();
    m.merge("v.yaml", &v.docs[0], &[]);
    assert_eq!(
        super::merged_to_json(&m),
        serde_json::json!({"a": {"tag": 1.1, "true": true, "mode": 420, "q": "1.10", "false": null, "l": [1, "x"]}})
    );
}

#[test]
fn small_helpers() {
    assert_eq!(
        path_string(&[
            Seg::Key("hub"),
            Seg::Key("extraEnv"),
            Seg::Index(2),
            Seg::Key("value")
        ]),
        "hub.extraEnv[2].value"
    );
    assert_eq!(yaml_scalar_text("IfNotPresent"), "IfNotPresent");
    assert_eq!(yaml_scalar_text(""), "\"\"");
    assert_eq!(yaml_scalar_text("yes"), "\"yes\"");
    assert_eq!(yaml_scalar_text("a b"), "\"a b\"");
    assert_eq!(yaml_scalar_text("1.10"), "\"1.10\"");
}

#[test]
fn without_defaults_an_if_on_a_key_left_out_is_not_judged() {
    // z2jh's `imagePullSecret`: the `then` branch closes the mapping when `create` is true;
    // the chart's values.yaml sets `create: false`.
    let schema = "properties:\n  secret:\n    type: object\n    properties:\n      create: {type: boolean}\n    if:\n      properties:\n        create: {const: true}\n    then:\n      additionalProperties: false\n      properties:\n        create: {}\n        registry: {}\n";
    let unknown = |got: Vec<(Kind, String, String)>| {
        got.iter()
            .filter(|g| g.0 == Kind::UnknownKey)
            .map(|g| g.1.clone())
            .collect::<Vec<_>>()
    };
    // Without the defaults, `create` left out may be false: neither branch is judged.
    assert!(unknown(run_with(schema, "secret: {Name: 1}\n", false, false)).is_empty());
    // Written in the file, it decides the branch as with the defaults.
    let got = run_with(schema, "secret: {create: true, Name: 1}\n", false, false);
    assert_eq!(unknown(got), ["Name"]);
    assert!(unknown(run_with(
        schema,
        "secret: {create: false, Name: 1}\n",
        false,
        false
    ))
    .is_empty());
    // With the defaults merged, a `create` left out is absent for helm too: `then` applies.
    assert_eq!(
        unknown(run_with(schema, "secret: {Name: 1}\n", false, true)),
        ["Name"]
    );
}

#[test]
fn keys_a_then_branch_also_requires_are_reported_with_the_others() {
    // z2jh's `imagePullSecret` with `create: null` (the default deleted): helm reports
    // `create` and the `then` branch's keys missing, all at the one mapping.
    let schema = "properties:\n  secret:\n    type: object\n    required: [create]\n    if:\n      properties:\n        create: {const: true}\n    then:\n      required: [registry, create, username]\n";
    let got = run(schema, "secret: {}\n", false);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, Kind::Missing);
    assert!(
        got[0]
            .2
            .contains("missing the required keys `create`, `registry`, `username`"),
        "{}",
        got[0].2
    );
}
