#!/usr/bin/env bash
# hublint installed and used like ruff, each way tested as a user would meet it:
#   - the wheel (maturin, `bindings = "bin"`), installed into a fresh venv with no index: its
#     `hublint` checks the example (the CLI's JSON), runs an LSP round (initialize ->
#     diagnostics -> shutdown) and serves the embedded playground over loopback (page, scripts,
#     wasm equal to the built folder); `--version` names the commit; completions;
#   - the README's editor set-ups with that binary: Neovim headless running the README's Lua,
#     Helix's languages.toml parsed and its server command driven through an LSP round;
#   - action.yml's steps run with a fake GITHUB_* environment (pip installs the wheel): GitHub
#     annotations on stdout and a SARIF file, both matching the CLI's diagnostics;
#   - the npm package (wasm/npm/build.sh, `npm pack`), installed and imported from Node:
#     the example's JSON equals the CLI's; its generated declarations type-check.
# The pre-commit hooks (`language: python`) are tests/precommit/run.sh (70-hardening.sh).
# Reuses the workspace's target dir and `cargo test`'s build (the wheel is built with the dev
# profile unless HUBLINT_WHEEL_PROFILE=release).
set -euo pipefail
REPO=${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$REPO"
OUT="$REPO/test-output/packaging"
TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
export PATH="$HOME/.cargo/bin:$PATH"
rm -rf "$OUT"
mkdir -p "$OUT"
passes=0
fails=0
pass() { printf 'ok: %s\n' "$1"; passes=$((passes + 1)); }
fail() { printf 'FAILED: %s\n' "$1"; fails=$((fails + 1)); }
seconds() { echo $(($(date +%s) - $1)); }

missing=()
command -v nvim >/dev/null || missing+=(neovim)
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
TOOLS="$REPO/test-output/venv-packaging-tools"
if ! "$TOOLS/bin/python" -c 'import maturin, yaml' 2>/dev/null; then
  python3 -m venv "$TOOLS"
  "$TOOLS/bin/pip" install -q maturin pyyaml
fi
# The playground to embed (50-playground.sh built it already in a full run).
[ -f wasm/playground/dist/hublint_wasm_bg.wasm ] || bash scripts/build-playground.sh
[ -x "$TARGET_DIR/debug/hublint" ] || cargo build -q -p hublint
CLI="$TARGET_DIR/debug/hublint"

# The dev profile by default: it reuses what `cargo test` compiled, so only the CLI crate is
# built again (a release build is minutes on 2 cores); packaging does not depend on it.
# HUBLINT_WHEEL_PROFILE=release tests the wheel one publishes.
PROFILE=${HUBLINT_WHEEL_PROFILE:-dev}
echo "--- wheel ($("$TOOLS/bin/maturin" --version), profile $PROFILE)"
started=$(date +%s)
"$TOOLS/bin/maturin" build --profile "$PROFILE" --quiet -o "$OUT/wheels" 2>&1 | tail -3
WHEEL=$(ls "$OUT"/wheels/hublint-*.whl)
echo "built $(basename "$WHEEL") ($(stat -c %s "$WHEEL") bytes) in $(seconds "$started") s"

# A fresh venv and nothing but the wheel: no index, no Rust, no source tree on PATH.
python3 -m venv "$OUT/venv"
"$OUT/venv/bin/pip" install -q --no-index "$WHEEL"
HUBLINT="$OUT/venv/bin/hublint"
[ -x "$HUBLINT" ] && pass "pip installs the wheel's hublint" || fail "no hublint in the venv"

version=$("$HUBLINT" --version)
commit=$(git rev-parse --short=12 HEAD)
[[ "$version" == "hublint $(cargo pkgid -p hublint | sed 's/.*[#@]//') ($commit "* ]] \
  && pass "--version names the commit: $version" || fail "--version: $version (HEAD $commit)"

status=0
"$HUBLINT" check --output-format json --quiet examples/demo-deployment >"$OUT/check.json" || status=$?
"$CLI" check --output-format json --quiet examples/demo-deployment >"$OUT/check-debug.json" || true
codes=$(python3 -c 'import json,sys; print(" ".join(sorted({d["code"] for d in json.load(open(sys.argv[1]))})))' "$OUT/check.json")
if [ "$status" -eq 1 ] && cmp -s "$OUT/check.json" "$OUT/check-debug.json"; then
  pass "check on the example exits 1 with the CLI's JSON ($codes)"
else
  fail "check on the example (exit $status, JSON equal to the debug build's: $(cmp -s "$OUT/check.json" "$OUT/check-debug.json" && echo yes || echo no))"
fi
for code in V001 R003 Y003 S001 I001; do
  [[ " $codes " == *" $code "* ]] && pass "reports $code" || fail "does not report $code"
done

repo=$OUT/repo
cp -r examples/demo-deployment "$repo"
git -C "$repo" init -q && git -C "$repo" add -A
git -C "$repo" -c user.name=t -c user.email=t@example.org commit -q -m example
if (cd "$repo" && python3 "$REPO/tests/packaging/lsp_round.py" helm-charts/images/hub/Dockerfile "$HUBLINT" lsp) >"$OUT/lsp.json" 2>"$OUT/lsp.err" \
   && grep -q '"V001"' "$OUT/lsp.json"; then
  pass "lsp: initialize, V001 published for the Dockerfile, clean exit"
else
  fail "lsp round: $(cat "$OUT/lsp.json" "$OUT/lsp.err")"
fi

if python3 tests/packaging/playground_fetch.py "$HUBLINT" wasm/playground/dist >"$OUT/playground.log" 2>&1 \
   && grep -q 'built into this binary' "$OUT/playground.log"; then
  pass "playground: the embedded page, scripts and wasm served over loopback"
else
  fail "playground: $(cat "$OUT/playground.log")"
fi

# The .vsix 60-vscode.sh packed carries the same binary, so the playground too.
VSIX=$(ls vscode-extension/hublint-*-linux-x64.vsix 2>/dev/null | head -1 || true)
if [ -n "$VSIX" ]; then
  python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); open(sys.argv[2], "wb").write(z.read("extension/bin/hublint"))' \
    "$VSIX" "$OUT/hublint-from-vsix" && chmod +x "$OUT/hublint-from-vsix"
  if python3 tests/packaging/playground_fetch.py "$OUT/hublint-from-vsix" wasm/playground/dist >"$OUT/playground-vsix.log" 2>&1 \
     && grep -q 'built into this binary' "$OUT/playground-vsix.log"; then
    pass "the .vsix's hublint serves the embedded playground"
  else
    fail "playground from the .vsix's binary: $(cat "$OUT/playground-vsix.log")"
  fi
