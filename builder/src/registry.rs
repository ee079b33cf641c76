//! Before building anything that will be pushed: does the backend hold credentials for each
//! registry? hublint never reads or prints credentials; it asks the backend (`login
//! --get-login`, exit status only) and, when the backend has none, whether the registry takes
//! anonymous pushes at all (a plain-HTTP `GET /v2/`, as a local registry answers).

use crate::backend::Backend;
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
}
