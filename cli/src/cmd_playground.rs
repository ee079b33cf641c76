//! `hublint playground [--port N] [--dir DIR]`: serve the browser playground on 127.0.0.1.
//!
//! The playground is a static folder built by `scripts/build-playground.sh` (the Rust core
//! compiled to WebAssembly plus a bundled CodeMirror page); this command only serves it. The
//! folder is not embedded in the binary, because the CLI is built before (and without) the
//! wasm toolchain; it is looked up, in order, at `--dir`, `$HUBLINT_PLAYGROUND_DIR`, a
//! `playground/` folder beside the executable, `../share/hublint/playground` from it, and the
//! source tree's `wasm/playground/dist` (so `cargo run -- playground` works after the build
//! script). Any other static file server works on the same folder.
//!
//! The server is deliberately small: GET and HEAD of files under the folder, nothing else,
//! with the page's Content Security Policy also sent as a header.

use anyhow::{bail, Context as _, Result};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(clap::Args)]
pub struct PlaygroundArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// The built playground folder (default: found beside the executable or in the source tree).
    #[arg(long, env = "HUBLINT_PLAYGROUND_DIR")]
    dir: Option<PathBuf>,
}

/// Same as the page's `<meta>` policy, plus what only a header can say.
const CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
img-src 'self' data:; connect-src 'self'; worker-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Files a built playground must have.
const REQUIRED: [&str; 4] = [
    "index.html",
    "playground.js",
    "worker.js",
    "hublint_wasm_bg.wasm",
];

pub fn run(args: PlaygroundArgs) -> Result<i32> {
    let root = find_dir(args.dir.as_deref())?;
    let listener = TcpListener::bind(("127.0.0.1", args.port))
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", args.port))?;
    let addr = listener.local_addr()?;
    println!(
        "hublint playground: serving {} at http://{addr}/ (Ctrl-C stops)",
        root.display()
    );
    std::io::stdout().flush()?;
    serve(listener, root);
    Ok(0)
}

fn is_built(dir: &Path) -> bool {
    REQUIRED.iter().all(|f| dir.join(f).is_file())
}

fn find_dir(given: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = given {
        if !is_built(dir) {
            bail!(
                "{} is not a built playground (it needs {}); build one with scripts/build-playground.sh",
                dir.display(),
                REQUIRED.join(", ")
            );
        }
        return Ok(dir.canonicalize()?);
    }
    let mut candidates = Vec::new();
    if let Some(exe_dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        candidates.push(exe_dir.join("playground"));
        candidates.push(exe_dir.join("../share/hublint/playground"));
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../wasm/playground/dist"));
    for dir in &candidates {
        if is_built(dir) {
            return Ok(dir.canonicalize()?);
        }
    }
    let looked: Vec<String> = candidates.iter().map(|d| d.display().to_string()).collect();
    bail!(
        "no built playground found (looked in {}); run scripts/build-playground.sh, or pass --dir",
        looked.join(", ")
    )
}

/// Serve forever, one thread per connection (a local page opens a handful).
fn serve(listener: TcpListener, root: PathBuf) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let root = root.clone();
        std::thread::spawn(move || {
            let _ = handle(stream, &root);
        });
    }
}

struct Response {
    status: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
}

impl Response {
    fn text(status: &'static str, body: &str) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            body: body.as_bytes().to_vec(),
        }
    }
}

fn handle(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?.take(64 * 1024));
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Drain the headers; nothing in them changes the answer.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let head = method == "HEAD";
    let response = if method != "GET" && !head {
        Response::text("405 Method Not Allowed", "only GET and HEAD\n")
    } else {
        respond(root, target)
    };
    let mut out = format!(
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nContent-Security-Policy: {CSP}\r\n\
         X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\nCache-Control: no-cache\r\n\
         Connection: close\r\n",
        response.status,
        response.content_type,
        response.body.len()
    );
    if response.status.starts_with("405") {
        out.push_str("Allow: GET, HEAD\r\n");
    }
    out.push_str("\r\n");
    stream.write_all(out.as_bytes())?;
    if !head {
        stream.write_all(&response.body)?;
    }
    stream.flush()
}

