//! Semantic versions, just enough to pick the jupyterhub chart release whose schema applies
//! to a version written in a Chart.yaml (`4.3.3`, `4.3.3-0.dev.git.7272.h2ff70453`,
//! `3.0.0-beta.1`).

use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    /// Dot-separated prerelease identifiers (`0`, `dev`, `git`, `7272`, `h2ff70453`).
    pub pre: Vec<String>,
}

impl Version {
    /// `X.Y.Z[-pre][+build]`, with an optional leading `v`. Build metadata is ignored, as
    /// semver says.
    pub fn parse(text: &str) -> Option<Version> {
        let text = text.trim();
        let text = text.strip_prefix('v').unwrap_or(text);
        let text = text.split_once('+').map_or(text, |(v, _)| v);
        let (core, pre) = match text.split_once('-') {
            Some((c, p)) => (c, Some(p)),
            None => (text, None),
        };
        let mut parts = core.split('.');
        let mut num = || -> Option<u64> {
            let p = parts.next()?;
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            p.parse().ok()
        };
        let (major, minor, patch) = (num()?, num()?, num()?);
        if parts.next().is_some() {
            return None;
        }
        let pre = match pre {
            Some(p) => {
                let ids: Vec<String> = p.split('.').map(str::to_string).collect();
                if ids.iter().any(|i| i.is_empty()) {
                    return None;
                }
                ids
            }
            None => Vec::new(),
        };
        Some(Version {
            major,
            minor,
            patch,
            pre,
        })
    }

    pub fn is_release(&self) -> bool {
        self.pre.is_empty()
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre.join("."))?;
        }
        Ok(())
    }
}

fn cmp_identifier(a: &str, b: &str) -> Ordering {
    let num = |s: &str| {
        (!s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse::<u128>().ok())
            .flatten()
    };
    match (num(a), num(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        // Numeric identifiers sort before alphanumeric ones.
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                // A prerelease sorts before its release.
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => {
                    for (a, b) in self.pre.iter().zip(&other.pre) {
                        match cmp_identifier(a, b) {
                            Ordering::Equal => continue,
                            o => return o,
                        }
                    }
                    self.pre.len().cmp(&other.pre.len())
                }
            })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// How a written version maps to a known release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match<'r> {
    Exact(&'r str),
    /// Not a known release: the nearest known release before it.
    Older(&'r str),
    /// Before every known release.
    TooOld,
    /// Not a semantic version.
    Unparsable,
}

/// Pick the release for `wanted` among `releases` (plain `X.Y.Z` strings).
pub fn nearest_release<'r>(wanted: &str, releases: &[&'r str]) -> Match<'r> {
    let known = Releases::parse(releases.iter().copied());
    let listed = |r: &str| *releases.iter().find(|x| **x == r).expect("from the list");
    match known.nearest(wanted) {
        Match::Exact(r) => Match::Exact(listed(r)),
        Match::Older(r) => Match::Older(listed(r)),
        Match::TooOld => Match::TooOld,
        Match::Unparsable => Match::Unparsable,
    }
}

/// A list of known releases parsed once, for the many look-ups of one check (every hub asks
/// for its chart's schema and kubespawner release).
#[derive(Debug, Default)]
pub struct Releases {
    parsed: Vec<(Version, String)>,
}

impl Releases {
    /// The releases that are semantic versions (others can never match).
    pub fn parse<'s>(names: impl IntoIterator<Item = &'s str>) -> Releases {
        Releases {
            parsed: names
                .into_iter()
                .filter_map(|r| Some((Version::parse(r)?, r.to_string())))
                .collect(),
        }
    }

    /// The release for `wanted`: itself if known, else the nearest older one.
    pub fn nearest(&self, wanted: &str) -> Match<'_> {
        let Some(want) = Version::parse(wanted) else {
            return Match::Unparsable;
        };
        let mut best: Option<&(Version, String)> = None;
        for entry in &self.parsed {
            let (v, r) = entry;
            if *v == want {
                return Match::Exact(r);
            }
            if *v < want && best.is_none_or(|(b, _)| v > b) {
                best = Some(entry);
            }
        }
        match best {
            Some((_, r)) => Match::Older(r),
            None => Match::TooOld,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semver_ordering() {
        let v = |s| Version::parse(s).unwrap();
        assert!(v("4.3.3-0.dev.git.7272.h2ff70453") < v("4.3.3"));
        assert!(v("4.3.3-0.dev.git.7272.h2ff70453") > v("4.3.2"));
        assert!(v("4.3.3-0.dev.git.7272.h2ff70453") > v("4.3.3-0.dev.git.7263.h1d8bfb12"));
        assert!(v("3.0.0-beta.1") < v("3.0.0-beta.3"));
        assert!(v("3.0.0-alpha.1") < v("3.0.0-beta.1"));
        assert!(v("1.0.0-1") < v("1.0.0-alpha"));
        assert!(v("1.0.0-alpha") < v("1.0.0-alpha.1"));
        assert_eq!(v("v4.0.0+build.5"), v("4.0.0"));
        assert!(Version::parse("4.3").is_none());
        assert!(Version::parse("4.3.x").is_none());
        assert!(Version::parse("4.3.3-").is_none());
        assert!(Version::parse("").is_none());
    }

    #[test]
    fn nearest_release_picks_the_older_neighbour() {
        let rel = ["3.0.0", "3.3.8", "4.3.2", "4.3.3", "4.4.0"];
        assert_eq!(nearest_release("4.3.3", &rel), Match::Exact("4.3.3"));
        assert_eq!(
            nearest_release("4.3.3-0.dev.git.7272.h2ff70453", &rel),
            Match::Older("4.3.2")
        );
        assert_eq!(nearest_release("4.0.0-beta.1", &rel), Match::Older("3.3.8"));
        assert_eq!(nearest_release("9.1.0", &rel), Match::Older("4.4.0"));
        assert_eq!(nearest_release("2.0.0", &rel), Match::TooOld);
        assert_eq!(nearest_release("latest", &rel), Match::Unparsable);
    }
}
