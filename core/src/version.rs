//! Chart and image versions: semver, chartpress dev tags, and the comparison that decides
//! whether a hub image's `FROM k8s-hub:<tag>` agrees with the chart's `jupyterhub` version.
//!
//! chartpress tags dev builds `BASE + SEP + N + ".h" + HASH` where SEP is `.git.` when BASE is
//! a prerelease and `-0.dev.git.` otherwise, N counts every commit reachable from HASH (not
//! "since the tag"), and the `h` keeps the last field from being all digits.

use std::cmp::Ordering;

/// A semantic version (`X.Y.Z[-pre][+build]`, a leading `v` allowed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SemVer {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: Vec<String>,
}

impl SemVer {
    pub fn parse(s: &str) -> Option<SemVer> {
        let s = s.trim();
        let s = s.strip_prefix('v').unwrap_or(s);
        let s = s.split('+').next()?;
        let (core, pre) = match s.split_once('-') {
            Some((c, p)) => (c, Some(p)),
            None => (s, None),
        };
        let mut nums = core.split('.');
        let num = |p: Option<&str>| -> Option<u64> {
            let p = p?;
            (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        };
        let (major, minor, patch) = (num(nums.next())?, num(nums.next())?, num(nums.next())?);
        if nums.next().is_some() {
            return None;
        }
        let pre = match pre {
            Some(p) => {
                let parts: Vec<String> = p.split('.').map(str::to_string).collect();
                if parts.iter().any(|x| {
                    x.is_empty() || !x.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                }) {
                    return None;
                }
                parts
            }
            None => Vec::new(),
        };
        Some(SemVer {
            major,
            minor,
            patch,
            pre,
        })
    }

    pub fn core(&self) -> (u64, u64, u64) {
        (self.major, self.minor, self.patch)
    }

    pub fn is_release(&self) -> bool {
        self.pre.is_empty()
    }
}

impl PartialOrd for SemVer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SemVer {
    fn cmp(&self, other: &Self) -> Ordering {
        self.core().cmp(&other.core()).then_with(|| {
            match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => {
                    for (a, b) in self.pre.iter().zip(&other.pre) {
                        let ord = match (a.parse::<u64>(), b.parse::<u64>()) {
                            (Ok(x), Ok(y)) => x.cmp(&y),
                            (Ok(_), Err(_)) => Ordering::Less,
                            (Err(_), Ok(_)) => Ordering::Greater,
                            (Err(_), Err(_)) => a.cmp(b),
                        };
                        if ord != Ordering::Equal {
                            return ord;
                        }
                    }
                    self.pre.len().cmp(&other.pre.len())
                }
            }
        })
    }
}

/// The decoded parts of a chartpress dev tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartpressTag {
    /// Everything before `.git.`, e.g. `4.3.3-0.dev` or `3.0.0-beta.1`.
    pub base: String,
    /// `git rev-list --count` of the commit.
    pub count: u64,
    /// The abbreviated commit hash (without the `h`).
    pub hash: String,
}

/// Parse `BASE.git.N.hHASH` (BASE semver). `None` when the text is not shaped like one.
pub fn parse_chartpress_tag(s: &str) -> Option<ChartpressTag> {
    let i = s.rfind(".git.")?;
    let (base, rest) = (&s[..i], &s[i + 5..]);
    let (count, hash) = rest.split_once(".h")?;
    if count.is_empty() || !count.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if hash.len() < 4
        || hash.len() > 64
        || !hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return None;
    }
    SemVer::parse(base)?;
    Some(ChartpressTag {
        base: base.to_string(),
        count: count.parse().ok()?,
        hash: hash.to_string(),
    })
}

/// Why a tag that looks like a chartpress tag (it contains `.git.`) is not a valid one.
pub fn chartpress_tag_problem(s: &str) -> Option<String> {
    let i = s.rfind(".git.")?;
    let (base, rest) = (&s[..i], &s[i + 5..]);
    // chartpress puts the latest git tag (or `baseVersion`) first, whatever its form: a tag
    // such as `2024-03-rc1` or `release-7` gives `2024-03-rc1.git.12.h…`.
    let tag_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    if base.is_empty() || !base.chars().all(tag_char) {
        return Some(format!(
            "`{base}` before `.git.` is not a git tag or version"
        ));
    }
    let Some((count, hash)) = rest.split_once('.') else {
        return Some("expected `.git.<commit count>.h<commit hash>` after the version".into());
    };
    if count.is_empty() || !count.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("commit count `{count}` is not a number"));
    }
    let Some(hash) = hash.strip_prefix('h') else {
        return Some(format!("commit hash `{hash}` must start with `h`"));
    };
    if hash.len() < 7 {
        return Some(format!(
            "commit hash `{hash}` is shorter than git's 7-character abbreviation"
        ));
    }
    if !hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Some(format!(
            "commit hash `{hash}` is not lower-case hexadecimal"
        ));
    }
    None
}

