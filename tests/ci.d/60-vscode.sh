#!/bin/bash
# The VS Code extension: unit tests (node's test runner), `npm run package` (.vsix with the
# server inside), then the end-to-end test in code-server + Chromium on a copy of examples/.
# Installs (apt chromium, node 24, code-server, playwright-core) are reused when present.
# Output: test-output/vscode/ (screenshots, logs).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
EXT=$REPO/vscode-extension
OUT=$REPO/test-output/vscode
if [ -z "${HUBLINT_VSCODE_TOOLS:-}" ]; then
  if [ -d /work/targets ] && [ -w /work/targets ]; then HUBLINT_VSCODE_TOOLS=/work/targets/vscode-e2e
  else HUBLINT_VSCODE_TOOLS=$REPO/target/vscode-e2e-tools; fi
fi
mkdir -p "$OUT"
t0=$SECONDS
phase() { echo "== vscode: $* ($((SECONDS - t0)) s)"; }

phase "server binary"
TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
(cd "$REPO" && cargo test -q --workspace --no-run)
HUBLINT=$TARGET_DIR/debug/hublint
"$HUBLINT" --version

phase "extension dependencies"
cd "$EXT"
# npm ci wipes node_modules: only when package-lock.json changed since the last install
LOCK_STAMP=node_modules/.hublint-lock.sha256
if ! sha256sum --status -c "$LOCK_STAMP" 2>/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error
  sha256sum package-lock.json > "$LOCK_STAMP"
fi

phase "unit tests"
npx tsc -p . --noEmit
HUBLINT_BIN=$HUBLINT npm test --silent

phase "package"
rm -f ./*.vsix
HUBLINT_BINARY=$HUBLINT npm run --silent package > "$OUT/package.log" 2>&1 || { cat "$OUT/package.log"; exit 1; }
tail -n 1 "$OUT/package.log"
VSIX=$(ls "$EXT"/hublint-*-linux-x64.vsix)

phase "end-to-end tools"
eval "$("$EXT/e2e/install-tools.sh" "$HUBLINT_VSCODE_TOOLS")"
export N24_BIN CODE_SERVER PLAYWRIGHT_CORE

phase "end to end in code-server"
bash "$EXT/e2e/run.sh" "$VSIX" "$REPO/examples" "$OUT"
phase "done"
echo "vscode-e2e: 1 passed, 0 failed"