else
  echo "(no .vsix from 60-vscode.sh here: its binary's playground not checked)"
fi

for pair in "bash:complete -F _hublint" "zsh:#compdef hublint" "fish:complete -c hublint"; do
  shell=${pair%%:*}
  script=$("$HUBLINT" completions "$shell")
  [[ "$script" == *"${pair#*:}"* ]] && pass "completions $shell" || fail "completions $shell"
done

echo "--- editors (README set-ups, with the wheel's hublint on PATH)"
sed -n '/<!-- nvim-setup:begin -->/,/<!-- nvim-setup:end -->/p' README.md | sed '1,2d;$d' | sed '$d' >"$OUT/readme-init.lua"
status=0
PATH="$OUT/venv/bin:$PATH" FILE="$repo/helm-charts/images/hub/Dockerfile" OUT_FILE="$OUT/nvim-readme.json" \
  timeout 60 nvim --headless -u "$OUT/readme-init.lua" -i NONE -c "luafile $REPO/tests/packaging/nvim_check.lua" \
  >"$OUT/nvim.log" 2>&1 || status=$?
if [ "$status" -eq 0 ] && grep -q '"V001"' "$OUT/nvim-readme.json"; then
  pass "Neovim $(nvim --version | head -1 | awk '{print $2}') with the README's set-up: $(cat "$OUT/nvim-readme.json")"
else
  fail "Neovim README set-up (exit $status): $(cat "$OUT/nvim-readme.json" 2>/dev/null) $(tail -5 "$OUT/nvim.log")"
fi
sed -n '/<!-- helix-setup:begin -->/,/<!-- helix-setup:end -->/p' README.md | sed '1,2d;$d' | sed '$d' >"$OUT/languages.toml"
helix_cmd=$(python3 - "$OUT/languages.toml" <<'PY'
import shlex, sys, tomllib
config = tomllib.load(open(sys.argv[1], "rb"))
server = config["language-server"]["hublint"]
langs = {l["name"]: l["language-servers"] for l in config["language"]}
assert all("hublint" in servers for servers in langs.values()), langs
assert {"yaml", "dockerfile"} <= set(langs), langs
print(shlex.join([server["command"], *server.get("args", [])]))
PY
) || true
if [ -n "$helix_cmd" ] && (cd "$repo" && PATH="$OUT/venv/bin:$PATH" python3 "$REPO/tests/packaging/lsp_round.py" \
     config/clusters/demo/staging.values.yaml $helix_cmd) >"$OUT/helix.json" 2>&1 && grep -q '"code"' "$OUT/helix.json"; then
  pass "Helix languages.toml parses; its command '$helix_cmd' publishes diagnostics"
