#!/usr/bin/env bash
# Differential test against Helm itself (issue 14): Helm v4's own Go code, from the PyPI
# package helm-python-sdk (no Go, no helm binary), reads, merges and validates generated
# jupyterhub values documents; hublint checks the same documents in one run; verdicts and
# error paths must agree (tests/oracle/README.md); and every corpus hub's merged values must be
# the values Helm renders the jupyterhub chart with. Installs: python3-venv (Debian) and, in a
# venv under test-output/, helm-python-sdk and PyYAML (PyPI). About 3 minutes on 2 cores,
# half a minute of it the install. `--known N`: the open differences of README.md, a ratchet
# (more fail the step; fewer print so, to lower N).
set -euo pipefail
REPO=${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}
OUT=$REPO/test-output/helm-oracle
mkdir -p "$OUT"
if [ ! -d "$REPO/../shared/corpus/z2jh" ]; then
  echo "helm-oracle: corpus not found beside the repository; skipped"
  echo "helm-oracle: 0 passed, 0 failed"
  exit 0
fi
if ! python3 -c "import venv, ensurepip" 2>/dev/null; then
  apt-get install -y -q python3-venv >/dev/null
fi
export HELM_ORACLE_VENV=${HELM_ORACLE_VENV:-$OUT/venv}
(cd "$REPO" && cargo build -q -p hublint && cargo build -q -p hublint-core --example schema_verdicts)
BIN=${CARGO_TARGET_DIR:-$REPO/target}/debug/hublint
PY=$(cd "$REPO" && python3 -c "import sys; sys.path.insert(0, 'tests/oracle'); import helm_oracle; print(helm_oracle.venv_python())")
status=0
# The chart folder beside the documents: hublint merges the chart's defaults as Helm does.
"$PY" "$REPO/tests/oracle/differential.py" --hublint "$BIN" --mode chart --seed 14 --count 16000 --known 15 \
  --work "$OUT/chart" 2>"$OUT/chart.stderr" | tee "$OUT/chart.log" || status=1
# The modeline alone: hublint's compiled-in schema, without the chart's defaults.
"$PY" "$REPO/tests/oracle/differential.py" --hublint "$BIN" --mode compiled --seed 15 --count 4000 --known 3 \
  --work "$OUT/compiled" 2>"$OUT/compiled.stderr" | tee "$OUT/compiled.log" || status=1
# Arbitrary draft-07 schemas and instances: hublint's validator against Helm's.
"$PY" "$REPO/tests/oracle/schemas.py" --hublint "$BIN" --seed 16 --count 3000 --known 0 \
  --work "$OUT/schemas" 2>"$OUT/schemas.stderr" | tee "$OUT/schemas.log" || status=1
# Merge parity on every hub of the corpus: the values hublint merges for the jupyterhub chart
# against the values Helm renders it with (one line per hub).
"$PY" "$REPO/tests/oracle/hub_merge.py" --hublint "$BIN" 2>"$OUT/hubs.stderr" | tee "$OUT/hubs.log" || status=1
tail -n 1 "$OUT/hubs.stderr" || true
# The four steps' own last lines, summed.
sed -n 's/^helm-oracle[a-z-]*: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$OUT"/{chart,compiled,schemas,hubs}.log |
  awk -v status=$status '{p += $1; f += $2} END {if (NR != 4 && f == 0) f = 1; if (status && f == 0) f = 1; print "helm-oracle: " p " passed, " f " failed"}'
exit $status
