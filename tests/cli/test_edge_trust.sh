#!/usr/bin/env bash
# The edge device trusts only the signing key (docs/security.md): no client
# of `mlops agent serve` can choose the command a device runs as its health
# check or switch it back to an older signed version; the same rules hold
# over file:// and ssh:// (mlops on the device and the POSIX-shell fallback),
# with `deploy rollback` as the explicit, recorded way back and a device
# policy that may allow downgrades. Also: malformed activate requests are
# 400s naming the member; a bundle listing a file and a file below it is
# refused (exit 5); an mTLS agent called without a client certificate says
# so; uploads never activated are removed, one in progress is not; and two
# deploys in a row over the shell fallback do not wait out the health
# check's timeout (nothing keeps the model's lock).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/deploy_lib.sh"
. "$MLOPS_SOURCE_DIR/tests/services/lib.sh"
. "$MLOPS_SOURCE_DIR/tests/services/certs.sh"
. "$MLOPS_SOURCE_DIR/tests/services/sshd.sh"

command -v zstd >/dev/null || skip "zstd is not installed"
command -v curl >/dev/null || skip "curl is not installed"
command -v flock >/dev/null || skip "flock is not installed"
command -v sha256sum >/dev/null || skip "sha256sum is not installed"
KEYS="$XDG_CONFIG_HOME/mlops/keys"
SENTINEL="$T/PWNED"
AGENT_PIDS="$T/agent.pids"
trap 'stop_pids "$AGENT_PIDS"; rm -rf "$T"' EXIT

# model_event MODEL FIELD: FIELD of the last history event of MODEL on $DEV.
model_event() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["history"][-1].get(sys.argv[2], ""))' \
    "$DEV/$1/status.json" "$2"
}
current() { readlink "$DEV/churn/current"; }

# --- ssh:// without mlops on the device: the POSIX-shell fallback --------
ssh_device mlops-not-on-this-device

# Two deploys in a row, each with a health check allowed 20 s: neither the
# check nor its watchdog may keep the model's lock (fd 9) once the deploy is
# done, or the next one waits for it. The second check leaves a process
# behind, as a check that starts a service does.
make_version 2.0.0 1000 --health-cmd true --health-timeout 20
make_version 2.1.0 1000 --health-cmd '(sleep 20 </dev/null >/dev/null 2>&1 &); true' --health-timeout 20
start=$(date +%s)
m 0 deploy "$T/churn-2.0.0.mlbundle" --to edge
check "shell fallback: nothing holds the lock after a deploy" flock -n "$DEV/churn/.lock" true
m 0 deploy "$T/churn-2.1.0.mlbundle" --to edge
took=$(($(date +%s) - start))
check "shell fallback: two deploys took ${took} s, not the 20 s health timeout" test "$took" -lt 18
check "shell fallback: a check's leftover process does not hold the lock" flock -n "$DEV/churn/.lock" true
check "shell fallback: current 2.1.0" test "$(current)" = 2.1.0

# An older version is refused before anything changes; rollback stays open.
before=$(tree_of)
m 1 deploy "$T/churn-2.0.0.mlbundle" --to edge
has_err "refusing to activate churn 2.0.0"
has_err "older than the current version 2.1.0"
check "shell fallback: device unchanged after a refused downgrade" test "$before" = "$(tree_of)"
m 0 deploy rollback churn --to edge
has_out "current 2.0.0, previous 2.1.0"
check "shell fallback: the rollback is recorded" test "$(model_event churn event)" = rollback

# --- ssh:// with mlops on the device (`mlops agent activate`) ---------------
m 0 target add -f edge "$URL" --identity "$SSHD_KEY" --known-hosts "$SSHD_KNOWN_HOSTS" --mlops-path "$MLOPS"
m 0 deploy "$T/churn-2.1.0.mlbundle" --to edge
make_version 1.9.0 1000
before=$(tree_of)
m 1 deploy "$T/churn-1.9.0.mlbundle" --to edge
has_err "older than the current version 2.1.0"
check "ssh: device unchanged after a refused downgrade" test "$before" = "$(tree_of)"
m 0 config target.edge.allow_downgrade true
m 0 deploy "$T/churn-1.9.0.mlbundle" --to edge
check "ssh: a downgrade the target allows" test "$(current)" = 1.9.0
check "ssh: recorded as a downgrade" test "$(model_event churn detail)" = "a downgrade the device's policy allows"

