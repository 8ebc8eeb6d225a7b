#!/usr/bin/env bash
# Scenario "push/pull to a local-directory remote": push the cache to a remote that is a
# plain directory, and pull into a fresh clone; against `rsync -a` (push) and `cp -a`
# (pull) of the tree, git-lfs (file:// remote) and git-annex (directory special remote).
#
# Usage: bench/push_pull_local.sh [A] [B] [C]      (default: B C)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ $# -gt 0 ]]; then datasets=("$@"); else datasets=(B C); fi
bench_begin push_pull_local "${datasets[@]}"

# mlops_set_remote REPO DIR: make DIR the default remote of REPO.
# The remote CLI has not landed yet: this follows the plan (`mlops remote add -d NAME URL`)
# and falls back to plain configuration keys; adapt it when `mlops push` exists.
mlops_set_remote() {
  if mlops_has remote; then
    (cd "$1" && "$MLOPS" -q remote add -d bench "$2")
  else
    (cd "$1" && "$MLOPS" -q config set remote.bench.url "$2" && "$MLOPS" -q config set core.remote bench)
  fi
}

push_ds() {
  local ds=$1 src=$DATA/$1 w=$WORK/push_pull/$1 g r prof
  g="push to a local-directory remote: $(ds_name "$ds")"
  prof=$(per_file_profile "$ds")

  bench_run "$g" "rsync -a" floor "$prof" "wipe $(q "$w/rsync")" "rsync -a $(q "$src/") $(q "$w/rsync/")"
  bench_ref "$g" "rsync -a"

  # git-lfs: `git push` to a bare repo over file://; its pre-push hook uploads the objects.
  if r=$(peer_missing git-lfs) && [[ -z $r ]]; then
    setup_repo lfs "$w/lfs" "$src"
    local lp=$prof
    [[ $ds == C ]] && lp=once
    bench_run "$g" "git-lfs push (git push, file:// remote)" peer "$lp" \
      "wipe $(q "$w/lfs-remote.git") && git init -q --bare $(q "$w/lfs-remote.git")" \
      "cd $(q "$w/lfs") && git push -q file://$(q "$w/lfs-remote.git") main"
    bench_note "$g" "git-lfs's file:// transfer hard-links objects when the remote is on the same filesystem (link count 3 observed): its push copies no data, so it is no transfer peer here"
  else
    bench_skip "$g" "git-lfs push" peer "$r"
  fi

  # git-annex: copy to a directory special remote. Each run gets a remote of a new name,
  # so annex's location log cannot claim the content is already there.
  if [[ $ds == C ]]; then
    bench_skip "$g" "git-annex copy --to" peer "needs \`git annex add\` of C first (≈ 10× B's ≈ 200 s, est. ≥ 30 min): not run"
  elif r=$(peer_missing git-annex) && [[ -z $r ]]; then
    setup_repo annex "$w/annex" "$src"
    local init="wipe $(q "$w/annex-remote") && mkdir $(q "$w/annex-remote") && n=r\$(date +%s%N) && echo \$n >$(q "$w/annex-remote.name")"
    init+=" && git -C $(q "$w/annex") annex initremote -q \$n type=directory directory=$(q "$w/annex-remote") encryption=none >/dev/null"
    bench_run "$g" "git-annex copy --to (directory remote)" peer once "$init" \
      "cd $(q "$w/annex") && git annex copy --quiet --to \"\$(cat $(q "$w/annex-remote.name"))\" data"
  else
    bench_skip "$g" "git-annex copy --to" peer "$r"
  fi

  case $ds in
    A) bench_figure "$g" "DVC 3.x dvc push" "3.5 s (BENCH.md figure, not measured here)" ;;
    B) bench_figure "$g" "DVC 3.x dvc push" "≈ 14 s (BENCH.md figure, not measured here)" ;;
    C) bench_figure "$g" "DVC 3.x dvc push" "86 s (BENCH.md figure, not measured here)" ;;
  esac

  if r=$(mlops_missing add push) && [[ -z $r ]]; then
    # The remote is configured before the commit, so clones know it too.
    setup_repo mlops "$w/mlops" "$src" "mkdir -p $(q "$w/mlops-remote") && mlops_set_remote . $(q "$w/mlops-remote")"
    bench_run "$g" "mlops push" mlops fast \
      "wipe $(q "$w/mlops-remote") && mkdir -p $(q "$w/mlops-remote")" \
      "cd $(q "$w/mlops") && $(q "$MLOPS") -q push"
  else
    bench_skip "$g" "mlops push" mlops "$r"
  fi
  # BENCH.md states the push target for B and C (many files); for A only the ratio is shown.
  [[ $ds == A ]] || bench_target "$g" "mlops push" "≤ 0.2× rsync -a (packs, not files)" 0.2
}

