#!/usr/bin/env python3
"""One language-server round over stdio, with nothing but the standard library:
initialize -> initialized -> didOpen FILE -> the first publishDiagnostics for it -> shutdown ->
exit. Prints the diagnostics as JSON (code, 1-based line) and exits 1 unless they came within
15 s and the server exited with 0 within 3 s of `exit`.

    python3 lsp_round.py FILE COMMAND [ARGS...]      e.g.  lsp_round.py values.yaml hublint lsp
"""
import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path


def send(proc, message):
    body = json.dumps(message).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()


def reader(stream, inbox):
    """Parse Content-Length framed messages from the server into `inbox` (None at EOF)."""
    while True:
        length = None
        while True:
            line = stream.readline()
            if not line:
                inbox.put(None)
                return
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        inbox.put(json.loads(stream.read(length)))


def main():
    path, command = Path(sys.argv[1]).resolve(), sys.argv[2:]
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    inbox = queue.Queue()
    threading.Thread(target=reader, args=(proc.stdout, inbox), daemon=True).start()

    def wait_for(predicate, what, timeout=15):
        while True:
            try:
                message = inbox.get(timeout=timeout)
            except queue.Empty:
                sys.exit(f"timeout waiting for {what}")
            if message is None:
                sys.exit(f"server closed its output before {what}")
            if message.get("method") == "workspace/configuration":
                send(proc, {"jsonrpc": "2.0", "id": message["id"],
                            "result": [None] * len(message["params"]["items"])})
            elif "id" in message and "method" in message:  # any other request: accept it
                send(proc, {"jsonrpc": "2.0", "id": message["id"], "result": None})
            if predicate(message):
                return message

    root = Path.cwd().as_uri()
    send(proc, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": os.getpid(), "rootUri": root,
        "workspaceFolders": [{"uri": root, "name": "root"}],
        "capabilities": {"workspace": {"configuration": True}}}})
    init = wait_for(lambda m: m.get("id") == 1 and "method" not in m, "initialize result")
    name = init["result"].get("serverInfo", {}).get("name")
    send(proc, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
    uri = path.as_uri()
    send(proc, {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "yaml", "version": 1, "text": path.read_text()}}})
    published = wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                         and m["params"]["uri"] == uri, "publishDiagnostics")
    diagnostics = [{"code": d.get("code"), "line": d["range"]["start"]["line"] + 1}
                   for d in published["params"]["diagnostics"]]
    print(json.dumps({"server": name, "diagnostics": diagnostics}))
    send(proc, {"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    wait_for(lambda m: m.get("id") == 2 and "method" not in m, "shutdown result")
    send(proc, {"jsonrpc": "2.0", "method": "exit"})
    try:
        code = proc.wait(timeout=3)
    except subprocess.TimeoutExpired:
        proc.kill()
        sys.exit("server still running 3 s after exit")
    if code != 0:
        sys.exit(f"server exited with {code}")


if __name__ == "__main__":
    main()
