//! Hostile inputs for the core (no disk): each ends with a diagnostic, in bounded time and
//! memory, and the other files of the workspace keep their results.
//!
//! Every case runs in a child process of this test binary (filtered to that one test), so the
//! peak resident memory it reports (`VmHWM`) is the case's own, and a hang is killed at a hard
//! deadline instead of stalling the suite. The limits are for a debug build on a loaded
//! 2-core machine; the times measured are printed (`cargo test -- --nocapture`).

use hublint_core::{check, Config, Diagnostic, Workspace};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHILD_ENV: &str = "HUBLINT_HOSTILE_CHILD";

/// Run `body` alone in a child process and assert it finished within `max_time` using at most
/// `max_rss_mb` of peak resident memory.
fn bounded(name: &str, max_time: Duration, max_rss_mb: u64, body: impl FnOnce()) {
    if std::env::var(CHILD_ENV).as_deref() == Ok(name) {
        let started = Instant::now();
        body();
        let took = started.elapsed();
        let rss = peak_rss_mb();
        eprintln!(
            "hostile {name}: {:.2} s, peak RSS {rss} MB",
            took.as_secs_f64()
        );
        assert!(took <= max_time, "{name} took {took:?}, over {max_time:?}");
        assert!(
            rss <= max_rss_mb,
            "{name} peaked at {rss} MB, over {max_rss_mb} MB"
        );
        return;
    }
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, name)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the test binary");
    // A hang must fail the test, not block the suite: kill well past the time limit.
    let deadline = Instant::now() + max_time * 3 + Duration::from_secs(10);
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{name} hung: killed after {:?}",
                max_time * 3 + Duration::from_secs(10)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("child output");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprint!(
        "{}",
        stderr
            .lines()
            .filter(|l| l.starts_with("hostile "))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    );
    assert!(
        out.status.success(),
        "{name} failed in its child process:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("1 passed"),
        "{name}: the child ran no test:\n{stdout}"
    );
}

/// Peak resident set of this process in MB (Linux); 0 where /proc is missing.
fn peak_rss_mb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

/// A file with a known problem that must still be reported beside the hostile one.
const SENTINEL: &str = "sentinel/values.yaml";

fn with_sentinel() -> Workspace {
    let mut ws = Workspace::new();
    ws.insert_text(SENTINEL, "a: 1\nb: 2\na: 3\n");
    ws
}

fn assert_sentinel_kept(diags: &[Diagnostic]) {
    assert!(
        diags.iter().any(|d| d.file == SENTINEL && d.code == "Y002"),
        "the other file's result was lost: {diags:#?}"
    );
}

fn diags_for<'a>(diags: &'a [Diagnostic], file: &str) -> Vec<&'a Diagnostic> {
    diags.iter().filter(|d| d.file == file).collect()
}

fn assert_reported(diags: &[Diagnostic], file: &str, code: &str, needle: &str) {
    assert!(
        diags_for(diags, file)
            .iter()
            .any(|d| d.code == code && d.message.contains(needle)),
        "expected {code} mentioning {needle:?} on {file}; got {:#?}",
        diags_for(diags, file)
    );
}

/// A cluster whose hub reads `values` (and the sentinel), so the hostile file also goes
/// through the helm values merge and schema validation, not only the YAML parser.
fn cluster_with_hub_values(ws: &mut Workspace, values: &str) {
    ws.insert_text(
        "config/clusters/c/cluster.yaml",
        format!(
            "name: c\nprovider: gcp\nhubs:\n  - name: h\n    helm_chart: basehub\n    helm_chart_values_files:\n      - {values}\n"
        ),
    );
    ws.insert_text(
        "helm-charts/basehub/Chart.yaml",
        "apiVersion: v2\nname: basehub\nversion: 0.1.0\ndependencies:\n  - name: jupyterhub\n    version: 4.1.0\n    repository: https://hub.jupyter.org/helm-chart/\n",
    );
}

// ---------------------------------------------------------------------------------------------

