#!/usr/bin/env bash
# target add/list/remove and deploy / deploy status / deploy rollback to file://
# targets: activation, no-op redelivery, health-check rollback, and refusal of
# tampered, untrusted and crafted bundles without any change on the device.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/deploy_lib.sh"

command -v zstd >/dev/null || skip "zstd is not installed (needed to craft bundles)"
KEYS="$XDG_CONFIG_HOME/mlops/keys"
DEV="$T/device"
mkdir -p "$DEV"

run 0 "$MLOPS" -q keys generate
new_repo "$T/repo"
m 0 target add dev "file://$DEV"
has_err "trusts your key 'default'"
m 0 --json target list
json_check 'd["targets"][0]["name"] == "dev" and len(d["targets"][0]["trust"]) == 1'
m 2 target add dev "file://$DEV"
has_err "exists"
m 2 target add bad "s3://bucket/models"
has_err "s3:// targets are not supported"
m 2 deploy x --to nosuch
has_err "no target named 'nosuch'"

# v1: installed and current, byte for byte.
make_version 1
m 0 deploy "$T/churn-1.mlbundle" --to dev
has_out "dev	churn 1	activated	current 1, previous none"
check "current -> 1" test "$(readlink "$DEV/churn/current")" = 1
check "identical bytes" cmp -s "$DEV/churn/current/weights.bin" "$T/weights-1"

# v2, deployed from the path (bundled on the fly): current 2, previous 1.
make_version 2
m 0 --json deploy model --to dev --name churn --version 2
json_check 'd["targets"][0]["ok"] and d["targets"][0]["outcome"] == "activated" and d["targets"][0]["current"] == "2" and d["targets"][0]["previous"] == "1"'
check "previous -> 1" test "$(readlink "$DEV/churn/previous")" = 1
check "v2 bytes" cmp -s "$DEV/churn/current/weights.bin" "$T/weights-2"
check "no temp bundle left" test -z "$(ls "${TMPDIR:-/tmp}" | grep "^mlops-deploy" || true)"

# The same version again: a no-op.
before=$(tree_of)
m 0 --json deploy "$T/churn-2.mlbundle" --to dev
json_check 'd["targets"][0]["outcome"] == "unchanged"'
check "nothing changed" test "$before" = "$(tree_of)"

# A failing health check (the signed manifest's) rolls back and fails the command.
make_version 3 300000 --health-cmd 'grep -q "of 9" weights.bin'
m 1 --json deploy "$T/churn-3.mlbundle" --to dev
json_check 'not d["targets"][0]["ok"] and d["targets"][0]["outcome"] == "rolled-back" and d["targets"][0]["current"] == "2"'
has_err "health check of churn 3 failed (exit status 1); rolled back to 2"
check "current still 2" test "$(readlink "$DEV/churn/current")" = 2
check "previous still 1" test "$(readlink "$DEV/churn/previous")" = 1
rebundle 3 "$T/churn-3-healthy.mlbundle" --health-cmd 'test "$(cat VERSION)" = 3 && test "$MLOPS_MODEL_VERSION" = 3'
m 0 deploy "$T/churn-3-healthy.mlbundle" --to dev
check "current 3 after a passing check" test "$(readlink "$DEV/churn/current")" = 3

# deploy rollback / status
m 0 deploy rollback churn --to dev
has_out "current 2, previous 3"
check "rolled back" test "$(readlink "$DEV/churn/current")" = 2
m 0 --json deploy status --to dev
json_check 'd["targets"][0]["models"][0]["current"] == "2" and d["targets"][0]["models"][0]["history"][-1]["event"] == "rollback"'
m 0 deploy status --to dev
has_out "dev	churn	current 2 (since "
m 2 deploy rollback nosuch --to dev
has_err "no model 'nosuch'"

# Tampered bundles: one flipped byte in the payload, the manifest or the
# signature, re-packed with tar. Refused (exit 5); the device is unchanged.
make_version 4
before=$(tree_of)
for part in payload.tar.zst manifest.json manifest.minisig; do
  tamper "$T/churn-4.mlbundle" $part "$T/tampered.mlbundle"
  m 5 deploy "$T/tampered.mlbundle" --to dev
  check "device unchanged after a tampered $part" test "$before" = "$(tree_of)"
  m 5 bundle verify "$T/tampered.mlbundle"
done

# A bundle signed by a key the target does not trust.
run 0 "$MLOPS" -q keys generate --name stranger
run 0 "$MLOPS" -q bundle create model --name churn --version 5 --key stranger -o "$T/stranger.mlbundle"
m 5 deploy "$T/stranger.mlbundle" --to dev
has_err "not a trusted key"
check "device unchanged after an untrusted bundle" test "$before" = "$(tree_of)"

# Crafted bundles, properly signed with the trusted key, whose payload tries
# to escape the version directory.
craft() {  # craft NAME ENTRIES: $T/NAME.mlbundle listing model.bin
  python3 "$MLOPS_SOURCE_DIR/tests/cli/craft_bundle.py" "$T/$1.mlbundle" "$KEYS/default.key" churn "$1" \
    '{"model.bin": "w"}' "$2" || fail "craft $1"
}
craft dotdot '[{"path": "model.bin", "data": "w"}, {"path": "../../evil", "data": "x"}]'
craft absolute "[{\"path\": \"$T/evil\", \"data\": \"x\"}]"
craft symlink '[{"path": "model.bin", "type": "symlink", "link": "../../../evil"}]'
craft hardlink '[{"path": "model.bin", "type": "hardlink", "link": "../../../etc/passwd"}]'
craft fifo '[{"path": "model.bin", "type": "fifo"}]'
craft good '[{"path": "model.bin", "data": "w"}]'
for c in dotdot absolute symlink hardlink fifo; do
  m 5 deploy "$T/$c.mlbundle" --to dev
  check "nothing written outside for $c" test ! -e "$T/evil" -a ! -e "$DEV/evil" -a ! -e "$DEV/churn/evil"
  check "no partial unpack left for $c" test -z "$(ls -A "$DEV/churn" | grep partial || true)"
done
has_err "bundles hold regular files only"
check "device unchanged after crafted bundles" test "$before" = "$(tree_of)"
m 0 deploy "$T/good.mlbundle" --to dev
check "a well-formed crafted bundle is accepted" test "$(cat "$DEV/churn/current/model.bin")" = w

# Several targets: each gets its own result; one failure fails the command.
# (v4 is made again: the one made above is older than the current version.)
make_version 4
mkdir -p "$T/device2"
m 0 target add dev2 "file://$T/device2" --key-trust stranger
m 5 --json deploy "$T/churn-4.mlbundle" --to dev,dev2
json_check '[t["ok"] for t in d["targets"]] == [True, False] and d["targets"][1]["error"]["code"] == 5'
check "dev got v4" test "$(readlink "$DEV/churn/current")" = 4
check "dev2 got nothing" test -z "$(ls -A "$T/device2")"
m 0 target remove dev2
m 0 target list
no_out "dev2"

# Retention: keep 2 versions (current and previous) on the device.
make_version 6
m 0 --json deploy "$T/churn-6.mlbundle" --to dev --retain 2
json_check '"good" in d["targets"][0]["removed"]'
check "only current and previous kept" test "$(cd "$DEV/churn" && ls -d [0-9a-z]* | grep -v -e current -e previous -e status | tr '\n' ' ')" = "4 6 "

finish
