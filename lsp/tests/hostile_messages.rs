//! Regression tests for what the `lsp_messages` fuzz target found, through the real stdio
//! loop (`transport::serve`) with in-memory pipes.

use serde_json::{json, Value};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn frame(msg: &Value) -> Vec<u8> {
    let body = msg.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
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
    fn messages(&self) -> Vec<Value> {
        let bytes = self.0.lock().unwrap().clone();
        let mut reader = hublint_lsp::transport::FrameReader::new(&bytes[..]);
        let mut out = Vec::new();
        while let Ok(Some(hublint_lsp::transport::Frame::Body(b))) = reader.next_frame() {
            out.push(serde_json::from_slice(&b).unwrap());
        }
        out
    }
    fn answer(&self, id: i64) -> Option<Value> {
        self.messages()
            .into_iter()
            .find(|m| m.get("method").is_none() && m.get("id") == Some(&json!(id)))
    }
}

/// A request whose method starts with `$/` and that the server does not know must still be
/// answered (MethodNotFound, as the LSP spec asks): tower-lsp-server dropped it, and a client
/// waiting for the answer hung.
#[test]
fn unknown_dollar_request_is_answered() {
    let (reader, mut writer) = std::io::pipe().expect("pipe");
    let output = Output::default();
    let server_output = output.clone();
    let server = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let (service, socket) =
                tower_lsp_server::LspService::new(hublint_lsp::server::Backend::new);
            hublint_lsp::transport::serve(reader, server_output, service, socket).await
        })
    });
    let init =
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}});
    writer.write_all(&frame(&init)).unwrap();
    writer
        .write_all(&frame(
            &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        ))
        .unwrap();
    for (id, method) in [(8, "$/unknown"), (9, "$/hublint/nothing")] {
        writer
            .write_all(&frame(
                &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": null}),
            ))
            .unwrap();
    }
    writer.flush().unwrap();
    let started = Instant::now();
    while (output.answer(8).is_none() || output.answer(9).is_none())
        && started.elapsed() < Duration::from_secs(5)
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    writer
        .write_all(&frame(
            &json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
        ))
        .unwrap();
    writer
        .write_all(&frame(&json!({"jsonrpc": "2.0", "method": "exit"})))
        .unwrap();
    drop(writer);
    assert_eq!(server.join().unwrap(), 0, "clean exit after shutdown");
    for id in [8, 9] {
        let answer = output
            .answer(id)
            .unwrap_or_else(|| panic!("request {id} was never answered: {:?}", output.messages()));
        assert_eq!(answer["error"]["code"], json!(-32601), "{answer}");
    }
}