/// Nine levels of ten aliases each: 10^9 nodes if expanded ("billion laughs"), through plain
/// aliases, merge keys and a hub's values merge.
#[test]
fn alias_bomb() {
    bounded("alias_bomb", Duration::from_secs(20), 300, || {
        let mut text = String::from("jupyterhub:\n  custom:\n    l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..=9 {
            let refs = vec![format!("*l{}", i - 1); 10].join(", ");
            text.push_str(&format!("    l{i}: &l{i} [{refs}]\n"));
        }
        text.push_str(
            "    m0: &m0 {a: *l9, b: *l9}\n    m1:\n      <<: [*m0, *m0, *m0]\n      c: *l9\n",
        );
        let mut ws = with_sentinel();
        cluster_with_hub_values(&mut ws, "bomb.values.yaml");
        ws.insert_text("config/clusters/c/bomb.values.yaml", text);
        let diags = check(&ws, &Config::default());
        assert_reported(
            &diags,
            "config/clusters/c/bomb.values.yaml",
            "Y001",
            "alias bomb",
        );
        assert_sentinel_kept(&diags);
    });
}

/// 10,000 levels of nesting, in every shape that fits in a file under the size limit: flow
/// sequences, flow mappings, compact block sequences (`- - - x`) and mixed.
#[test]
fn nesting_10000_deep() {
    bounded("nesting_10000_deep", Duration::from_secs(20), 300, || {
        const DEPTH: usize = 10_000;
        let shapes = [
            (
                "flow_seq.yaml",
                format!("a: {}x{}\n", "[".repeat(DEPTH), "]".repeat(DEPTH)),
            ),
            (
                "flow_map.yaml",
                format!("a: {}x: 1{}\n", "{a: ".repeat(DEPTH), "}".repeat(DEPTH)),
            ),
            ("block_seq.yaml", format!("a:\n  {}x\n", "- ".repeat(DEPTH))),
            ("mixed.yaml", format!("a: {}\n", "[{a: ".repeat(DEPTH / 2))),
            ("unclosed.yaml", "[".repeat(DEPTH)),
        ];
        let mut ws = with_sentinel();
        cluster_with_hub_values(&mut ws, "flow_seq.yaml");
        for (name, text) in &shapes {
            ws.insert_text(&format!("config/clusters/c/{name}"), text.clone());
        }
        // The same depth in a schema file the chart ships (JSON and YAML).
        ws.insert_text(
            "helm-charts/basehub/values.schema.json",
            format!("{}{}", "{\"a\":".repeat(DEPTH), "}".repeat(DEPTH)),
        );
        let diags = check(&ws, &Config::default());
        for (name, _) in &shapes {
            // Brackets are counted before anything else, and more strictly.
            let block = *name == "block_seq.yaml";
            assert_reported(
                &diags,
                &format!("config/clusters/c/{name}"),
                "Y001",
                if block {
                    "nesting deeper"
                } else {
                    "nested more than 12 deep"
                },
            );
        }
        // The schema is not silently ignored: serde_json's depth limit becomes S007.
        assert_reported(
            &diags,
            "helm-charts/basehub/values.schema.json",
            "S007",
            "recursion limit",
        );
        assert_sentinel_kept(&diags);
    });
}

/// A 100 MB values file is refused by size (F001) without being parsed; a 10 MB one, under
/// the workspace limit but over the YAML parser's, is refused by the parser (Y001).
#[test]
fn values_file_100mb() {
    bounded("values_file_100mb", Duration::from_secs(30), 400, || {
        let line = "jupyterhub:\n  hub:\n    extraEnv:\n";
        let mut big = String::with_capacity(100 * 1024 * 1024 + 64);
        big.push_str(line);
        while big.len() < 100 * 1024 * 1024 {
            big.push_str("      KEY_0123456789: \"value value value value value value value\"\n");
        }
        let ten: String = big[..10 * 1024 * 1024].to_string();
        let mut ws = with_sentinel();
        cluster_with_hub_values(&mut ws, "huge.values.yaml");
        ws.insert_text("config/clusters/c/huge.values.yaml", big);
        ws.insert_text("config/clusters/c/ten.values.yaml", ten);
        let diags = check(&ws, &Config::default());
        assert_reported(
            &diags,
            "config/clusters/c/huge.values.yaml",
            "F001",
            "over the",
        );
        assert_reported(
            &diags,
            "config/clusters/c/ten.values.yaml",
            "Y001",
            "not parsed",
        );
        assert_sentinel_kept(&diags);
    });
}

