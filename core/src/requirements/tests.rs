use super::pep440::Version;
use super::*;

fn at(text: &str, r: TextRange) -> &str {
    &text[r.start..r.end]
}

fn one(text: &str) -> Requirement {
    let f = parse(text);
    assert!(f.errors.is_empty(), "{text:?}: {:?}", f.errors);
    assert_eq!(f.requirements.len(), 1, "{text:?}: {:?}", f.requirements);
    f.requirements.into_iter().next().unwrap()
}

fn error(text: &str) -> ParseError {
    let f = parse(text);
    assert_eq!(f.errors.len(), 1, "{text:?}: {:?}", f);
    f.errors.into_iter().next().unwrap()
}

#[test]
fn names_are_pep503_normalised() {
    assert_eq!(normalize_name("Jupyter_Hub..Foo"), "jupyter-hub-foo");
    assert_eq!(normalize_name("oauthenticator"), "oauthenticator");
    let r = one("JupyterHub_Fancy.Profiles==0.6.0\n");
    assert_eq!(
        r.normalized_name.as_deref(),
        Some("jupyterhub-fancy-profiles")
    );
    assert_eq!(r.name.as_deref(), Some("JupyterHub_Fancy.Profiles"));
}

#[test]
fn pinned_requirement_ranges() {
    let text = "# c\n\njupyterhub-fancy-profiles==0.6.0\n";
    let r = one(text);
    assert_eq!(at(text, r.name_range), "jupyterhub-fancy-profiles");
    assert_eq!(at(text, r.range), "jupyterhub-fancy-profiles==0.6.0");
    let (v, vr) = r.pinned_version().unwrap();
    assert_eq!(v, "0.6.0");
    assert_eq!(at(text, vr), "0.6.0");
    assert_eq!(r.kind, RequirementKind::Named);
}

#[test]
fn specifiers_extras_and_markers() {
    let text = "oauthenticator[azuread, googlegroups] >=17.3, <18 ; python_version >= \"3.9\" and (sys_platform == 'linux' or extra == 'x')";
    let r = one(text);
    assert_eq!(r.extras.len(), 2);
    assert_eq!(at(text, r.extras[1].1), "googlegroups");
    let (spec, sr) = r.specifier.as_ref().unwrap();
    assert_eq!(spec, ">=17.3, <18");
    assert_eq!(at(text, *sr), ">=17.3, <18");
    assert_eq!(r.specifiers.len(), 2);
    assert_eq!(r.specifiers[1].op, "<");
    assert!(r.pinned_version().is_none());
    let (m, mr) = r.marker.as_ref().unwrap();
    assert!(m.starts_with("python_version"));
    assert_eq!(at(text, *mr), m);
    // Parenthesised specifiers, wildcards, ===.
    assert_eq!(one("foo (>=1.0,<2)").specifiers.len(), 2);
    assert!(one("foo==1.*").pinned_version().is_none());
    assert_eq!(one("foo===weird-1").pinned_version().unwrap().0, "weird-1");
    assert_eq!(one("foo ~= 1.4.2").specifiers[0].version, "1.4.2");
}

#[test]
fn continuation_lines_map_to_the_original_text() {
    let text = "foo \\\n  ==1.0 \\\n  --hash=sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nbar==2\n";
    let f = parse(text);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    assert_eq!(f.requirements.len(), 2);
    let r = &f.requirements[0];
    assert_eq!(at(text, r.specifiers[0].version_range), "1.0");
    assert_eq!(r.hashes.len(), 1);
    assert!(at(text, r.hashes[0].1).starts_with("sha256:aaa"));
    assert_eq!(r.range.start, 0);
    assert_eq!(&text[r.range.end - 4..r.range.end], "aaaa");
    assert_eq!(at(text, f.requirements[1].name_range), "bar");
}

