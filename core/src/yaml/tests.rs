use super::*;

fn doc(text: &str) -> Node {
    let f = parse(text);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    f.docs.into_iter().next().unwrap()
}

#[test]
fn spans_of_keys_and_values_are_exact() {
    let text =
        "hub:\n  image:\n    name: quay.io/x/y # c\n    tag: \"1.10\"\nlist:\n  - a\n  - {k: v}\n";
    let root = doc(text);
    let tag = root.get_path(&["hub", "image", "tag"]).unwrap();
    assert_eq!(&text[tag.range.start..tag.range.end], "\"1.10\"");
    assert_eq!(tag.as_str(), Some("1.10"));
    let name_entry = root
        .get("hub")
        .unwrap()
        .get("image")
        .unwrap()
        .entry("name")
        .unwrap();
    assert_eq!(
        &text[name_entry.key.range.start..name_entry.key.range.end],
        "name"
    );
    assert_eq!(
        &text[name_entry.value.range.start..name_entry.value.range.end],
        "quay.io/x/y"
    );
    let list = root.get("list").unwrap().as_sequence().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[1].get("k").unwrap().as_str(), Some("v"));
}

#[test]
fn scalars_are_decoded() {
    let root = doc("a: 'it''s'\nb: \"x\\ty\\u00e9\"\nc: |\n  l1\n  l2\nd: >-\n  f1\n  f2\n\n  f3\ne: plain\n  folded\nf:\n");
    assert_eq!(root.get("a").unwrap().as_str(), Some("it's"));
    assert_eq!(root.get("b").unwrap().as_str(), Some("x\tyé"));
    assert_eq!(root.get("c").unwrap().as_str(), Some("l1\nl2\n"));
    assert_eq!(root.get("d").unwrap().as_str(), Some("f1 f2\nf3"));
    assert_eq!(root.get("e").unwrap().as_str(), Some("plain folded"));
    assert!(root.get("f").unwrap().is_null());
}

#[test]
fn helm_types_follow_yaml11() {
    let root = doc("a: 1.10\nb: \"1.10\"\nc: yes\nd: !!str 0123\ne: 0123\n");
    assert_eq!(root.get("a").unwrap().helm_type(), helm::HelmType::Float);
    assert_eq!(root.get("b").unwrap().helm_type(), helm::HelmType::String);
    assert_eq!(root.get("c").unwrap().helm_type(), helm::HelmType::Bool);
    assert_eq!(root.get("d").unwrap().helm_type(), helm::HelmType::String);
    assert_eq!(root.get("e").unwrap().helm_type(), helm::HelmType::Int);
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let root = doc("base: &b\n  x: 1\n  y: 2\nuse:\n  <<: *b\n  y: 3\ncopy: *b\n");
    let used = root.get("use").unwrap();
    assert_eq!(used.get("x").unwrap().as_str(), Some("1"));
    assert_eq!(
        used.get("y").unwrap().as_str(),
        Some("3"),
        "explicit keys win over merged ones"
    );
    assert!(used.entry("x").unwrap().merged);
    assert_eq!(
        root.get("copy").unwrap().get("y").unwrap().as_str(),
        Some("2")
    );
    assert!(root.get("copy").unwrap().from_alias);
}