/// Requirements files that include themselves and each other (`-r`, `-c`, through `../`):
/// the check ends, and the unpinned packages in each are still reported.
#[test]
fn requirements_include_cycle() {
    bounded(
        "requirements_include_cycle",
        Duration::from_secs(20),
        300,
        || {
            let mut ws = with_sentinel();
            let dir = "helm-charts/images/hub";
            ws.insert_text(
                &format!("{dir}/requirements.txt"),
                "-r requirements.txt\n-r ./dev-requirements.txt\n-c constraints.txt\nalpha\n",
            );
            ws.insert_text(
                &format!("{dir}/dev-requirements.txt"),
                "-r requirements.txt\n--requirement=../hub/dev-requirements.txt\nbeta\n",
            );
            ws.insert_text(
                &format!("{dir}/constraints.txt"),
                "-c constraints.txt\n-r requirements.txt\n",
            );
            ws.insert_text(&format!("{dir}/Dockerfile"), "FROM quay.io/jupyterhub/k8s-hub:4.1.0\nCOPY requirements.txt /tmp/\nRUN pip install -r /tmp/requirements.txt\n");
            let diags = check(&ws, &Config::default());
            assert_reported(&diags, &format!("{dir}/requirements.txt"), "R004", "alpha");
            assert_reported(
                &diags,
                &format!("{dir}/dev-requirements.txt"),
                "R004",
                "beta",
            );
            assert_sentinel_kept(&diags);
        },
    );
}

/// A Dockerfile (and a requirements file) of one 10 MB line, and one of 10 MB of line
/// continuations: linear work (about 50 s in a debug build, 1 s in release: the limit is
/// for catching quadratic blow-ups, which would take hours), and the FROM problems found.
#[test]
fn dockerfile_one_10mb_line() {
    bounded(
        "dockerfile_one_10mb_line",
        Duration::from_secs(120),
        400,
        || {
            const MB10: usize = 10 * 1024 * 1024;
            let mut ws = with_sentinel();
            ws.insert_text(
                "images/long-run/Dockerfile",
                format!("FROM python:latest\nRUN echo {}\n", "a".repeat(MB10)),
            );
            ws.insert_text(
                "images/long-from/Dockerfile",
                format!("FROM {}:latest", "a".repeat(MB10)),
            );
            ws.insert_text(
                "images/continued/Dockerfile",
                format!(
                    "FROM python:latest\nRUN echo \\\n{}",
                    "a \\\n".repeat(MB10 / 4)
                ),
            );
            ws.insert_text(
                "images/long-run/requirements.txt",
                format!("{}\n", "a".repeat(MB10)),
            );
            let diags = check(&ws, &Config::default());
            for file in ["images/long-run/Dockerfile", "images/continued/Dockerfile"] {
                assert!(
                    !diags_for(&diags, file).is_empty(),
                    "{file}: no diagnostic; {diags:#?}"
                );
            }
            assert_sentinel_kept(&diags);
        },
    );
}

/// NUL bytes, through both doors: bytes from disk and text from an editor buffer.
#[test]
fn nul_bytes() {
    bounded("nul_bytes", Duration::from_secs(20), 300, || {
        let mut ws = with_sentinel();
        ws.insert_bytes("a/values.yaml", b"hub:\n  image: x\0y\n".to_vec());
        ws.insert_bytes("a/Dockerfile", b"FROM a:1\n\0\0\0".to_vec());
        ws.insert_bytes("a/requirements.txt", b"\0".repeat(4096));
        ws.insert_text("b/values.yaml", "a: \u{0}\n");
        let diags = check(&ws, &Config::default());
        for file in [
            "a/values.yaml",
            "a/Dockerfile",
            "a/requirements.txt",
            "b/values.yaml",
        ] {
            assert_reported(&diags, file, "F001", "binary");
        }
        assert_sentinel_kept(&diags);
    });
}

/// Invalid UTF-8: a stray byte, a truncated sequence at the end, an overlong encoding, a
/// surrogate, and UTF-16 as an editor on Windows saves it.
#[test]
fn invalid_utf8() {
    bounded("invalid_utf8", Duration::from_secs(20), 300, || {
        let cases: [(&str, Vec<u8>); 5] = [
            ("stray.yaml", b"a: caf\xe9\n".to_vec()),
            ("truncated.yaml", b"a: \xe2\x82".to_vec()),
            ("overlong/requirements.txt", b"foo==1.0 \xc0\xaf\n".to_vec()),
            ("surrogate/Dockerfile", b"FROM a:\xed\xa0\x80\n".to_vec()),
            (
                "utf16.yaml",
                "a: 1\n".encode_utf16().flat_map(u16::to_le_bytes).collect(),
            ),
        ];
        let mut ws = with_sentinel();
        for (path, bytes) in &cases {
            ws.insert_bytes(path, bytes.clone());
        }
        let diags = check(&ws, &Config::default());
        for (path, _) in &cases {
            assert!(
                diags_for(&diags, path).iter().any(|d| d.code == "F001"),
                "{path}: no F001; {diags:#?}"
            );
        }
        assert_reported(&diags, "stray.yaml", "F001", "offset 6");
        assert_sentinel_kept(&diags);
    });
}

