//! Hostile trees on disk: symlink loops, FIFOs, a 100 MB file, files and directories that
//! vanish while the walk runs. Each load ends, in bounded time and memory, with the hostile
//! file reported (or skipped when it is gone) and every other file's result kept.
//!
//! Every case runs in a child process of this test binary (filtered to that one test), so its
//! peak resident memory (`VmHWM`) is its own and a hang is killed at a hard deadline.
#![cfg(unix)]

use hublint_core::{check, Diagnostic};
use hublint_discover::load;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
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
    let limit = max_time * 3 + Duration::from_secs(10);
    let deadline = Instant::now() + limit;
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{name} hung: killed after {limit:?}");
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

fn peak_rss_mb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

const SENTINEL: &str = "sentinel/values.yaml";

/// A temporary repository holding the sentinel: a file with a duplicate key (Y002) that must
/// be reported whatever else the tree holds.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), SENTINEL, "a: 1\nb: 2\na: 3\n");
    dir
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn check_dir(root: &Path) -> Vec<Diagnostic> {
    let loaded = load(root).expect("load");
    check(&loaded.ws, &loaded.config)
}

fn assert_sentinel_kept(diags: &[Diagnostic]) {
    assert!(
        diags.iter().any(|d| d.file == SENTINEL && d.code == "Y002"),
        "the other file's result was lost: {diags:#?}"
    );
}

/// Directory loops (to the root, to an ancestor, two directories pointing at each other), a
/// file symlink to itself, a long chain, a dangling link named like a values file: the walk
/// follows none of them and ends.
#[test]
fn symlink_loops() {
    bounded("symlink_loops", Duration::from_secs(20), 200, || {
        let dir = repo();
        let p = dir.path();
        write(p, "a/b/c/values.yaml", "x: 1\n");
        symlink(p, p.join("a/b/c/to-root")).unwrap();
        symlink(p.join("a"), p.join("a/b/to-ancestor")).unwrap();
        std::fs::create_dir_all(p.join("m")).unwrap();
        std::fs::create_dir_all(p.join("n")).unwrap();
        symlink(p.join("n"), p.join("m/to-n")).unwrap();
        symlink(p.join("m"), p.join("n/to-m")).unwrap();
        symlink(p.join("self.yaml"), p.join("self.yaml")).unwrap();
        symlink(p.join("chain-1.yaml"), p.join("chain-0.yaml")).unwrap();
        for i in 1..100 {
            symlink(
                p.join(format!("chain-{}.yaml", i + 1)),
                p.join(format!("chain-{i}.yaml")),
            )
            .unwrap();
        }
        symlink(p.join("chain-0.yaml"), p.join("chain-100.yaml")).unwrap();
        symlink(p.join("gone/values.yaml"), p.join("dangling.values.yaml")).unwrap();
        let loaded = load(p).expect("load");
        let mut paths: Vec<&str> = loaded.ws.files().map(|f| f.path.as_str()).collect();
        paths.sort();
        assert_eq!(
            paths,
            ["a/b/c/values.yaml", SENTINEL],
            "only the real files are read"
        );
        assert_sentinel_kept(&check(&loaded.ws, &loaded.config));
    });
}

/// A FIFO named like a values file would block a reader forever: it is not a regular file,
/// so it is never opened.
#[test]
fn fifo_named_like_a_values_file() {
    bounded(
        "fifo_named_like_a_values_file",
        Duration::from_secs(20),
        200,
        || {
            let dir = repo();
            let fifo = dir.path().join("config/values.yaml");
            std::fs::create_dir_all(fifo.parent().unwrap()).unwrap();
            let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
            assert!(made.success());
            let diags = check_dir(dir.path());
            assert!(diags.iter().all(|d| d.file != "config/values.yaml"));
            assert_sentinel_kept(&diags);
        },
    );
}

