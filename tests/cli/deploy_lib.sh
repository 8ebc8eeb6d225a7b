# Helpers for the deploy suites (file://, ssh://, https://). Source after
# lib.sh, in a repository with a signing key named `default`; set DEV to the
# device root the suite inspects.

# make_version V [BYTES [BUNDLE-ARGS...]]: model/ holds version V's files
# (BYTES random bytes after a first line naming V), bundled with BUNDLE-ARGS
# (e.g. a --health-cmd, which only the signed manifest carries) into
# $T/churn-V.mlbundle; the weights are kept in $T/weights-V for comparison.
make_version() {
  local v=$1 bytes=${2:-300000}
  shift
  [ $# -gt 0 ] && shift
  mkdir -p model
  printf 'weights of %s\n' "$v" >model/weights.bin
  head -c "$bytes" /dev/urandom >>model/weights.bin
  echo "$v" >model/VERSION
  "$MLOPS" -q bundle create model --name churn --version "$v" "$@" -o "$T/churn-$v.mlbundle" >/dev/null || fail "bundle $v"
  cp model/weights.bin "$T/weights-$v"
}

# rebundle V OUT BUNDLE-ARGS...: version V's files, as make_version made
# them, bundled again into OUT with BUNDLE-ARGS: the same content, another
# signed manifest (another health check).
rebundle() {
  local v=$1 out=$2
  shift 2
  cp "$T/weights-$v" model/weights.bin && echo "$v" >model/VERSION
  "$MLOPS" -q bundle create model --name churn --version "$v" "$@" -o "$out" >/dev/null || fail "rebundle $v"
}

# Everything under $DEV (paths, types, link targets) and churn's status file,
# to compare before and after a refused delivery.
tree_of() { (cd "$DEV" && find . -printf '%p %y %l\n' | sort && cat churn/status.json 2>/dev/null); }

# tamper BUNDLE PART OUT: a copy of BUNDLE with one byte of PART
# (payload.tar.zst, manifest.json or manifest.minisig) flipped, re-packed.
tamper() {
  local x="$T/tamper.$$"
  rm -rf "$x" && mkdir "$x" && tar -xf "$1" -C "$x" || return 1
  local offset
  case $2 in
    payload.tar.zst) offset=2000 ;;
    manifest.json) offset=$(grep -bo weights.bin "$x/manifest.json" | head -1 | cut -d: -f1) ;;
    manifest.minisig) offset=$(($(head -1 "$x/manifest.minisig" | wc -c) + 20)) ;;
  esac
  python3 -c 'import sys; p, o = sys.argv[1], int(sys.argv[2]); b = bytearray(open(p, "rb").read()); b[o] ^= 1; open(p, "wb").write(b)' \
    "$x/$2" "$offset"
  (cd "$x" && tar --format=pax -cf "$3" version manifest.json manifest.minisig payload.tar.zst)
  rm -rf "$x"
}

# delivery_cases TARGET: what every transport must do, against TARGET whose
# root is $DEV: v1 activated byte for byte, v2 with v1 as previous, the same
# version again a no-op, rollback, status. Leaves current 1, previous 2.
delivery_cases() {
  local t=$1 before
  make_version 1
  m 0 deploy "$T/churn-1.mlbundle" --to "$t"
  has_out "$t	churn 1	activated	current 1, previous none"
  check "$t: v1 bytes" cmp -s "$DEV/churn/current/weights.bin" "$T/weights-1"
  check "$t: no upload left" test -z "$(ls -A "$DEV/.incoming" 2>/dev/null)"
  make_version 2
  m 0 --json deploy "$T/churn-2.mlbundle" --to "$t"
  json_check 'd["targets"][0]["outcome"] == "activated" and d["targets"][0]["previous"] == "1"'
  check "$t: current -> 2" test "$(readlink "$DEV/churn/current")" = 2
  before=$(tree_of)
  m 0 --json deploy "$T/churn-2.mlbundle" --to "$t"
  json_check 'd["targets"][0]["outcome"] == "unchanged"'
  check "$t: the no-op changed nothing" test "$before" = "$(tree_of)"
  m 0 deploy rollback churn --to "$t"
  has_out "current 1, previous 2"
  m 0 --json deploy status --to "$t"
  json_check 'd["targets"][0]["models"][0]["current"] == "1" and d["targets"][0]["models"][0]["history"][-1]["event"] == "rollback"'
}

