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

/// Grows a history on three branches merged back and forth, tagged on the way; it can grow
/// one repository several times (around a repack or a commit-graph write).
struct Grower {
    rng: Lcg,
    tags: usize,
    step: usize,
}

impl Grower {
    /// A new repository with its first commit and the branches.
    fn start(seed: u64) -> (Repo, Grower) {
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
        let grower = Grower {
            rng: Lcg(seed),
            tags: 0,
            step: 0,
        };
        (r, grower)
    }

    /// `steps` more steps, ending on main.
    fn grow(&mut self, r: &mut Repo, steps: usize) {
        let rng = &mut self.rng;
        let branches = ["main", "b1", "b2"];
        for _ in 0..steps {
            self.step += 1;
            let step = self.step;
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
                    let refs: Vec<(&str, &str)> =
                        files.iter().map(|(a, b)| (*a, b.as_str())).collect();
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
                    self.tags += 1;
                    let name = format!("{}.{}.0", self.tags / 3, self.tags % 3);
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
    }

    /// An octopus merge into main of three new one-commit branches (more parents than a
    /// commit-graph entry holds inline).
    fn octopus(&mut self, r: &mut Repo) {
        self.step += 1;
        let names: Vec<String> = (0..3).map(|i| format!("o{}-{i}", self.step)).collect();
        for name in &names {
            r.git(&["checkout", "-q", "-b", name, "main"]);
            let text = format!("{}{name}\n", r.read("shared/lib.txt"));
            r.commit(name, &[(&format!("octopus/{name}"), &text)]);
        }
        r.git(&["checkout", "-q", "main"]);
        let mut args = vec!["merge", "-q", "--no-ff", "-m", "octopus"];
        args.extend(names.iter().map(String::as_str));
        r.git(&args);
    }
}

/// A history of `steps` steps on three branches merged back and forth, tagged on the way.
fn random_history(seed: u64, steps: usize) -> Repo {
    let (mut r, mut grower) = Grower::start(seed);
    grower.grow(&mut r, steps);
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
                    // The depth too: it follows git's date-ordered walk, so a wrong commit
                    // date shows here even where the tag stays the same.
                    let ours = ours.map(|d| (d.tag, d.commits_since));
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

/// How a repository stores its objects: loose fan-out directories holding objects, packs,
/// and the commit-graph (a single file, or the number of files in a split chain).
#[derive(Debug)]
struct Storage {
    loose_dirs: usize,
    packs: usize,
    graph_file: bool,
    chain_files: usize,
}

fn storage(dir: &Path) -> Storage {
    let objects = dir.join(".git/objects");
    let loose_dirs = std::fs::read_dir(&objects)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().len() == 2)
        .filter(|e| std::fs::read_dir(e.path()).unwrap().next().is_some())
        .count();
    let packs = std::fs::read_dir(objects.join("pack"))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(".pack"))
                .count()
        })
        .unwrap_or(0);
    let chain_files =
        std::fs::read_to_string(objects.join("info/commit-graphs/commit-graph-chain"))
            .map(|c| c.lines().count())
            .unwrap_or(0);
    Storage {
        loose_dirs,
        packs,
        graph_file: objects.join("info/commit-graph").is_file(),
        chain_files,
    }
}

/// How many of HEAD's commits the repository's commit-graph holds, of how many, and whether
/// it holds HEAD.
fn graph_coverage(r: &Repo) -> (usize, usize, bool) {
    let graph = gix::commitgraph::at(
        r.path().join(".git/objects/info"),
        gix::hash::Kind::Sha1,
        None,
    )
    .unwrap();
    let in_graph = |hex: &str| {
        let id = gix::hash::ObjectId::from_hex(hex.as_bytes()).unwrap();
        graph.lookup(id).is_some()
    };
    let listed = r.git(&["rev-list", "HEAD"]);
    let held = listed.lines().filter(|c| in_graph(c)).count();
    let head = r.git(&["rev-parse", "HEAD"]);
    (held, listed.lines().count(), in_graph(&head))
}

fn merge_count(r: &Repo) -> usize {
    r.git(&["rev-list", "--merges", "HEAD"]).lines().count()
}

#[test]
fn packed_repository_with_a_commit_graph_matches_git() {
    let (mut r, mut g) = Grower::start(100);
    g.grow(&mut r, 60);
    g.octopus(&mut r);
    r.git(&["gc", "-q"]);
    r.git(&["commit-graph", "write", "--reachable"]);
    let s = storage(r.path());
    assert!(s.graph_file && s.loose_dirs == 0 && s.packs >= 1, "{s:?}");
    let (held, count, has_head) = graph_coverage(&r);
    assert!(held == count && has_head, "{held} of {count}");
    assert!(merge_count(&r) > 3);
    compare(r.path(), "after gc, with a commit-graph");
}

#[test]
fn packed_repository_without_commit_graph_matches_git() {
    let (mut r, mut g) = Grower::start(98);
    g.grow(&mut r, 60);
    g.octopus(&mut r);
    r.git(&["-c", "gc.writeCommitGraph=false", "gc", "-q"]);
    let s = storage(r.path());
    assert!(!s.graph_file && s.chain_files == 0, "{s:?}");
    assert!(s.loose_dirs == 0 && s.packs >= 1, "{s:?}");
    compare(r.path(), "after gc, without a commit-graph");
}

