//! The language server's message handling, end to end through its real stdio loop
//! (`hublint_lsp::transport::serve`): the fuzz input is the raw byte stream a client sends
//! after the `initialize`/`initialized` handshake (headers, bodies, garbage, any method).
//! The root is a copy of `examples/demo-deployment` in a temporary directory.
//!
//! After the input the harness waits until every request it sent has been answered (or 5 s
//! have passed: a hang), then sends `shutdown` and `exit`. It asserts that the server answers
//! every request, that every frame it writes is valid JSON, and that it stops after `exit`.
#![no_main]
use hublint_lsp::transport::{Frame, FrameReader};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Longest a request may go unanswered before the harness calls it a hang. The server waits
/// at most 2 s for a check before answering from an older one.
const ANSWER_WITHIN: Duration = Duration::from_secs(5);

fn root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/demo-deployment");
        let dst = std::env::temp_dir().join(format!("hublint-fuzz-lsp-{}", std::process::id()));
        copy_dir(&src, &dst);
        dst
    })
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).expect("create fuzz root");
    for entry in std::fs::read_dir(src).expect("read examples/demo-deployment") {
        let entry = entry.expect("dir entry");
        let to = dst.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), &to).expect("copy example file");
        }
    }
}

fn frame(body: &Value) -> Vec<u8> {
    let body = body.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// The JSON bodies of every well-framed message in `bytes`.
fn bodies(bytes: &[u8]) -> Vec<Value> {
    let mut reader = FrameReader::new(bytes);
    let mut out = Vec::new();
    while let Ok(Some(f)) = reader.next_frame() {
        if let Frame::Body(b) = f {
            out.push(serde_json::from_slice(&b).unwrap_or(Value::Null));
        }
    }
    out
}

fn has_id(v: &Value) -> bool {
    matches!(v.get("id"), Some(Value::Number(_) | Value::String(_)))
}

/// Requests (with an id) that the server must answer, and whether input stops early (`exit`).
fn expected_answers(input: &[u8]) -> usize {
    let mut n = 0;
    for v in bodies(input) {
        match v.get("method").and_then(Value::as_str) {
            Some("exit") => break,
            Some(_) if has_id(&v) => n += 1,
            _ => {}
        }
    }
    n
}

#[derive(Clone, Default)]
struct Output(Arc<Mutex<Vec<u8>>>);

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Output {
    fn answers(&self) -> usize {
        let bytes = self.0.lock().unwrap().clone();
        bodies(&bytes)
            .iter()
            .filter(|v| v.get("method").is_none() && has_id(v))
            .count()
    }
}

/// Client input: the handshake and the fuzz bytes; then, once the server has answered what
/// it was asked (or time is up), `shutdown` and `exit`.
struct Input {
    head: std::io::Cursor<Vec<u8>>,
    tail: Option<std::io::Cursor<Vec<u8>>>,
    expected: usize,
    output: Output,
    done: Arc<AtomicBool>,
    hung: Arc<AtomicBool>,
}

impl Read for Input {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.head.read(buf)?;
        if n > 0 {
            return Ok(n);
        }
        if self.tail.is_none() {
            let started = Instant::now();
            while !self.done.load(Ordering::SeqCst) && self.output.answers() < self.expected {
                if started.elapsed() > ANSWER_WITHIN {
                    self.hung.store(true, Ordering::SeqCst);
                    break;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            let mut tail =
                frame(&json!({"jsonrpc": "2.0", "id": 999_999_001, "method": "shutdown"}));
            tail.extend(frame(&json!({"jsonrpc": "2.0", "method": "exit"})));
            self.tail = Some(std::io::Cursor::new(tail));
        }
        if self.done.load(Ordering::SeqCst) {
            return Ok(0);
        }
        self.tail.as_mut().unwrap().read(buf)
    }
}

fuzz_target!(|data: &[u8]| {
    let root = root();
    let root_uri = format!("file://{}", root.display());
    let mut head = frame(&json!({
        "jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {
            "rootUri": root_uri,
            "capabilities": {"general": {"positionEncodings": ["utf-16"]}},
            "initializationOptions": {"debounceMs": 0}
        }
    }));
    head.extend(frame(
        &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    ));
    // Seeds say `ROOT` where the root's URI goes, so they work in any temporary directory.
    let data = replace_all(data, b"file://ROOT", root_uri.as_bytes());
    head.extend_from_slice(&data);
    let expected = expected_answers(&head);

    let output = Output::default();
    let done = Arc::new(AtomicBool::new(false));
    let hung = Arc::new(AtomicBool::new(false));
    let input = Input {
        head: std::io::Cursor::new(head),
        tail: None,
        expected,
        output: output.clone(),
        done: done.clone(),
        hung: hung.clone(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let (service, socket) =
            tower_lsp_server::LspService::new(hublint_lsp::server::Backend::new);
        hublint_lsp::transport::serve(input, output.clone(), service, socket).await
    });
    done.store(true, Ordering::SeqCst);
    drop(runtime);

    assert!(
        !hung.load(Ordering::SeqCst),
        "a request was not answered within {ANSWER_WITHIN:?}"
    );
    let written = output.0.lock().unwrap().clone();
    let mut reader = FrameReader::new(&written[..]);
    while let Some(f) = reader.next_frame().expect("read output") {
        match f {
            Frame::Body(b) => {
                serde_json::from_slice::<Value>(&b).expect("the server wrote invalid JSON");
            }
            Frame::Garbage(g) => panic!("the server wrote a broken frame: {g}"),
        }
    }
});

fn replace_all(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len());
    let mut i = 0;
    while i < hay.len() {
        if hay[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
}
