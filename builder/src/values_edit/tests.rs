use super::*;

fn img(name: &str, tag: &str) -> ImageValue {
    ImageValue {
        name: name.into(),
        tag: tag.into(),
    }
}

fn edit(text: &str, path: &str, name: &str, tag: &str) -> String {
    let edits = image_edits(text, path, &img(name, tag)).unwrap();
    let out = apply(text, &edits).unwrap();
    verify_images(&out, &[(path.to_string(), img(name, tag))]).unwrap();
    out
}

/// Every byte outside the replaced ranges is unchanged.
fn assert_only_ranges_changed(before: &str, after: &str, edits: &[TextEdit]) {
    let mut rebuilt = String::new();
    let mut at = 0;
    let mut sorted = edits.to_vec();
    sorted.sort_by_key(|e| e.range.start);
    for e in &sorted {
        rebuilt.push_str(&before[at..e.range.start]);
        rebuilt.push_str(&e.replacement);
        at = e.range.end;
    }
    rebuilt.push_str(&before[at..]);
    assert_eq!(rebuilt, after);
}

#[test]
fn keeps_quotes_comments_and_list_style() {
    let text = "\
# top comment
jupyterhub:
  hub:
    image:
      name: quay.io/2i2c/pilot-hub   # two spaces before this comment stay
      tag: \"0.0.1-0.dev.git.16609.hb23fbd448\"
    extraEnv:
    - name: A     # a list chartpress would re-indent
      value: b
  singleuser:
    image: {name: x/y, tag: '1'}
";
    let out = edit(
        text,
        "jupyterhub.hub.image",
        "quay.io/2i2c/pilot-hub",
        "0.0.1-0.dev.git.16700.habcdef123",
    );
    assert_eq!(
        out,
        text.replace(
            "0.0.1-0.dev.git.16609.hb23fbd448",
            "0.0.1-0.dev.git.16700.habcdef123"
        )
    );
    let out = edit(text, "jupyterhub.singleuser.image", "x/z", "2.0");
    assert!(
        out.ends_with("    image: {name: x/z, tag: '2.0'}\n"),
        "{out}"
    );
}

#[test]
fn plain_tags_stay_plain_unless_helm_would_read_a_number() {
    let text = "image:\n  name: a/b\n  tag: 0.1.0\n";
    assert_eq!(
        edit(text, "image", "a/b", "0.2.0-0.dev.git.3.h1234567"),
        "image:\n  name: a/b\n  tag: 0.2.0-0.dev.git.3.h1234567\n"
    );
    // `--tag 1.10` would be the float 1.1 for helm: quoted.
    assert_eq!(
        edit(text, "image", "a/b", "1.10"),
        "image:\n  name: a/b\n  tag: '1.10'\n"
    );
    // An all-digit short hash is an integer: quoted.
    assert_eq!(
        edit(text, "image", "a/b", "1234567"),
        "image:\n  name: a/b\n  tag: '1234567'\n"
    );
}

#[test]
fn repository_key_list_index_and_string_paths() {
    let text = "\
server:
  image:
    repository: org/server
    tag: old
  sidecars:
    - name: helper
      image: org/helper:old   # string form
    - name: other
      image:
        repository: org/other
        name: org/other
        tag: 'old'
";
    let out = edit(text, "server.image", "reg.io/org/server", "v2");
    assert!(
        out.contains("    repository: reg.io/org/server\n    tag: v2\n"),
        "{out}"
    );
    let out = edit(text, "server.sidecars.0.image", "org/helper", "0.3.0");
    assert!(
        out.contains("      image: org/helper:0.3.0 # string form\n"),
        "{out}"
    );
    let out = edit(text, "server.sidecars.1.image", "org/new", "1.0.0");
    assert!(
        out.contains("        repository: org/new\n        name: org/new\n        tag: '1.0.0'\n"),
        "{out}"
    );
}