/// Merge keys as helm's go-yaml (v2) applies them, checked against Helm v4.2.3: where the
/// `<<` is written, over keys above it and under keys below it; of a list of mappings the
/// first holding a key wins; a second `<<` over the first.
#[test]
fn merge_keys_apply_where_written_as_in_helm() {
    for (text, want) in [
        (
            "c:\n  a: 1\n  <<: {a: 2, b: 3}\n  b: 4\n",
            [("a", "2"), ("b", "4")],
        ),
        (
            "c:\n  a: 0\n  <<: [{a: 1}, {a: 2, b: 2}]\n  b: 3\n",
            [("a", "1"), ("b", "3")],
        ),
        (
            "c:\n  <<: {a: 1}\n  <<: {a: 2, b: 5}\n",
            [("a", "2"), ("b", "5")],
        ),
        (
            "b: &b {a: 1}\nc:\n  a: 0\n  <<: *b\n  b: 0\n",
            [("a", "1"), ("b", "0")],
        ),
    ] {
        for f in [parse(text), parse_with_yaml_parser(text)] {
            assert!(f.errors.is_empty(), "{text:?}: {:?}", f.errors);
            let c = f.docs[0].get("c").unwrap();
            for (key, value) in want {
                // The last entry of a key is the one helm keeps.
                let kept = c
                    .as_mapping()
                    .unwrap()
                    .iter()
                    .rev()
                    .find(|e| e.key.as_str() == Some(key));
                assert_eq!(
                    kept.and_then(|e| e.value.as_str()),
                    Some(value),
                    "{text:?} {key}"
                );
            }
        }
    }
    // What a merge replaces is gone for helm (`.inf` would refuse the file), yet decoded.
    assert!(parse("c:\n  a: .inf\n  <<: {a: 1}\n")
        .helm_refusal
        .is_none());
    assert!(parse("c:\n  a: !!null 1\n  <<: {a: 1}\n")
        .helm_refusal
        .is_some());
    assert!(parse("c:\n  <<: {a: !!int x}\n  <<: {a: 1}\n")
        .helm_refusal
        .is_some());
}

#[test]
fn billion_laughs_is_bounded() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let mut prev = 'a';
    for name in "bcdefghij".chars() {
        text.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        prev = name;
    }
    let start = std::time::Instant::now();
    let f = parse(&text);
    assert!(start.elapsed().as_secs() < 5);
    assert!(
        f.errors
            .iter()
            .any(|e| e.kind == YamlErrorKind::AliasBudget),
        "{:?}",
        f.errors
    );
    assert!(f.docs[0].size() <= ALIAS_BUDGET * 2);
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let deep_flow = "[".repeat(10_000);
    assert_eq!(parse(&deep_flow).errors[0].kind, YamlErrorKind::TooDeep);
    let mut deep_block = String::new();
    for i in 0..1_000 {
        deep_block.push_str(&" ".repeat(i));
        deep_block.push_str("k:\n");
    }
    assert_eq!(parse(&deep_block).errors[0].kind, YamlErrorKind::TooDeep);
    let compact = "- ".repeat(10_000) + "x\n";
    assert_eq!(parse(&compact).errors[0].kind, YamlErrorKind::TooDeep);
}

#[test]
fn syntax_errors_have_a_position() {
    let text = "a: [1, 2\nb: c\n";
    let f = parse(text);
    assert_eq!(f.errors.len(), 1);
    assert_eq!(f.errors[0].kind, YamlErrorKind::Syntax);
    assert!(f.errors[0].range.start <= text.len());
}

#[test]
fn byte_order_mark_keeps_offsets() {
    let text = "\u{feff}a: b\n";
    let root = doc(text);
    let b = root.get("a").unwrap();
    assert_eq!(&text[b.range.start..b.range.end], "b");
}

#[test]
fn duplicate_keys_are_recorded() {
    let text = "a: 1\nb: 2\na: 3\n";
    let f = parse(text);
    assert_eq!(f.duplicates.len(), 1);
    assert_eq!(f.duplicates[0].key, "a");
    assert_eq!(f.duplicates[0].duplicate.start, 10);
    // helm keeps the last one
    assert_eq!(f.docs[0].get("a").unwrap().as_str(), Some("3"));
}

#[test]
fn multiple_documents() {
    let f = parse("a: 1\n---\nb: 2\n");
    assert_eq!(f.docs.len(), 2);
    assert_eq!(f.docs[1].get("b").unwrap().as_str(), Some("2"));
}

