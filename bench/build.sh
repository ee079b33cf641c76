#!/usr/bin/env bash
# `hublint build --skip-build` against `chartpress --skip-build` on the same repository,
# side by side (wall time per run: median and best of N).
#
# The repository is generated in a temporary folder: the z2jh chart's real chartpress.yaml,
# Chart.yaml, values.yaml and values.schema.yaml (read from ../shared/corpus, never copied
# into this repo), a Dockerfile per image, and a git history of COMMITS commits touching
# images, the chart and docs, with a release tag and a prerelease tag on the way.
#
#   bench/build.sh [--runs N] [--commits N] [--hublint PATH] [--chartpress PATH] [--out FILE]
#                  [--registry HOST:PORT [--docker-host URL]]
#
# Defaults: 10 runs, 300 commits, target/release/hublint, chartpress from PATH.
#
# With --registry (a plain-HTTP registry, e.g. Debian's docker-registry on 127.0.0.1), a third
# row times the no-change path of a real release run: `hublint build --push` when the registry
# already has every tag (pushed beforehand as tiny manifests), so each image costs one
# registry request and nothing is built or pushed. chartpress's own no-change `--push` asks a
# Docker engine, which asks the registry; with --docker-host (or DOCKER_HOST set; a throwaway
# engine: bench/docker-engine.sh) a fourth row times that same path of chartpress against the
# same registry, the like-for-like comparison. Without an engine, chartpress's `--skip-build`
# row is the lower bound of it.
set -euo pipefail
REPO=${REPO:-$(cd "$(dirname "$0")/.." && pwd)}
RUNS=10
COMMITS=300
HUBLINT=""
CHARTPRESS=""
OUT=""
REGISTRY=""
DOCKER=${DOCKER_HOST:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --commits) COMMITS=$2; shift 2 ;;
    --hublint) HUBLINT=$2; shift 2 ;;
    --chartpress) CHARTPRESS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --registry) REGISTRY=$2; shift 2 ;;
    --docker-host) DOCKER=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
HUBLINT=${HUBLINT:-${CARGO_TARGET_DIR:-$REPO/target}/release/hublint}
CHARTPRESS=${CHARTPRESS:-$(command -v chartpress || true)}
CORPUS="$REPO/../shared/corpus/z2jh"
[ -x "$HUBLINT" ] || { echo "no hublint binary at $HUBLINT (cargo build --release -p hublint)" >&2; exit 2; }
[ -n "$CHARTPRESS" ] && [ -x "$CHARTPRESS" ] || { echo "no chartpress (pip install chartpress==2.4.0, or --chartpress PATH)" >&2; exit 2; }
[ -d "$CORPUS" ] || { echo "no corpus at $CORPUS" >&2; exit 2; }

WORK=$(mktemp -d /tmp/hublint-bench-build.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
R="$WORK/z2jh"
mkdir -p "$R/jupyterhub" "$R/docs"
cd "$R"
git init -q -b main
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org \
       GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org
gc() { git -c commit.gpgsign=false -c tag.gpgsign=false "$@"; }

cp "$CORPUS/chartpress.yaml" chartpress.yaml
cp "$CORPUS/Chart.yaml" "$CORPUS/values.yaml" "$CORPUS/values.schema.yaml" jupyterhub/
# baseVersion must sort after the tags made below.
images=(hub secret-sync network-tools image-awaiter singleuser-sample)
for img in "${images[@]}"; do
  mkdir -p "images/$img"
  printf 'FROM python:3.12-slim-bookworm\nCOPY requirements.txt /tmp/requirements.txt\nRUN pip install --no-cache-dir -r /tmp/requirements.txt\n' > "images/$img/Dockerfile"
  printf 'jupyterhub==5.3.0\n' > "images/$img/requirements.txt"
done
echo "# docs" > docs/index.md
gc add -A && gc commit -q -m "initial"

for i in $(seq 2 "$COMMITS"); do
  case $((i % 7)) in
    0|1) f="images/${images[$((i % ${#images[@]}))]}/requirements.txt"; echo "# rebuild $i" >> "$f" ;;
    2|3) echo "# $i" >> jupyterhub/values.schema.yaml ;;
    *) echo "change $i" >> docs/index.md ;;
  esac
  gc commit -qam "commit $i"
  [ "$i" -eq $((COMMITS / 3)) ] && gc tag 4.0.0
  [ "$i" -eq $((2 * COMMITS / 3)) ] && gc tag -a -m beta 4.1.0-beta.1
