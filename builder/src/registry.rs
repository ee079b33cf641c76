//! Before building: does the registry already have the tag ([`Client::has_tag`], the
//! registry HTTP API v2 in-process with the credentials the container tools hold), and, for
//! a push, are there credentials at all? When no auth file names a registry, the backend is
//! asked (`login --get-login`, exit status only) and, when it has none, whether the registry
//! takes anonymous pushes (a plain-HTTP `GET /v2/`, as a local registry answers).

use crate::backend::Backend;
use crate::credentials::{Credentials, Login};
use base64::Engine as _;
use hublint_core::image_ref::{ImageName, DEFAULT_REGISTRY};
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::process::Stdio;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// The backend reports credentials for the registry.
    LoggedIn,
    /// No credentials, and the registry answered `/v2/` without asking for any.
    Anonymous,
    /// No credentials, and the registry requires them: the user must log in first.
    NeedsLogin { hint: String },
    /// Could not tell (docker has no "am I logged in" question; the registry did not answer
    /// plain HTTP). The push will tell.
    Unknown { note: String },
}

/// What a registry answered to `GET /v2/` over plain HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    Open,
    AuthRequired,
    /// Not reachable, not HTTP, or another status.
    NoAnswer,
}

pub fn check_access(backend: &Backend, registry: &str) -> Access {
    let Some(check) = backend.login_check_command(registry) else {
        return Access::Unknown {
            note: format!(
                "{} cannot say whether it is logged in to {registry}; if the push is refused, run `{}`",
                backend.kind.name(),
                backend.login_hint(registry)
            ),
        };
    };
    let logged_in = check
        .command()
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if logged_in {
        return Access::LoggedIn;
    }
    let hint = backend.login_hint(registry);
    match probe_plain_http(registry, Duration::from_secs(2)) {
        Probe::Open => Access::Anonymous,
        Probe::AuthRequired => Access::NeedsLogin { hint },
        Probe::NoAnswer if has_port(registry) => Access::Unknown {
            note: format!("{registry} did not answer a plain-HTTP /v2/ request"),
        },
        // A registry without a port is an HTTPS one; every public registry wants a login to push.
        Probe::NoAnswer => Access::NeedsLogin { hint },
    }
}

fn has_port(registry: &str) -> bool {
    match registry.rsplit_once(':') {
        Some((_, port)) => !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    }
}

/// `GET /v2/` over plain HTTP, only for `host:port` registries (HTTPS ones are not probed).
pub fn probe_plain_http(registry: &str, timeout: Duration) -> Probe {
    if !has_port(registry) {
        return Probe::NoAnswer;
    }
    let host = registry
        .rsplit_once(':')
        .map(|(h, _)| h)
        .unwrap_or(registry)
        .trim_start_matches('[')
        .trim_end_matches(']');
    let Ok(addrs) = registry.to_socket_addrs() else {
        return Probe::NoAnswer;
    };
    for addr in addrs {
        let Ok(mut stream) = TcpStream::connect_timeout(&addr, timeout) else {
            continue;
        };
        let _ = stream.set_read_timeout(Some(timeout));
        let _ = stream.set_write_timeout(Some(timeout));
        let request = format!(
            "GET /v2/ HTTP/1.0\r\nHost: {host}\r\nUser-Agent: hublint\r\nConnection: close\r\n\r\n"
        );
        if stream.write_all(request.as_bytes()).is_err() {
            continue;
        }
        let mut head = [0u8; 64];
        let mut got = 0;
        while got < head.len() {
            match stream.read(&mut head[got..]) {
                Ok(0) | Err(_) => break,
                Ok(n) => got += n,
            }
        }
        let line = String::from_utf8_lossy(&head[..got]);
        let status = line
            .strip_prefix("HTTP/1.")
            .and_then(|r| r.get(2..5))
            .and_then(|s| s.parse::<u16>().ok());
        return match status {
            Some(200) => Probe::Open,
            Some(401) => Probe::AuthRequired,
            _ => Probe::NoAnswer,
        };
    }
    Probe::NoAnswer
}

