#!/usr/bin/env bash
# Run every scenario, then gather the machine facts and all tables of this run into one
# Markdown file, appended to bench/results/<date>-all.md (material for docs/benchmarks.md).
#
# Usage: bench/run_all.sh [A] [B] [C] [D]
#   With dataset names, each scenario runs on those it supports; without, on its defaults
#   (add: A B C D, status: A B C D, checkout: A B C, push_pull_local: B C,
#   push_pull_ssh: B C, push_s3: B, push_d: D).
# A full run on the 2-core machine takes about an hour, most of it in git-lfs and
# git-annex; set SLOW_RUNS=1 for a quicker, noisier pass.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# pick SUPPORTED...: the requested datasets this scenario supports (all of them if none
# were requested, so that the scenario uses its own default).
pick() {
  local d s out=()
  ((${#requested[@]})) || return 0
  for d in "${requested[@]}"; do
    for s in "$@"; do [[ $d == "$s" ]] && out+=("$d"); done
  done
  ((${#out[@]})) || out=(none)
  echo "${out[@]}"
}
requested=("$@")

"$BENCH_SRC/gen_data.sh" "$BENCH_DIR" "$@"

out=$BENCH_SRC/results/$(date +%F)-all.md
mkdir -p "$BENCH_SRC/results"
{
  echo "# mlops benchmarks ($(date +%F))"
  echo
  machine_facts
  echo
} >"$out.tmp"

run() { # SCRIPT SUPPORTED...
  local script=$1 sel
  shift
  sel=$(pick "$@")
  if [[ $sel == none ]]; then
    log "$script: no requested dataset applies, skipped"
    return
  fi
  # shellcheck disable=SC2086 # sel is a list of single letters
  "$BENCH_SRC/$script" $sel >>"$out.tmp"
}
run add.sh A B C D
run status.sh A B C D
run checkout.sh A B C
run push_pull_local.sh A B C
run push_pull_ssh.sh B C
run push_s3.sh B C
run push_d.sh D
cat "$out.tmp" >>"$out"
rm -f "$out.tmp"
log "all results: $out"
