//! The real server (`transport::serve` over `Backend`) on a thread, talked to through
//! in-memory pipes as a client would.

#![allow(dead_code)] // each test file uses its own part

use serde_json::{json, Value};
use std::io::{PipeWriter, Write};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub fn frame(msg: &Value) -> Vec<u8> {
    let body = msg.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// What the server wrote.
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

pub struct Server {
    writer: PipeWriter,
    output: Output,
    thread: JoinHandle<i32>,
}

impl Server {
    pub fn start() -> Server {
        let (reader, writer) = std::io::pipe().expect("pipe");
        let output = Output::default();
        let server_output = output.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let (service, socket) =
                    tower_lsp_server::LspService::new(hublint_lsp::server::Backend::new);
                hublint_lsp::transport::serve(reader, server_output, service, socket).await
            })
        });
        Server {
            writer,
            output,
            thread,
        }
    }

    pub fn send(&mut self, msg: &Value) {
        self.writer.write_all(&frame(msg)).unwrap();
        self.writer.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    pub fn request(&mut self, id: i64, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
    }

    pub fn messages(&self) -> Vec<Value> {
        let bytes = self.output.0.lock().unwrap().clone();
        let mut reader = hublint_lsp::transport::FrameReader::new(&bytes[..]);
        let mut out = Vec::new();
        while let Ok(Some(hublint_lsp::transport::Frame::Body(b))) = reader.next_frame() {
            out.push(serde_json::from_slice(&b).unwrap());
        }
        out
    }

    pub fn answer(&self, id: i64) -> Option<Value> {
        self.messages()
            .into_iter()
            .find(|m| m.get("method").is_none() && m.get("id") == Some(&json!(id)))
    }

    /// The last message that satisfies `found`, waiting up to `timeout` for one.
    pub fn wait_for(&self, timeout: Duration, found: impl Fn(&Value) -> bool) -> Option<Value> {
        let started = Instant::now();
        loop {
            if let Some(m) = self.messages().into_iter().rev().find(|m| found(m)) {
                return Some(m);
            }
            if started.elapsed() > timeout {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Send a request and wait for its answer's `result`.
    pub fn call(&mut self, id: i64, method: &str, params: Value) -> Value {
        self.request(id, method, params);
        let answer = self
            .wait_for(Duration::from_secs(30), |m| {
                m.get("method").is_none() && m.get("id") == Some(&json!(id))
            })
            .unwrap_or_else(|| panic!("{method} was never answered: {:?}", self.messages()));
        answer["result"].clone()
    }

    /// `shutdown`, `exit`, and the server's exit code.
    pub fn stop(mut self) -> i32 {
        self.request(999_999, "shutdown", Value::Null);
        self.send(&json!({"jsonrpc": "2.0", "method": "exit"}));
        drop(self.writer);
        self.thread.join().unwrap()
    }
}