/// What a registry said about one `name:tag`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagState {
    /// It has the tag (for every platform asked for).
    Present,
    /// It does not (or lacks a platform asked for).
    Absent,
    /// It wants credentials that were not found, or refused those sent.
    Denied,
    /// No answer: unreachable, not a registry, or an unexpected status.
    Unknown,
}

impl TagState {
    pub fn as_str(self) -> &'static str {
        match self {
            TagState::Present => "present",
            TagState::Absent => "absent",
            TagState::Denied => "denied",
            TagState::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone)]
pub struct TagAnswer {
    pub state: TagState,
    /// Why, for people (status, challenge, transport error); never a credential.
    pub detail: String,
    /// The registry answered without asking for credentials.
    pub anonymous_ok: bool,
}

fn answer(state: TagState, detail: impl Into<String>, anonymous_ok: bool) -> TagAnswer {
    TagAnswer {
        state,
        detail: detail.into(),
        anonymous_ok,
    }
}

/// The manifest media types a registry may answer with (single image and multi-platform).
const MANIFEST_TYPES: &str = "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

/// A registry HTTP API v2 client for "does this tag exist?".
pub struct Client {
    agent: ureq::Agent,
    pub credentials: Credentials,
}

/// A `WWW-Authenticate` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Challenge {
    Bearer {
        realm: String,
        service: Option<String>,
    },
    Basic,
}

fn parse_challenge(header: &str) -> Option<Challenge> {
    let (scheme, params) = header.trim().split_once(' ').unwrap_or((header.trim(), ""));
    if scheme.eq_ignore_ascii_case("basic") {
        return Some(Challenge::Basic);
    }
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let mut realm = None;
    let mut service = None;
    // key="value" pairs; values may hold commas (scope lists), so split on quotes.
    let mut rest = params;
    while let Some((key, after)) = rest.split_once('=') {
        let key = key.trim().trim_start_matches(',').trim();
        let (value, next) = match after.strip_prefix('"') {
            Some(q) => q.split_once('"').unwrap_or((q, "")),
            None => after.split_once(',').unwrap_or((after, "")),
        };
        match key {
            "realm" => realm = Some(value.to_string()),
            "service" => service = Some(value.to_string()),
            _ => {}
        }
        rest = next;
    }
    Some(Challenge::Bearer {
        realm: realm?,
        service,
    })
}