#[test]
fn indentation_past_the_parser_mask_is_refused_but_block_scalar_text_is_fine() {
    // 64 columns of structure: the parser's indent mask would overflow.
    let mut deep = String::new();
    for i in 0..40 {
        deep.push_str(&" ".repeat(i * 2));
        deep.push_str(&format!("k{i}:\n"));
    }
    let f = parse(&deep);
    assert_eq!(f.errors.len(), 1, "{:?}", f.errors);
    assert_eq!(f.errors[0].kind, YamlErrorKind::TooDeep);
    assert!(
        f.errors[0].message.contains("indented"),
        "{}",
        f.errors[0].message
    );
    // Deeply indented text inside a block scalar is only text.
    let text = format!(
        "hub:\n  extraConfig:\n    a: |\n      x = 1\n{}y = 2\n    b: 1\n",
        " ".repeat(80)
    );
    let root = doc(&text);
    assert!(root
        .get_path(&["hub", "extraConfig", "a"])
        .unwrap()
        .as_str()
        .unwrap()
        .contains("y = 2"));
    assert_eq!(
        root.get_path(&["hub", "extraConfig", "b"])
            .unwrap()
            .as_str(),
        Some("1")
    );
}

/// (text, offset of the error, words its message must have): YAML go-yaml (helm) refuses
/// but yaml_parser 0.3 gives a tree for; each must be Y001 at the place go-yaml stops.
const LENIENCIES: &[(&str, usize, &str)] = &[
    (
        "a: b: c\n",
        4,
        "a mapping (`key: value`) cannot start on the same line as its key",
    ),
    (
        "hub:\n  image: quay.io/org/hub: 1.0\n",
        29,
        "cannot start on the same line",
    ),
    ("- name: x\n  value: y: z\n", 20, "a mapping"),
    ("a: &x b: c\n", 7, "a mapping"),
    (
        "a: - b\n",
        3,
        "a list (`- ...`) cannot start on the same line",
    ),
    (
        "email: @someone\n",
        7,
        "`@` is reserved and cannot start an unquoted value; quote it",
    ),
    ("cmd: `ls`\n", 5, "a backtick is reserved"),
    ("a: [x, @b]\n", 7, "`@` is reserved"),
    ("@b: c\n", 0, "`@` is reserved"),
    ("hub:\n  : 1\n", 7, "a value without a key"),
    (
        "x:\n&x v\n",
        3,
        "this value is not indented under its key (line 1)",
    ),
    ("x:\n!!str v\n", 3, "not indented under its key"),
    (
        "-\na: 1\n",
        2,
        "this is not indented under the `-` on line 1",
    ),
    (
        "a:\n  -\n  b: 1\n",
        9,
        "not indented under the `-` on line 2",
    ),
    // Valid YAML that yaml_parser reads wrongly (the key inside the empty entry).
    (
        "volumes:\n- name: a\n-\nother: 1\n",
        21,
        "helm reads this line as ending the list (the `-` on line 3 is an empty entry)",
    ),
    (
        "a:\n  - &x\nb: 1\n",
        10,
        "helm reads this line as ending the list (the `-` on line 2",
    ),
    (
        "a: \"^\\d+$\"\n",
        5,
        "`\\d` is not an escape in a double-quoted string; write `\\\\d`",
    ),
    (
        "a: \"C:\\Users\"\n",
        6,
        "`\\U` must be followed by 8 hex digits",
    ),
    (
        "a: \"\\ud800\"\n",
        4,
        "`\\u` must be followed by 4 hex digits",
    ),
    ("a: \"multi\n  line \\q\"\n", 17, "`\\q` is not an escape"),
    ("a: [\"x\\q\"]\n", 6, "`\\q` is not an escape"),
    (
        "a: b\u{1b}c\n",
        4,
        "the control character U+001B is not allowed",
    ),
    ("a: b\u{80}c\n", 4, "U+0080"),
    ("a: \"b\u{7f}\"\n", 5, "U+007F"),
    (
        "a:\n  b:\n&x c: 1\n",
        8,
        "helm reads this line as ending the mapping (the key on line 2",
    ),
];

