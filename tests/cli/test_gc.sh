#!/usr/bin/env bash
# mlops gc: what each scope keeps, --dry-run, checkout of old commits after gc,
# the workspace's own content, errors.
. "$(dirname "$0")/lib.sh"

# Loose objects and pack files in the cache, one per line.
cache_files() { (cd .mlops/cache && find sha256 packs -type f \( -path 'sha256/*' -o -name '*.pack' \) | sort); }
# in_cache_at REV PATH: PATH's entry in `mlops --json ls REV` is in the cache.
v1_cached() {
  "$MLOPS" --json ls HEAD~1 >"$OUT" 2>"$ERR"
  json_check "[e['in_cache'] for e in d['entries']] == [$1]"
}

new_repo "$T/r"
mkdir -p data/sub
for f in a b c sub/d; do echo "v1 $f" > "data/$f"; done
head -c 1500000 /dev/urandom > data/big.bin   # loose (>= 1 MiB), the rest packed
echo "model" > model.bin
m 0 add data model.bin
run 0 git add -A && run 0 git commit -qm v1
for f in a b c sub/d; do echo "v2 $f" > "data/$f"; done
head -c 1500000 /dev/urandom > data/big.bin
m 0 add data
run 0 git add -A && run 0 git commit -qm v2
v1_cached 'True, True'
before=$(cache_files)

# --dry-run reports and removes nothing.
m 0 gc --workspace --dry-run
has_out "Would remove"
has_out "dry run: nothing removed"
m 0 --json gc --dry-run
json_check 'd["dry_run"] and d["removed"]["objects"] > 0 and d["removed"]["bytes"] > 1500000'
check "dry run removed nothing" test "$before" == "$(cache_files)"

# Everything a commit uses is kept by the scopes that include that commit.
m 0 --json gc --all-commits
json_check 'd["removed"]["objects"] == 0 and d["kept"]["all_commits"] and d["kept"]["commits"] == 2'
check "all-commits removed nothing" test "$before" == "$(cache_files)"
run 0 git branch keep HEAD~1
m 0 --json gc --all-branches
json_check 'd["removed"]["objects"] == 0 and d["kept"]["commits"] == 2'
run 0 git branch -D keep
run 0 git tag v1 HEAD~1
m 0 --json gc -T
json_check 'd["removed"]["objects"] == 0'
run 0 git tag -d v1
v1_cached 'True, True'

# The old version can still be checked out after gc --all-commits.
run 0 git checkout -q HEAD~1
m 0 checkout
check "v1 restored" grep -qx "v1 a" data/a
check "v1 restored below" grep -qx "v1 sub/d" data/sub/d
run 0 git checkout -q main
m 0 checkout
check "v2 restored" grep -qx "v2 a" data/a

# The workspace's own content is kept even when its pointer file says otherwise
# (a `git checkout` without `mlops checkout`).
run 0 git checkout -q HEAD~1 -- data.mlops
m 0 --json gc --workspace
json_check 'd["removed"]["objects"] == 0'
run 0 git checkout -q HEAD -- data.mlops

# --workspace alone drops the old version; the current one is untouched.
m 0 gc --workspace
has_out "Kept objects used by the workspace (2 tracked paths)"
has_out "Removed"
v1_cached 'False, True'
m 0 --json ls -R
json_check 'all(e["in_cache"] for e in d["entries"]) and len(d["entries"]) == 7'
m 0 status --exit-code
m 0 --json gc
json_check 'd["removed"]["objects"] == 0'   # nothing left to remove
run 0 git checkout -q HEAD~1
m 1 checkout
has_err "not in the cache"
run 0 git checkout -q main
m 0 checkout

# -f is accepted (no prompt to skip); the JSON says what was kept.
m 0 --json gc -f -w -a
json_check 'd["kept"]["workspace"] and d["kept"]["all_branches"] and not d["kept"]["all_tags"]'

# Errors.
mkdir -p "$T/outside" && cd "$T/outside"
m 3 gc
mkdir -p "$T/nogit" && cd "$T/nogit"
m 0 -q init --no-git
echo x > x.txt
m 0 add x.txt
m 0 gc --workspace
m 2 gc --all-commits
has_err "not inside a git work tree"

# An mlops repository in a subdirectory of the git work tree.
mkdir -p "$T/mono" && cd "$T/mono" && git init -q .
mkdir -p proj/ml && cd proj/ml
m 0 -q init --subdir
mkdir ds && echo one > ds/a
m 0 add ds
run 0 git add -A && run 0 git commit -qm one
echo two > ds/a
m 0 add ds
run 0 git add -A && run 0 git commit -qm two
m 0 --json gc --all-commits
json_check 'd["removed"]["objects"] == 0 and d["kept"]["commits"] == 2'
m 0 --json gc
json_check 'd["removed"]["objects"] == 2'   # the old ds/a and the old manifest

finish
