//! The in-process history reader against `git` itself, on generated repositories with
//! branches, merges (clean, `-s ours`, `-X theirs`, evil), equal and skewed commit dates,
//! lightweight and annotated tags (several on one commit, more than describe's 10
//! candidates): every answer it gives must be git's, for every git installed here.

mod common;

use common::Repo;
use hublint_builder::history::History;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every distinct git program installed (PATH first, then the usual places), so that
/// describe answers are checked against each version's search.
fn gits() -> Vec<PathBuf> {
    let mut found: Vec<(PathBuf, String)> = Vec::new();
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("git")).collect())
        .unwrap_or_default();
    candidates.extend(["/usr/bin/git", "/usr/local/bin/git"].map(PathBuf::from));
    for c in candidates {
        if !c.is_file() {
            continue;
        }
        let Ok(out) = Command::new(&c).arg("--version").output() else {
            continue;
        };
        let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !found.iter().any(|(_, v)| *v == version) {
            found.push((c, version));
        }
    }
    assert!(!found.is_empty(), "no git found");
    found.into_iter().map(|(p, _)| p).collect()
}

fn run(git: &Path, dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(git)
        .current_dir(dir)
        .args(args)
        .env("LC_ALL", "C")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
    )
}

/// A small deterministic generator (no test depends on a seed that is not printed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

const FILES: &[&str] = &[
    "chartpress.yaml",
    "images/hub/x",
    "images/hub/Dockerfile",
    "images/user/x",
    "chart/values.yaml",
    "shared/lib.txt",
    "README.md",
];

/// A history of `steps` steps on three branches merged back and forth, tagged on the way.
fn random_history(seed: u64, steps: usize) -> Repo {
    let mut rng = Lcg(seed);
    let mut r = Repo::new();
    if seed.is_multiple_of(2) {
        // Several commits a second, as scripts make them, and the clock going back after 3
        // minutes: git's walks order by date, ties by when a commit was queued.
        r.date_of = |n| {
            let s = (n / 4) % 180;
            format!("2024-01-01T00:{:02}:{:02}Z", s / 60, s % 60)
        };
    }
    let initial: Vec<(&str, String)> = FILES.iter().map(|f| (*f, format!("{f}\n"))).collect();
    let refs: Vec<(&str, &str)> = initial.iter().map(|(a, b)| (*a, b.as_str())).collect();
    r.commit("initial", &refs);
    r.git(&["branch", "b1"]);
    r.git(&["branch", "b2"]);
    let branches = ["main", "b1", "b2"];
    let mut tags = 0;
    for step in 0..steps {
        let branch = branches[rng.next(3) as usize];
        r.git(&["checkout", "-q", branch]);
        match rng.next(10) {
            0..=5 => {
                // Change one or two files (or none: an empty commit).
                let mut files = Vec::new();
                for _ in 0..rng.next(3) {
                    let f = FILES[rng.next(FILES.len() as u64) as usize];
                    files.push((f, format!("{}{branch} {step}\n", r.read(f))));
                }
                let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (*a, b.as_str())).collect();
                r.commit(&format!("{branch} {step}"), &refs);
            }
            6..=8 => {
                let other = branches[rng.next(3) as usize];
                if other == branch {
                    continue;
                }
                let strategy: &[&str] = match rng.next(4) {
                    0 => &["-s", "ours"],
                    1 => &["-X", "theirs"],
                    _ => &["-X", "ours"],
                };
                let mut args = vec!["merge", "-q", "--no-ff", "-m"];
                let msg = format!("merge {other} into {branch} at {step}");
                args.push(&msg);
                args.extend_from_slice(strategy);
                args.push(other);
                let before = r.git(&["rev-parse", "HEAD"]);
                r.git(&args);
                // Merging an ancestor makes no commit: nothing to amend then.
                let merged = r.git(&["rev-parse", "HEAD"]) != before;
                if merged && rng.next(4) == 0 {
                    // An evil merge: the merge commit changes a file itself.
                    let f = FILES[rng.next(FILES.len() as u64) as usize];
                    let text = format!("{}evil {step}\n", r.read(f));
                    r.write(f, &text);
                    r.git(&["add", "-A"]);
                    r.git(&["commit", "-q", "--amend", "--no-edit"]);
                }
            }
            _ => {
                tags += 1;
                let name = format!("{}.{}.0", tags / 3, tags % 3);
                if rng.next(2) == 0 {
                    r.annotated_tag(&name);
                } else {
                    r.tag(&name);
                }
                if rng.next(5) == 0 {
                    // A second tag on the same commit.
                    r.tag(&format!("{name}-also"));
                }
            }
        }
    }
    r.git(&["checkout", "-q", "main"]);
    r
}

