//! Loading a repository from disk into a core [`Workspace`]: the one place that walks the
//! tree, so the CLI, the language server and the builder see the same files.
//!
//! The walk respects `.gitignore` (and `.ignore`), skips `.git`, never follows symlinks (so a
//! symlink loop cannot trap it), and reads only the kinds of file hublint understands. A file
//! that vanishes between listing and reading is skipped; one that cannot be read or decoded is
//! kept as "unreadable" so a rule can report it, and the walk goes on.

pub mod archives;

use anyhow::{Context as _, Result};
use hublint_core::config::{Config, CONFIG_FILE};
use hublint_core::glob::ExcludeSet;
use hublint_core::Workspace;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A repository loaded from disk.
pub struct Loaded {
    pub root: PathBuf,
    pub ws: Workspace,
    pub config: Config,
    /// Problems met while walking (unreadable directories and the like).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Patterns whose files are left out (`--exclude`; gitignore syntax, see
    /// [`ExcludeSet`]). A broken one makes loading fail.
    pub exclude: Vec<String>,
}

/// Whether hublint reads this file at all (by its path relative to the root).
pub fn is_relevant(rel: &str) -> bool {
    hublint_core::files::FileKind::is_read(rel)
}

/// The repository root for a path given on the command line: a directory is its own root; a
/// file's root is the nearest ancestor holding `.git` or `.hublint.yaml`, else its directory.
pub fn root_for(path: &Path) -> PathBuf {
    if path.is_dir() {
        return path.to_path_buf();
    }
    let abs = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let mut dir = abs.parent();
    while let Some(d) = dir {
        if d.join(".git").exists() || d.join(CONFIG_FILE).exists() {
            return d.to_path_buf();
        }
        dir = d.parent();
    }
    abs.parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

pub fn load(root: &Path) -> Result<Loaded> {
    load_with(root, &LoadOptions::default())
}

pub fn load_with(root: &Path, options: &LoadOptions) -> Result<Loaded> {
    for pattern in &options.exclude {
        ExcludeSet::check(pattern).map_err(|e| anyhow::anyhow!("--exclude: {e}"))?;
    }
    let meta =
        std::fs::metadata(root).with_context(|| format!("cannot open {}", root.display()))?;
    anyhow::ensure!(meta.is_dir(), "{} is not a directory", root.display());
    let mut config = match std::fs::read(root.join(CONFIG_FILE)) {
        Ok(bytes) => Config::parse(&String::from_utf8_lossy(&bytes)),
        Err(_) => Config::default(),
    };
    config.today = Some(today_utc());
    // `--exclude` and `.hublint.yaml` `exclude:` alike.
    // (`.hublint.yaml` keeps only patterns that compile; its broken ones are config errors.)
    let patterns: Vec<&String> = options.exclude.iter().chain(&config.exclude).collect();
    let exclude = ExcludeSet::new(&patterns).map_err(|e| anyhow::anyhow!("exclude: {e}"))?;
    let files: Mutex<Vec<(String, std::io::Result<Vec<u8>>)>> = Mutex::new(Vec::new());
    let warnings: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .follow_links(false)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git" && e.file_name() != "node_modules")
        .threads(2)
        .build_parallel();
    walker.run(|| {
        Box::new(|entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    warnings.lock().expect("lock").push(err.to_string());
                    return ignore::WalkState::Continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return ignore::WalkState::Continue;
            }
            let Ok(rel) = entry.path().strip_prefix(root) else {
                return ignore::WalkState::Continue;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            if !is_relevant(&rel) {
                return ignore::WalkState::Continue;
            }
            if exclude.is_excluded(&rel) {
                return ignore::WalkState::Continue;
            }
            let content = read_limited(entry.path());
            files.lock().expect("lock").push((rel, content));
            ignore::WalkState::Continue
        })
    });
    let mut ws = Workspace::new();
    let mut warnings = warnings.into_inner().expect("lock");
    for (rel, content) in files.into_inner().expect("lock") {
        match content {
            Ok(bytes) => ws.insert_bytes(&rel, bytes),
            // Vanished between listing and reading: nothing to check.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => ws.insert_unreadable(&rel, e.to_string()),
        }
    }
    add_chart_archives(root, &exclude, &mut ws);
    for err in &config.errors {
        warnings.push(err.to_string());
    }
    Ok(Loaded {
        root: root.to_path_buf(),
        ws,
        config,
        warnings,
    })
}