# --- file:// ----------------------------------------------------------------
DEV="$T/dev-file"
mkdir -p "$DEV"
m 0 target add dev "file://$DEV"
make_version 1.0.0 1000
make_version 1.1.0 1000
m 0 deploy "$T/churn-1.0.0.mlbundle" --to dev
m 0 deploy "$T/churn-1.1.0.mlbundle" --to dev
before=$(tree_of)
m 1 deploy "$T/churn-1.0.0.mlbundle" --to dev
has_err "refusing to activate churn 1.0.0"
has_err "older than the current version 1.1.0"
check "file: device unchanged after a refused downgrade" test "$before" = "$(tree_of)"

# A signed bundle's health check is its manifest's: a deploy cannot add one.
m 2 deploy "$T/churn-1.1.0.mlbundle" --to dev --health-cmd "id > $SENTINEL"
has_err "part of its signed manifest"
check "file: no health command of the deployer ran" test ! -e "$SENTINEL"
check "file: device unchanged" test "$before" = "$(tree_of)"

m 0 deploy rollback churn --to dev
has_out "current 1.0.0, previous 1.1.0"
check "file: the rollback is recorded" test "$(model_event churn event)" = rollback

# Versions that are not semantic versions compare by signed creation time.
make_version old 1000
sleep 1.1
make_version new 1000
m 0 deploy "$T/churn-new.mlbundle" --to dev
m 1 deploy "$T/churn-old.mlbundle" --to dev
has_err "older than the current version new"
m 0 config target.dev.allow_downgrade true
m 0 deploy "$T/churn-old.mlbundle" --to dev
check "file: a downgrade the target allows" test "$(current)" = old
m 0 config --unset target.dev.allow_downgrade

# A bundle listing `a` and `a/b`: refused on verify and deploy, naming both.
python3 "$MLOPS_SOURCE_DIR/tests/cli/craft_bundle.py" "$T/nested.mlbundle" "$KEYS/default.key" churn 9.0.0 \
  '{"a": "x", "a/b": "y"}' '[{"path": "a", "data": "x"}, {"path": "a/b", "data": "y"}]' || fail "craft nested"
m 5 bundle verify "$T/nested.mlbundle"
has_err "'a' is listed as a file and as the directory of 'a/b'"
before=$(tree_of)
m 5 deploy "$T/nested.mlbundle" --to dev
has_err "'a' is listed as a file and as the directory of 'a/b'"
check "file: device unchanged after a nested bundle" test "$before" = "$(tree_of)"

# --- https:// agent -----------------------------------------------------------
certs_make "$T/certs"
C="$T/certs"
DEV="$T/dev-agent"
mkdir -p "$DEV/.incoming"
for f in old-1.mlbundle.part fresh-1.mlbundle.part; do echo x >"$DEV/.incoming/$f"; done
touch -d '2 days ago' "$DEV/.incoming/old-1.mlbundle.part"
P=$(free_port)
"$MLOPS" agent serve --root "$DEV" --listen "127.0.0.1:$P" --tls-cert "$C/server.crt" --tls-key "$C/server.key" \
  --client-ca "$C/ca.crt" --trust default >"$T/agent.log" 2>&1 &
echo $! >>"$AGENT_PIDS"
wait_port "$P" || { cat "$T/agent.log" >&2; fail "the agent did not start"; }
check "agent: an upload never activated is removed at start" test ! -e "$DEV/.incoming/old-1.mlbundle.part"
check "agent: a fresh upload is kept" test -e "$DEV/.incoming/fresh-1.mlbundle.part"
check "agent: the removal is logged" grep -q "removed old-1.mlbundle.part" "$T/agent.log"
m 0 target add agent "https://127.0.0.1:$P" --ca "$C/ca.crt" --cert "$C/client.crt" --key "$C/client.key"

# Before each upload too, but never one that is held (an upload in progress).
for f in stale-2.mlbundle.part held-2.mlbundle.part; do
  echo x >"$DEV/.incoming/$f"
  touch -d '2 days ago' "$DEV/.incoming/$f"
done
flock -o "$DEV/.incoming/held-2.mlbundle.part" sleep 4 &
holder=$!
sleep 0.5
m 0 deploy "$T/churn-1.0.0.mlbundle" --to agent
check "agent: a stale upload is removed before an upload" test ! -e "$DEV/.incoming/stale-2.mlbundle.part"
check "agent: an upload in progress is kept" test -e "$DEV/.incoming/held-2.mlbundle.part"
wait "$holder"

