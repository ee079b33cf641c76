#!/usr/bin/env python3
"""Merge parity on real hubs: `hublint hubs --values` against Helm's own merge.

For every hub hublint finds in each repository given (default: the corpus' 2i2c repository,
every repository in `wild/`, and a repository of odd cases the script writes), two
comparisons, exact, as JSON:

- *user values* (`hublint hubs --values '*'`): the hub's values files, each read by Helm
  (`values_from_yaml`), merged in order as Helm's `mergeMaps` merges `-f` files, taken at
  the jupyterhub chart's key path;
- *rendered values* (`--with-defaults --jupyterhub-chart Z`): what the jupyterhub chart's
  templates see when Helm renders the hub's chart with those values (`Chart.render`, the
  install path: dependencies processed, defaults coalesced, `global` handed down). The chart
  tree is built from the repository's own chart files (`ChartTrees`), with the jupyterhub
  chart Z: the corpus' z2jh 4.4.0 for a hub on 4.4.0 or older, `main` after it.

Files hublint cannot see (encrypted, missing, jsonnet) are left out on both sides: the
comparison is on what is readable, and the count of hubs with such files is printed.
Numbers are compared as Helm holds them (float64), booleans and strings by type. A
difference listed in `INTENDED` (with its reason) is counted and printed; any other fails.
Prints each difference as `repo: hub  comparison  json-path  helm=...  hublint=...`; then
`helm-oracle-hubs: N hubs compared, E equal, L listed differences, U unlisted differences`
and `helm-oracle-hubs: P passed, F failed` (one per hub).

    hub_merge.py --hublint target/debug/hublint [--z2jh-chart DIR] [REPO...]
"""
from __future__ import annotations

import argparse
import json
import re
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


SEMVER = re.compile(r"^v?\d+(\.\d+){0,2}([-+][0-9A-Za-z.+-]*)?$")
TEMPLATE = "{{ toJson .Values }}\n"


def chart_dependencies(chart_dir: Path | None, chart_file: Path) -> list[dict]:
    """A chart's dependencies as Helm reads them: Chart.yaml's, or requirements.yaml's (v1)."""
    import yaml
    meta = yaml.safe_load(chart_file.read_text()) or {}
    deps = meta.get("dependencies")
    if deps is None and chart_dir is not None and (chart_dir / "requirements.yaml").is_file():
        deps = (yaml.safe_load((chart_dir / "requirements.yaml").read_text()) or {}).get("dependencies")
    return [d for d in deps or [] if isinstance(d, dict)]


def locate_chart(repo: Path, chart: str | None) -> tuple[Path | None, Path | None]:
    """The hub's chart in the repository: (its Chart.yaml as deployed, the folder whose
    values.yaml and requirements.yaml go with it); (None, None) for a chart not in it. A chart
    file not named Chart.yaml replaces the Chart.yaml of `helm-charts/<its name>/` (the 2i2c
    deployer's `chart_override`), found from the nearest folder above the file that has one."""
    import yaml
    if not chart or not (repo / chart).is_file():
        return None, None
    chart_file = repo / chart
    if chart_file.name == "Chart.yaml":
        return chart_file, chart_file.parent
    name = (yaml.safe_load(chart_file.read_text()) or {}).get("name")
    for up in chart_file.parents:
        if (up / "helm-charts" / str(name) / "Chart.yaml").is_file():
            return chart_file, up / "helm-charts" / str(name)
        if up == repo:
            break
    return chart_file, None