/// The chart files inside the `.tgz` archives of every chart's `charts/` folder, put where an
/// unpacked chart would be (an unpacked copy already there wins); an archive that cannot be
/// read is kept as unreadable, so F001 reports it.
fn add_chart_archives(root: &Path, exclude: &ExcludeSet, ws: &mut Workspace) {
    use hublint_core::workspace::join;
    let chart_dirs: Vec<String> = ws
        .files()
        .filter(|f| f.file_name() == "Chart.yaml")
        .map(|f| f.dir().to_string())
        .collect();
    for dir in chart_dirs {
        for rel in archives::archives_beside(root, &dir) {
            if exclude.is_excluded(&rel) {
                continue;
            }
            let path = root.join(&rel);
            let read = match std::fs::metadata(&path) {
                Ok(m) if m.len() > archives::MAX_ARCHIVE_BYTES => Err(format!(
                    "chart archive of {} bytes, over the {} byte limit",
                    m.len(),
                    archives::MAX_ARCHIVE_BYTES
                )),
                Ok(_) => std::fs::read(&path).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            match read.and_then(|bytes| archives::chart_files(&bytes)) {
                Ok(files) => {
                    let unpacked: Vec<bool> = files
                        .iter()
                        .map(|(chart, _, _)| ws.is_dir(&join(&dir, &format!("charts/{chart}"))))
                        .collect();
                    for ((chart, name, bytes), unpacked) in files.into_iter().zip(unpacked) {
                        if !unpacked {
                            ws.insert_bytes(&join(&dir, &format!("charts/{chart}/{name}")), bytes);
                        }
                    }
                }
                Err(reason) => ws.insert_unreadable(&rel, format!("chart archive: {reason}")),
            }
        }
    }
}

/// Today's date in UTC (`YYYY-MM-DD`), for date-based rules.
pub fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    hublint_core::config::iso_from_days((secs / 86_400) as i64)
}

/// Read a file, refusing (without reading it all) one larger than the workspace would accept.
fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let limit = hublint_core::workspace::MAX_TEXT_SIZE as u64;
    let mut buf = Vec::new();
    f.by_ref().take(limit + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        // Keep only a marker of the size; the workspace reports it as too large.
        let len = f.metadata().map(|m| m.len()).unwrap_or(limit + 1);
        return Err(std::io::Error::other(format!(
            "file is {len} bytes, over the {limit} byte limit"
        )));
    }
    Ok(buf)
}

/// Write a file atomically: a temporary file in the same directory (with the original's
/// permissions), synced, then renamed over it, so a reader (or a crash) sees either the old
/// or the new file, never half of one. Every front end that writes files uses this.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.hublint-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents)?;
        // The replacement keeps the original's mode (a values file may be group-readable).
        if let Ok(meta) = std::fs::metadata(path) {
            f.set_permissions(meta.permissions())?;
        }
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_relevant_files_respecting_gitignore() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::create_dir_all(p.join("a/b")).unwrap();
        std::fs::write(p.join(".gitignore"), "ignored.yaml\n").unwrap();
        std::fs::write(p.join("a/b/values.yaml"), "hub: {}\n").unwrap();
        std::fs::write(p.join("ignored.yaml"), "x: 1\n").unwrap();
        std::fs::write(p.join("a/Dockerfile"), "FROM x:1\n").unwrap();
        std::fs::write(p.join("a/picture.png"), [0u8, 1, 2]).unwrap();
        std::fs::write(p.join("bad.yaml"), [0x61u8, 0xff]).unwrap();
        std::fs::write(p.join(".hublint.yaml"), "ignore: [R004]\n").unwrap();
        let loaded = load(p).unwrap();
        let paths: Vec<&str> = loaded.ws.files().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                ".hublint.yaml",
                "a/Dockerfile",
                "a/b/values.yaml",
                "bad.yaml"
            ]
        );
        assert!(loaded.ws.get("bad.yaml").unwrap().text().is_none());
        assert_eq!(loaded.config.ignore, vec!["R004"]);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_do_not_trap_the_walk() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::create_dir_all(p.join("d")).unwrap();
        std::os::unix::fs::symlink(p, p.join("d/loop")).unwrap();
        std::fs::write(p.join("d/x.yaml"), "a: 1\n").unwrap();
        let loaded = load(p).unwrap();
        assert_eq!(loaded.ws.len(), 1);
    }

    #[test]
    fn atomic_write_replaces_content_and_keeps_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("v.yaml");
        std::fs::write(&f, "old").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&f, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "new");
        assert_eq!(
            std::fs::metadata(&f).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }
}