else
  fail "Helix set-up: $helix_cmd $(cat "$OUT/helix.json" 2>/dev/null)"
fi

echo "--- action.yml (fake GITHUB_* environment; pip installs the wheel)"
pkg_version=$(cargo pkgid -p hublint | sed 's/.*[#@]//')
run_action() { # name workspace inputs...
  local name=$1 ws=$2
  shift 2
  (cd "$ws" && PIP_NO_INDEX=1 PIP_FIND_LINKS="$OUT/wheels" \
    "$TOOLS/bin/python" "$REPO/tests/packaging/run_action.py" "$REPO" "$ws" "$@") >"$OUT/action-$name.json"
}
run_action problems "$repo" version="$pkg_version" path=. sarif-file=results.sarif
python3 - "$OUT/action-problems.json" "$repo/results.sarif" "$OUT/check.json" <<'PY' && pass "action: annotations and SARIF match the CLI's diagnostics, job fails" || fail "action outputs (see $OUT/action-problems.json)"
import json, re, sys
report, sarif, cli = (json.load(open(p)) for p in sys.argv[1:])
install, check = report["steps"]
assert install["exit_code"] == 0, install
assert "hublint " in install["stdout"], install["stdout"]
assert check["exit_code"] == 1 and report["outputs"]["exit-code"] == "1", check
notes = [l for l in check["stdout"].splitlines() if l.startswith("::")]
assert len(notes) == len(cli), (len(notes), len(cli))
for note, d in zip(notes, cli):
    level = {"error": "error", "warning": "warning", "info": "notice"}[d["severity"]]
    assert note.startswith(f"::{level} file={d['filename']},line={d['location']['row']},"), (note, d)
    assert f"::{d['code']} " in note, note
assert report["outputs"]["sarif-file"] == "results.sarif"
results = sarif["runs"][0]["results"]
assert sarif["version"] == "2.1.0" and len(results) == len(cli)
assert [r["ruleId"] for r in results] == [d["code"] for d in cli]
print(f"{len(notes)} annotations, {len(results)} SARIF results")
PY
run_action args "$repo" version="$pkg_version" args="--select 'Y,V' --quiet"
python3 - "$OUT/action-args.json" "$repo/hublint.sarif" <<'PY' && pass "action: args reach hublint (quoted --select Y,V), default SARIF path" || fail "action args (see $OUT/action-args.json)"
import json, re, sys
report, sarif = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
check = report["steps"][-1]
codes = {re.search(r"title=hublint (\w+)", l).group(1) for l in check["stdout"].splitlines() if l.startswith("::")}
assert codes and all(c[0] in "YV" for c in codes), codes
assert {r["ruleId"][0] for r in sarif["runs"][0]["results"]} <= {"Y", "V"}
assert report["outputs"]["sarif-file"] == "hublint.sarif"
PY
clean=$OUT/clean
mkdir -p "$clean/config/clusters/ok"
printf 'jupyterhub:\n  hub:\n    config:\n      JupyterHub:\n        admin_access: true\n' >"$clean/config/clusters/ok/common.values.yaml"
git -C "$clean" init -q
run_action clean "$clean" version="$pkg_version"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["exit_code"] == 0 and r["outputs"]["exit-code"] == "0", r' \
  "$OUT/action-clean.json" && pass "action: a clean repository passes" || fail "action on a clean repository"
run_action missing-version "$clean" version=999.0.0 || true
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["exit_code"] != 0 and len(r["steps"]) == 1, r' \
  "$OUT/action-missing-version.json" && pass "action: an unknown version fails at install" || fail "action with an unknown version"

echo "--- npm package"
started=$(date +%s)
TGZ=$(bash wasm/npm/build.sh "$OUT/npm" 2>"$OUT/npm-build.log" | tail -1)
echo "packed $(basename "$TGZ") ($(stat -c %s "$TGZ") bytes) in $(seconds "$started") s"
if HUBLINT_NPM_TGZ="$TGZ" HUBLINT_BIN="$CLI" node --test --test-reporter=spec wasm/npm/test/ >"$OUT/npm-test.log" 2>&1; then
  pass "npm: packed, installed and imported; the example's JSON equals the CLI's; declarations type-check"
else
  fail "npm package tests: $(tail -30 "$OUT/npm-test.log")"
fi

echo "packaging: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
