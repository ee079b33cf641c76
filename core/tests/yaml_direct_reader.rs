//! The direct YAML reader (`core/src/yaml/direct.rs`) against the `yaml_parser` path: wherever
//! the direct reader gives a tree, it must be the tree the `yaml_parser` path builds (spans,
//! decoded text, styles, duplicates, comments), on every YAML file of the corpus (`history/`
//! included) and the bundled example, on every prefix of those files cut at a line (the states
//! a file passes through while being typed) and on hand-written edge cases. It must also read
//! most real files itself, or it saves nothing.

use hublint_core::yaml::{parse, parse_direct_only, parse_with_yaml_parser, Node, Value, YamlFile};
mod corpus_files;
use std::path::{Path, PathBuf};

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut all = Vec::new();
    corpus_files::walk(dir, &mut all);
    out.extend(
        all.into_iter()
            .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml")),
    );
}

fn real_files() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    yaml_files(
        &root.join("../../shared/corpus/2i2c-infrastructure"),
        &mut paths,
    );
    yaml_files(&root.join("../../shared/corpus/z2jh"), &mut paths);
    yaml_files(&root.join("../examples"), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| std::fs::read_to_string(&p).ok().map(|t| (p, t)))
        .collect()
}

/// `Some(true)` when the direct reader read it (and agreed), `Some(false)` when it left it to
/// `yaml_parser`.
fn agree(name: &str, text: &str) -> bool {
    let Some(direct) = parse_direct_only(text) else {
        return false;
    };
    let full = parse_with_yaml_parser(text);
    if direct != full {
        let (d, f) = (outline(&direct), outline(&full));
        let at = d
            .iter()
            .zip(&f)
            .position(|(a, b)| a != b)
            .unwrap_or(d.len().min(f.len()));
        panic!(
            "{name}: the direct reader and yaml_parser disagree\n--- text ---\n{text}\n--- first difference (line {at} of the outlines) ---\ndirect:      {:?}\nyaml_parser: {:?}",
            d.get(at),
            f.get(at)
        );
    }
    assert_eq!(
        parse(text),
        direct,
        "{name}: parse() must take the direct tree"
    );
    true
}

/// One line per node, error, duplicate and comment: a readable form to compare.
fn outline(file: &YamlFile) -> Vec<String> {
    fn walk(node: &Node, path: &str, out: &mut Vec<String>) {
        let head = format!(
            "{path} {:?} tag={:?} anchor={:?} alias={}",
            node.range,
            node.tag(),
            node.anchor(),
            node.from_alias
        );
        match &node.value {
            Value::Scalar(s) => out.push(format!("{head} {:?} {:?}", s.style, s.text)),
            Value::Mapping(m) => {
                out.push(format!("{head} mapping of {}", m.len()));
                for (i, e) in m.iter().enumerate() {
                    walk(&e.key, &format!("{path}/{i}.key"), out);
                    walk(
                        &e.value,
                        &format!("{path}/{i}.value merged={}", e.merged),
                        out,
                    );
                }
            }
            Value::Sequence(s) => {
                out.push(format!("{head} sequence of {}", s.len()));
                for (i, n) in s.iter().enumerate() {
                    walk(n, &format!("{path}/{i}"), out);
                }
            }
        }
    }
    let mut out = Vec::new();
    for (i, d) in file.docs.iter().enumerate() {
        walk(d, &format!("doc{i}"), &mut out);
    }
    out.extend(file.errors.iter().map(|e| format!("error {e:?}")));
    out.extend(file.duplicates.iter().map(|d| format!("duplicate {d:?}")));
    out.extend(file.comments.iter().map(|c| format!("comment {c:?}")));
    out
}