#[test]
fn what_yaml_forbids_is_a_syntax_error_even_where_yaml_parser_reads_it() {
    for &(text, at, words) in LENIENCIES {
        let f = parse(text);
        assert_eq!(f.errors.len(), 1, "{text:?}: {:?}", f.errors);
        let e = &f.errors[0];
        assert_eq!(e.kind, YamlErrorKind::Syntax, "{text:?}");
        assert_eq!(e.range.start, at, "{text:?}: {}", e.message);
        assert!(e.message.contains(words), "{text:?}: {}", e.message);
        assert!(f.docs.is_empty(), "{text:?}: a refused file has no tree");
    }
}

#[test]
fn the_compact_forms_yaml_allows_still_parse() {
    // A mapping or list may share a line with `-` or `?`, and a node's properties or a
    // comment may sit on the key's line with the collection below. `@` and backticks
    // are fine inside a value, quoted, or further down a multi-line one.
    for text in [
        "- a: b\n  c: d\n",
        "- - a\n  - b\n",
        "? a: b\n: c\n",
        "? a\n: b: c\n",
        "a: &x\n  b: c\nd: *x\n",
        "a: !!map\n  b: c\n",
        "a:   # note\n  - b\n",
        "a: [b: c]\n",
        "a: x@b\n",
        "a: \"@b\"\n",
        "a: '`b`'\n",
        "a: b\n  @c\n",
        "a: |\n  x: y: z\n  @w\n",
        "a:\n  &x\n  b: 1\n",
        "x: &a\n- v\n",
        "x:\n- v\ny: 1\n",
        "-\n  a: b\n",
        "v:\n- null\nother: 1\n",
        "a:\n# c\n  b: 1\n",
        "? a\n:\n  b\n",
        "a: \"\\u00e9\\x41\\U0001F600 \\' \\/ \\e \\N\"\n",
        "a: '^\\d+$ C:\\Users'\n",
        "a: \"tab\there \u{feff} \u{85} é\"\n",
    ] {
        let f = parse(text);
        assert!(f.errors.is_empty(), "{text:?}: {:?}", f.errors);
        assert_eq!(f.docs.len(), 1, "{text:?}");
    }
}

#[test]
fn structure_errors_say_what_to_look_for() {
    let f = parse("hub:\n  config:\n    x: 1\n   y: 2\n");
    assert_eq!(f.errors.len(), 1, "{:?}", f.errors);
    assert_eq!(f.errors[0].range.start, 27);
    assert!(
        f.errors[0].message.contains("check the indentation"),
        "{}",
        f.errors[0].message
    );
}

#[test]
fn escapes_go_yaml_reads_are_decoded_as_it_does() {
    let root = doc("a: \"\\u00e9\\x41\\U0001F600 \\' \\/ \\_\"\n");
    assert_eq!(root.get("a").unwrap().as_str(), Some("éA😀 ' / \u{a0}"));
}

/// Applies the error's fix to `text`.
fn fixed(text: &str) -> String {
    let f = parse(text);
    let fix = f.errors[0]
        .fix
        .as_ref()
        .unwrap_or_else(|| panic!("{text:?}: no fix for {:?}", f.errors));
    let mut out = text.to_string();
    out.replace_range(fix.range.start..fix.range.end, &fix.replacement);
    out
}

