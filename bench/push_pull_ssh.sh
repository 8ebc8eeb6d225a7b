#!/usr/bin/env bash
# Scenario "push/pull over SSH": push the cache to an ssh:// remote on a loopback sshd
# (started here on a free port, tests/services/sshd.sh), and pull into a fresh clone;
# against `rsync -a -e ssh` of the tree to and from the same server.
#
# Usage: bench/push_pull_ssh.sh [B] [C]      (default: B C)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$REPO_ROOT/tests/services/lib.sh"
source "$REPO_ROOT/tests/services/sshd.sh"

if [[ $# -gt 0 ]]; then datasets=("$@"); else datasets=(B C); fi
bench_begin push_pull_ssh "${datasets[@]}"

# The service scripts call `skip` when their server cannot run: every row is then skipped.
skip() {
  local ds
  for ds in "${datasets[@]}"; do
    bench_skip "push over SSH: $(ds_name "$ds")" "mlops push (ssh://)" mlops "$*"
    bench_skip "pull over SSH: $(ds_name "$ds")" "mlops pull (ssh://)" mlops "$*"
  done
  bench_finish "push_pull_ssh"
  exit 0
}
wipe "$WORK/push_pull_ssh/server"
sshd_start "$WORK/push_pull_ssh/server"
RSH="ssh -p $SSHD_PORT -i $SSHD_KEY -o UserKnownHostsFile=$SSHD_KNOWN_HOSTS -o StrictHostKeyChecking=yes -o BatchMode=yes -o IdentitiesOnly=yes"
at() { echo "$SSHD_USER@127.0.0.1:$1"; }

# The remote lives in a bench-private global config, so kept setups and fresh clones
# find it without a commit, whatever port this run's sshd has.
export XDG_CONFIG_HOME=$WORK/push_pull_ssh/xdg
mlops_global_remote() {
  rm -rf -- "$XDG_CONFIG_HOME"
  "$MLOPS" -q config --global remote.bench.url "ssh://$SSHD_USER@127.0.0.1:$SSHD_PORT$1"
  "$MLOPS" -q config --global remote.bench.keyfile "$SSHD_KEY"
  "$MLOPS" -q config --global remote.bench.known_hosts "$SSHD_KNOWN_HOSTS"
}

push_ds() {
  local ds=$1 src=$DATA/$1 w=$WORK/push_pull_ssh/$1 g r
  g="push over SSH: $(ds_name "$ds")"
  bench_run "$g" "rsync -a -e ssh" floor slow "wipe $(q "$w/rsync-dst")" \
    "rsync -a -e $(q "$RSH") $(q "$src/") $(q "$(at "$w/rsync-dst/")")"
  bench_ref "$g" "rsync -a -e ssh"
  if r=$(mlops_missing add push) && [[ -z $r ]]; then
    setup_repo mlops "$w/mlops" "$src"
    mlops_global_remote "$w/remote"
    bench_run "$g" "mlops push (ssh://)" mlops fast "wipe $(q "$w/remote") && mkdir -p $(q "$w/remote")" \
      "cd $(q "$w/mlops") && $(q "$MLOPS") -q push"
  else
    bench_skip "$g" "mlops push (ssh://)" mlops "$r"
  fi
  bench_target "$g" "mlops push (ssh://)" "≤ 0.3× rsync -a -e ssh" 0.3
}

pull_ds() {
  local ds=$1 src=$DATA/$1 w=$WORK/push_pull_ssh/$1 g r
  g="pull over SSH: $(ds_name "$ds")"
  [[ -d $w/rsync-dst ]] || rsync -a -e "$RSH" "$src/" "$(at "$w/rsync-dst/")"
  bench_run "$g" "rsync -a -e ssh (from the server)" floor slow "wipe $(q "$w/rsync-back")" \
    "rsync -a -e $(q "$RSH") $(q "$(at "$w/rsync-dst/")") $(q "$w/rsync-back/")"
  bench_ref "$g" "rsync -a -e ssh (from the server)"
  if r=$(mlops_missing add push pull) && [[ -z $r ]]; then
    setup_repo mlops "$w/mlops" "$src"
    mlops_global_remote "$w/remote"
    [[ -n $(ls -A "$w/remote" 2>/dev/null) ]] || (cd "$w/mlops" && "$MLOPS" -q push)
    bench_run "$g" "mlops pull (ssh://; git clone + mlops pull)" mlops fast "wipe $(q "$w/mlops-clone")" \
      "git clone -q $(q "$w/mlops") $(q "$w/mlops-clone") && cd $(q "$w/mlops-clone") && $(q "$MLOPS") -q pull"
  else
    bench_skip "$g" "mlops pull (ssh://; git clone + mlops pull)" mlops "$r"
  fi
  bench_target "$g" "mlops pull (ssh://; git clone + mlops pull)" "≤ 1.3× rsync -a -e ssh" 1.3
}

for ds in "${datasets[@]}"; do
  case $ds in
    B | C) push_ds "$ds"; pull_ds "$ds" ;;
    *) die "unknown dataset $ds (push_pull_ssh runs on B and C)" ;;
  esac
  release "$WORK/push_pull_ssh/$ds"
done
bench_finish "push_pull_ssh"
