#!/usr/bin/env python3
"""Start `hublint playground --port 0`, fetch the page, every script and stylesheet it names and
the wasm module over loopback, and check them; with DIST, each fetched file must equal the
built folder's copy. Prints the server's first line and one line per file.

    python3 playground_fetch.py HUBLINT [DIST]
"""
import re
import subprocess
import sys
import urllib.request
from pathlib import Path


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read()


def main():
    hublint, dist = sys.argv[1], (Path(sys.argv[2]) if len(sys.argv) > 2 else None)
    proc = subprocess.Popen([hublint, "playground", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline().strip()
        print(first)
        found = re.search(r"http://127\.0\.0\.1:\d+/", first)
        if not found:
            sys.exit(f"no URL in the server's first line; stderr: {proc.stderr.read()}")
        base = found.group(0)
        status, kind, page = fetch(base)
        assert status == 200 and kind.startswith("text/html"), (status, kind)
        names = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^":]+\.(?:js|css))"', page.decode())
        assert {"boot.js", "playground.js"} <= set(names), names
        files = {"index.html": page}
        # The worker, the first module, and the module with the Python parser it loads when
        # a values file holds Python.
        for name in names + ["worker.js", "hublint_wasm_bg.wasm", "hublint_wasm_python.js",
                             "hublint_wasm_python_bg.wasm"]:
            status, kind, body = fetch(base + name)
            expected = {"js": "text/javascript", "css": "text/css", "wasm": "application/wasm"}
            assert kind.startswith(expected[name.rsplit(".", 1)[1]]), (name, kind)
            assert status == 200 and body, (name, status)
            files[name] = body
            print(f"{name}: {status} {kind} {len(body)} bytes")
        for name in ["hublint_wasm_bg.wasm", "hublint_wasm_python_bg.wasm"]:
            assert files[name][:4] == b"\0asm", f"{name} is not a wasm module"
        if dist:
            for name, body in files.items():
                assert (dist / name).read_bytes() == body, f"{name} differs from {dist / name}"
            print(f"every file equals {dist}'s copy")
    finally:
        proc.terminate()
        proc.wait(timeout=5)


if __name__ == "__main__":
    main()
