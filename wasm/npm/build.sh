#!/usr/bin/env bash
# Builds the npm package `hublint-wasm` (wasm-bindgen's nodejs target, with declarations
# generated from the Rust types) and packs it: `bash wasm/npm/build.sh [OUT_DIR]` prints the
# .tgz's path (default OUT_DIR: target/npm).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(realpath -m "${1:-${CARGO_TARGET_DIR:-$REPO/target}/npm}")
PKG="$OUT/package"
# With the P rules' Python parser (unlike the playground's first module, size is not what
# matters here: the same findings as the CLI are). opt-level z as the playground's Python
# module, so that both use one cargo build.
HUBLINT_WASM_OPT_LEVEL=${HUBLINT_WASM_PYTHON_OPT_LEVEL:-z} \
  bash "$REPO/scripts/build-wasm.sh" nodejs "$PKG" python,rule-docs >&2
VERSION=$(cd "$REPO" && cargo pkgid -p hublint-wasm | sed 's/.*[#@]//')
node -e '
  const fs = require("fs");
  const [src, dst, version] = process.argv.slice(1);
  const pkg = JSON.parse(fs.readFileSync(src, "utf8"));
  pkg.version = version;
  fs.writeFileSync(dst, JSON.stringify(pkg, null, 2) + "\n");
' "$REPO/wasm/npm/package.json" "$PKG/package.json" "$VERSION"
cp "$REPO/wasm/npm/README.md" "$PKG/"
cp "$REPO/vscode-extension/LICENSE" "$PKG/LICENSE"
(cd "$PKG" && npm pack --silent --pack-destination "$OUT") | tail -1 | sed "s|^|$OUT/|"
