#!/usr/bin/env bash
# add / status / commit / checkout / rm / mv / unprotect / fsck over a real git repository.
. "$(dirname "$0")/lib.sh"

new_repo "$T/r"
mkdir -p data/c1/s1 data/c2 data/empty
for i in 1 2 3 4 5; do head -c $((i * 3000)) /dev/urandom > "data/c1/s1/f$i.bin"; done
head -c 100 /dev/urandom > data/c2/small.bin
printf '#!/bin/sh\necho hi\n' > data/c2/run.sh && chmod +x data/c2/run.sh
ln -s c2/small.bin data/link
head -c 3000000 /dev/urandom > model.bin
# Data older than the add, as it usually is: files written within the same
# clock tick as their hashing are re-hashed once (racy-timestamp guard).
find data model.bin -exec touch -h -d '-1 minute' {} +

m 0 add data model.bin
has_out "added  data (7 files"
has_err "git add"
check "pointer written" grep -q "kind: dir" data.mlops
check "files counted" grep -q "files: 7" data.mlops
check "gitignore entry" grep -qx "/data" .gitignore
check "git ignores the data" git check-ignore -q data/c2/small.bin
m 0 --json status
json_check 'd["clean"] and d["counters"]["files_hashed"] == 0 and d["counters"]["bytes_read"] == 0'
m 0 status --exit-code
has_out "Everything is up to date."
run 0 git add -A && run 0 git commit -qm "v1"
sha_v1=$(sha256sum model.bin data/c1/s1/f1.bin)

# Re-adding unchanged data stores and rewrites nothing.
m 0 --json add data
json_check 'd["paths"][0]["changed"] is False and d["counters"]["files_hashed"] == 0'

# Modify, add, delete inside the tracked directory.
echo change >> data/c1/s1/f1.bin
rm data/c1/s1/f2.bin
echo new > data/c2/new.txt
# Exactly the changed and the new file are read (the first look after a change).
m 0 --json status
json_check 'd["counters"]["files_hashed"] == 2'
json_check 'sorted(c["type"] for c in d["paths"][0]["changes"]) == ["added", "deleted", "modified"]'
m 1 status --exit-code
has_out "data: modified"
has_out "modified:  c1/s1/f1.bin"
has_out "deleted:   c1/s1/f2.bin"
has_out "added:     c2/new.txt"
m 0 status model.bin
has_out "up to date"
m 2 status nothing-here
has_err "'nothing-here' is not tracked"

# checkout refuses to throw away unsaved changes, names them, restores the rest.
m 1 checkout
has_err "c1/s1/f1.bin"
has_err "c2/new.txt"
check "deleted file restored" test -f data/c1/s1/f2.bin
check "unsaved change kept" grep -q change data/c1/s1/f1.bin

m 0 commit
has_out "committed  data"
m 0 status --exit-code
run 0 git commit -qam "v2"

# Whole workspace gone: checkout restores the exact bytes, links and modes.
rm -rf data model.bin
m 1 status --exit-code
has_out "data: missing"
m 0 checkout
check "exact bytes" diff <(sha256sum model.bin) <(echo "$sha_v1" | head -1)
check "exec bit kept" test -x data/c2/run.sh
check "symlink kept" test "$(readlink data/link)" = c2/small.bin
check "empty dir kept" test -d data/empty
m 0 --json status
json_check 'd["clean"]'

# Older revision: git checkout + mlops checkout gives the older bytes.
run 0 git checkout -q HEAD~1
m 0 checkout
check "old bytes back" diff <(sha256sum model.bin data/c1/s1/f1.bin) <(echo "$sha_v1")
check "added file gone" test ! -e data/c2/new.txt
run 0 git checkout -q -
m 0 checkout
check "new file back" test -f data/c2/new.txt

