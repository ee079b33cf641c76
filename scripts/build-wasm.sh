#!/usr/bin/env bash
# Builds hublint-wasm for one wasm-bindgen target into a folder (hublint_wasm.js, .d.ts,
# hublint_wasm_bg.wasm). Used by scripts/build-playground.sh (`web`) and wasm/npm/build.sh
# (`nodejs`); both share one cargo build of the module.
#
#   bash scripts/build-wasm.sh web|nodejs OUT_DIR [FEATURES [OUT_NAME]]
#
# FEATURES: hublint-wasm's cargo features (`python`: the P rules with ruff's parser;
# `rule-docs`: the rules' Markdown docs in rules()); OUT_NAME:
# the files' stem (default hublint_wasm). Builds with different features keep their own
# artifacts in the target dir, so switching between them does not rebuild.
#
# Adds the wasm32 target and installs wasm-bindgen-cli (exactly the version of the wasm-bindgen
# crate in Cargo.lock; ~6 min once) when missing. Steps: cargo build (wasm32, release,
# size-tuned) -> wasm-bindgen -> wasm-opt -Oz (npm binaryen, run after wasm-bindgen: Debian's
# older wasm-opt breaks the module there).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${1:?usage: build-wasm.sh web|nodejs OUT_DIR}
OUT=$(realpath -m "${2:?usage: build-wasm.sh web|nodejs OUT_DIR}")
FEATURES=${3:-}
OUT_NAME=${4:-hublint_wasm}
TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
cd "$REPO"
export PATH="$HOME/.cargo/bin:$PATH"

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

WB=$(cargo pkgid -p wasm-bindgen | sed 's/.*[#@]//')
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WB"; then
  echo "installing wasm-bindgen-cli $WB (once, several minutes)" >&2
  # No --locked: the CLI's lockfile can be ahead of the registry index seen here.
  cargo install wasm-bindgen-cli --version "$WB"
fi

# Size matters more than the last few per cent of speed in the browser: opt-level z makes the
# playground's module 13% smaller (gzip) than s; a check of the example still takes about a
# millisecond. Panic locations keep their file names, without the machine's folders.
CARGO_PROFILE_RELEASE_OPT_LEVEL=${HUBLINT_WASM_OPT_LEVEL:-z} \
CARGO_PROFILE_RELEASE_LTO=true \
CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
CARGO_PROFILE_RELEASE_PANIC=abort \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--remap-path-prefix=$HOME/.cargo/registry/src/= --remap-path-prefix=$REPO/=" \
  cargo build -p hublint-wasm --target wasm32-unknown-unknown --release --features "$FEATURES"
rm -rf "$OUT"
wasm-bindgen --target "$TARGET" --out-dir "$OUT" --out-name "$OUT_NAME" \
  "$TARGET_DIR/wasm32-unknown-unknown/release/hublint_wasm.wasm"

# binaryen comes with the playground's npm packages.
cd "$REPO/wasm/playground"
if [ ! -x node_modules/.bin/wasm-opt ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# --converge: -Oz again until the module stops shrinking (-1.5 KB gzip). --low-memory-unused
# lets constant pointer offsets fold into loads (-2.3 KB gzip): it assumes nothing lives in the
# first 1 KiB of memory, true here because rustc puts the 1 MiB stack first, growing down from
# its top, and nothing else is placed below it.
node_modules/.bin/wasm-opt -Oz --converge --low-memory-unused --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$OUT/${OUT_NAME}_bg.wasm" -o "$OUT/${OUT_NAME}_bg.wasm"
