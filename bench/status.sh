#!/usr/bin/env bash
# Scenario "status": how long finding out what changed takes, nothing changed and after
# changes, against `git status` on a git repo of the same files (a stat-only scan) and
# the hash floor; plus mlops's own counters (files stated / hashed, bytes read).
#
# Usage: bench/status.sh [A] [B] [C] [D]      (default: A B C D)
#   A        nothing changed; then after rewriting the file's first MiB
#   B, C     nothing changed
#   D        after D's changes on a repo of B (needs B's setup, done on demand)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ $# -gt 0 ]]; then datasets=("$@"); else datasets=(A B C D); fi
bench_begin status "${datasets[@]}"

# The status commands. An exit code of 1 is accepted where changes exist, in case mlops
# (like `git diff --exit-code`) reports "changes found" that way.
mlops_status_cmd() { echo "cd $(q "$1") && $(q "$MLOPS") status >/dev/null"; }
mlops_status_changed_cmd() { echo "cd $(q "$1") && { $(q "$MLOPS") status >/dev/null || [ \$? -eq 1 ]; }"; }

# counters GROUP DIR EXPECT_TEXT PY_CONDITION: one `mlops status --json` after the timed
# runs, its counters shown, and the condition (on files_hashed / bytes_read) checked.
counters() {
  local g=$1 dir=$2 text=$3 cond=$4 out=$RAW/$RUN_ID-status-counters.json fh br fs
  (cd "$dir" && "$MLOPS" status --json >"$out") || [[ $? -eq 1 ]] || true
  fs=$(python3 "$BENCH_SRC/report.py" json-get "$out" files_stated 2>/dev/null || true)
  fh=$(python3 "$BENCH_SRC/report.py" json-get "$out" files_hashed 2>/dev/null || true)
  br=$(python3 "$BENCH_SRC/report.py" json-get "$out" bytes_read 2>/dev/null || true)
  if [[ -z $fh || -z $br ]]; then
    bench_check "$g" "$text" unknown "no files_hashed/bytes_read in \`mlops status --json\`"
  elif python3 -c "import sys; fh, br = int(sys.argv[1]), int(sys.argv[2]); sys.exit(0 if ($cond) else 1)" "$fh" "$br"; then
    bench_check "$g" "$text" true "files_stated=${fs:-?}, files_hashed=$fh, bytes_read=$br"
  else
    bench_check "$g" "$text" false "files_stated=${fs:-?}, files_hashed=$fh, bytes_read=$br"
  fi
}

status_unchanged() { # B or C
  local ds=$1 w=$WORK/status/$1 g r
  g="status, nothing changed: $(ds_name "$ds")"
  setup_repo git "$w/git" "$DATA/$ds"
  bench_run "$g" "git status" floor fast "" "cd $(q "$w/git") && git status >/dev/null"
  bench_ref "$g" "git status"
  case $ds in
    B) bench_figure "$g" "DVC 3.x dvc status" "1.2–1.4 s (BENCH.md figure, not measured here)" ;;
    C) bench_figure "$g" "DVC 3.x dvc status" "10.7 s (BENCH.md figure, not measured here)" ;;
  esac
  if r=$(mlops_missing add status) && [[ -z $r ]]; then
    setup_repo mlops "$w/mlops" "$DATA/$ds"
    bench_run "$g" "mlops status" mlops fast "" "$(mlops_status_cmd "$w/mlops")"
    counters "$g" "$w/mlops" "nothing changed: zero bytes read" "br == 0 and fh == 0"
  else
    bench_skip "$g" "mlops status" mlops "$r"
    bench_check "$g" "nothing changed: zero bytes read" unknown "$r"
  fi
  bench_target "$g" "mlops status" "≤ 2× git status" 2
}

# The D repos are set up like B's (not copied from them: a copy has new inodes and ctimes,
# which would make a stat cache see every file as changed), warmed with one status, and
# then D is applied. Each run's prepare re-touches D's files, so every timed run meets
# them as freshly edited, whatever stat cache the run before filled.
setup_d_repo() { # KIND DIR STATUS_COMMAND
  [[ -f $2.d-applied ]] && return 0
  rm -f -- "$2.ready"
  setup_repo "$1" "$2" "$DATA/B"
  (cd "$2" && eval "$3") >/dev/null 2>&1 || true
  apply_d "$2/data"
  touch "$2.d-applied"
}

status_after_d() {
  local w=$WORK/status/D g="status after D's changes (on B)" n r
  n=$(($(d_count changed) + $(d_count added)))
  setup_d_repo git "$w/git" "git status"
  bench_run "$g" "git status" floor fast "retouch_d $(q "$w/git/data")" "cd $(q "$w/git") && git status >/dev/null"
  bench_ref "$g" "git status"
  bench_run "$g" "openssl sha256 of the changed+added files" floor fast "" \
    "cd $(q "$DATA/D") && { cat $(q "$DATA/D-changes/changed.txt") $(q "$DATA/D-changes/added.txt"); } | xargs -d '\\n' openssl dgst -sha256 >/dev/null"
  if r=$(mlops_missing add status) && [[ -z $r ]]; then
    setup_d_repo mlops "$w/mlops" "$(q "$MLOPS") status"
    bench_run "$g" "mlops status" mlops fast "retouch_d $(q "$w/mlops/data")" "$(mlops_status_changed_cmd "$w/mlops")"
    retouch_d "$w/mlops/data"
    counters "$g" "$w/mlops" "hashes only the changed files (≤ $n: changed + added)" "fh <= $n and br <= $n * 16384"
  else
    bench_skip "$g" "mlops status" mlops "$r"
    bench_check "$g" "hashes only the changed files" unknown "$r"
  fi
}

status_a() {
  local w=$WORK/status/A g1="status, nothing changed: $(ds_name A)" g2="status after rewriting 1 MiB of A" r
  bench_note "$g1" "no reference: a git repo of a 2 GiB file is not a meaningful peer; the check is zero bytes read"
  bench_run "$g2" "openssl sha256 of the file" floor fast "" "$(hash_cmd "$DATA/A")"
  bench_ref "$g2" "openssl sha256 of the file"
  bench_figure "$g2" "DVC 3.x dvc status" "3.6 s (BENCH.md figure, not measured here)"
  if r=$(mlops_missing add status) && [[ -z $r ]]; then
    setup_repo mlops "$w/mlops" "$DATA/A"
    bench_run "$g1" "mlops status" mlops fast "" "$(mlops_status_cmd "$w/mlops")"
    counters "$g1" "$w/mlops" "nothing changed: zero bytes read" "br == 0 and fh == 0"
    # Rewritten into a new file and renamed: if mlops links workspace files to its cache,
    # writing in place would corrupt the cache instead of modifying the workspace.
    local f=$w/mlops/data/big.bin
    local modify="{ head -c 1048576 /dev/urandom; tail -c +1048577 $(q "$f"); } >$(q "$f.new") && mv -f $(q "$f.new") $(q "$f") && sync"
    bench_run "$g2" "mlops status" mlops fast "$modify" "$(mlops_status_changed_cmd "$w/mlops")"
    rm -f "$w/mlops.ready" # the workspace no longer matches the commit
  else
    bench_skip "$g1" "mlops status" mlops "$r"
    bench_skip "$g2" "mlops status" mlops "$r"
  fi
}

for ds in "${datasets[@]}"; do
  case $ds in
    A) status_a ;;
    B | C) status_unchanged "$ds" ;;
    D) status_after_d ;;
    *) die "unknown dataset $ds" ;;
  esac
  release "$WORK/status/$ds"
done
bench_finish "status"
