#!/usr/bin/env python3
"""Helm (helm-python-sdk: Helm v4's Go code) reading, merging and validating every hub of the
2i2c corpus, the way `helm upgrade -f ... -f ...` does before it renders: each values file read
(`values_from_yaml`), the files merged in order (Helm's mergeMaps), the jupyterhub part
coalesced with the chart's defaults (`merge_values`) and validated against the chart's schema
(`validate_schema`), one hub at a time. Prints the hub count, what Helm said, and the time.

    helm_hubs.py CORPUS   (run by bench/helm-oracle.sh, in the oracle's venv)
"""
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "oracle"))
import helm_oracle  # noqa: E402


def hubs(corpus: Path):
    """(cluster, hub, chart, [values file paths]) from every cluster.yaml."""
    for cluster_yaml in sorted((corpus / "config" / "clusters").glob("*/cluster.yaml")):
        doc = yaml.safe_load(cluster_yaml.read_text()) or {}
        for hub in doc.get("hubs") or []:
            files = [cluster_yaml.parent / f for f in hub.get("helm_chart_values_files") or []]
            yield cluster_yaml.parent.name, hub.get("name"), hub.get("helm_chart", "basehub"), files


def main() -> int:
    corpus = Path(sys.argv[1])
    chart = yaml.safe_load((corpus / "helm-charts" / "basehub" / "Chart.yaml").read_text())
    version = next(d["version"] for d in chart["dependencies"] if d["name"] == "jupyterhub")
    z2jh = Path(sys.argv[2]) if len(sys.argv) > 2 else helm_oracle.DEFAULT_CORPUS
    release = version if (z2jh / "z2jh" / "schemas" / f"{version}.values.schema.yaml").exists() else "4.4.0"
    all_hubs = list(hubs(corpus))
    t0 = time.perf_counter()
    oracle = helm_oracle.Oracle(z2jh, release)
    counts = {"valid": 0, "invalid": 0, "unreadable": 0, "encrypted files skipped": 0}
    texts_cache = {}
    layers = {}
    for layer in ("daskhub", "basehub"):
        f = corpus / "helm-charts" / layer / "values.yaml"
        layers[layer] = (oracle.read(f.read_text())[0] or {}) if f.exists() else {}
    for _cluster, _name, chart_name, files in all_hubs:
        # The wrapping charts' own defaults come first (daskhub wraps basehub).
        user = {}
        for layer in (["daskhub"] if chart_name == "daskhub" else []) + ["basehub"]:
            d = layers[layer]
            if chart_name == "daskhub" and layer == "basehub":
                d = {"basehub": d}
            user = helm_oracle.merge_maps(user, d)
        unreadable = False
        for f in files:
            if f.name.startswith("enc-") or not f.exists():
                counts["encrypted files skipped"] += 1
                continue
            text = texts_cache.setdefault(f, f.read_text())
            values, err = oracle.read(text)
            if err:
                unreadable = True
                break
            user = helm_oracle.merge_maps(user, values)
        if unreadable:
            counts["unreadable"] += 1
            continue
        part = user.get("basehub", {}) if chart_name == "daskhub" else user
        part = part.get("jupyterhub", {}) if isinstance(part, dict) else {}
        merged = oracle.chart.merge_values(part if isinstance(part, dict) else {})
        try:
            oracle.chart.validate_schema(merged)
            counts["valid"] += 1
        except oracle.helm.HelmError as e:
            counts["invalid"] += 1
            if "-v" in sys.argv:
                print(_cluster, _name, str(e)[:300])
    took = time.perf_counter() - t0
    print(f"helm {oracle.helm.helm_sdk_version()} (helm-python-sdk), jupyterhub chart {version} "
          f"(schema {release}): {len(all_hubs)} hubs, " + ", ".join(f"{k} {v}" for k, v in counts.items())
          + f"; {took * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    helm_oracle.ensure_sdk()
    sys.exit(main())
