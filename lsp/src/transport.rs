//! The stdio transport: framing that survives garbage, a writer that never interleaves frames,
//! and the message loop around tower-lsp-server's `LspService`.
//!
//! tower-lsp-server's own `Server` stops reading for good after the first undecodable frame
//! (tokio-util's `FramedRead` ends the stream on a decoder error), keeps running after `exit`
//! while the client holds stdin open, and lets a panicking handler take the whole loop down.
//! This loop fixes all three: frames are read by a tolerant parser on a thread of their own,
//! each handler runs under `catch_unwind`, and `exit` ends the process at once.

use futures::{FutureExt, SinkExt, StreamExt};
use serde::Deserialize;
use std::io::{BufRead, BufReader, Read, Write};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use tower::Service;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};
use tower_lsp_server::{ClientSocket, LspService};

/// Bodies larger than this are refused (and the reader resynchronises on the next header).
/// Far above any real document: a 20 MB buffer is ~20 MB of JSON.
pub const MAX_BODY: usize = 512 * 1024 * 1024;
/// A header line longer than this is garbage.
const MAX_HEADER_LINE: u64 = 8 * 1024;

/// One thing read from the input.
#[derive(Debug, PartialEq)]
pub enum Frame {
    /// A well-framed body (not yet known to be valid JSON).
    Body(Vec<u8>),
    /// Bytes that are not an LSP frame; skipped after this report.
    Garbage(String),
}

/// Reads `Content-Length`-framed messages, skipping anything that does not look like a frame.
pub struct FrameReader<R> {
    inner: BufReader<R>,
}

impl<R: Read> FrameReader<R> {
    pub fn new(inner: R) -> Self {
        FrameReader {
            inner: BufReader::with_capacity(64 * 1024, inner),
        }
    }

    /// The next frame, or `None` at end of input.
    pub fn next_frame(&mut self) -> std::io::Result<Option<Frame>> {
        let mut content_length: Option<usize> = None;
        let mut saw_header = false;
        loop {
            let mut line = Vec::new();
            let n = (&mut self.inner)
                .take(MAX_HEADER_LINE)
                .read_until(b'\n', &mut line)?;
            if n == 0 {
                return Ok(if saw_header {
                    Some(Frame::Garbage("input ended inside a header".into()))
                } else {
                    None
                });
            }
            if !line.ends_with(b"\n") && n as u64 == MAX_HEADER_LINE {
                return Ok(Some(Frame::Garbage(format!(
                    "header line longer than {MAX_HEADER_LINE} bytes"
                ))));
            }
            let text = String::from_utf8_lossy(&line);
            let trimmed = text.trim_end_matches(['\r', '\n']);
            if trimmed.is_empty() {
                if let Some(len) = content_length {
                    return self.read_body(len).map(Some);
                }
                if saw_header {
                    return Ok(Some(Frame::Garbage("header without Content-Length".into())));
                }
                continue; // blank line between messages
            }
            // Resynchronise on a header that follows garbage on the same line.
            let header = match find_ignore_case(trimmed, "content-length:") {
                Some(0) | None => trimmed,
                Some(at) => {
                    let garbage = &trimmed[..at];
                    let rest = trimmed[at..].to_string();
                    // Report the garbage; the header is parsed on the next call via a replay.
                    content_length = parse_content_length(&rest);
                    saw_header = true;
                    if content_length.is_none() {
                        return Ok(Some(Frame::Garbage(snippet(garbage))));
                    }
                    eprintln!(
                        "hublint lsp: skipped garbage before a header: {}",
                        snippet(garbage)
                    );
                    continue;
                }
            };
            match header.split_once(':') {
                Some((name, value)) if is_header_name(name) => {
                    saw_header = true;
                    if name.trim().eq_ignore_ascii_case("content-length") {
                        match value.trim().parse::<usize>() {
                            Ok(len) => content_length = Some(len),
                            Err(_) => {
                                return Ok(Some(Frame::Garbage(format!(
                                    "invalid Content-Length {:?}",
                                    value.trim()
                                ))))
                            }
                        }
                    }
                }
                _ => return Ok(Some(Frame::Garbage(snippet(trimmed)))),
            }
        }
    }