#[test]
fn quick_fixes_make_the_value_read_as_written() {
    for (text, path, value) in [
        ("email: @someone\n", &["email"][..], "@someone"),
        ("cmd: `ls -l`\n", &["cmd"], "`ls -l`"),
        (
            "hub:\n  image: quay.io/org/hub: 1.0\n",
            &["hub", "image"],
            "quay.io/org/hub: 1.0",
        ),
        // yaml_parser takes the next line into the same mapping: only this line is quoted.
        ("i:\n  name: q: 2024\n  tag: 1\n", &["i", "name"], "q: 2024"),
        ("a: - b  \n", &["a"], "- b"),
        ("a: it's: \"x\"\n", &["a"], "it's: \"x\""),
        ("a: \"^\\d+$\"\n", &["a"], "^\\d+$"),
        ("a: \"C:\\Users\\me\\x\\n\"\n", &["a"], "C:\\Users\\me\\x\n"),
        ("a: \"é\\q\"\n", &["a"], "é\\q"),
    ] {
        let repaired = fixed(text);
        let root = doc(&repaired);
        assert_eq!(
            root.get_path(path).and_then(Node::as_str),
            Some(value),
            "{text:?} → {repaired:?}"
        );
    }
    // No rewrite is offered where the intent is not plain: a comment or an anchor on the
    // line, a value over several lines.
    for text in [
        "a: b: c # note\n",
        "a: &x b: c\n",
        "a: @b\n  c\n",
        "a: b: c\n   d\n",
    ] {
        let f = parse(text);
        assert_eq!(f.errors.len(), 1, "{text:?}");
        assert_eq!(f.errors[0].fix, None, "{text:?}");
    }
}

/// The line (from 1) of the first error, for texts helm refuses.
fn refused_at(text: &str) -> Option<usize> {
    let f = parse(text);
    f.errors
        .first()
        .or(f.helm_refusal.as_ref())
        .map(|e| text[..e.range.start].matches('\n').count() + 1)
}

/// Each of these was read by hublint but refused by helm v4.2.3 (found by the differential
/// test of `tests/oracle/`; helm's message in the comment). Every reader must refuse them, at
/// the line helm names.
#[test]
fn what_helm_refuses_is_refused_at_its_line() {
    let cases: &[(&str, usize)] = &[
        // "found character that cannot start any token"
        ("singleuser:\n\timage: x\n", 2),
        ("custom:\n\t# c\n  a: 1\n", 2),
        ("\tcustom: 1\n", 1),
        ("custom:\n  a:\n  -\t1\n", 3),
        ("custom:\n  ?\ta\n  :\tb\n", 2),
        // "found a tab character that violates indentation"
        ("custom:\n  a: 1\n\t\n  b: 2\n", 3),
        // "found a tab character where an indentation space is expected": in a block
        // scalar, after the spaces of the first line when the header gives no indentation,
        // and left of the indentation after that
        ("custom:\n  a: >-\n    \t{a\n    b\n", 3),
        ("a: |\n \tx\n", 2),
        ("custom:\n  a: |\n    x\n  \ty\n", 4),
        // "unsupported map key of type: %!s(<nil>)"
        ("custom:\n  ~: 1\n", 2),
        ("custom:\n  null: 1\n", 2),
        // `null` replaces `~` (one key to go-yaml), and its own key is null
        ("custom:\n  ~: .inf\n  null: 1\n", 3),
        // "cannot decode !!str `abc` as a !!int", and the like
        ("a: !!int abc\n", 1),
        ("a: !!bool 0O17\n", 1),
        ("a: !!null 1\n", 1),
        // "!!binary value contains invalid base64 data"
        ("a: !!binary abc\n", 1),
        // "map merge requires map or sequence of maps as the value"
        ("custom:\n  <<: 1\n", 2),
        (
            "custom:\n  Key: !<tag:yaml.org,2002:str> ---\n  <<: \"x\"\n",
            3,
        ),
        // ... also when the same anchor is redefined inside its value as a scalar: go-yaml
        // defines an anchor before its value, so `*a` is the inner `<<`
        ("custom:\n  k: &a\n    n: &a <<\n  <<: *a\n", 4),
        // "anchor 'x' value contains itself"
        ("custom:\n  a: &x\n    b: *x\n", 3),
        ("custom:\n  a: &x [1, *x]\n", 2),
        // "cannot decode !!bool `false` as a !!null", in a merged mapping's key the mapping
        // already has (not kept, still decoded)
        ("custom:\n  a: 1\n  <<: {a: !!null false}\n", 3),
        // "json: unsupported value: +Inf"
        ("custom:\n  a: .inf\n", 2),
        ("a: [1, -.Inf]\n", 1),
        ("a: .NaN\n", 1),
        // "cannot decode !!int `9223372036854775808` as a !!float"
        ("a: !!float 9223372036854775808\n", 1),
        // "cannot decode !!str `2024-02-30` as a !!timestamp"
        ("a: !!timestamp 2024-02-30\n", 1),
        // "found unknown escape character": go-yaml's YAML 1.1 has no `\/`
        ("a: \"x\\/y\"\n", 1),
        // "did not find expected key": `---` after `tag: ` is text, so the list below breaks
        // the mapping, as it does after any other value
        ("hub:\n  tag: ---\n- c\n", 3),
        // "did not find expected whitespace or line break", "did not find expected ',' or
        // ']'": in a flow collection go-yaml takes `,`, `[` and `]` into a tag
        ("c: {a: !x}\n", 1),
        ("c: [!x]\n", 1),
        ("c:\n  k: [!x,b]\n", 2),
        // "block sequence entries are not allowed in this context"
        ("c:\n  - &a - x\n", 2),
        ("c:\n  - !!seq -\n  - ! e3\n", 2),
        // "found character that cannot start any token": `%` starts a directive
        ("c: ! %x\n", 1),
        ("c: [a, %b]\n", 1),
        ("c:\n  Key: ! %x\n---\nother: doc\n", 2),
        ("c:\n  x:\n  - @me\t\n    - a\n", 3),
        // "mapping values are not allowed in this context", "did not find expected
        // alphabetic or numeric character": go-yaml's anchor names are [A-Za-z0-9_-]
        ("c:\n  k: &a: x\n", 2),
        ("c:\n  k: &a.b x\n  l: *a.b\n", 2),
        ("c:\n  k: &日本 x\n", 2),
        // "invalid map key"
        ("? {a: 1}\n: x\n", 1),
        // "cannot unmarshal array into Go value of type common.Values"
        ("- a\n", 1),
        ("hello\n", 1),
    ];
    for (text, line) in cases {
        assert_eq!(refused_at(text), Some(*line), "{text:?}");
        let f = parse_with_yaml_parser(text);
        assert_eq!(
            f.errors
                .first()
                .or(f.helm_refusal.as_ref())
                .map(|e| text[..e.range.start].matches('\n').count() + 1),
            Some(*line),
            "yaml_parser path: {text:?}"
        );
    }
}