/// Whether `host[:port]` is this machine (docker and podman talk plain HTTP to those).
fn is_loopback(registry: &str) -> bool {
    let host = match registry.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => registry,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn basic(login: &Login) -> String {
    let raw = format!("{}:{}", login.username, login.secret);
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

impl Client {
    pub fn new(credentials: Credentials) -> Client {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(5)))
            .timeout_global(Some(Duration::from_secs(20)))
            .user_agent("hublint")
            // The exchanges are a request head out and a response head (or a small manifest
            // index, read in pieces) back: ureq's 128 KiB buffers, zeroed for every
            // connection, cost more than the questions themselves.
            .input_buffer_size(32 * 1024)
            .output_buffer_size(32 * 1024)
            .build();
        Client {
            agent: ureq::Agent::new_with_config(config),
            credentials,
        }
    }

    /// [`Client::has_tag`] for each `(name, tag, platforms)`, all at once, answers in order.
    pub fn has_tags(&self, questions: &[(&ImageName, &str, &[String])]) -> Vec<TagAnswer> {
        std::thread::scope(|scope| {
            let asks: Vec<_> = questions
                .iter()
                .map(|&(name, tag, platforms)| {
                    scope.spawn(move || self.has_tag(name, tag, platforms))
                })
                .collect();
            asks.into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        answer(TagState::Unknown, "the registry question panicked", false)
                    })
                })
                .collect()
        })
    }

    /// Does the registry have `name:tag` (with every platform in `platforms`)?
    pub fn has_tag(&self, name: &ImageName, tag: &str, platforms: &[String]) -> TagAnswer {
        let registry = name.registry();
        let (host, repo) = if registry == DEFAULT_REGISTRY {
            let repo = if name.path.contains('/') {
                name.path.clone()
            } else {
                format!("library/{}", name.path)
            };
            ("registry-1.docker.io", repo)
        } else {
            (registry, name.path.clone())
        };
        let path = format!("/v2/{repo}/manifests/{tag}");
        let schemes: &[&str] = if is_loopback(registry) {
            &["http", "https"]
        } else if registry.contains(':') {
            // A registry on its own port may be a plain-HTTP one listed as insecure.
            &["https", "http"]
        } else {
            &["https"]
        };
        let mut last = answer(TagState::Unknown, "not asked", false);
        for scheme in schemes {
            let url = format!("{scheme}://{host}{path}");
            match self.query(&url, registry, &repo, !platforms.is_empty()) {
                Ok((status, body, anonymous_ok)) => {
                    return judge(status, body.as_deref(), platforms, anonymous_ok)
                }
                Err(e) => last = answer(TagState::Unknown, e, false),
            }
        }
        last
    }

    /// One manifest request, with the token or Basic exchange a 401 asks for. Returns the
    /// final status, the body (when `want_body`), and whether the first answer needed no
    /// credentials. `Err` is a transport failure.
    fn query(
        &self,
        url: &str,
        registry: &str,
        repo: &str,
        want_body: bool,
    ) -> Result<(u16, Option<String>, bool), String> {
        let first = self.manifest(url, None, want_body)?;
        if first.0 != 401 {
            return Ok((first.0, first.1, true));
        }
        let challenge = first.2.as_deref().and_then(parse_challenge);
        let login = self.credentials.login(registry, repo);
        let authorization = match challenge {
            Some(Challenge::Basic) => match &login {
                Some(l) => basic(l),
                None => return Ok((401, None, false)),
            },
            Some(Challenge::Bearer { realm, service }) => {
                match self.token(&realm, service.as_deref(), repo, login.as_ref())? {
                    Some(token) => format!("Bearer {token}"),
                    None => return Ok((401, None, false)),
                }
            }
            None => return Ok((401, None, false)),
        };
        let second = self.manifest(url, Some(&authorization), want_body)?;
        Ok((second.0, second.1, false))
    }

    /// HEAD (or GET when the body is wanted) of a manifest URL: status, body,
    /// `WWW-Authenticate`.
    fn manifest(
        &self,
        url: &str,
        authorization: Option<&str>,
        want_body: bool,
    ) -> Result<(u16, Option<String>, Option<String>), String> {
        let mut request = if want_body {
            self.agent.get(url)
        } else {
            self.agent.head(url)
        }
        .header("Accept", MANIFEST_TYPES);
        if let Some(a) = authorization {
            request = request.header("Authorization", a);
        }
        let mut response = request.call().map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let challenge = response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = if want_body && status == 200 {
            Some(
                response
                    .body_mut()
                    .with_config()
                    .limit(4 << 20)
                    .read_to_string()
                    .map_err(|e| e.to_string())?,
            )
        } else {
            None
        };
        Ok((status, body, challenge))
    }

    /// A pull token from the registry's token service (anonymous without a login). None when
    /// the service refuses.
    fn token(
        &self,
        realm: &str,
        service: Option<&str>,
        repo: &str,
        login: Option<&Login>,
    ) -> Result<Option<String>, String> {
        if !(realm.starts_with("https://") || realm.starts_with("http://")) {
            return Err(format!("token service {realm:?} is not an HTTP URL"));
        }
        let mut request = self
            .agent
            .get(realm)
            .query("scope", format!("repository:{repo}:pull"));
        if let Some(s) = service {
            request = request.query("service", s);
        }
        if let Some(l) = login {
            request = request.header("Authorization", basic(l));
        }
        let mut response = request.call().map_err(|e| e.to_string())?;
        if response.status().as_u16() != 200 {
            return Ok(None);
        }
        let text = response
            .body_mut()
            .with_config()
            .limit(1 << 20)
            .read_to_string()
            .map_err(|e| e.to_string())?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("token service: {e}"))?;
        Ok(json
            .get("token")
            .or_else(|| json.get("access_token"))
            .and_then(|t| t.as_str())
            .map(str::to_string))
    }
}

