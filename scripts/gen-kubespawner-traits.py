#!/usr/bin/env python3
"""Generate core/data/schemas/kubespawner.json: the trait names of KubeSpawner for each
jupyterhub-kubespawner release a z2jh chart ships, for checking `kubespawner_override` keys
(KubeSpawner applies them with setattr, so an unknown key is silently a plain attribute).

    scripts/gen-kubespawner-traits.py [--versions 6.0.0,6.1.0,6.2.0,7.0.0] [--venvs DIR] [--out FILE]

For each version, makes (or reuses) a venv under DIR with `jupyterhub-kubespawner==V` from
PyPI and imports it there. Which kubespawner each z2jh chart release ships is read from
`../shared/corpus/z2jh/k8s-hub-versions.tsv` and written beside the trait lists (`charts`).

Every trait counts, configurable or not: setattr accepts any of them.

Output: {"source", "versions": [v...], "traits": [[name, mask], ...],
"charts": [[chart_version, kubespawner_version], ...]}; bit i of mask = present in versions[i].
"""

import argparse
import csv
import json
import os
import subprocess
import sys

INTROSPECT = r"""
import json, kubespawner
from kubespawner import KubeSpawner
print(json.dumps({
    "all": sorted(KubeSpawner.class_trait_names()),
}))
"""


def venv_python(venvs, version):
    d = os.path.join(venvs, f"ks-{version}")
    py = os.path.join(d, "bin", "python")
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", d], check=True)
    ok = subprocess.run([py, "-c", "import kubespawner"], capture_output=True).returncode == 0
    if not ok:
        subprocess.run([py, "-m", "pip", "install", "-q", f"jupyterhub-kubespawner=={version}"],
                       check=True)
    return py


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("--versions", default="6.0.0,6.1.0,6.2.0,7.0.0")
    ap.add_argument("--venvs", default="/tmp/hublint-kubespawner-venvs")
    ap.add_argument("--table", default=os.path.join(repo, "..", "shared", "corpus", "z2jh",
                                                    "k8s-hub-versions.tsv"))
    ap.add_argument("--out", default=os.path.join(repo, "core", "data", "schemas",
                                                  "kubespawner.json"))
    args = ap.parse_args()
    versions = args.versions.split(",")
    os.makedirs(args.venvs, exist_ok=True)
    per_version = []
    for v in versions:
        py = venv_python(args.venvs, v)
        out = subprocess.run([py, "-c", INTROSPECT], check=True, capture_output=True, text=True)
        per_version.append(json.loads(out.stdout))
    names = sorted(set().union(*(set(r["all"]) for r in per_version)))
    rows = []
    for n in names:
        mask = sum(1 << i for i, r in enumerate(per_version) if n in r["all"])
        rows.append([n, mask])
    charts = []
    with open(args.table) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            ks = row.get("jupyterhub-kubespawner")
            if ks:
                charts.append([row["chart_version"], ks])
    doc = {
        "source": "KubeSpawner.class_trait_names() of jupyterhub-kubespawner "
        + ", ".join(versions) + " (PyPI); charts: z2jh k8s-hub image contents",
        "versions": versions,
        "traits": rows,
        "charts": charts,
    }
    with open(args.out, "w") as f:
        f.write(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"{len(rows)} traits over {len(versions)} versions, {len(charts)} charts "
          f"-> {os.path.relpath(args.out)}")


if __name__ == "__main__":
    main()
