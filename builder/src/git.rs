//! The git facts a chartpress tag is made of, asked of the `git` program with argument
//! vectors (never a shell string). Revisions given to git come from git's own output; every
//! user-controlled path goes after `--`.

use anyhow::{bail, Context as _, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;

/// A git work tree, addressed by its top-level directory.
#[derive(Debug)]
pub struct Git {
    top: PathBuf,
    describe_cache: Mutex<HashMap<String, Option<Described>>>,
    count_cache: Mutex<HashMap<String, u64>>,
}

/// `git describe --tags --long REV`: the latest tag reachable from REV and the number of
/// commits since it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    pub tag: String,
    pub commits_since: u64,
}

/// TAG-N-gHASH; the tag itself may contain dashes.
fn parse_describe(text: &str) -> Result<Described> {
    let mut parts = text.rsplitn(3, '-');
    let _hash = parts.next();
    let count = parts.next().and_then(|n| n.parse::<u64>().ok());
    match (parts.next(), count) {
        (Some(tag), Some(count)) => Ok(Described {
            tag: tag.to_string(),
            commits_since: count,
        }),
        _ => bail!("unexpected `git describe` output: {text}"),
    }
}

/// The commit graph reachable from HEAD: answers "how many commits are reachable from C"
/// (`git rev-list --count C`) and "is A an ancestor of B" (`git merge-base --is-ancestor`)
/// from one `git rev-list --parents` instead of a process per question.
#[derive(Debug, Default)]
pub struct Dag {
    by_index: Vec<String>,
    parents: Vec<Vec<usize>>,
    /// Commit indices in hash order, for abbreviation lookup; made on first use (the
    /// in-process history never looks a hash up, and sorting thousands was most of its cost).
    sorted: std::sync::OnceLock<Vec<usize>>,
}

impl Dag {
    fn parse(text: &str) -> Result<Dag> {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let lines: Vec<Vec<&str>> = text
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .filter(|w| !w.is_empty())
            .collect();
        for (i, words) in lines.iter().enumerate() {
            index.insert(words[0], i);
        }
        let mut parents = Vec::with_capacity(lines.len());
        for words in &lines {
            // A parent outside the listing (a shallow clone's boundary) is left out, as
            // rev-list itself does.
            parents.push(
                words[1..]
                    .iter()
                    .filter_map(|p| index.get(p).copied())
                    .collect(),
            );
        }
        let by_index = lines.iter().map(|w| w[0].to_string()).collect();
        Ok(Dag::from_parts(by_index, parents))
    }

    /// A graph from full hashes and parent indices (parents in commit order).
    pub fn from_parts(hashes: Vec<String>, parents: Vec<Vec<usize>>) -> Dag {
        Dag {
            by_index: hashes,
            parents,
            sorted: std::sync::OnceLock::new(),
        }
    }

    fn sorted(&self) -> &[usize] {
        self.sorted.get_or_init(|| {
            let mut order: Vec<usize> = (0..self.by_index.len()).collect();
            order
                .sort_unstable_by(|&a, &b| self.by_index[a].cmp(&self.by_index[b]).then(a.cmp(&b)));
            order
        })
    }

    /// The parents of commit `i`, in the commit's order.
    pub fn parents(&self, i: usize) -> &[usize] {
        &self.parents[i]
    }

    pub fn len(&self) -> usize {
        self.parents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parents.is_empty()
    }

    /// The full hash of commit `i`.
    pub fn hash(&self, i: usize) -> &str {
        &self.by_index[i]
    }

    /// The commit a (possibly abbreviated) hash names, if exactly one matches.
    pub fn resolve(&self, abbrev: &str) -> Option<usize> {
        let abbrev = abbrev.to_ascii_lowercase();
        let sorted = self.sorted();
        let start = sorted.partition_point(|&i| self.by_index[i].as_str() < abbrev.as_str());
        let mut hits = sorted[start..]
            .iter()
            .take_while(|&&i| self.by_index[i].starts_with(&abbrev));
        let first = *hits.next()?;
        hits.next().is_none().then_some(first)
    }

    fn reachable(&self, from: usize) -> Vec<bool> {
        let mut seen = vec![false; self.parents.len()];
        let mut stack = vec![from];
        seen[from] = true;
        while let Some(c) = stack.pop() {
            for &p in &self.parents[c] {
                if !seen[p] {
                    seen[p] = true;
                    stack.push(p);
                }
            }
        }
        seen
    }