/// What is known about a version string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A release or prerelease tag (`4.3.3`, `3.0.0-beta.1`).
    Tag(SemVer),
    /// A chartpress dev build.
    Dev(ChartpressTag, SemVer),
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        if let Some(t) = parse_chartpress_tag(s) {
            let base = SemVer::parse(&t.base)?;
            return Some(Kind::Dev(t, base));
        }
        SemVer::parse(s).map(Kind::Tag)
    }
    pub fn semver_core(&self) -> (u64, u64, u64) {
        match self {
            Kind::Tag(v) | Kind::Dev(_, v) => v.core(),
        }
    }
}

/// How an image's k8s-hub base tag relates to the chart's jupyterhub version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Agreement {
    Agrees,
    /// At most a note: same X.Y.Z, one side a release and the other a dev build (the offline
    /// check cannot tell which commit the chart's image was built from).
    Unverifiable(String),
    /// A warning: same release line but the image is newer than the chart, or builds from
    /// different bases.
    Suspicious(String),
    /// An error: different versions.
    Disagrees(String),
}

/// Compare `FROM k8s-hub:<image>` with chart `jupyterhub` version `<chart>` (domain rules).
pub fn compare_image_to_chart(image: &str, chart: &str) -> Agreement {
    let image_v = image.strip_prefix('v').unwrap_or(image);
    let chart_v = chart.strip_prefix('v').unwrap_or(chart);
    if image_v == chart_v {
        return Agreement::Agrees;
    }
    let (Some(i), Some(c)) = (Kind::parse(image_v), Kind::parse(chart_v)) else {
        return Agreement::Disagrees(format!(
            "image tag `{image}` and chart version `{chart}` differ"
        ));
    };
    if i.semver_core() != c.semver_core() {
        return Agreement::Disagrees(format!(
            "image tag `{image}` is not chart version `{chart}`"
        ));
    }
    match (&i, &c) {
        (Kind::Tag(_), Kind::Tag(_)) => Agreement::Disagrees(format!("image tag `{image}` is not chart version `{chart}`")),
        (Kind::Dev(it, _), Kind::Dev(ct, _)) if it.base == ct.base => {
            if it.count > ct.count {
                Agreement::Suspicious(format!(
                    "image `{image}` was built from a newer commit ({} commits) than chart `{chart}` ({} commits)",
                    it.count, ct.count
                ))
            } else if it.count == ct.count && it.hash != ct.hash {
                Agreement::Unverifiable(format!("image and chart have the same commit count but different commits ({} vs {}): builds from different branches", it.hash, ct.hash))
            } else {
                Agreement::Agrees
            }
        }
        (Kind::Dev(it, _), Kind::Dev(ct, _)) => {
            Agreement::Suspicious(format!("image is a dev build on `{}` but the chart is a dev build on `{}`", it.base, ct.base))
        }
        // FROM exactly a tag T, chart a later dev build on T.
        (Kind::Tag(_), Kind::Dev(ct, _)) if ct.base == image_v => Agreement::Agrees,
        (Kind::Tag(_), Kind::Dev(_, _)) | (Kind::Dev(_, _), Kind::Tag(_)) => Agreement::Unverifiable(format!(
            "image tag `{image}` and chart version `{chart}` share {}.{}.{} but one is a dev build; which image that chart ships can only be checked against the published chart",
            i.semver_core().0,
            i.semver_core().1,
            i.semver_core().2
        )),
    }
}

/// Whether a Chart.yaml dependency version is a range rather than one exact version.
pub fn is_version_range(v: &str) -> bool {
    let v = v.trim();
    v.is_empty()
        || v.contains(['^', '~', '>', '<', '*', '|', ' ', ','])
        || v.split(['.', '-']).any(|p| p.eq_ignore_ascii_case("x"))
        || (SemVer::parse(v).is_none()
            && parse_chartpress_tag(v).is_none()
            && !is_short_exact_version(v))
}

