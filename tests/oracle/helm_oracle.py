#!/usr/bin/env python3
"""Helm itself as a test oracle: how Helm v4 reads, merges and validates values.

Helm's own Go code runs here through `helm-python-sdk` (PyPI, a C build of Helm's SDK called
with ctypes): no Go toolchain, no helm binary, no cluster. The script creates its virtualenv
on first use (`$HELM_ORACLE_VENV`, default `~/.cache/hublint/helm-oracle-venv`) and re-runs
itself there.

Commands (all print JSON):
  chart --release R --out DIR      a chart folder Helm can load for jupyterhub release R
                                   (`4.4.0`, `main`, or any `<v>` with a schema in the corpus)
  read FILE...                     one line per file: {"file", "readable", "values"|"message"}
  check --release R FILE...        one line per file: Helm's verdict for the file as the only
                                   `-f` values file of the jupyterhub chart R:
                                   {"file", "verdict": "unreadable"|"invalid"|"valid",
                                    "message"?, "errors"?: [{"path": "/a/b", "message"}]}
  merge --release R FILE...        the values Helm renders the chart with for `-f FILE ...`:
                                   each file read as Helm reads it, merged in order as Helm's
                                   `mergeMaps` does, then coalesced with the chart's defaults
  validate SCHEMA.json INSTANCES.jsonl
                                   each instance validated against SCHEMA by Helm's validator:
                                   one line each: {"valid": bool, "errors": [...]}
  serve --release R                the same as JSON lines on stdin/stdout, one process for
                                   many documents: {"op": "check"|"merge"|"read", "text"|"texts"}

As a module (from the venv's python): `Oracle(corpus, release)` with `read`, `check_many`,
`merge` and `validate_many`.

How many documents are validated in one call: Helm compiles the schema on every
`validate_schema` call (about 20 ms for z2jh's), so `check_many` validates a batch at once
against a wrapper schema whose properties `d0`, `d1`, ... each `$ref` the chart's schema, and
splits the errors by their first path segment. `self_test_batching` checks on sample
documents that this gives the same errors as validating each document alone.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

SDK = "helm-python-sdk==0.2.2"
DRAFT07 = "http://json-schema.org/draft-07/schema#"
REPO = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"


def ensure_sdk() -> None:
    """Import helm_python, or create the venv and re-run this script in it."""
    try:
        import helm_python  # noqa: F401
        import yaml  # noqa: F401
        return
    except ImportError:
        pass
    venv = Path(os.environ.get("HELM_ORACLE_VENV", Path.home() / ".cache/hublint/helm-oracle-venv"))
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    probe = subprocess.run([str(python), "-c", "import helm_python, yaml"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "-q", SDK, "pyyaml"], check=True)
    if os.environ.get("HELM_ORACLE_REEXEC"):
        sys.exit("helm_oracle: helm_python still not importable in " + str(venv))
    os.environ["HELM_ORACLE_REEXEC"] = "1"
    os.execv(str(python), [str(python), *sys.argv])


def venv_python() -> str:
    """The python that has the SDK (creating the venv when needed), for other scripts."""
    venv = Path(os.environ.get("HELM_ORACLE_VENV", Path.home() / ".cache/hublint/helm-oracle-venv"))
    python = venv / "bin" / "python"
    if not python.exists() or subprocess.run([str(python), "-c", "import helm_python, yaml"],
                                             capture_output=True).returncode != 0:
        subprocess.run([sys.executable, str(Path(__file__)), "sdk-version"], check=True,
                       stdout=subprocess.DEVNULL)
    return str(python)


def release_files(corpus: Path, release: str) -> tuple[Path, Path, Path]:
    """Chart.yaml, values.yaml, values.schema.yaml of a jupyterhub release in the corpus."""
    z = corpus / "z2jh"
    if release == "main":
        return z / "Chart.yaml", z / "values.yaml", z / "values.schema.yaml"
    if (z / release).is_dir():
        return z / release / "Chart.yaml", z / release / "values.yaml", z / release / "values.schema.yaml"
    schema = z / "schemas" / f"{release}.values.schema.yaml"
    if not schema.exists():
        raise SystemExit(f"helm_oracle: no schema for jupyterhub release {release} in {z}")
    # Older releases: only the schema is in the corpus; the latest release's defaults stand in.
    latest = z / "4.4.0" if (z / "4.4.0").is_dir() else z
    return latest / "Chart.yaml", latest / "values.yaml", schema


def schema_as_json(schema_yaml: Path) -> dict:
    """The chart's `values.schema.json`: z2jh generates it from the YAML with PyYAML."""
    import yaml

    return yaml.safe_load(schema_yaml.read_text())


def build_chart(corpus: Path, release: str, out: Path) -> Path:
    chart, values, schema = release_files(corpus, release)
    out.mkdir(parents=True, exist_ok=True)
    (out / "Chart.yaml").write_text(chart.read_text())
    (out / "values.yaml").write_text(values.read_text())
    (out / "values.schema.json").write_text(json.dumps(schema_as_json(schema)))
    return out


