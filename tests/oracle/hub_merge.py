#!/usr/bin/env python3
"""Merge parity on real hubs: `hublint hubs --values` against Helm's own merge.

For every hub hublint finds in each repository given (default: the corpus' 2i2c repository
and every repository in `wild/`, and a repository of odd cases the script writes), two comparisons, exact, as JSON:

- *user values* (`hublint hubs --values '*'`): the hub's values files, each read by Helm
  (`values_from_yaml`), merged in order as Helm's `mergeMaps` merges `-f` files, taken at
  the jupyterhub chart's key path;
- *rendered values* (`--with-defaults --jupyterhub-chart Z`): the same values given to a
  chart tree Helm loads (`Chart.load`) and coalesces (`merge_values`): each wrapping chart
  hublint found, with its `values.yaml`, down to the jupyterhub chart with Z's `values.yaml`;
  the jupyterhub subchart's values (`global` handed down included).

Files hublint cannot see (encrypted, missing, jsonnet) are left out on both sides: the
comparison is on what is readable, and the count of hubs with such files is printed.
Numbers are compared as Helm holds them (float64), booleans and strings by type.
Prints each difference as `hub  json-path  helm=...  hublint=...`; last line
`helm-oracle-hubs: N passed, M failed` (one per hub and comparison).

    hub_merge.py --hublint target/debug/hublint [--z2jh-chart DIR] [REPO...]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import helm_oracle  # noqa: E402


def hublint_json(binary: str, repo: Path, *args: str):
    out = subprocess.run([binary, "hubs", "--output-format", "json", *args, str(repo)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"hub_merge: hublint hubs {' '.join(args)} {repo} failed: {out.stderr}")
    return json.loads(out.stdout)


def differences(helm, ours, path="") -> list[tuple[str, object, object]]:
    """Where two JSON values differ, exactly (numbers as float64, as Helm holds them)."""
    if isinstance(helm, dict) and isinstance(ours, dict):
        out = []
        for k in sorted(set(helm) | set(ours)):
            sub = f"{path}/{k}"
            if k not in helm:
                out.append((sub, "(absent)", ours[k]))
            elif k not in ours:
                out.append((sub, helm[k], "(absent)"))
            else:
                out.extend(differences(helm[k], ours[k], sub))
        return out
    if isinstance(helm, list) and isinstance(ours, list):
        if len(helm) != len(ours):
            return [(path, helm, ours)]
        out = []
        for i, (a, b) in enumerate(zip(helm, ours)):
            out.extend(differences(a, b, f"{path}/{i}"))
        return out
    number = (int, float)
    if isinstance(helm, bool) or isinstance(ours, bool):
        same = type(helm) is type(ours) and helm == ours
    elif isinstance(helm, number) and isinstance(ours, number):
        same = float(helm) == float(ours)
    else:
        same = type(helm) is type(ours) and helm == ours
    return [] if same else [(path, helm, ours)]


def at(values, keys: list[str]):
    for k in keys:
        values = values.get(k) if isinstance(values, dict) else None
    return values if isinstance(values, dict) else {}


class ChartTrees:
    """Chart folders Helm loads: the wrapping charts hublint found, the jupyterhub chart last."""

    def __init__(self, oracle: helm_oracle.Oracle, z2jh_chart: Path, workdir: Path):
        self.oracle = oracle
        self.z2jh_values = (z2jh_chart / "values.yaml").read_text()
        self.workdir = workdir
        self.loaded: dict[str, object] = {}

    def get(self, repo: Path, hub: dict):
        nesting = [k for k in hub["values_path"].split(".") if k]
        levels = hub["wrapping_charts"]
        key = json.dumps([str(repo), levels, nesting])
        if key not in self.loaded:
            top = self.workdir / f"chart-{len(self.loaded)}"
            d = top
            names = ["hub-chart"] + nesting
            for depth, name in enumerate(names):
                d.mkdir(parents=True)
                if depth < len(levels):
                    level = levels[depth]
                    text = (repo / level["defaults"]).read_text() if level["defaults"] else ""
                    deps = "".join(f"  - name: {s}\n    version: 0.1.0\n" for s in level["subcharts"])
                    chart = f"apiVersion: v2\nname: {name}\nversion: 0.1.0\ndependencies:\n{deps}"
                else:
                    text, chart = self.z2jh_values, f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n"
                (d / "Chart.yaml").write_text(chart)
                (d / "values.yaml").write_text(text)
                if depth + 1 < len(names):
                    d = d / "charts" / names[depth + 1]
            self.loaded[key] = self.oracle.helm.Chart.load(str(top))
        return self.loaded[key]


def readable_values(oracle, repo: Path, hub: dict, cache: dict):
    """Helm's reading of each values source hublint could read, merged as `-f` files."""
    user: dict = {}
    for f in hub["values_files"]:
        note = f.get("note") or ""
        if note in ("secret", "jsonnet", "missing"):
            continue
        path = repo / f["path"]
        if not path.exists():
            # Not on disk, yet not marked missing by hublint: read as nothing on both sides.
            continue
        if path not in cache:
            cache[path] = oracle.read(path.read_text(encoding="utf-8", errors="surrogateescape"))
        values, err = cache[path]
        if err is not None:
            return None, f"{f['path']}: Helm cannot read it: {err}"
        if note.startswith("inline at "):
            for k in note[len("inline at "):].split("."):
                values = values[int(k)] if isinstance(values, list) else values.get(k)
        if isinstance(values, dict):
            user = helm_oracle.merge_maps(user, values)
    return user, None


