//! chartpress 2.4's version algorithm, for image tags and chart versions alike.
//!
//! 1. C = the last commit touching the paths; if HEAD's latest reachable tag is not an
//!    ancestor of C, C = that tag's commit (right after a tag, everything moves to it).
//! 2. N = `git rev-list --count C` (all commits reachable from C, not "since the tag").
//! 3. `git describe --tags --long C`: on a tag (0 commits since) the base is the tag, and
//!    without `--long` the version is the bare tag; otherwise the base is `baseVersion`, else
//!    the tag, else `0.0.1-0.dev`.
//! 4. version = BASE + (`.git.` if BASE is a prerelease, else `-0.dev.git.`) + N + `.h` + C.

use crate::git::Git;
use anyhow::{bail, Context as _, Result};
use hublint_core::version::{chartpress_version, SemVer};
use std::collections::HashMap;

/// The base chartpress uses when no tag is reachable.
pub const DEFAULT_BASE: &str = "0.0.1-0.dev";

/// A computed version and the facts it came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Identifier {
    pub version: String,
    /// The commit the version names (abbreviated hash).
    pub commit: String,
    pub commit_count: u64,
}

/// The version chartpress would compute for `paths` (repository-relative).
pub fn identifier_for_paths(
    git: &Git,
    paths: &[String],
    long: bool,
    base_version: Option<&str>,
) -> Result<Identifier> {
    let commit = latest_commit_tagged_or_touching(git, paths)?;
    let commit_count = git.count(&commit)?;
    let described = git.describe(&commit)?;
    Ok(finish(commit, commit_count, described, long, base_version))
}

/// What one version is computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub paths: Vec<String>,
    pub long: bool,
    /// `baseVersion` as configured (`major`/`minor`/`patch` or a version); checked and
    /// completed as chartpress does.
    pub base_version: Option<String>,
}

type Joined<T> = Result<T>;

fn join<T>(h: std::thread::ScopedJoinHandle<'_, Result<T>>, what: &str) -> Joined<T> {
    h.join()
        .unwrap_or_else(|_| Err(anyhow::anyhow!("{what} panicked")))
}

/// The same versions as [`identifier_for_paths`], for many path sets at once: read
/// in-process ([`crate::history`]) when that reader can answer exactly, otherwise with
/// git processes as [`identifiers_with_git`] does.
pub fn identifiers(git: &Git, requests: &[Request]) -> Vec<Result<Identifier>> {
    identifiers_from(git, crate::history::History::open(git.top()), requests)
}

/// [`identifiers`] with the history already opened (or refused) by the caller, who may have
/// read it while doing something else.
pub fn identifiers_from(
    git: &Git,
    history: Result<crate::history::History, crate::history::Unsupported>,
    requests: &[Request],
) -> Vec<Result<Identifier>> {
    match history.and_then(|history| identifiers_in_process(git, &history, requests)) {
        Ok(done) => done,
        Err(_unsupported) => identifiers_with_git(git, requests),
    }
}

/// The algorithm of the module docs on the in-memory history; [`Unsupported`] when any
/// answer needs git.
///
/// [`Unsupported`]: crate::history::Unsupported
pub fn identifiers_in_process(
    git: &Git,
    history: &crate::history::History,
    requests: &[Request],
) -> Result<Vec<Result<Identifier>>, crate::history::Unsupported> {
    let dag = history.dag();
    let head = history.describe(0)?;
    let tagged = match &head {
        Some(h) => Some(history.tag_commit(&h.tag)?),
        None => None,
    };
    let mut commits: Vec<Result<usize>> = Vec::with_capacity(requests.len());
    for r in requests {
        commits.push(match history.last_commit_touching(&r.paths)? {
            None => Err(anyhow::anyhow!(
                "no commit touches any of {}: commit them before building",
                r.paths.join(", ")
            )),
            Some(c) => Ok(match tagged {
                Some(t) if !dag.is_ancestor(t, c) => t,
                _ => c,
            }),
        });
    }
    let mut facts: HashMap<usize, (String, u64, Option<crate::git::Described>)> = HashMap::new();
    for &c in commits.iter().flatten() {
        if facts.contains_key(&c) {
            continue;
        }
        // Without a tag reachable from HEAD, no commit in its history has one.
        let described = if head.is_some() {
            history.describe(c)?
        } else {
            None
        };
        facts.insert(c, (history.abbrev(c)?, dag.count(c), described));
    }
    // baseVersion checks read HEAD's describe through `git`: hand it over.
    git.remember_describe("HEAD", head);
    Ok(requests
        .iter()
        .zip(commits)
        .map(|(r, c)| {
            let (abbrev, commit_count, described) = facts[&c?].clone();
            let base = match &r.base_version {
                Some(b) => Some(check_or_get_base_version(git, b)?),
                None => None,
            };
            Ok(finish(
                abbrev,
                commit_count,
                described,
                r.long,
                base.as_deref(),
            ))
        })
        .collect())
}