#[test]
fn real_files_read_directly_match_yaml_parser() {
    let files = real_files();
    if files.is_empty() {
        eprintln!("note: ../shared/corpus not found; only the example was compared");
    }
    let mut direct = 0;
    let mut left: Vec<String> = Vec::new();
    for (path, text) in &files {
        if agree(&path.display().to_string(), text) {
            direct += 1;
        } else {
            left.push(path.display().to_string());
        }
    }
    eprintln!(
        "direct reader: {direct} of {} files; left to yaml_parser: {left:#?}",
        files.len()
    );
    // Most real files must go the fast way, or the reader is dead weight.
    assert!(
        direct * 10 >= files.len() * 9,
        "only {direct} of {} real files were read directly",
        files.len()
    );
}

#[test]
fn every_line_prefix_of_real_files_agrees() {
    // Every prefix of the larger files would be slow in a debug build: take up to 20 cuts per
    // file, evenly spread, plus the file with its last byte dropped.
    let mut compared = 0;
    for (path, text) in real_files() {
        let cuts: Vec<usize> = text.match_indices('\n').map(|(i, _)| i + 1).collect();
        let step = (cuts.len() / 20).max(1);
        for &cut in cuts.iter().step_by(step) {
            let name = format!("{} cut at byte {cut}", path.display());
            if agree(&name, &text[..cut]) {
                compared += 1;
            }
        }
        if let Some((last, _)) = text.char_indices().last() {
            agree(
                &format!("{} without its last char", path.display()),
                &text[..last],
            );
        }
    }
    eprintln!("{compared} prefixes read directly and identical");
}

/// Whichever path read `text`: every span inside it, on character boundaries.
fn assert_spans_in(text: &str) {
    for line in outline(&parse(text)) {
        let Some((_, rest)) = line.split_once("TextRange { start: ") else {
            continue;
        };
        let (start, rest) = rest.split_once(", end: ").unwrap();
        let end = rest.split_once(' ').unwrap().0;
        let (start, end): (usize, usize) = (start.parse().unwrap(), end.parse().unwrap());
        assert!(
            start <= end
                && end <= text.len()
                && text.is_char_boundary(start)
                && text.is_char_boundary(end),
            "{text:?}: span {start}..{end} in {line}"
        );
    }
}

/// YAML-like texts strung together from pieces that meet at the places where the two paths
/// have disagreed (indicators, markers, quotes, brackets, comments, deep columns, CRs, block
/// scalars), from a fixed seed: both paths agree wherever the direct reader reads, neither
/// panics, and every span is on a character boundary. (Run longer with
/// `HUBLINT_GENERATED_YAML=N`.)
#[test]
fn generated_inputs_agree() {
    const PIECES: &[&str] = &[
        "a",
        "key",
        ":",
        ": ",
        "- ",
        "-",
        "? ",
        "?",
        " ",
        "  ",
        "\n",
        "\n  ",
        "\n    ",
        "\n- ",
        "\n  - ",
        "\n      ",
        "#",
        " # c",
        "'",
        "\"",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&x ",
        "*x",
        "|",
        ">",
        "|-",
        ">+",
        "|2",
        "1",
        "~",
        "\u{e9}",
        "\u{fffd}",
        "---",
        "...",
        "!t ",
        "<<: *x",
        "x y",
        ": |\n  t\n",
        "%",
        "@",
        "\t",
        "\r",
        "\r\n",
        "''",
        "[a,\n b]",
        "'a\n b'",
        "\"a\n  b\"",
        "? a\n: b",
        "\n# c\n",
        "\n\n",
        "- - - ",
        "1.10",
        "yes",
        "x: |\n  a\n\n  b\n",
        "                                                                 ",
    ];
    let count: usize = std::env::var("HUBLINT_GENERATED_YAML")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(30_000);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut direct = 0;
    for _ in 0..count {
        let mut text = String::new();
        for _ in 0..1 + next() % 24 {
            text.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
        }
        let checked = std::panic::catch_unwind(|| {
            let read = agree(&format!("{text:?}"), &text);
            assert_spans_in(&text);
            read
        });
        match checked {
            Ok(read) => direct += usize::from(read),
            Err(_) => panic!("generated input {text:?} failed (see the panic above)"),
        }
    }
    eprintln!("{direct} of {count} generated inputs read directly");
    assert!(
        direct > count / 100,
        "the direct reader read only {direct} of {count}"
    );
}

