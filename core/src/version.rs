//! Chart and image versions: semver, chartpress dev tags, and the comparison that decides
//! whether a hub image's `FROM k8s-hub:<tag>` agrees with the chart's `jupyterhub` version.
//!
//! chartpress tags dev builds `BASE + SEP + N + ".h" + HASH` where SEP is `.git.` when BASE is
//! a prerelease and `-0.dev.git.` otherwise, N counts every commit reachable from HASH (not
//! "since the tag"), and the `h` keeps the last field from being all digits.

use std::cmp::Ordering;

/// A semantic version `X.Y.Z[-pre][+build]`, ordered as SemVer 2.0.0 orders versions
/// (build metadata ignored; a prerelease before its release; numeric identifiers by value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SemVer {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    /// Dot-separated prerelease identifiers (`0`, `dev`, `git`, `7272`, `h2ff70453`).
    pub pre: Vec<String>,
}

impl SemVer {
    /// As versions are written in the wild: surrounding space and a leading `v` allowed,
    /// build metadata dropped unchecked, leading zeros accepted.
    pub fn parse(text: &str) -> Option<SemVer> {
        let text = text.trim();
        let text = text.strip_prefix('v').unwrap_or(text);
        let text = text.split_once('+').map_or(text, |(v, _)| v);
        Self::parse_parts(text, false)
    }

    /// Strict SemVer 2.0.0, as Helm and chartpress's regular expression want it: no `v`, no
    /// leading zeros in numbers, build metadata of `[0-9A-Za-z-]` identifiers.
    pub fn parse_strict(text: &str) -> Option<SemVer> {
        let (rest, build) = match text.split_once('+') {
            Some((r, b)) => (r, Some(b)),
            None => (text, None),
        };
        if build.is_some_and(|b| !b.split('.').all(|i| identifier_ok(i, false))) {
            return None;
        }
        Self::parse_parts(rest, true)
    }

    fn parse_parts(text: &str, strict: bool) -> Option<SemVer> {
        let (core, pre) = match text.split_once('-') {
            Some((c, p)) => (c, Some(p)),
            None => (text, None),
        };
        let mut nums = core.split('.');
        let mut num = || -> Option<u64> {
            let p = nums.next()?;
            let digits = !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
            if !digits || (strict && p.len() > 1 && p.starts_with('0')) {
                return None;
            }
            p.parse().ok()
        };
        let (major, minor, patch) = (num()?, num()?, num()?);
        if nums.next().is_some() {
            return None;
        }
        let pre = match pre {
            Some(p) => {
                let ids: Vec<String> = p.split('.').map(str::to_string).collect();
                if !ids.iter().all(|i| identifier_ok(i, strict)) {
                    return None;
                }
                ids
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

/// A prerelease or build identifier: `[0-9A-Za-z-]+`; numeric prerelease identifiers
/// without leading zeros when `no_leading_zero`.
fn identifier_ok(id: &str, no_leading_zero: bool) -> bool {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return false;
    }
    !(no_leading_zero && id.len() > 1 && id.starts_with('0') && is_numeric(id))
}

fn is_numeric(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
}

/// Numeric identifiers compare by value (any length), sort before alphanumeric ones, and
/// alphanumeric ones compare as ASCII.
fn cmp_identifier(a: &str, b: &str) -> Ordering {
    match (is_numeric(a), is_numeric(b)) {
        (true, true) => {
            let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
            a.len().cmp(&b.len()).then_with(|| a.cmp(b))
        }
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.cmp(b),
    }
}

impl std::fmt::Display for SemVer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre.join("."))?;
        }
        Ok(())
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
                        match cmp_identifier(a, b) {
                            Ordering::Equal => continue,
                            o => return o,
                        }
                    }
                    self.pre.len().cmp(&other.pre.len())
                }
            }
        })
    }
}