#[test]
fn stale_commit_graph_matches_git() {
    // Commits made after the commit-graph was written are read from their objects; their
    // parents are in the graph.
    let (mut r, mut g) = Grower::start(97);
    g.grow(&mut r, 40);
    g.octopus(&mut r);
    r.git(&["gc", "-q"]);
    r.git(&["commit-graph", "write", "--reachable"]);
    g.grow(&mut r, 30);
    g.octopus(&mut r);
    let (held, count, has_head) = graph_coverage(&r);
    assert!(!has_head && held > 20 && held < count, "{held} of {count}");
    assert!(storage(r.path()).loose_dirs > 0);
    compare(r.path(), "stale commit-graph");
}

#[test]
fn split_commit_graph_chain_matches_git() {
    let (mut r, mut g) = Grower::start(96);
    g.grow(&mut r, 30);
    g.octopus(&mut r);
    r.git(&["commit-graph", "write", "--reachable", "--split"]);
    g.grow(&mut r, 30);
    g.octopus(&mut r);
    r.git(&["commit-graph", "write", "--reachable", "--split=no-merge"]);
    g.grow(&mut r, 10);
    let s = storage(r.path());
    assert!(!s.graph_file && s.chain_files == 2, "{s:?}");
    let (held, count, has_head) = graph_coverage(&r);
    assert!(held > 40 && held < count && !has_head, "{held} of {count}");
    compare(r.path(), "split commit-graph");
}

#[test]
fn loose_and_packed_objects_match_git() {
    let (mut r, mut g) = Grower::start(95);
    g.grow(&mut r, 40);
    r.git(&["repack", "-a", "-d", "-q"]);
    r.git(&["prune-packed"]);
    g.grow(&mut r, 30);
    g.octopus(&mut r);
    let s = storage(r.path());
    assert!(s.loose_dirs > 0 && s.packs == 1 && !s.graph_file, "{s:?}");
    compare(r.path(), "loose and packed");
}

#[test]
fn unreadable_commit_graph_matches_git() {
    let (mut r, mut g) = Grower::start(94);
    g.grow(&mut r, 40);
    r.git(&["commit-graph", "write", "--reachable"]);
    let file = r.path().join(".git/objects/info/commit-graph");
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() / 3]).unwrap();
    compare(r.path(), "truncated commit-graph");
}

#[test]
fn commit_graph_entry_with_a_parent_out_of_range_is_left_to_git() {
    let mut r = Repo::new();
    r.commit("c1", &[("f", "1\n")]);
    r.commit("c2", &[("f", "2\n")]);
    r.git(&["commit-graph", "write", "--reachable"]);
    assert!(History::open(r.path()).is_ok());
    // The first parent of every entry (in the CDAT chunk: tree, parent 1, parent 2, date)
    // set to a position the graph does not have.
    let file = r.path().join(".git/objects/info/commit-graph");
    let mut bytes = std::fs::read(&file).unwrap();
    let chunks = usize::from(bytes[6]);
    let cdat = (0..chunks)
        .map(|i| &bytes[8 + i * 12..8 + i * 12 + 12])
        .find(|entry| &entry[..4] == b"CDAT")
        .map(|entry| u64::from_be_bytes(entry[4..].try_into().unwrap()) as usize)
        .unwrap();
    for entry in 0..2 {
        let at = cdat + entry * 36 + 20;
        bytes[at..at + 4].copy_from_slice(&0x0fff_ffffu32.to_be_bytes());
    }
    std::fs::write(&file, &bytes).unwrap();
    let (ok, _) = run(Path::new("git"), r.path(), &["rev-list", "--count", "HEAD"]);
    assert!(!ok, "git stops at such an entry");
    assert!(History::open(r.path()).is_err());
}

/// A repository whose HEAD merges two tagged branches, one commit dated past the 34 bits a
/// commit-graph holds for a date (2^34 + 100 s, year 2514): git walks by the truncated date
/// (100) when it reads the graph, by the full one otherwise, and describe then picks another tag.
fn far_future_history() -> Repo {
    let mut r = Repo::new();
    r.date_of = |n| match n {
        0 | 1 => "@1000 +0000".to_string(),
        2 => "@17179869284 +0000".to_string(),
        n => format!("@{} +0000", 2000 + n),
    };
    r.commit("root", &[("f", "0\n")]);
    r.git(&["branch", "b"]);
    r.commit("far", &[("a", "1\n")]);
    r.tag("far-tag");
    r.git(&["checkout", "-q", "b"]);
    r.commit("near", &[("b", "1\n")]);
    r.tag("near-tag");
    r.git(&["checkout", "-q", "main"]);
    r.git(&["merge", "-q", "--no-ff", "-m", "merge", "b"]);
    r.commit("after", &[("c", "1\n")]);
    r
}

#[test]
fn commit_graph_dates_are_read_as_git_reads_them() {
    let r = far_future_history();
    r.git(&["commit-graph", "write", "--reachable"]);
    let with_graph = r.git(&["describe", "--tags", "--long"]);
    let without = r.git(&[
        "-c",
        "core.commitGraph=false",
        "describe",
        "--tags",
        "--long",
    ]);
    assert_ne!(
        with_graph, without,
        "the truncated date changes git's answer"
    );
    compare(r.path(), "far-future date, commit-graph");
    assert!(History::open(r.path()).unwrap().describe(0).is_ok());

    // core.commitGraph=false: git reads the objects, and so does the reader.
    r.git(&["config", "core.commitGraph", "false"]);
    compare(r.path(), "far-future date, core.commitGraph=false");
    assert!(History::open(r.path()).unwrap().describe(0).is_ok());

    // An unreadable graph: git may read part of it, so this date is left to git.
    r.git(&["config", "--unset", "core.commitGraph"]);
    let file = r.path().join(".git/objects/info/commit-graph");
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..20]).unwrap();
    assert!(History::open(r.path()).is_err());
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
