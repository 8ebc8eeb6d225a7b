# The black-box push/pull suite, shared by every protocol's run_<protocol>.sh.
# Source it after setting:
#   REMOTE_URL            the remote's URL (an empty prefix)
#   REMOTE_OPTIONS        "key=value" lines for `mlops remote modify` (may be empty)
#   corrupt_remote_key    optional function KEY: flips a byte of KEY on the server
# then call `push_pull_suite`. Uses tests/cli/lib.sh for assertions.
. "$MLOPS_SOURCE_DIR/tests/cli/lib.sh"

configure_remote() {  # configure_remote: in the current repo, remote "store" as the default
  "$MLOPS" -q remote add -d store "$REMOTE_URL" || fail "remote add"
  local line
  while IFS= read -r line; do
    [[ -z "$line" ]] && continue
    "$MLOPS" -q remote modify store "${line%%=*}" "${line#*=}" || fail "remote modify ${line%%=*}"
  done <<<"${REMOTE_OPTIONS:-}"
}

tree_sum() { (cd "$1" && find . -type f -exec sha256sum {} + | sort | sha256sum); }

# random_files DIR PREFIX COUNT BYTES: DIR/PREFIX00… with fresh random bytes.
random_files() {
  python3 -c 'import os, sys
d, p, n, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
os.makedirs(d, exist_ok=True)
for i in range(n):
    with open(f"{d}/{p}{i:02}", "wb") as fh: fh.write(os.urandom(size))' "$@"
}

# clone_and_pull SRC DST: a fresh git clone of SRC at DST (as cwd), its
# remote configured again (local-only settings such as secrets do not travel
# with git), then `mlops pull`.
clone_and_pull() {
  run 0 git clone -q "$1" "$2"
  cd "$2" || return 1
  "$MLOPS" -q remote remove store && configure_remote
  m 0 pull
}

push_pull_suite() {
  new_repo "$T/origin"
  python3 - <<'PY'
import os
for d in range(5):
    os.makedirs(f"data/d{d}", exist_ok=True)
    for f in range(40):
        with open(f"data/d{d}/f{f:02}.bin", "wb") as fh:
            fh.write(os.urandom(3000 + f))
with open("model.bin", "wb") as fh:
    fh.write(os.urandom(3 << 20))
PY
  m 0 add data model.bin
  configure_remote
  run 0 git add -A && run 0 git commit -qm v1
  m 0 --json push
  json_check 'd["stats"]["objects"] == 207 and d["stats"]["missing"] == 0'  # 201 files, 6 manifests
  m 0 --json push
  json_check 'd["stats"]["objects"] == 0 and d["stats"]["up_to_date"] == 207'
  m 0 status --exit-code

  # A fresh clone plus pull reproduces every byte.
  clone_and_pull "$T/origin" "$T/clone"
  check "clone has identical data" test "$(tree_sum data)" = "$(tree_sum "$T/origin/data")"
  check "clone has identical model" cmp -s model.bin "$T/origin/model.bin"
  m 0 status --exit-code

  # After changes, push moves only the changed objects.
  cd "$T/origin"
  echo changed >> data/d0/f00.bin
  echo new > data/d1/new.bin
  m 0 add data
  m 1 status --remote --exit-code
  has_out "data: 5 of"
  m 0 --json push
  json_check 'd["stats"]["objects"] == 5'   # two files, three manifests (data, d0, d1)
  m 0 status --remote --exit-code
  run 0 git commit -qam v2
  cd "$T/clone" && run 0 git pull -q
  m 0 --json pull
  json_check 'd["stats"]["objects"] <= 6'
  check "clone follows" test "$(tree_sum data)" = "$(tree_sum "$T/origin/data")"

  # fetch of an older revision; status --remote shows nothing to push.
  m 0 fetch --rev HEAD~1
  m 0 push --all-commits

  # A corrupted object on the remote is refused and the local data kept.
  if declare -F corrupt_remote_key >/dev/null; then
    new_repo "$T/victim"
    configure_remote
    cp "$T/origin/model.bin.mlops" .
    h=$(sed -n 's/.*hash: sha256:\([0-9a-f]*\).*/\1/p' model.bin.mlops)
    corrupt_remote_key "sha256/${h:0:2}/${h:2}"
    m 5 pull
    has_err "sha256:$h"
    check "nothing corrupt entered the cache" test ! -e ".mlops/cache/sha256/${h:0:2}/${h:2}"
    check "no model written" test ! -e model.bin
  fi
}
