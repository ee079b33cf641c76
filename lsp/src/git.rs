//! "Is this commit in the local history?" for hover, answered by `git` in a child process,
//! never on the event loop, with a short deadline and a cache; and X001's experiment start
//! dates, read in-process and cached per HEAD commit ([`ExperimentCache`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitStatus {
    Present,
    Absent,
    /// No git, not a repository, or git did not answer in time.
    Unknown,
}

#[derive(Default)]
pub struct GitCache {
    known: Mutex<HashMap<(PathBuf, String), CommitStatus>>,
}

impl GitCache {
    /// Whether `hash` (full or abbreviated) names a commit in the repository at `root`.
    pub async fn commit_status(&self, root: &Path, hash: &str, deadline: Duration) -> CommitStatus {
        if !hash.bytes().all(|b| b.is_ascii_hexdigit()) || hash.len() < 4 || hash.len() > 64 {
            return CommitStatus::Unknown;
        }
        let key = (root.to_path_buf(), hash.to_ascii_lowercase());
        if let Some(s) = self
            .known
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return *s;
        }
        let mut cmd = tokio::process::Command::new("git");
        cmd.arg("-C")
            .arg(root)
            .args(["cat-file", "-e"])
            .arg(format!("{hash}^{{commit}}"))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true);
        let status = match tokio::time::timeout(deadline, async { cmd.status().await }).await {
            Ok(Ok(s)) if s.success() => CommitStatus::Present,
            // Exit 128 also means "not a repository"; tell the two apart once.
            Ok(Ok(_)) => {
                if root.join(".git").exists() {
                    CommitStatus::Absent
                } else {
                    CommitStatus::Unknown
                }
            }
            _ => return CommitStatus::Unknown, // not cached: may answer next time
        };
        self.known
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, status);
        status
    }
}

/// Test repositories: git with a fixed identity and clock, so commits are reproducible.
#[cfg(test)]
fn test_git(dir: &Path, args: &[&str], date: &str) -> String {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) -> String {
        test_git(dir, args, "2024-01-01T00:00:00Z")
    }

    #[tokio::test]
    async fn finds_commits_in_a_real_repository() {
        let dir = std::env::temp_dir().join(format!("hublint-lsp-git-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        git(&dir, &["init", "-q"]);
        std::fs::write(dir.join("a"), "a").unwrap();
        git(&dir, &["add", "a"]);
        git(&dir, &["commit", "-q", "-m", "c1"]);
        let short = git(&dir, &["rev-parse", "--short", "HEAD"]);
        let cache = GitCache::default();
        let d = Duration::from_secs(5);
        assert_eq!(
            cache.commit_status(&dir, &short, d).await,
            CommitStatus::Present
        );
        assert_eq!(
            cache.commit_status(&dir, "deadbeef1", d).await,
            CommitStatus::Absent
        );
        assert_eq!(
            cache.commit_status(&dir, "not-hex", d).await,
            CommitStatus::Unknown
        );
        let plain = std::env::temp_dir().join(format!("hublint-lsp-nogit-{}", std::process::id()));
        std::fs::create_dir_all(&plain).unwrap();
        assert_eq!(
            cache.commit_status(&plain, "deadbeef", d).await,
            CommitStatus::Unknown
        );
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&plain);
    }
}

/// X001's start dates per root: read from the history again only when HEAD moves or the
/// (values file, experimental image) pairs of the workspace change.
#[derive(Default)]
pub struct ExperimentCache {
    known: Mutex<HashMap<PathBuf, CachedStarts>>,
}

struct CachedStarts {
    head: String,
    pairs: Vec<(String, String)>,
    starts: Vec<hublint_core::experiment_history::ExperimentStart>,
}

impl ExperimentCache {
    /// The facts for `ws` (loaded from `root`, modelled as `model`). Runs off the event loop:
    /// a first read walks the history.
    pub fn facts(
        &self,
        root: &Path,
        ws: &hublint_core::Workspace,
        model: &hublint_core::model::RepoModel,
        config: &hublint_core::Config,
    ) -> Vec<hublint_core::experiment_history::ExperimentStart> {
        use hublint_builder::experiments;
        let names = hublint_core::experiment_history::experimental_image_names(model, config);
        let pairs = experiments::candidates(ws, model, &names);
        if pairs.is_empty() {
            return Vec::new();
        }
        let Some(head) = experiments::head_commit(root) else {
            return Vec::new();
        };
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = known.get(root) {
            if c.head == head && c.pairs == pairs {
                return c.starts.clone();
            }
        }
        let starts = experiments::for_repository(root, ws, model, config);
        known.insert(
            root.to_path_buf(),
            CachedStarts {
                head,
                pairs,
                starts: starts.clone(),
            },
        );
        starts
    }

    /// How many roots have facts cached (for tests).
    pub fn cached_heads(&self) -> Vec<String> {
        let known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        known.values().map(|c| c.head.clone()).collect()
    }
}

#[cfg(test)]
mod experiment_tests {
    use super::*;

    fn git(dir: &Path, args: &[&str], date: &str) {
        test_git(dir, args, date);
    }

    #[test]
    fn facts_are_read_once_per_head_commit() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let values = "hub:\n  image:\n    name: quay.io/org/exp\n    tag: \"1\"\n";
        std::fs::write(root.join("staging.values.yaml"), values).unwrap();
        git(root, &["init", "-q", "-b", "main"], "2024-01-01T00:00:00Z");
        git(root, &["add", "-A"], "2024-01-01T00:00:00Z");
        git(root, &["commit", "-q", "-m", "c1"], "2024-01-10T00:00:00Z");
        let mut ws = hublint_core::Workspace::new();
        ws.insert_text("staging.values.yaml", values);
        let config = hublint_core::Config::parse("experimental-images: [quay.io/org/exp]\n");
        ws.parse_all();
        let model = hublint_core::model::RepoModel::build(&ws, &config);
        let cache = ExperimentCache::default();
        let first = cache.facts(root, &ws, &model, &config);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].date, "2024-01-10");
        let head1 = cache.cached_heads();
        assert_eq!(cache.facts(root, &ws, &model, &config), first);
        // A new commit moves HEAD: read again (the start stays).
        std::fs::write(root.join("README.md"), "x\n").unwrap();
        git(root, &["add", "-A"], "2024-02-01T00:00:00Z");
        git(root, &["commit", "-q", "-m", "c2"], "2024-02-01T00:00:00Z");
        let again = cache.facts(root, &ws, &model, &config);
        assert_eq!(again, first);
        assert_ne!(cache.cached_heads(), head1);
        // No experimental image named anywhere: nothing, and no git read.
        let plain = hublint_core::Config::default();
        let model = hublint_core::model::RepoModel::build(&ws, &plain);
        assert!(cache.facts(root, &ws, &model, &plain).is_empty());
    }
}
