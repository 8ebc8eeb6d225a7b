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
  if declare -F corrupt_remote_key >/dev/null; then corrupt_pull_refused "$T/victim" "$T/origin/model.bin.mlops"; fi
}

# corrupt_pull_refused DIR POINTER: a fresh repo DIR with POINTER (a pointer file
# of a large object) pulls from the remote after that object was corrupted on
# the server: exit 5 naming the object, nothing of it in the cache or workspace.
corrupt_pull_refused() {
  local pointer=$2 h
  new_repo "$1"
  configure_remote
  cp "$pointer" .
  h=$(sed -n 's/.*hash: sha256:\([0-9a-f]*\).*/\1/p' "$pointer")
  corrupt_remote_key "sha256/${h:0:2}/${h:2}"
  m 5 pull
  has_err "sha256:$h"
  check "nothing corrupt entered the cache" test ! -e ".mlops/cache/sha256/${h:0:2}/${h:2}"
  check "no leftovers of the download" test -z "$(find .mlops/cache -name '*.part*' -o -name '*.plain')"
  check "no workspace file written" test ! -e "$(basename "$pointer" .mlops)"
}

# The same remote with remote.store.compress on (DESIGN §3), under REMOTE_URL
# with "-zstd" appended: compressible objects are stored compressed, random
# ones plain, a client with compression off adds plain objects to the same
# remote, and a fresh clone reads the mix byte-exact, whole packs and byte
# ranges alike. A corrupt compressed object is refused (exit 5).
compress_suite() {
  REMOTE_URL="$REMOTE_URL-zstd"
  new_repo "$T/zorigin"
  python3 - <<'PY'
import os
def text(n, seed):
    line = f"epoch {seed} loss 0.{seed:04} accuracy 0.9 lr 3e-4\n"
    return (line * (n // len(line) + 1))[:n].encode()
os.makedirs("many", exist_ok=True)
os.makedirs("few", exist_ok=True)
for i in range(30):
    open(f"many/t{i:02}.txt", "wb").write(text(4000 + 300 * i, i))
for i in range(10):
    open(f"many/r{i:02}.bin", "wb").write(os.urandom(3000 + i))
for i in range(3):
    open(f"few/f{i}.txt", "wb").write(text(2000, 100 + i))
open("big.txt", "wb").write(text(3 << 20, 7))
open("big.bin", "wb").write(os.urandom(2 << 20))
PY
  m 0 add many few big.txt big.bin
  configure_remote
  m 2 remote modify store compress 25
  has_err "compress"
  m 0 remote modify store compress true
  run 0 git add -A && run 0 git commit -qm v1
  m 0 --json push
  # 45 files and 2 manifests; the 33 text files and big.txt shrink, the
  # random ones are kept plain; the manifests may go either way.
  json_check 'd["stats"]["objects"] == 47 and 34 <= d["stats"]["compressed"] <= 36'
  json_check 'd["stats"]["bytes"] < (2 << 20) + 300000'
  m 0 push
  has_out "pushed 0 objects"

  # A client with compression off adds plain objects to the same remote.
  m 0 remote modify store compress false
  echo "plain now" >many/added.txt
  m 0 add many
  m 0 --json push
  json_check 'd["stats"]["objects"] == 2 and d["stats"]["compressed"] == 0'
  run 0 git add -A && run 0 git commit -qm v2

  run 0 git clone -q "$T/zorigin" "$T/zclone"
  cd "$T/zclone"
  "$MLOPS" -q remote remove store && configure_remote
  # A few objects of a large pack: byte ranges, decoded one by one.
  m 0 --json pull few
  json_check 'd["stats"]["ranges"] >= 4'
  check "few/ read from ranges" test "$(tree_sum few)" = "$(tree_sum "$T/zorigin/few")"
  m 0 pull
  check "compressed remote: many/ identical" test "$(tree_sum many)" = "$(tree_sum "$T/zorigin/many")"
  check "compressed remote: big.txt identical" cmp -s big.txt "$T/zorigin/big.txt"
  check "compressed remote: big.bin identical" cmp -s big.bin "$T/zorigin/big.bin"
  m 0 status --exit-code

  if declare -F corrupt_remote_key >/dev/null; then corrupt_pull_refused "$T/zvictim" "$T/zorigin/big.txt.mlops"; fi
}