/// A 100 MB values file (sparse, so the test needs no disk): refused by size after reading
/// at most the 16 MB limit, reported as F001, and memory stays far below the file's size.
#[test]
fn values_file_100mb_on_disk() {
    bounded(
        "values_file_100mb_on_disk",
        Duration::from_secs(30),
        150,
        || {
            let dir = repo();
            let big = dir.path().join("config/clusters/c/huge.values.yaml");
            std::fs::create_dir_all(big.parent().unwrap()).unwrap();
            let f = std::fs::File::create(&big).unwrap();
            f.set_len(100 * 1024 * 1024).unwrap();
            drop(f);
            let diags = check_dir(dir.path());
            let reported: Vec<&Diagnostic> = diags
                .iter()
                .filter(|d| d.file == "config/clusters/c/huge.values.yaml")
                .collect();
            assert!(
                reported
                    .iter()
                    .any(|d| d.code == "F001" && d.message.contains("104857600 bytes")),
                "{reported:#?}"
            );
            assert_sentinel_kept(&diags);
        },
    );
}

/// Files and whole directories are deleted and re-created while the walk runs, hundreds of
/// times: no load fails, and the sentinel is always read and reported.
#[test]
fn files_vanish_mid_walk() {
    bounded(
        "files_vanish_mid_walk",
        Duration::from_secs(60),
        300,
        || {
            let dir = repo();
            let root = dir.path().to_path_buf();
            let stop = Arc::new(AtomicBool::new(false));
            let churn = {
                let (root, stop) = (root.clone(), stop.clone());
                std::thread::spawn(move || {
                    let mut round = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        for i in 0..50 {
                            let d = root.join(format!("churn/{}", i % 5));
                            let _ = std::fs::create_dir_all(&d);
                            let _ = std::fs::write(
                                d.join(format!("{i}.values.yaml")),
                                format!("round: {round}\n"),
                            );
                        }
                        for i in 0..50 {
                            let _ = std::fs::remove_file(
                                root.join(format!("churn/{}/{i}.values.yaml", i % 5)),
                            );
                        }
                        if round.is_multiple_of(3) {
                            let _ = std::fs::remove_dir_all(root.join("churn"));
                        }
                        round += 1;
                    }
                    round
                })
            };
            let started = Instant::now();
            let mut loads = 0;
            while loads < 200 && started.elapsed() < Duration::from_secs(15) {
                let loaded = load(&root).expect("a load failed while files vanished");
                assert!(loaded.ws.get(SENTINEL).is_some_and(|f| f.text().is_some()));
                if loads % 20 == 0 {
                    assert_sentinel_kept(&check(&loaded.ws, &loaded.config));
                }
                loads += 1;
            }
            stop.store(true, Ordering::Relaxed);
            let rounds = churn.join().unwrap();
            eprintln!(
                "hostile files_vanish_mid_walk: {loads} loads against {rounds} rounds of churn"
            );
            assert!(
                loads >= 20 && rounds > 0,
                "{loads} loads, {rounds} churn rounds"
            );
        },
    );
}

/// NUL bytes and invalid UTF-8 read from disk: reported as F001 beside the other files.
#[test]
fn binary_and_invalid_utf8_on_disk() {
    bounded(
        "binary_and_invalid_utf8_on_disk",
        Duration::from_secs(20),
        200,
        || {
            let dir = repo();
            let p = dir.path();
            std::fs::write(p.join("nul.yaml"), b"a: \0\n").unwrap();
            std::fs::write(p.join("latin1.yaml"), b"a: caf\xe9\n").unwrap();
            std::fs::write(p.join("requirements.txt"), b"\xff\xfea\x00=\x00=\x001\x00").unwrap();
            let diags = check_dir(p);
            for file in ["nul.yaml", "latin1.yaml", "requirements.txt"] {
                assert!(
                    diags.iter().any(|d| d.file == file && d.code == "F001"),
                    "{file}: {diags:#?}"
                );
            }
            assert_sentinel_kept(&diags);
        },
    );
}
