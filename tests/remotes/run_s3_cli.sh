#!/usr/bin/env bash
# push / clone / pull end to end through the real binary against Ceph RGW
# (real SigV4 checks), plain and compressed; a corrupted object on the server
# is refused (exit 5); an interrupted multipart upload is resumed by the next
# push; a wrong secret fails with exit 4 naming the remote, never the secret,
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
  local key="${REMOTE_URL#s3://"$RGW_BUCKET"/}/$1"  # the suite's current prefix
  s3_object GET "$key" "$T/obj" || fail "download $1"
  printf X | dd of="$T/obj" bs=1 seek=100 conv=notrunc status=none
  s3_object PUT "$key" "$T/obj" || fail "upload $1"
}
push_pull_suite
compress_suite

# A multipart upload killed halfway is continued by the next push: the parts
# already on the server are not sent again. The pushes go through a relay
# that slows uploads to ~8 MB/s and counts the bytes, so the kill lands after
# a known number of 5 MiB parts.
new_repo "$T/resume"
head -c $((40 << 20)) /dev/urandom >big.bin
m 0 add big.bin
python3 "$MLOPS_SOURCE_DIR/tests/remotes/slow_tcp_proxy.py" "$T/proxy.port" "${RGW_ENDPOINT##*:}" 8000000 "$T/proxy.count" &
proxy=$!
for _ in $(seq 100); do [[ -s $T/proxy.port ]] && break; sleep 0.05; done
REMOTE_URL="s3://$RGW_BUCKET/resume" configure_remote
m 0 remote modify store endpointurl "http://127.0.0.1:$(cat "$T/proxy.port")"
m 0 remote modify store multipart_threshold 16MiB
m 0 remote modify store multipart_chunksize 1MiB
m 2 push  # S3 parts are at least 5 MiB
has_err "multipart_chunksize"
m 0 remote modify store multipart_chunksize 5MiB
"$MLOPS" -q push >"$T/push1.out" 2>&1 &
pusher=$!
for _ in $(seq 400); do (($(cat "$T/proxy.count") > (17 << 20))) && break; sleep 0.05; done
kill -9 "$pusher"
wait "$pusher" 2>/dev/null
check "the first push was cut off after three parts" test "$(cat "$T/proxy.count")" -lt $((40 << 20))
m 0 remote modify store endpointurl "$RGW_ENDPOINT"
m 0 --json push
json_check 'd["stats"]["resumed_bytes"] >= (10 << 20) and d["stats"]["resumed_bytes"] % (5 << 20) == 0'
json_check 'd["stats"]["bytes"] + d["stats"]["resumed_bytes"] == (40 << 20)'
m 0 --json push
json_check 'd["stats"]["objects"] == 0 and d["stats"]["resumed_bytes"] == 0'
kill "$proxy"
wait "$proxy" 2>/dev/null
run 0 git add -A && run 0 git commit -qm big
run 0 git clone -q "$T/resume" "$T/resume-clone"
cd "$T/resume-clone"
"$MLOPS" -q remote remove store
REMOTE_URL="s3://$RGW_BUCKET/resume" configure_remote
m 0 pull
check "resumed upload pulled byte-exact" cmp -s big.bin "$T/resume/big.bin"

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
