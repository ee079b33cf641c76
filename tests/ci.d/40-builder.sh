#!/usr/bin/env bash
# hublint build, for real: chartpress 2.4.0 parity (tags, values, `--reset` byte for byte),
# buildah + a local registry (build, push, skopeo inspect, the registry's tags skipped,
# --force-push, failure cases), the CLI end to end, and a short benchmark run.
#
# Installs (idempotent): docker-registry buildah skopeo runc busybox-static python3-venv and
# docker.io (the benchmark's engine for chartpress) from Debian; chartpress==2.4.0 in a venv.
# The registry listens on 127.0.0.1 on a free port and is stopped by PID on exit; buildah uses
# vfs storage and chroot isolation in a scratch folder.
set -euo pipefail
REPO=${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$REPO"
OUT="$REPO/test-output/builder"
mkdir -p "$OUT"
TARGET=${CARGO_TARGET_DIR:-$REPO/target}

log() { printf '[40-builder %s] %s\n' "$(date +%T)" "$*"; }

# --- installs ---
need=()
for p in docker-registry buildah skopeo runc busybox-static python3-venv; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  log "apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" > "$OUT/apt.log" 2>&1
fi
# A Docker engine, only for the benchmark's chartpress `--push` row (chartpress asks an engine
# whether a tag is in the registry); started under the scratch folder, stopped on exit.
if ! command -v dockerd >/dev/null; then
  log "apt-get install docker.io"
  [ ${#need[@]} -gt 0 ] || apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io \
    >> "$OUT/apt.log" 2>&1
fi
VENV=${HUBLINT_BUILDER_VENV:-/opt/hublint-builder-venv}
if ! "$VENV/bin/chartpress" --version 2>/dev/null | grep -qx 'chartpress version 2.4.0'; then
  log "installing chartpress==2.4.0 in $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q chartpress==2.4.0 > "$OUT/pip.log" 2>&1
fi

# --- scratch space, registry, container tool configuration ---
WORK=$(mktemp -d /tmp/hublint-builder-ci.XXXXXX)
REG_PID=""
cleanup() {
  if [ -n "$REG_PID" ]; then kill "$REG_PID" 2>/dev/null || true; wait "$REG_PID" 2>/dev/null || true; fi
  bash "$REPO/bench/docker-engine.sh" stop "$WORK/engine" || true
  # vfs layers may be read-only directories.
  chmod -R u+w "$WORK" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
REGISTRY="127.0.0.1:$PORT"
cat > "$WORK/registry.yml" <<EOF
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: $WORK/registry-data }
  delete: { enabled: true }
http:
  addr: $REGISTRY
EOF
docker-registry serve "$WORK/registry.yml" > "$OUT/registry.log" 2>&1 &
REG_PID=$!
for _ in $(seq 50); do
  python3 -c "import urllib.request,sys; urllib.request.urlopen('http://$REGISTRY/v2/', timeout=1)" 2>/dev/null && break
  sleep 0.2
done
python3 -c "import urllib.request; urllib.request.urlopen('http://$REGISTRY/v2/', timeout=2)"
log "registry up at $REGISTRY (pid $REG_PID)"

cat > "$WORK/registries.conf" <<EOF
[[registry]]
location = "$REGISTRY"
insecure = true
EOF
cat > "$WORK/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$WORK/vfs/root"
runroot = "$WORK/vfs/run"
EOF
export CONTAINERS_REGISTRIES_CONF="$WORK/registries.conf"
export CONTAINERS_STORAGE_CONF="$WORK/storage.conf"
export BUILDAH_ISOLATION=chroot
export HUBLINT_TEST_REGISTRY="$REGISTRY"
export HUBLINT_CHARTPRESS="$VENV/bin/chartpress"

# --- Rust tests that need chartpress, buildah and the registry ---
log "cargo test --test parity --test registry --test safety (parity with chartpress, real build and push)"
# --workspace: the features of the first step's build, so its artifacts are reused, not rebuilt.
cargo test --workspace --test parity --test registry --test safety -- --nocapture \
  2>&1 | tee "$OUT/cargo-test.log"

# --- the CLI end to end ---
cargo test -q --workspace --no-run
HUBLINT="$TARGET/debug/hublint"
gitc() { git -c user.name=ci -c user.email=ci@example.org -c commit.gpgsign=false "$@"; }
R="$WORK/cli-repo"
ORG="hublint-ci-$$"
mkdir -p "$R/mychart" "$R/images/hub"
printf 'charts:\n  - name: mychart\n    imagePrefix: %s/%s/\n    images:\n      hub:\n        valuesPath: hub.image\n' "$REGISTRY" "$ORG" > "$R/chartpress.yaml"
printf 'apiVersion: v2\nname: mychart\nversion: 0.1.0\n' > "$R/mychart/Chart.yaml"
cat > "$R/mychart/values.yaml" <<EOF
# comments, quotes and list style stay
hub:
  image:
    name: $REGISTRY/$ORG/hub   # main image
    tag: 'set-by-chartpress'
  extraEnv:
  - name: A
    value: "1"
EOF
printf 'FROM scratch\nCOPY hello.txt /hello.txt\n' > "$R/images/hub/Dockerfile"
echo hello > "$R/images/hub/hello.txt"
(cd "$R" && git init -q -b main && gitc add -A && gitc commit -qm c1)
cp "$R/mychart/values.yaml" "$WORK/values.before"

log "hublint build --push --builder buildah --json"
(cd "$R" && "$HUBLINT" build --push --builder buildah --json > "$OUT/cli-push.json" 2> "$OUT/cli-push.err") \
  || { cat "$OUT/cli-push.err"; exit 1; }
TAG=$(python3 -c "import json; r=json.load(open('$OUT/cli-push.json')); assert r['ok'], r; print(r['images'][0]['tag'])")
skopeo inspect --tls-verify=false "docker://$REGISTRY/$ORG/hub:$TAG" > "$OUT/skopeo.json"
python3 - "$OUT/skopeo.json" "$TAG" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["RepoTags"] == [sys.argv[2]], r["RepoTags"]
EOF
sed "s/tag: 'set-by-chartpress'/tag: '$TAG'/" "$WORK/values.before" > "$WORK/values.expected"
cmp "$WORK/values.expected" "$R/mychart/values.yaml" \
  || { diff "$WORK/values.expected" "$R/mychart/values.yaml"; exit 1; }
log "pushed $REGISTRY/$ORG/hub:$TAG; values.yaml differs only in the tag"

log "shell metacharacters in a name: rejected before any process runs (PATH emptied)"
printf 'charts:\n  - name: mychart\n    imagePrefix: "%s/x;touch /tmp/hublint-pwned-%s;/"\n    images:\n      hub:\n        valuesPath: hub.image\n' "$REGISTRY" "$$" > "$R/chartpress.yaml"
set +e
(cd "$R" && env PATH=/nonexistent "$HUBLINT" build --push --builder buildah) > "$OUT/cli-meta.out" 2> "$OUT/cli-meta.err"
rc=$?
set -e
[ "$rc" -eq 2 ] || { echo "expected exit 2, got $rc"; cat "$OUT/cli-meta.err"; exit 1; }
grep -q "invalid image name" "$OUT/cli-meta.err" || { cat "$OUT/cli-meta.err"; exit 1; }
[ ! -e "/tmp/hublint-pwned-$$" ]
(cd "$R" && git checkout -q -- .)

log "benchmark (debug binary, 3 runs: a smoke run; see bench/build.md for release figures)"
ENGINE=$(bash "$REPO/bench/docker-engine.sh" start "$WORK/engine")
log "docker engine at $ENGINE"
bash "$REPO/bench/build.sh" --runs 3 --commits 120 --hublint "$HUBLINT" --chartpress "$VENV/bin/chartpress" \
  --registry "$REGISTRY" --docker-host "$ENGINE" --out "$OUT/bench.txt"

echo "40-builder: 3 passed, 0 failed"
