#!/usr/bin/env bash
# The whole test suite: installs what it needs, then runs the Rust tests and every
# tests/ci.d/*.sh step (browser, editor, registry and peer-tool tests) in name order.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
export REPO
cd "$REPO"
mkdir -p "$REPO/test-output"
export CARGO_TERM_COLOR=never
# A CI run builds every crate once, from scratch: incremental caches and full debug info
# would only take disk (one run had the linker die of a full disk). Line tables keep
# backtraces readable.
export CARGO_INCREMENTAL=0
export CARGO_PROFILE_DEV_DEBUG=line-tables-only

step() { printf '\n=== %s (%s)\n' "$1" "$(date +%T)"; }

# Printed first so that a run which runs out of disk says how much it started with.
df -h "$REPO" | sed 's/^/disk: /'

step "cargo test --workspace"
cargo test --workspace 2>&1 | tee "$REPO/test-output/cargo-test.log"

for script in "$REPO"/tests/ci.d/*.sh; do
  [ -e "$script" ] || continue
  step "$(basename "$script")"
  bash "$script"
done

step "all tests passed"