#[test]
fn a_comment_line_ends_a_continuation() {
    let text = "foo==1 \\\n# comment\nbar==2\n";
    let f = parse(text);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    assert_eq!(f.requirements.len(), 2);
    assert_eq!(at(text, f.requirements[0].range), "foo==1 \\");
}

#[test]
fn comments_need_whitespace_before_the_hash() {
    let r = one("foo==1.0  # pinned for a reason\n");
    assert_eq!(r.specifiers[0].version, "1.0");
    let text = "git+https://github.com/org/repo@0123456789abcdef0123456789abcdef01234567#egg=my_pkg&subdirectory=sub\n";
    let r = one(text);
    assert_eq!(r.name.as_deref(), Some("my_pkg"));
    assert!(!r.name_from_url);
    assert_eq!(at(text, r.name_range), "my_pkg");
    assert_eq!(
        r.git_ref(),
        Some("0123456789abcdef0123456789abcdef01234567")
    );
}

#[test]
fn includes_and_global_options() {
    let text = "-r base.txt\n--requirement=../other/reqs.txt\n-c constraints.txt\n-i https://pypi.example/simple\n--extra-index-url https://x\n--pre\n-rshort.txt\n";
    let f = parse(text);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    let paths: Vec<_> = f.includes.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "base.txt",
            "../other/reqs.txt",
            "constraints.txt",
            "short.txt"
        ]
    );
    assert_eq!(f.includes[2].kind, IncludeKind::Constraints);
    assert_eq!(at(text, f.includes[1].path_range), "../other/reqs.txt");
    let names: Vec<_> = f.options.iter().map(|o| o.name).collect();
    assert_eq!(names, ["--index-url", "--extra-index-url", "--pre"]);
    assert_eq!(
        f.options[0].value.as_ref().unwrap().0,
        "https://pypi.example/simple"
    );
    // optparse's unambiguous prefixes.
    assert!(parse("--extra-index https://x\n").errors.is_empty());
    assert!(error("--bogus\n").message.contains("unknown option"));
}

#[test]
fn hashes_are_checked() {
    let good = "a".repeat(64);
    let r = one(&format!("foo==1 --hash=sha256:{good} --hash sha256:{good}"));
    assert_eq!(r.hashes.len(), 2);
    assert!(error(&format!("foo==1 --hash=md5:{good}"))
        .message
        .contains("refuses"));
    assert!(error("foo==1 --hash=sha256:abc").message.contains("64 hex"));
    assert!(error("foo==1 --hash=nocolon")
        .message
        .contains("algorithm:hexdigest"));
    let e = error(&format!("foo==1\n    --hash=sha256:{good}\n"));
    assert!(
        e.message.contains("applies to no requirement"),
        "{}",
        e.message
    );
}

#[test]
fn pep508_url_form() {
    let sha = "ed7e3a0df1e3d625d10903ef7d7fd9c2fbb548db";
    let text = format!("jupyterhub-usage-quotas[service] @ git+https://github.com/2i2c-org/jupyterhub-usage-quotas@{sha} ; python_version>'3'");
    let r = one(&text);
    assert_eq!(r.kind, RequirementKind::Vcs);
    assert_eq!(r.name.as_deref(), Some("jupyterhub-usage-quotas"));
    assert_eq!(r.extras[0].0, "service");
    assert_eq!(r.git_ref(), Some(sha));
    let vcs = r.vcs.as_ref().unwrap();
    assert_eq!(vcs.vcs, "git");
    assert!(at(&text, vcs.url_range).starts_with("git+https://"));
    assert!(r.marker.is_some());
    // Without whitespace, `;` belongs to the URL and the rest is not a marker.
    let r = one("pkg @ https://example.com/pkg-1.0.tar.gz");
    assert_eq!(r.kind, RequirementKind::Url);
    assert!(r.vcs.is_none());
    assert!(
        parse("pkg @ git+https://h/o/r@main;python_version>'3'").requirements[0]
            .marker
            .is_none()
    );
}

