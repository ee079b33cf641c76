//! Image references (`registry/name:tag@digest`): split in one place, and checked against
//! the OCI / Docker reference grammar (as in the distribution project's `reference` package)
//! — by the Dockerfile parser for `FROM`, and by the builder before a name or tag reaches any
//! process.
//!
//! ```text
//! reference := name [':' tag] ['@' digest]
//! name      := [domain '/'] component ('/' component)*
//! domain    := host [':' port]           host: DNS labels joined by '.', or [IPv6]
//! component := [a-z0-9]+ (separator [a-z0-9]+)*     separator: '.' | '_' | '__' | '-'+
//! tag       := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
//! digest    := algorithm ':' hex             algorithm: [a-z0-9+._-]+, hex: 32+ hex digits
//! ```

use std::fmt;

/// The longest name the grammar allows.
pub const NAME_MAX: usize = 255;
/// The longest tag the grammar allows.
pub const TAG_MAX: usize = 128;

/// Docker Hub, where a name without a registry part goes.
pub const DEFAULT_REGISTRY: &str = "docker.io";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceError {
    /// `name`, `tag` or `digest`.
    pub what: &'static str,
    pub value: String,
    pub reason: String,
}

impl fmt::Display for ReferenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid image {} `{}`: {}",
            self.what, self.value, self.reason
        )
    }
}

impl std::error::Error for ReferenceError {}

fn name_error(value: &str, reason: impl Into<String>) -> ReferenceError {
    ReferenceError {
        what: "name",
        value: value.to_string(),
        reason: reason.into(),
    }
}

/// A reference split into its parts, unchecked: `name` is everything before the tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reference<'a> {
    pub name: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

impl<'a> Reference<'a> {
    /// Splits `registry/name:tag@digest`: the digest follows the first `@`; a `:` after the
    /// last `/` starts the tag (one before it is a registry port).
    pub fn split(s: &'a str) -> Reference<'a> {
        let (rest, digest) = match s.split_once('@') {
            Some((r, d)) => (r, Some(d)),
            None => (s, None),
        };
        match rest.rfind(':') {
            Some(i) if !rest[i..].contains('/') => Reference {
                name: &rest[..i],
                tag: Some(&rest[i + 1..]),
                digest,
            },
            _ => Reference {
                name: rest,
                tag: None,
                digest,
            },
        }
    }

    /// Where the tag starts in the split text, when there is one.
    pub fn tag_offset(&self) -> Option<usize> {
        self.tag.map(|_| self.name.len() + 1)
    }

    /// Checks every part against the grammar.
    pub fn check(&self) -> Result<ImageName, ReferenceError> {
        if let Some(tag) = self.tag {
            check_tag(tag)?;
        }
        if let Some(digest) = self.digest {
            check_digest(digest)?;
        }
        parse_name(self.name)
    }
}

/// A checked image name, split into registry and repository path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageName {
    pub full: String,
    /// `host[:port]` when written, else `None` (Docker Hub).
    pub domain: Option<String>,
    pub path: String,
}

impl ImageName {
    /// The registry the backend logs in to for this name.
    pub fn registry(&self) -> &str {
        self.domain.as_deref().unwrap_or(DEFAULT_REGISTRY)
    }
}

/// Checks an image name (without tag or digest).
pub fn parse_name(name: &str) -> Result<ImageName, ReferenceError> {
    if name.is_empty() {
        return Err(name_error(name, "it is empty"));
    }
    if name.len() > NAME_MAX {
        return Err(name_error(
            name,
            format!("it is {} characters long, over {NAME_MAX}", name.len()),
        ));
    }
    if let Some(bad) = name.chars().find(|c| {
        !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | ':' | '[' | ']'))
    }) {
        return Err(name_error(
            name,
            format!("{bad:?} is not allowed in an image name"),
        ));
    }
    let (first, rest) = match name.split_once('/') {
        Some((f, r)) => (f, Some(r)),
        None => (name, None),
    };
    // As docker decides: the first part is a registry when it has a dot or a port, or is
    // `localhost`, or has upper-case letters (which a repository path may not).
    let is_domain = rest.is_some()
        && (first.contains('.')
            || first.contains(':')
            || first == "localhost"
            || first.bytes().any(|b| b.is_ascii_uppercase()));
    let (domain, path) = if is_domain {
        check_domain(first).map_err(|r| name_error(name, r))?;
        (Some(first.to_string()), rest.unwrap_or_default())
    } else {
        (None, name)
    };
    for component in path.split('/') {
        check_component(component).map_err(|r| name_error(name, r))?;
    }
    Ok(ImageName {
        full: name.to_string(),
        domain,
        path: path.to_string(),
    })
}

fn check_domain(domain: &str) -> Result<(), String> {
    let (host, port) = if let Some(rest) = domain.strip_prefix('[') {
        let Some((v6, after)) = rest.split_once(']') else {
            return Err(format!("registry {domain:?} has an unclosed `[`"));
        };
        if v6.is_empty() || !v6.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
            return Err(format!("registry {domain:?} is not a valid IPv6 address"));
        }
        let port = match after {
            "" => None,
            p => Some(
                p.strip_prefix(':')
                    .ok_or_else(|| format!("unexpected {p:?} after the IPv6 address"))?,
            ),
        };
        (None, port)
    } else {
        match domain.split_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(domain), None),
        }
    };
    if let Some(host) = host {
        for label in host.split('.') {
            let ok = !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-');
            if !ok {
                return Err(format!("registry host {host:?} is not a valid host name"));
            }
        }
    }
    if let Some(port) = port {
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("registry port {port:?} is not a number"));
        }
    }
    Ok(())
}

