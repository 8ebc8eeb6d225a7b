# Throwaway TLS certificates for suites that start HTTPS servers. Source it
# (after lib.sh), then:
#
#   certs_make DIR   a private EC CA (DIR/ca.crt, ca.key), a server cert for
#                    127.0.0.1 and localhost (DIR/server.crt, server.key) and
#                    a client cert CN=client (DIR/client.crt, client.key),
#                    all signed by that CA and valid for two days. Takes
#                    about 0.1 s. Calls `skip` when openssl is missing.
#
# Keys are unencrypted (mode 600) and live only in DIR, which the suite removes.

if ! declare -F skip >/dev/null; then
  skip() {
    echo "skipped: $*"
    exit 125
  }
fi

# _certs_sign DIR NAME SUBJECT EXTENSIONS: a key and a cert signed by DIR/ca.
_certs_sign() {
  local dir=$1 name=$2 subject=$3 ext=$4
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$dir/$name.key" -out "$dir/$name.csr" -subj "$subject" 2>/dev/null || return 1
  printf '%b' "$ext" >"$dir/$name.ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 2 -out "$dir/$name.crt" -extfile "$dir/$name.ext" 2>/dev/null || return 1
  rm -f "$dir/$name.csr" "$dir/$name.ext"
}

certs_make() {
  local certs_dir=$1  # not `dir`: an EXIT trap run from `skip` in here would see it
  command -v openssl >/dev/null || skip "openssl is not installed (apt-get install openssl)"
  mkdir -p "$certs_dir"
  (
    umask 077
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -keyout "$certs_dir/ca.key" -out "$certs_dir/ca.crt" -days 2 -subj "/CN=mlops test CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null &&
      _certs_sign "$certs_dir" server "/CN=127.0.0.1" \
        'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' &&
      _certs_sign "$certs_dir" client "/CN=client" 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n'
  ) || skip "openssl could not make test certificates"
  rm -f "$certs_dir/ca.srl"
  chmod 644 "$certs_dir"/*.crt
}
