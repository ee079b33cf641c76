#!/bin/bash
# Neovim 0.7 headless against `hublint lsp`: ./run.sh HUBLINT_BINARY [OUT_DIR]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO_ROOT=$(cd "$HERE/../../.." && pwd)
BIN=$(realpath "$1")
OUT_DIR=${2:-$REPO_ROOT/test-output/lsp}
mkdir -p "$OUT_DIR"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp -r "$REPO_ROOT/examples/demo-deployment" "$WORK/repo"
git -C "$WORK/repo" init -q
git -C "$WORK/repo" add -A
git -C "$WORK/repo" -c user.name=t -c user.email=t@example.org commit -q -m example
OUT="$OUT_DIR/nvim-result.json"
rm -f "$OUT"
status=0
LSP_CMD="$BIN lsp --stdio" REPO="$WORK/repo" OUT_FILE="$OUT" \
  timeout 300 nvim --headless -u NONE -i NONE -c "luafile $HERE/e2e.lua" > "$OUT_DIR/nvim.log" 2>&1 || status=$?
python3 - "$OUT" "$status" <<'PY'
import json, sys
path, status = sys.argv[1], int(sys.argv[2])
try:
    r = json.load(open(path))
except Exception as e:
    print(f"neovim: no result ({e}), exit status {status}"); sys.exit(1)
for name, v in sorted(r.get("checks", {}).items()):
    print(f"neovim {'PASS' if v is True else 'FAIL'} {name}" + ("" if v is True else f": {v}"))
if r.get("error"): print("neovim error:", r["error"])
print(f"neovim: server exited={r.get('exited')} code={r.get('exit_code')}")
sys.exit(0 if r.get("ok") and status == 0 else 1)
PY
