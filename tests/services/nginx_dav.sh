# A throwaway nginx WebDAV server over TLS on 127.0.0.1 for the http(s)://
# remote. Source it (after lib.sh and certs.sh), then:
#
#   nginx_dav_start DIR   certificates, config and nginx in DIR; exports
#                         NGINX_DAV_URL (https://127.0.0.1:PORT), NGINX_DAV_PORT,
#                         NGINX_DAV_CA, NGINX_DAV_CLIENT_CERT, NGINX_DAV_CLIENT_KEY,
#                         NGINX_DAV_USER, NGINX_DAV_PASSWORD, NGINX_DAV_ROOT
#                         (the served directory). Stops nginx on EXIT (before
#                         any EXIT trap set earlier). Calls `skip` when nginx or
#                         its WebDAV modules are missing or it will not start.
#   nginx_dav_stop        stops it now (idempotent).
#
# Locations (files under NGINX_DAV_ROOT/<location>):
#   /pub/   WebDAV, no authentication
#   /dav/   WebDAV, basic auth (NGINX_DAV_USER / NGINX_DAV_PASSWORD)
#   /mtls/  WebDAV, only with a client certificate signed by NGINX_DAV_CA;
#           PUT does not create missing parents here (409, as Apache's
#           mod_dav does), so clients must MKCOL them
#   /ro/    plain static files: no WebDAV, PUT is refused (405)
#   /norange/  WebDAV, no auth, Range ignored (200 with the whole file)
# TLS only; the server certificate is for 127.0.0.1 and localhost.

NGINX_BIN=${NGINX_BIN:-/usr/sbin/nginx}
NGINX_DAV_EXT_MODULE=${NGINX_DAV_EXT_MODULE:-/usr/lib/nginx/modules/ngx_http_dav_ext_module.so}

nginx_dav_start() {
  local ngx_dir=$1  # not `dir`: an EXIT trap run from `skip` in here would see it
  [ -x "$NGINX_BIN" ] || skip "nginx is not installed ($NGINX_BIN; apt-get install nginx)"
  [ -f "$NGINX_DAV_EXT_MODULE" ] ||
    skip "the nginx WebDAV PROPFIND module is missing ($NGINX_DAV_EXT_MODULE; apt-get install libnginx-mod-http-dav-ext)"
  mkdir -p "$ngx_dir/www/pub" "$ngx_dir/www/dav" "$ngx_dir/www/mtls" "$ngx_dir/www/ro" "$ngx_dir/www/norange" "$ngx_dir/tmp" "$ngx_dir/logs"
  NGINX_DAV_DIR=$ngx_dir
  certs_make "$ngx_dir/certs"
  NGINX_DAV_USER=tester
  NGINX_DAV_PASSWORD=secret
  printf '%s:%s\n' "$NGINX_DAV_USER" "$(openssl passwd -apr1 "$NGINX_DAV_PASSWORD")" >"$ngx_dir/htpasswd"
  NGINX_DAV_PORT=$(free_port)
  # As root, workers would otherwise switch to nobody and not read DIR.
  local user_line=""
  [ "$(id -u)" = 0 ] && user_line="user root root;"
  cat >"$ngx_dir/nginx.conf" <<EOF
load_module $NGINX_DAV_EXT_MODULE;
$user_line
daemon off;
master_process on;
worker_processes 1;
pid $ngx_dir/nginx.pid;
error_log $ngx_dir/logs/error.log info;
events { worker_connections 256; }
http {
  access_log $ngx_dir/logs/access.log;
  client_body_temp_path $ngx_dir/tmp/body;
  proxy_temp_path $ngx_dir/tmp/proxy;
  fastcgi_temp_path $ngx_dir/tmp/fastcgi;
  uwsgi_temp_path $ngx_dir/tmp/uwsgi;
  scgi_temp_path $ngx_dir/tmp/scgi;
  client_max_body_size 0;
  server {
    listen 127.0.0.1:$NGINX_DAV_PORT ssl;
    ssl_certificate $ngx_dir/certs/server.crt;
    ssl_certificate_key $ngx_dir/certs/server.key;
    ssl_client_certificate $ngx_dir/certs/ca.crt;
    ssl_verify_client optional;
    ssl_verify_depth 2;
    root $ngx_dir/www;
    dav_methods PUT DELETE MKCOL COPY MOVE;
    dav_ext_methods PROPFIND OPTIONS;
    dav_access user:rw group:r all:r;
    location /pub/ { create_full_put_path on; }
    location /dav/ {
      create_full_put_path on;
      auth_basic "mlops test";
      auth_basic_user_file $ngx_dir/htpasswd;
    }
    location /ro/ { dav_methods off; }
    location /norange/ { create_full_put_path on; max_ranges 0; }
    location /mtls/ {
      if (\$ssl_client_verify != SUCCESS) { return 403; }
    }
  }
}
EOF
  "$NGINX_BIN" -t -p "$ngx_dir" -c "$ngx_dir/nginx.conf" -e "$ngx_dir/logs/error.log" >"$ngx_dir/logs/nginx.out" 2>&1 ||
    skip "nginx rejects the test configuration: $(tail -1 "$ngx_dir/logs/nginx.out")"
  # Foreground with output in a file, so a runner piping our stdout does not wait for it.
  "$NGINX_BIN" -p "$ngx_dir" -c "$ngx_dir/nginx.conf" -e "$ngx_dir/logs/error.log" >>"$ngx_dir/logs/nginx.out" 2>&1 &
  echo $! >"$ngx_dir/pids"
  _nginx_dav_chain_exit_trap
  if ! wait_port "$NGINX_DAV_PORT"; then
    cat "$ngx_dir/logs/error.log" >&2
    skip "nginx did not start on 127.0.0.1:$NGINX_DAV_PORT"
  fi
  NGINX_DAV_URL=https://127.0.0.1:$NGINX_DAV_PORT
  NGINX_DAV_CA=$ngx_dir/certs/ca.crt
  NGINX_DAV_CLIENT_CERT=$ngx_dir/certs/client.crt
  NGINX_DAV_CLIENT_KEY=$ngx_dir/certs/client.key
  NGINX_DAV_ROOT=$ngx_dir/www
  export NGINX_DAV_URL NGINX_DAV_PORT NGINX_DAV_CA NGINX_DAV_CLIENT_CERT NGINX_DAV_CLIENT_KEY \
    NGINX_DAV_USER NGINX_DAV_PASSWORD NGINX_DAV_ROOT NGINX_DAV_DIR
}

# The master exits on TERM after its worker; stop_pids waits for it.
nginx_dav_stop() {
  [ -n "${NGINX_DAV_DIR:-}" ] && stop_pids "$NGINX_DAV_DIR/pids"
  return 0
}

_nginx_dav_chain_exit_trap() {
  local previous=""
  if [ -n "$(trap -p EXIT)" ]; then
    eval "set -- $(trap -p EXIT)"
    previous=$3
  fi
  # shellcheck disable=SC2064
  trap "nginx_dav_stop; ${previous:-:}" EXIT
}
