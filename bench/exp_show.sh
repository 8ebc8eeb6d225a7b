#!/usr/bin/env bash
# Scenario "exp show": querying many recorded runs. Generates N runs (default
# 10,000) as loose records in a fresh repository (bench/gen_runs.py), times the
# first query (which builds the run index from the records) once, then the
# indexed queries with hyperfine: `exp show --json`, a sorted top-10 table,
# and `exp list`. The target is well under a second for 10,000 runs.
#
# Usage: bench/exp_show.sh [N]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=${1:-10000}
W=$WORK/exp_show
case $W in "$BENCH_DIR"/work/*) rm -rf "$W" ;; *) echo "refusing to remove $W" >&2; exit 1 ;; esac
mkdir -p "$W/repo" "$RAW"
cd "$W/repo"
git init -q . && "$MLOPS" -q init
echo "generating $N runs..."
python3 "$BENCH_SRC/gen_runs.py" .mlops/cache "$N"

start=$(date +%s.%N)
"$MLOPS" --json exp show >/dev/null
echo "first exp show (index built from $N records): $(python3 -c "import sys; print('%.2f s' % (float(sys.argv[2]) - float(sys.argv[1])))" "$start" "$(date +%s.%N)")"

cmds=("$MLOPS --json exp show >/dev/null"
      "$MLOPS exp show --sort-by acc --desc -n 10 >/dev/null"
      "$MLOPS exp list >/dev/null")
if command -v hyperfine >/dev/null; then
  hyperfine --runs "$RUNS" --warmup "$WARMUP" --export-markdown "$RAW/exp_show-$N.md" "${cmds[@]}"
else
  echo "hyperfine not installed; one timed run each"
  for c in "${cmds[@]}"; do
    echo "$c"
    (time bash -c "$c") 2>&1 | grep real
  done
fi