done

# time_runs NAME CMD...: RUNS runs, files reset before each; per run the wall time and the CPU
# time (user + system) of the command and every process it started, in microseconds.
time_runs() {
  local name=$1; shift
  python3 - "$RUNS" "$WORK/$name" "$@" <<'PY'
import resource, subprocess, sys, time
runs, out, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
wall, cpu = [], []
for _ in range(runs):
    subprocess.run(["git", "checkout", "-q", "--", "."], check=True)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t1 = time.perf_counter()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.stderr.write(f"{cmd[0]} failed:\n{p.stderr.decode()}")
        sys.exit(1)
    wall.append(int((t1 - t0) * 1e6))
    cpu.append(int(((r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)) * 1e6))
open(out + ".times", "w").write("\n".join(map(str, sorted(wall))) + "\n")
open(out + ".cpu", "w").write("\n".join(map(str, sorted(cpu))) + "\n")
PY
}

time_runs chartpress "$CHARTPRESS" --skip-build
cp jupyterhub/values.yaml "$WORK/values.chartpress.yaml"
time_runs hublint "$HUBLINT" build --skip-build --bump-chart
cp jupyterhub/values.yaml "$WORK/values.hublint.yaml"
git checkout -q -- .

# The no-change release path: every tag already in the registry.
if [ -n "$REGISTRY" ]; then
  PREFIX="$REGISTRY/hublint-bench-$$/k8s-"
  "$HUBLINT" build --list-images --image-prefix "$PREFIX" > "$WORK/registry.list"
  # One tiny OCI manifest (an empty config, no layers) under each name:tag.
  python3 - "$REGISTRY" "$WORK/registry.list" <<'PY'
import hashlib, json, sys, urllib.request
registry, listing = sys.argv[1], sys.argv[2]
config = b"{}"
digest = "sha256:" + hashlib.sha256(config).hexdigest()
manifest = json.dumps({
    "schemaVersion": 2,
    "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": digest, "size": len(config)},
    "layers": [],
}).encode()
def call(method, url, body=None, headers={}):
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=10) as r:
        return r
