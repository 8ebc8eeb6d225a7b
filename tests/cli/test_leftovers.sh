#!/usr/bin/env bash
# What interrupted and unlucky runs leave behind, and what must never leak
# (DESIGN §9.1, §9.2): kill -9 during checkout and pull, a tracked directory
# that becomes a file and back, secrets in config files and URLs, a waiting
# lock, unfinished uploads on a remote.
. "$(dirname "$0")/lib.sh"

new_repo "$T/r"
# A few thousand small files (packed) and two large ones (loose objects).
python3 - <<'PY'
import os, random
random.seed(13)
for i in range(1500):
    d = f"data/small/d{i % 15:02}"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/f{i:04}.bin", "wb") as fh:
        fh.write(os.urandom(random.randint(64, 3000)))
for n in ("big1.bin", "big2.bin"):
    with open(f"data/{n}", "wb") as fh:
        fh.write(os.urandom(2 << 20))
PY
listing() { (cd data && find . -type f -exec sha256sum {} + | sort | sha256sum); }
temps_in() { find "$1" -name '.*.mlops-tmp.*' 2>/dev/null | wc -l; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
want=$(listing)
m 0 add data
git add data.mlops .gitignore && git commit -qm data
m 0 remote add -d store "$T/remote"
m 0 push

# strike CMD...: starts mlops CMD, kill -9s it after a random part of $dur_ms;
# counts the strikes that hit a running process.
hits=0
strike() {
  "$MLOPS" "$@" >/dev/null 2>&1 &
  local pid=$! delay=$((RANDOM % dur_ms))
  sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
  grep -q '^State:[[:space:]]*[^Z]' "/proc/$pid/status" 2>/dev/null && hits=$((hits + 1))
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

# after_strike RERUN...: the rerun completes without --force and leaves the
# workspace clean, complete and free of temps.
after_strike() {
  m 0 "$@"
  check "no temp files after '$*' ($(temps_in data) left)" test "$(temps_in data)" = 0
  m 0 --json status
  json_check 'd["clean"]'
  check "every byte restored by '$*'" test "$(listing)" = "$want"
}

# reset_for CMD I: the state the I-th strike at CMD starts from: no workspace
# copy, and for every other pull no cache either.
reset_for() {
  rm -rf data
  if [[ $1 == pull ]] && (($2 % 2)); then rm -rf .mlops/cache; fi
}

# The hint of an older mlops after a killed checkout: commit what is there.
# Done once, the first time temps are present; a temp is never recorded.
committed_with_temps=0
commit_with_temps() {
  committed_with_temps=1
  m 0 commit data
  local files real
  files=$(sed -n 's/^ *files: //p' data.mlops)
  real=$(find data -type f ! -name '.*.mlops-tmp.*' | wc -l)
  check "commit recorded $files files, the workspace has $real besides temps" test "$files" = "$real"
  git checkout -q data.mlops
}

# kill_loop CMD: 20 kill -9s at random moments during `mlops CMD`; after each
# the rerun completes.
all_temps=0
kill_loop() {
  local i n t0 took
  dur_ms=1000000
  for i in 1 2; do  # the shorter of two runs: a busy machine may stall one
    reset_for "$1" 1
    t0=$(now_ms)
    m 0 "$1"
    took=$(($(now_ms) - t0 + 1))
    ((took < dur_ms)) && dur_ms=$took
  done
  hits=0
  temps_seen=0
  for i in $(seq 20); do
    reset_for "$1" "$i"
    strike "$1"
    n=$(temps_in data)
    temps_seen=$((temps_seen + n))
    if ((n > 0 && committed_with_temps == 0)); then commit_with_temps; fi
    after_strike "$1"
  done
  echo "$1: $hits of 20 kills mid-run, $temps_seen temp files left, full run ${dur_ms} ms"
  check "kills landed mid-$1 ($hits)" test "$hits" -ge 10
  all_temps=$((all_temps + temps_seen))
}

kill_loop checkout
kill_loop pull
check "killed runs left temps to clean ($all_temps)" test "$all_temps" -gt 0
check "a commit ran with temps present" test "$committed_with_temps" = 1
m 0 fsck

# A temp-named file is never hashed by add, commit or status.
m 0 checkout
echo junk > data/small/d00/.f0000.bin.mlops-tmp.Ab12Cd
m 0 --json status
json_check 'd["clean"]'
m 0 checkout
check "checkout removes a leftover temp" test ! -e data/small/d00/.f0000.bin.mlops-tmp.Ab12Cd
# ...but only our exact pattern, and only inside tracked paths.
echo mine > data/small/d00/.notes.mlops-tmp
echo mine > .outside.mlops-tmp.Ab12Cd
m 1 checkout
has_err "data/small/d00/.notes.mlops-tmp"
check "a user file near the pattern is kept" test -e data/small/d00/.notes.mlops-tmp
check "a temp-like file outside tracked paths is kept" test -e .outside.mlops-tmp.Ab12Cd

# A tracked file's own leftover temp beside it goes too.
echo single > single.txt
m 0 add single.txt
echo junk > .single.txt.mlops-tmp.Zz99Yy
m 0 checkout single.txt
check "a tracked file's temp beside it is removed" test ! -e .single.txt.mlops-tmp.Zz99Yy

# A tracked directory that becomes a file across git checkouts, and back.
new_repo "$T/k"
mkdir thing && echo a > thing/a && echo b > thing/b
m 0 add thing
git add thing.mlops .gitignore && git commit -qm "thing is a directory"
rm -rf thing && echo "a file now" > thing
m 0 add thing
git add thing.mlops && git commit -qm "thing is a file"
state() { find thing | sort; cat thing thing/* 2>/dev/null; }
git checkout -q HEAD~1
m 0 checkout
check "file -> dir" test "$(cat thing/a thing/b)" = "$(printf 'a\nb')"
git checkout -q main
m 0 checkout
check "dir -> file" test "$(cat thing)" = "a file now"
m 0 --json status
json_check 'd["clean"]'
# Unsaved data in the directory: refused before anything is deleted.
git checkout -q HEAD~1 && "$MLOPS" -q checkout >/dev/null
echo unsaved >> thing/a
before=$(state)
git checkout -q main
m 1 checkout
has_err "thing/a holds unsaved changes"
check "a refused dir -> file deletes nothing" test "$(state)" = "$before"
m 0 checkout --force
check "dir -> file with --force" test "$(cat thing)" = "a file now"
# An unsaved file where a directory comes.
echo "edited, unsaved" > thing
git checkout -q HEAD~1
m 1 checkout
has_err "thing becomes a directory"
check "a refused file -> dir keeps the file" test "$(cat thing)" = "edited, unsaved"
m 0 checkout --force
check "file -> dir with --force" test "$(cat thing/b)" = "b"
# A pointer that says `kind: file` for what is a directory here.
git checkout -q main
rm -rf thing && mkdir thing && echo x > thing/x
m 1 checkout
has_err "thing becomes a file"
check "the unsaved directory is kept" test "$(cat thing/x)" = x
m 0 checkout --force
check "a directory replaced by the pointer's file" test "$(cat thing)" = "a file now"

# config.local.yaml holds secrets: created 0600, warned about when others can read it.
new_repo "$T/s"
m 0 remote add store "$T/remote"
m 0 remote modify store password hunter2
check "config.local.yaml is created 0600" test "$(stat -c %a .mlops/config.local.yaml)" = 600
chmod 644 .mlops/config.local.yaml
m 0 config list
has_err "config.local.yaml holds passwords and tokens but other users can read it (mode 0644)"
m 0 doctor --offline
has_err "chmod 600"
m 0 config --local remote.store.token t0k3n
check "writing a secret makes its file 0600 again" test "$(stat -c %a .mlops/config.local.yaml)" = 600
m 0 config list
no_err "other users can read it"

# Root and shared-inode link types: the cache can be written through the workspace.
echo data > f.txt
if [[ $(id -u) == 0 ]]; then
  m 0 -c core.link_type=hardlink,copy add f.txt
  has_err "running as root with core.link_type hardlink"
  m 0 -c core.link_type=symlink doctor --offline
  has_err "running as root with core.link_type symlink"
  m 0 -c core.link_type=reflink,copy doctor --offline
  no_err "running as root"
else
  m 0 -c core.link_type=hardlink,copy add f.txt
  no_err "running as root"
fi

# Passwords in URLs are refused without being printed, and never stored.
m 2 remote add web2 https://user:PASSWORD1@example.com/dav
has_err "user:***@example.com"
m 0 remote add s3 s3://bucket/prefix
m 2 remote modify s3 endpointurl http://u:SECRET2@127.0.0.1:9000
m 2 config remote.s3.endpointurl http://u:SECRET3@127.0.0.1:9000
m 2 target add dev https://u:SECRET4@127.0.0.1:8443
# A hand-edited file is read, but what is printed has no password.
mkdir -p "$XDG_CONFIG_HOME/mlops"
printf 'remote:\n  hand:\n    url: https://u:SECRET5@example.com/x\n' >"$XDG_CONFIG_HOME/mlops/config.yaml"
leaked=$(grep -rlE 'PASSWORD1|SECRET[2-4]' . 2>/dev/null)
check "no secret stored in the repository (${leaked:-none})" test -z "$leaked"
git add -A . >/dev/null 2>&1
check "no secret in what git would commit" bash -c "! git grep --cached -qE 'PASSWORD1|SECRET[2-5]'"
# Nothing printed has a password: what was refused, and what was read.
for args in "remote add web2 https://user:PASSWORD1@example.com/dav" \
  "remote modify s3 endpointurl http://u:SECRET2@127.0.0.1:9000" \
  "config remote.s3.endpointurl http://u:SECRET3@127.0.0.1:9000" \
  "target add dev https://u:SECRET4@127.0.0.1:8443" "config list" "config list --show-origin" "config remote.hand.url" "remote list" "-v remote list" \
  "--json remote list" "doctor --offline" "--json doctor --offline"; do
  # shellcheck disable=SC2086
  "$MLOPS" $args >"$OUT" 2>"$ERR"
  if grep -qE 'PASSWORD1|SECRET[2-5]' "$OUT" "$ERR"; then fail "'mlops $args' printed a password"; else ok; fi
done
m 0 remote list
has_out "https://u:***@example.com/x"

# A command waiting for the lock says once who holds it.
exec 9>.mlops/tmp/lock
flock 9
printf '%s\nbuildhost\nmlops push\n' "$$" >&9
m 1 -c core.lock_timeout=3 add f.txt
has_err "waiting for the repository lock, held by pid $$ (mlops push) on host buildhost"
check "the wait is told once" test "$(grep -c 'waiting for the repository lock' "$ERR")" = 1
has_err "locked by another mlops process (pid $$ (mlops push) on host buildhost"
exec 9>&-

# Unfinished uploads on a remote: gc --remote removes those older than a day.
git commit -qm "pointers and config"
store="$T/gcremote"
m 0 remote add gcr "$store"
m 0 push -r gcr
mkdir -p "$store/sha256/ab" "$store/packs"
now=$(date +%s)
old_legacy="$store/sha256/ab/.cdef.tmp.Ab12Cd"
new_legacy="$store/sha256/ab/.cdff.tmp.Zz99Yy"
old_named="$store/packs/0123.pack.tmp.$((now - 90000))-0123456789abcdef"
new_named="$store/packs/0124.pack.tmp.$now-0123456789abcdef"
for f in "$old_legacy" "$new_legacy" "$old_named" "$new_named"; do head -c 1000 /dev/urandom >"$f"; done
touch -d '-2 days' "$old_legacy"
m 0 --json gc --remote gcr --dry-run
json_check 'd["removed"]["unfinished_uploads"] == 2'
check "a dry run removes nothing" test -e "$old_legacy" -a -e "$old_named"
m 0 gc --remote gcr
has_out "Removed 2 unfinished uploads older than a day"
check "old unfinished uploads removed" test ! -e "$old_legacy" -a ! -e "$old_named"
check "recent ones (maybe live) kept" test -e "$new_legacy" -a -e "$new_named"
m 0 fsck

finish
