#!/usr/bin/env bash
# pre-commit, installed from PyPI, runs hublint's hooks (.pre-commit-hooks.yaml) with
# `pre-commit try-repo` on git repositories made from examples/demo-deployment:
#   - `hublint` fails on the example's deliberate problems and names them;
#   - `hublint-fix` rewrites the fixable ones, and still fails on the rest;
#   - both pass on a clean repository, and are skipped when no file hublint reads changed.
# Uses the debug hublint binary on PATH (the hooks are `language: system`).
set -euo pipefail
REPO=${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}
OUT=$REPO/test-output/precommit
VENV=${PRECOMMIT_VENV:-$REPO/test-output/precommit-venv}
rm -rf "$OUT"
mkdir -p "$OUT"

if [ ! -x "$VENV/bin/pre-commit" ]; then
  python3 -m venv "$VENV" 2>/dev/null || {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv >/dev/null
    python3 -m venv "$VENV"
  }
  "$VENV/bin/pip" install -q pre-commit
fi
echo "pre-commit $("$VENV/bin/pre-commit" --version | awk '{print $2}')"

(cd "$REPO" && cargo build -q -p hublint)
export PATH="${CARGO_TARGET_DIR:-$REPO/target}/debug:$PATH"
command -v hublint >/dev/null
export PRE_COMMIT_HOME=$OUT/cache
export GIT_AUTHOR_NAME=hublint-test GIT_AUTHOR_EMAIL=test@example.org
export GIT_COMMITTER_NAME=hublint-test GIT_COMMITTER_EMAIL=test@example.org

fails=0
passes=0
pass() { printf 'ok: %s\n' "$1"; passes=$((passes + 1)); }
fail() { printf 'FAILED: %s\n' "$1"; fails=$((fails + 1)); }

# A git repository holding a copy of $1, with everything committed.
make_repo() {
  local dir=$OUT/$2
  cp -r "$1" "$dir"
  git -C "$dir" init -q
  git -C "$dir" add -A
  git -C "$dir" commit -q -m init
  echo "$dir"
}

# Run a hook with try-repo; leaves output in $OUT/$name.log and sets $status.
try_hook() { # dir hook name [pre-commit args...]
  local dir=$1 hook=$2 name=$3
  shift 3
  status=0
  (cd "$dir" && "$VENV/bin/pre-commit" try-repo "$REPO" "$hook" --color never "$@") >"$OUT/$name.log" 2>&1 || status=$?
}

# 1. The example repository's deliberate problems fail the hook, each by its code.
demo=$(make_repo "$REPO/examples/demo-deployment" demo)
try_hook "$demo" hublint check --all-files
if [ "$status" -ne 0 ] && grep -q 'hublint\.*Failed' "$OUT/check.log"; then pass "hublint fails on the example"; else fail "hublint on the example (exit $status)"; fi
for code in V001 R003 R004 Y003 S001 S005 I001; do
  if grep -q "$code" "$OUT/check.log"; then pass "reports $code"; else fail "does not report $code"; fi
done

# 2. The fix hook rewrites what it safely can, then still fails on the rest.
fixed=$(make_repo "$REPO/examples/demo-deployment" fix)
try_hook "$fixed" hublint-fix fix --all-files
git -C "$fixed" diff >"$OUT/fix.diff"
if [ "$status" -ne 0 ] && [ -s "$OUT/fix.diff" ]; then pass "hublint-fix changes files and fails"; else fail "hublint-fix (exit $status, diff $(wc -l <"$OUT/fix.diff") lines)"; fi
if grep -q '^+.*tag: "1.10"' "$OUT/fix.diff"; then pass "hublint-fix quotes tag: 1.10"; else fail "hublint-fix did not quote tag: 1.10"; fi
try_hook "$fixed" hublint recheck --all-files
# Y003 (quote `1.10`) and V001 (FROM tag to the chart's version) have safe fixes; R003 (a
# requirement on a moving branch) has none.
if [ "$status" -ne 0 ] && ! grep -Eq 'Y003|V001' "$OUT/recheck.log" && grep -q R003 "$OUT/recheck.log"; then
  pass "after the fix only unfixable problems remain"
else
  fail "recheck after fix (exit $status)"
fi

# 3. A clean repository passes; a commit touching no file hublint reads skips the hook.
mkdir -p "$OUT/clean-src/config/clusters/ok"
cp "$REPO/examples/demo-deployment/README.md" "$OUT/clean-src/"
printf 'jupyterhub:\n  hub:\n    config:\n      JupyterHub:\n        admin_access: true\n' >"$OUT/clean-src/config/clusters/ok/common.values.yaml"
clean=$(make_repo "$OUT/clean-src" clean)
try_hook "$clean" hublint clean --all-files
if [ "$status" -eq 0 ] && grep -q 'hublint\.*Passed' "$OUT/clean.log"; then pass "hublint passes a clean repository"; else fail "clean repository (exit $status)"; fi
try_hook "$demo" hublint skipped --files README.md
if [ "$status" -eq 0 ] && grep -q 'Skipped' "$OUT/skipped.log"; then pass "skipped when only README.md changes"; else fail "files filter (exit $status)"; fi

# 4. hublint-reset puts the committed built tag back to chartpress's placeholder (the hook
# fails because it changed files), then passes. Run from a config naming this commit of
# hublint, as a deployment repository would, to pass `--config helm-charts`.
reset=$(make_repo "$REPO/examples/demo-deployment" reset)
cat >"$reset/.pre-commit-config.yaml" <<EOF
repos:
  - repo: $REPO
    rev: $(git -C "$REPO" rev-parse HEAD)
    hooks:
      - id: hublint-reset
        args: [--config, helm-charts]
EOF
status=0
(cd "$reset" && "$VENV/bin/pre-commit" run hublint-reset --all-files --color never) >"$OUT/reset.log" 2>&1 || status=$?
values=$reset/helm-charts/basehub/values.yaml
if [ "$status" -ne 0 ] && grep -q 'tag: "set-by-chartpress"' "$values" \
  && grep -q '^version: "0.0.1-set.by.chartpress"' "$reset/helm-charts/basehub/Chart.yaml" \
  && [ "$(git -C "$reset" diff --numstat | wc -l)" -eq 2 ]; then
  pass "hublint-reset resets the built tag and chart version"
else
  fail "hublint-reset (exit $status)"
fi
status=0
(cd "$reset" && "$VENV/bin/pre-commit" run hublint-reset --all-files --color never) >"$OUT/reset-again.log" 2>&1 || status=$?
if [ "$status" -eq 0 ]; then pass "hublint-reset passes once reset"; else fail "hublint-reset second run (exit $status)"; fi

if [ "$fails" -ne 0 ]; then
  echo "logs: $OUT"
  for f in "$OUT"/*.log; do echo "--- $f"; tail -40 "$f"; done
fi
echo "precommit: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
