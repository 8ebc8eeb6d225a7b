#!/usr/bin/env bash
# push / clone / pull end to end through the real binary against Ceph RGW
# (real SigV4 checks); a corrupted object on the server is refused (exit 5)
# and a wrong secret fails with exit 4 naming the remote, never the secret,
# in push as in `doctor`; gc --remote (gc_flow.sh).
# Skipped (125) when Ceph cannot run here.
. "$MLOPS_SOURCE_DIR/tests/remotes/push_pull.sh"
. "$MLOPS_SOURCE_DIR/tests/remotes/gc_flow.sh"
. "$MLOPS_SOURCE_DIR/tests/services/lib.sh"
. "$MLOPS_SOURCE_DIR/tests/services/certs.sh"
. "$MLOPS_SOURCE_DIR/tests/services/rgw.sh"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE

rgw_start "$T/rgw"
REMOTE_URL="s3://$RGW_BUCKET/cli"
REMOTE_OPTIONS="endpointurl=$RGW_ENDPOINT
access_key_id=$RGW_ACCESS_KEY
secret_access_key=$RGW_SECRET_KEY"
# s3_object GET|HEAD|PUT KEY [FILE]: one request on the bucket, signed with
# curl's own SigV4; GET writes FILE, PUT sends it.
s3_object() {
  local url="$RGW_ENDPOINT/$RGW_BUCKET/$2" sig=(--aws-sigv4 "aws:amz:$RGW_REGION:s3" --user "$RGW_ACCESS_KEY:$RGW_SECRET_KEY")
  local empty
  empty=$(printf '' | sha256sum | cut -d' ' -f1)
  case $1 in
    GET) curl -sf "${sig[@]}" -H "x-amz-content-sha256: $empty" -o "$3" "$url" ;;
    HEAD) curl -sf "${sig[@]}" -H "x-amz-content-sha256: $empty" -I -o /dev/null "$url" ;;
    PUT) curl -sf "${sig[@]}" -H "x-amz-content-sha256: $(sha256sum <"$3" | cut -d' ' -f1)" -T "$3" "$url" ;;
  esac
}
# Replaces an object's bytes on the server with one byte flipped.
corrupt_remote_key() {
  s3_object GET "cli/$1" "$T/obj" || fail "download $1"
  printf X | dd of="$T/obj" bs=1 seek=100 conv=notrunc status=none
  s3_object PUT "cli/$1" "$T/obj" || fail "upload $1"
}
push_pull_suite

cd "$T/origin"
m 0 --json doctor
json_check 'd["remotes"][0]["ok"] and len(d["remotes"][0]["checks"]) == 4'
m 0 remote modify store secret_access_key Wrong-Secret-000
m 4 push
has_err "store"
no_err "Wrong-Secret-000"
m 4 --json doctor
json_check 'not d["remotes"][0]["ok"] and "access denied" in d["remotes"][0]["problem"]'
has_err "remote 'store' failed its check"
no_out "Wrong-Secret-000"
no_err "Wrong-Secret-000"

REMOTE_URL="s3://$RGW_BUCKET/gc"
remote_has() { s3_object HEAD "gc/$1"; }
remote_put() { s3_object PUT "gc/$1" "$2"; }
gc_remote_flow "$T/gc"

finish