    fn read_body(&mut self, len: usize) -> std::io::Result<Frame> {
        if len > MAX_BODY {
            return Ok(Frame::Garbage(format!(
                "Content-Length {len} is over the {MAX_BODY} byte limit"
            )));
        }
        // Grow as bytes arrive rather than trusting the header with one allocation.
        let mut body = Vec::with_capacity(len.min(1 << 20));
        let got = (&mut self.inner).take(len as u64).read_to_end(&mut body)?;
        if got < len {
            return Ok(Frame::Garbage(format!(
                "input ended after {got} of {len} body bytes"
            )));
        }
        Ok(Frame::Body(body))
    }
}

fn parse_content_length(header: &str) -> Option<usize> {
    let (_, v) = header.split_once(':')?;
    v.trim().parse().ok()
}

fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn find_ignore_case(hay: &str, needle: &str) -> Option<usize> {
    hay.to_ascii_lowercase().find(needle)
}

fn snippet(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if s.chars().count() > 80 {
        out.push('…');
    }
    format!("not an LSP frame: {out:?}")
}

/// An incoming JSON-RPC message (the same shapes tower-lsp-server accepts).
#[derive(Deserialize)]
#[serde(untagged)]
enum Message {
    Response(Response),
    Request(Request),
}

/// What the message loop gets from the reader thread.
enum Incoming {
    Message(Message),
    /// A framed body that is not a valid message: answered with an error response.
    Invalid(Response),
    /// Garbage between frames: logged.
    Garbage(String),
}

fn decode(body: &[u8]) -> Incoming {
    match serde_json::from_slice::<Message>(body) {
        Ok(m) => Incoming::Message(m),
        Err(e) => {
            // Answer with the request's id when there is one (JSON-RPC 2.0 §5).
            let (id, error) = match serde_json::from_slice::<serde_json::Value>(body) {
                Ok(v) => {
                    let id = v
                        .get("id")
                        .and_then(|id| serde_json::from_value::<Id>(id.clone()).ok())
                        .unwrap_or(Id::Null);
                    (id, Error::invalid_request())
                }
                Err(_) => (Id::Null, Error::parse_error()),
            };
            eprintln!("hublint lsp: refused a message: {e}");
            let mut error = error;
            error.data = Some(serde_json::Value::String(e.to_string()));
            Incoming::Invalid(Response::from_error(id, error))
        }
    }
}

/// Frames for the writer thread; `None` asks it to flush and stop.
type Outgoing = std::sync::mpsc::Sender<Option<Vec<u8>>>;

fn send_json<T: serde::Serialize>(out: &Outgoing, msg: &T) {
    match serde_json::to_vec(msg) {
        Ok(body) => {
            let _ = out.send(Some(body));
        }
        Err(e) => eprintln!("hublint lsp: cannot encode a message: {e}"),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".into()
    }
}

/// The reader thread: frames decoded into messages, in order, until end of input.
fn spawn_reader<R: Read + Send + 'static>(input: R) -> tokio::sync::mpsc::Receiver<Incoming> {
    let (in_tx, in_rx) = tokio::sync::mpsc::channel::<Incoming>(64);
    std::thread::Builder::new()
        .name("lsp-reader".into())
        .spawn(move || {
            let mut reader = FrameReader::new(input);
            loop {
                let incoming = match reader.next_frame() {
                    Ok(Some(Frame::Body(body))) => decode(&body),
                    Ok(Some(Frame::Garbage(what))) => Incoming::Garbage(what),
                    Ok(None) => break,
                    Err(e) => {
                        eprintln!("hublint lsp: reading input failed: {e}");
                        break;
                    }
                };
                if in_tx.blocking_send(incoming).is_err() {
                    break;
                }
            }
        })
        .expect("spawn reader thread");
    in_rx
}

