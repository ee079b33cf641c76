#!/usr/bin/env python3
"""Generate core/data/schemas/k8s.json: the Kubernetes API types that z2jh values embed
(Volume, VolumeMount, Container, Toleration, Affinity, PodSecurityContext, SecurityContext,
EnvVar, Lifecycle, PodSpec and everything they reach), for several Kubernetes minors.

    scripts/gen-k8s-types.py [--clients 34,35,36,37] [--venvs DIR] [--out FILE]

The facts come from the official Python client (`kubernetes` on PyPI; client major N carries
the API of Kubernetes 1.N): each model's `openapi_types` (Python attribute -> type),
`attribute_map` (Python attribute -> JSON field name) and its required fields (setters that
refuse `None` in the older clients, required pydantic fields in the newer ones). Only types reachable from ROOTS are written.

Output: {"source", "versions": ["1.34", ...], "types": {Name: [[json, py, type, mask,
required], ...]}}; type is "str" | "int" | "float" | "bool" | "object" | "T" | "list[T]" |
"dict[T]" with T a scalar or a type name (without the V1 prefix); bit i of mask = present in
versions[i]; required is 0/1.
"""

import argparse
import json
import os
import re
import subprocess
import sys

ROOTS = ["V1Volume", "V1VolumeMount", "V1Container", "V1Toleration", "V1Affinity",
         "V1PodSecurityContext", "V1SecurityContext", "V1EnvVar", "V1Lifecycle", "V1PodSpec",
         "V1ResourceRequirements"]

INTROSPECT = r"""
import inspect, json, re, sys
import kubernetes
from kubernetes.client import models
roots = json.loads(sys.argv[1])
out = {}
todo = list(roots)
def refs(t):
    return re.findall(r"V\d\w*|Core\w+", t)
while todo:
    name = todo.pop()
    if name in out:
        continue
    cls = getattr(models, name, None)
    if cls is None:
        continue
    fields = []
    for py, t in cls.openapi_types.items():
        prop = getattr(cls, py, None)
        required = False
        pydantic = getattr(cls, "model_fields", None)
        if pydantic and py in pydantic:  # pydantic models (client 35 and later)
            required = pydantic[py].is_required()
        elif isinstance(prop, property) and prop.fset is not None:
            src = inspect.getsource(prop.fset)
            required = "must not be `None`" in src
        fields.append([cls.attribute_map[py], py, t, required])
        todo.extend(refs(t))
    out[name] = fields
print(json.dumps({"version": kubernetes.__version__, "types": out}))
"""


def short(t):
    """Client type strings to the compact form: list[V1Volume] -> list[Volume]."""
    t = t.strip()
    m = re.fullmatch(r"[lL]ist\[(.+)\]", t)
    if m:
        return f"list[{short(m.group(1))}]"
    m = re.fullmatch(r"dict\(str,\s*(.+)\)|Dict\[str,\s*(.+)\]", t)
    if m:
        return f"dict[{short(m.group(1) or m.group(2))}]"
    if t in ("str", "int", "float", "bool", "object"):
        return t
    if t == "datetime":
        return "str"
    return re.sub(r"^V\d+(?:beta\d+|alpha\d+)?", "", t)


def venv_python(venvs, client):
    d = os.path.join(venvs, f"k8s-{client}")
    py = os.path.join(d, "bin", "python")
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", d], check=True)
    if subprocess.run([py, "-c", "import kubernetes"], capture_output=True).returncode != 0:
        subprocess.run([py, "-m", "pip", "install", "-q", f"kubernetes=={client}.*"], check=True)
    return py


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", default="34,35,36,37")
    ap.add_argument("--venvs", default="/tmp/hublint-k8s-venvs")
    ap.add_argument("--out", default=os.path.join(repo, "core", "data", "schemas", "k8s.json"))
    args = ap.parse_args()
    clients = args.clients.split(",")
    os.makedirs(args.venvs, exist_ok=True)
    runs = []
    for c in clients:
        py = venv_python(args.venvs, c)
        text = subprocess.run([py, "-c", INTROSPECT, json.dumps(ROOTS)], check=True,
                              capture_output=True, text=True).stdout
        runs.append(json.loads(text))
    versions = [f"1.{c}" for c in clients]
    types = {}
    for i, run in enumerate(runs):
        for name, fields in run["types"].items():
            t = types.setdefault(short(name), {})
            for js, py, ty, req in fields:
                row = t.setdefault(js, [js, py, short(ty), 0, 0])
                row[2] = short(ty)  # the newest client's type wins
                row[3] |= 1 << i
                row[4] = int(req) if i == len(runs) - 1 or not row[4] else row[4]
    doc = {
        "source": "kubernetes Python client " + ", ".join(r["version"] for r in runs)
        + " (PyPI): openapi_types, attribute_map, required fields",
        "versions": versions,
        "types": {n: sorted(f.values()) for n, f in sorted(types.items())},
    }
    with open(args.out, "w") as f:
        f.write(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"{len(types)} types, {sum(len(f) for f in types.values())} fields over "
          f"{', '.join(versions)} -> {os.path.relpath(args.out)}")


if __name__ == "__main__":
    main()
