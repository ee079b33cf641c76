#!/usr/bin/env python3
"""Helm (helm-python-sdk: Helm v4's Go code) doing for every hub of the corpus (2i2c and every
`wild/` repository) what `helm template -f ... -f ...` does with the hub's chart: each values
file read (`values_from_yaml`), the files merged in order (Helm's mergeMaps), the chart loaded
from disk (`Chart.load`: the hub's chart with its dependencies down to the jupyterhub chart,
built by tests/oracle/hub_merge.py's ChartTrees) and rendered (`render`: dependencies processed,
defaults coalesced, validated against the jupyterhub schema (4.4.0's, or main's for a hub after 4.4.0), one
template);
then `hublint check` on the same repositories, each in one process. One run, side by side.

    helm_all_hubs.py --hublint BIN [--corpus DIR] [--runs N]   (in the oracle's venv)
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "oracle"))
import helm_oracle  # noqa: E402
import hub_merge  # noqa: E402


def schema_for(corpus: Path, version: str | None) -> Path:
    """The schema of the release whose defaults the hub gets (4.4.0, or main after 4.4.0):
    the corpus keeps older releases' schemas but not their defaults, and an older schema
    refuses keys of newer defaults (httpRoute, extraPodSpec), which no real install sees."""
    return hub_merge.release_dir(corpus, version) / "values.schema.yaml"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--hublint", required=True)
    p.add_argument("--corpus", type=Path, default=helm_oracle.DEFAULT_CORPUS)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    repos = [args.corpus / "2i2c-infrastructure",
             *sorted(d for d in (args.corpus / "wild").iterdir() if d.is_dir())]
    oracle = helm_oracle.Oracle(args.corpus, "4.4.0")
    with tempfile.TemporaryDirectory(prefix="helm-all-hubs-") as tmp:
        trees = hub_merge.ChartTrees(oracle, Path(tmp))
        # What each hub is (its files, chart, release) comes from hublint's discovery, outside
        # the timing; the chart folders are written before it too (helm finds them on disk).
        jobs = []
        for repo in repos:
            for hub in hub_merge.hublint_json(args.hublint, repo)["hubs"]:
                files = [repo / f["path"] for f in hub["values_files"]
                         if (f.get("note") or "") not in ("secret", "jsonnet", "missing")
                         and not (f.get("note") or "").startswith("inline at ")
                         and (repo / f["path"]).is_file()]
                z2jh = hub_merge.release_dir(args.corpus, hub.get("jupyterhub_version"))
                schema = schema_for(args.corpus, hub.get("jupyterhub_version"))
                jobs.append((files, trees.folder(repo, hub, z2jh, schema)))
        for run in range(1, args.runs + 1):
            verdicts = {"valid": 0, "invalid": 0, "unreadable": 0}
            t0 = time.perf_counter()
            for files, folder in jobs:
                user: dict = {}
                for f in files:
                    values, err = oracle.read(f.read_text(encoding="utf-8", errors="surrogateescape"))
                    if err is not None:
                        verdicts["unreadable"] += 1
                        break
                    if isinstance(values, dict):
                        user = helm_oracle.merge_maps(user, values)
                else:
                    with oracle.helm.Chart.load(str(folder)) as chart:
                        try:
                            chart.render(user)
                            verdicts["valid"] += 1
                        except oracle.helm.HelmError:
                            verdicts["invalid"] += 1
            helm_ms = (time.perf_counter() - t0) * 1000
            t0 = time.perf_counter()
            exit_codes = [subprocess.run([args.hublint, "check", str(r), "-q"], capture_output=True).returncode
                          for r in repos]
            hublint_ms = (time.perf_counter() - t0) * 1000
            print(json.dumps({"run": run, "hubs": len(jobs), "repositories": len(repos),
                              "helm_ms": round(helm_ms), "helm_verdicts": verdicts,
                              "hublint_check_ms": round(hublint_ms),
                              "hublint_exit_codes": sorted(set(exit_codes))}))
    return 0


if __name__ == "__main__":
    helm_oracle.ensure_sdk()
    sys.exit(main())
