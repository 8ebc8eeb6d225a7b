#!/usr/bin/env bash
# Generate the benchmark datasets (see gen_data.py for the exact shapes).
#
# Usage: bench/gen_data.sh [BENCH_DIR] [A|B|C|D ...]
#   BENCH_DIR defaults to ${BENCH_DIR:-/tmp/mlops-bench}; datasets land in BENCH_DIR/data.
#   With no dataset names, all four are generated. Already generated ones are skipped.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

dir=${BENCH_DIR:-/tmp/mlops-bench}
# The first argument is the directory unless it names a dataset.
if [[ $# -gt 0 && ! $1 =~ ^[ABCD]$ ]]; then
  dir=$1
  shift
fi

command -v python3 >/dev/null || { echo "gen_data: python3 is required" >&2; exit 1; }
mkdir -p "$dir/data"
python3 "$here/gen_data.py" "$dir/data" "$@"