/// The writer thread: one frame at a time, so frames never interleave.
fn spawn_writer<W: Write + Send + 'static>(output: W) -> (Outgoing, std::thread::JoinHandle<()>) {
    let (out_tx, out_rx) = std::sync::mpsc::channel::<Option<Vec<u8>>>();
    let writer = std::thread::Builder::new()
        .name("lsp-writer".into())
        .spawn(move || {
            let mut output = std::io::BufWriter::with_capacity(64 * 1024, output);
            while let Ok(Some(body)) = out_rx.recv() {
                let ok = write!(output, "Content-Length: {}\r\n\r\n", body.len())
                    .and_then(|_| output.write_all(&body))
                    .and_then(|_| {
                        // Flush when nothing else is queued, so bursts go out in one write.
                        output.flush()
                    });
                if ok.is_err() {
                    break;
                }
            }
            let _ = output.flush();
        })
        .expect("spawn writer thread");
    (out_tx, writer)
}

/// Run one handler and send its answer; a panic becomes an error answer, not a dead loop.
async fn answer<F, E>(handler: F, id: Option<Id>, method: String, out: Outgoing)
where
    F: std::future::Future<Output = Result<Option<Response>, E>>,
{
    match AssertUnwindSafe(handler).catch_unwind().await {
        Ok(Ok(Some(response))) => send_json(&out, &response),
        // tower-lsp-server drops unknown `$/` requests unanswered; the spec asks for
        // MethodNotFound, or the client waits for ever.
        Ok(Ok(None)) => {
            if let Some(id) = id {
                send_json(&out, &Response::from_error(id, Error::method_not_found()));
            }
        }
        Ok(Err(_exited)) => {}
        Err(payload) => {
            let msg = panic_message(payload.as_ref());
            eprintln!("hublint lsp: {method} panicked: {msg}; still serving");
            if let Some(id) = id {
                let mut err = Error::internal_error();
                err.message = format!("internal error in {method}: {msg}").into();
                send_json(&out, &Response::from_error(id, err));
            }
        }
    }
}

