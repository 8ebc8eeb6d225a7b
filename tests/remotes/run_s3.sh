#!/usr/bin/env bash
# Conformance of the s3:// remote against a throwaway Ceph RADOS Gateway on
# 127.0.0.1 (tests/services/rgw.sh), which checks SigV4 signatures for real:
# the whole suite path-style (with a multipart upload), then credentials
# from the environment and ~/.aws/credentials, virtual-host addressing,
# HTTPS, and the ways a request must be refused (wrong secret, unknown key,
# no credentials, untrusted certificate) or fail (missing bucket). Skipped
# (125) when Ceph cannot run here.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../services/lib.sh"
. "$here/../services/certs.sh"
. "$here/../services/rgw.sh"
: "${MLOPS_CONFORMANCE:?set MLOPS_CONFORMANCE to the remote_conformance binary (ctest does)}"

dir=$(mktemp -d "${TMPDIR:-/tmp}/mlops-remote-s3.XXXXXX")
trap 'rm -rf "$dir"' EXIT
suite_start=$(date +%s%N)
rgw_start "$dir/rgw"
echo "radosgw up in $((($(date +%s%N) - suite_start) / 1000000)) ms"

# Nothing from the caller's environment may help or hurt.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_SHARED_CREDENTIALS_FILE \
  AWS_CONFIG_FILE http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy CURL_CA_BUNDLE SSL_CERT_FILE
export HOME="$dir/home"
mkdir -p "$HOME"

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
keys="access_key_id=$RGW_ACCESS_KEY
secret_access_key=$RGW_SECRET_KEY"
url=s3://$RGW_BUCKET/store

# conformance NAME URL OPTIONS [CATCH ARGS...]
conformance() {
  local name=$1 url=$2 opts=$3 start
  shift 3
  start=$(date +%s%N)
  if MLOPS_TEST_REMOTE_URL=$url MLOPS_TEST_REMOTE_OPTIONS=$opts "$MLOPS_CONFORMANCE" -w NoTests "$@" >"$dir/out" 2>&1; then
    pass "$name in $(ms_since "$start") ms"
  else
    cat "$dir/out"
    fail "$name"
  fi
}

# 1. The whole suite, path-style, plus a 72 MiB file (multipart upload) and
#    a listing of more than one page (continuation tokens).
conformance "conformance suite, path-style, with multipart and paging" "$url" "endpointurl=$RGW_ENDPOINT
$keys" "[remote],[large],[many]"

# 2. Other sources of credentials, addressing and transport.
AWS_ACCESS_KEY_ID=$RGW_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$RGW_SECRET_KEY \
  conformance "credentials from AWS_* variables" "$url-env" "endpointurl=$RGW_ENDPOINT" \
  "put then get returns the same bytes"
mkdir -p "$HOME/.aws"
printf '[default]\naws_access_key_id = nobody\naws_secret_access_key = nothing\n\n[mlops]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
  "$RGW_ACCESS_KEY" "$RGW_SECRET_KEY" >"$HOME/.aws/credentials"
conformance "credentials from ~/.aws/credentials, profile option" "$url-profile" "endpointurl=$RGW_ENDPOINT
profile=mlops" "list returns keys below a prefix with sizes"
AWS_PROFILE=mlops conformance "credentials from ~/.aws/credentials, AWS_PROFILE" "$url-profile" \
  "endpointurl=$RGW_ENDPOINT" "exists answers a batch in order"
conformance "virtual-host addressing" "$url-vhost" "endpointurl=$RGW_VHOST_ENDPOINT
addressing=virtual
$keys" "list returns keys below a prefix with sizes"
conformance "HTTPS endpoint with ca_bundle" "$url-tls" "endpointurl=$RGW_TLS_ENDPOINT
ca_bundle=$RGW_CA
$keys" "files stream up and down*"

# 3. Refusals: the first request and a listing fail as expected, naming the
#    remote and what to fix, never showing the secret.
expect_failure() {
  local what=$1 kind=$2 text=$3 url=$4 opts=$5
  if MLOPS_TEST_EXPECT_FAILURE=$kind MLOPS_TEST_EXPECT_MESSAGE=$text MLOPS_TEST_REMOTE_URL=$url \
    MLOPS_TEST_REMOTE_OPTIONS=$opts "$MLOPS_CONFORMANCE" -w NoTests -r compact -s "[expect_failure]" >"$dir/out" 2>&1; then
    pass "$what"
  else
    cat "$dir/out"
    fail "$what (expected a $kind failure mentioning: $text)"
  fi
}
rm "$HOME/.aws/credentials"
expect_failure "wrong secret key (SigV4 checked by the server)" auth "check the secret access key" "$url-refused" \
  "endpointurl=$RGW_ENDPOINT
access_key_id=$RGW_ACCESS_KEY
secret_access_key=Wrong-Secret-0123456789"
grep -qF "SignatureDoesNotMatch" "$dir/out" && pass "the listing names SignatureDoesNotMatch" ||
  fail "no SignatureDoesNotMatch in the refusal"
expect_failure "unknown access key" auth "does not know the access key id" "$url-refused" \
  "endpointurl=$RGW_ENDPOINT
access_key_id=NOSUCHKEY0000000000
secret_access_key=$RGW_SECRET_KEY"
expect_failure "no credentials at all" auth "no credentials were found" "$url-refused" "endpointurl=$RGW_ENDPOINT"
expect_failure "missing bucket" permanent "bucket 'mlops-no-such-bucket' does not exist" \
  "s3://mlops-no-such-bucket/x" "endpointurl=$RGW_ENDPOINT
$keys"
certs_make "$dir/other-ca"
expect_failure "HTTPS endpoint signed by another CA" auth "not trusted" "$url-refused" \
  "endpointurl=$RGW_TLS_ENDPOINT
ca_bundle=$dir/other-ca/ca.crt
$keys"

echo "$passed passed, $failed failed in $(ms_since "$suite_start") ms"
[ "$failed" = 0 ]
