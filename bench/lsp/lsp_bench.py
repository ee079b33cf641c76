#!/usr/bin/env python3
"""didChange -> publishDiagnostics latency of `hublint lsp` next to yaml-language-server (with
the z2jh values schema), on corpus files and a generated 10,000-line values file, in one run;
then hublint's peak resident memory with the whole corpus open as a workspace.

    lsp_bench.py --hublint target/release/hublint --yls node_modules/.bin/yaml-language-server \
                 --corpus ../shared/corpus --schema-json z2jh.schema.json [--json out.json]

A plain JSON-RPC client over pipes (no client library), so both servers are driven by the
same code. Edits are spaced `--gap` ms apart, like typing, and each is a real change to a
value (a character typed, then deleted). Latency is measured from writing the didChange to
reading the first publishDiagnostics for that document written after it.
"""

import argparse
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


class Server:
    def __init__(self, name, cmd, settings=None, cwd=None):
        self.name = name
        self.settings = settings or {}
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, cwd=cwd)
        self.next_id = 0
        self.responses = {}
        self.cond = threading.Condition()
        self.diagnostics = []  # (time, uri, version, n)
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        f = self.proc.stdout
        while True:
            length = None
            while True:
                line = f.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                k, _, v = line.partition(b":")
                if k.lower() == b"content-length":
                    length = int(v)
            body = f.read(length)
            now = time.perf_counter()
            msg = json.loads(body)
            if "method" in msg and "id" in msg:
                self._answer(msg)
            elif msg.get("method") == "textDocument/publishDiagnostics":
                p = msg["params"]
                with self.cond:
                    self.diagnostics.append((now, p["uri"], p.get("version"), len(p["diagnostics"])))
                    self.cond.notify_all()
            elif "id" in msg:
                with self.cond:
                    self.responses[msg["id"]] = msg
                    self.cond.notify_all()

    def _answer(self, msg):
        result = None
        if msg["method"] == "workspace/configuration":
            result = []
            for item in msg["params"]["items"]:
                v = self.settings
                for part in (item.get("section") or "").split("."):
                    if part:
                        v = v.get(part) if isinstance(v, dict) else None
                result.append(v)
        self._send({"jsonrpc": "2.0", "id": msg["id"], "result": result})

    def _send(self, obj):
        body = json.dumps(obj).encode()
        with self.lock:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()

    def request(self, method, params, timeout=60):
        self.next_id += 1
        rid = self.next_id
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        with self.cond:
            ok = self.cond.wait_for(lambda: rid in self.responses, timeout)
        if not ok:
            raise TimeoutError(f"{self.name}: no answer to {method}")
        return self.responses.pop(rid).get("result")

    def notify(self, method, params):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_diagnostics(self, uri, after, timeout=30):
        """Time of the first publishDiagnostics for `uri` read after `after`."""
        def find():
            for t, u, _, _ in self.diagnostics:
                if u == uri and t > after:
                    return t
            return None
        with self.cond:
            self.cond.wait_for(lambda: find() is not None, timeout)
            return find()

    def start(self, root: Path, capabilities=None):
        self.request("initialize", {
            "processId": os.getpid(), "rootUri": root.as_uri(),
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "capabilities": capabilities or {"workspace": {"configuration": True},
                                             "textDocument": {"publishDiagnostics": {"versionSupport": True}}},
        })
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": self.settings})

    def open(self, path: Path, text=None):
        uri = path.as_uri()
        text = path.read_text() if text is None else text
        t0 = time.perf_counter()
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": text}})
        return uri, text, t0

    def peak_rss_kib(self):
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return None

    def rss_kib(self):
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return None

    def stop(self):
        try:
            self.request("shutdown", None, timeout=5)
            self.notify("exit", None)
            self.proc.wait(5)
        except Exception:
            self.proc.kill()


