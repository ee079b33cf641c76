#!/usr/bin/env bash
# Run every cargo-fuzz target (or the ones named) for a set time, one after another, and
# record how long each ran without a crash. Not part of `.ci/run` (too slow).
#
# Usage: bash bench/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      (default 600 s, all targets)
# Needs `cargo install cargo-fuzz`. Stable rustc accepts cargo-fuzz's nightly flags with
# RUSTC_BOOTSTRAP=1. One libFuzzer process at a time (no -jobs/-workers): the machine is shared.
# Writes test-output/fuzz/<target>.log and appends one line per run to
# test-output/fuzz/summary.tsv; crashes land in fuzz/artifacts/<target>/.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
SECS=${1:-600}
shift || true
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/fuzz/target}
OUT=$REPO/test-output/fuzz
mkdir -p "$OUT"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz

# -s none: the code under test is safe Rust, so AddressSanitizer finds little and halves the
# speed; -a: debug assertions and overflow checks stay on.
FUZZ_FLAGS=(--fuzz-dir fuzz -s none -a)
if [ $# -gt 0 ]; then TARGETS=("$@"); else mapfile -t TARGETS < <(cargo fuzz list --fuzz-dir fuzz); fi

bash bench/fuzz-seeds.sh "$OUT/seeds" >/dev/null
# FUZZ_SKIP_BUILD=1 runs the binaries already built (a rebuild links all nine: minutes).
[ "${FUZZ_SKIP_BUILD:-0}" = 1 ] || cargo fuzz build "${FUZZ_FLAGS[@]}" >"$OUT/build.log" 2>&1
BIN_DIR=$CARGO_TARGET_DIR/$(rustc -vV | sed -n 's/^host: //p')/release
[ -f "$OUT/summary.tsv" ] || printf 'date\ttarget\tseconds\texecutions\texec_per_s\tcorpus\tresult\n' >"$OUT/summary.tsv"

for t in "${TARGETS[@]}"; do
  case $t in
    check_workspace|fix|cluster_yaml|chartpress_yaml|lsp_messages) MAXLEN=65536 ;;
    *) MAXLEN=16384 ;;
  esac
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  echo "== $t: ${SECS}s (max_len $MAXLEN)"
  status=0
  "$BIN_DIR/$t" "fuzz/corpus/$t" "$OUT/seeds/$t" \
    -max_total_time="$SECS" -max_len="$MAXLEN" -timeout=30 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$t/" >"$OUT/$t.log" 2>&1 || status=$?
  # (|| true: a crashed run prints no "Done" line, and the loop must go on to the next target)
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$OUT/$t.log" | grep -o '[0-9]*$' | tail -1 || true)
  secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$OUT/$t.log" | awk '{print $5}' | tail -1 || true)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$OUT/$t.log" | grep -o '[0-9]*$' | tail -1 || true)
  if [ -z "$secs" ]; then # crashed: how far it got, from libFuzzer's last status line
    secs=$(grep -o '^#[0-9]*.*' "$OUT/$t.log" | tail -1 | awk '{print "before "$1}' || true)
  fi
  corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
  if [ "$status" -eq 0 ]; then
    result=ok
  else
    result="CRASH (exit $status): $(ls -t "fuzz/artifacts/$t" | head -1)"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%F)" "$t" "${secs:-?}" "${execs:-?}" "${rate:-?}" "$corpus" "$result" | tee -a "$OUT/summary.tsv"
done