# A repository of hubs written to exercise what the corpus may not: nulls over defaults of
# each chart level, over nothing and over earlier files; YAML 1.1 keys and scalars; keys
# written twice; lists replacing; `global` at each level; a map over a scalar and back.
FIXTURE = {
    "helm-charts/basehub/Chart.yaml": """apiVersion: v2
name: basehub
version: 0.1.0
dependencies:
  - name: jupyterhub
    version: 4.4.0
    repository: https://jupyterhub.github.io/helm-chart/
  - name: dask-gateway
    version: 2024.1.0
    repository: https://helm.dask.org/
    condition: dask-gateway.enabled
""",
    "helm-charts/basehub/values.yaml": """global: {g1: basehub, gm: {a: 1}, gnull: null}
jupyterhub:
  hub: {fromparent: 1, delme: 2, nulldef: null, nested: {a: null, b: 1}, image: {tag: "9"}}
  keepnull: null
  y: yes-key
  singleuser:
    image: {name: base, tag: "1.0"}
    cmd: [a, b]
    cpu: {limit: 2}
  proxy: null
  custom: {site: {name: base}}
dask-gateway: {enabled: false, x: null}
top: 1
""",
    "helm-charts/daskhub/Chart.yaml": """apiVersion: v2
name: daskhub
version: 0.1.0
dependencies:
  - name: basehub
    version: 0.1.0
    repository: file://../basehub
""",
    "helm-charts/daskhub/values.yaml": """global: {g1: daskhub, g3: {x: 1}}
basehub:
  jupyterhub:
    hub: {fromdask: on, delme: 3}
    debug: {enabled: yes}
""",
    "config/clusters/odd/cluster.yaml": """name: odd
provider: kubeconfig
hubs:
  - name: base
    helm_chart: basehub
    helm_chart_values_files: [a.values.yaml, b.values.yaml]
  - name: dask
    helm_chart: daskhub
    helm_chart_values_files: [c.values.yaml]
""",
    "config/clusters/odd/a.values.yaml": """jupyterhub:
  hub:
    delme: null
    newnull: null
    x: 1
    nested: {a: 5}
    image: null
    networkPolicy: null
    db: {type: sqlite-pvc, pvc: null, upgrade: ~}
  singleuser:
    image: {tag: 0123}
    cmd: [c]
    cpu: 3
    extraEnv: {A: 1_000, B: 1.10, C: ~, D: 2001-12-14, E: 0x1F, F: +12, G: 1e3, H: 190:20:30}
  scheduling: null
  "y": quoted
  n: no-key
  cull: {enabled: off, every: 0x1F, 1.50: f, 010: oct}
  custom: null
global: {g2: user, gm: {c: 3}}
""",
    "config/clusters/odd/b.values.yaml": """jupyterhub:
  hub:
    x: null
    dup: 1
    dup: 2
    yes: 3
    true: 4
    nested: null
  singleuser:
    cpu: {guarantee: 1}
    image: {tag: null}
  proxy: {https: {enabled: true}}
  keepnull: 0
""",
    "config/clusters/odd/c.values.yaml": """basehub:
  jupyterhub:
    hub: {fromdask: null, nulldef: 7, delme: null}
    global: {g1: child-user, g4: [1]}
    prePuller: null
    debug: null
global: {gm: {b: 2}, g3: 5}
""",
}


