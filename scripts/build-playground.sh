#!/usr/bin/env bash
# Builds the browser playground into a static folder (default: wasm/playground/dist), which
# `hublint playground` or any static file server can serve.
#
#   bash scripts/build-playground.sh [OUT_DIR]
#
# Needs rustup, cargo, node and npm. Steps: scripts/build-wasm.sh web, twice (cargo build for
# wasm32, wasm-bindgen, wasm-opt; installs the wasm32 target and wasm-bindgen-cli when missing):
# without any feature and with `python,rule-docs` -> rule-docs.json -> esbuild. A `cargo build -p hublint` afterwards embeds the folder in the binary (cli/build.rs).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(realpath -m "${1:-$REPO/wasm/playground/dist}")
TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
PKG="$TARGET_DIR/hublint-wasm-pkg"
PYTHON_PKG="$TARGET_DIR/hublint-wasm-python-pkg"
cd "$REPO"
export PATH="$HOME/.cargo/bin:$PATH"

# The first module leaves the rules' Markdown docs out (no `rule-docs` feature, ~12 KB gzip):
# the page fetches rule-docs.json, printed from the same doc comments, when it shows one.
bash scripts/build-wasm.sh web "$PKG"
cargo run -q -p hublint-core --example rule_docs_json > "$PKG/rule-docs.json"
# The same checker with the P rules' Python parser: loaded by the page only when a values file
# holds Python (it is twice the size). Both are built for size (opt-level z, build-wasm.sh's
# default); HUBLINT_WASM_PYTHON_OPT_LEVEL sets this one's alone. With the docs, as the npm
# package (wasm/npm/build.sh), so that both share one cargo build.
HUBLINT_WASM_OPT_LEVEL=${HUBLINT_WASM_PYTHON_OPT_LEVEL:-z} \
  bash scripts/build-wasm.sh web "$PYTHON_PKG" python,rule-docs hublint_wasm_python

cd "$REPO/wasm/playground"
node build.mjs "$PKG" "$PYTHON_PKG" "$OUT"
for f in hublint_wasm_bg.wasm hublint_wasm_python_bg.wasm; do
  raw=$(stat -c %s "$OUT/$f")
  gz=$(gzip -9c "$OUT/$f" | wc -c)
  echo "$f: $raw bytes, $gz bytes gzip -9"
done