const PATH_SETS: &[&[&str]] = &[
    &["chartpress.yaml", "images/hub", "images/hub/Dockerfile"],
    &["chartpress.yaml", "images/user/", "shared/"],
    &["images/hub/Dockerfile"],
    &["README.md"],
    &["chart", "chartpress.yaml"],
    &["missing/path"],
    &["."],
];

/// Checks every answer the reader gives against every git. Returns how many describe
/// answers were left to git (versions disagreeing).
fn compare(dir: &Path, context: &str) -> usize {
    let history = History::open(dir).unwrap_or_else(|e| panic!("{context}: {e}"));
    let dag = history.dag();
    let (_, listed) = run(Path::new("git"), dir, &["rev-list", "--parents", "HEAD"]);
    assert_eq!(dag.len(), listed.lines().count(), "{context}: commit count");
    for line in listed.lines() {
        let words: Vec<&str> = line.split(' ').collect();
        let c = dag.resolve(words[0]).unwrap();
        let parents: Vec<&str> = dag.parents(c).iter().map(|&p| dag.hash(p)).collect();
        assert_eq!(parents, words[1..], "{context}: parents of {}", words[0]);
    }
    let commits: Vec<String> = (0..dag.len()).map(|i| dag.hash(i).to_string()).collect();
    let mut left_to_git = 0;
    for git in gits() {
        let ctx = format!("{context} ({})", git.display());
        for paths in PATH_SETS {
            let mut args = vec!["log", "--max-count=1", "--pretty=format:%h", "--"];
            args.extend_from_slice(paths);
            let (_, theirs) = run(&git, dir, &args);
            let ours = history
                .last_commit_touching(&paths.iter().map(|p| p.to_string()).collect::<Vec<_>>())
                .unwrap_or_else(|e| panic!("{ctx}: {paths:?}: {e}"))
                .map(|c| history.abbrev(c).unwrap())
                .unwrap_or_default();
            assert_eq!(ours, theirs, "{ctx}: git log -1 -- {paths:?}");
        }
        let mut args = vec!["describe", "--tags", "--long", "--always"];
        args.extend(commits.iter().map(String::as_str));
        let (ok, described) = run(&git, dir, &args);
        assert!(ok, "{ctx}: git describe");
        for (i, line) in described.lines().enumerate() {
            // TAG-N-gHASH, or the bare abbreviated hash when no tag describes it.
            let theirs = line.rsplitn(3, '-').collect::<Vec<_>>();
            let theirs = (theirs.len() == 3 && theirs[0].starts_with('g'))
                .then(|| (theirs[2].to_string(), theirs[1].parse::<u64>().unwrap()));
            match history.describe(i) {
                Ok(ours) => {
                    let ours = ours.map(|d| (d.tag, d.commits_since == 0));
                    let theirs = theirs.map(|(t, n)| (t, n == 0));
                    assert_eq!(ours, theirs, "{ctx}: describe {}", commits[i]);
                }
                Err(_) => left_to_git += 1,
            }
            let (_, count) = run(&git, dir, &["rev-list", "--count", &commits[i]]);
            assert_eq!(
                dag.count(i).to_string(),
                count,
                "{ctx}: count {}",
                commits[i]
            );
        }
        let (_, abbrevs) = run(
            &git,
            dir,
            &[
                &["rev-list", "--abbrev-commit", "--no-walk=unsorted"][..],
                &commits.iter().map(String::as_str).collect::<Vec<_>>()[..],
            ]
            .concat(),
        );
        for (i, a) in abbrevs.lines().enumerate() {
            assert_eq!(history.abbrev(i).unwrap(), a, "{ctx}: abbrev");
        }
    }
    left_to_git
}

