#!/usr/bin/env bash
# `hublint lsp` end to end over stdio with two clients nobody here wrote: pytest-lsp (pygls)
# and Neovim 0.7 headless. Installs what is missing, then runs both against the debug build.
set -euo pipefail
REPO=${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$REPO"
OUT="$REPO/test-output/lsp"
VENV="$REPO/test-output/venv-lsp"
mkdir -p "$OUT"

if ! command -v nvim >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim >/dev/null
fi
python3 -c 'import ensurepip, venv' 2>/dev/null || {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
}
if ! "$VENV/bin/python" -c 'import pytest_lsp' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'pytest-lsp==1.0.1'
fi

# Same features as the first step's `cargo test --workspace`, so nothing is built twice.
cargo test -q --workspace --no-run
BIN="${CARGO_TARGET_DIR:-$REPO/target}/debug/hublint"

echo "--- pytest-lsp"
HUBLINT_LSP="$BIN lsp --stdio" "$VENV/bin/pytest" -c tests/lsp/pytest.ini tests/lsp \
  -q --junitxml="$OUT/pytest-lsp.xml"
echo "--- neovim $(nvim --version | head -1)"
tests/lsp/nvim/run.sh "$BIN" "$OUT"
