#!/usr/bin/env bash
# push / clone / pull end to end through the real binary against a loopback
# sshd (SFTP); a corrupted object on the server is refused (exit 5); an
# unknown or changed host key fails with exit 4 naming the host, and is
# never accepted silently; gc --remote (gc_flow.sh); the server killed
# mid-push: exit 4, and the rerun after a restart moves only what is
# missing. Skipped (125) when sshd cannot run here.
. "$MLOPS_SOURCE_DIR/tests/remotes/push_pull.sh"
. "$MLOPS_SOURCE_DIR/tests/remotes/gc_flow.sh"
. "$MLOPS_SOURCE_DIR/tests/services/lib.sh"
. "$MLOPS_SOURCE_DIR/tests/services/sshd.sh"

sshd_start "$T/sshd"
store="$T/sshstore"
REMOTE_URL="ssh://$SSHD_USER@127.0.0.1:$SSHD_PORT$store"
REMOTE_OPTIONS="keyfile=$SSHD_KEY
known_hosts=$SSHD_KNOWN_HOSTS"
corrupt_remote_key() {
  chmod u+w "$store/$1" && printf X | dd of="$store/$1" bs=1 seek=100 conv=notrunc status=none
}
push_pull_suite

cd "$T/origin"
: >"$T/empty_known_hosts"
m 0 remote modify store known_hosts "$T/empty_known_hosts"
m 4 push
has_err "127.0.0.1"
sed 's/ssh-ed25519 .*/ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl/' \
  "$SSHD_KNOWN_HOSTS" >"$T/wrong_known_hosts"
m 0 remote modify store known_hosts "$T/wrong_known_hosts"
m 4 fetch
has_err "127.0.0.1"

store="$T/gcstore"
REMOTE_URL="ssh://$SSHD_USER@127.0.0.1:$SSHD_PORT$store"
remote_has() { test -e "$store/$1"; }
remote_put() { mkdir -p "$(dirname "$store/$1")" && cp "$2" "$store/$1"; }
gc_remote_flow "$T/gc"

# The server is killed while a push uploads large objects one by one (-j 1).
store="$T/killstore"
REMOTE_URL="ssh://$SSHD_USER@127.0.0.1:$SSHD_PORT$store"
new_repo "$T/killed"
random_files data s 200 1000
random_files data big 24 $((2 << 20))
m 0 add data
configure_remote
run 0 git add -A && run 0 git commit -qm data
loose_done() { find "$store/sha256" -type f ! -name '*.tmp.*' 2>/dev/null | wc -l; }
"$MLOPS" --json push -j 1 >"$OUT" 2>"$ERR" &
pusher=$!
for _ in $(seq 1000); do [ "$(loose_done)" -gt 0 ] && break; sleep 0.01; done
sshd_kill
wait $pusher
check "push into a killed server exits 4 (got $?)" test $? = 4
has_err "127.0.0.1:$SSHD_PORT"
done_before=$(loose_done)
check "the server died mid-push ($done_before of 24 large objects there)" test "$done_before" -lt 24
sshd_restart || fail "sshd did not restart"
m 0 --json push -j 1
json_check "d['stats']['objects'] == 24 - $done_before and d['stats']['up_to_date'] == 201 + $done_before"
m 0 status --remote --exit-code
clone_and_pull "$T/killed" "$T/killed-clone"
check "the clone pulls every byte" test "$(tree_sum data)" = "$(tree_sum "$T/killed/data")"

finish
