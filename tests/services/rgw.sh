# A throwaway Ceph RADOS Gateway (a real S3 server that checks SigV4) on
# 127.0.0.1: one monitor, one memstore OSD (data in memory), radosgw, no
# manager. Source it (after lib.sh and certs.sh), then:
#
#   rgw_start DIR   config, keys and daemons in DIR; an S3 user with the test
#                   keys and the bucket RGW_BUCKET. Exports RGW_ENDPOINT
#                   (http://127.0.0.1:PORT), RGW_TLS_ENDPOINT (https, same
#                   server; cert for 127.0.0.1/localhost signed by RGW_CA),
#                   RGW_VHOST_ENDPOINT (http://localhost:PORT: buckets as
#                   sub-domains, bucket.localhost), RGW_ACCESS_KEY,
#                   RGW_SECRET_KEY, RGW_BUCKET, RGW_REGION. Takes 3-5 s.
#                   Stops the daemons on EXIT (before any EXIT trap set
#                   earlier). Calls `skip` when Ceph is missing or will not
#                   start here.
#   rgw_stop        stops them now (SIGKILL: the state is throwaway).
#
# RGW_MEMSTORE_BYTES sets the OSD's in-memory capacity (default 1 GiB); once
# it is full, writes stall.
#
# Listeners: monitor and radosgw on free ports, the OSD on Ceph's 6800-7300
# range, all on 127.0.0.1.

RGW_ACCESS_KEY=${RGW_ACCESS_KEY:-MLOPSTESTACCESSKEY}
RGW_SECRET_KEY=${RGW_SECRET_KEY:-mlopsTestSecretKey0000}
RGW_BUCKET=${RGW_BUCKET:-mlops-test}
RGW_REGION=us-east-1