/// ... and these helm reads, so they must stay readable.
#[test]
fn what_helm_reads_with_tabs_and_tags_stays_readable() {
    for text in [
        "custom:\n  a:\tb\n",
        "custom: {a: 1,\tb: 2}\n",
        "custom:\n  a: [1,\n\t2]\n",
        "custom:\n  a: b\n   \tc\n",
        "custom:\n  a: \"x\n\ty\"\n",
        "custom:\n  a:\t\n    b: 1\n",
        "custom: \t{a: 1}\n",
        "custom:\n  a: 1 \t\n",
        "c:\n  - - x\n  - - y\n    - z\n",
        "c: x %y\n",
        // a lone CR ending the file, after an anchored empty value and a comment
        "custom:\r\n  a: &a\r\n  # c\r",
        // in a block scalar, a tab past its indentation is text
        "custom:\n  a: |\n    x\n    \ty\n",
        "custom:\n  a: |1\n    \tx\n",
        "a: !!float 1\nb: !!str 1\nc: !!map x\nd: !!binary aGVsbG8=\n",
        "custom:\n  .nan: 1\n",
        "custom:\n  ~: 1\n  ~: 2\ncustom: {}\n",
        // A later key that go-yaml reads as the same (`on`, `yes` and `true`; `~` and
        // `null`) replaces the value with the null key or NaN before JSON sees it.
        "custom:\n  on: {~: 1, n: .nan}\n  yes: 1\n",
        "null\n",
        "",
        "a: 1\n---\nb: [\n",
    ] {
        let f = parse(text);
        let first_doc_errors: Vec<_> = f
            .errors
            .iter()
            .chain(&f.helm_refusal)
            .filter(|e| !text[..e.range.start].contains("---"))
            .collect();
        assert!(first_doc_errors.is_empty(), "{text:?}: {:?}", f.errors);
    }
}

