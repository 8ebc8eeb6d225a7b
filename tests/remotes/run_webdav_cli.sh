#!/usr/bin/env bash
# push / clone / pull end to end through the real binary against nginx
# WebDAV over TLS with basic auth; a corrupted object on the server is
# refused (exit 5), a wrong password and an untrusted server certificate
# fail with exit 4 naming the remote; `doctor` checks each remote and names
# the one whose password is wrong. Skipped (125) when nginx cannot run.
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
m 0 --json doctor
json_check '[(r["name"], r["ok"], [c["step"] for c in r["checks"]]) for r in d["remotes"]] == [("store", True, ["list", "write", "read", "delete"])]'
check "doctor's probe leaves nothing behind" test -z "$(ls -A "$NGINX_DAV_ROOT/dav/cli/tmp" 2>/dev/null)"
m 0 remote add bad "$REMOTE_URL"
m 0 remote modify --local bad user "$NGINX_DAV_USER"
m 0 remote modify --local bad password doctor-wrong-password
m 0 remote modify bad ca_bundle "$NGINX_DAV_CA"
m 4 --json doctor
json_check '{r["name"]: r["ok"] for r in d["remotes"]} == {"bad": False, "store": True}'
json_check 'next(r for r in d["remotes"] if r["name"] == "bad")["problem"].startswith("list: access denied")'
has_err "remote 'bad' failed its check"
no_out "doctor-wrong-password"
no_err "doctor-wrong-password"
m 0 doctor --offline
no_out "FAILED"
m 4 doctor
has_out "FAILED list: access denied"
m 0 remote remove bad
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