pull_ds() {
  local ds=$1 src=$DATA/$1 w=$WORK/push_pull/$1 g r prof
  g="pull into a fresh clone: $(ds_name "$ds")"
  prof=$(per_file_profile "$ds")

  bench_run "$g" "cp -a" floor "$prof" "wipe $(q "$w/cp")" "cp -a $(q "$src") $(q "$w/cp")"
  bench_ref "$g" "cp -a"

  # git-lfs: a clone's checkout smudges every file, fetching it from the file:// remote
  # that push_ds filled (pushed again here if push_ds was not run or failed).
  if r=$(peer_missing git-lfs) && [[ -z $r ]]; then
    setup_repo lfs "$w/lfs" "$src"
    if [[ ! -d $w/lfs-remote.git/lfs/objects ]]; then
      wipe "$w/lfs-remote.git"
      git init -q --bare "$w/lfs-remote.git"
      (cd "$w/lfs" && git push -q "file://$w/lfs-remote.git" main)
    fi
    local lp=$prof
    [[ $ds == C ]] && lp=once
    bench_run "$g" "git-lfs clone (fetch + smudge)" peer "$lp" "wipe $(q "$w/lfs-clone")" \
      "git clone -q file://$(q "$w/lfs-remote.git") $(q "$w/lfs-clone")"
  else
    bench_skip "$g" "git-lfs clone" peer "$r"
  fi

  if [[ $ds == C ]]; then
    bench_skip "$g" "git-annex clone + get" peer "needs \`git annex add\` of C first (est. ≥ 30 min): not run"
  elif r=$(peer_missing git-annex) && [[ -z $r ]]; then
    setup_repo annex "$w/annex" "$src"
    bench_run "$g" "git-annex clone + get" peer once "wipe $(q "$w/annex-clone")" \
      "git clone -q $(q "$w/annex") $(q "$w/annex-clone") && cd $(q "$w/annex-clone") && git annex get --quiet data"
  else
    bench_skip "$g" "git-annex clone + get" peer "$r"
  fi

  case $ds in
    B) bench_figure "$g" "DVC 3.x dvc pull (fresh clone)" "≈ 25 s (BENCH.md figure, not measured here)" ;;
    C) bench_figure "$g" "DVC 3.x dvc pull (fresh clone)" "149 s (BENCH.md figure, not measured here)" ;;
  esac

  # mlops: clone the git repo, then pull (fetch + checkout) from the remote push_ds used.
  if r=$(mlops_missing add push pull) && [[ -z $r ]]; then
    setup_repo mlops "$w/mlops" "$src" "mkdir -p $(q "$w/mlops-remote") && mlops_set_remote . $(q "$w/mlops-remote")"
    # Fill the remote unless push_ds just did (its last timed run leaves it full).
    [[ -n $(ls -A "$w/mlops-remote" 2>/dev/null) ]] || (cd "$w/mlops" && "$MLOPS" -q push)
    bench_run "$g" "mlops pull (git clone + mlops pull)" mlops fast \
      "wipe $(q "$w/mlops-clone")" \
      "git clone -q $(q "$w/mlops") $(q "$w/mlops-clone") && cd $(q "$w/mlops-clone") && $(q "$MLOPS") -q pull"
  else
    bench_skip "$g" "mlops pull (git clone + mlops pull)" mlops "$r"
  fi
  [[ $ds != B ]] || bench_target "$g" "mlops pull (git clone + mlops pull)" "≤ 1.3× cp -a" 1.3
}

for ds in "${datasets[@]}"; do
  case $ds in
    A | B | C) push_ds "$ds"; pull_ds "$ds" ;;
    *) die "unknown dataset $ds" ;;
  esac
  release "$WORK/push_pull/$ds"
done
bench_finish "push_pull_local"