rgw_start() {
  local rgw_dir=$1 bin  # not `dir`: an EXIT trap run from `skip` in here would see it
  for bin in ceph-mon ceph-osd radosgw radosgw-admin ceph ceph-authtool monmaptool curl; do
    command -v "$bin" >/dev/null ||
      skip "$bin is not installed (apt-get install ceph-mon ceph-osd radosgw ceph-common curl)"
  done
  mkdir -p "$rgw_dir/run" "$rgw_dir/log" "$rgw_dir/mon.a" "$rgw_dir/osd.0" "$rgw_dir/rgw"
  RGW_DIR=$rgw_dir
  : >"$rgw_dir/pids"
  _rgw_chain_exit_trap
  certs_make "$rgw_dir/certs"
  local mon_port rgw_port tls_port fsid
  read -r mon_port rgw_port tls_port < <(_rgw_free_ports 3)
  fsid=$(cat /proc/sys/kernel/random/uuid)
  # Pool size 1 on one OSD, a short paxos interval (the default 1 s makes
  # start-up take four times longer), no refusal to start on a nearly full
  # disk (the monitor's store is a few MB and thrown away; "crit" is compared
  # with <=, so -1 turns the check off), nothing outside DIR.
  cat >"$rgw_dir/ceph.conf" <<EOF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$mon_port
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
keyring = $rgw_dir/keyring
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
mon data avail crit = -1
mon data avail warn = 0
paxos propose interval = 0.1
run dir = $rgw_dir/run
admin socket = $rgw_dir/run/\$name.asok
log file = $rgw_dir/log/\$name.log
pid file = $rgw_dir/run/\$name.pid
[mon.a]
mon data = $rgw_dir/mon.a
[osd]
osd data = $rgw_dir/osd.\$id
osd objectstore = memstore
memstore device bytes = ${RGW_MEMSTORE_BYTES:-1073741824}
osd max object name len = 460
osd max object namespace len = 64
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port ssl_endpoint=127.0.0.1:$tls_port ssl_certificate=$rgw_dir/certs/server.crt ssl_private_key=$rgw_dir/certs/server.key
rgw data = $rgw_dir/rgw
rgw dns name = localhost
EOF
  local conf="-c $rgw_dir/ceph.conf"
  {
    ceph-authtool "$rgw_dir/keyring" --create-keyring --gen-key -n mon. --cap mon 'allow *' &&
      ceph-authtool "$rgw_dir/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' &&
      ceph-authtool "$rgw_dir/keyring" --gen-key -n osd.0 --cap mon 'allow profile osd' --cap osd 'allow *' &&
      ceph-authtool "$rgw_dir/keyring" --gen-key -n client.rgw.a --cap mon 'allow rw' --cap osd 'allow rwx' &&
      monmaptool --create --add a "v2:127.0.0.1:$mon_port" --fsid "$fsid" "$rgw_dir/monmap" &&
      ceph-mon $conf --mkfs -i a --monmap "$rgw_dir/monmap" --keyring "$rgw_dir/keyring"
  } >"$rgw_dir/log/bootstrap.out" 2>&1 || skip "ceph bootstrap failed: $(tail -1 "$rgw_dir/log/bootstrap.out")"

  ceph-mon $conf -i a -f >"$rgw_dir/log/mon.out" 2>&1 &
  echo $! >>"$rgw_dir/pids"
  wait_port "$mon_port" || skip "ceph-mon did not start: $({ grep -h -m1 -- ' -1 ' "$rgw_dir/log/mon.out" "$rgw_dir/log/mon.a.log" ||
    tail -1 "$rgw_dir/log/mon.out"; } 2>/dev/null | head -1 | cut -c1-300)"

  local osd_uuid
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  {
    timeout 30 ceph $conf osd new "$osd_uuid" 0 &&
      ceph-osd $conf -i 0 --mkfs --osd-uuid "$osd_uuid"
  } >>"$rgw_dir/log/bootstrap.out" 2>&1 || skip "ceph-osd set-up failed: $(tail -1 "$rgw_dir/log/bootstrap.out")"
  ceph-osd $conf -i 0 -f >"$rgw_dir/log/osd.out" 2>&1 &
  echo $! >>"$rgw_dir/pids"
  # radosgw starts while the OSD boots: its first pool I/O waits for it.
  radosgw $conf -n client.rgw.a -f >"$rgw_dir/log/rgw.out" 2>&1 &
  echo $! >>"$rgw_dir/pids"
  wait_port "$rgw_port" 1200 && wait_port "$tls_port" ||
    skip "radosgw did not start: $(tail -2 "$rgw_dir/log/client.rgw.a.log" 2>/dev/null; tail -1 "$rgw_dir/log/osd.out")"
  timeout 60 radosgw-admin $conf user create --uid=mlops-test --display-name="mlops test" \
    --access-key="$RGW_ACCESS_KEY" --secret-key="$RGW_SECRET_KEY" >"$rgw_dir/log/user.json" 2>&1 ||
    skip "radosgw-admin could not create the test user: $(tail -1 "$rgw_dir/log/user.json")"

  # The bucket, and one PUT that makes RGW create its data pools now rather
  # than during the first test.
  local s3=(curl -sS -f -o /dev/null --aws-sigv4 "aws:amz:$RGW_REGION:s3" --user "$RGW_ACCESS_KEY:$RGW_SECRET_KEY"
    -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  "${s3[@]}" -X PUT -H "Content-Length: 0" "http://127.0.0.1:$rgw_port/$RGW_BUCKET" &&
    "${s3[@]}" -X PUT -H "Content-Length: 0" "http://127.0.0.1:$rgw_port/$RGW_BUCKET/warm-up" &&
    "${s3[@]}" -X DELETE "http://127.0.0.1:$rgw_port/$RGW_BUCKET/warm-up" ||
    skip "could not create the test bucket on radosgw"

  RGW_ENDPOINT=http://127.0.0.1:$rgw_port
  RGW_TLS_ENDPOINT=https://127.0.0.1:$tls_port
  RGW_VHOST_ENDPOINT=http://localhost:$rgw_port
  RGW_CA=$rgw_dir/certs/ca.crt
  export RGW_ENDPOINT RGW_TLS_ENDPOINT RGW_VHOST_ENDPOINT RGW_CA RGW_ACCESS_KEY RGW_SECRET_KEY RGW_BUCKET \
    RGW_REGION RGW_DIR
}

rgw_stop() {
  [ -n "${RGW_DIR:-}" ] && [ -f "$RGW_DIR/pids" ] || return 0
  local pids p i
  pids=$(cat "$RGW_DIR/pids")
  [ -n "$pids" ] || return 0
  kill -9 $pids 2>/dev/null
  wait $pids 2>/dev/null
  for ((i = 0; i < 50; i++)); do
    local alive=0
    for p in $pids; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.05
  done
  : >"$RGW_DIR/pids"
  return 0
}

# _rgw_free_ports N: N distinct free loopback ports on one line (one python start).
_rgw_free_ports() {
  python3 -c 'import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}

_rgw_chain_exit_trap() {
  local previous=""
  if [ -n "$(trap -p EXIT)" ]; then
    eval "set -- $(trap -p EXIT)"
    previous=$3
  fi
  # shellcheck disable=SC2064
  trap "rgw_stop; ${previous:-:}" EXIT
}
