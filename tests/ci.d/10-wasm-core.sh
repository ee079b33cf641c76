#!/usr/bin/env bash
# The core crate must build for the browser.
set -euo pipefail
cd "$REPO"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
cargo build -p hublint-core --target wasm32-unknown-unknown