    /// `git rev-list --count C`.
    pub fn count(&self, commit: usize) -> u64 {
        self.reachable(commit).iter().filter(|s| **s).count() as u64
    }

    /// `git merge-base --is-ancestor A B`: A is B or reachable from it.
    pub fn is_ancestor(&self, a: usize, b: usize) -> bool {
        self.reachable(b)[a]
    }
}

/// git's path, looked up on PATH once rather than on every spawn.
fn git_program() -> &'static Path {
    static GIT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    GIT.get_or_init(|| crate::backend::which("git").unwrap_or_else(|| PathBuf::from("git")))
}

fn git_command(dir: &Path) -> Command {
    let mut cmd = Command::new(git_program());
    cmd.current_dir(dir)
        // Read-only questions must not take index.lock (another git may be running).
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("LC_ALL", "C")
        .stdin(Stdio::null());
    cmd
}

impl Git {
    /// The work tree containing `dir`.
    pub fn discover(dir: &Path) -> Result<Git> {
        let out = git_command(dir)
            .args(["rev-parse", "--show-toplevel"])
            .output()
            .context("could not run `git` (is it installed?)")?;
        if !out.status.success() {
            bail!(
                "{} is not inside a git repository: chartpress tags come from git history ({})",
                dir.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        let top = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim_end_matches('\n'));
        Ok(Git {
            top,
            describe_cache: Mutex::new(HashMap::new()),
            count_cache: Mutex::new(HashMap::new()),
        })
    }

    /// A work tree whose top level is already known (no process runs).
    pub fn at(top: &Path) -> Git {
        Git {
            top: top.to_path_buf(),
            describe_cache: Mutex::new(HashMap::new()),
            count_cache: Mutex::new(HashMap::new()),
        }
    }

    pub fn top(&self) -> &Path {
        &self.top
    }

    fn run(&self, args: &[&str]) -> Result<Output> {
        git_command(&self.top)
            .args(args)
            .output()
            .with_context(|| format!("could not run git {}", args.join(" ")))
    }

    /// Stdout of a git command that must succeed.
    fn text(&self, args: &[&str]) -> Result<String> {
        let out = self.run(args)?;
        if !out.status.success() {
            bail!(
                "git {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// Whether HEAD exists (a repository with no commit has none).
    pub fn has_commits(&self) -> bool {
        self.run(&["rev-parse", "--verify", "--quiet", "HEAD"])
            .map(|o| o.status.success())
            .unwrap_or(false)
    }

    /// The abbreviated hash of the last commit touching any of `paths` (repository-relative),
    /// as `git log --max-count=1 --pretty=format:%h -- PATHS`.
    pub fn last_commit_touching(&self, paths: &[String]) -> Result<Option<String>> {
        let mut args = vec!["log", "--max-count=1", "--pretty=format:%h", "--"];
        args.extend(paths.iter().map(String::as_str));
        let hash = self.text(&args)?;
        Ok((!hash.is_empty()).then_some(hash))
    }

    /// Records what `git describe --tags --long REV` says, learnt without a process.
    pub fn remember_describe(&self, rev: &str, described: Option<Described>) {
        self.describe_cache
            .lock()
            .unwrap()
            .insert(rev.to_string(), described);
    }

    /// `git describe --tags --long REV`, or `None` when no tag is reachable.
    pub fn describe(&self, rev: &str) -> Result<Option<Described>> {
        if let Some(hit) = self.describe_cache.lock().unwrap().get(rev) {
            return Ok(hit.clone());
        }
        let out = self.run(&["describe", "--tags", "--long", "--end-of-options", rev])?;
        let described = if out.status.success() {
            Some(parse_describe(String::from_utf8_lossy(&out.stdout).trim())?)
        } else {
            None
        };
        self.describe_cache
            .lock()
            .unwrap()
            .insert(rev.to_string(), described.clone());
        Ok(described)
    }

    /// The abbreviated hash of the commit a tag points at.
    pub fn tag_commit(&self, tag: &str) -> Result<String> {
        let full_ref = format!("refs/tags/{tag}");
        self.text(&[
            "rev-list",
            "--abbrev-commit",
            "-n",
            "1",
            "--end-of-options",
            &full_ref,
        ])
    }

    /// `git merge-base --is-ancestor A B`.
    pub fn is_ancestor(&self, ancestor: &str, of: &str) -> Result<bool> {
        let out = self.run(&[
            "merge-base",
            "--is-ancestor",
            "--end-of-options",
            ancestor,
            of,
        ])?;
        match out.status.code() {
            Some(0) => Ok(true),
            Some(1) => Ok(false),
            _ => bail!(
                "git merge-base --is-ancestor {ancestor} {of} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        }
    }

    /// `git rev-list --count REV`: every commit reachable from REV.
    pub fn count(&self, rev: &str) -> Result<u64> {
        if let Some(n) = self.count_cache.lock().unwrap().get(rev) {
            return Ok(*n);
        }
        let text = self.text(&["rev-list", "--count", "--end-of-options", rev])?;
        let n = text
            .parse::<u64>()
            .with_context(|| format!("unexpected `git rev-list --count` output: {text}"))?;
        self.count_cache.lock().unwrap().insert(rev.to_string(), n);
        Ok(n)
    }

    /// `git describe --tags --long` of several revisions in one process; falls back to one
    /// process per revision when git refuses the batch (it stops at the first revision that
    /// no tag describes).
    pub fn describe_many(&self, revs: &[String]) -> Result<Vec<Option<Described>>> {
        let todo: Vec<&String> = {
            let cache = self.describe_cache.lock().unwrap();
            revs.iter().filter(|r| !cache.contains_key(*r)).collect()
        };
        if todo.len() > 1 {
            let mut args = vec!["describe", "--tags", "--long", "--end-of-options"];
            args.extend(todo.iter().map(|r| r.as_str()));
            let out = self.run(&args)?;
            let text = String::from_utf8_lossy(&out.stdout).to_string();
            let lines: Vec<&str> = text.lines().collect();
            if out.status.success() && lines.len() == todo.len() {
                let mut cache = self.describe_cache.lock().unwrap();
                for (rev, line) in todo.iter().zip(lines) {
                    cache.insert((*rev).clone(), Some(parse_describe(line.trim())?));
                }
            }
        }
        revs.iter().map(|r| self.describe(r)).collect()
    }

    /// Every commit reachable from HEAD with its parents (`git rev-list --parents HEAD`).
    pub fn dag(&self) -> Result<Dag> {
        let out = self.run(&["rev-list", "--parents", "HEAD"])?;
        if !out.status.success() {
            bail!(
                "git rev-list --parents HEAD failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Dag::parse(&String::from_utf8_lossy(&out.stdout))
    }

    /// Every tag and the commit it points at (annotated tags peeled once), by full hash:
    /// `git for-each-ref refs/tags`.
    pub fn tag_targets(&self) -> Result<HashMap<String, String>> {
        let text = self.text(&[
            "for-each-ref",
            "--format=%(refname:strip=2) %(objectname) %(*objectname)",
            "refs/tags",
        ])?;
        Ok(text
            .lines()
            .filter_map(|l| {
                let mut w = l.split(' ');
                let name = w.next()?;
                let direct = w.next()?;
                let peeled = w.next().filter(|p| !p.is_empty()).unwrap_or(direct);
                Some((name.to_string(), peeled.to_string()))
            })
            .collect())
    }

    /// The abbreviated hash git prints for a commit (as `rev-list --abbrev-commit` does).
    pub fn abbrev(&self, full: &str) -> Result<String> {
        self.text(&[
            "rev-list",
            "--abbrev-commit",
            "--no-walk",
            "--end-of-options",
            full,
        ])
    }

    /// The current branch, empty when HEAD is detached.
    pub fn branch(&self) -> Result<String> {
        self.text(&["branch", "--show-current"])
    }

    /// Files under `paths` that differ from HEAD: modified, staged, deleted or untracked
    /// (untracked files are sent in a build context too). Ignored files are not listed.
    pub fn uncommitted(&self, paths: &[String]) -> Result<Vec<String>> {
        let mut args = vec![
            "status",
            "--porcelain=v1",
            "-z",
            "--untracked-files=all",
            "--",
        ];
        args.extend(paths.iter().map(String::as_str));
        let out = self.run(&args)?;
        if !out.status.success() {
            bail!(
                "git status failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        let mut files = Vec::new();
        let mut fields = out.stdout.split(|b| *b == 0).peekable();
        while let Some(entry) = fields.next() {
            if entry.len() < 4 {
                continue;
            }
            let status = &entry[..2];
            files.push(String::from_utf8_lossy(&entry[3..]).to_string());
            // A rename or copy is followed by its source path in the next field.
            if status.contains(&b'R') || status.contains(&b'C') {
                fields.next();
            }
        }
        Ok(files)
    }
}