/// The same versions as [`identifier_for_paths`], for many path sets at once, in two rounds
/// of git processes run side by side:
///
/// 1. `git log -1 -- PATHS` per request, `describe HEAD`, `rev-list --parents HEAD` (every
///    count and ancestry question is answered from it) and `for-each-ref refs/tags`;
/// 2. one `describe` of all the distinct commits, and the abbreviated hash of HEAD's tag's
///    commit when no `git log` already printed it.
pub fn identifiers_with_git(git: &Git, requests: &[Request]) -> Vec<Result<Identifier>> {
    let (head, dag, tags, touching) = std::thread::scope(|scope| {
        let head = scope.spawn(|| git.describe("HEAD"));
        let dag = scope.spawn(|| git.dag());
        let tags = scope.spawn(|| git.tag_targets());
        let logs: Vec<_> = requests
            .iter()
            .map(|r| scope.spawn(move || git.last_commit_touching(&r.paths)))
            .collect();
        let touching: Vec<Result<Option<String>>> =
            logs.into_iter().map(|h| join(h, "git log")).collect();
        (
            join(head, "git describe"),
            join(dag, "git rev-list"),
            join(tags, "git for-each-ref"),
            touching,
        )
    });
    let fail = |e: &anyhow::Error| -> Vec<Result<Identifier>> {
        requests
            .iter()
            .map(|_| Err(anyhow::anyhow!("{e:#}")))
            .collect()
    };
    let (head, dag, tags) = match (head, dag, tags) {
        (Ok(h), Ok(d), Ok(t)) => (h, d, t),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return fail(&e),
    };
    // Abbreviated hashes git printed, by commit.
    let mut abbrevs: HashMap<usize, String> = HashMap::new();
    let logged: Vec<Result<usize>> = requests
        .iter()
        .zip(touching)
        .map(|(r, t)| {
            let abbrev = t?.with_context(|| {
                format!(
                    "no commit touches any of {}: commit them before building",
                    r.paths.join(", ")
                )
            })?;
            let i = dag
                .resolve(&abbrev)
                .with_context(|| format!("commit {abbrev} is not in HEAD's history"))?;
            abbrevs.insert(i, abbrev);
            Ok(i)
        })
        .collect();
    // HEAD's latest tag and its commit.
    let tagged: Option<usize> = match &head {
        Some(h) => {
            let found = tags.get(&h.tag).and_then(|full| dag.resolve(full));
            match found {
                Some(i) => Some(i),
                // A tag of a tag, or another oddity: ask git as chartpress does.
                None => match git.tag_commit(&h.tag) {
                    Ok(abbrev) => match dag.resolve(&abbrev) {
                        Some(i) => {
                            abbrevs.insert(i, abbrev);
                            Some(i)
                        }
                        None => {
                            return fail(&anyhow::anyhow!("tag {} is not in HEAD's history", h.tag))
                        }
                    },
                    Err(e) => return fail(&e),
                },
            }
        }
        None => None,
    };
    let commits: Vec<Result<usize>> = logged
        .into_iter()
        .map(|l| {
            let c = l?;
            Ok(match tagged {
                Some(t) if !dag.is_ancestor(t, c) => t,
                _ => c,
            })
        })
        .collect();
    let mut distinct: Vec<usize> = commits.iter().flatten().copied().collect();
    distinct.sort_unstable();
    distinct.dedup();
    let need_abbrev: Vec<usize> = distinct
        .iter()
        .copied()
        .filter(|c| !abbrevs.contains_key(c))
        .collect();
    let full: Vec<String> = distinct.iter().map(|&c| dag.hash(c).to_string()).collect();
    let (described, fetched) = std::thread::scope(|scope| {
        // Without a tag reachable from HEAD, no commit in its history has one.
        let described = scope.spawn(|| -> Result<Vec<Option<crate::git::Described>>> {
            if head.is_some() {
                git.describe_many(&full)
            } else {
                Ok(vec![None; full.len()])
            }
        });
        let fetched: Vec<_> = need_abbrev
            .iter()
            .map(|&c| {
                let hash = dag.hash(c);
                scope.spawn(move || git.abbrev(hash))
            })
            .collect();
        (
            join(described, "git describe"),
            fetched
                .into_iter()
                .map(|h| join(h, "git rev-list"))
                .collect::<Vec<_>>(),
        )
    });
    let described: HashMap<usize, Option<crate::git::Described>> = match described {
        Ok(d) => distinct.iter().copied().zip(d).collect(),
        Err(e) => return fail(&e),
    };
    for (c, a) in need_abbrev.iter().zip(fetched) {
        match a {
            Ok(a) => {
                abbrevs.insert(*c, a);
            }
            Err(e) => return fail(&e),
        }
    }
    let mut counts: HashMap<usize, u64> = HashMap::new();
    requests
        .iter()
        .zip(commits)
        .map(|(r, c)| {
            let c = c?;
            let base = match &r.base_version {
                Some(b) => Some(check_or_get_base_version(git, b)?),
                None => None,
            };
            let commit_count = *counts.entry(c).or_insert_with(|| dag.count(c));
            Ok(finish(
                abbrevs[&c].clone(),
                commit_count,
                described.get(&c).cloned().flatten(),
                r.long,
                base.as_deref(),
            ))
        })
        .collect()
}

