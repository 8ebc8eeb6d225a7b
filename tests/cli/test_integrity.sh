#!/usr/bin/env bash
# Integrity on every read: a damaged object in the cache never leaves it.
# checkout, push, bundle create and model get refuse a corrupt loose object
# (exit 5, naming it and where it was going) and write nothing wrong; push
# never sends a damaged pack; fsck finds damaged packs and pack-index rows and
# --repair keeps every intact object; a damaged pack index rebuilds itself;
# corruption found on a remote is exit 5.
. "$(dirname "$0")/lib.sh"

hash_of() { sha256sum "$1" | cut -d' ' -f1; }
loose_of() { local h; h=$(hash_of "$1"); echo ".mlops/cache/sha256/${h:0:2}/${h:2}"; }
# flip FILE OFFSET: inverts one byte in place, as a stray write would.
flip() {
  local byte
  byte=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  chmod u+w "$1"
  printf "$(printf '\\%03o' $((255 - byte)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
  chmod a-w "$1"
}
only_pack() { ls .mlops/cache/packs/*.pack; }
no_temp_files() { check "no temp files in $1" test -z "$(find "$1" -name '*mlops-tmp*' -o -name '*.mlops-new')"; }

# --- a corrupt loose object: checkout refuses it, whatever the link type
new_repo "$T/r"
head -c 3000000 /dev/urandom > big.bin
cp big.bin "$T/big.orig"
m 0 add big.bin
run 0 git add -A && run 0 git commit -qm data
OBJ=$(loose_of big.bin)
rm big.bin
m 0 checkout
check "an intact object checks out" cmp -s big.bin "$T/big.orig"
rm big.bin
flip "$OBJ" 1000000
m 5 checkout
has_err "$(hash_of "$T/big.orig" | cut -c1-12)"
has_err "big.bin"
has_err "corrupt"
check "nothing written to the workspace" test ! -e big.bin
no_temp_files .
check "the object is quarantined" test -e ".mlops/cache/quarantine/$(hash_of "$T/big.orig")"
check "and gone from its place" test ! -e "$OBJ"
cp "$T/big.orig" big.bin && m 0 add big.bin
m 0 fsck

for type in hardlink symlink copy; do
  m 0 config core.link_type "$type"
  rm -f big.bin
  flip "$OBJ" 2000000
  m 5 checkout
  has_err "big.bin"
  check "$type: nothing written" test ! -e big.bin -a ! -L big.bin
  cp "$T/big.orig" big.bin && m 0 add big.bin
done
m 0 config core.link_type reflink,copy

# Replacing a different workspace file: the old file stays, no temp is left.
rm -f big.bin
echo "an older version" > big.bin
flip "$OBJ" 5
m 5 checkout --force
check "the old file is left as it was" grep -qx "an older version" big.bin
no_temp_files .
cp "$T/big.orig" big.bin && m 0 add big.bin

# A repeated checkout of an unchanged object does not need it re-read, but a
# write after the first check is still seen (it moves the file's ctime).
rm big.bin && m 0 checkout && rm big.bin
flip "$OBJ" 7
m 5 checkout
check "nothing written after a late flip" test ! -e big.bin
cp "$T/big.orig" big.bin && m 0 add big.bin

# --- push: a corrupt loose object is not sent, and the remote stays clean
m 0 remote add -d store "$T/remote"
flip "$OBJ" 1234
m 5 push
has_err "$(hash_of "$T/big.orig" | cut -c1-12)"
check "nothing of it on the remote" test -z "$(find "$T/remote" -path '*sha256*' -type f 2>/dev/null)"
m 0 add big.bin
m 0 push
check "the good bytes reach the remote" cmp -s "$T/remote/$(loose_of big.bin | sed 's|^.mlops/cache/||')" "$T/big.orig"

# --- bundle create: a corrupt loose object is not bundled (nor signed)
m 0 keys generate
flip "$OBJ" 99
m 5 bundle create big.bin --version 1 -o "$T/big.mlbundle"
has_err "big.bin"
check "no bundle written" test ! -e "$T/big.mlbundle"
check "no temp file beside it" test -z "$(ls -A "$T" | grep -i bundle)"
rm -f big.bin && cp "$T/big.orig" big.bin && m 0 add big.bin
m 0 bundle create big.bin --version 1 -o "$T/big.mlbundle"

# --- model get: a corrupt loose object is not exported
run 0 git add -A && run 0 git commit -qm again
m 0 model register big --path big.bin
flip "$OBJ" 4321
m 5 model get big -o "$T/got.bin"
has_err "$(hash_of "$T/big.orig" | cut -c1-12)"
check "nothing exported" test ! -e "$T/got.bin"
check "no staging left" test -z "$(ls -A "$T" | grep mlops-tmp)"
rm -f big.bin && cp "$T/big.orig" big.bin && m 0 add big.bin
m 0 model get big -o "$T/got.bin"
check "the good bytes exported" cmp -s "$T/got.bin" "$T/big.orig"

# --- fsck names the workspace files that share a corrupt object
m 0 config core.link_type hardlink
rm big.bin && m 0 checkout
flip big.bin 10  # a root process writing through the hardlink
m 5 fsck
has_out "big.bin is a hardlink to corrupt object"
m 0 config core.link_type reflink,copy
rm -f big.bin && cp "$T/big.orig" big.bin && m 0 add big.bin

# --- packs: push never sends a pack with a damaged entry
new_repo "$T/p"
mkdir small && for i in $(seq 1 40); do head -c 3000 /dev/urandom > "small/f$i"; done
cp -r small "$T/small.orig"
m 0 add small
run 0 git add -A && run 0 git commit -qm small
m 0 remote add -d store "$T/premote"
PACK=$(only_pack)
flip "$PACK" 500  # inside the first entry's payload
m 5 push
has_err "corrupt"
check "no pack on the remote" test -z "$(find "$T/premote" -name '*.pack' 2>/dev/null)"

# fsck quarantines the entry; --repair rewrites the pack's intact entries.
m 5 fsck
has_err "fsck --repair"
m 1 fsck --repair  # the object that entry held is missing now; the rest is kept
has_out "repaired"
check "the damaged pack is quarantined" test -n "$(ls .mlops/cache/quarantine/*.pack)"
m 1 --json fsck
json_check 'd["corrupt"] == [] and d["damaged_packs"] == [] and len(d["missing"]) == 1 and d["objects"] == 40'

# --- a flipped pack magic: fsck finds it, --repair loses nothing
new_repo "$T/m"
mkdir small && for i in $(seq 1 51); do head -c 2000 /dev/urandom > "small/f$i"; done
cp -r small "$T/magic.orig"
m 0 add small
run 0 git add -A && run 0 git commit -qm small
flip "$(only_pack)" 0
m 5 fsck
has_out "bad magic"
has_err "fsck --repair"
m 0 fsck --repair
has_out "repaired"
m 0 fsck
rm -rf small && m 0 checkout
check "all 51 objects intact after repair" diff -r small "$T/magic.orig"

# --- a damaged pack-index row (length 1e15, offset -100): a clear error, then repair
new_repo "$T/i"
mkdir small && for i in 1 2 3; do echo "object $i" > "small/f$i"; done
m 0 add small
run 0 git add -A && run 0 git commit -qm small
python3 - <<'EOF'
import sqlite3
db = sqlite3.connect(".mlops/cache/packs/index.sqlite")
rows = db.execute("SELECT hash FROM objects ORDER BY hash").fetchall()
db.execute("UPDATE objects SET length=1000000000000000 WHERE hash=?", rows[0])
db.execute("UPDATE objects SET offset=-100 WHERE hash=?", rows[1])
db.commit()
EOF
m 5 fsck
has_err "fsck --repair"
no_err "internal error"
no_err "bad_alloc"
m 0 fsck --repair
m 0 fsck
rm -rf small && m 0 checkout
check "every object back" test "$(cat small/f1 small/f2 small/f3 | wc -l)" = 3

# --- a damaged page deep in the pack index: rebuilt from the packs by itself
new_repo "$T/q"
mkdir small && for i in $(seq 1 3000); do echo "object $i" > "small/f$i"; done
m 0 add small
run 0 git add -A && run 0 git commit -qm small
python3 - <<'EOF'
import sqlite3
db = sqlite3.connect(".mlops/cache/packs/index.sqlite")
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
db.close()
EOF
IDX=.mlops/cache/packs/index.sqlite
check "index has several pages" test "$(stat -c %s $IDX)" -gt 65536
dd if=/dev/urandom of=$IDX bs=4096 seek=5 count=4 conv=notrunc status=none
rm -rf small
m 0 checkout
check "every file checked out" test "$(ls small | wc -l)" = 3000
no_err "malformed"
m 0 fsck

# --- remote corruption is exit 5
new_repo "$T/s"
mkdir small && for i in $(seq 1 20); do head -c 3000 /dev/urandom > "small/f$i"; done
m 0 add small/*  # one pointer per file, all in one pack
run 0 git add -A && run 0 git commit -qm small
m 0 remote add -d store "$T/sremote"
m 0 push
# The remote pack of the files, and the file stored last in it: cut off, it
# is fetched by a byte range when pulled alone.
read -r RIDX LAST_AT LAST_HASH < <(python3 - "$T"/sremote/packs/*.idx <<'EOF'
import sys
def entries(path):
    d = open(path, "rb").read()
    return [(int.from_bytes(d[20 + 48 * i + 32:20 + 48 * i + 40], "little"), d[20 + 48 * i:20 + 48 * i + 32].hex())
            for i in range(int.from_bytes(d[12:20], "little"))]
path = max(sys.argv[1:], key=lambda p: len(entries(p)))  # run records travel in packs of their own
offset, h = max(entries(path))
print(path, offset, h)
EOF
)
RPACK=${RIDX%.idx}.pack
LAST=""
for f in small/f*; do [[ $(hash_of "$f") == "$LAST_HASH" ]] && LAST=$f; done
check "the last entry is a file" test -n "$LAST"
cp "$RPACK" "$T/pack.good"
cp "$RIDX" "$T/idx.good"
drop_data() { rm -f small/f? small/f??; }  # the pointers (small/f1.mlops, ...) stay
repull() { rm -rf .mlops/cache .mlops/tmp/remotes && drop_data; }
# A truncated pack, fetched by a byte range for one file, or whole.
repull
m 0 pull  # the remote's index is now cached locally
chmod u+w "$RPACK" && truncate -s $((LAST_AT + 20)) "$RPACK"
rm -rf .mlops/cache && drop_data
m 5 pull "$LAST"
has_err "$(basename "$RPACK" .pack | cut -c1-12)"
check "nothing written" test ! -e "$LAST"
repull
m 5 pull
has_err "$(basename "$RPACK" .pack | cut -c1-12)"
cp -f "$T/pack.good" "$RPACK"
# Four corrupted bytes in the remote's index, in an entry's hash and in its length.
for at in 40 60; do
  cp "$T/idx.good" "$RIDX" && chmod u+w "$RIDX"
  printf '\xde\xad\xbe\xef' | dd of="$RIDX" bs=1 seek=$at conv=notrunc status=none
  repull
  m 5 pull
  has_err ".idx"
done
cp -f "$T/idx.good" "$RIDX"
repull
m 0 pull

finish
