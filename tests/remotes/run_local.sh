#!/usr/bin/env bash
# Local-directory remotes: the conformance suite, then push/pull end to end.
. "$MLOPS_SOURCE_DIR/tests/remotes/push_pull.sh"

store="$T/store"
MLOPS_TEST_REMOTE_URL="$store/conformance" "$MLOPS_CONFORMANCE" && ok || fail "conformance (path)"
MLOPS_TEST_REMOTE_URL="file://$store/conformance2" "$MLOPS_CONFORMANCE" && ok || fail "conformance (file://)"

REMOTE_URL="$store/data"
REMOTE_OPTIONS=""
corrupt_remote_key() {
  chmod u+w "$REMOTE_URL/$1"
  printf X | dd of="$REMOTE_URL/$1" bs=1 seek=100 conv=notrunc status=none
}
push_pull_suite
compress_suite
h=$(sed -n 's/.*hash: sha256:\([0-9a-f]*\).*/\1/p' "$T/zorigin/big.txt.mlops")
check "big.txt is stored compressed" test "$(head -c 7 "$store/data-zstd/sha256/${h:0:2}/${h:2}" | tail -c 6)" = MLOPSZ
h=$(sed -n 's/.*hash: sha256:\([0-9a-f]*\).*/\1/p' "$T/zorigin/big.bin.mlops")
check "random big.bin is stored plain" cmp -s "$store/data-zstd/sha256/${h:0:2}/${h:2}" "$T/zorigin/big.bin"

# Wrong location: a remote that cannot be written names itself and exits 4.
cd "$T/origin"
"$MLOPS" -q remote add broken /proc/no-such-place
m 4 push -r broken
has_err "/proc/no-such-place"
m 2 push -r nosuch
has_err "no remote named 'nosuch'"

finish
