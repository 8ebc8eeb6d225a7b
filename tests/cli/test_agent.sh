#!/usr/bin/env bash
# `mlops agent serve` over TLS with a test CA, and deploy to it over https://:
# mTLS and bearer-token agents; v1, v2, no-op, rollback, status; wrong or
# missing client certificate, wrong token and an unpinned CA refused (exit 4);
# untrusted key, crafted path-traversal bundle and an oversized upload
# refused with nothing left behind; an interrupted upload resumed; parallel
# delivery to two targets, one failing; SIGTERM stops the agent.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/deploy_lib.sh"
. "$MLOPS_SOURCE_DIR/tests/services/lib.sh"
. "$MLOPS_SOURCE_DIR/tests/services/certs.sh"

command -v zstd >/dev/null || skip "zstd is not installed"
command -v curl >/dev/null || skip "curl is not installed"
certs_make "$T/certs"
certs_make "$T/other"  # a second CA: its client cert must not get in
C="$T/certs"
KEYS="$XDG_CONFIG_HOME/mlops/keys"
run 0 "$MLOPS" -q keys generate
run 0 "$MLOPS" -q keys generate --name stranger
printf 's3cret-token\n' >"$T/token"
printf 'wrong-token\n' >"$T/wrong-token"

AGENT_PIDS="$T/agent.pids"
trap 'stop_pids "$AGENT_PIDS"; rm -rf "$T"' EXIT
# start_agent DIR PORT ARGS...: an agent serving DIR on 127.0.0.1:PORT
start_agent() {
  local dir=$1 port=$2
  shift 2
  mkdir -p "$dir"
  "$MLOPS" agent serve --root "$dir" --listen "127.0.0.1:$port" --tls-cert "$C/server.crt" --tls-key "$C/server.key" \
    --trust default "$@" >"$dir.log" 2>&1 &
  echo $! >>"$AGENT_PIDS"
  wait_port "$port" || { cat "$dir.log" >&2; fail "agent on $port did not start"; }
}
DEV="$T/dev-mtls"
P1=$(free_port)
P2=$(free_port)
start_agent "$DEV" "$P1" --client-ca "$C/ca.crt"
start_agent "$T/dev-token" "$P2" --token-file "$T/token" --max-size 200KiB

new_repo "$T/repo"
m 0 target add mtls "https://127.0.0.1:$P1" --ca "$C/ca.crt" --cert "$C/client.crt" --key "$C/client.key"
m 0 target add tok "https://127.0.0.1:$P2" --ca "$C/ca.crt" --token-file "$T/token"
check "the token is not in the committed config" test -z "$(grep -r s3cret .mlops/config.yaml)"

delivery_cases mtls
m 0 --json deploy status churn --to mtls
json_check 'd["targets"][0]["models"][0]["history"][-1]["event"] == "rollback"'
rebundle 2 "$T/churn-2-sick.mlbundle" --health-url "https://127.0.0.1:$P1/nosuch"
m 1 deploy "$T/churn-2-sick.mlbundle" --to mtls
has_err "health check of churn 2 failed"
check "still 1 after a failed health URL" test "$(readlink "$DEV/churn/current")" = 1

# Refused clients: nothing changes on the device.
before=$(tree_of)
m 0 target add nocert "https://127.0.0.1:$P1" --ca "$C/ca.crt"
m 0 target add othercert "https://127.0.0.1:$P1" --ca "$C/ca.crt" --cert "$T/other/client.crt" --key "$T/other/client.key"
m 0 target add unpinned "https://127.0.0.1:$P1" --cert "$C/client.crt" --key "$C/client.key"
m 0 target add badtoken "https://127.0.0.1:$P2" --ca "$C/ca.crt" --token-file "$T/wrong-token"
m 0 target add notoken "https://127.0.0.1:$P2" --ca "$C/ca.crt"
for t in nocert othercert unpinned badtoken notoken; do
  m 4 deploy "$T/churn-2.mlbundle" --to $t
done
has_err "bearer token"
m 4 deploy status --to badtoken
has_err "not accepted"
check "device unchanged after refused clients" test "$before" = "$(tree_of)"