def batch_chart(schema: dict, n: int, out: Path, name: str = "batch") -> Path:
    """A chart whose schema checks properties d0..d{n-1} each against `schema`."""
    def rebase(node):
        """Local `$ref`s of the document now point below `#/definitions/doc`."""
        if isinstance(node, dict):
            return {k: ("#/definitions/doc" + v[1:] if k == "$ref" and isinstance(v, str) and v.startswith("#")
                        else rebase(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [rebase(v) for v in node]
        return node

    inner = rebase({k: v for k, v in schema.items() if k != "$schema"} if isinstance(schema, dict) else schema)
    wrapper = {
        "$schema": DRAFT07,
        "definitions": {"doc": inner},
        "type": "object",
        "properties": {f"d{i}": {"$ref": "#/definitions/doc"} for i in range(n)},
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 1.0.0\n")
    (out / "values.yaml").write_text("")
    (out / "values.schema.json").write_text(json.dumps(wrapper))
    return out


ERROR_LINE = re.compile(r"^(\s*)- at '([^']*)': (.*)$")


def parse_schema_errors(message: str) -> list[dict]:
    """Helm's schema error text as [{"path", "message"}].

    Helm prints the validator's error tree, one `- at '<instance path>': <message>` line per
    node, children indented. A node saying only "validation failed" groups several errors;
    its children are the errors. Any other node with children (`oneOf`, `anyOf`, `not`, ...)
    is one error at its path: its children explain the alternatives.
    """
    nodes = []
    for line in message.splitlines():
        m = ERROR_LINE.match(line)
        if m:
            nodes.append((len(m.group(1)), m.group(2), m.group(3)))
        elif nodes and line.strip():
            # A message that runs over several lines.
            indent, path, text = nodes[-1]
            nodes[-1] = (indent, path, text + "\n" + line.strip())
    errors = []
    i = 0
    while i < len(nodes):
        indent, path, text = nodes[i]
        j = i + 1
        while j < len(nodes) and nodes[j][0] > indent:
            j += 1
        if text == "validation failed" and j > i + 1:
            i += 1  # descend: the children are the errors
            continue
        errors.append({"path": path, "message": text})
        i = j
    return errors


def merge_maps(a: dict, b: dict) -> dict:
    """Helm's mergeMaps for `-f` files: maps merge recursively, anything else replaces."""
    out = dict(a)
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge_maps(out[k], v)
        else:
            out[k] = v
    return out


class Oracle:
    """Helm's reading, merging and validation of values for one jupyterhub release."""

    def __init__(self, corpus: Path = DEFAULT_CORPUS, release: str = "4.4.0", workdir: Path | None = None):
        import helm_python as helm

        self.helm = helm
        self._tmp = tempfile.TemporaryDirectory(prefix="helm-oracle-")
        self.workdir = Path(workdir or self._tmp.name)
        self.release = release
        chart_dir = build_chart(corpus, release, self.workdir / "jupyterhub")
        self.schema = json.loads((chart_dir / "values.schema.json").read_text())
        self.chart = helm.Chart.load(str(chart_dir))
        self._batches: dict[tuple[int, int], object] = {}
        helm.disable_logging()

    def read(self, text: str) -> tuple[dict | None, str | None]:
        """Helm's reading of one values document: (values, None) or (None, Helm's error)."""
        try:
            return self.helm.values_from_yaml(text), None
        except self.helm.HelmError as e:
            return None, str(e)

    def merge(self, texts: list[str]) -> dict:
        """`-f` files in order, then the chart's defaults; raises ValueError if one is unreadable."""
        user: dict = {}
        for t in texts:
            values, err = self.read(t)
            if err is not None:
                raise ValueError(err)
            user = merge_maps(user, values)
        return self.chart.merge_values(user)

    def _batch_chart(self, schema: dict, n: int):
        key = (json.dumps(schema, sort_keys=True), n)
        if key not in self._batches:
            d = batch_chart(schema, n, self.workdir / f"batch-{len(self._batches)}")
            self._batches[key] = self.helm.Chart.load(str(d))
        return self._batches[key]

    def validate_many(self, schema: dict, instances: list, batch: int = 500) -> list[list[dict]]:
        """Helm's schema errors for each instance ([] when valid), validated `batch` at a time."""
        out: list[list[dict]] = []
        for start in range(0, len(instances), batch):
            chunk = instances[start:start + batch]
            chart = self._batch_chart(schema, len(chunk))
            per = [[] for _ in chunk]
            try:
                chart.validate_schema({f"d{i}": v for i, v in enumerate(chunk)})
            except self.helm.HelmError as e:
                for err in parse_schema_errors(str(e)):
                    m = re.match(r"^/d(\d+)(/.*)?$", err["path"])
                    if not m:
                        # An error the validator places above the instance (seen for
                        # `propertyNames`): no telling whose it is; validate one by one.
                        per = [self._validate_one(schema, v) for v in chunk]
                        break
                    per[int(m.group(1))].append({"path": m.group(2) or "", "message": err["message"]})
            out.extend(per)
        return out

    def _validate_one(self, schema: dict, instance) -> list[dict]:
        """One instance under the wrapper (as `d0`): every error is its own."""
        chart = self._batch_chart(schema, 1)
        try:
            chart.validate_schema({"d0": instance})
            return []
        except self.helm.HelmError as e:
            return [{"path": re.sub(r"^/d0", "", err["path"]), "message": err["message"]}
                    for err in parse_schema_errors(str(e))]

    def validate_alone(self, schema: dict, instance) -> list[dict]:
        """One instance, one validate call, no wrapper (for checking the batching)."""
        chart = self._batch_chart_plain(schema)
        try:
            chart.validate_schema(instance)
            return []
        except self.helm.HelmError as e:
            return parse_schema_errors(str(e))

    def _batch_chart_plain(self, schema: dict):
        key = (json.dumps(schema, sort_keys=True), -1)
        if key not in self._batches:
            d = self.workdir / f"plain-{len(self._batches)}"
            d.mkdir(parents=True, exist_ok=True)
            (d / "Chart.yaml").write_text("apiVersion: v2\nname: plain\nversion: 1.0.0\n")
            (d / "values.yaml").write_text("")
            (d / "values.schema.json").write_text(json.dumps(schema))
            self._batches[key] = self.helm.Chart.load(str(d))
        return self._batches[key]

    def check_many(self, texts: list[str]) -> list[dict]:
        """Helm's verdict for each document as the only `-f` file of the chart."""
        verdicts: list[dict | None] = [None] * len(texts)
        merged, where = [], []
        for i, t in enumerate(texts):
            try:
                merged.append(self.merge([t]))
                where.append(i)
            except ValueError as e:
                verdicts[i] = {"verdict": "unreadable", "message": str(e)}
        for i, errors in zip(where, self.validate_many(self.schema, merged)):
            verdicts[i] = {"verdict": "invalid", "errors": errors} if errors else {"verdict": "valid"}
        return verdicts  # type: ignore[return-value]

    def self_test_batching(self, texts: list[str]) -> list[str]:
        """Documents whose batched errors differ from validating them alone (should be none)."""
        bad = []
        batched = self.check_many(texts)
        for t, v in zip(texts, batched):
            if v["verdict"] == "unreadable":
                continue
            alone = self.validate_alone(self.schema, self.merge([t]))
            key = lambda es: sorted((e["path"], e["message"]) for e in es)  # noqa: E731
            if key(alone) != key(v.get("errors", [])):
                bad.append(t)
        return bad


def main(argv: list[str]) -> int:
    import argparse

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("sdk-version")
    c = sub.add_parser("chart")
    c.add_argument("--release", default="4.4.0")
    c.add_argument("--out", type=Path, required=True)
    r = sub.add_parser("read")
    r.add_argument("files", nargs="+", type=Path)
    for name in ("check", "merge", "serve"):
        s = sub.add_parser(name)
        s.add_argument("--release", default="4.4.0")
        if name != "serve":
            s.add_argument("files", nargs="+", type=Path)
    v = sub.add_parser("validate")
    v.add_argument("schema", type=Path)
    v.add_argument("instances", type=Path)
    args = p.parse_args(argv)

    import helm_python as helm

    def emit(obj) -> None:
        sys.stdout.write(json.dumps(obj, sort_keys=True) + "\n")

    if args.cmd == "sdk-version":
        emit({"helm": helm.helm_sdk_version()})
    elif args.cmd == "chart":
        emit({"chart": str(build_chart(args.corpus, args.release, args.out))})
    elif args.cmd == "validate":
        o = Oracle(args.corpus)
        schema = json.loads(args.schema.read_text())
        instances = [json.loads(line) for line in args.instances.read_text().splitlines() if line.strip()]
        for errors in o.validate_many(schema, instances):
            emit({"valid": not errors, "errors": errors})
    elif args.cmd == "read":
        o = Oracle(args.corpus)
        for f in args.files:
            values, err = o.read(f.read_text(encoding="utf-8", errors="surrogateescape"))
            emit({"file": str(f), "readable": err is None, **({"values": values} if err is None else {"message": err})})
    elif args.cmd == "check":
        o = Oracle(args.corpus, args.release)
        texts = [f.read_text() for f in args.files]
        for f, v in zip(args.files, o.check_many(texts)):
            emit({"file": str(f), **v})
    elif args.cmd == "merge":
        o = Oracle(args.corpus, args.release)
        try:
            emit(o.merge([f.read_text() for f in args.files]))
        except ValueError as e:
            emit({"error": str(e)})
            return 1
    elif args.cmd == "serve":
        o = Oracle(args.corpus, args.release)
        for line in sys.stdin:
            if not line.strip():
                continue
            req = json.loads(line)
            try:
                if req["op"] == "read":
                    values, err = o.read(req["text"])
                    emit({"readable": err is None, "values": values, "message": err})
                elif req["op"] == "check":
                    emit(o.check_many([req["text"]])[0])
                elif req["op"] == "merge":
                    emit({"merged": o.merge(req["texts"])})
                else:
                    emit({"error": f"unknown op {req['op']!r}"})
            except ValueError as e:
                emit({"error": str(e)})
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    ensure_sdk()
    sys.exit(main(sys.argv[1:]))
