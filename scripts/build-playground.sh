#!/usr/bin/env bash
# Builds the browser playground into a static folder (default: wasm/playground/dist), which
# `hublint playground` or any static file server can serve.
#
#   bash scripts/build-playground.sh [OUT_DIR]
#
# Needs rustup, cargo, node and npm. Adds the wasm32 target and installs wasm-bindgen-cli
# (exactly the version of the wasm-bindgen crate in Cargo.lock; ~6 min once) when missing.
# Steps: cargo build (wasm32, release) -> wasm-bindgen --target web -> wasm-opt -Oz (npm
# binaryen, run after wasm-bindgen: Debian's older wasm-opt breaks the module there) -> esbuild.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(realpath -m "${1:-$REPO/wasm/playground/dist}")
TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
PKG="$TARGET_DIR/hublint-wasm-pkg"
cd "$REPO"
export PATH="$HOME/.cargo/bin:$PATH"

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

WB=$(cargo pkgid -p wasm-bindgen | sed 's/.*[#@]//')
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WB"; then
  echo "installing wasm-bindgen-cli $WB (once, several minutes)" >&2
  # No --locked: the CLI's lockfile can be ahead of the registry index seen here.
  cargo install wasm-bindgen-cli --version "$WB"
fi

# Size matters more than the last few per cent of speed in the browser; a check of the
# example still takes well under a millisecond.
CARGO_PROFILE_RELEASE_OPT_LEVEL=${HUBLINT_WASM_OPT_LEVEL:-s} \
CARGO_PROFILE_RELEASE_LTO=true \
CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
CARGO_PROFILE_RELEASE_PANIC=abort \
  cargo build -p hublint-wasm --target wasm32-unknown-unknown --release
rm -rf "$PKG"
wasm-bindgen --target web --out-dir "$PKG" --out-name hublint_wasm \
  "$TARGET_DIR/wasm32-unknown-unknown/release/hublint_wasm.wasm"

cd "$REPO/wasm/playground"
if [ ! -x node_modules/.bin/esbuild ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$PKG/hublint_wasm_bg.wasm" -o "$PKG/hublint_wasm_bg.wasm"
node build.mjs "$PKG" "$OUT"
raw=$(stat -c %s "$OUT/hublint_wasm_bg.wasm")
gz=$(gzip -9c "$OUT/hublint_wasm_bg.wasm" | wc -c)
echo "hublint_wasm_bg.wasm: $raw bytes, $gz bytes gzip -9"
