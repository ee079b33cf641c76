//! Path globs as `.hublint.yaml` and `--exclude` write them, matched with `globset` (linear
//! time: it compiles a glob to a regular expression, so `*a*a*…b` cannot backtrack) and
//! checked when read, so a broken glob is reported instead of silently matching nothing.
//!
//! Two meanings:
//! - [`PathGlob`] (`per-path-ignores`, `values`): a glob over the whole repository-relative
//!   path, `*` and `?` within one segment, `**` any number of segments; a glob without `/`
//!   matches the file name at any depth.
//! - [`ExcludeSet`] (`exclude:`, `--exclude`): gitignore patterns — see its docs.

use std::fmt;

/// A glob that cannot be compiled, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobError {
    pub pattern: String,
    pub reason: String,
}

impl fmt::Display for GlobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid glob `{}`: {}", self.pattern, self.reason)
    }
}

impl std::error::Error for GlobError {}

fn compile(pattern: &str, glob: &str) -> Result<globset::GlobMatcher, GlobError> {
    globset::GlobBuilder::new(glob)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| GlobError {
            pattern: pattern.to_string(),
            reason: e.kind().to_string(),
        })
}

/// `a//b/` → `a/b`, `./a` → `a`: the segments, as the paths hublint holds are written.
fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty() && *s != ".")
}

fn normalized(path: &str) -> String {
    segments(path).collect::<Vec<_>>().join("/")
}

/// A glob over a repository-relative path (see the module docs).
#[derive(Debug, Clone)]
pub struct PathGlob {
    text: String,
    /// Without `/`, the glob matches the last segment (the file name) only.
    name_only: bool,
    matcher: globset::GlobMatcher,
}

impl PathGlob {
    pub fn new(text: &str) -> Result<PathGlob, GlobError> {
        let name_only = !text.contains('/');
        Ok(PathGlob {
            text: text.to_string(),
            name_only,
            matcher: compile(text, &normalized(text))?,
        })
    }

    /// The glob as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn is_match(&self, path: &str) -> bool {
        if self.name_only {
            segments(path)
                .last()
                .is_some_and(|name| self.matcher.is_match(name))
        } else {
            self.matcher.is_match(normalized(path))
        }
    }
}

impl PartialEq for PathGlob {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl fmt::Display for PathGlob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[derive(Debug, Clone)]
struct ExcludePattern {
    matcher: globset::GlobMatcher,
    /// A leading `!`: the pattern puts back what an earlier one left out.
    negated: bool,
    /// A trailing `/`: folders only.
    dir_only: bool,
    /// Holds a `/` (other than a trailing one): matched against the path from the root,
    /// else against each file or folder name.
    anchored: bool,
}

/// Gitignore patterns leaving files out of every check: a pattern without `/` (but a
/// trailing one) matches a file or folder name at any depth (`templates`); one with `/` is
/// relative to the root (`/deploy/old`, `history/**`); a trailing `/` matches folders only;
/// `!` puts back what an earlier pattern left out, except below a folder left out (as git
/// does). A folder left out leaves out everything below it.
#[derive(Debug, Clone, Default)]
pub struct ExcludeSet {
    patterns: Vec<ExcludePattern>,
}

impl ExcludeSet {
    /// Compiles every pattern; the first broken one is the error.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<ExcludeSet, GlobError> {
        let patterns = patterns
            .iter()
            .filter_map(|p| ExcludePattern::new(p.as_ref()).transpose())
            .collect::<Result<_, _>>()?;
        Ok(ExcludeSet { patterns })
    }

