#!/usr/bin/env bash
# push / clone / pull end to end through the real binary against a loopback
# sshd (SFTP); a corrupted object on the server is refused (exit 5); an
# unknown or changed host key fails with exit 4 naming the host, and is
# never accepted silently. Skipped (125) when sshd cannot run here.
. "$MLOPS_SOURCE_DIR/tests/remotes/push_pull.sh"
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

finish
