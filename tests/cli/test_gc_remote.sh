#!/usr/bin/env bash
# mlops gc --remote on a local-directory remote: what each scope keeps,
# --dry-run, repacking, a fresh clone after gc, remote locks, run records
# pushed from elsewhere, errors.
# The same flow runs against sshd in tests/remotes/run_ssh_cli.sh.
. "$MLOPS_SOURCE_DIR/tests/remotes/push_pull.sh"
. "$MLOPS_SOURCE_DIR/tests/remotes/gc_flow.sh"

store="$T/store"
REMOTE_URL="$store"
REMOTE_OPTIONS=""
remote_has() { test -e "$store/$1"; }
remote_put() { mkdir -p "$(dirname "$store/$1")" && cp "$2" "$store/$1"; }
gc_remote_flow "$T/gc"

cd "$T/gc/origin"
m 2 gc --remote nosuch
has_err "no remote named 'nosuch'"
# The refresh after gc leaves the local index cache matching the remote.
rm -f "$store"/locks/*
m 0 gc --remote store
check "cached indexes match the remote's" test "$(cd .mlops/tmp/remotes/store && ls *.idx | sort)" = \
  "$(cd "$store/packs" && ls *.idx | sort)"

# A run pushed from one clone survives a gc run in another that never saw
# it; run refs and run-cache entries are left alone.
store="$T/runstore"
REMOTE_URL="$store"
new_repo "$T/runs"
cat >mlops.yaml <<'YAML'
stages:
  make:
    cmd: mkdir -p out && head -c 3000 /dev/urandom > out/x
    outs: [out]
YAML
m 0 repro
configure_remote
run 0 git add -A && run 0 git commit -qm pipeline
m 0 --json push
json_check 'd["runs"] == 1 and d["run_cache_entries"] == 1'
m 0 repro --force
m 0 push
run_files() { (cd "$store" && find run-refs runs -type f | sort); }
before=$(run_files)
run 0 git clone -q "$T/runs" "$T/runs-gc"
cd "$T/runs-gc" && "$MLOPS" -q remote remove store && configure_remote
m 0 --json exp list
json_check 'len(d["runs"]) == 0'
m 0 --json gc --remote store
json_check 'd["kept"]["remote_runs"] == 2 and d["removed"]["objects"] >= 1'   # the first run's out
check "run refs and run-cache entries untouched" test "$before" = "$(run_files)"
clone_and_pull "$T/runs" "$T/runs-later"
m 0 --json exp list
json_check 'len(d["runs"]) == 2'

finish