# health_server_start DIR: a plain HTTP server on 127.0.0.1 serving DIR, for
# health URLs (a file there answers 200, a missing one 404); sets
# HEALTH_URL to its base URL. Stopped with the suite (EXIT trap, chained).
health_server_start() {
  local port
  port=$(free_port)
  mkdir -p "$1"
  python3 -m http.server --bind 127.0.0.1 --directory "$1" "$port" >"$T/health_server.log" 2>&1 &
  echo $! >"$T/health_server.pids"
  local previous=""
  if [ -n "$(trap -p EXIT)" ]; then
    eval "set -- $(trap -p EXIT)"
    previous=$3
  fi
  # shellcheck disable=SC2064
  trap "stop_pids '$T/health_server.pids'; ${previous:-:}" EXIT
  wait_port "$port" || skip "python3 -m http.server did not start"
  HEALTH_URL=http://127.0.0.1:$port
}

# health_url_cases TARGET: a health URL (in the signed manifest) checked on
# the device: a 200 keeps the new version, a 404 rolls it back and fails the
# deploy.
health_url_cases() {
  local t=$1
  health_server_start "$T/www"
  echo ok >"$T/www/ok"
  make_version 7 300000 --health-url "$HEALTH_URL/ok" --health-timeout 5
  m 0 --json deploy "$T/churn-7.mlbundle" --to "$t"
  json_check 'd["targets"][0]["outcome"] == "activated" and d["targets"][0]["health"]["ok"]'
  check "$t: current 7 after a healthy URL" test "$(readlink "$DEV/churn/current")" = 7
  make_version 8 300000 --health-url "$HEALTH_URL/missing" --health-timeout 5
  m 1 deploy "$T/churn-8.mlbundle" --to "$t"
  has_err "health check of churn 8 failed"
  has_err "404"
  check "$t: still 7 after an unhealthy URL" test "$(readlink "$DEV/churn/current")" = 7
}

# resumed_upload_case TARGET V PART: a 6 MB version V deployed over a slow
# link (an ssh ProxyCommand) is killed once PART, its upload on the device,
# holds a megabyte; the next deploy resumes it. Leaves that deploy's JSON in
# $OUT and the final size of the upload in $UPLOAD_SIZE.
resumed_upload_case() {
  local t=$1 v=$2 part=$3 before pid status
  before=$(readlink "$DEV/churn/current")
  make_version "$v" 6000000
  mkdir -p "$HOME/.ssh"
  printf 'Host 127.0.0.1\n  ProxyCommand python3 %s %%h %%p 1500000\n' "$MLOPS_SOURCE_DIR/tests/cli/slow_proxy.py" >"$HOME/.ssh/config"
  "$MLOPS" deploy "$T/churn-$v.mlbundle" --to "$t" >"$T/killed.out" 2>"$T/killed.err" &
  pid=$!
  for _ in $(seq 200); do
    [ "$(stat -c %s "$part" 2>/dev/null || echo 0)" -gt 1000000 ] && break
    sleep 0.05
  done
  kill -TERM $pid
  wait $pid
  status=$?
  check "$t: the interrupted deploy exits 130 ($status)" test $status = 130
  UPLOAD_SIZE=$(stat -c %s "$part" 2>/dev/null || echo 0)
  check "$t: a part of the upload is on the device ($UPLOAD_SIZE bytes)" test "$UPLOAD_SIZE" -gt 0 -a "$UPLOAD_SIZE" -lt 6000000
  check "$t: still $before after the interrupted deploy" test "$(readlink "$DEV/churn/current")" = "$before"
  rm "$HOME/.ssh/config"
  m 0 --json deploy "$T/churn-$v.mlbundle" --to "$t"
  json_check "d['targets'][0]['outcome'] == 'activated' and 0 < d['targets'][0]['transfer']['resumed']"
  check "$t: v$v bytes" cmp -s "$DEV/churn/current/weights.bin" "$T/weights-$v"
  check "$t: no upload left after the resumed deploy" test -z "$(ls -A "$DEV/.incoming")"
}

# ssh_device MLOPS_PATH: for the ssh:// suites (which source
# tests/services/sshd.sh): a loopback sshd, a device root $DEV, a signing
# key, and a repository (cwd) whose target `edge` reaches $DEV at $URL with
# target.edge.mlops_path MLOPS_PATH.
ssh_device() {
  sshd_start "$T/sshd"
  DEV="$T/device"
  mkdir -p "$DEV"
  URL="ssh://$SSHD_USER@127.0.0.1:$SSHD_PORT$DEV"
  run 0 "$MLOPS" -q keys generate
  new_repo "$T/repo"
  m 0 target add edge "$URL" --identity "$SSHD_KEY" --known-hosts "$SSHD_KNOWN_HOSTS" --mlops-path "$1"
}
