#!/usr/bin/env bash
# Hardening checks that are not cargo tests (the hostile-input tests are: core/tests/hostile_*.rs
# and discover/tests/hostile_*.rs run in `cargo test --workspace`):
#   1. pre-commit from PyPI runs the hooks of .pre-commit-hooks.yaml on the example repository;
#   2. the debug CLI on 1x and 10x the corpus (bench/scale-gen.py) finds ten times the
#      diagnostics; its time and peak memory are printed as figures, not asserted (speed and
#      memory targets are checked by the benchmarks in bench/, never by timed tests).
# The fuzz runs and the release-build scale figures are in bench/ (BENCHMARKS.md), not here.
set -euo pipefail
REPO=${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}
OUT=$REPO/test-output/hardening
mkdir -p "$OUT"

bash "$REPO/tests/precommit/run.sh"

if [ ! -d "$REPO/../shared/corpus/2i2c-infrastructure" ]; then
  echo "scale: corpus not found beside the repository; skipped"
  exit 0
fi
(cd "$REPO" && cargo test -q --workspace --no-run)
BIN=${CARGO_TARGET_DIR:-$REPO/target}/debug/hublint
for k in 1 10; do python3 "$REPO/bench/scale-gen.py" "$OUT/x$k" --copies "$k"; done
python3 - "$BIN" "$OUT" <<'PY'
import json, resource, subprocess, sys, time
bin, out = sys.argv[1:3]

def run(d):
    """Wall time (best of 3) and peak RSS (MB) of `hublint check` in a fresh process."""
    best, peak = None, 0
    for _ in range(3):
        t = time.perf_counter()
        p = subprocess.run([bin, "check", d, "--output-format", "json"], capture_output=True)
        took = time.perf_counter() - t
        assert p.returncode in (0, 1), p.stderr.decode()
        diags = len(json.loads(p.stdout))
        best = took if best is None else min(best, took)
    # ru_maxrss of children is the largest any child reached, in kB on Linux.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return best, peak, diags

t1, m1, d1 = run(f"{out}/x1")
t10, m10, d10 = run(f"{out}/x10")
print(f"scale (debug build): 1x {t1:.2f} s, {d1} diagnostics; 10x {t10:.2f} s, {d10} diagnostics; "
      f"ratio {t10 / t1:.1f}; peak RSS {m10} MB")
fails = 0
for ok, what in [(d10 == 10 * d1 or d10 >= 9 * d1, f"10x finds ~10x the diagnostics ({d10} vs {d1})")]:
    print(("ok: " if ok else "FAILED: ") + what)
    fails += not ok
print(f"scale: {1 - fails} passed, {fails} failed")
sys.exit(1 if fails else 0)
PY
