//! Picking the jupyterhub chart release whose schema applies to a version written in a
//! Chart.yaml (`4.3.3`, `4.3.3-0.dev.git.7272.h2ff70453`, `3.0.0-beta.1`), in semver order.

use crate::version::SemVer;

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
    parsed: Vec<(SemVer, String)>,
}

impl Releases {
    /// The releases that are semantic versions (others can never match).
    pub fn parse<'s>(names: impl IntoIterator<Item = &'s str>) -> Releases {
        Releases {
            parsed: names
                .into_iter()
                .filter_map(|r| Some((SemVer::parse(r)?, r.to_string())))
                .collect(),
        }
    }

    /// The release for `wanted`: itself if known, else the nearest older one.
    pub fn nearest(&self, wanted: &str) -> Match<'_> {
        let Some(want) = SemVer::parse(wanted) else {
            return Match::Unparsable;
        };
        let mut best: Option<&(SemVer, String)> = None;
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
