//! Regression tests for what the `lsp_messages` fuzz target found, through the real stdio
//! loop (`transport::serve`) with in-memory pipes.

mod common;

use common::Server;
use serde_json::json;
use std::time::{Duration, Instant};

/// A request whose method starts with `$/` and that the server does not know must still be
/// answered (MethodNotFound, as the LSP spec asks): tower-lsp-server dropped it, and a client
/// waiting for the answer hung.
#[test]
fn unknown_dollar_request_is_answered() {
    let mut server = Server::start();
    server.request(1, "initialize", json!({"capabilities": {}}));
    server.notify("initialized", json!({}));
    for (id, method) in [(8, "$/unknown"), (9, "$/hublint/nothing")] {
        server.request(id, method, json!(null));
    }
    let started = Instant::now();
    while (server.answer(8).is_none() || server.answer(9).is_none())
        && started.elapsed() < Duration::from_secs(5)
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    let answers: Vec<_> = [8, 9]
        .map(|id| (id, server.answer(id), server.messages()))
        .into();
    assert_eq!(server.stop(), 0, "clean exit after shutdown");
    for (id, answer, messages) in answers {
        let answer =
            answer.unwrap_or_else(|| panic!("request {id} was never answered: {messages:?}"));
        assert_eq!(answer["error"]["code"], json!(-32601), "{answer}");
    }
}