/// An anchor redefined inside its own value: go-yaml defines an anchor before reading its
/// value, so the inner definition is the one later aliases name.
#[test]
fn an_anchor_redefined_inside_its_value_is_the_inner_one() {
    for text in [
        "custom:\n  k: &a {x: &a 1, y: *a}\n  z: *a\n",
        "custom:\n  k: &a\n    x: &a 1\n    y: *a\n  z: *a\n",
    ] {
        for f in [parse(text), parse_with_yaml_parser(text)] {
            assert!(f.errors.is_empty(), "{text:?}: {:?}", f.errors);
            let custom = f.docs[0].get("custom").unwrap();
            assert_eq!(custom.get("z").unwrap().as_str(), Some("1"), "{text:?}");
            assert_eq!(custom.get_path(&["k", "y"]).unwrap().as_str(), Some("1"));
        }
    }
}

/// `[!!float, on]` is `["on"]` to helm: go-yaml takes the `,` into the tag (`!!float,`, which
/// it does not know) and tags `on` with it. Surely not what was meant: refused (Y001) and
/// said why, where yaml_parser alone reads two items.
#[test]
fn a_tag_that_takes_in_a_comma_is_refused() {
    for text in [
        "c: [!!float, on]\n",
        "c: [!x, b]\n",
        "c:\n  - {a: !x, b: 1}\n",
    ] {
        let f = parse(text);
        let e = f.errors.first().expect(text);
        assert!(
            e.message.contains("part of the tag"),
            "{text:?}: {}",
            e.message
        );
        assert_eq!(&text[e.range.start..e.range.start + 1], ",", "{text:?}");
    }
    // A space between the tag and the comma is what go-yaml reads as written.
    assert!(parse("c: [!!str a, !x b, !!str ]\n").errors.is_empty());
}

/// A document marker only starts a line: `enabled: ---` is the string `---` (helm: "got
/// string, want boolean"), which yaml_parser alone reads as a new document.
#[test]
fn markers_as_values_are_strings() {
    for (text, path, want) in [
        ("debug:\n  enabled: ---\n", &["debug", "enabled"][..], "---"),
        ("a: ... # c\n", &["a"][..], "..."),
        ("l:\n  - ---\n  - x\n", &["l"][..], ""),
    ] {
        for f in [parse(text), parse_with_yaml_parser(text)] {
            assert!(f.errors.is_empty(), "{text:?}: {:?}", f.errors);
            assert_eq!(f.docs.len(), 1, "{text:?}");
            let node = f.docs[0].get_path(path).unwrap();
            match node.as_sequence() {
                Some(items) => assert_eq!(items[0].as_str(), Some("---"), "{text:?}"),
                None => assert_eq!(node.as_str(), Some(want), "{text:?}"),
            }
        }
    }
    // In a block scalar it stays text, and at the start of a line it is a marker.
    let f = parse("a: |\n  b: ---\n");
    assert_eq!(f.docs[0].get("a").unwrap().as_str(), Some("b: ---\n"));
    assert_eq!(parse("a: 1\n---\nb: 2\n").docs.len(), 2);
}

