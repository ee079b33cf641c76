#!/usr/bin/env bash
# Builds the browser playground into a static folder (default: wasm/playground/dist), which
# `hublint playground` or any static file server can serve.
#
#   bash scripts/build-playground.sh [OUT_DIR]
#
# Needs rustup, cargo, node and npm. Steps: scripts/build-wasm.sh web (cargo build for wasm32,
# wasm-bindgen, wasm-opt; installs the wasm32 target and wasm-bindgen-cli when missing) ->
# esbuild. A `cargo build -p hublint` afterwards embeds the folder in the binary (cli/build.rs).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(realpath -m "${1:-$REPO/wasm/playground/dist}")
TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
PKG="$TARGET_DIR/hublint-wasm-pkg"
cd "$REPO"
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/build-wasm.sh web "$PKG"

cd "$REPO/wasm/playground"
node build.mjs "$PKG" "$OUT"
raw=$(stat -c %s "$OUT/hublint_wasm_bg.wasm")
gz=$(gzip -9c "$OUT/hublint_wasm_bg.wasm" | wc -c)
echo "hublint_wasm_bg.wasm: $raw bytes, $gz bytes gzip -9"