/// chartpress's version for a build `n_commits` after `base` at `commit`: the base, a
/// separator, N, `.h` and the hash; or the bare base when N is 0 and not `long`. A prerelease base gets
/// more dot fields (`.git.`); a release base starts a `-0.dev` prerelease (`-0.dev.git.`) so
/// that the build sorts before the release.
pub fn chartpress_version(base: &str, n_commits: u64, commit: &str, long: bool) -> String {
    if n_commits > 0 || long {
        let sep = if base.contains('-') {
            ".git"
        } else {
            "-0.dev.git"
        };
        format!("{base}{sep}.{n_commits}.h{commit}")
    } else {
        base.to_string()
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
    fn semver_ordering() {
        let v = |s| SemVer::parse(s).unwrap();
        assert!(v("4.3.3-0.dev.git.7272.h2ff70453") < v("4.3.3"));
        assert!(v("4.3.3-0.dev.git.7272.h2ff70453") > v("4.3.2"));
        assert!(v("4.3.3-0.dev.git.7272.h2ff70453") > v("4.3.3-0.dev.git.7263.h1d8bfb12"));
        assert!(v("3.0.0-beta.1") < v("3.0.0-beta.3"));
        assert!(v("3.0.0-alpha.1") < v("3.0.0-beta.1"));
        assert!(v("1.0.0-1") < v("1.0.0-alpha"));
        assert!(v("1.0.0-alpha") < v("1.0.0-alpha.1"));
        assert!(v("1.0.0-9") < v("1.0.0-10"));
        assert!(v("1.0.0-99999999999999999999998") < v("1.0.0-99999999999999999999999"));
        assert_eq!(v("v4.0.0+build.5"), v("4.0.0"));
        assert_eq!(v("4.3.3-0.dev").to_string(), "4.3.3-0.dev");
        for bad in ["4.3", "4.3.x", "4.3.3-", "", "1.2.3-a..b", "1.2.3-a_b"] {
            assert!(SemVer::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn strict_semver_follows_the_spec() {
        for ok in [
            "1.2.3",
            "1.2.3-0.dev.git.5.habc",
            "1.2.3-alpha.1+build.5",
            "0.0.0",
        ] {
            assert!(SemVer::parse_strict(ok).is_some(), "{ok}");
        }
        for bad in [
            "01.2.3",
            "1.2",
            "1.2.3-01",
            "1.2.3-",
            "v1.2.3",
            "1.2.3+",
            "1.2.3+a_b",
            " 1.2.3",
        ] {
            assert!(SemVer::parse_strict(bad).is_none(), "{bad}");
        }
        // Lenient reading takes what strict refuses, as written in the wild.
        assert!(SemVer::parse("v01.2.3").is_some());
    }

    #[test]
    fn chartpress_versions() {
        for (base, n, commit, long, want) in [
            (
                "0.0.1-0.dev",
                2,
                "537f709",
                false,
                "0.0.1-0.dev.git.2.h537f709",
            ),
            ("0.1.0", 5, "3e7e978", false, "0.1.0-0.dev.git.5.h3e7e978"),
            (
                "1.0.0-alpha.1",
                5,
                "abc1234",
                false,
                "1.0.0-alpha.1.git.5.habc1234",
            ),
            ("0.1.0", 0, "549a8a9", false, "0.1.0"),
            ("0.1.0", 4, "549a8a9", true, "0.1.0-0.dev.git.4.h549a8a9"),
            ("0.1.0", 0, "549a8a9", true, "0.1.0-0.dev.git.0.h549a8a9"),
        ] {
            assert_eq!(chartpress_version(base, n, commit, long), want);
        }
        // What chartpress writes, core reads back.
        let t = parse_chartpress_tag(&chartpress_version("0.1.0", 5, "3e7e978", false)).unwrap();
        assert_eq!(
            (t.base.as_str(), t.count, t.hash.as_str()),
            ("0.1.0-0.dev", 5, "3e7e978")
        );
    }

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