/// `v0.7-560a7cd`, `0.9`: helm's semver reads a missing patch as `.0`, so chartpress ≤ 0.3
/// builds (`<major.minor>-<sha>`) name one exact chart.
fn is_short_exact_version(v: &str) -> bool {
    let v = v.strip_prefix('v').unwrap_or(v);
    let (core, pre) = match v.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (v, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && pre.is_none_or(|p| {
            !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chartpress_tags_from_any_git_tag_are_well_formed() {
        // git tags with `-` that are not semver: chartpress appends `.git.N.h<sha>`.
        assert_eq!(chartpress_tag_problem("2024-03-rc1.git.12.h1a2b3c4"), None);
        assert_eq!(chartpress_tag_problem("release-7.git.3.habcdef0"), None);
        assert_eq!(chartpress_tag_problem("v0.2.0-beta.git.5.h1234567"), None);
        assert!(chartpress_tag_problem("a b.git.5.h1234567").is_some());
        assert!(chartpress_tag_problem(".git.5.h1234567").is_some());
    }

    #[test]
    fn old_chartpress_versions_are_exact() {
        assert!(!is_version_range("v0.7-560a7cd"));
        assert!(!is_version_range("0.9"));
        assert!(is_version_range("0.9.x"));
        assert!(is_version_range("~0.7"));
    }

    #[test]
    fn parses_chartpress_tags() {
        let t = parse_chartpress_tag("0.0.1-0.dev.git.16609.hb23fbd448").unwrap();
        assert_eq!(
            (t.base.as_str(), t.count, t.hash.as_str()),
            ("0.0.1-0.dev", 16609, "b23fbd448")
        );
        let t = parse_chartpress_tag("1.0.0-alpha.1.git.5.habc1234").unwrap();
        assert_eq!(t.base, "1.0.0-alpha.1");
        assert!(parse_chartpress_tag("4.3.3").is_none());
        assert!(parse_chartpress_tag("1.1.3-n416.h2541a732").is_none());
        assert!(chartpress_tag_problem("0.0.1-0.dev.git.12.b23fbd4")
            .unwrap()
            .contains("must start with `h`"));
        assert!(chartpress_tag_problem("0.0.1-0.dev.git.12.hB23FBD4")
            .unwrap()
            .contains("hexadecimal"));
        assert!(chartpress_tag_problem("0.0.1-0.dev.git.x.habcdef1")
            .unwrap()
            .contains("not a number"));
        assert!(chartpress_tag_problem("0.0.1-0.dev.git.16609.hb23fbd448").is_none());
    }

    #[test]
    fn semver_order() {
        let v = |s| SemVer::parse(s).unwrap();
        assert!(v("3.0.0-beta.1") < v("3.0.0"));
        assert!(v("3.0.0-beta.2") < v("3.0.0-beta.10"));
        assert!(v("4.3.3-0.dev") < v("4.3.3"));
        assert!(v("4.0.0") < v("4.3.3-0.dev"));
        assert!(SemVer::parse("4.3").is_none());
    }

    /// The real pairs of domain.md §2 and §8.
    #[test]
    fn image_chart_agreement() {
        use Agreement::*;
        assert_eq!(compare_image_to_chart("4.3.3", "4.3.3"), Agrees);
        assert!(matches!(
            compare_image_to_chart("3.3.7", "3.2.1"),
            Disagrees(_)
        ));
        assert!(matches!(
            compare_image_to_chart("4.0.0", "4.3.3-0.dev.git.7272.h2ff70453"),
            Disagrees(_)
        ));
        assert_eq!(
            compare_image_to_chart(
                "4.3.3-0.dev.git.7263.h1d8bfb12",
                "4.3.3-0.dev.git.7272.h2ff70453"
            ),
            Agrees
        );
        assert_eq!(
            compare_image_to_chart(
                "2.0.1-0.dev.git.5840.h71ad2287",
                "2.0.1-0.dev.git.5850.he4dbf6c8"
            ),
            Agrees
        );
        assert!(matches!(
            compare_image_to_chart(
                "4.3.3-0.dev.git.7300.h1d8bfb12",
                "4.3.3-0.dev.git.7272.h2ff70453"
            ),
            Suspicious(_)
        ));
        assert_eq!(
            compare_image_to_chart("3.0.0-beta.1", "3.0.0-beta.1.git.6208.h7b44299a"),
            Agrees
        );
        assert!(matches!(
            compare_image_to_chart("4.3.3", "4.3.3-0.dev.git.7272.h2ff70453"),
            Unverifiable(_)
        ));
        assert!(matches!(
            compare_image_to_chart("3.0.0-beta.1", "3.0.0"),
            Disagrees(_)
        ));
    }

    #[test]
    fn ranges() {
        for r in [
            "^4.0.0",
            "~4.3",
            ">=4.0.0 <5",
            "4.x",
            "*",
            "4.3.3 || 4.3.4",
            "",
        ] {
            assert!(is_version_range(r), "{r}");
        }
        for v in ["4.3.3", "4.3.3-0.dev.git.7272.h2ff70453", "3.0.0-beta.1"] {
            assert!(!is_version_range(v), "{v}");
        }
    }
}