#[test]
fn missing_tag_is_added_below_the_last_key() {
    let text = "a:\n  image:\n    name: x/y  # c\n  other: 1\n";
    let edits = image_edits(text, "a.image", &img("x/y", "0.1.0")).unwrap();
    let out = apply(text, &edits).unwrap();
    assert_eq!(
        out,
        "a:\n  image:\n    name: x/y  # c\n    tag: 0.1.0\n  other: 1\n"
    );
    assert_only_ranges_changed(text, &out, &edits);
    // In a list item the column of the first key counts.
    let text = "l:\n  - name: x/y\n    pullPolicy: Always\n";
    let out = edit(text, "l.0", "x/y", "0.1.0");
    assert_eq!(
        out,
        "l:\n  - name: x/y\n    pullPolicy: Always\n    tag: 0.1.0\n"
    );
    // Flow mappings get `, tag: …`.
    let out = edit("i: {name: x/y}\n", "i", "x/y", "0.1.0");
    assert_eq!(out, "i: {name: x/y, tag: 0.1.0}\n");
}

#[test]
fn empty_and_null_tags() {
    assert_eq!(
        edit("i:\n  name: x/y\n  tag:\n", "i", "x/y", "1.0.0"),
        "i:\n  name: x/y\n  tag: 1.0.0\n"
    );
    assert_eq!(
        edit("i:\n  name: x/y\n  tag: ~\n", "i", "x/y", "1.0.0"),
        "i:\n  name: x/y\n  tag: 1.0.0\n"
    );
}

#[test]
fn block_scalar_tag_becomes_quoted_and_keeps_the_rest() {
    let text = "i:\n  name: x/y\n  tag: |\n    old\n  pullPolicy: Always\n";
    let out = edit(text, "i", "x/y", "1.0.0");
    assert_eq!(
        out,
        "i:\n  name: x/y\n  tag: \"1.0.0\"\n  pullPolicy: Always\n"
    );
}

#[test]
fn crlf_files_keep_crlf() {
    let text = "i:\r\n  name: x/y\r\n  tag: old\r\n";
    assert_eq!(
        edit(text, "i", "x/y", "new"),
        "i:\r\n  name: x/y\r\n  tag: new\r\n"
    );
    let text = "i:\r\n  name: x/y\r\n";
    assert_eq!(
        edit(text, "i", "x/y", "new"),
        "i:\r\n  name: x/y\r\n  tag: new\r\n"
    );
}

#[test]
fn refuses_what_cannot_be_edited_safely() {
    let cases = [
        ("i:\n  tag: x\n", "i", "neither"),
        ("i: 5\n", "i.x", "not a mapping"),
        ("i:\n", "i", "mapping or a string"),
        ("a: &x {name: n, tag: t}\nb: *x\n", "b", "alias"),
        ("a: &x {name: n, tag: t}\nb:\n  <<: *x\n", "b", "anchor"),
        (
            "a: &x {name: n, tag: t}\nb:\n  name: m\n  <<: *x\n",
            "b",
            "anchor",
        ),
        ("l: [1]\n", "l.3", "past the end"),
        ("i: [\n", "i", "does not parse"),
        ("i: {name: x}\n", "j", "no key"),
    ];
    for (text, path, want) in cases {
        let err = image_edits(text, path, &img("x/y", "1.0.0"))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(err.contains(want), "{text:?} {path}: {err}");
    }
}

#[test]
fn shared_values_path_last_image_wins() {
    let text = "i:\n  name: a/first\n  tag: old\n";
    let mut edits = image_edits(text, "i", &img("a/first", "1")).unwrap();
    edits.extend(image_edits(text, "i", &img("a/second", "2")).unwrap());
    let out = apply(text, &edits).unwrap();
    assert_eq!(out, "i:\n  name: a/second\n  tag: '2'\n");
}

#[test]
fn chart_version() {
    let text = "apiVersion: v2\nname: basehub\nversion: 0.1.0  # bumped by chartpress\ndependencies:\n- name: jupyterhub\n  version: 4.3.3\n";
    let edits = chart_version_edits(text, "0.1.0-0.dev.git.5.habc1234", None).unwrap();
    assert_eq!(
        apply(text, &edits).unwrap(),
        text.replace("version: 0.1.0  ", "version: 0.1.0-0.dev.git.5.habc1234 ")
    );
    assert!(chart_version_edits(text, "0.1.0", None).unwrap().is_empty());
}

