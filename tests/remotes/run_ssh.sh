#!/usr/bin/env bash
# Conformance of the ssh:// remote (SFTP) against a throwaway OpenSSH server
# on 127.0.0.1 (tests/services/sshd.sh), then the ways a connection must be
# refused: unknown host, changed host key, refused user key. Also the
# ~/.ssh/config alias and default-key paths. Skipped (125) when sshd cannot
# run here.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../services/lib.sh"
. "$here/../services/sshd.sh"
: "${MLOPS_CONFORMANCE:?set MLOPS_CONFORMANCE to the remote_conformance binary (ctest does)}"

dir=$(mktemp -d "${TMPDIR:-/tmp}/mlops-remote-ssh.XXXXXX")
trap 'rm -rf "$dir"' EXIT
sshd_start "$dir/sshd"

# Nothing from the caller's own ssh set-up may help or hurt.
unset SSH_AUTH_SOCK
export HOME="$dir/home"
mkdir -p "$HOME"

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
options() { printf 'keyfile=%s\nknown_hosts=%s\n%s' "$1" "$2" "${3:-}"; }
url="ssh://$SSHD_USER@127.0.0.1:$SSHD_PORT$dir/store"

# 1. The whole suite.
start=$(date +%s%N)
if MLOPS_TEST_REMOTE_URL=$url MLOPS_TEST_REMOTE_OPTIONS=$(options "$SSHD_KEY" "$SSHD_KNOWN_HOSTS") \
  "$MLOPS_CONFORMANCE"; then
  pass "conformance suite in $((($(date +%s%N) - start) / 1000000)) ms"
else
  fail "conformance suite"
fi
leftovers=$(find "$dir/store" -name '*.tmp.*' | wc -l)
[ "$leftovers" = 0 ] && pass "no temp files left on the server" || fail "$leftovers temp files left on the server"

# 2. One session shared by four writer threads.
if MLOPS_TEST_REMOTE_URL="$url-one-session" \
  MLOPS_TEST_REMOTE_OPTIONS=$(options "$SSHD_KEY" "$SSHD_KNOWN_HOSTS" "max_sessions=1") \
  "$MLOPS_CONFORMANCE" "concurrent writers and readers" >"$dir/out" 2>&1; then
  pass "max_sessions=1 with concurrent callers"
else
  cat "$dir/out"
  fail "max_sessions=1 with concurrent callers"
fi

# 3. Refusals: each must fail the first request as `auth`, naming the host
#    and saying what to do (-s prints the message of the passing check).
expect_auth() {
  local what=$1 key=$2 known=$3 advice=$4
  if MLOPS_TEST_REMOTE_URL="$url-refused" MLOPS_TEST_REMOTE_OPTIONS=$(options "$key" "$known") \
    "$MLOPS_CONFORMANCE" -r compact -s "[auth]" >"$dir/out" 2>&1 && grep -qF -- "$advice" "$dir/out"; then
    pass "$what"
  else
    cat "$dir/out"
    fail "$what (expected an auth failure mentioning: $advice)"
  fi
}
: >"$dir/empty_known_hosts"
expect_auth "unknown host (empty known_hosts)" "$SSHD_KEY" "$dir/empty_known_hosts" \
  "ssh-keyscan -p $SSHD_PORT 127.0.0.1 >> $dir/empty_known_hosts"
expect_auth "unknown host (no known_hosts file)" "$SSHD_KEY" "$dir/absent_known_hosts" "does not exist"
ssh-keygen -q -t ed25519 -N '' -C other-host -f "$dir/other_host"
echo "[127.0.0.1]:$SSHD_PORT $(cut -d' ' -f1,2 "$dir/other_host.pub")" >"$dir/wrong_known_hosts"
expect_auth "changed host key" "$SSHD_KEY" "$dir/wrong_known_hosts" "does not match the one recorded"
ssh-keygen -q -t ed25519 -N '' -C stranger -f "$dir/stranger"
expect_auth "user key not authorized" "$dir/stranger" "$SSHD_KNOWN_HOSTS" "refused the login"
[ -z "$(ls -A "$dir/store-refused" 2>/dev/null)" ] && pass "nothing written after a refusal" ||
  fail "files written after a refusal"

# 4. A ~/.ssh/config alias gives host, port, user and key; known_hosts and
#    the key file are found in ~/.ssh without options.
mkdir -p "$HOME/.ssh"
cp "$SSHD_KEY" "$HOME/.ssh/test_key"
cp "$SSHD_KNOWN_HOSTS" "$HOME/.ssh/known_hosts"
cat >"$HOME/.ssh/config" <<EOF
Host other
  Port 1
Host mlops-test-alias
  HostName 127.0.0.1
  Port $SSHD_PORT
  User $SSHD_USER
  IdentityFile ~/.ssh/test_key
Host *
  User nobody-else
EOF
if MLOPS_TEST_REMOTE_URL="ssh://mlops-test-alias$dir/store-alias" MLOPS_TEST_REMOTE_OPTIONS= \
  "$MLOPS_CONFORMANCE" "put then get returns the same bytes" >"$dir/out" 2>&1; then
  pass "~/.ssh/config alias"
else
  cat "$dir/out"
  fail "~/.ssh/config alias"
fi
rm "$HOME/.ssh/config" "$HOME/.ssh/test_key"

# 5. Defaults: ~/.ssh/id_ed25519 (its .pub is absent: derived), $USER.
cp "$SSHD_KEY" "$HOME/.ssh/id_ed25519"
if USER=$SSHD_USER MLOPS_TEST_REMOTE_URL="ssh://127.0.0.1:$SSHD_PORT$dir/store-default" MLOPS_TEST_REMOTE_OPTIONS= \
  "$MLOPS_CONFORMANCE" "list returns keys below a prefix with sizes" >"$dir/out" 2>&1; then
  pass "default key and user"
else
  cat "$dir/out"
  fail "default key and user"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