    /// Checks one pattern as [`ExcludeSet::new`] would read it.
    pub fn check(pattern: &str) -> Result<(), GlobError> {
        ExcludePattern::new(pattern).map(|_| ())
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether the file at `path` (repository-relative) is left out.
    pub fn is_excluded(&self, path: &str) -> bool {
        if self.patterns.is_empty() {
            return false;
        }
        let segments: Vec<&str> = segments(path).collect();
        let mut prefix = String::with_capacity(path.len());
        for (i, name) in segments.iter().enumerate() {
            if i > 0 {
                prefix.push('/');
            }
            prefix.push_str(name);
            let is_dir = i + 1 < segments.len();
            // The last pattern that matches decides, as in .gitignore.
            let decided = self
                .patterns
                .iter()
                .rev()
                .find(|p| p.matches(&prefix, name, is_dir));
            if decided.is_some_and(|p| !p.negated) {
                return true;
            }
        }
        false
    }
}

impl ExcludePattern {
    /// `None` for a pattern that matches nothing (empty, `/`, a lone `!`).
    fn new(pattern: &str) -> Result<Option<ExcludePattern>, GlobError> {
        let (negated, body) = match pattern.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, pattern),
        };
        let dir_only = body.ends_with('/');
        let body = body.trim_end_matches('/');
        let anchored = body.contains('/');
        let glob = normalized(body);
        if glob.is_empty() {
            return Ok(None);
        }
        Ok(Some(ExcludePattern {
            matcher: compile(pattern, &glob)?,
            negated,
            dir_only,
            anchored,
        }))
    }

    fn matches(&self, prefix: &str, name: &str, is_dir: bool) -> bool {
        if self.dir_only && !is_dir {
            return false;
        }
        self.matcher
            .is_match(if self.anchored { prefix } else { name })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glob(p: &str, path: &str) -> bool {
        PathGlob::new(p).unwrap().is_match(path)
    }

    fn ex(p: &[&str], path: &str) -> bool {
        ExcludeSet::new(p).unwrap().is_excluded(path)
    }

    #[test]
    fn path_globs() {
        assert!(glob("**/*.values.yaml", "a/b/c.values.yaml"));
        assert!(glob("**/*.values.yaml", "c.values.yaml"));
        assert!(glob("*.values.yaml", "a/b/c.values.yaml"));
        assert!(glob("a/*/c.yaml", "a/b/c.yaml"));
        assert!(!glob("a/*/c.yaml", "a/b/d/c.yaml"));
        assert!(glob("a/**", "a/b/d/c.yaml"));
        assert!(glob("./deploy/*.yaml", "deploy/a.yaml"));
        assert!(glob("config/**", "config/clusters/a/b.values.yaml"));
        assert!(!glob("config/**", "other/b.values.yaml"));
        assert!(glob("a/b?.yaml", "a/b1.yaml"));
        assert!(!glob("a?b", "a/b"));
        assert!(glob("hubs/[ps]*.yaml", "hubs/prod.yaml"));
    }

    #[test]
    fn gitignore_exclusion() {
        assert!(ex(&["templates"], "hub/templates/x.yaml"));
        assert!(ex(&["templates"], "templates"));
        assert!(!ex(&["templates"], "hub/templates.yaml"));
        assert!(ex(&["templates/"], "a/templates/x.yaml"));
        assert!(!ex(&["templates/"], "a/templates"));
        assert!(ex(&["/deploy/old"], "deploy/old/a.yaml"));
        assert!(!ex(&["/deploy/old"], "x/deploy/old/a.yaml"));
        assert!(ex(&["deploy/*.yaml"], "deploy/a.yaml"));
        assert!(ex(&["history/**"], "history/abc/x.yaml"));
        assert!(ex(&["./history/**"], "history/abc/x.yaml"));
        assert!(ex(&["*.tpl.yaml"], "a/b/c.tpl.yaml"));
        assert!(!ex(&[], "a/b/c.tpl.yaml"));
    }

    #[test]
    fn negation_puts_files_back_but_not_below_an_excluded_folder() {
        let set = ["*.yaml", "!keep.yaml"];
        assert!(ex(&set, "a/drop.yaml"));
        assert!(!ex(&set, "a/keep.yaml"));
        let set = ["old/", "!old/keep.yaml"];
        assert!(ex(&set, "old/keep.yaml"));
        // Order matters: the last matching pattern decides.
        assert!(ex(&["!keep.yaml", "*.yaml"], "keep.yaml"));
    }

    #[test]
    fn broken_globs_are_errors() {
        for bad in ["a[b", "deploy/{a,b", "[z-a]", "a\\"] {
            let err = ExcludeSet::new(&[bad]).unwrap_err();
            assert_eq!(err.pattern, bad);
            assert!(!err.reason.is_empty());
            assert!(PathGlob::new(bad).is_err(), "{bad}");
        }
        assert!(ExcludeSet::check("ok/**").is_ok());
    }

    /// The old hand-written matcher backtracked on such patterns: 28 `a`s took 0.9 s of CPU,
    /// 32 took 14 s, each 4 more about 16 times as long. globset compiles it to an automaton,
    /// so this finishes at once (a regression would hang the test run, not pass slowly).
    #[test]
    fn hostile_pattern_is_linear() {
        let short = "*a*a*a*a*a*a*a*a*a*a*b";
        let long = format!("{}*b", "*a".repeat(20));
        let path = "a".repeat(5_000);
        for pattern in [short, long.as_str()] {
            assert!(!glob(pattern, &path));
            assert!(!ex(&[pattern], &format!("dir/{path}")));
            assert!(glob(pattern, &format!("{path}b")));
            assert!(ex(&[pattern], &format!("dir/{path}b")));
        }
    }
}