def write_fixture(root: Path) -> Path:
    for rel, text in FIXTURE.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--hublint", required=True)
    p.add_argument("--corpus", type=Path, default=helm_oracle.DEFAULT_CORPUS)
    p.add_argument("--z2jh-chart", type=Path, help="default: the corpus' z2jh 4.4.0")
    p.add_argument("repos", nargs="*", type=Path)
    args = p.parse_args()
    z2jh = args.z2jh_chart or args.corpus / "z2jh" / "4.4.0"
    repos = args.repos or [args.corpus / "2i2c-infrastructure",
                           *sorted(d for d in (args.corpus / "wild").iterdir() if d.is_dir())]
    t0 = time.perf_counter()
    oracle = helm_oracle.Oracle(args.corpus, "4.4.0")
    passed = failed = hidden = unreadable = 0
    with tempfile.TemporaryDirectory(prefix="hub-merge-") as tmp:
        trees = ChartTrees(oracle, z2jh, Path(tmp))
        if not args.repos:
            repos.append(write_fixture(Path(tmp) / "odd-hubs"))
        for repo in repos:
            hubs = hublint_json(args.hublint, repo)["hubs"]
            if not hubs:
                continue
            user_side = hublint_json(args.hublint, repo, "--values", "*")
            rendered_side = hublint_json(args.hublint, repo, "--values", "*", "--with-defaults",
                                         "--jupyterhub-chart", str(z2jh))
            cache: dict = {}
            for hub, mine, mine_all in zip(hubs, user_side, rendered_side):
                label = f"{repo.name}: {hub['name']}"
                assert mine["hub"] == hub["name"] == mine_all["hub"], (mine["hub"], hub["name"])
                hidden += bool(hub["hidden_values"])
                nesting = [k for k in hub["values_path"].split(".") if k]
                user, err = readable_values(oracle, repo, hub, cache)
                if err:
                    # hublint reports Y001 for such a file; there is nothing to compare.
                    unreadable += 1
                    print(f"{label}  skipped: {err[:200]}")
                    continue
                helm_rendered = at(trees.get(repo, hub).merge_values(user), nesting)
                for what, helm, ours in (("user values", at(user, nesting), mine["values"]),
                                         ("rendered values", helm_rendered, mine_all["values"])):
                    diff = differences(helm, ours)
                    if diff:
                        failed += 1
                        for path, h, o in diff[:20]:
                            print(f"{label}  {what}  {path or '/'}  helm={json.dumps(h)[:120]}  "
                                  f"hublint={json.dumps(o)[:120]}")
                        if len(diff) > 20:
                            print(f"{label}  {what}  ... {len(diff) - 20} more")
                    else:
                        passed += 1
    took = time.perf_counter() - t0
    print(f"helm-oracle-hubs: {len(repos)} repositories, {passed + failed} comparisons; "
          f"{hidden} hubs with files hublint cannot read (compared on the readable ones), "
          f"{unreadable} hubs with a file Helm refuses (skipped); {took:.1f} s", file=sys.stderr)
    print(f"helm-oracle-hubs: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    helm_oracle.ensure_sdk()
    sys.exit(main())