#[test]
fn edge_cases_agree_or_fall_back() {
    let cases = [
        "a: 1\n",
        "a: 1",
        "a:\n",
        "a:",
        "a: 1  # c  \nb: x\n",
        "# lead\n\n---\na: 1\n",
        "--- # doc\na: 1\n",
        "---\n- a\n- b\n",
        "a:\n- x\n-\n- k: v\n  k2: w\nb: 2\n",
        "a:\n  - x\n  - - y\n    - z\n  -   k: v\n      j: w\n",
        "k: |\n  text\n   more\n\n  last\n\n# c\nz: 1\n",
        "k: |-\n    text\n  # not inside\nz: 1\n",
        "k: >+ # keep\n  folded\n  text\n\n\nz: 1\n",
        "k: |\n\n  after blank\n",
        "k: |\n    \n  less blank after\n",
        "k: |  \n  trailing spaces after header\n",
        "k: |2\n   indent indicator\n",
        "- |\n  in a sequence\n- >-\n  folded\n",
        "a: [1, 2, 'three', \"four\"]\nb: {}\nc: []\nd: {x: 1, \"y\": [a, b], z: {q: r}}\n",
        "a: {\"json\":1,\"b\":\"c\"}\n",
        "a: [a: b]\n",
        "a: [1, 2,]\n",
        "a: [1,\n  2]\n",
        "a: {b}\n",
        "a: 'it''s'\nb: \"esc \\\" \\n \\u00e9\"\nc: ''\nd: \"\"\n",
        "a: 'open\n  continued'\n",
        "a: plain\n  continued\n",
        "a: b: c\n",
        "a: b:\n",
        "a: http://x.y/z#frag\nb: x #comment\nc: x#notcomment\n",
        "a: &anchor 1\nb: *anchor\n",
        "a: !!str 1\n",
        "<<: {x: 1}\ny: 2\n",
        "a: 1\na: 2\n",
        "a: {x: 1, x: 2}\n",
        "\"quoted key\": 1\n'single': 2\n",
        "key : spaced\n",
        "a:\n  b:\n    c:\n      d: deep\n  e: back\n",
        "a:\n    b: 1\n  c: 2\n",
        "a:\n  b: 1\n   c: 2\n",
        "- a\n - b\n",
        "a: 1\n- b\n",
        "a: 1\n---\nb: 2\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: 1\n...\n",
        "? complex\n: key\n",
        "a:\tb\n",
        "a: 1\r\nb: 2\r\n",
        "",
        "# only a comment\n",
        "just a scalar\n",
        "  indented: root\n  second: key\n",
        "a: ümlaut ✓ 日本\n\"ключ\": значение\n",
        "a:\n  # comment inside\n  b: 1\n  # another\nc: 2\n",
        "a: -1\nb: -\nc: - x\n",
        "a: ? x\n",
        "a: :x\n",
        "a: @x\n",
        "list:\n- - - deep\n    - two\n  - one\n- zero\n",
        "k: |\n  a\n b\n",
        "k: >\n  a\n\n  b\n   c\n  d\n",
        "a: [x # no\n]\n",
        "a: [\"x\", y z, 'w']  # list\n",
        "a: {b: [1, {c: d}], e: 'f'}\n",
        "a: {b: }\n",
        "a: [[]]\nb: [{}]\n",
        "a:   \n  b: 1\n",
        "a: # comment\n  - x\n",
        "-\n  a: 1\n-\n",
        "- # c\n  - x\n",
        "a: one\n  two\n\n  three   \nb: 1\n",
        "a:\n  below\n  and more\nb: 1\n",
        "a: one # c\n  two\n",
        "- x\n  y\n- z\n",
        "a: one\n  b: c\n",
        "a:\n  - x\n    y\n",
        "a: one\n  # c\n  two\n",
        "a: one\n  - two\n",
        "a: one\n\n\n",
        "k:\n  - mountPath: \n      /usr/local/etc/x.py\n    name: q\n",
        // Found by the `yaml` fuzz target: yaml_parser refuses a plain scalar `-[`.
        "- -[a, {b:0 [a, {b:0c}]\u{fffd}\n",
        "a: -[x]\n",
        "a: -{x\n",
        // Found by the `yaml` fuzz target: two byte-order marks, both dropped by yaml_parser.
        "\u{feff}\u{feff}k v\nk\u{fffd}\u{fffd} v\n",
        "\u{feff}\u{feff}a: 1\nb: \u{e9}\n",
        // Found by the `yaml` fuzz target: an empty last entry of a sequence at its key's
        // indentation, then the next key.
        "s:\n  b:\n  r:\n  b:\n        s:\n        - #\n        l: s\n  r:",
        "s:\n-\nl: s\n",
        "s:\n- # c\n  # d\nl: s\n",
        "- -\"[[[[\n",
        "a: -'x'\n",
        "a:\n  b\n \u{fffd}",
        "a:\n  b\n c\n",
        "a:\n  b\n  c\n",
        // Found by the `yaml` fuzz target: 13 brackets inside a plain scalar, never closed
        // (the direct reader read them, the pre-check refused them; now both refuse, since
        // yaml_parser's error recovery can take such brackets for flow collections).
        "a:\n  y: s[[[[[[[[[[[[[\n  g:\ns:\n- e: \n  s:",
        "a: foo {{{{{{{{{{{{{{{{ bar\n- x [[[[[[[[[[[[[[[[[[[[[[[[\n",
        // Found by the `yaml` fuzz target: anything after a dash past column 63.
        "-                                                               \u{fffd}",
        "-                                                                   # c\n",
        "- a\n-                                                                   \n",
        // Found by the `yaml` fuzz target: yaml_parser's tree drops the line break between
        // `?` and a comment, so its spans would be off (here: inside a character).
        "?\n#\u{fffd}",
        "? a\n# c\u{e9}\n",
        // ... and every other line indented past it, unless a block scalar's text.
        "k:\n                                                                      v\n",
        "k: a\n                                                                      b\n",
        "- a\n                                                                      b\n",
        "k:\n  -\n                                                                      x\n",
        "k: |\n                                                                      text\n                                                                      # text\nz: 1\n",
        "k:\n                                                                      # c\nz: 1\n",
        // Found by a generator of YAML-like inputs (`generated_inputs_agree` below):
        "a: ---\n",
        "- ---\n",
        "#\n  - - x\n  - y\n",
        " #\n- -\n- l",
        "- a: #\n  ",
        "x:\n  - a: #\n  ",
        "- a: b #\n  ",
        "a: \n...: \n t\nx: ",
        "--- #\n...: e",
        ">\n  \r-\n#\u{e9}",
        ">\n    \ra\nb]\u{fffd}",
        "'':                                                             ",
    ];
    let mut direct = 0;
    for case in cases {
        if agree(&format!("{case:?}"), case) {
            direct += 1;
        }
        assert_spans_in(case);
    }
    eprintln!("{direct} of {} edge cases read directly", cases.len());
    // These are ordinary and must not be left to the slow path.
    for ordinary in [
        "a: 1\n",
        "a:\n- x\n-\n- k: v\n  k2: w\nb: 2\n",
        "k: |\n  text\n   more\n\n  last\n\n# c\nz: 1\n",
        "a: [1, 2, 'three', \"four\"]\nb: {}\nc: []\nd: {x: 1, \"y\": [a, b], z: {q: r}}\n",
        "a: 1\na: 2\n",
        "a: one\n  two\n\n  three   \nb: 1\n",
        "k:\n  - mountPath: \n      /usr/local/etc/x.py\n    name: q\n",
    ] {
        assert!(
            parse_direct_only(ordinary).is_some(),
            "{ordinary:?} was not read directly"
        );
    }
}
