#!/usr/bin/env bash
# hublint lsp vs yaml-language-server (z2jh schema): didChange -> publishDiagnostics latency on
# corpus files and a generated 10,000-line values file, and hublint's peak memory with the
# whole corpus open.   bench/lsp/run.sh [--edits N]      (needs node/npm, python3, cargo)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CORPUS=${CORPUS:-$REPO/../shared/corpus}
OUT="$REPO/test-output/bench"
mkdir -p "$OUT"
cd "$HERE"
if [ ! -x node_modules/.bin/yaml-language-server ]; then
  npm install --no-save --no-audit --no-fund yaml-language-server@2 >/dev/null
fi
# The z2jh chart's schema (YAML in the chart repository) as JSON for yaml-language-server.
node -e 'const y=require("yaml"),fs=require("fs");
  fs.writeFileSync(process.argv[2], JSON.stringify(y.parse(fs.readFileSync(process.argv[1],"utf8"))))' \
  "$CORPUS/z2jh/values.schema.yaml" "$OUT/z2jh.values.schema.json"
(cd "$REPO" && cargo build --release -p hublint)
BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/hublint"
python3 "$HERE/lsp_bench.py" --hublint "$BIN" --yls "$HERE/node_modules/.bin/yaml-language-server" \
  --corpus "$CORPUS" --schema-json "$OUT/z2jh.values.schema.json" --json "$OUT/lsp.json" "$@"