# The attack: a client that passes mTLS uploads a signed bundle and asks for
# its own health command. Refused (400); nothing runs, nothing changes.
CURL=(curl -sS --cacert "$C/ca.crt" --cert "$C/client.crt" --key "$C/client.key")
activate() {  # activate BODY: POST it, the status code in $OUT, the answer in $T/answer
  run 0 "${CURL[@]}" -o "$T/answer" -w '%{http_code}' -H 'Content-Type: application/json' -d "$1" \
    "https://127.0.0.1:$P/v1/models/churn/activate"
}
make_version 1.0.1 1000
"${CURL[@]}" -o /dev/null -T "$T/churn-1.0.1.mlbundle" "https://127.0.0.1:$P/v1/bundles/churn/1.0.1"
before=$(tree_of)
activate "{\"version\": \"1.0.1\", \"health\": {\"cmd\": \"id > $SENTINEL\"}}"
has_out 400
check "agent: the answer says why" grep -q 'is not accepted: the health check is the bundle' "$T/answer"
check "agent: no health command of the client ran" test ! -e "$SENTINEL"

# Every member of the request is checked for its type: 400s naming it.
for body in '{"version": "1.0.1", "activate": "yes"}|"activate\" must be true or false, not \"yes\"' \
  '{"version": "1.0.1", "retain": "3"}|"retain\" must be a whole number' \
  '{"version": "1.0.1", "retain": 2.5}|"retain\" must be a whole number' \
  '{"version": "1.0.1", "retain": 0}|"retain\" must be a whole number' \
  '{"version": "1.0.1", "sha256": 5}|"sha256\" must be 64 hex digits' \
  '{"version": 101}|"version\" must be a string' \
  '[1]|the body must be a JSON object' \
  'not json|the body must be a JSON object'; do
  activate "${body%%|*}"
  check "agent: 400 for ${body%%|*} ($(cat "$OUT"))" test "$(cat "$OUT")" = 400
  check "agent: the answer to ${body%%|*} says '${body#*|}'" grep -qF -- "${body#*|}" "$T/answer"
done
check "agent: device unchanged after refused requests" test "$before" = "$(tree_of)"
check "agent: the upload waits for a valid request" test -e "$DEV/.incoming/churn-1.0.1.mlbundle.part"
activate '{"version": "1.0.1", "activate": true, "retain": 3}'
has_out 200
check "agent: current 1.0.1" test "$(current)" = 1.0.1

# An older signed version: refused (409) over the API and by deploy.
before=$(tree_of)
"${CURL[@]}" -o /dev/null -T "$T/churn-1.0.0.mlbundle" "https://127.0.0.1:$P/v1/bundles/churn/1.0.0"
activate '{"version": "1.0.0"}'
has_out 409
check "agent: the answer says why" grep -q 'older than the current version 1.0.1' "$T/answer"
m 1 deploy "$T/churn-1.0.0.mlbundle" --to agent
has_err "older than the current version 1.0.1"
check "agent: device unchanged after refused downgrades" test "$before" = "$(tree_of)"
m 0 deploy rollback churn --to agent
has_out "current 1.0.0, previous 1.0.1"
check "agent: the rollback is recorded" test "$(model_event churn event)" = rollback
check "agent: the rollback is logged" grep -q "rollback of churn on request: current 1.0.0" "$T/agent.log"

# An mTLS agent called without a client certificate: a clear TLS error.
m 0 target add nocert "https://127.0.0.1:$P" --ca "$C/ca.crt"
m 4 deploy status --to nocert
has_err "it requires a client certificate, and this target has none"
no_err "getpeername"

# An agent's own policy: its health check runs instead of the bundle's, and
# it may allow downgrades.
DEV="$T/dev-agent2"
mkdir -p "$DEV"
P2=$(free_port)
"$MLOPS" agent serve --root "$DEV" --listen "127.0.0.1:$P2" --tls-cert "$C/server.crt" --tls-key "$C/server.key" \
  --client-ca "$C/ca.crt" --trust default --allow-downgrade \
  --health-cmd 'echo "$MLOPS_MODEL_VERSION" >>"$MLOPS_MODEL_DIR/../checked"' >"$T/agent2.log" 2>&1 &
echo $! >>"$AGENT_PIDS"
wait_port "$P2" || { cat "$T/agent2.log" >&2; fail "the second agent did not start"; }
m 0 target add lenient "https://127.0.0.1:$P2" --ca "$C/ca.crt" --cert "$C/client.crt" --key "$C/client.key"
make_version 3.0.0 1000 --health-cmd "id > $SENTINEL"
m 0 deploy "$T/churn-3.0.0.mlbundle" --to lenient
m 0 deploy "$T/churn-1.0.0.mlbundle" --to lenient
check "lenient agent: a downgrade it allows" test "$(current)" = 1.0.0
check "lenient agent: its own check ran, not the bundle's" test "$(cat "$DEV/churn/checked" | tr '\n' ' ')" = "3.0.0 1.0.0 "
check "lenient agent: the bundle's check did not run" test ! -e "$SENTINEL"

finish