class ChartTrees:
    """Chart folders for Helm to render, built from the repository's own chart files (not from
    what hublint reports): the hub's chart, its `file://` subcharts down the values path, a
    stub for a wrapping chart that is not in the repository (its defaults unknown to both), and
    the jupyterhub chart with the release's `values.yaml` and one template printing the
    values its templates see (`{{ toJson .Values }}`)."""

    def __init__(self, oracle: helm_oracle.Oracle, workdir: Path):
        self.oracle = oracle
        self.workdir = workdir
        self.loaded: dict[str, object] = {}

    def get(self, repo: Path, hub: dict, z2jh: Path, schema: Path | None = None):
        """The loaded chart; with `schema`, the jupyterhub chart validates against it."""
        return self.oracle.helm.Chart.load(str(self.folder(repo, hub, z2jh, schema)))

    def folder(self, repo: Path, hub: dict, z2jh: Path, schema: Path | None = None) -> Path:
        nesting = [k for k in hub["values_path"].split(".") if k]
        key = json.dumps([str(repo), hub.get("chart"), nesting, str(z2jh), str(schema)])
        if key not in self.loaded:
            top = self.workdir / f"chart-{len(self.loaded)}"
            chart_file, chart_dir = locate_chart(repo, hub.get("chart"))
            self._write(top, chart_file, chart_dir, "hub-chart", "0.1.0", nesting, z2jh, schema)
            self.loaded[key] = top
        return self.loaded[key]

    def _write(self, d: Path, chart_file, chart_dir, name: str, version: str, nesting, z2jh: Path,
               schema: Path | None):
        d.mkdir(parents=True)
        if not nesting:
            # The jupyterhub chart (it has no dependencies).
            (d / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: {version}\n")
            (d / "values.yaml").write_text((z2jh / "values.yaml").read_text())
            if schema is not None:
                (d / "values.schema.json").write_text(json.dumps(helm_oracle.schema_as_json(schema)))
            (d / "templates").mkdir()
            (d / "templates" / "values.json").write_text(TEMPLATE)
            return
        if chart_file is not None:
            (d / "Chart.yaml").write_text(chart_file.read_text())
            for extra in ("values.yaml", "requirements.yaml"):
                if chart_dir is not None and (chart_dir / extra).is_file():
                    (d / extra).write_text((chart_dir / extra).read_text())
            deps = chart_dependencies(chart_dir, chart_file)
        else:
            # A chart hublint and this test cannot see: it depends on the next key's chart.
            deps = [{"name": "jupyterhub" if len(nesting) == 1 else nesting[0], "version": "0.1.0"}]
            dep_yaml = f"dependencies:\n  - name: {deps[0]['name']}\n    version: 0.1.0\n"
            (d / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: {version}\n{dep_yaml}")
        dep = next((x for x in deps if (x.get("alias") or x.get("name")) == nesting[0]), None)
        if dep is None:
            raise LookupError(f"{chart_file}: no dependency `{nesting[0]}`")
        sub = d / "charts" / str(dep["name"])
        sub_version = str(dep.get("version") or "0.1.0")
        if not SEMVER.match(sub_version):
            sub_version = "0.1.0"
        repository = str(dep.get("repository") or "")
        if repository.startswith("file://") and chart_dir is not None:
            sub_dir = (chart_dir / repository[len("file://"):]).resolve()
            sub_file = sub_dir / "Chart.yaml"
            if len(nesting) > 1:
                self._write(sub, sub_file if sub_file.is_file() else None, sub_dir, str(dep["name"]),
                            sub_version, nesting[1:], z2jh, schema)
                return
        self._write(sub, None, None, str(dep["name"]), sub_version, nesting[1:], z2jh, schema)

    @staticmethod
    def rendered(chart, values: dict) -> dict:
        """The values the jupyterhub chart's templates see for these user values."""
        out = chart.render(values)
        text = next(v for k, v in out.items() if k.endswith("/templates/values.json"))
        return json.loads(text)


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


# Differences between hublint and Helm that are intended: (repository, hub, comparison, JSON
# path prefix, reason). A difference matching an entry is counted as listed; any other fails.
INTENDED: list[tuple[str, str, str, str, str]] = [
]


def intended(repo: str, hub: str, what: str, path: str) -> str | None:
    for r, h, w, prefix, reason in INTENDED:
        if r in ("*", repo) and h in ("*", hub) and w in ("*", what) and path.startswith(prefix):
            return reason
    return None


def release_dir(corpus: Path, version: str | None) -> Path:
    """The jupyterhub chart whose defaults the hub gets: the corpus keeps the values.yaml of
    4.4.0 (the latest release, standing in for every release up to it) and of `main` (for a
    version after 4.4.0, a 5.0.0 development build)."""
    m = re.match(r"v?(\d+)\.(\d+)\.(\d+)", version or "")
    if m and tuple(int(x) for x in m.groups()) > (4, 4, 0):
        return corpus / "z2jh"
    return corpus / "z2jh" / "4.4.0"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--hublint", required=True)
    p.add_argument("--corpus", type=Path, default=helm_oracle.DEFAULT_CORPUS)
    p.add_argument("--z2jh-chart", type=Path,
                   help="the jupyterhub chart folder for every hub (default: by the hub's version)")
    p.add_argument("repos", nargs="*", type=Path)
    args = p.parse_args()
    repos = args.repos or [args.corpus / "2i2c-infrastructure",
                           *sorted(d for d in (args.corpus / "wild").iterdir() if d.is_dir())]
    t0 = time.perf_counter()
    oracle = helm_oracle.Oracle(args.corpus, "4.4.0")
    hubs_compared = hubs_equal = hubs_failed = hidden = unreadable = 0
    listed: list[str] = []
    unlisted = 0
    releases: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="hub-merge-") as tmp:
        trees = ChartTrees(oracle, Path(tmp))
        if not args.repos:
            repos.append(write_fixture(Path(tmp) / "odd-hubs"))
        for repo in repos:
            hubs = hublint_json(args.hublint, repo)["hubs"]
            if not hubs:
                continue
            user_side = hublint_json(args.hublint, repo, "--values", "*")
            charts = {args.z2jh_chart or release_dir(args.corpus, h.get("jupyterhub_version")) for h in hubs}
            rendered_side = {z: hublint_json(args.hublint, repo, "--values", "*", "--with-defaults",
                                             "--jupyterhub-chart", str(z)) for z in charts}
            cache: dict = {}
            for i, (hub, mine) in enumerate(zip(hubs, user_side)):
                z2jh = args.z2jh_chart or release_dir(args.corpus, hub.get("jupyterhub_version"))
                mine_all = rendered_side[z2jh][i]
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
                hubs_compared += 1
                releases[z2jh.name] = releases.get(z2jh.name, 0) + 1
                with trees.get(repo, hub, z2jh) as chart:
                    helm_rendered = ChartTrees.rendered(chart, user)
                equal = True
                failed = False
                for what, helm, ours in (("user values", at(user, nesting), mine["values"]),
                                         ("rendered values", helm_rendered, mine_all["values"])):
                    diff = differences(helm, ours)
                    shown = 0
                    for path, h, o in diff:
                        equal = False
                        reason = intended(repo.name, hub["name"], what, path)
                        line = (f"{label}  {what}  {path or '/'}  helm={json.dumps(h)[:120]}  "
                                f"hublint={json.dumps(o)[:120]}")
                        if reason:
                            listed.append(f"{line}  (intended: {reason})")
                            continue
                        unlisted += 1
                        failed = True
                        if shown < 20:
                            print(line)
                        shown += 1
                    if shown > 20:
                        print(f"{label}  {what}  ... {shown - 20} more")
                hubs_equal += equal
                hubs_failed += failed
    took = time.perf_counter() - t0
    for line in listed:
        print(line)
    print(f"helm-oracle-hubs: {len(repos)} repositories; jupyterhub defaults "
          + ", ".join(f"{k}: {v} hubs" for k, v in sorted(releases.items()))
          + f"; {hidden} hubs with files hublint cannot read (compared on the readable ones), "
          f"{unreadable} hubs with a file Helm refuses (skipped); {took:.1f} s", file=sys.stderr)
    print(f"helm-oracle-hubs: {hubs_compared} hubs compared, {hubs_equal} equal, "
          f"{len(listed)} listed differences, {unlisted} unlisted differences")
    print(f"helm-oracle-hubs: {hubs_compared - hubs_failed} passed, {hubs_failed} failed")
    return 1 if unlisted else 0


if __name__ == "__main__":
    helm_oracle.ensure_sdk()
    sys.exit(main())
