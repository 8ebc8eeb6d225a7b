#!/usr/bin/env bash
# Local-directory remotes: the conformance suite, then push/pull end to end.
. "$MLOPS_SOURCE_DIR/tests/remotes/push_pull.sh"

store="$T/store"
MLOPS_TEST_REMOTE_URL="$store/conformance" "$MLOPS_CONFORMANCE" && ok || fail "conformance (path)"
MLOPS_TEST_REMOTE_URL="file://$store/conformance2" "$MLOPS_CONFORMANCE" && ok || fail "conformance (file://)"

REMOTE_URL="$store/data"
REMOTE_OPTIONS=""
corrupt_remote_key() {
  chmod u+w "$store/data/$1"
  printf X | dd of="$store/data/$1" bs=1 seek=100 conv=notrunc status=none
}
push_pull_suite

# Wrong location: a remote that cannot be written names itself and exits 4.
cd "$T/origin"
"$MLOPS" -q remote add broken /proc/no-such-place
m 4 push -r broken
has_err "/proc/no-such-place"
m 2 push -r nosuch
has_err "no remote named 'nosuch'"

finish