for ref in open(listing).read().split():
    name, tag = ref[len(registry) + 1:].rsplit(":", 1)
    base = f"http://{registry}/v2/{name}"
    loc = call("POST", f"{base}/blobs/uploads/").headers["Location"]
    if loc.startswith("/"):
        loc = f"http://{registry}{loc}"
    call("PUT", f"{loc}{'&' if '?' in loc else '?'}digest={digest}", config,
         {"Content-Type": "application/octet-stream"})
    call("PUT", f"{base}/manifests/{tag}", manifest,
         {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
PY
  time_runs registry "$HUBLINT" build --push --bump-chart --builder buildah --image-prefix "$PREFIX"
  "$HUBLINT" build --push --bump-chart --builder buildah --image-prefix "$PREFIX" --json 2>/dev/null > "$WORK/registry.json"
  git checkout -q -- .
  python3 - "$WORK/registry.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["ok"], r.get("error")
for i in r["images"]:
    assert i["registry"] == "present" and i["build"]["status"] == "in-registry", i
PY
  # chartpress's own no-change path: for each image its engine is asked whether the tag is
  # there (not built), then again before pushing (not pushed).
  if [ -n "$DOCKER" ]; then
    export DOCKER_HOST=$DOCKER
    "$CHARTPRESS" --push --image-prefix "$PREFIX" > "$WORK/chartpress-push.out" 2>&1 \
      || { cat "$WORK/chartpress-push.out" >&2; exit 1; }
    git checkout -q -- .
    while read -r ref; do
      grep -qF "Skipping build for $ref, it already exists" "$WORK/chartpress-push.out" \
        && grep -qF "Skipping push for $ref, already on registry" "$WORK/chartpress-push.out" \
        || { echo "chartpress did not skip $ref:" >&2; cat "$WORK/chartpress-push.out" >&2; exit 1; }
    done < "$WORK/registry.list"
    time_runs chartpress-push "$CHARTPRESS" --push --image-prefix "$PREFIX"
    unset DOCKER_HOST
    git checkout -q -- .
  fi
fi

# Same tags, or the timing means nothing.
"$HUBLINT" build --list-images | sort > "$WORK/hublint.list"
"$CHARTPRESS" --list-images 2>/dev/null | sort > "$WORK/chartpress.list"
same="yes"
comm -13 "$WORK/hublint.list" "$WORK/chartpress.list" | grep -q . && same="NO"

median() { sed -n "$(( ($(wc -l < "$1") + 1) / 2 ))p" "$1"; }
best() { head -1 "$1"; }
ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
cm=$(median "$WORK/chartpress.times"); hm=$(median "$WORK/hublint.times")
cb=$(best "$WORK/chartpress.times"); hb=$(best "$WORK/hublint.times")
cc=$(median "$WORK/chartpress.cpu"); hc=$(median "$WORK/hublint.cpu")
{
  echo "hublint build --skip-build vs chartpress --skip-build"
  echo "repository: z2jh chart (corpus files), ${#images[@]} images + hub-slim, $COMMITS commits, tags 4.0.0 and 4.1.0-beta.1"
  echo "runs: $RUNS each; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "hublint: $HUBLINT"
  echo "chartpress: $("$CHARTPRESS" --version 2>&1)"
  echo
  printf '%-30s %14s %12s %16s\n' "" "median wall ms" "best wall ms" "median CPU ms"
  printf '%-30s %14s %12s %16s\n' "chartpress --skip-build" "$(ms "$cm")" "$(ms "$cb")" "$(ms "$cc")"
  printf '%-30s %14s %12s %16s\n' "hublint build --skip-build" "$(ms "$hm")" "$(ms "$hb")" "$(ms "$hc")"
  if [ -n "$REGISTRY" ]; then
    rm_=$(median "$WORK/registry.times"); rb=$(best "$WORK/registry.times"); rc=$(median "$WORK/registry.cpu")
    printf '%-30s %14s %12s %16s\n' "hublint build --push (in reg.)" "$(ms "$rm_")" "$(ms "$rb")" "$(ms "$rc")"
  fi
  if [ -n "$REGISTRY" ] && [ -n "$DOCKER" ]; then
    pm=$(median "$WORK/chartpress-push.times"); pb=$(best "$WORK/chartpress-push.times"); pc=$(median "$WORK/chartpress-push.cpu")
    printf '%-30s %14s %12s %16s\n' "chartpress --push (in reg.)" "$(ms "$pm")" "$(ms "$pb")" "$(ms "$pc")"
  fi
  echo
  echo "speed-up: wall (median) $(ratio "$cm" "$hm")x, wall (best) $(ratio "$cb" "$hb")x, CPU (median) $(ratio "$cc" "$hc")x   (target: 20x)"
  if [ -n "$REGISTRY" ]; then
    echo "no-change --push with the registry check (every tag in $REGISTRY) against chartpress --skip-build:"
    echo "  wall (median) $(ratio "$cm" "$rm_")x, wall (best) $(ratio "$cb" "$rb")x, CPU (median) $(ratio "$cc" "$rc")x   (target: 20x)"
  fi
  if [ -n "$REGISTRY" ] && [ -n "$DOCKER" ]; then
    echo "no-change --push against no-change --push, both asking $REGISTRY (chartpress through the engine at $DOCKER):"
    echo "  wall (median) $(ratio "$pm" "$rm_")x, wall (best) $(ratio "$pb" "$rb")x, CPU (median) $(ratio "$pc" "$rc")x   (target: 20x)"
    echo "  (CPU counts each tool's own processes: neither the registry's nor the engine's)"
  fi
  echo "CPU time counts every process each tool started (git included); on a busy machine it is"
  echo "the steadier figure, wall time the one a person waits for."
  echo "same image tags as chartpress --list-images: $same"
  echo "hublint's run includes linting the repository (the build is refused on any error)."
} | tee "${OUT:-/dev/null}"
[ "$same" = yes ]
