#!/usr/bin/env bash
# push / clone / pull end to end through the real binary against nginx
# WebDAV over TLS with basic auth; a corrupted object on the server is
# refused (exit 5), a wrong password and an untrusted server certificate
# fail with exit 4 naming the remote. Skipped (125) when nginx cannot run.
. "$MLOPS_SOURCE_DIR/tests/remotes/push_pull.sh"
. "$MLOPS_SOURCE_DIR/tests/services/lib.sh"
. "$MLOPS_SOURCE_DIR/tests/services/certs.sh"
. "$MLOPS_SOURCE_DIR/tests/services/nginx_dav.sh"

nginx_dav_start "$T/nginx"
REMOTE_URL="$NGINX_DAV_URL/dav/cli"
REMOTE_OPTIONS="user=$NGINX_DAV_USER
password=$NGINX_DAV_PASSWORD
ca_bundle=$NGINX_DAV_CA"
corrupt_remote_key() {
  local f="$NGINX_DAV_ROOT/dav/cli/$1"
  chmod u+w "$f" && printf X | dd of="$f" bs=1 seek=100 conv=notrunc status=none
}
push_pull_suite

cd "$T/origin"
m 0 remote modify store password wrong-password
m 4 push
has_err "$NGINX_DAV_URL"
no_err "wrong-password"
m 0 remote modify store password "$NGINX_DAV_PASSWORD"
certs_make "$T/other-ca"
m 0 remote modify store ca_bundle "$T/other-ca/ca.crt"
m 4 fetch
has_err "$NGINX_DAV_URL"

finish
