#!/usr/bin/env bash
# deploy over ssh:// to a loopback sshd: with mlops on the device (agent
# activate) and without it (the POSIX-shell fallback): v1, v2, rollback,
# status, no-op redelivery, a tampered bundle refused (exit 5) with nothing
# changed, an unknown host key refused (exit 4) with nothing changed, and an
# upload interrupted halfway that the next run resumes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/deploy_lib.sh"
. "$MLOPS_SOURCE_DIR/tests/services/lib.sh"
. "$MLOPS_SOURCE_DIR/tests/services/sshd.sh"

command -v zstd >/dev/null || skip "zstd is not installed"
sshd_start "$T/sshd"
DEV="$T/device"
mkdir -p "$DEV"
URL="ssh://$SSHD_USER@127.0.0.1:$SSHD_PORT$DEV"

run 0 "$MLOPS" -q keys generate
new_repo "$T/repo"
m 0 target add edge "$URL" --identity "$SSHD_KEY" --known-hosts "$SSHD_KNOWN_HOSTS" --mlops-path "$MLOPS"
m 0 --json target list
json_check 'd["targets"][0]["url"].startswith("ssh://")'

delivery_cases edge
m 0 deploy "$T/churn-2.mlbundle" --to edge --health-cmd 'test "$(cat VERSION)" = 2'
check "current 2 again" test "$(readlink "$DEV/churn/current")" = 2

# A failing health check on the device rolls back; the command fails.
make_version 3
m 1 deploy "$T/churn-3.mlbundle" --to edge --health-cmd 'false'
has_err "health check of churn 3 failed"
check "still 2 after a failed check" test "$(readlink "$DEV/churn/current")" = 2

# A tampered bundle: refused before anything reaches the device.
make_version 4
tamper "$T/churn-4.mlbundle" payload.tar.zst "$T/tampered.mlbundle"
before=$(tree_of)
m 5 deploy "$T/tampered.mlbundle" --to edge
check "device unchanged after a tampered bundle" test "$before" = "$(tree_of)"

# An unknown host key: refused, nothing changed.
: >"$T/empty_known_hosts"
m 0 target add stranger "$URL" --identity "$SSHD_KEY" --known-hosts "$T/empty_known_hosts" --mlops-path "$MLOPS"
m 4 deploy "$T/churn-4.mlbundle" --to stranger
has_err "is not in $T/empty_known_hosts"
check "device unchanged after an unknown host key" test "$before" = "$(tree_of)"

# An upload interrupted halfway (over a slow link) resumes where it stopped.
make_version 5 6000000
mkdir -p "$HOME/.ssh"
printf 'Host 127.0.0.1\n  ProxyCommand python3 %s %%h %%p 1500000\n' "$MLOPS_SOURCE_DIR/tests/cli/slow_proxy.py" >"$HOME/.ssh/config"
"$MLOPS" deploy "$T/churn-5.mlbundle" --to edge >"$T/killed.out" 2>"$T/killed.err" &
pid=$!
part="$DEV/.incoming/churn-5.mlbundle.part"
for _ in $(seq 200); do
  [ "$(stat -c %s "$part" 2>/dev/null || echo 0)" -gt 1000000 ] && break
  sleep 0.05
done
kill -TERM $pid
wait $pid
check "the interrupted deploy exits 130" test $? = 130
size=$(stat -c %s "$part" 2>/dev/null || echo 0)
total=$(stat -c %s "$T/churn-5.mlbundle")
check "a part of the bundle is on the device ($size of $total)" test "$size" -gt 0 -a "$size" -lt "$total"
check "still 2 after the interrupted deploy" test "$(readlink "$DEV/churn/current")" = 2
rm "$HOME/.ssh/config"
m 0 --json deploy "$T/churn-5.mlbundle" --to edge
json_check "d['targets'][0]['outcome'] == 'activated' and 0 < d['targets'][0]['transfer']['resumed'] and d['targets'][0]['transfer']['sent'] + d['targets'][0]['transfer']['resumed'] == $total"
check "v5 bytes" cmp -s "$DEV/churn/current/weights.bin" "$T/weights-5"
check "no upload left after the resumed deploy" test -z "$(ls -A "$DEV/.incoming")"

finish
