//! When each values file started selecting an experimental image, read from git in-process
//! (gitoxide), for X001. Core gets plain facts ([`ExperimentStart`]) and reads no git.
//!
//! For every (file, image) pair where the file names the image at HEAD, the walk follows
//! HEAD's first parents while the file keeps naming it; the oldest commit of that unbroken run
//! is the one that made it so (on a merge-based history, the merge that brought the change to
//! the main line). A file's blob is read once however many commits share it.

use gix::hash::ObjectId;
use gix::objs::tree::EntryKind;
use hublint_core::config::iso_from_days;
use hublint_core::experiment_history::{experimental_image_names, ExperimentStart};
use hublint_core::model::RepoModel;
use hublint_core::{Config, Workspace};
use std::collections::HashMap;
use std::path::Path;

/// Past this many first-parent commits the walk stops, and the oldest commit reached counts
/// as the start (an experiment that old is overdue whatever its true start).
const MAX_COMMITS: usize = 20_000;

/// Whether `text` names `image` outside a comment: not as part of a longer name (a tag or
/// digest may follow).
pub fn names_image(text: &str, image: &str) -> bool {
    if image.is_empty() {
        return false;
    }
    let in_name = |c: char| c.is_ascii_alphanumeric() || "._-/".contains(c);
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .any(|line| {
            let code = line.split(" #").next().unwrap_or(line);
            code.match_indices(image).any(|(at, _)| {
                let before = code[..at].chars().next_back();
                let after = code[at + image.len()..].chars().next();
                !before.is_some_and(in_name) && !after.is_some_and(in_name)
            })
        })
}

/// The (file, image) pairs to look up: every YAML file but the chartpress configs whose text
/// names an experimental image.
pub fn candidates(ws: &Workspace, model: &RepoModel, images: &[String]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let chartpress = |path: &str| model.chartpress.iter().any(|c| c.file == path);
    for file in ws.files().filter(|f| f.is_yaml() && !chartpress(&f.path)) {
        let Some(text) = file.text() else { continue };
        for image in images {
            if text.contains(image.as_str()) && names_image(text, image) {
                out.push((file.path.clone(), image.clone()));
            }
        }
    }
    out
}

/// The facts X001 needs for the workspace loaded from `root` (the repository's top or a
/// folder in it; paths stay relative to `root`): empty when there is no experimental image,
/// no git repository, or its history cannot be read (X001 then relies on `since:` alone).
pub fn for_repository(
    root: &Path,
    ws: &Workspace,
    model: &RepoModel,
    config: &Config,
) -> Vec<ExperimentStart> {
    let images = experimental_image_names(model, config);
    if images.is_empty() {
        return Vec::new();
    }
    let pairs = candidates(ws, model, &images);
    if pairs.is_empty() {
        return Vec::new();
    }
    let Some((top, prefix)) = git_top(root) else {
        return Vec::new();
    };
    let in_repo: Vec<(String, String)> = pairs
        .iter()
        .map(|(f, i)| (format!("{prefix}{f}"), i.clone()))
        .collect();
    let mut found = starts(&top, &in_repo).unwrap_or_default();
    for s in &mut found {
        s.file = s.file[prefix.len()..].to_string();
    }
    found
}

/// [`for_repository`] for a front end that has not built the model.
pub fn for_workspace(root: &Path, ws: &Workspace, config: &Config) -> Vec<ExperimentStart> {
    if git_top(root).is_none() {
        return Vec::new();
    }
    ws.parse_all();
    let model = RepoModel::build(ws, config);
    for_repository(root, ws, &model, config)
}

/// The git work tree holding `root`, and `root`'s path in it (`""` or ending in `/`).
pub fn git_top(root: &Path) -> Option<(std::path::PathBuf, String)> {
    let abs = root.canonicalize().ok()?;
    let top = abs.ancestors().find(|d| d.join(".git").exists())?;
    let rel = abs.strip_prefix(top).ok()?;
    let mut prefix: String = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect::<Vec<_>>()
        .join("/");
    if !prefix.is_empty() {
        prefix.push('/');
    }
    Some((top.to_path_buf(), prefix))
}

/// HEAD's commit id of the repository holding `root`, for caching the facts per commit.
pub fn head_commit(root: &Path) -> Option<String> {
    let (top, _) = git_top(root)?;
    let repo = gix::open(top).ok()?;
    Some(repo.head_id().ok()?.detach().to_string())
}

struct Reader {
    repo: gix::Repository,
}

impl Reader {
    fn object(&self, id: ObjectId, kind: gix::objs::Kind) -> Result<Vec<u8>, String> {
        let object = self.repo.find_object(id).map_err(|e| e.to_string())?;
        if object.kind != kind {
            return Err(format!("{id} is a {}, not a {kind}", object.kind));
        }
        Ok(object.data.clone())
    }