#[test]
fn random_histories_match_git() {
    let mut left = 0;
    let mut asked = 0;
    for seed in 1..=8u64 {
        let r = random_history(seed, 60);
        let n = History::open(r.path()).unwrap().dag().len();
        left += compare(r.path(), &format!("seed {seed}"));
        asked += n * gits().len();
    }
    eprintln!("describe: {left} of {asked} answers left to git (versions disagree)");
    // Disagreement between git versions is the exception, not the rule.
    assert!(left * 10 < asked, "{left} of {asked}");
}

#[test]
fn packed_repository_matches_git() {
    let r = random_history(99, 60);
    r.git(&["gc", "-q"]);
    compare(r.path(), "after gc");
}

#[test]
fn more_tags_than_describe_candidates() {
    let mut r = Repo::new();
    for i in 0..30 {
        r.commit(&format!("c{i}"), &[("f", &format!("{i}\n"))]);
        if i % 2 == 0 {
            r.tag(&format!("t{i}"));
        }
        if i % 5 == 0 {
            r.annotated_tag(&format!("a{i}"));
        }
    }
    r.commit("after", &[("g", "1\n")]);
    assert_eq!(compare(r.path(), "many tags"), 0);
}

#[test]
fn what_git_must_answer_is_refused() {
    let mut r = Repo::new();
    r.commit("c1", &[("a/x", "1\n")]);
    r.commit("c2", &[("a/x", "2\n")]);
    let history = History::open(r.path()).unwrap();
    for spec in ["a/*", ":(glob)a", "a/../a"] {
        assert!(
            history.last_commit_touching(&[spec.to_string()]).is_err(),
            "{spec}"
        );
    }
    // A file named by a `dir/` pathspec.
    assert!(history.last_commit_touching(&["a/x/".to_string()]).is_err());

    // A shallow clone.
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.path().display());
    let dest = clone.path().join("c");
    let ok = Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url])
        .arg(&dest)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    assert!(History::open(&dest).is_err());

    // A linked worktree.
    let wt = clone.path().join("wt");
    r.git(&["worktree", "add", "-q", wt.to_str().unwrap()]);
    assert!(History::open(&wt).is_err());

    // core.abbrev changes every hash git prints.
    r.git(&["config", "core.abbrev", "12"]);
    assert!(History::open(r.path()).is_err());
}

#[test]
fn describe_left_to_git_where_versions_disagree() {
    // HEAD merges a long branch tagged `deep` and a newer one-commit branch tagged `near`:
    // git up to 2.47 keeps counting and picks `deep`; the search as changed after it stops
    // once every tag is found and would pick `near` (equal depth, found first).
    let mut r = Repo::new();
    r.commit("root", &[("f", "0\n")]);
    r.git(&["checkout", "-q", "-b", "long"]);
    for i in 0..15 {
        r.commit(&format!("l{i}"), &[("l", &format!("{i}\n"))]);
    }
    r.tag("deep");
    r.git(&["checkout", "-q", "main"]);
    r.git(&["checkout", "-q", "-b", "short"]);
    r.commit("s", &[("s", "1\n")]);
    r.tag("near");
    r.git(&["checkout", "-q", "main"]);
    r.git(&["merge", "-q", "--no-ff", "-m", "merge", "long", "short"]);
    let history = History::open(r.path()).unwrap();
    assert!(
        history.describe(0).is_err(),
        "versions disagree: git answers"
    );
    let said: Vec<String> = gits()
        .iter()
        .map(|g| run(g, r.path(), &["describe", "--tags", "--long"]).1)
        .collect();
    eprintln!("git describe here: {said:?}");
}