/// The answer for a final status (and, with platforms, the manifest's body).
fn judge(status: u16, body: Option<&str>, platforms: &[String], anonymous_ok: bool) -> TagAnswer {
    match status {
        200 if platforms.is_empty() => answer(TagState::Present, "200", anonymous_ok),
        200 => {
            let missing: Vec<&String> = platforms
                .iter()
                .filter(|p| !index_has_platform(body.unwrap_or_default(), p))
                .collect();
            if missing.is_empty() {
                answer(TagState::Present, "200, every platform", anonymous_ok)
            } else {
                let list: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
                answer(
                    TagState::Absent,
                    format!("the tag lacks {}", list.join(", ")),
                    anonymous_ok,
                )
            }
        }
        404 => answer(TagState::Absent, "404", anonymous_ok),
        401 | 403 => answer(
            TagState::Denied,
            format!("HTTP {status}: credentials needed or refused"),
            anonymous_ok,
        ),
        s => answer(TagState::Unknown, format!("HTTP {s}"), anonymous_ok),
    }
}

/// Whether a manifest list / image index names `os/arch[/variant]`.
fn index_has_platform(body: &str, platform: &str) -> bool {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(body) else {
        return false;
    };
    let mut parts = platform.split('/');
    let (os, arch, variant) = (parts.next(), parts.next(), parts.next());
    json.get("manifests")
        .and_then(|m| m.as_array())
        .is_some_and(|list| {
            list.iter().any(|m| {
                let p = &m["platform"];
                p["os"].as_str() == os
                    && p["architecture"].as_str() == arch
                    && (variant.is_none() || p["variant"].as_str() == variant)
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A one-shot HTTP server on loopback answering with `status`.
    fn serve_once(status: &'static str) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            if let Ok((mut s, _)) = listener.accept() {
                let mut buf = [0u8; 512];
                let _ = s.read(&mut buf);
                let _ = s.write_all(
                    format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n").as_bytes(),
                );
            }
        });
        addr.to_string()
    }

    #[test]
    fn probes_answer_by_status() {
        let t = Duration::from_secs(2);
        assert_eq!(probe_plain_http(&serve_once("200 OK"), t), Probe::Open);
        assert_eq!(
            probe_plain_http(&serve_once("401 Unauthorized"), t),
            Probe::AuthRequired
        );
        assert_eq!(
            probe_plain_http(&serve_once("404 Not Found"), t),
            Probe::NoAnswer
        );
        // A port nothing listens on (bound then dropped).
        let free = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .to_string();
        assert_eq!(probe_plain_http(&free, t), Probe::NoAnswer);
        assert_eq!(
            probe_plain_http("quay.io", t),
            Probe::NoAnswer,
            "HTTPS registries are not probed"
        );
    }

    #[test]
    fn challenges_parse() {
        assert_eq!(
            parse_challenge(
                r#"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push""#
            ),
            Some(Challenge::Bearer {
                realm: "https://auth.example/token".into(),
                service: Some("registry.example".into())
            })
        );
        assert_eq!(
            parse_challenge(r#"Basic realm="x""#),
            Some(Challenge::Basic)
        );
        assert_eq!(parse_challenge("Negotiate"), None);
        assert_eq!(parse_challenge(r#"Bearer service="s""#), None, "no realm");
    }

    #[test]
    fn platforms_are_read_from_an_index() {
        let index = r#"{"manifests": [{"platform": {"os": "linux", "architecture": "amd64"}}, {"platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}}]}"#;
        assert!(index_has_platform(index, "linux/amd64"));
        assert!(index_has_platform(index, "linux/arm64"));
        assert!(index_has_platform(index, "linux/arm64/v8"));
        assert!(!index_has_platform(index, "linux/ppc64le"));
        assert!(!index_has_platform("{}", "linux/amd64"));
        let both = ["linux/amd64".to_string(), "linux/s390x".to_string()];
        assert_eq!(judge(200, Some(index), &both, true).state, TagState::Absent);
        assert_eq!(judge(200, None, &[], true).state, TagState::Present);
        assert_eq!(judge(404, None, &[], true).state, TagState::Absent);
        assert_eq!(judge(401, None, &[], false).state, TagState::Denied);
        assert_eq!(judge(500, None, &[], true).state, TagState::Unknown);
        assert!(
            is_loopback("127.0.0.1:5000")
                && is_loopback("localhost:1")
                && is_loopback("[::1]:5000")
        );
        assert!(!is_loopback("quay.io") && !is_loopback("10.0.0.1:5000"));
    }

    /// A registry on loopback that wants a bearer token from its own token service, which
    /// gives one only for `user:pass`; it has `team/hub:1.0` and nothing else. Each request
    /// gets its own connection (`Connection: close`).
    fn token_registry() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let realm = format!("http://{addr}/token");
        std::thread::spawn(move || {
            for mut s in listener.incoming().flatten().take(32) {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let req = String::from_utf8_lossy(&buf).to_string();
                let line = req.lines().next().unwrap_or_default().to_string();
                let auth = req
                    .lines()
                    .find_map(|l| {
                        l.strip_prefix("authorization: ")
                            .or_else(|| l.strip_prefix("Authorization: "))
                    })
                    .unwrap_or_default()
                    .to_string();
                let (status, extra, body) = if line.contains(" /token?") {
                    // dXNlcjpwYXNz is user:pass.
                    let scoped = line.contains("scope=repository%3Ateam%2Fhub%3Apull")
                        || line.contains("scope=repository:team/hub:pull");
                    if auth == "Basic dXNlcjpwYXNz" && scoped && line.contains("service=reg") {
                        ("200 OK", String::new(), r#"{"token": "t0k"}"#.to_string())
                    } else {
                        ("401 Unauthorized", String::new(), String::new())
                    }
                } else if auth != "Bearer t0k" {
                    (
                        "401 Unauthorized",
                        format!("WWW-Authenticate: Bearer realm=\"{realm}\",service=\"reg\",scope=\"repository:team/hub:pull\"\r\n"),
                        String::new(),
                    )
                } else if line.contains("/v2/team/hub/manifests/1.0 ") {
                    ("200 OK", String::new(), String::new())
                } else {
                    ("404 Not Found", String::new(), String::new())
                };
                let _ = s.write_all(
                    format!("HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).as_bytes(),
                );
            }
        });
        addr
    }

    #[test]
    fn the_token_dance_uses_stored_credentials() {
        let reg = token_registry();
        let name = |n: &str| hublint_core::image_ref::parse_name(&format!("{reg}/{n}")).unwrap();
        let mut creds = Credentials::default();
        creds.add_file(&format!(
            r#"{{"auths": {{"{reg}": {{"auth": "dXNlcjpwYXNz"}}}}}}"#
        ));
        let client = Client::new(creds);
        let a = client.has_tag(&name("team/hub"), "1.0", &[]);
        assert_eq!(a.state, TagState::Present, "{a:?}");
        assert!(!a.anonymous_ok);
        assert_eq!(
            client.has_tag(&name("team/hub"), "2.0", &[]).state,
            TagState::Absent
        );
        // Without credentials, or with wrong ones: refused, and said so.
        let anonymous = Client::new(Credentials::default());
        assert_eq!(
            anonymous.has_tag(&name("team/hub"), "1.0", &[]).state,
            TagState::Denied
        );
        let mut wrong = Credentials::default();
        wrong.add_file(&format!(
            r#"{{"auths": {{"{reg}": {{"username": "user", "password": "nope"}}}}}}"#
        ));
        assert_eq!(
            Client::new(wrong)
                .has_tag(&name("team/hub"), "1.0", &[])
                .state,
            TagState::Denied
        );
        // Nothing listening: unknown, not an error.
        let free = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .to_string();
        let down = hublint_core::image_ref::parse_name(&format!("{free}/a/b")).unwrap();
        assert_eq!(anonymous.has_tag(&down, "1", &[]).state, TagState::Unknown);
    }
}
