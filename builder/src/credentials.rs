//! The registry credentials docker, podman and buildah already hold, read where they keep
//! them: `$REGISTRY_AUTH_FILE`, `$XDG_RUNTIME_DIR/containers/auth.json`,
//! `~/.config/containers/auth.json`, then `$DOCKER_CONFIG/config.json` or
//! `~/.docker/config.json` (the first file naming a registry wins, as podman reads them).
//! A `credHelpers` entry is asked through its `docker-credential-NAME get` program, only when
//! a registry is actually queried. Credentials are sent to their own registry (and its token
//! service) and never printed or logged.

use base64::Engine as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// A user name and password (or identity token) for one registry.
#[derive(Clone, PartialEq, Eq)]
pub struct Login {
    pub username: String,
    pub secret: String,
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Login({}, <secret>)", self.username)
    }
}

#[derive(Debug, Clone)]
enum Source {
    Inline(Login),
    /// A `docker-credential-NAME` program.
    Helper(String),
}

/// Every credential entry found, in the order of precedence.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    /// (normalised key: `host[:port][/path]`, source)
    entries: Vec<(String, Source)>,
}

/// The places credentials are kept, most specific first.
pub fn auth_files() -> Vec<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let home = env("HOME");
    let mut files = Vec::new();
    files.extend(env("REGISTRY_AUTH_FILE"));
    if let Some(run) = env("XDG_RUNTIME_DIR") {
        files.push(run.join("containers/auth.json"));
    }
    if let Some(h) = &home {
        files.push(h.join(".config/containers/auth.json"));
    }
    match env("DOCKER_CONFIG") {
        Some(d) => files.push(d.join("config.json")),
        None => files.extend(home.map(|h| h.join(".docker/config.json"))),
    }
    files
}

/// A registry key as the tools write it (`https://index.docker.io/v1/`, `quay.io`,
/// `quay.io/org`), in the form images name registries (`docker.io`, `quay.io/org`).
fn normalise(key: &str) -> String {
    let k = key
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let k = k
        .strip_suffix("/v1")
        .or_else(|| k.strip_suffix("/v2"))
        .unwrap_or(k);
    let (host, rest) = k.split_once('/').unwrap_or((k, ""));
    let host = match host {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => "docker.io",
        h => h,
    };
    if rest.is_empty() {
        host.to_string()
    } else {
        format!("{host}/{rest}")
    }
}

impl Credentials {
    /// Reads every auth file that exists; unreadable or malformed ones are skipped.
    pub fn load() -> Credentials {
        let mut out = Credentials::default();
        for file in auth_files() {
            if let Ok(text) = std::fs::read_to_string(&file) {
                out.add_file(&text);
            }
        }
        out
    }

    /// Adds the entries of one auth.json / config.json text (after those already there).
    pub fn add_file(&mut self, text: &str) {
        let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
            return;
        };
        if let Some(auths) = json.get("auths").and_then(|a| a.as_object()) {
            for (key, entry) in auths {
                if let Some(login) = inline_login(entry) {
                    self.entries.push((normalise(key), Source::Inline(login)));
                }
            }
        }
        if let Some(helpers) = json.get("credHelpers").and_then(|a| a.as_object()) {
            for (key, helper) in helpers {
                if let Some(h) = helper.as_str().filter(|h| is_helper_name(h)) {
                    self.entries
                        .push((normalise(key), Source::Helper(h.to_string())));
                }
            }
        }
    }

    /// The entry for `registry` and repository `path`: the longest key matching
    /// `registry/path` at a `/` boundary, then `registry` itself.
    fn find(&self, registry: &str, path: &str) -> Option<&Source> {
        let full = format!("{registry}/{path}");
        let mut best: Option<(usize, &Source)> = None;
        for (key, source) in &self.entries {
            let matches = key == registry
                || (full.starts_with(key.as_str())
                    && key.starts_with(registry)
                    && full[key.len()..].starts_with('/'));
            if matches && best.is_none_or(|(len, _)| key.len() > len) {
                best = Some((key.len(), source));
            }
        }
        best.map(|(_, s)| s)
    }

    /// Whether any credentials are kept for `registry` (no helper is run to tell).
    pub fn has(&self, registry: &str) -> bool {
        self.entries
            .iter()
            .any(|(k, _)| k == registry || k.starts_with(&format!("{registry}/")))
    }

    /// The login for `registry`/`path`, running its credential helper when that is where it
    /// is kept.
    pub fn login(&self, registry: &str, path: &str) -> Option<Login> {
        match self.find(registry, path)? {
            Source::Inline(l) => Some(l.clone()),
            Source::Helper(h) => helper_login(h, registry),
        }
    }
}

fn is_helper_name(h: &str) -> bool {
    !h.is_empty()
        && h.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

fn inline_login(entry: &serde_json::Value) -> Option<Login> {
    let field = |k: &str| {
        entry
            .get(k)
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
    };
    if let Some(token) = field("identitytoken") {
        return Some(Login {
            username: "<token>".into(),
            secret: token.into(),
        });
    }
    if let (Some(u), Some(p)) = (field("username"), field("password")) {
        return Some(Login {
            username: u.into(),
            secret: p.into(),
        });
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(field("auth")?.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (u, p) = text.split_once(':')?;
    Some(Login {
        username: u.into(),
        secret: p.into(),
    })
}

/// `docker-credential-NAME get`, with the server on stdin, as docker asks it.
fn helper_login(helper: &str, registry: &str) -> Option<Login> {
    let server = if registry == "docker.io" {
        "https://index.docker.io/v1/".to_string()
    } else {
        registry.to_string()
    };
    let mut child = Command::new(format!("docker-credential-{helper}"))
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(server.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    if !out.status.success() {
        return None;
    }
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    Some(Login {
        username: json.get("Username")?.as_str()?.to_string(),
        secret: json.get("Secret")?.as_str()?.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_docker_and_containers_formats() {
        let mut c = Credentials::default();
        // user:pass, user:tok, and a docker.io key in docker's own spelling.
        c.add_file(r#"{"auths": {"quay.io": {"auth": "dXNlcjpwYXNz"}, "quay.io/2i2c": {"auth": "b3JnOnRvaw=="}, "https://index.docker.io/v1/": {"username": "d", "password": "p"}}, "credHelpers": {"gcr.io": "gcloud", "bad": "x;y"}}"#);
        c.add_file("not json");
        let l = c.login("quay.io", "other/img").unwrap();
        assert_eq!((l.username.as_str(), l.secret.as_str()), ("user", "pass"));
        // The most specific key wins, at a path boundary only.
        assert_eq!(c.login("quay.io", "2i2c/hub").unwrap().username, "org");
        assert_eq!(c.login("quay.io", "2i2cx/hub").unwrap().username, "user");
        assert_eq!(c.login("docker.io", "library/x").unwrap().username, "d");
        assert!(c.has("gcr.io") && c.has("quay.io") && !c.has("ghcr.io"));
        assert!(
            !c.has("bad"),
            "a helper name with shell characters is ignored"
        );
        assert!(c.login("ghcr.io", "x/y").is_none());
        assert_eq!(format!("{l:?}"), "Login(user, <secret>)");
    }

    #[test]
    fn keys_normalise() {
        assert_eq!(normalise("https://index.docker.io/v1/"), "docker.io");
        assert_eq!(normalise("quay.io/org/"), "quay.io/org");
        assert_eq!(normalise("127.0.0.1:5000"), "127.0.0.1:5000");
        assert_eq!(normalise("http://localhost:5000/v2/"), "localhost:5000");
    }
}
