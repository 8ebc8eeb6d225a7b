#!/usr/bin/env bash
# Crash, interrupt and concurrency safety (DESIGN §9.2, §9.3): kill -9 and
# Ctrl-C in the middle of an add, two adds at once, a held lock.
. "$(dirname "$0")/lib.sh"

new_repo "$T/r"
# Enough small files that an add takes well over the moment we strike.
python3 - <<'PY'
import os
for d in range(40):
    os.makedirs(f"big/d{d:02}", exist_ok=True)
    for f in range(600):
        with open(f"big/d{d:02}/f{f:03}.bin", "wb") as fh:
            fh.write(os.urandom(12288))
PY
find big -exec touch -h -d '-1 minute' {} +
sha_before=$(cd big && find . -type f -exec sha256sum {} + | sort | sha256sum)

# strike SIGNAL: start an add, hit it mid-run, return its exit status.
strike() {
  "$MLOPS" add big >"$OUT" 2>"$ERR" &
  local pid=$!
  # Strike once add is writing a pack: mid-run however fast the machine is.
  for _ in $(seq 1000); do
    compgen -G '.mlops/cache/packs/.incoming.pack.tmp.*' >/dev/null && break
    sleep 0.005
  done
  if kill -0 "$pid" 2>/dev/null; then ok; else fail "add finished before it could be interrupted"; fi
  kill "-$1" "$pid" 2>/dev/null
  wait "$pid"
}

strike INT
code=$?
check "Ctrl-C exits 130 (got $code)" test "$code" = 130
has_err "interrupted"
check "interrupted add wrote no pointer" test ! -e big.mlops
check "no temp files left by Ctrl-C" bash -c '[ -z "$(find .mlops/cache -name "*.tmp*" -o -name ".incoming*")" ]'
m 0 fsck

strike KILL
check "killed add wrote no pointer" test ! -e big.mlops
m 0 fsck
m 0 --json fsck
json_check 'd["corrupt"] == []'

# After both, a plain add completes and nothing was lost.
m 0 add big
m 0 --json status
json_check 'd["clean"]'
rm -rf big
m 0 checkout
check "every byte restored" test "$(cd big && find . -type f -exec sha256sum {} + | sort | sha256sum)" = "$sha_before"

# Two processes at once: the second waits for the lock, both succeed.
mkdir -p one two
for i in $(seq 50); do head -c 5000 /dev/urandom > "one/$i"; head -c 5000 /dev/urandom > "two/$i"; done
"$MLOPS" add one >"$T/one.out" 2>&1 &
p1=$!
"$MLOPS" add two >"$T/two.out" 2>&1 &
p2=$!
wait $p1; c1=$?
wait $p2; c2=$?
check "concurrent adds succeed ($c1, $c2)" test "$c1$c2" = 00
m 0 fsck
m 0 status --exit-code

# A held lock is reported with the holder's pid once core.lock_timeout passes.
exec 9>.mlops/tmp/lock
flock 9
echo "$$" >&9
m 1 -c core.lock_timeout=1 add one
has_err "locked by another mlops process (pid $$"
exec 9>&-
m 0 add one

finish