def edit_spot(text: str):
    """A line `key: value` to type into: (line, column at the end of the value)."""
    lines = text.split("\n")
    candidates = []
    for i, line in enumerate(lines):
        s = line.rstrip()
        if ": " in s and not s.lstrip().startswith("#") and "#" not in s and not s.endswith(":") \
                and not s.endswith("|") and not s.endswith(">") and '"' not in s and "'" not in s:
            candidates.append((i, len(s)))
    if not candidates:
        return None
    return candidates[len(candidates) // 2]


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def measure_edits(server: Server, uri: str, text: str, n: int, gap: float, version0=1):
    spot = edit_spot(text)
    if spot is None:
        return []
    line, _ = spot
    col = utf16_len(text.split("\n")[line].rstrip())
    times = []
    version = version0
    for i in range(n):
        version += 1
        if i % 2 == 0:
            change = {"range": {"start": {"line": line, "character": col},
                                "end": {"line": line, "character": col}}, "text": "x"}
        else:
            change = {"range": {"start": {"line": line, "character": col},
                                "end": {"line": line, "character": col + 1}}, "text": ""}
        t0 = time.perf_counter()
        server.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
        t1 = server.wait_diagnostics(uri, t0)
        if t1 is None:
            raise TimeoutError(f"{server.name}: no diagnostics after didChange of {uri}")
        times.append((t1 - t0) * 1000)
        time.sleep(gap)
    return times


def generate_values(lines_wanted: int) -> str:
    """A z2jh values file (under `jupyterhub:`, as a basehub hub's) of about that many lines:
    a long profileList, extraEnv and hub.config, the shapes real hubs grow."""
    out = ["jupyterhub:", "  hub:", "    config:", "      JupyterHub:", "        authenticator_class: github",
           "      GitHubOAuthenticator:", "        allowed_organizations:"]
    out += [f"          - org-{i}" for i in range(50)]
    out += ["    extraEnv:"]
    out += [f"      VAR_{i}: \"value-{i}\"" for i in range(200)]
    out += ["  singleuser:", "    image:", "      name: quay.io/jupyter/scipy-notebook", "      tag: \"2025-06-02\"",
            "    profileList:"]
    i = 0
    while len(out) < lines_wanted - 2:
        out += [
            f"      - display_name: \"Profile {i}\"",
            f"        slug: profile-{i}",
            f"        description: Machine type {i} for the course",
            "        kubespawner_override:",
            f"          cpu_limit: {1 + i % 8}",
            f"          mem_limit: {2 + i % 16}G",
            "        profile_options:",
            "          image:",
            "            display_name: Image",
            "            choices:",
            "              pangeo:",
            "                display_name: Pangeo",
            "                kubespawner_override:",
            f"                  image: quay.io/pangeo/pangeo-notebook:2024.0{1 + i % 9}.01",
        ]
        i += 1
    out += ["  cull:", "    timeout: 3600"]
    return "\n".join(out) + "\n"


def pct(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def summary(values):
    return {"n": len(values), "p50": pct(values, 50), "p90": pct(values, 90), "max": max(values) if values else None}


CORPUS_FILES = [
    "config/clusters/2i2c-uk/lis.values.yaml",
    "config/clusters/2i2c-uk/cluster.yaml",
    "config/clusters/leap/prod.values.yaml",
    "config/clusters/nasa-ghg-hub/common.values.yaml",
    "config/clusters/cloudbank/common.values.yaml",
    "config/clusters/utoronto/common.values.yaml",
    "config/clusters/opensci/cluster.yaml",
    "helm-charts/basehub/values.yaml",
    "helm-charts/basehub/Chart.yaml",
    "helm-charts/chartpress.yaml",
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hublint", required=True)
    ap.add_argument("--yls", required=True, help="yaml-language-server executable")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--schema-json", required=True, help="z2jh values schema as JSON")
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--gap", type=float, default=0.1, help="seconds between edits")
    ap.add_argument("--json")
    args = ap.parse_args()
    corpus = Path(args.corpus).resolve()
    infra = corpus / "2i2c-infrastructure"
    files = [f for f in CORPUS_FILES if (infra / f).exists()]
    if not files:
        sys.exit(f"no corpus files under {infra}")

    # yaml-language-server: the z2jh schema for everything a hub's values live in, under
    # `jupyterhub:` (basehub) as 2i2c's files have them.
    schema = json.loads(Path(args.schema_json).read_text())
    work = Path(tempfile.mkdtemp(prefix="lsp-bench-"))
    wrapper = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
               "properties": {"jupyterhub": schema,
                              "basehub": {"type": "object", "properties": {"jupyterhub": schema}}}}
    (work / "hub-values.schema.json").write_text(json.dumps(wrapper))
    yls_settings = {"yaml": {"validate": True, "hover": True, "completion": True,
                             "schemas": {str(work / "hub-values.schema.json"): ["*.values.yaml", "values.yaml",
                                                                                 "**/*.values.yaml", "**/values.yaml"]}},
                    "hublint": {}}

    # The generated file, as a hub's values in a small repository (the bundled example).
    example = Path(__file__).resolve().parents[2] / "examples" / "demo-deployment"
    gen_repo = work / "generated"
    shutil.copytree(example, gen_repo)
    big_rel = "config/clusters/demo/staging.values.yaml"
    big_text = generate_values(10_000)
    (gen_repo / big_rel).write_text(big_text)

    servers = {
        "hublint": lambda: Server("hublint", [args.hublint, "lsp", "--stdio"], {"hublint": {}}),
        "yaml-language-server": lambda: Server("yaml-language-server", [args.yls, "--stdio"], yls_settings),
    }
    results = {"corpus": {}, "generated": {}, "open": {}, "files": files, "edits_per_file": args.edits,
               "gap_ms": args.gap * 1000, "generated_lines": big_text.count("\n")}
    for name, make in servers.items():
        # Corpus files, with the corpus repository as the workspace.
        s = make()
        s.start(infra)
        time.sleep(1.0)  # let the workspace load before timing
        lat, opens = [], []
        for rel in files:
            uri, text, t0 = s.open(infra / rel)
            t1 = s.wait_diagnostics(uri, t0)
            opens.append((t1 - t0) * 1000)
            lat += measure_edits(s, uri, text, args.edits, args.gap)
            s.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        results["corpus"][name] = summary(lat)
        results["open"][name] = summary(opens)
        s.stop()
        # The generated 10,000-line file.
        s = make()
        s.start(gen_repo)
        time.sleep(1.0)
        uri, text, t0 = s.open(gen_repo / big_rel)
        s.wait_diagnostics(uri, t0)
        results["generated"][name] = summary(measure_edits(s, uri, text, args.edits, args.gap))
        s.stop()

    # Peak memory: the whole corpus as the workspace; first with one document open, then with
    # every file hublint reads open in the editor as well.
    s = servers["hublint"]()
    s.start(corpus)
    exts = (".yaml", ".yml", ".txt", ".in")
    all_files = [p for p in sorted(corpus.rglob("*")) if p.is_file() and
                 (p.suffix in exts or p.name.startswith("Dockerfile"))]
    first = infra / files[0]
    uri, _, t0 = s.open(first)
    s.wait_diagnostics(uri, t0, timeout=120)
    time.sleep(2.0)
    workspace_only = s.peak_rss_kib()
    t0 = time.perf_counter()
    last_uri = None
    for p in all_files:
        if p != first:
            last_uri, _, _ = s.open(p, p.read_text(errors="replace"))
    s.wait_diagnostics(last_uri, t0, timeout=120)
    time.sleep(2.0)
    for p in all_files[:50]:  # and edit some, so checks run with everything open
        s.notify("textDocument/didChange", {"textDocument": {"uri": p.as_uri(), "version": 2},
                                            "contentChanges": [{"text": p.read_text(errors="replace") + "\n"}]})
        time.sleep(0.05)
    time.sleep(3.0)
    results["memory"] = {"files": len(all_files), "peak_rss_kib_workspace": workspace_only,
                         "peak_rss_kib_all_open": s.peak_rss_kib(), "rss_kib": s.rss_kib()}
    s.stop()
    shutil.rmtree(work, ignore_errors=True)

    h, y = "hublint", "yaml-language-server"
    print(f"didChange -> publishDiagnostics, ms ({args.edits} edits per file, {args.gap * 1000:.0f} ms apart)")
    print(f"{'':34} {'hublint p50':>12} {'p90':>8} {'max':>8}   {'y-l-s p50':>10} {'p90':>8} {'max':>8}  {'speed-up p50':>12}")
    for label, key in ((f"corpus files ({len(files)} YAML)", "corpus"),
                       (f"generated {results['generated_lines']}-line values", "generated"),
                       ("didOpen -> first diagnostics", "open")):
        a, b = results[key][h], results[key][y]
        print(f"{label:34} {a['p50']:12.2f} {a['p90']:8.2f} {a['max']:8.2f}   {b['p50']:10.2f} {b['p90']:8.2f} "
              f"{b['max']:8.2f}  {b['p50'] / a['p50']:11.1f}x")
    m = results["memory"]
    print(f"hublint peak RSS, whole corpus ({m['files']} files) as the workspace: "
          f"{m['peak_rss_kib_workspace'] / 1024:.1f} MiB with one file open, "
          f"{m['peak_rss_kib_all_open'] / 1024:.1f} MiB with all of them open")
    load = os.getloadavg()
    print(f"(machine: {os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} during the run)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
