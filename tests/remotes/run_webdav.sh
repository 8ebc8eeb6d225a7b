#!/usr/bin/env bash
# Conformance of the https:// (WebDAV) remote against a throwaway nginx on
# 127.0.0.1 (tests/services/nginx_dav.sh): once with basic auth, once with a
# client certificate (where parents must be made with MKCOL), then the ways a
# connection must be refused: wrong password, no password, no client
# certificate, a server certificate from another CA; a server without WebDAV
# refuses uploads. Also ~/.netrc and ssl_verify=false. Skipped (125) when nginx cannot run here.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../services/lib.sh"
. "$here/../services/certs.sh"
. "$here/../services/nginx_dav.sh"
: "${MLOPS_CONFORMANCE:?set MLOPS_CONFORMANCE to the remote_conformance binary (ctest does)}"

dir=$(mktemp -d "${TMPDIR:-/tmp}/mlops-remote-webdav.XXXXXX")
trap 'rm -rf "$dir"' EXIT
suite_start=$(date +%s%N)
nginx_dav_start "$dir/nginx"
echo "nginx up in $((($(date +%s%N) - suite_start) / 1000000)) ms"

# Nothing from the caller's environment may help or hurt.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy CURL_CA_BUNDLE SSL_CERT_FILE SSL_CERT_DIR
export HOME="$dir/home"
mkdir -p "$HOME"

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
basic="user=$NGINX_DAV_USER
password=$NGINX_DAV_PASSWORD
ca_bundle=$NGINX_DAV_CA"
mtls="ca_bundle=$NGINX_DAV_CA
client_cert=$NGINX_DAV_CLIENT_CERT
client_key=$NGINX_DAV_CLIENT_KEY"

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

# 1. The whole suite, with basic auth and with a client certificate.
conformance "conformance suite, basic auth (/dav/), 1,100-key listing" "$NGINX_DAV_URL/dav/store" "$basic" "[remote],[many]"
conformance "conformance suite, client certificate (/mtls/, MKCOL)" "$NGINX_DAV_URL/mtls/store" "$mtls"
leftovers=$(find "$NGINX_DAV_ROOT" -name '*.tmp.*' | wc -l)
[ "$leftovers" = 0 ] && pass "no temp files left on the server" || fail "$leftovers temp files left on the server"

# A server that ignores Range (200 with the whole file): ranges and resumed
# downloads are sliced from it.
conformance "server without Range support" "$NGINX_DAV_URL/norange/store" "ca_bundle=$NGINX_DAV_CA" \
  "ranges read part of a key,files stream up and down*"

# 2. Refusals: the first request and a listing fail as `auth`, naming the
#    remote, saying what to do, never showing the password.
expect_failure() {
  local what=$1 kind=$2 text=$3 url=$4 opts=$5
  if MLOPS_TEST_EXPECT_FAILURE_ON=${on:-} MLOPS_TEST_EXPECT_FAILURE=$kind MLOPS_TEST_EXPECT_MESSAGE=$text MLOPS_TEST_REMOTE_URL=$url \
    MLOPS_TEST_REMOTE_OPTIONS=$opts "$MLOPS_CONFORMANCE" -w NoTests -r compact -s "[expect_failure]" >"$dir/out" 2>&1; then
    pass "$what"
  else
    cat "$dir/out"
    fail "$what (expected a $kind failure mentioning: $text)"
  fi
}
expect_failure "wrong password" auth "rejected the user name or password" "$NGINX_DAV_URL/dav/refused" \
  "user=$NGINX_DAV_USER
password=wrong-Pa55word
ca_bundle=$NGINX_DAV_CA"
expect_failure "no credentials" auth "wants credentials" "$NGINX_DAV_URL/dav/refused" "ca_bundle=$NGINX_DAV_CA"
expect_failure "no client certificate" auth "client_cert" "$NGINX_DAV_URL/mtls/refused" "ca_bundle=$NGINX_DAV_CA"
certs_make "$dir/other-ca"
expect_failure "server certificate from another CA" auth "not trusted" "$NGINX_DAV_URL/dav/refused" \
  "user=$NGINX_DAV_USER
password=$NGINX_DAV_PASSWORD
ca_bundle=$dir/other-ca/ca.crt"
expect_failure "server certificate without ca_bundle (system CAs)" auth "not trusted" "$NGINX_DAV_URL/pub/refused" ""
on=put expect_failure "a server without WebDAV refuses uploads" permanent "does not accept uploads" \
  "$NGINX_DAV_URL/ro/store" "ca_bundle=$NGINX_DAV_CA"
[ -z "$(ls -A "$NGINX_DAV_ROOT/dav/refused" "$NGINX_DAV_ROOT/mtls/refused" 2>/dev/null)" ] &&
  pass "nothing written after a refusal" || fail "files written after a refusal"

# 3. Credentials from ~/.netrc when none are configured.
printf 'machine 127.0.0.1\nlogin %s\npassword %s\n' "$NGINX_DAV_USER" "$NGINX_DAV_PASSWORD" >"$HOME/.netrc"
chmod 600 "$HOME/.netrc"
conformance "~/.netrc credentials" "$NGINX_DAV_URL/dav/netrc" "ca_bundle=$NGINX_DAV_CA" \
  "put then get returns the same bytes"
rm "$HOME/.netrc"

# 4. ssl_verify=false: no CA needed; every message says TLS is not verified.
conformance "ssl_verify=false" "$NGINX_DAV_URL/pub/unverified" "ssl_verify=false" "ranges read part of a key"
expect_failure "ssl_verify=false is named in messages" auth "TLS NOT VERIFIED" "$NGINX_DAV_URL/dav/refused" \
  "ssl_verify=false"

echo "$passed passed, $failed failed in $(ms_since "$suite_start") ms"
[ "$failed" = 0 ]
