#!/usr/bin/env bash
# deploy over ssh:// to a loopback sshd with mlops on the device (agent
# activate; test_deploy_ssh_shell.sh covers a device without it): v1, v2,
# rollback, status, no-op redelivery, a health URL passing and failing, a
# tampered bundle refused (exit 5) with nothing changed, an unknown host key
# refused (exit 4) with nothing changed, and an upload interrupted halfway
# that the next run resumes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/deploy_lib.sh"
. "$MLOPS_SOURCE_DIR/tests/services/lib.sh"
. "$MLOPS_SOURCE_DIR/tests/services/sshd.sh"

command -v zstd >/dev/null || skip "zstd is not installed"
ssh_device "$MLOPS"
m 0 --json target list
json_check 'd["targets"][0]["url"].startswith("ssh://")'

delivery_cases edge
# A health URL, fetched by mlops on the device.
health_url_cases edge
# A health command of the signed manifest, run by mlops on the device.
make_version 12 300000 --health-cmd 'test "$(cat VERSION)" = 12'
m 0 deploy "$T/churn-12.mlbundle" --to edge
check "current 12" test "$(readlink "$DEV/churn/current")" = 12

# A failing health check on the device rolls back; the command fails.
make_version 13 300000 --health-cmd 'false'
m 1 deploy "$T/churn-13.mlbundle" --to edge
has_err "health check of churn 13 failed"
check "still 12 after a failed check" test "$(readlink "$DEV/churn/current")" = 12

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
resumed_upload_case edge 5 "$DEV/.incoming/churn-5.mlbundle.part"
total=$(stat -c %s "$T/churn-5.mlbundle")
json_check "d['targets'][0]['transfer']['sent'] + d['targets'][0]['transfer']['resumed'] == $total"

finish
