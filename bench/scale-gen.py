#!/usr/bin/env python3
"""Generate a deployment repository at scale from the shapes of the 2i2c corpus.

Two modes, both writing OUT/ (replaced if it exists) with the corpus's `helm-charts/` (charts,
chartpress.yaml, hub image Dockerfile and requirements) and `config/clusters/`:

  --copies K          K copies of every corpus cluster (`<name>-<k>`), unchanged but for the
                      cluster's `name:`: "K times the corpus" (1, 10, 100 in the benchmark).
  --clusters N --hubs M
                      N clusters of M hubs each, in the corpus's layout: cluster i takes the
                      cluster.yaml header, common and support values of corpus cluster
                      i mod 30; hub j's values file is corpus hub values file (i*M + j) mod 204.

The corpus is read in place (../shared/corpus beside the repository) and never copied into
the repository. Prints one line: clusters, hubs, files, bytes.
"""
import argparse
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "2i2c-infrastructure"
# The cluster.yaml keys before `hubs:` are kept as they are; the hub list is rewritten.
HUBS_LINE = re.compile(r"^hubs:\s*$", re.M)


def corpus_clusters():
    root = CORPUS / "config" / "clusters"
    return sorted(d for d in root.iterdir() if (d / "cluster.yaml").is_file())


def copy_helm_charts(out):
    shutil.copytree(CORPUS / "helm-charts", out / "helm-charts")
    for p in (out / "helm-charts").rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def copies(out, k):
    hubs = 0
    for c in corpus_clusters():
        files = sorted(p for p in c.iterdir() if p.is_file())
        text = (c / "cluster.yaml").read_text()
        hubs += len(re.findall(r"^\s*- name:", text[HUBS_LINE.search(text).end():] if HUBS_LINE.search(text) else "", re.M))
        for i in range(k):
            name = f"{c.name}-{i}"
            dst = out / "config" / "clusters" / name
            for f in files:
                body = f.read_text()
                if f.name == "cluster.yaml":
                    body = re.sub(r"^name:.*$", f"name: {name}", body, count=1, flags=re.M)
                write(dst / f.name, body)
    return len(corpus_clusters()) * k, hubs * k


def grid(out, n, m):
    clusters = corpus_clusters()
    hub_values = sorted(
        p for c in clusters for p in c.glob("*.values.yaml")
        if p.name not in ("common.values.yaml", "support.values.yaml")
    )
    for i in range(n):
        src = clusters[i % len(clusters)]
        name = f"c{i:04d}"
        dst = out / "config" / "clusters" / name
        text = (src / "cluster.yaml").read_text()
        head = text[: HUBS_LINE.search(text).start()] if HUBS_LINE.search(text) else text
        head = re.sub(r"^name:.*$", f"name: {name}", head, count=1, flags=re.M)
        has_common = (src / "common.values.yaml").is_file()
        lines = [head.rstrip("\n"), "hubs:"]
        for j in range(m):
            hub = f"h{j:03d}"
            chart = "daskhub" if j % 4 == 3 else "basehub"
            lines += [f"- name: {hub}", f"  domain: {hub}.{name}.example.org", f"  helm_chart: {chart}",
                      "  helm_chart_values_files:"]
            if has_common:
                lines.append("  - common.values.yaml")
            lines.append(f"  - {hub}.values.yaml")
            write(dst / f"{hub}.values.yaml", hub_values[(i * m + j) % len(hub_values)].read_text())
        write(dst / "cluster.yaml", "\n".join(lines) + "\n")
        for shared in ("common.values.yaml", "support.values.yaml"):
            if (src / shared).is_file():
                write(dst / shared, (src / shared).read_text())
    return n, n * m


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--copies", type=int)
    ap.add_argument("--clusters", type=int)
    ap.add_argument("--hubs", type=int)
    a = ap.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"scale-gen: corpus not found at {CORPUS}")
    if (a.copies is None) == (a.clusters is None or a.hubs is None):
        ap.error("give --copies K, or --clusters N and --hubs M")
    if a.out.exists():
        shutil.rmtree(a.out)
    a.out.mkdir(parents=True)
    copy_helm_charts(a.out)
    n, hubs = copies(a.out, a.copies) if a.copies is not None else grid(a.out, a.clusters, a.hubs)
    files = [p for p in a.out.rglob("*") if p.is_file()]
    print(f"clusters={n} hubs={hubs} files={len(files)} bytes={sum(p.stat().st_size for p in files)}")


if __name__ == "__main__":
    main()
