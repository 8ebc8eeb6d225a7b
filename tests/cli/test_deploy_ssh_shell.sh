#!/usr/bin/env bash
# deploy over ssh:// to a loopback sshd whose device has NO mlops (the
# target's mlops_path names no program), so the POSIX-shell fallback does the
# work: v1, v2, previous, no-op redelivery, rollback and status; a failing and
# a timed-out health command roll back; a health URL (curl on the device);
# retention; a tampered bundle refused (exit 5) with nothing changed; a killed
# upload resumed; and the status file it writes read by the real
# `mlops agent status` and continued by a later mlops-driven delivery.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/deploy_lib.sh"
. "$MLOPS_SOURCE_DIR/tests/services/lib.sh"
. "$MLOPS_SOURCE_DIR/tests/services/sshd.sh"

command -v sha256sum >/dev/null || skip "sha256sum is not installed"
ssh_device mlops-not-on-this-device

delivery_cases edge
check "no .partial left" test -z "$(find "$DEV" -name '*.partial')"
check "the version directories are plain directories" test -d "$DEV/churn/1" -a ! -L "$DEV/churn/1"
m 0 --json agent status --root "$DEV" churn
json_check 'd["models"][0]["current"] == "1" and d["models"][0]["previous"] == "2" and [e["event"] for e in d["models"][0]["history"]] == ["install", "activate", "install", "activate", "rollback"] and d["models"][0]["versions"]["2"]["content"].startswith("sha256:")'

# Health commands run on the device, in the version's directory.
rebundle 2 "$T/churn-2-checked.mlbundle" --health-cmd 'test "$(cat VERSION)" = 2 && test "$MLOPS_MODEL_VERSION" = 2'
m 0 deploy "$T/churn-2-checked.mlbundle" --to edge
check "current 2 again" test "$(readlink "$DEV/churn/current")" = 2
make_version 3 300000 --health-cmd 'echo broken; exit 3'
before=$(readlink "$DEV/churn/previous")
m 1 deploy "$T/churn-3.mlbundle" --to edge
has_err "health check of churn 3 failed (exit status 3); rolled back to 2"
has_err "broken"
check "still 2 after a failed check" test "$(readlink "$DEV/churn/current")" = 2
check "previous kept after a failed check" test "$(readlink "$DEV/churn/previous")" = "$before"
make_version 4 300000 --health-cmd 'sleep 30' --health-timeout 1
m 1 deploy "$T/churn-4.mlbundle" --to edge
has_err "timed out after 1 s"
check "still 2 after a timed-out check" test "$(readlink "$DEV/churn/current")" = 2
m 0 --json agent status --root "$DEV" churn
json_check '[e["detail"] for e in d["models"][0]["history"] if e["event"] == "health-failed"][-1] == "timed out after 1 s"'

# A health URL: curl on the device.
if command -v curl >/dev/null; then health_url_cases edge; fi

# A tampered bundle: refused before anything reaches the device.
make_version 9
tamper "$T/churn-9.mlbundle" payload.tar.zst "$T/tampered.mlbundle"
before=$(tree_of)
m 5 deploy "$T/tampered.mlbundle" --to edge
check "device unchanged after a tampered bundle" test "$before" = "$(tree_of)"

# Retention: the last 2 versions, never current or previous.
m 0 --json deploy "$T/churn-9.mlbundle" --to edge --retain 2
json_check 'd["targets"][0]["outcome"] == "activated" and len(d["targets"][0]["removed"]) > 0'
check "two versions kept" test "$(cd "$DEV/churn" && find . -mindepth 1 -maxdepth 1 -type d | wc -l)" = 2
check "current and previous are there" test -d "$DEV/churn/current/" -a -d "$DEV/churn/previous/"

# An upload interrupted halfway (over a slow link) resumes where it stopped.
resumed_upload_case edge 10 "$DEV/.incoming/churn-10.tar.part"

# mlops installed on the device later carries on from the shell's status file.
m 0 target add -f edge "$URL" --identity "$SSHD_KEY" --known-hosts "$SSHD_KNOWN_HOSTS" --mlops-path "$MLOPS"
make_version 11
m 0 --json deploy "$T/churn-11.mlbundle" --to edge
json_check 'd["targets"][0]["outcome"] == "activated" and d["targets"][0]["previous"] == "10"'
m 0 --json deploy status --to edge
json_check 'd["targets"][0]["models"][0]["current"] == "11" and len(d["targets"][0]["models"][0]["history"]) > 15'

finish
