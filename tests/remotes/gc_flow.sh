# The black-box `gc --remote` flow, shared by tests/cli (local remote) and
# the real-server suites. Source after push_pull.sh, set REMOTE_URL and
# REMOTE_OPTIONS as for push_pull_suite, define
#   remote_has KEY     succeeds when the server holds KEY
#   remote_put KEY FILE  stores FILE's bytes as KEY on the server
# then call `gc_remote_flow DIR`.

# The hash (hex) a pointer file records for its path.
pointer_hex() { sed -n 's/.*hash: sha256:\([0-9a-f]*\).*/\1/p' "$1"; }
loose_of() { echo "sha256/${1:0:2}/${1:2}"; }
remote_lacks() { ! remote_has "$1"; }

gc_remote_flow() {
  local dir=$1
  new_repo "$dir/origin"
  random_files data f 30 2000
  head -c $((2 << 20)) /dev/urandom >model.bin
  m 0 add data model.bin
  configure_remote
  run 0 git add -A && run 0 git commit -qm v1
  m 0 push
  local old_model
  old_model=$(pointer_hex model.bin.mlops)
  cp data.mlops "$dir/v1-data.mlops"

  # v2: a new model and most small files changed, so v1's pack is mostly dead.
  random_files data f 25 2000
  head -c $((2 << 20)) /dev/urandom >model.bin
  m 0 add data model.bin
  run 0 git commit -qam v2
  m 0 push
  check "v1's model is on the remote" remote_has "$(loose_of "$old_model")"

  # Every version is kept while git still has it.
  m 0 --json gc --remote store --all-commits
  json_check 'd["remote"] == "store" and d["removed"]["objects"] == 0 and d["written"]["packs"] == 0'
  check "all-commits kept v1's model" remote_has "$(loose_of "$old_model")"

  # A dry run reports what only v1 uses, and deletes nothing.
  m 0 gc --remote store --dry-run
  has_out "Would remove"
  has_out "from remote store"
  m 0 --json gc --remote store --dry-run
  json_check 'd["dry_run"] and d["removed"]["loose_objects"] == 1 and d["removed"]["objects"] == 27 and d["removed"]["packs_rewritten"] == 1'
  check "dry run kept v1's model" remote_has "$(loose_of "$old_model")"

  # Drop v1 from history, then collect.
  run 0 git checkout -q --orphan fresh && run 0 git commit -qm "v2 only" && run 0 git branch -D main
  run 0 git branch -m main
  m 0 --json gc --remote store --all-commits -j 2
  json_check 'd["removed"]["loose_objects"] == 1 and d["removed"]["objects"] == 27'
  json_check 'd["removed"]["packs_rewritten"] == 1 and d["written"]["packs"] == 1 and d["written"]["objects"] == 5'
  check "v1's model is gone from the remote" remote_lacks "$(loose_of "$old_model")"
  m 0 --json gc --remote store --all-commits
  json_check 'd["removed"]["objects"] == 0 and d["written"]["packs"] == 0'   # nothing left to do

  # A fresh clone pulls the live version byte-exact; v1 cannot come back.
  clone_and_pull "$dir/origin" "$dir/clone"
  check "clone has v2's data" test "$(tree_sum data)" = "$(tree_sum "$dir/origin/data")"
  check "clone has v2's model" cmp -s model.bin "$dir/origin/model.bin"
  cp "$dir/v1-data.mlops" data.mlops
  m 1 fetch
  has_err "not in remote store"
  run 0 git checkout -q data.mlops

  # gc takes an exclusive lock: a live lock from another machine stops it, and push.
  printf 'mlops-remote-lock 1\nkind shared\noperation push\nhost elsewhere\npid 1\ntime %s\n' "$(date +%s)" >"$dir/lock"
  remote_put locks/00000000000000aa "$dir/lock"
  m 4 gc --remote store
  has_err "locked"
  has_err "locks/00000000000000aa"
  m 0 push  # shared locks do not exclude each other
  printf 'mlops-remote-lock 1\nkind exclusive\noperation gc\nhost elsewhere\npid 1\ntime %s\n' "$(date +%s)" >"$dir/lock"
  remote_put locks/00000000000000bb "$dir/lock"
  m 4 push
  has_err "exclusive lock held by gc"
}