# Bundles the agent refuses. A target that trusts the stranger key lets the
# bundle through the local check; the agent trusts only `default`.
m 0 target add trusting "https://127.0.0.1:$P1" --ca "$C/ca.crt" --cert "$C/client.crt" --key "$C/client.key" \
  --key-trust stranger --key-trust default
run 0 "$MLOPS" -q bundle create model --name churn --version 7 --key stranger -o "$T/stranger.mlbundle"
m 5 deploy "$T/stranger.mlbundle" --to trusting
has_err "not a trusted key"
check "device unchanged after an untrusted key" test "$before" = "$(tree_of)"
check "no upload left after an untrusted key" test -z "$(ls -A "$DEV/.incoming")"

# A crafted, properly signed bundle escaping the version directory, sent
# with curl past the local checks.
python3 "$MLOPS_SOURCE_DIR/tests/cli/craft_bundle.py" "$T/dotdot.mlbundle" "$KEYS/default.key" churn 8 \
  '{"model.bin": "w"}' '[{"path": "model.bin", "data": "w"}, {"path": "../../evil", "data": "x"}]' || fail "craft"
CURL=(curl -sS --cacert "$C/ca.crt" --cert "$C/client.crt" --key "$C/client.key")
"${CURL[@]}" -o /dev/null -T "$T/dotdot.mlbundle" "https://127.0.0.1:$P1/v1/bundles/churn/8"
run 0 "${CURL[@]}" -o "$T/answer" -w '%{http_code}' -H 'Content-Type: application/json' -d '{"version": "8"}' \
  "https://127.0.0.1:$P1/v1/models/churn/activate"
has_out 422
check "nothing written outside" test ! -e "$T/evil" -a ! -e "$DEV/evil" -a ! -e "$DEV/churn/evil"
check "device unchanged after a crafted bundle" test "$before" = "$(tree_of)"
check "no upload left after a crafted bundle" test -z "$(ls -A "$DEV/.incoming")"
for path in ..%2F..%2Fevil/1 churn/..%2F..%2Fx churn/.. ../churn/1; do
  run 0 "${CURL[@]}" --path-as-is -o /dev/null -w '%{http_code}' -T "$T/churn-1.mlbundle" "https://127.0.0.1:$P1/v1/bundles/$path"
  check "PUT /v1/bundles/$path refused" grep -qE '^40[04]$' "$OUT"
done
check "no traversal through the URL" test ! -e "$T/evil" -a ! -e "$T/x.mlbundle.part"

# Oversized: the token agent takes at most 200 KiB.
m 1 deploy "$T/churn-1.mlbundle" --to tok
has_err "exceeds this agent's limit"
check "nothing kept of an oversized upload" test -z "$(ls -A "$T/dev-token/.incoming" 2>/dev/null)"
make_version 9 1000
m 0 deploy "$T/churn-9.mlbundle" --to tok
check "a small bundle fits" test "$(readlink "$T/dev-token/churn/current")" = 9

# An upload that stopped halfway continues where it stopped.
make_version 10 400000
total=$(stat -c %s "$T/churn-10.mlbundle")
half=$((total / 2))
head -c $half "$T/churn-10.mlbundle" >"$T/half"
"${CURL[@]}" -o /dev/null -T "$T/half" "https://127.0.0.1:$P1/v1/bundles/churn/10"
m 0 --json deploy "$T/churn-10.mlbundle" --to mtls
json_check "d['targets'][0]['transfer']['resumed'] == $half and d['targets'][0]['outcome'] == 'activated'"
check "v10 bytes after a resumed upload" cmp -s "$DEV/churn/current/weights.bin" "$T/weights-10"

# Two targets at once: one result each; one failure fails the command.
make_version 11 1000
m 4 --json deploy "$T/churn-11.mlbundle" --to tok,badtoken
json_check '[t["ok"] for t in d["targets"]] == [True, False] and d["targets"][1]["error"]["code"] == 4'
check "tok got v11" test "$(readlink "$T/dev-token/churn/current")" = 11

# SIGTERM stops an agent cleanly.
pid=$(head -1 "$AGENT_PIDS")
kill -TERM "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
check "the agent stopped on SIGTERM" test ! -e "/proc/$pid"
check "it said so" grep -q stopped "$DEV.log"

finish
