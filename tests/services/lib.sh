# Helpers for suites that start real servers (sshd, S3, nginx, Slurm) on
# loopback. Servers bind 127.0.0.1 on free ports, live in a temp directory
# and are stopped by the suite's EXIT trap. A suite whose server cannot run
# here calls `skip "<reason>"` (exit 125, reported as skipped by CTest).

# A free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_port PORT [TRIES]: until something listens on 127.0.0.1:PORT (50 ms a try).
wait_port() {
  local i
  for ((i = 0; i < ${2:-200}; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# stop_pids FILE: TERM every pid listed, KILL what is left after 5 s.
stop_pids() {
  local pids
  pids=$(cat "$1" 2>/dev/null) || return 0
  kill $pids 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 $pids 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 $pids 2>/dev/null || true
}
