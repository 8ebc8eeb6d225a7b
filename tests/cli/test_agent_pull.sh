#!/usr/bin/env bash
# The NAT pull mode: `mlops bundle publish` puts signed bundles on a data
# remote as the newest of a stage, `mlops agent pull` follows the stage:
# v1 installed, v2 promoted in the registry and installed with previous v1,
# nothing changed a no-op that downloads nothing, an untrusted or tampered
# bundle refused (exit 5) with the device unchanged, a failed health check
# rolled back and not retried, and the poll loop stopped by SIGTERM.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/deploy_lib.sh"

run 0 "$MLOPS" -q keys generate
run 0 "$MLOPS" -q keys generate --name other
"$MLOPS" keys export default >"$T/release.pub" || fail "keys export"
new_repo "$T/repo"
STORE="$T/store"
DEV="$T/device"
mkdir -p "$STORE" "$DEV"
m 0 remote add storage "$STORE"

pull() {
  local want=$1
  shift
  m "$want" --json agent pull --from "$STORE" --model churn --stage prod --root "$DEV" --trust "$T/release.pub" --once "$@"
}

# register V: version V (as V.0.0) added, committed, registered, promoted to prod.
register() {
  make_version "$1"
  m 0 add model
  run 0 git add -A
  run 0 git commit -qm "model $1"
  m 0 model register churn --path model --version "$1.0.0"
  m 0 model promote "churn@$1.0.0" --stage prod
}

# Nothing published yet: nothing to do.
pull 0
json_check 'd["outcome"] == "none" and d["publication"] is None'
check "nothing installed" test ! -e "$DEV/churn"

# A registered version promoted to prod, published from the registry.
register 1
m 0 bundle publish churn --stage prod --to storage
has_out "churn 1.0.0 published as the newest of prod"
pull 0
json_check 'd["outcome"] == "activated" and d["version"] == "1.0.0" and d["publication"] == 1 and d["current"] == "1.0.0"'
check "v1 bytes" cmp -s "$DEV/churn/current/weights.bin" "$T/weights-1"
check "no download left" test -z "$(ls -A "$DEV/.incoming")"

# v2 promoted: installed, v1 kept as previous.
register 2
m 0 --json bundle publish 'churn#prod' --to storage
json_check 'd["version"] == "2.0.0" and d["publication"] == 2 and not d["unchanged"]'
pull 0
json_check 'd["outcome"] == "activated" and d["current"] == "2.0.0" and d["previous"] == "1.0.0"'
check "v2 bytes" cmp -s "$DEV/churn/current/weights.bin" "$T/weights-2"

# Nothing changed: a no-op that downloads nothing (the store's bundles are
# moved away to prove it). A second later, so the bundle built again from the
# registry has another creation time and other bytes: the version decides.
sleep 1
m 0 --json bundle publish churn --stage prod --to storage
json_check 'd["unchanged"] and d["publication"] == 2'
before=$(tree_of)
mkdir "$T/away" && mv "$STORE"/bundles/churn/*.mlbundle "$T/away/"
pull 0
json_check 'd["outcome"] == "unchanged" and d["publication"] == 2'
check "the no-op changed nothing" test "$before" = "$(tree_of)"
mv "$T"/away/*.mlbundle "$STORE/bundles/churn/"

# Signed by a key the device does not trust: refused, nothing changed.
make_version 3
"$MLOPS" -q bundle create model --name churn --version 3 --key other -o "$T/untrusted.mlbundle" >/dev/null
m 0 bundle publish "$T/untrusted.mlbundle" --stage prod --to storage
pull 5
check "device unchanged after an untrusted bundle" test "$before" = "$(tree_of)"
check "the refused download was removed" test -z "$(ls -A "$DEV/.incoming")"

# One flipped byte in the payload: refused, nothing changed.
make_version 4
tamper "$T/churn-4.mlbundle" payload.tar.zst "$T/tampered.mlbundle"
m 0 bundle publish "$T/tampered.mlbundle" --stage prod --to storage
pull 5
check "device unchanged after a tampered bundle" test "$before" = "$(tree_of)"

# A failing health check rolls back, fails once, and is not retried.
make_version 5
m 0 bundle publish "$T/churn-5.mlbundle" --stage prod --to storage
pull 1 --health-cmd 'exit 7'
json_check 'd["outcome"] == "rolled-back" and d["current"] == "2.0.0" and d["health"]["detail"] == "exit status 7"'
pull 0 --health-cmd 'exit 7'
json_check 'd["outcome"] == "unchanged"'
check "still 2.0.0" test "$(readlink "$DEV/churn/current")" = 2.0.0

# The poll loop: a new publication is picked up; SIGTERM stops it between polls.
"$MLOPS" agent pull --from storage --model churn --stage prod --root "$DEV" --trust "$T/release.pub" --interval 1 \
  >"$T/loop.out" 2>"$T/loop.err" &
pid=$!
make_version 6
m 0 bundle publish "$T/churn-6.mlbundle" --stage prod --to storage
for _ in $(seq 100); do
  [ "$(readlink "$DEV/churn/current")" = 6 ] && break
  sleep 0.1
done
check "the loop installed 6" test "$(readlink "$DEV/churn/current")" = 6
kill -TERM $pid
wait $pid
status=$?
check "the loop stopped on SIGTERM (exit $status)" test $status = 130
check "the loop said it stopped" grep -q stopped "$T/loop.err"
check "the loop reported the install" grep -q "churn prod: 6 activated" "$T/loop.err"

# Bad arguments: no trusted key.
m 2 agent pull --from "$STORE" --model churn --stage prod --root "$DEV" --once
has_err "--trust"

finish