fn check_component(component: &str) -> Result<(), String> {
    let why = |r: &str| format!("path component {component:?} {r}");
    if component.is_empty() {
        return Err("it has an empty path component (`//` or a trailing `/`)".into());
    }
    if component.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err("repository names must be lower case".into());
    }
    let bytes = component.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return Err(why("must start and end with a lower-case letter or digit"));
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if alnum(b) {
            i += 1;
            continue;
        }
        // A separator run: `.`, `_`, `__` or any number of `-`.
        let start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let sep = &component[start..i];
        let ok = matches!(sep, "." | "_" | "__") || sep.bytes().all(|b| b == b'-');
        if !ok {
            return Err(why(&format!("has the separator {sep:?}; only `.`, `_`, `__` or dashes may separate letters and digits")));
        }
    }
    Ok(())
}

/// Checks a tag.
pub fn check_tag(tag: &str) -> Result<(), ReferenceError> {
    let err = |reason: String| ReferenceError {
        what: "tag",
        value: tag.to_string(),
        reason,
    };
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let Some(first) = tag.chars().next() else {
        return Err(err("it is empty".into()));
    };
    if tag.len() > TAG_MAX {
        return Err(err(format!(
            "it is {} characters long, over {TAG_MAX}",
            tag.len()
        )));
    }
    if !word(first) {
        return Err(err(format!(
            "it must start with a letter, digit or `_`, not {first:?}"
        )));
    }
    if let Some(bad) = tag.chars().find(|&c| !(word(c) || c == '.' || c == '-')) {
        return Err(err(format!("{bad:?} is not allowed in a tag")));
    }
    Ok(())
}

/// Checks a digest (`sha256:<hex>`).
pub fn check_digest(digest: &str) -> Result<(), ReferenceError> {
    let ok = digest.split_once(':').is_some_and(|(algo, hex)| {
        !algo.is_empty()
            && algo.bytes().all(|c| {
                c.is_ascii_lowercase()
                    || c.is_ascii_digit()
                    || matches!(c, b'+' | b'.' | b'_' | b'-')
            })
            && hex.len() >= 32
            && hex.bytes().all(|c| c.is_ascii_hexdigit())
    });
    if ok {
        Ok(())
    } else {
        Err(ReferenceError {
            what: "digest",
            value: digest.to_string(),
            reason: "expected `sha256:<hex>`".into(),
        })
    }
}

/// Checks `name:tag` and returns the checked name.
pub fn check_reference(name: &str, tag: &str) -> Result<ImageName, ReferenceError> {
    check_tag(tag)?;
    parse_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_names() {
        for (name, registry, path) in [
            ("quay.io/2i2c/pilot-hub", "quay.io", "2i2c/pilot-hub"),
            ("jupyterhub/k8s-hub", "docker.io", "jupyterhub/k8s-hub"),
            ("ubuntu", "docker.io", "ubuntu"),
            (
                "127.0.0.1:5000/hublint-test/hub",
                "127.0.0.1:5000",
                "hublint-test/hub",
            ),
            ("localhost/a", "localhost", "a"),
            ("[::1]:5000/a/b", "[::1]:5000", "a/b"),
            (
                "eu.gcr.io/my-project/my__img.x-y--z",
                "eu.gcr.io",
                "my-project/my__img.x-y--z",
            ),
        ] {
            let n = parse_name(name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(n.registry(), registry, "{name}");
            assert_eq!(n.path, path, "{name}");
        }
    }

    #[test]
    fn rejects_bad_names() {
        for name in [
            "",
            "quay.io/org/hub; rm -rf /",
            "quay.io/org/$(id)",
            "quay.io/org/hub`x`",
            "quay.io/org/Hub",
            "org/-hub",
            "org/hub-",
            "org//hub",
            "org/hub/",
            "org/a..b",
            "org/a___b",
            "quay.io:x/a",
            "-quay.io/a",
            "quay io/a",
            "a\nb",
            "org/hub:tag",
        ] {
            assert!(parse_name(name).is_err(), "{name:?} accepted");
        }
        assert!(parse_name(&"a".repeat(256)).is_err());
    }

    #[test]
    fn splits_references() {
        let r = |s| {
            let r = Reference::split(s);
            (r.name, r.tag, r.digest)
        };
        assert_eq!(r("ubuntu"), ("ubuntu", None, None));
        assert_eq!(r("quay.io/a/b:1.0"), ("quay.io/a/b", Some("1.0"), None));
        assert_eq!(r("localhost:5000/a"), ("localhost:5000/a", None, None));
        assert_eq!(
            r("localhost:5000/a:t@sha256:ab"),
            ("localhost:5000/a", Some("t"), Some("sha256:ab"))
        );
        assert_eq!(r("a@sha256:ab"), ("a", None, Some("sha256:ab")));
        assert_eq!(Reference::split("a/b:t").tag_offset(), Some(4));
        let digest = format!("sha256:{}", "0".repeat(64));
        assert!(Reference::split(&format!("quay.io/a/b:1@{digest}"))
            .check()
            .is_ok());
        for bad in ["a:b+c", "a@sha256:zz", "Ubuntu:22.04", "a b:1"] {
            assert!(Reference::split(bad).check().is_err(), "{bad}");
        }
        let e = Reference::split("Ubuntu").check().unwrap_err().to_string();
        assert!(e.contains("lower case"), "{e}");
    }

    #[test]
    fn tags() {
        for ok in [
            "0.0.1-0.dev.git.2.h537f709",
            "latest",
            "_x",
            "V1.2",
            &"a".repeat(128),
        ] {
            check_tag(ok).unwrap();
        }
        for bad in [
            "",
            "-x",
            ".x",
            "a:b",
            "a b",
            "a;b",
            "a$b",
            &"a".repeat(129),
            "ü",
        ] {
            assert!(check_tag(bad).is_err(), "{bad:?} accepted");
        }
    }
}
