#!/usr/bin/env bash
# mlops gc --remote on a local-directory remote: what each scope keeps,
# --dry-run, repacking, a fresh clone after gc, remote locks, errors.
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

finish
