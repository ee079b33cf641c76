#!/usr/bin/env bash
# Seed corpora for the fuzz targets, made from ../shared/corpus/ and examples/ (read in place;
# nothing is copied into the repository). Multi-file targets get `=== path` bundles (one per
# cluster, plus the example repository); the language-server target gets framed message
# sequences over the example repository.
# Usage: bash bench/fuzz-seeds.sh OUT_DIR     (writes OUT_DIR/<target>/*)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:?usage: fuzz-seeds.sh OUT_DIR}
CORPUS=$REPO/../shared/corpus
[ -d "$CORPUS/2i2c-infrastructure" ] || { echo "fuzz-seeds: $CORPUS not found" >&2; exit 1; }
python3 - "$REPO" "$CORPUS" "$OUT" <<'PY'
import hashlib, json, os, sys
from pathlib import Path

repo, corpus, out = map(Path, sys.argv[1:4])
infra = corpus / "2i2c-infrastructure"
demo = repo / "examples" / "demo-deployment"
MAX = 200_000  # libFuzzer is run with -max_len at most this; larger seeds are cut anyway


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    data = data[:MAX]
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def files(root, pred):
    return sorted(p for p in root.rglob("*") if p.is_file() and pred(p))


def bundle(root, paths, first=None):
    parts = []
    ordered = sorted(paths, key=lambda p: (p != first, str(p)))
    for p in ordered:
        parts.append(f"=== {p.relative_to(root)}\n")
        parts.append(p.read_text(errors="replace"))
        if not parts[-1].endswith("\n"):
            parts.append("\n")
    return "".join(parts)


is_yaml = lambda p: p.suffix in (".yaml", ".yml")
is_docker = lambda p: p.name.startswith("Dockerfile") or p.name.endswith(".Dockerfile")
is_req = lambda p: p.suffix in (".txt", ".in")

# Single-file parsers.
for p in files(infra, is_yaml) + files(corpus / "z2jh", is_yaml) + files(demo, is_yaml):
    put("yaml", p.read_bytes())
for text in ["a: &a [*a]\n", "x: &x {y: 1}\nz: *x\n<<: *x\n", "- - - - [a, {b: c}]\n",
             "a: yes\nb: 0o17\nc: 1_000\nd: !!str 3\ne: 1.10\n", "\ufeffkey: v\n", "a:\n  b: |-\n    x\n  c: >+\n    y\n\n",
             "--- \na: 1\n...\n---\nb: 2\n", "'unterminated\n", "a: 1\na: 2\n"]:
    put("yaml", text)
for p in files(corpus, is_req) + files(demo, is_req):
    put("requirements", p.read_bytes())
for text in ["-r other.txt\n-c constraints.txt\nfoo==1.0 \\\n  --hash=sha256:abc\n",
             "git+https://github.com/a/b@main#egg=b\n-e ./local\nbar[x,y]>=1,<2; python_version<'3.12'\n",
             "--index-url https://example.org/simple\n--pre\nbaz @ https://x/y.whl\n", "pkg===1.0\n# comment\n\n"]:
    put("requirements", text)
for p in files(corpus, is_docker) + files(demo, is_docker):
    put("dockerfile", p.read_bytes())
for text in ["# syntax=docker/dockerfile:1\n# escape=`\nFROM a:1 AS b\nRUN echo `\n  hi\n",
             "ARG V=4.1.0\nFROM quay.io/jupyterhub/k8s-hub:${V}\nRUN <<EOF\npip install x\nEOF\n",
             "FROM scratch\nCOPY --from=b / /\nFROM b\nUSER root\n", "from x\\\n# c\n  :1\n"]:
    put("dockerfile", text)

# Chart.yaml, chartpress.yaml and cluster.yaml alone and with what they refer to.
helm = infra / "helm-charts"
charts = files(corpus, lambda p: p.name in ("Chart.yaml", "chart.yaml", "lis-chart.yaml")) + files(demo, lambda p: p.name == "Chart.yaml")
for p in charts:
    put("chart_yaml", p.read_bytes())
for p in files(infra, lambda p: p.name == "chartpress.yaml") + files(corpus / "z2jh", lambda p: p.name == "chartpress.yaml"):
    put("chartpress_yaml", p.read_bytes())
for root in [infra] + [d for d in (infra / "history").iterdir()] + [demo]:
    cp = root / "helm-charts" / "chartpress.yaml"
    if cp.exists():
        rel = [p for p in files(root / "helm-charts", lambda p: p.is_file()) if p.suffix != ".json" and "values.schema" not in p.name]
        put("chartpress_yaml", bundle(root, rel, first=cp).split("\n", 1)[1])
