#!/usr/bin/env bash
# Scenario "add": put a dataset under version control in a fresh repo, mlops beside its
# peers and the read+hash / copy floors, on the same data in one run (shared/BENCH.md).
#
# Usage: bench/add.sh [A] [B] [C] [D]      (default: A B C D)
#   A, B, C  add of the whole dataset into a fresh repo
#   D        add after D's changes, in a repo where B was added and committed before
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ $# -gt 0 ]]; then datasets=("$@"); else datasets=(A B C D); fi
bench_begin add "${datasets[@]}"

# One dataset, fresh repo: floors, git-lfs, git-annex, mlops.
add_full() {
  local ds=$1 src=$DATA/$1 w=$WORK/add/$1 g r
  g="add $(ds_name "$ds")"
  local prof
  prof=$(per_file_profile "$ds")

  # Floors. cp -a: what creating a copy of every file costs (a cache that stores one file
  # per object cannot beat it). openssl: what reading and hashing every byte costs.
  bench_run "$g" "cp -a" floor "$prof" "wipe $(q "$w/cp")" "cp -a $(q "$src") $(q "$w/cp")"
  bench_run "$g" "openssl sha256, 1 proc" floor fast "" "$(hash_cmd "$src")"
  if [[ $ds == A ]]; then
    bench_note "$g" "openssl with 2 processes is not run on A: one file is hashed by one process"
    bench_ref "$g" "openssl sha256, 1 proc;cp -a"
  else
    bench_run "$g" "openssl sha256, 2 procs" floor fast "" "$(hash2_cmd "$src")"
    bench_ref "$g" "openssl sha256, 2 procs"
  fi

  # git-lfs: data/ is only read by `git add`, so the reset keeps it and recreates .git.
  if r=$(peer_missing git-lfs) && [[ -z $r ]]; then
    local lp=slow
    [[ $ds == C ]] && lp=once # 200,000 files through the clean filter: minutes per run
    bench_run "$g" "git-lfs track+add+commit" peer "$lp" \
      "reset_repo $(q "$w/lfs") $(q "$src") lfs keep" \
      "cd $(q "$w/lfs") && git lfs track 'data/**' >/dev/null && git add . && git commit -qm add"
  else
    bench_skip "$g" "git-lfs track+add+commit" peer "$r"
  fi

  # git-annex moves the files into .git/annex and leaves symlinks: fresh copy every run.
  if [[ $ds == C ]]; then
    bench_skip "$g" "git-annex add" peer "on B it takes ≈ 200 s for 20,000 files; C has 10× the files (est. ≥ 30 min), not run"
  elif r=$(peer_missing git-annex) && [[ -z $r ]]; then
    local ap=once
    [[ $ds == A ]] && ap=fast
    bench_run "$g" "git-annex add" peer "$ap" \
      "reset_repo $(q "$w/annex") $(q "$src") annex fresh" \
      "cd $(q "$w/annex") && git annex add --quiet data"
  else
    bench_skip "$g" "git-annex add" peer "$r"
  fi

  case $ds in
    A) bench_figure "$g" "DVC 3.x dvc add" "8.5 s (BENCH.md figure, not measured here)" ;;
    B) bench_figure "$g" "DVC 3.x dvc add" "10–14 s (BENCH.md figure, not measured here)" ;;
    C) bench_figure "$g" "DVC 3.x dvc add" "97 s, 640 MB peak RSS (BENCH.md figure, not measured here)" ;;
  esac

  # mlops: a fresh copy each run too, as we cannot know yet whether add links or moves files.
  if r=$(mlops_missing add) && [[ -z $r ]]; then
    bench_run "$g" "mlops add" mlops fast \
      "reset_repo $(q "$w/mlops") $(q "$src") mlops fresh" \
      "cd $(q "$w/mlops") && $(q "$MLOPS") -q add data"
  else
    bench_skip "$g" "mlops add" mlops "$r"
  fi
  case $ds in
    A) bench_target "$g" "mlops add" "≤ 1.2× the slower of openssl and cp (one read pass)" 1.2 ;;
    B | C) bench_target "$g" "mlops add" "≤ 2.5× openssl 2 procs (≥ 10× faster than DVC)" 2.5 ;;
  esac
}

# Add after D's changes. Setup: B added and committed, then a snapshot of everything
# except data/ (git, mlops metadata and cache). Each run's prepare puts the repo back to
# that state *in place* -- B's content back into data/, the snapshot back over the rest --
# and applies D. In place, not from a copy: a copy gives every file a new inode and ctime,
# and would make any stat cache treat all 20,000 files as changed.
add_after_d() {
  local w=$WORK/add/D g="add after D's changes (on B)" r
  local changed_added=$w/changed+added.txt
  mkdir -p "$w"
  guard "$changed_added"
  (d_list changed; d_list added) >"$changed_added"
  bench_run "$g" "openssl sha256 of the changed+added files" floor fast "" \
    "cd $(q "$DATA/D") && xargs -a $(q "$changed_added") -d '\\n' openssl dgst -sha256 >/dev/null"
  bench_ref "$g" "openssl sha256 of the changed+added files"
  if r=$(mlops_missing add) && [[ -z $r ]]; then
    rm -f "$w/run.ready" # the previous run of this script left D applied
    # `mlops status` once, in case mlops fills a stat cache lazily: add must not pay for it.
    setup_repo mlops "$w/run" "$DATA/B"
    (cd "$w/run" && "$MLOPS" status >/dev/null 2>&1) || true
    wipe "$w/meta"
    mkdir -p "$w/meta"
    (cd "$w/run" && find . -mindepth 1 -maxdepth 1 ! -name data -exec cp -a {} "$w/meta/" \;)
    local restore="undo_d $(q "$w/run/data") && find $(q "$w/run") -mindepth 1 -maxdepth 1 ! -name data -exec rm -rf {} +"
    restore+=" && cp -a $(q "$w/meta/.") $(q "$w/run/") && apply_d $(q "$w/run/data") && sync"
    bench_run "$g" "mlops add" mlops fast "$restore" "cd $(q "$w/run") && $(q "$MLOPS") -q add data"
  else
    bench_skip "$g" "mlops add" mlops "$r"
  fi
  bench_target "$g" "mlops add" "≤ hashing the changed files alone + 0.2 s" 1 0.2
  bench_note "$g" "D: $(d_count changed) files changed, $(d_count added) added, $(d_count deleted) deleted; whether tree manifests are rewritten whole is not visible from outside and is not checked here"
}

for ds in "${datasets[@]}"; do
  case $ds in
    A | B | C) add_full "$ds" ;;
    D) add_after_d ;;
    *) die "unknown dataset $ds" ;;
  esac
  release "$WORK/add/$ds"
done
bench_finish "add"