#[test]
fn z2jh_values_from_the_corpus_change_only_the_tags() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/z2jh/values.yaml"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("note: corpus not found at {path}; skipped");
        return;
    };
    let mut edits = Vec::new();
    let mut expected = Vec::new();
    for (path, name) in [
        ("hub.image", "quay.io/jupyterhub/k8s-hub"),
        (
            "proxy.secretSync.image",
            "quay.io/jupyterhub/k8s-secret-sync",
        ),
        (
            "singleuser.networkTools.image",
            "quay.io/jupyterhub/k8s-network-tools",
        ),
        (
            "prePuller.hook.image",
            "quay.io/jupyterhub/k8s-image-awaiter",
        ),
        (
            "singleuser.image",
            "quay.io/jupyterhub/k8s-singleuser-sample",
        ),
    ] {
        let v = img(name, "5.0.0-0.dev.git.7300.h1234abcd");
        edits.extend(image_edits(&text, path, &v).unwrap());
        expected.push((path.to_string(), v));
    }
    let out = apply(&text, &edits).unwrap();
    verify_images(&out, &expected).unwrap();
    assert_only_ranges_changed(&text, &out, &edits);
    assert_eq!(
        out.matches("\"5.0.0-0.dev.git.7300.h1234abcd\"").count(),
        5,
        "quoted tags stay quoted"
    );
    // Only the five tag lines differ.
    let changed = text
        .lines()
        .zip(out.lines())
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(changed, 5);
    assert_eq!(text.lines().count(), out.lines().count());
}

#[test]
fn hub_image_snippet_and_apply_to() {
    assert_eq!(
        hub_image_snippet(&["jupyterhub".into()], "quay.io/2i2c/exp", "0.0.1-0.dev.git.3.habc"),
        "jupyterhub:\n  hub:\n    image:\n      name: quay.io/2i2c/exp\n      tag: \"0.0.1-0.dev.git.3.habc\"\n"
    );
    let prefix = vec!["jupyterhub".to_string()];
    let run = |text: &str| {
        let edits = hub_image_edits(text, &prefix, "quay.io/2i2c/exp", "1.0.0").unwrap();
        let out = apply(text, &edits).unwrap();
        let parsed = yaml::parse(&out);
        assert!(parsed.errors.is_empty(), "{out}");
        let got = read_image(&out, "jupyterhub.hub.image").unwrap();
        assert_eq!(got, img("quay.io/2i2c/exp", "1.0.0"), "{out}");
        out
    };
    // Replaces an existing image.
    let out = run("jupyterhub:\n  hub:\n    image:\n      name: old/x  # c\n      tag: 'o'\n");
    assert_eq!(
        out,
        "jupyterhub:\n  hub:\n    image:\n      name: quay.io/2i2c/exp # c\n      tag: '1.0.0'\n"
    );
    // Adds name to a tag-only mapping.
    let out = run("jupyterhub:\n  hub:\n    image:\n      tag: o\n");
    assert_eq!(
        out,
        "jupyterhub:\n  hub:\n    image:\n      tag: 1.0.0\n      name: quay.io/2i2c/exp\n"
    );
    // Adds the block under the deepest mapping that exists.
    let out = run("jupyterhub:\n    hub:\n        config: {}\n    singleuser: {}\nother: 1\n");
    assert_eq!(
        out,
        "jupyterhub:\n    hub:\n        config: {}\n        image:\n            name: quay.io/2i2c/exp\n            tag: \"1.0.0\"\n    singleuser: {}\nother: 1\n"
    );
    let out = run("nfs:\n  enabled: true\n");
    assert!(
        out.starts_with("nfs:\n  enabled: true\njupyterhub:\n  hub:\n    image:\n"),
        "{out}"
    );
    let out = run("");
    assert!(out.starts_with("jupyterhub:\n"), "{out}");
}