# Errors that change nothing.
m 2 add does-not-exist
has_err "does not exist"
m 2 add data/c1
has_err "inside the tracked directory 'data'"
m 2 add .mlops/config.yaml
echo tracked > in-git.txt && git add in-git.txt
m 2 add in-git.txt
has_err "git already tracks it"
ln -s model.bin alias.bin
m 2 add alias.bin
has_err "symbolic link"
m 2 add data.mlops
has_err "pointer file"
printf 'outs:\n  - path: ../escape\n    hash: sha256:%064d\n    kind: file\n' 0 > bad.mlops
m 2 status
has_err "bad.mlops:2:"
rm bad.mlops

# mv and rm keep pointers and .gitignore in step.
m 2 mv model.bin models/
has_err "no such directory"
mkdir -p models
m 0 mv model.bin models/
check "data moved" test -f models/model.bin
check "new pointer" test -f models/model.bin.mlops
check "old pointer gone" test ! -e model.bin.mlops
check "new gitignore" grep -qx /model.bin models/.gitignore
check "old gitignore entry gone" bash -c '! grep -qx /model.bin .gitignore'
m 0 status --exit-code
echo edit >> models/model.bin
m 1 rm --outs models/model.bin
has_err "not in the cache"
m 0 rm models/model.bin
check "pointer removed" test ! -e models/model.bin.mlops
check "data kept" test -f models/model.bin

# Links: hardlinks into the cache are read-only until unprotected.
m 0 config core.link_type hardlink,copy
head -c 2000000 /dev/urandom > weights.bin
m 0 add weights.bin
check "hardlinked" test "$(stat -c %h weights.bin)" -ge 2
check "read-only" test ! -w weights.bin -o "$(id -u)" = 0
m 0 unprotect weights.bin
check "a copy again" test "$(stat -c %h weights.bin)" = 1
check "writable" test -w weights.bin

# fsck finds corruption in a loose object and in a pack, exits 5, and a
# second add restores the good bytes from the workspace.
m 0 fsck
hash_of() { sed -n 's/.*hash: sha256:\([0-9a-f]*\).*/\1/p' "$1"; }
w=$(hash_of weights.bin.mlops)
loose=.mlops/cache/sha256/${w:0:2}/${w:2}
chmod u+w "$loose" && printf X | dd of="$loose" bs=1 seek=10 conv=notrunc status=none
# A packed object: small.bin's entry, located through the pack index.
small=$(sha256sum data/c2/small.bin | cut -d' ' -f1)
read -r pack offset < <(python3 - "$small" <<'PY'
import sqlite3, sys
db = sqlite3.connect(".mlops/cache/packs/index.sqlite")
row = db.execute("SELECT p.name, o.offset FROM objects o JOIN packs p ON p.id = o.pack WHERE o.hash = ?",
                 (bytes.fromhex(sys.argv[1]),)).fetchone()
print(row[0], row[1])
PY
)
printf Y | dd of=".mlops/cache/packs/$pack" bs=1 seek=$((offset + 41 + 7)) conv=notrunc status=none
m 5 fsck
has_out "corrupt"
check "quarantined" test -n "$(ls .mlops/cache/quarantine)"
m 1 fsck
has_out "missing"
m 0 commit
m 0 add weights.bin
m 0 fsck
rm -f .mlops/cache/packs/index.sqlite*
m 0 --json fsck --repair
json_check 'd["reindexed"] > 0 and d["corrupt"] == []'
m 0 status --exit-code

# What cannot be tracked is refused by name, and nothing is written.
mkdir -p odd/inner && echo x > odd/ok.txt && mkfifo odd/inner/pipe
m 2 add odd
has_err "odd/inner/pipe: not a regular file, directory or symbolic link"
check "no pointer for a refused add" test ! -e odd.mlops
newline_name=$'odd/inner/two\nlines'
rm odd/inner/pipe && echo y > "$newline_name"
m 2 add odd
has_err "file names with a newline cannot be tracked"
check "no pointer after a refused name" test ! -e odd.mlops
rm -rf odd

# Outside a repository.
cd "$T"
m 3 status
m 3 add x

finish