/// A chart's own values schema whose `$ref`s loop (`#`, mutual, through `items`): validation
/// of a hub's values against it ends.
#[test]
fn schema_ref_cycle() {
    bounded("schema_ref_cycle", Duration::from_secs(20), 300, || {
        let mut ws = with_sentinel();
        cluster_with_hub_values(&mut ws, "h.values.yaml");
        ws.insert_text(
            "helm-charts/basehub/values.schema.yaml",
            "$ref: '#'\ndefinitions:\n  a: {$ref: '#/definitions/b'}\n  b: {$ref: '#/definitions/a', items: {$ref: '#/definitions/b'}}\nproperties:\n  jupyterhub: {$ref: '#/definitions/a'}\n  x: {$ref: '#/properties/x'}\nadditionalProperties: {$ref: '#/definitions/b'}\n",
        );
        ws.insert_text(
            "config/clusters/c/h.values.yaml",
            "jupyterhub:\n  hub:\n    config: {a: [1, [2, [3]]]}\nx: {y: z}\n",
        );
        let diags = check(&ws, &Config::default());
        assert_sentinel_kept(&diags);
    });
}

/// Found by the `yaml` fuzz target (a 522-byte file with 115 `{` on one line, never closed):
/// the YAML parser backtracks through every unclosed flow collection, doubling its time with
/// each, so 30 of them would take minutes. Refused up front (more than 12 brackets open at
/// once, wherever they are); a handful still parses, and an error 12 deep stays quick.
#[test]
fn unclosed_flow_collections() {
    bounded(
        "unclosed_flow_collections",
        Duration::from_secs(20),
        300,
        || {
            let mut ws = with_sentinel();
            let cases = [
            ("brackets.yaml", format!("a:\n  b: {}x\n  c: 2\n", "[".repeat(30))),
            ("braces.yaml", format!("a:\n  b: {}x: 1\n  c: 2\n", "{".repeat(30))),
            ("mixed.yaml", format!("b: {}x\nc: 1\n", "[{".repeat(15))),
            ("fuzz.yaml", format!("jupyterhub:\n  custom:\n    x: true\nprometheus:\n  {}server:\n    ingress:\n      enabled: true\n", "{".repeat(115))),
            // (the `chart_yaml` target's: brackets "closed" by braces, which close nothing)
            ("mismatched.yaml", format!("a: {{b: {}x: {}\nc: 1\n", "[".repeat(30), "}".repeat(31))),
            // (and after a document marker, lines broken at CRs)
            ("marker.yaml", format!("a: 1\r--- {}x\r", "{".repeat(100))),
            // (and in text yaml_parser recovers from after a `...`: another 30 s timeout)
            ("dots.yaml", format!("{}{}{},", ".".repeat(12), "{".repeat(70), ".".repeat(87))),
        ];
            for (name, text) in &cases {
                ws.insert_text(name, text.clone());
            }
            ws.insert_text("few.yaml", format!("a: {}x\n", "[".repeat(5)));
            // (the `chart_yaml` target's: an error inside brackets nested 29 deep, all closed)
            ws.insert_text(
                "deep_error.yaml",
                format!("a: {}]]ak]]U]]\n", "[".repeat(29)),
            );
            ws.insert_text(
                "error_12_deep.yaml",
                format!("a: {}x: y: z{}\n", "[".repeat(12), "]".repeat(12)),
            );
            let diags = check(&ws, &Config::default());
            for (name, _) in &cases {
                assert_reported(&diags, name, "Y001", "nested more than 12 deep");
            }
            assert_reported(&diags, "few.yaml", "Y001", "YAML syntax error");
            assert_reported(
                &diags,
                "deep_error.yaml",
                "Y001",
                "nested more than 12 deep",
            );
            assert_reported(&diags, "error_12_deep.yaml", "Y001", "YAML syntax error");
            assert_sentinel_kept(&diags);
        },
    );
}