fn respond(root: &Path, target: &str) -> Response {
    let Some(path) = resolve(root, target) else {
        return Response::text("404 Not Found", "not found\n");
    };
    match std::fs::read(&path) {
        Ok(body) => Response {
            status: "200 OK",
            content_type: content_type(&path),
            body,
        },
        Err(_) => Response::text("404 Not Found", "not found\n"),
    }
}

/// The file a request target names under `root`, or None if it names nothing there (or
/// tries to leave it).
fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next()?;
    let path = percent_decode(path.strip_prefix('/')?)?;
    let mut file = root.to_path_buf();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s if s.contains('\\') || s.contains('\0') => return None,
            s => file.push(s),
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    // A symlink inside the folder must not lead out of it.
    let real = file.canonicalize().ok()?;
    (real.starts_with(root) && real.is_file()).then_some(real)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ts" | "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    /// Start a server on a free port.
    fn spawn(root: PathBuf) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || serve(listener, root));
        addr
    }

    fn built_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for f in REQUIRED {
            std::fs::write(dir.path().join(f), format!("contents of {f}")).unwrap();
        }
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/index.html"), "sub index").unwrap();
        dir
    }

    fn request(addr: SocketAddr, raw: &str) -> (String, String) {
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(raw.as_bytes()).unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        (head.to_string(), body.to_string())
    }

    fn get(addr: SocketAddr, path: &str) -> (String, String) {
        request(
            addr,
            &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
        )
    }

    #[test]
    fn serves_the_folder_with_types_and_policy() {
        let dir = built_dir();
        let addr = spawn(dir.path().canonicalize().unwrap());
        let (head, body) = get(addr, "/");
        assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
        assert!(head.contains("Content-Type: text/html; charset=utf-8"));
        assert!(head.contains("Content-Security-Policy: default-src 'none';"));
        assert_eq!(body, "contents of index.html");
        let (head, body) = get(addr, "/hublint_wasm_bg.wasm?v=1");
        assert!(head.contains("Content-Type: application/wasm"), "{head}");
        assert_eq!(body, "contents of hublint_wasm_bg.wasm");
        assert_eq!(get(addr, "/sub/").1, "sub index");
        assert_eq!(get(addr, "/play%67round.js").1, "contents of playground.js");
        let (head, body) = request(addr, "HEAD /playground.js HTTP/1.1\r\n\r\n");
        assert!(head.contains("Content-Length: 25"), "{head}");
        assert!(body.is_empty());
    }

    #[test]
    fn refuses_to_leave_the_folder_or_do_anything_but_read() {
        let dir = built_dir();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(
            outside.path().join("secret.txt"),
            dir.path().join("link.txt"),
        )
        .unwrap();
        let addr = spawn(dir.path().canonicalize().unwrap());
        for path in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/link.txt",
            "/missing.js",
            "/%zz",
            "nohost",
        ] {
            let (head, _) = get(addr, path);
            assert!(head.starts_with("HTTP/1.1 404"), "{path}: {head}");
        }
        let (head, _) = request(addr, "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
        assert!(
            head.starts_with("HTTP/1.1 405") && head.contains("Allow: GET, HEAD"),
            "{head}"
        );
        // A client that sends nothing and closes does not stop the server.
        drop(TcpStream::connect(addr).unwrap());
        assert!(get(addr, "/").0.starts_with("HTTP/1.1 200"));
    }

    #[test]
    fn a_folder_without_the_build_is_refused_with_a_hint() {
        let empty = tempfile::tempdir().unwrap();
        let err = find_dir(Some(empty.path())).unwrap_err().to_string();
        assert!(err.contains("build-playground.sh"), "{err}");
        let dir = built_dir();
        assert_eq!(
            find_dir(Some(dir.path())).unwrap(),
            dir.path().canonicalize().unwrap()
        );
    }
}
