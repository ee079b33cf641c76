#!/usr/bin/env bash
# Wall time of `hublint check` on the whole 2i2c corpus (without history/), side by side with
# yamllint on the same YAML files and hadolint on the same Dockerfiles, in one run.
# Usage: bash bench/check-corpus.sh [RUNS]
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=$REPO/../shared/corpus/2i2c-infrastructure
RUNS=${1:-20}
cd "$REPO"
cargo build -q --release -p hublint
BIN=$REPO/target/release/hublint
PEERS=$(bash bench/peers-venv.sh)
mapfile -t YAMLS < <(cd "$CORPUS" && find . -path ./history -prune -o \( -name '*.yaml' -o -name '*.yml' \) -print | sort)
mapfile -t DOCKERFILES < <(cd "$CORPUS" && find . -path ./history -prune -o -name 'Dockerfile*' -print | sort)

median_ms() { # command... -> median wall time in ms over $RUNS runs
  local times=()
  for _ in $(seq "$RUNS"); do
    local s e
    s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
    times+=($(( (e - s) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m/1000}'
}

echo "corpus: ${#YAMLS[@]} YAML files, ${#DOCKERFILES[@]} Dockerfiles; median of $RUNS runs; $(nproc) cores; $(date -u +%F)"
printf '%-52s %10s\n' "command" "median ms"
printf '%-52s %10s\n' "hublint check (all rules, all files)" "$(median_ms "$BIN" check "$CORPUS" --exclude 'history/**' -q)"
printf '%-52s %10s\n' "yamllint -d relaxed (same YAML files)" "$(cd "$CORPUS" && median_ms "$PEERS/yamllint" -f parsable -d relaxed "${YAMLS[@]}")"
printf '%-52s %10s\n' "hadolint (same Dockerfiles)" "$(cd "$CORPUS" && median_ms "$PEERS/hadolint" "${DOCKERFILES[@]}")"