for cluster in sorted((infra / "config" / "clusters").iterdir()) + sorted((demo / "config" / "clusters").iterdir()):
    root = infra if infra in cluster.parents else demo
    cy = cluster / "cluster.yaml"
    if not cy.exists():
        continue
    put("cluster_yaml", cy.read_bytes())
    hubfiles = [p for p in files(cluster, is_yaml)]
    charts_here = files(root / "helm-charts", lambda p: p.name == "Chart.yaml")
    b = bundle(root, hubfiles + charts_here, first=cy)
    put("cluster_yaml", b.split("\n", 1)[1])  # cluster.yaml goes to the default path
    # Whole-repository shapes for check and fix.
    helm_files = [p for p in files(root / "helm-charts", lambda p: True) if "values.schema" not in p.name]
    put("check_workspace", bundle(root, hubfiles + helm_files))
    put("fix", bundle(root, hubfiles + helm_files))
for hist in sorted((infra / "history").iterdir()):
    put("check_workspace", bundle(hist, files(hist, lambda p: True)))
    put("fix", bundle(hist, files(hist, lambda p: True)))
put("check_workspace", bundle(demo, files(demo, lambda p: p.suffix != ".md")))
put("fix", bundle(demo, files(demo, lambda p: p.suffix != ".md")))
# Fixable shapes, small enough to mutate quickly.
put("fix", "=== config/clusters/c/cluster.yaml\nname: c\nhubs:\n  - name: h\n    helm_chart: basehub\n    helm_chart_values_files: [h.values.yaml]\n"
           "=== config/clusters/c/h.values.yaml\njupyterhub:\n  singleuser:\n    image:\n      tag: 1.10\n  hub:\n    config:\n      x: yes\n"
           "=== helm-charts/basehub/Chart.yaml\napiVersion: v2\nname: basehub\nversion: 0.1.0\ndependencies:\n  - name: jupyterhub\n    version: 4.1.0\n    repository: https://hub.jupyter.org/helm-chart/\n")

# Language server sessions over the example repository (`file://ROOT` is replaced by the
# harness with the temporary copy's URI).
def frame(msg):
    body = json.dumps(msg)
    return f"Content-Length: {len(body.encode())}\r\n\r\n{body}"

demo_files = {str(p.relative_to(demo)): p.read_text() for p in files(demo, lambda p: p.suffix != ".md")}
sessions = []
for rel, text in demo_files.items():
    uri = f"file://ROOT/{rel}"
    lang = "yaml" if rel.endswith(".yaml") else ("dockerfile" if "Dockerfile" in rel else "pip-requirements")
    line = min(3, text.count("\n"))
    msgs = [
        {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": lang, "version": 1, "text": text}}},
        {"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": {"line": line, "character": 4}}},
        {"jsonrpc": "2.0", "id": 2, "method": "textDocument/completion", "params": {"textDocument": {"uri": uri}, "position": {"line": line, "character": 2}}},
        {"jsonrpc": "2.0", "id": 3, "method": "textDocument/codeAction", "params": {"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": line, "character": 0}}, "context": {"diagnostics": []}}},
        {"jsonrpc": "2.0", "id": 4, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": uri}}},
        {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 3}}, "text": "é😀\n  x: yes\n"}]}},
        {"jsonrpc": "2.0", "id": 5, "method": "textDocument/diagnostic", "params": {"textDocument": {"uri": uri}}},
        {"jsonrpc": "2.0", "id": 6, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": {"line": 2, "character": 99}}},
        {"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}},
    ]
    sessions.append("".join(frame(m) for m in msgs))
sessions.append(frame({"jsonrpc": "2.0", "id": 7, "method": "workspace/diagnostic", "params": {"previousResultIds": []}})
                + "garbage\r\n" + "Content-Length: 5\r\n\r\n{bad}"
                + frame({"jsonrpc": "2.0", "method": "workspace/didChangeConfiguration", "params": {"settings": {"hublint": {"select": ["Y"], "severity": {"Y002": "error"}}}}})
                + frame({"jsonrpc": "2.0", "method": "workspace/didChangeWatchedFiles", "params": {"changes": [{"uri": "file://ROOT/helm-charts/images/hub/requirements.txt", "type": 2}]}})
                + frame({"jsonrpc": "2.0", "id": 8, "method": "$/unknown", "params": None})
                + frame({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 7}}))
for s in sessions:
    put("lsp_messages", s)
for t in sorted(os.listdir(out)):
    print(f"{t}: {len(os.listdir(out / t))} seeds")
PY
