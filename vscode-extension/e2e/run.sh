#!/bin/bash
# End-to-end test of the packaged extension in a real VS Code (code-server) driven by Chromium.
#
#   e2e/run.sh VSIX EXAMPLES_DIR OUT_DIR
#
# Needs CODE_SERVER, N24_BIN and PLAYWRIGHT_CORE (as printed by install-tools.sh). Copies
# EXAMPLES_DIR to a temp dir (the test edits files), starts code-server with all its state in
# that temp dir, installs VSIX, and runs drive.js against it. Screenshots and logs go to OUT_DIR.
# Everything started here is killed on exit.
set -euo pipefail
VSIX=$(realpath "${1:?usage: run.sh VSIX EXAMPLES_DIR OUT_DIR}")
EXAMPLES=$(realpath "${2:?}")
OUT=${3:?}
: "${CODE_SERVER:?}" "${N24_BIN:?}" "${PLAYWRIGHT_CORE:?}"
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
OUT=$(realpath "$OUT")
rm -f "$OUT"/*.png "$OUT"/*.log

STATE=$(mktemp -d "${TMPDIR:-/tmp}/hublint-vscode-e2e.XXXXXX")
SPID= DPID=
cleanup() {
  local rc=$?
  # code-server keeps an extension host (and its hublint child) per connection: kill the group
  local group
  for group in $DPID $SPID; do kill -- -"$group" 2>/dev/null || true; done
  for _ in $(seq 30); do
    alive=
    for group in $DPID $SPID; do kill -0 -- -"$group" 2>/dev/null && alive=1; done
    [ -z "$alive" ] && break
    sleep 0.1
  done
  for group in $DPID $SPID; do kill -9 -- -"$group" 2>/dev/null || true; done
  wait 2>/dev/null || true
  cp "$STATE/server.log" "$OUT/code-server.log" 2>/dev/null || true
  # the extension host's logs hold the hublint output channel
  find "$STATE/user-data/logs" -name '*hublint*' -exec cp {} "$OUT/" \; 2>/dev/null || true
  rm -rf "$STATE"
  exit $rc
}
trap cleanup EXIT INT TERM

WS=$STATE/workspace
cp -r "$EXAMPLES" "$WS"
mkdir -p "$STATE"/{config,data,user-data/User,extensions}
cat > "$STATE/user-data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "update.mode": "none",
  "security.workspace.trust.enabled": false,
  "files.hotExit": "off",
  "files.autoSave": "off",
  "editor.quickSuggestions": { "other": false, "comments": false, "strings": false },
  "editor.lightbulb.enabled": "on",
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "window.commandCenter": false
}
JSON
export XDG_CONFIG_HOME=$STATE/config XDG_DATA_HOME=$STATE/data
# no extension marketplace: point the gallery at a closed loopback port instead of the internet
export EXTENSIONS_GALLERY='{"serviceUrl":"http://127.0.0.1:9/gallery","itemUrl":"http://127.0.0.1:9/item"}'
# no hublint on PATH: the test must find the binary bundled in the .vsix
export PATH=$N24_BIN:/usr/local/bin:/usr/bin:/bin
CS=("$CODE_SERVER" --config "$STATE/config/config.yaml" --user-data-dir "$STATE/user-data"
    --extensions-dir "$STATE/extensions")
"${CS[@]}" --install-extension "$VSIX" > "$OUT/install.log" 2>&1 \
  || { cat "$OUT/install.log" >&2; exit 1; }

PORT=${PORT:-$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}
setsid "${CS[@]}" --auth none --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override --bind-addr "127.0.0.1:$PORT" "$WS" > "$STATE/server.log" 2>&1 &
SPID=$!
for _ in $(seq 150); do
  node -e 'require("http").get(process.argv[1], (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on("error", () => process.exit(1))' \
    "http://127.0.0.1:$PORT/healthz" && break
  kill -0 "$SPID" 2>/dev/null || { cat "$STATE/server.log" >&2; exit 1; }
  sleep 0.2
done

NODE_PATH=$(dirname "$PLAYWRIGHT_CORE") setsid node "$HERE/drive.js" \
  --url "http://127.0.0.1:$PORT/?folder=$WS" --workspace "$WS" --out "$OUT" --logs "$STATE/user-data/logs" &
DPID=$!
wait "$DPID"
