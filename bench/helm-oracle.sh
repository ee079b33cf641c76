#!/usr/bin/env bash
# Helm itself (helm-python-sdk: Helm v4's Go SDK) reading, merging and validating every hub of
# the 2i2c corpus (bench/helm_hubs.py), side by side with `hublint check` on the same corpus,
# in one run; then every hub of the whole corpus, 2i2c and wild/ (bench/helm_all_hubs.py).
# Then the differential test at scale: bench/helm-oracle.sh --documents N runs
# tests/oracle/differential.py over N generated documents (a million takes about an hour).
# Usage: bash bench/helm-oracle.sh [--debug] [--documents N]
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=$REPO/../shared/corpus
PROFILE=release
DOCS=0
while [ $# -gt 0 ]; do
  case $1 in
    --debug) PROFILE=debug ;;
    --documents) DOCS=$2; shift ;;
  esac
  shift
done
cd "$REPO"
if [ "$PROFILE" = release ]; then cargo build -q --release -p hublint; else cargo build -q -p hublint; fi
BIN=${CARGO_TARGET_DIR:-$REPO/target}/$PROFILE/hublint
PY=$(python3 -c "import sys; sys.path.insert(0, 'tests/oracle'); import helm_oracle; print(helm_oracle.venv_python())")
echo "$(nproc) cores; $(date -u +%F); hublint $PROFILE build"
s=$(date +%s%N)
"$PY" bench/helm_hubs.py "$CORPUS/2i2c-infrastructure" "$CORPUS" 2>/dev/null
e=$(date +%s%N)
echo "helm (sdk), whole process incl. library load: $(( (e - s) / 1000000 )) ms"
s=$(date +%s%N)
"$BIN" check "$CORPUS/2i2c-infrastructure" --exclude 'history/**' -q >/dev/null || true
e=$(date +%s%N)
echo "hublint check (all rules, all files, same corpus): $(( (e - s) / 1000000 )) ms"
# Every hub of the corpus (2i2c and wild/), Helm rendering each hub's chart with its values
# (read, merge, coalesce, validate) vs `hublint check` on the same repositories, 3 runs.
"$PY" bench/helm_all_hubs.py --hublint "$BIN" --runs 3 2>/dev/null
if [ "$DOCS" -gt 0 ]; then
  "$PY" tests/oracle/differential.py --hublint "$BIN" --count "$DOCS" --mode chart --show 0 2>/dev/null
fi
