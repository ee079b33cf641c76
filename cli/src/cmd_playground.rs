//! `hublint playground [--port N] [--dir DIR]`: serve the browser playground on 127.0.0.1.
//!
//! The playground is a static folder built by `scripts/build-playground.sh` (the Rust core
//! compiled to WebAssembly plus a bundled CodeMirror page). A binary built after that script
//! carries the folder (embedded by `build.rs`), so `pip install hublint`, the .vsix and a
//! release build serve it without anything else on disk. A folder on disk is preferred when
//! there is one, looked up in order at `--dir`, `$HUBLINT_PLAYGROUND_DIR`, a `playground/`
//! folder beside the executable and `../share/hublint/playground` from it; then the embedded
//! copy; then the source tree's `wasm/playground/dist` (so `cargo run -- playground` works
//! after the build script). Any other static file server works on the same folder.
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

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/playground_assets.rs"));
}

include!("playground_required.rs");

/// Where the page's files come from.
#[derive(Clone, Debug)]
enum Site {
    Folder(PathBuf),
    /// (path relative to the folder, contents), as build.rs embedded them.
    Embedded(&'static [(&'static str, &'static [u8])]),
}

pub fn run(args: PlaygroundArgs) -> Result<i32> {
    let site = find_site(args.dir.as_deref(), embedded::EMBEDDED)?;
    let listener = TcpListener::bind(("127.0.0.1", args.port))
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", args.port))?;
    let addr = listener.local_addr()?;
    let what = match &site {
        Site::Folder(root) => root.display().to_string(),
        Site::Embedded(_) => "the playground built into this binary".to_string(),
    };
    println!("hublint playground: serving {what} at http://{addr}/ (Ctrl-C stops)");
    std::io::stdout().flush()?;
    serve(listener, site);
    Ok(0)
}

fn is_built(dir: &Path) -> bool {
    REQUIRED.iter().all(|f| dir.join(f).is_file())
}

fn find_site(
    given: Option<&Path>,
    embedded: &'static [(&'static str, &'static [u8])],
) -> Result<Site> {
    if let Some(dir) = given {
        if !is_built(dir) {
            bail!(
                "{} is not a built playground (it needs {}); build one with scripts/build-playground.sh",
                dir.display(),
                REQUIRED.join(", ")
            );
        }
        return Ok(Site::Folder(dir.canonicalize()?));
    }
    let mut installed = Vec::new();
    if let Some(exe_dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        installed.push(exe_dir.join("playground"));
        installed.push(exe_dir.join("../share/hublint/playground"));
    }
    let source_tree = Path::new(env!("CARGO_MANIFEST_DIR")).join("../wasm/playground/dist");
    if let Some(dir) = installed.iter().find(|d| is_built(d)) {
        return Ok(Site::Folder(dir.canonicalize()?));
    }
    if !embedded.is_empty() {
        return Ok(Site::Embedded(embedded));
    }
    if is_built(&source_tree) {
        return Ok(Site::Folder(source_tree.canonicalize()?));
    }
    installed.push(source_tree);
    let looked: Vec<String> = installed.iter().map(|d| d.display().to_string()).collect();
    bail!(
        "this hublint was built without the playground, and no built playground was found \
         (looked in {}). To add it: in a hublint clone run `bash scripts/build-playground.sh`, \
         then `cargo build --release -p hublint` embeds wasm/playground/dist (or set \
         HUBLINT_PLAYGROUND_DIST to a built folder); or pass --dir with a built folder",
        looked.join(", ")
    )
}

/// Serve forever, one thread per connection (a local page opens a handful).
fn serve(listener: TcpListener, site: Site) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let site = site.clone();
        std::thread::spawn(move || {
            let _ = handle(stream, &site);
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

fn handle(mut stream: TcpStream, site: &Site) -> std::io::Result<()> {
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
        respond(site, target)
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

fn respond(site: &Site, target: &str) -> Response {
    let found = match site {
        Site::Folder(root) => resolve(root, target)
            .and_then(|path| Some((content_type(&path), std::fs::read(&path).ok()?))),
        Site::Embedded(files) => embedded_file(files, target)
            .map(|(name, body)| (content_type(Path::new(name)), body.to_vec())),
    };
    match found {
        Some((content_type, body)) => Response {
            status: "200 OK",
            content_type,
            body,
        },
        None => Response::text("404 Not Found", "not found\n"),
    }
}

/// The path segments a request target names (decoded, without `.` and empty ones), or None
/// if it is malformed or tries to leave the folder.
fn target_segments(target: &str) -> Option<Vec<String>> {
    let path = target.split(['?', '#']).next()?;
    let path = percent_decode(path.strip_prefix('/')?)?;
    let mut segments = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s if s.contains('\\') || s.contains('\0') => return None,
            s => segments.push(s.to_string()),
        }
    }
    Some(segments)
}

/// The embedded file a request target names: a folder's `index.html` for a folder.
fn embedded_file(
    files: &'static [(&'static str, &'static [u8])],
    target: &str,
) -> Option<(&'static str, &'static [u8])> {
    let wanted = target_segments(target)?.join("/");
    let find = |name: &str| files.iter().find(|(path, _)| *path == name).copied();
    let index = if wanted.is_empty() {
        "index.html".to_string()
    } else {
        format!("{wanted}/index.html")
    };
    find(&wanted).or_else(|| find(&index))
}

/// The file a request target names under `root`, or None if it names nothing there (or
/// tries to leave it).
fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let mut file = root.to_path_buf();
    file.extend(target_segments(target)?);
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
        spawn_site(Site::Folder(root))
    }

    fn spawn_site(site: Site) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || serve(listener, site));
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
        let err = find_site(Some(empty.path()), &[]).unwrap_err().to_string();
        assert!(err.contains("build-playground.sh"), "{err}");
        let dir = built_dir();
        match find_site(Some(dir.path()), EMBEDDED_FAKE).unwrap() {
            Site::Folder(found) => assert_eq!(found, dir.path().canonicalize().unwrap()),
            Site::Embedded(_) => panic!("--dir must win over the embedded copy"),
        }
    }

    static EMBEDDED_FAKE: &[(&str, &[u8])] = &[
        ("index.html", b"embedded index"),
        ("hublint_wasm_bg.wasm", b"\0asm"),
        ("sub/index.html", b"embedded sub"),
    ];

    #[test]
    fn serves_the_embedded_copy_with_the_same_rules() {
        let addr = spawn_site(Site::Embedded(EMBEDDED_FAKE));
        let (head, body) = get(addr, "/");
        assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
        assert!(head.contains("Content-Type: text/html; charset=utf-8"));
        assert!(head.contains("Content-Security-Policy: default-src 'none';"));
        assert_eq!(body, "embedded index");
        let (head, body) = get(addr, "/./hublint_wasm_bg.wasm?x");
        assert!(head.contains("Content-Type: application/wasm"), "{head}");
        assert_eq!(body, "\0asm");
        assert_eq!(get(addr, "/sub").1, "embedded sub");
        assert_eq!(get(addr, "/sub/").1, "embedded sub");
        for path in [
            "/../index.html",
            "/missing.js",
            "/sub/../index.html",
            "nohost",
        ] {
            let (head, _) = get(addr, path);
            assert!(head.starts_with("HTTP/1.1 404"), "{path}: {head}");
        }
    }
}