/// Steps 3 and 4 of the algorithm, from the facts about C.
fn finish(
    commit: String,
    commit_count: u64,
    described: Option<crate::git::Described>,
    long: bool,
    base_version: Option<&str>,
) -> Identifier {
    let mut n_commits = commit_count;
    let mut base = base_version.map(str::to_string);
    if let Some(described) = described {
        if described.commits_since == 0 {
            base = Some(described.tag.clone());
            if !long {
                n_commits = 0;
            }
        }
        if base.is_none() {
            base = Some(described.tag);
        }
    }
    let base = base.unwrap_or_else(|| DEFAULT_BASE.to_string());
    Identifier {
        version: chartpress_version(&base, n_commits, &commit, long),
        commit,
        commit_count,
    }
}

fn latest_commit_tagged_or_touching(git: &Git, paths: &[String]) -> Result<String> {
    let touching = git.last_commit_touching(paths)?.with_context(|| {
        format!(
            "no commit touches any of {}: commit them before building",
            paths.join(", ")
        )
    })?;
    let Some(head) = git.describe("HEAD")? else {
        return Ok(touching);
    };
    let tagged = git.tag_commit(&head.tag)?;
    if git.is_ancestor(&tagged, &touching)? {
        Ok(touching)
    } else {
        Ok(tagged)
    }
}

/// Helm 3 wants SemVer chart versions: chartpress strips a leading `v` when the rest is one.
pub fn fix_chart_version(version: &str) -> String {
    if SemVer::parse_strict(version).is_none() {
        if let Some(rest) = version.strip_prefix('v') {
            if SemVer::parse_strict(rest).is_some() {
                return rest.to_string();
            }
        }
    }
    version.to_string()
}

/// chartpress's `baseVersion` handling: `major`/`minor`/`patch` bump HEAD's latest tag (plus
/// `-0.dev`); a release gets `-0.dev` appended; the result must be SemVer and must not sort
/// before HEAD's latest tag (checked only when HEAD is not on that tag).
pub fn check_or_get_base_version(git: &Git, base_version: &str) -> Result<String> {
    let head = git.describe("HEAD")?;
    let tag_version = head.as_ref().and_then(|d| {
        SemVer::parse_strict(d.tag.trim_start_matches('v'))
            .map(|v| (v.major, v.minor, v.patch, !v.is_release()))
    });
    if matches!(base_version, "major" | "minor" | "patch") {
        let Some(head) = head else {
            return Ok(DEFAULT_BASE.to_string());
        };
        let Some((major, minor, patch, _)) = tag_version else {
            bail!(
                "baseVersion {base_version} is not valid when latest tag {} is not semver",
                head.tag
            );
        };
        if head.tag.contains('-') {
            return Ok(head.tag);
        }
        let bumped = match base_version {
            "major" => (major + 1, 0, 0),
            "minor" => (major, minor + 1, 0),
            _ => (major, minor, patch + 1),
        };
        return Ok(format!("{}.{}.{}-0.dev", bumped.0, bumped.1, bumped.2));
    }
    let base = if base_version.contains('-') {
        base_version.to_string()
    } else {
        format!("{base_version}-0.dev")
    };
    let Some(parsed) = SemVer::parse_strict(&base) else {
        bail!(
            "baseVersion: {base} must be a valid semver version (e.g. 1.2.3-0.dev), but doesn't appear to be valid."
        );
    };
    if let Some(head) = &head {
        if head.commits_since > 0 {
            if let Some((major, minor, patch, tag_is_prerelease)) = tag_version {
                let ours = (parsed.major, parsed.minor, parsed.patch);
                let theirs = (major, minor, patch);
                if ours < theirs || (ours == theirs && !tag_is_prerelease) {
                    bail!(
                        "baseVersion {base} is not greater than latest tag {}. Please update baseVersion in config.",
                        head.tag
                    );
                }
            }
        }
    }
    Ok(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_versions_lose_a_leading_v() {
        assert_eq!(fix_chart_version("v0.2.0"), "0.2.0");
        assert_eq!(fix_chart_version("vx"), "vx");
        assert_eq!(fix_chart_version("0.2.0"), "0.2.0");
    }
}