/// Found by the `yaml` fuzz target: 84 form feeds before the first content overflowed the
/// parser's 64-bit indent mask (a panic with overflow checks on, a wrong tree without).
#[test]
fn whitespace_indented_first_line() {
    bounded(
        "whitespace_indented_first_line",
        Duration::from_secs(20),
        300,
        || {
            let mut ws = with_sentinel();
            ws.insert_text("ff.yaml", format!("{} (a\n", "\u{c}".repeat(84)));
            ws.insert_text("tabs.yaml", format!("\n{}a: 1\n", "\t".repeat(70)));
            let diags = check(&ws, &Config::default());
            assert_reported(&diags, "ff.yaml", "Y001", "indented");
            assert_reported(&diags, "tabs.yaml", "Y001", "indented");
            assert_sentinel_kept(&diags);
        },
    );
}

/// Found by the `cluster_yaml` fuzz target: 64 tabs before a structure line overflow
/// yaml_parser's 64-bit indentation mask (it counts tabs as indentation); also behind a CR.
#[test]
fn tab_indented_structure_past_the_mask() {
    bounded(
        "tab_indented_structure_past_the_mask",
        Duration::from_secs(10),
        100,
        || {
            let mut ws = with_sentinel();
            cluster_with_hub_values(&mut ws, "tabs_0.yaml");
            let shapes = [
                format!("    : - : \n{}:", "\t".repeat(64)),
                format!("a: 1\n{}b: 2\n", "\t".repeat(70)),
                format!("a: 1\r{}b: 2\n", " ".repeat(70)),
                // (the `chart_yaml` target's: tabs after an explicit-key `?`)
                format!("?{}? ", "\t".repeat(63)),
                // (the `chart_yaml` target's: blanks after `?`, then a flow collection)
                format!("? {}{{c >:", " ".repeat(119)),
                // (and its: after an alias, yaml_parser reads `- - -` on as compact sequences)
                format!("  -   - *\u{2} {}", "-   ".repeat(20)),
                format!("- \"a\" {}", "- ".repeat(40)),
                format!("a: \t{}", "- ".repeat(40)),
                // (generated inputs: `?` or `-` before 63 blanks, even after a marker mid-line,
                // and 64 blanks ending the file; yaml_parser now wraps its mask silently, so
                // only hublint's own refusal makes these Y001)
                format!("--- ?{}", " ".repeat(63)),
                format!("|-...?{}!t ? a\n", " ".repeat(65)),
                format!("- - - \n{}", " ".repeat(64)),
            ];
            for (i, text) in shapes.iter().enumerate() {
                ws.insert_text(&format!("config/clusters/c/tabs_{i}.yaml"), text.clone());
            }
            let diags = check(&ws, &Config::default());
            for i in 0..shapes.len() {
                assert_reported(
                    &diags,
                    &format!("config/clusters/c/tabs_{i}.yaml"),
                    "Y001",
                    "columns",
                );
            }
            assert_sentinel_kept(&diags);
        },
    );
}

/// Found by the `yaml` and `fix` fuzz targets: a comment, then an indented first line, then a
/// line indented less. yaml_parser 0.3 underflows its indentation counter on it (a panic with
/// overflow checks); hublint reports the syntax error itself, and the other file survives.
#[test]
fn first_line_indented_more_than_a_later_line() {
    bounded(
        "first_line_indented_more_than_a_later_line",
        Duration::from_secs(10),
        100,
        || {
            let shapes = [
                "# We look to document everything,  - custom\n  - global\nproperties:\n",
                "# Builds the hub image\n        - sean@example.edu\n        - sharon@example.edu\njupyterhub-home-nfs:\n  gke:\n    volumeId: x\n",
                "# c\n  a: 1\nb: 1\n",
                // (the `chart_yaml` target's: a lone CR, which yaml_parser reads as a line break)
                "# Chart.yaml\n  - name: Erik\n    email: erik@sa\r![s:\x0cp[s:aurce.se\n",
                // (and a document marker after the indented document)
                "# Chart email: erik@\n  - # c\n...*[c,h3rsoi.*[c\n",
                "# c\n  - a\n---\nb: 1\n",
                // (an indented document after a `...`: the `chart_yaml` target's)
                "...\n - :\n,",
            ];
            let mut ws = with_sentinel();
            cluster_with_hub_values(&mut ws, "dedent_0.yaml");
            for (i, text) in shapes.iter().enumerate() {
                ws.insert_text(&format!("config/clusters/c/dedent_{i}.yaml"), *text);
            }
            let diags = check(&ws, &Config::default());
            for i in 0..shapes.len() {
                assert_reported(
                    &diags,
                    &format!("config/clusters/c/dedent_{i}.yaml"),
                    "Y001",
                    "indented less than",
                );
            }
            assert_sentinel_kept(&diags);
        },
    );
}
