#!/usr/bin/env bash
# pre-commit, installed from PyPI, runs hublint's hooks (.pre-commit-hooks.yaml) the way a
# deployment repository uses them (a .pre-commit-config.yaml naming hublint's repository and a
# rev, then `pre-commit run`), on git repositories made from examples/demo-deployment:
#   - `hublint` fails on the example's deliberate problems and names them;
#   - `hublint-fix` rewrites the fixable ones, and still fails on the rest;
#   - both pass on a clean repository, and are skipped when no file hublint reads changed;
#   - a commit with a problem fails with hublint's message, and passes once it is fixed.
# The hooks are `language: python`: pre-commit installs hublint itself from this repository
# (pip builds the wheel with maturin), with no hublint on PATH. The build shares the
# workspace's target dir, so only hublint's own crates compile again (pre-commit's clone is
# another path). Set PRECOMMIT_HOME to keep pre-commit's environments between runs.
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

# No hublint on PATH: the hooks must bring their own.
PATH=$(printf '%s' "$PATH" | tr ':' '\n' | while read -r dir; do [ -x "$dir/hublint" ] || printf '%s:' "$dir"; done)
export PATH=${PATH%:}
if command -v hublint >/dev/null; then echo "hublint still on PATH: $(command -v hublint)"; exit 1; fi
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
# pip's build of the hook repository (maturin through PEP 517) is a release build by default;
# the dev profile reuses the dependencies `cargo test` compiled, so CI compiles only
# hublint's crates again (the hooks' behaviour does not depend on the profile).
export MATURIN_PEP517_ARGS=${MATURIN_PEP517_ARGS:---profile dev}
export PRE_COMMIT_HOME=${PRECOMMIT_HOME:-$OUT/cache}
export GIT_AUTHOR_NAME=hublint-test GIT_AUTHOR_EMAIL=test@example.org
export GIT_COMMITTER_NAME=hublint-test GIT_COMMITTER_EMAIL=test@example.org

# The hook repository: this working tree (tracked and untracked files, as they are now)
# committed once into a clean repository. pre-commit keeps one environment per repository and
# rev in $PRE_COMMIT_HOME, so hublint is built once for all the runs below (`try-repo` would
# build it again for every call).
HOOKS_REPO=$OUT/hublint-src
mkdir -p "$HOOKS_REPO"
git -C "$REPO" ls-files -z --cached --others --exclude-standard \
  | tar -C "$REPO" --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$HOOKS_REPO"
git -C "$HOOKS_REPO" init -q
git -C "$HOOKS_REPO" add -A
git -C "$HOOKS_REPO" commit -q -m "hublint working tree"
HOOKS_REV=$(git -C "$HOOKS_REPO" rev-parse HEAD)

fails=0
passes=0
pass() { printf 'ok: %s\n' "$1"; passes=$((passes + 1)); }
fail() { printf 'FAILED: %s\n' "$1"; fails=$((fails + 1)); }

# A git repository holding a copy of $1 and a .pre-commit-config.yaml using both hooks, with
# everything committed.
make_repo() {
  local dir=$OUT/$2
  cp -r "$1" "$dir"
  printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: hublint\n      - id: hublint-fix\n' \
    "$HOOKS_REPO" "$HOOKS_REV" >"$dir/.pre-commit-config.yaml"
  git -C "$dir" init -q
  git -C "$dir" add -A
  git -C "$dir" commit -q -m init
  echo "$dir"
}

# Run one hook; leaves output in $OUT/$name.log and sets $status.
try_hook() { # dir hook name [pre-commit args...]
  local dir=$1 hook=$2 name=$3
  shift 3
  status=0
  (cd "$dir" && "$VENV/bin/pre-commit" run "$hook" --color never "$@") >"$OUT/$name.log" 2>&1 || status=$?
}

# 1. The example repository's deliberate problems fail the hook, each by its code. The first
#    run installs the hook's environment (pip install of this repository: a cargo build).
demo=$(make_repo "$REPO/examples/demo-deployment" demo)
started=$(date +%s)
try_hook "$demo" hublint check --all-files
echo "first run, installing hublint into pre-commit's environment: $(($(date +%s) - started)) s"
if [ -z "${PRECOMMIT_HOME:-}" ]; then  # a fresh cache: the environment must have been made now
  if grep -q 'Installing environment' "$OUT/check.log"; then pass "pre-commit installed hublint itself"; else fail "no hook environment installed"; fi
fi
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

# 4. A commit with a problem fails, showing hublint's message; after the fix it passes.
mkdir -p "$OUT/cycle-src/config/clusters/ok"
printf 'jupyterhub:\n  hub:\n    config:\n      JupyterHub:\n        admin_access: true\n        admin_access: false\n' >"$OUT/cycle-src/config/clusters/ok/common.values.yaml"
cycle=$(make_repo "$OUT/cycle-src" cycle)
try_hook "$cycle" hublint cycle-problem --all-files
if [ "$status" -ne 0 ] && grep -q 'Y002.*duplicate key `admin_access`' "$OUT/cycle-problem.log" \
   && grep -q 'common.values.yaml:6:9' "$OUT/cycle-problem.log"; then
  pass "a problem fails the hook with its message and place"
else
  fail "problem commit (exit $status)"
fi
sed -i '/admin_access: true/d' "$cycle/config/clusters/ok/common.values.yaml"
git -C "$cycle" commit -q -am "one admin_access"
try_hook "$cycle" hublint cycle-fixed --all-files
if [ "$status" -eq 0 ] && grep -q 'hublint\.*Passed' "$OUT/cycle-fixed.log"; then pass "the hook passes after the fix"; else fail "fixed commit (exit $status)"; fi

# 5. hublint-reset puts the committed built tag back to chartpress's placeholder (the hook
# fails because it changed files), then passes; from the same hook repository and rev as the
# others (one environment), with `--config helm-charts` as a deployment repository passes it.
reset=$(make_repo "$REPO/examples/demo-deployment" reset)
cat >"$reset/.pre-commit-config.yaml" <<EOF
repos:
  - repo: $HOOKS_REPO
    rev: $HOOKS_REV
    hooks:
      - id: hublint-reset
        args: [--config, helm-charts]
EOF
git -C "$reset" commit -q -am "the reset hook"
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