#[test]
fn bare_vcs_urls_and_refs() {
    let text = "git+https://github.com/jupyterhub/oauthenticator.git@7d80b0000d8b11e639f3fe0f63d0711e057a15df\n";
    let r = one(text);
    assert_eq!(r.name.as_deref(), Some("oauthenticator"));
    assert!(r.name_from_url);
    assert_eq!(at(text, r.name_range), "oauthenticator");
    let (git_ref, rr) = r.vcs.as_ref().unwrap().git_ref.clone().unwrap();
    assert_eq!(at(text, rr), git_ref);
    assert!(is_full_commit(&git_ref));
    // The userinfo `@` of ssh URLs is not a ref.
    let r = one("git+ssh://git@github.com/org/repo.git");
    assert_eq!(r.git_ref(), None);
    assert_eq!(r.name.as_deref(), Some("repo"));
    let r = one("git+ssh://git@github.com/org/repo.git@v1.2");
    assert_eq!(r.git_ref(), Some("v1.2"));
    // The ref after the LAST `@` of the path; refs may hold slashes.
    assert_eq!(
        one("git+https://h.example/org/repo@refs/pull/123/head#egg=repo").git_ref(),
        Some("refs/pull/123/head")
    );
    let r = one("git+https://github.com/yuvipanda/jupyterhub-configurator@$ed7e3a0df1e3d625d10903ef7d7fd9c2fbb548db");
    assert_eq!(
        r.git_ref(),
        Some("$ed7e3a0df1e3d625d10903ef7d7fd9c2fbb548db")
    );
    assert_eq!(r.name.as_deref(), Some("jupyterhub-configurator"));
    assert!(error("git+https://github.com/org/repo@")
        .message
        .contains("empty revision"));
    assert!(error("git+git@github.com:org/repo.git")
        .message
        .contains("://"));
    let r = one("hg+https://hg.example/repo@abc#egg=thing");
    assert_eq!(r.vcs.as_ref().unwrap().vcs, "hg");
    // Bare URL markers need "; ".
    let r = one("git+https://h/o/r@v1 ; sys_platform == 'linux'");
    assert_eq!(r.git_ref(), Some("v1"));
    assert!(r.marker.is_some());
}

#[test]
fn editables_and_paths() {
    let r = one("-e .\n");
    assert!(r.editable);
    assert_eq!(r.kind, RequirementKind::Path);
    let r = one("-e git+https://github.com/org/pkg@main#egg=pkg\n");
    assert!(r.editable);
    assert_eq!(r.git_ref(), Some("main"));
    let text = "./dist/pkg-1.0-py3-none-any.whl\n";
    let r = one(text);
    assert_eq!(r.kind, RequirementKind::Path);
    assert_eq!(
        at(text, r.location.as_ref().unwrap().1),
        "./dist/pkg-1.0-py3-none-any.whl"
    );
    assert_eq!(one("pkg.tar.gz").kind, RequirementKind::Path);
    assert_eq!(
        one("https://example.com/pkg-1.0.tar.gz").kind,
        RequirementKind::Url
    );
}

#[test]
fn invalid_requirements_are_errors_with_ranges() {
    let text = "good==1\nfoo=1.0\n";
    let f = parse(text);
    assert_eq!(f.errors.len(), 1);
    assert_eq!(at(text, f.errors[0].range), "=1.0");
    assert!(
        f.errors[0].message.contains("==1.0"),
        "{}",
        f.errors[0].message
    );
    for bad in [
        "foo bar",
        "foo==",
        "foo==1.0.x",
        "foo>=1.*",
        "foo[bar",
        "foo; os_name == ",
        "foo; bogus_var == 'x'",
        "foo; python_version == \"3",
        "foo (>=1",
        "foo~=1",
        "@pkg",
        "foo>=1,",
        "pkg @ ",
    ] {
        let f = parse(bad);
        assert_eq!(f.errors.len(), 1, "{bad:?}: {f:?}");
        assert!(f.requirements.is_empty(), "{bad:?}");
        let r = f.errors[0].range;
        assert!(r.start <= r.end && r.end <= bad.len(), "{bad:?}: {r:?}");
    }
    // `${VAR}` lines are expanded by pip from the environment: not judged.
    let f = parse("${PKG_SPEC}\n");
    assert!(f.errors.is_empty() && f.requirements.is_empty());
}

