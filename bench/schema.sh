#!/usr/bin/env bash
# Time hublint's schema validation of every hub of the 2i2c corpus (release build), and
# check-jsonschema validating the same merged documents, side by side.
#
#   bench/schema.sh            # needs ../shared/corpus beside the repository
#
# hublint: best of 20 runs of schema::hubs::run over all 171 hubs (merge + validate against
# basehub's schema and the jupyterhub chart schema + free-form checks), wall and thread CPU
# time. check-jsonschema (pip, in a venv under $WORK) gets the merged documents hublint
# validates, dumped as JSON, one invocation per schema with all its documents.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
CORPUS="$REPO/../shared/corpus/2i2c-infrastructure"
[ -d "$CORPUS" ] || { echo "no corpus at $CORPUS; nothing to measure"; exit 0; }
WORK=${WORK:-${CARGO_TARGET_DIR:-$REPO/target}/bench-schema}
rm -rf "$WORK/docs" && mkdir -p "$WORK/docs"

echo "== hublint (release build; one thread, then the CLI's \`parallel\` feature)"
HUBLINT_SCHEMA_DUMP="$WORK/docs" cargo test --quiet --release -p hublint-core \
  --test schema_bench -- --ignored --nocapture 2>&1 | grep -E '^(hubs|dumped)'
cargo test --quiet --release -p hublint-core --features parallel \
  --test schema_bench -- --ignored --nocapture 2>&1 | grep -E '^hubs'
echo "   (load average now: $(cut -d' ' -f1-3 /proc/loadavg); wall times grow with it, thread cpu does not)"

if [ ! -x "$WORK/venv/bin/check-jsonschema" ]; then
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install --quiet check-jsonschema
fi
echo "== $("$WORK/venv/bin/check-jsonschema" --version)"
total_docs=0
start=$(date +%s.%N)
cpu_start=$(awk '{print $14+$15+$16+$17}' /proc/$$/stat)
for schema in "$WORK"/docs/*.schema.json; do
  name=$(basename "$schema" .schema.json)
  docs=("$WORK/docs/$name"/*.json)
  total_docs=$((total_docs + ${#docs[@]}))
  if "$WORK/venv/bin/check-jsonschema" --schemafile "$schema" "${docs[@]}" > "$WORK/docs/$name.out" 2>&1; then
    echo "$name: ${#docs[@]} documents, all valid"
  else
    echo "$name: ${#docs[@]} documents, $(grep -c '::' "$WORK/docs/$name.out" || true) errors (see $WORK/docs/$name.out)"
  fi
done
end=$(date +%s.%N)
cpu_end=$(awk '{print $14+$15+$16+$17}' /proc/$$/stat)
ticks=$(getconf CLK_TCK)
echo "check-jsonschema: $total_docs documents in $(echo "$end - $start" | bc) s wall, $(echo "scale=2; ($cpu_end - $cpu_start) / $ticks" | bc) s cpu (children)"