/// Serve the language server on `input`/`output` until `exit` or end of input. Returns the
/// process exit code: 0 after `shutdown` then `exit`, 1 otherwise (as the LSP spec asks).
pub async fn serve<S, R, W>(
    input: R,
    output: W,
    service: LspService<S>,
    socket: ClientSocket,
) -> i32
where
    S: tower_lsp_server::LanguageServer,
    R: Read + Send + 'static,
    W: Write + Send + 'static,
{
    let mut service = service;
    let mut in_rx = spawn_reader(input);
    let (out_tx, writer) = spawn_writer(output);

    // Server-to-client messages (notifications, requests) go straight to the writer.
    let (mut client_requests, mut client_responses) = socket.split();
    let forward_out = out_tx.clone();
    let forwarder = tokio::spawn(async move {
        while let Some(req) = client_requests.next().await {
            send_json(&forward_out, &req);
        }
    });

    let shutdown_seen = Arc::new(AtomicBool::new(false));
    let mut exit_code = None;
    while let Some(incoming) = in_rx.recv().await {
        match incoming {
            Incoming::Garbage(what) => eprintln!("hublint lsp: skipped input: {what}"),
            Incoming::Invalid(response) => send_json(&out_tx, &response),
            Incoming::Message(Message::Response(res)) => {
                if client_responses.send(res).await.is_err() {
                    break;
                }
            }
            Incoming::Message(Message::Request(req)) => {
                let method = req.method().to_string();
                let id = req.id().cloned();
                let waker = futures::task::noop_waker();
                match service.poll_ready(&mut Context::from_waker(&waker)) {
                    Poll::Ready(Ok(())) => {}
                    Poll::Ready(Err(_)) => break, // exited
                    Poll::Pending => {
                        // Only while `initialize` runs, which is awaited inline below.
                        if let Some(id) = id {
                            send_json(
                                &out_tx,
                                &Response::from_error(
                                    id,
                                    Error::new(ErrorCode::ServerError(-32002)),
                                ),
                            );
                        }
                        continue;
                    }
                }
                if method == "shutdown" {
                    shutdown_seen.store(true, Ordering::SeqCst);
                }
                // Notifications run in order, inline; so do initialize and shutdown. Other
                // requests run concurrently, each started before the next message is read.
                let concurrent = id.is_some() && method != "initialize" && method != "shutdown";
                let fut = service.call(req);
                let out = out_tx.clone();
                let is_exit = method == "exit";
                let guarded = answer(fut, id, method, out);
                if is_exit {
                    guarded.await;
                    exit_code = Some(if shutdown_seen.load(Ordering::SeqCst) {
                        0
                    } else {
                        1
                    });
                    break;
                }
                if !concurrent {
                    guarded.await;
                } else {
                    tokio::spawn(guarded);
                    tokio::task::yield_now().await;
                }
            }
        }
    }
    forwarder.abort();
    let _ = out_tx.send(None);
    // Give the writer a moment to flush; a client that stopped reading must not keep the
    // process alive.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while !writer.is_finished() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    exit_code.unwrap_or(if shutdown_seen.load(Ordering::SeqCst) {
        0
    } else {
        1
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let mut r = FrameReader::new(input);
        let mut out = Vec::new();
        while let Some(f) = r.next_frame().unwrap() {
            out.push(f);
        }
        out
    }

    fn body(s: &str) -> Frame {
        Frame::Body(s.as_bytes().to_vec())
    }

    #[test]
    fn valid_frames_survive_garbage_around_them() {
        let msg = r#"{"jsonrpc":"2.0","method":"exit"}"#;
        let frame = format!("Content-Length: {}\r\n\r\n{msg}", msg.len());
        let input = format!(
            "garbage line\r\n{frame}\r\nContent-Length: x\r\n\r\n{frame}junk before Content-Length: {}\r\n\r\n{msg}X-Other: 1\r\n\r\n{frame}",
            msg.len()
        );
        let got = frames(input.as_bytes());
        let bodies: Vec<&Frame> = got.iter().filter(|f| matches!(f, Frame::Body(_))).collect();
        assert_eq!(
            bodies,
            vec![&body(msg), &body(msg), &body(msg), &body(msg)],
            "{got:?}"
        );
        assert!(got
            .iter()
            .any(|f| matches!(f, Frame::Garbage(g) if g.contains("garbage line"))));
        assert!(got
            .iter()
            .any(|f| matches!(f, Frame::Garbage(g) if g.contains("invalid Content-Length"))));
        assert!(got
            .iter()
            .any(|f| matches!(f, Frame::Garbage(g) if g.contains("without Content-Length"))));
    }

    #[test]
    fn content_type_is_accepted_and_truncated_input_reported() {
        let msg = "{}";
        let input = format!("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: 2\r\n\r\n{msg}Content-Length: 10\r\n\r\nabc");
        let got = frames(input.as_bytes());
        assert_eq!(got[0], body(msg));
        assert!(
            matches!(&got[1], Frame::Garbage(g) if g.contains("3 of 10")),
            "{got:?}"
        );
        let huge = format!("Content-Length: {}\r\n\r\n", MAX_BODY + 1);
        assert!(matches!(&frames(huge.as_bytes())[0], Frame::Garbage(g) if g.contains("limit")));
    }

    #[test]
    fn bodies_decode_or_get_an_error_response_with_their_id() {
        assert!(matches!(
            decode(br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#),
            Incoming::Message(Message::Request(_))
        ));
        assert!(matches!(
            decode(br#"{"jsonrpc":"2.0","id":1,"result":null}"#),
            Incoming::Message(Message::Response(_))
        ));
        let Incoming::Invalid(r) = decode(br#"{"jsonrpc":"1.0","id":7,"method":"x"}"#) else {
            panic!()
        };
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["id"], 7);
        assert_eq!(v["error"]["code"], -32600);
        let Incoming::Invalid(r) = decode(b"{nope") else {
            panic!()
        };
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["id"], serde_json::Value::Null);
        assert_eq!(v["error"]["code"], -32700);
    }
}
