//! "Is this commit in the local history?" for hover, answered by `git` in a child process,
//! never on the event loop, with a short deadline and a cache.

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

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@e")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@e")
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
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