    /// The blob at `path` (components) in `tree`, or None.
    fn blob_at(&self, mut tree: ObjectId, path: &[&str]) -> Result<Option<ObjectId>, String> {
        for (n, name) in path.iter().enumerate() {
            let data = self.object(tree, gix::objs::Kind::Tree)?;
            let mut found = None;
            for entry in gix::objs::TreeRefIter::from_bytes(&data, gix::hash::Kind::Sha1) {
                let entry = entry.map_err(|e| e.to_string())?;
                if entry.filename == name.as_bytes() {
                    found = Some((entry.mode.kind(), entry.oid.to_owned()));
                    break;
                }
            }
            match found {
                Some((EntryKind::Tree, id)) if n + 1 < path.len() => tree = id,
                Some((EntryKind::Blob | EntryKind::BlobExecutable, id)) if n + 1 == path.len() => {
                    return Ok(Some(id))
                }
                _ => return Ok(None),
            }
        }
        Ok(None)
    }
}

/// For each (file, image) pair, the commit that made the committed file name the image.
/// Pairs that HEAD's version of the file does not name (an uncommitted change) get none.
pub fn starts(top: &Path, pairs: &[(String, String)]) -> Result<Vec<ExperimentStart>, String> {
    let mut repo = gix::open(top).map_err(|e| e.to_string())?;
    repo.objects.refresh_never();
    if repo.object_hash() != gix::hash::Kind::Sha1 {
        return Err("not a SHA-1 repository".into());
    }
    let head = repo.head_id().map_err(|e| e.to_string())?.detach();
    let reader = Reader { repo };
    let paths: Vec<Vec<&str>> = pairs
        .iter()
        .map(|(file, _)| file.split('/').collect())
        .collect();
    // The oldest commit (and its committer time) seen naming the image, per pair; `open`
    // pairs are still being followed.
    let mut oldest: Vec<Option<(ObjectId, u64)>> = vec![None; pairs.len()];
    let mut open: Vec<bool> = vec![true; pairs.len()];
    let mut names_cache: HashMap<(ObjectId, usize), bool> = HashMap::new();
    let mut current = Some(head);
    let mut walked = 0;
    while let Some(id) = current.filter(|_| open.contains(&true) && walked < MAX_COMMITS) {
        let data = reader.object(id, gix::objs::Kind::Commit)?;
        let commit = gix::objs::CommitRef::from_bytes(&data, gix::hash::Kind::Sha1)
            .map_err(|e| e.to_string())?;
        let seconds = commit
            .committer()
            .map_err(|e| e.to_string())?
            .seconds()
            .max(0) as u64;
        let tree = commit.tree();
        for (i, (_, image)) in pairs.iter().enumerate() {
            if !open[i] {
                continue;
            }
            let named = match reader.blob_at(tree, &paths[i])? {
                Some(blob) => match names_cache.get(&(blob, i)) {
                    Some(hit) => *hit,
                    None => {
                        let bytes = reader.object(blob, gix::objs::Kind::Blob)?;
                        let hit = names_image(&String::from_utf8_lossy(&bytes), image);
                        names_cache.insert((blob, i), hit);
                        hit
                    }
                },
                None => false,
            };
            if named {
                oldest[i] = Some((id, seconds));
            } else {
                open[i] = false;
            }
        }
        current = commit.parents().next();
        walked += 1;
    }
    let mut out = Vec::new();
    for ((file, image), found) in pairs.iter().zip(oldest) {
        let Some((id, seconds)) = found else { continue };
        out.push(ExperimentStart {
            file: file.clone(),
            image: image.clone(),
            commit: abbreviate(&reader.repo, id),
            date: iso_from_days((seconds / 86_400) as i64),
        });
    }
    Ok(out)
}

fn abbreviate(repo: &gix::Repository, id: ObjectId) -> String {
    use gix::prelude::ObjectIdExt as _;
    id.attach(repo)
        .shorten()
        .map(|p| p.to_string())
        .unwrap_or_else(|_| id.to_hex_with_len(9).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_matched_whole_and_outside_comments() {
        let img = "quay.io/2i2c/experimental-hub";
        assert!(names_image(
            "    name: quay.io/2i2c/experimental-hub\n",
            img
        ));
        assert!(names_image(
            "image: \"quay.io/2i2c/experimental-hub:1.0\"\n",
            img
        ));
        assert!(names_image(
            "image: quay.io/2i2c/experimental-hub@sha256:ab\n",
            img
        ));
        assert!(!names_image("name: quay.io/2i2c/experimental-hub2\n", img));
        assert!(!names_image("name: x/quay.io/2i2c/experimental-hub\n", img));
        assert!(!names_image(
            "  # name: quay.io/2i2c/experimental-hub\n",
            img
        ));
        assert!(!names_image(
            "name: other # was quay.io/2i2c/experimental-hub\n",
            img
        ));
        assert!(!names_image("", img) && !names_image("x", ""));
    }
}
