# A throwaway OpenSSH sshd on 127.0.0.1 for suites that need an SSH/SFTP
# server. Source it (after lib.sh), then:
#
#   sshd_start DIR     keys, config and sshd in DIR; exports SSHD_PORT,
#                      SSHD_USER, SSHD_KEY (client private key),
#                      SSHD_KNOWN_HOSTS (a file with the one line
#                      "[127.0.0.1]:PORT ssh-ed25519 …") and SSHD_HOST_PUB.
#                      Stops the server on EXIT (chaining any EXIT trap set
#                      before). Calls `skip` when sshd is missing or will
#                      not start.
#   sshd_stop          stops it now (idempotent).
#   sshd_kill          KILLs the server and every session it serves, at
#                      once (a crashed server, for failure tests).
#   sshd_restart       starts it again on the same port, keys and config.
#
# The server knows only its own client key (authorized_keys in DIR), allows
# only the calling user, serves SFTP in-process (internal-sftp) and never
# reads /etc/ssh or the user's ~/.ssh.

SSHD_BIN=${SSHD_BIN:-/usr/sbin/sshd}

# skip REASON: report the suite as skipped (CTest SKIP_RETURN_CODE 125).
if ! declare -F skip >/dev/null; then
  skip() {
    echo "skipped: $*"
    exit 125
  }
fi

sshd_start() {
  [ -x "$SSHD_BIN" ] || skip "sshd is not installed ($SSHD_BIN; apt-get install openssh-server)"
  command -v ssh-keygen >/dev/null || skip "ssh-keygen is not installed (apt-get install openssh-client)"
  # Not a local named `dir`: a skip from in here runs the suite's EXIT trap,
  # which must see the suite's own variables.
  SSHD_DIR=$1
  mkdir -p "$SSHD_DIR"
  SSHD_USER=$(id -un)
  ssh-keygen -q -t ed25519 -N '' -C mlops-test-host -f "$SSHD_DIR/host_ed25519" || skip "ssh-keygen failed"
  ssh-keygen -q -t ed25519 -N '' -C mlops-test-client -f "$SSHD_DIR/id_ed25519" || skip "ssh-keygen failed"
  cp "$SSHD_DIR/id_ed25519.pub" "$SSHD_DIR/authorized_keys"
  SSHD_PORT=$(free_port)
  cat >"$SSHD_DIR/sshd_config" <<EOF
ListenAddress 127.0.0.1:$SSHD_PORT
HostKey $SSHD_DIR/host_ed25519
PidFile $SSHD_DIR/sshd.pid
AuthorizedKeysFile $SSHD_DIR/authorized_keys
AllowUsers $SSHD_USER
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
X11Forwarding no
AllowTcpForwarding no
PrintMotd no
MaxStartups 32:30:64
Subsystem sftp internal-sftp
LogLevel VERBOSE
EOF
  SSHD_HOST_PUB=$(cut -d' ' -f1,2 "$SSHD_DIR/host_ed25519.pub")
  echo "[127.0.0.1]:$SSHD_PORT $SSHD_HOST_PUB" >"$SSHD_DIR/known_hosts"
  SSHD_KEY=$SSHD_DIR/id_ed25519
  SSHD_KNOWN_HOSTS=$SSHD_DIR/known_hosts
  # Privilege separation needs its compiled-in empty directory when run as root.
  if [ "$(id -u)" = 0 ]; then mkdir -p -m 0755 /run/sshd; fi
  "$SSHD_BIN" -t -f "$SSHD_DIR/sshd_config" >"$SSHD_DIR/sshd.log" 2>&1 ||
    skip "sshd rejects the test configuration: $(tail -1 "$SSHD_DIR/sshd.log")"
  # Foreground (-D) with output in a file: a runner that pipes our stdout
  # would otherwise wait for the daemon.
  _sshd_run
  _sshd_chain_exit_trap
  if ! wait_port "$SSHD_PORT"; then
    cat "$SSHD_DIR/sshd.log" >&2
    skip "sshd did not start on 127.0.0.1:$SSHD_PORT"
  fi
  export SSHD_PORT SSHD_USER SSHD_KEY SSHD_KNOWN_HOSTS SSHD_HOST_PUB SSHD_DIR
}

_sshd_run() {
  "$SSHD_BIN" -D -e -f "$SSHD_DIR/sshd_config" >>"$SSHD_DIR/sshd.log" 2>&1 &
  echo $! >"$SSHD_DIR/pids"
}

# The pids of PID's descendants, deepest last.
_sshd_descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1"); do
    echo "$child"
    _sshd_descendants "$child"
  done
}

sshd_kill() {
  local server
  server=$(cat "$SSHD_DIR/pids")
  kill -STOP "$server" 2>/dev/null  # no new sessions while its children die
  kill -9 $(_sshd_descendants "$server") "$server" 2>/dev/null
  return 0
}

sshd_restart() {
  _sshd_run
  wait_port "$SSHD_PORT" || { cat "$SSHD_DIR/sshd.log" >&2; return 1; }
}

sshd_stop() {
  [ -n "${SSHD_DIR:-}" ] && stop_pids "$SSHD_DIR/pids"
  return 0
}

# Runs sshd_stop on EXIT before whatever EXIT trap was already set.
_sshd_chain_exit_trap() {
  local previous=""
  # `trap -p EXIT` prints: trap -- 'CMD' EXIT (quoted for eval).
  if [ -n "$(trap -p EXIT)" ]; then
    eval "set -- $(trap -p EXIT)"
    previous=$3
  fi
  # shellcheck disable=SC2064
  trap "sshd_stop; ${previous:-:}" EXIT
}