#[test]
fn crlf_bom_and_blank_lines() {
    let text = "\u{feff}foo==1\r\n\r\n  \r\nbar>=2\r\n";
    let f = parse(text);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    assert_eq!(f.requirements.len(), 2);
    assert_eq!(at(text, f.requirements[0].range), "foo==1");
    assert_eq!(at(text, f.requirements[1].range), "bar>=2");
    assert!(parse("").requirements.is_empty());
    assert!(parse("\\").errors.is_empty());
}

#[test]
fn never_panics_on_odd_input() {
    let long = "a".repeat(10 * 1024 * 1024);
    let f = parse(&long);
    assert_eq!(f.requirements.len(), 1);
    let parens = format!("foo; {}python_version == '3'", "(".repeat(100_000));
    assert_eq!(parse(&parens).errors.len(), 1);
    for s in [
        "é==1",
        "foo==1 \\",
        "\\\n\\\n",
        "-",
        "--",
        "-r",
        "--hash",
        "#",
        "foo @",
        "foo[",
        "foo[]",
        "git+https://",
        "git+https://@",
        "pkg @ git+https://h/@x",
        "foo; (",
        "foo; ()",
        "foo ;",
        "x==1 -e",
        "'",
        "\"",
        "-r \"a b.txt\"",
        "ü @ ü",
        "git+ssh://é@ü/é@ü",
        "foo==1.0+",
        "foo===",
        "https://x#egg=",
        "a\u{2028}b",
        "foo\t==1",
    ] {
        let f = parse(s);
        for e in &f.errors {
            assert!(
                e.range.end <= s.len() && s.is_char_boundary(e.range.start),
                "{s:?} {e:?}"
            );
        }
        for r in &f.requirements {
            assert!(r.name_range.end <= s.len(), "{s:?}");
            assert!(s.is_char_boundary(r.name_range.start) && s.is_char_boundary(r.name_range.end));
        }
    }
}

#[test]
fn pep440_ordering() {
    let v = |s: &str| Version::parse(s).unwrap_or_else(|| panic!("{s}"));
    let ordered = [
        "1.0.dev0",
        "1.0a1",
        "1.0a2.dev1",
        "1.0a2",
        "1.0b1",
        "1.0rc1",
        "1.0",
        "1.0+local",
        "1.0.post1.dev0",
        "1.0.post1",
        "1.1",
        "2!0.1",
    ];
    for w in ordered.windows(2) {
        assert!(v(w[0]) < v(w[1]), "{} < {}", w[0], w[1]);
    }
    assert_eq!(v("1.0"), v("1.0.0"));
    assert_eq!(v("v1.0-1"), v("1.0.post1"));
    assert_eq!(v("1.0-RC.1"), v("1.0rc1"));
    assert!(Version::parse("1.0.x").is_none());
    assert!(Version::parse("").is_none());
    assert!(Version::parse("99999999999999999999999.1").is_some());
    let base = v("17.4.0");
    use super::pep440::caps_below;
    assert!(caps_below("==", "16.0.4", &base));
    assert!(caps_below("==", "16.*", &base));
    assert!(!caps_below("==", "17.*", &base));
    assert!(caps_below("<", "17", &base));
    assert!(!caps_below("<", "18", &base));
    assert!(caps_below("~=", "16.2", &base));
    assert!(!caps_below("~=", "17.2", &base));
    assert!(!caps_below(">=", "1", &base));
    assert!(!caps_below("==", "17.4.0", &base));
}