/// What Helm v4.2.3 reads as the string `-` or `---` where yaml_parser alone would refuse the
/// file: a lone `-` in a flow collection, `---` as a key, `---` after a tag in a flow list.
#[test]
fn lone_dashes_and_marker_keys_are_strings() {
    for (text, path, want) in [
        ("c: {on: !!map -}\n", &["c", "on"][..], "-"),
        ("c: [{k: -}]\n", &["c"][..], "-"),
        ("c: [-0.0, -, 0b1_0]\n", &["c"][..], "-"),
        ("c: [a, -]\n", &["c"][..], "-"),
        ("c: [! ---, 08]\n", &["c"][..], "---"),
        ("c:\n  - ---: x\n", &["c"][..], "x"),
    ] {
        for f in [parse(text), parse_with_yaml_parser(text)] {
            assert!(f.errors.is_empty(), "{text:?}: {:?}", f.errors);
            let node = f.docs[0].get_path(path).unwrap();
            let found = match node.as_sequence() {
                None => node.as_str().map(str::to_string),
                Some(items) => items.iter().find_map(|i| match i.as_mapping() {
                    Some(m) => m
                        .iter()
                        .find(|e| e.value.as_str() == Some(want))
                        .map(|e| e.value.as_str().unwrap().to_string()),
                    None => i.as_str().filter(|t| *t == want).map(str::to_string),
                }),
            };
            assert_eq!(found.as_deref(), Some(want), "{text:?}");
        }
    }
    // `[a -]` stays the one string `a -`.
    assert_eq!(
        doc("c: [a -]\n").get("c").unwrap().as_sequence().unwrap()[0].as_str(),
        Some("a -")
    );
    // `---` continued on the next line is one plain scalar.
    for text in [
        "c:\n  - ---\n    - !!bool No\n",
        "c:\n  k: ---\n    - more\n",
    ] {
        for f in [parse(text), parse_with_yaml_parser(text)] {
            assert!(f.errors.is_empty(), "{text:?}: {:?}", f.errors);
            let c = f.docs[0].get("c").unwrap();
            let value = match c.as_sequence() {
                Some(items) => items[0].as_str(),
                None => c.get("k").unwrap().as_str(),
            };
            assert!(
                value.is_some_and(|v| v.starts_with("--- - ")),
                "{text:?}: {value:?}"
            );
        }
    }
    // Beside a marker value, a plain scalar of non-ASCII text (no panic on char boundaries).
    assert!(parse_with_yaml_parser("a: ---\nb: 🙂\nc: é\n")
        .errors
        .is_empty());
    // `---` as a key, as go-yaml reads it.
    let root = doc("c:\n  - ---: x\n");
    let item = &root.get("c").unwrap().as_sequence().unwrap()[0];
    assert_eq!(item.as_mapping().unwrap()[0].key.as_str(), Some("---"));
}

/// `---` after a tag or an anchor, or inside a flow collection, is the string `---` to helm
/// (go-yaml), not a document marker.
#[test]
fn markers_after_properties_and_in_flow_are_strings() {
    for (text, path, want) in [
        ("k: &a ---\n", &["k"][..], "---"),
        ("k: !!str ---\n", &["k"][..], "---"),
        ("a: {x: 1, ? c: ---}\n", &["a", "c"][..], "---"),
        ("a: {k: ---, b: 1}\n", &["a", "k"][..], "---"),
    ] {
        let root = doc(text);
        assert_eq!(
            root.get_path(path).unwrap().as_str(),
            Some(want),
            "{text:?}"
        );
    }
    let root = doc("a: [x, ---]\n");
    assert_eq!(
        root.get("a").unwrap().as_sequence().unwrap()[1].as_str(),
        Some("---")
    );
    let root = doc("a: [{? c: ---}]\n");
    assert_eq!(
        root.get("a").unwrap().as_sequence().unwrap()[0]
            .get("c")
            .unwrap()
            .as_str(),
        Some("---")
    );
    // helm: "cannot decode !!str `---` as a !!null".
    for text in ["k: !!null ---\n", "- !!null ---\n"] {
        let f = parse(text);
        assert_eq!(f.docs.len(), 1, "{text:?}");
        let refusal = f.helm_refusal.expect(text);
        assert!(
            refusal.message.contains("`---` is not null"),
            "{text:?}: {}",
            refusal.message
        );
    }
}
