#!/usr/bin/env bash
# Scenario "checkout": re-create the whole workspace tree from the local cache, against
# `cp -a` of the tree (creating the files is the floor), git and git-lfs checkouts.
#
# Usage: bench/checkout.sh [A] [B] [C]      (default: A B C)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ $# -gt 0 ]]; then datasets=("$@"); else datasets=(A B C); fi
bench_begin checkout "${datasets[@]}"

# verify GROUP DIR SRC: one check that the checkout really re-created every byte (a
# checkout that silently did nothing would otherwise look like a record).
verify() {
  if diff -rq "$2/data" "$3" >/dev/null 2>&1; then
    bench_check "$1" "the checked-out tree equals the dataset (diff -rq)" true ""
  else
    bench_check "$1" "the checked-out tree equals the dataset (diff -rq)" false "differences in $2/data"
  fi
}

checkout_ds() {
  local ds=$1 src=$DATA/$1 w=$WORK/checkout/$1 g r prof
  g="checkout of the whole tree: $(ds_name "$ds")"
  prof=$(per_file_profile "$ds")

  bench_run "$g" "cp -a" floor "$prof" "wipe $(q "$w/cp")" "cp -a $(q "$src") $(q "$w/cp")"
  bench_ref "$g" "cp -a"

  # Plain git stores a 2 GiB blob zlib-compressed: not a peer anyone would use for A.
  if [[ $ds != A ]]; then
    setup_repo git "$w/git" "$src"
    bench_run "$g" "git checkout (plain git)" peer "$prof" "wipe $(q "$w/git/data")" \
      "cd $(q "$w/git") && git checkout -q -- data"
  fi

  if r=$(peer_missing git-lfs) && [[ -z $r ]]; then
    local lp=$prof
    [[ $ds == C ]] && lp=once # 200,000 smudge-filter calls
    setup_repo lfs "$w/lfs" "$src"
    bench_run "$g" "git-lfs checkout (smudge from .git/lfs)" peer "$lp" "wipe $(q "$w/lfs/data")" \
      "cd $(q "$w/lfs") && git checkout -q -- data"
  else
    bench_skip "$g" "git-lfs checkout" peer "$r"
  fi
  bench_skip "$g" "git-annex" peer "its work tree holds symlinks into .git/annex/objects, so a checkout creates links, not file contents: not comparable"

  case $ds in
    A) bench_figure "$g" "DVC 3.x dvc checkout" "1.7 s (BENCH.md figure, not measured here)" ;;
    B) bench_figure "$g" "DVC 3.x dvc checkout" "≈ 10 s (BENCH.md figure, not measured here)" ;;
    C) bench_figure "$g" "DVC 3.x dvc checkout" "80 s (BENCH.md figure, not measured here)" ;;
  esac

  if r=$(mlops_missing add checkout) && [[ -z $r ]]; then
    setup_repo mlops "$w/mlops" "$src"
    bench_run "$g" "mlops checkout" mlops fast "wipe $(q "$w/mlops/data")" \
      "cd $(q "$w/mlops") && $(q "$MLOPS") -q checkout"
    verify "$g" "$w/mlops" "$src"
  else
    bench_skip "$g" "mlops checkout" mlops "$r"
  fi
  bench_target "$g" "mlops checkout" "≤ 1.2× cp -a" 1.2
}

for ds in "${datasets[@]}"; do
  case $ds in
    A | B | C) checkout_ds "$ds" ;;
    *) die "unknown dataset $ds" ;;
  esac
  release "$WORK/checkout/$ds"
done
bench_finish "checkout"
