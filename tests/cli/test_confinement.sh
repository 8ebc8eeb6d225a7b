#!/usr/bin/env bash
# Confinement (docs/security.md): paths read from pointer files, mlops.lock,
# run-cache entries and the workspace's symlinks never make mlops write, or
# delete, outside the repository or inside .git. Every attack is checked
# against a sentinel directory beside the repository whose full listing
# (names, kinds, modes, link targets, content hashes) must not change.
. "$(dirname "$0")/lib.sh"

S="$T/sentinel"
mkdir -p "$S/dir" "$S/sub"
echo victim > "$S/victim.txt"
echo keep-me > "$S/dir/a.txt"
echo keep-me-too > "$S/dir/b.txt"
echo secret > "$S/secret.txt"

listing() {
  (cd "$S" && find . -printf '%y %m %p -> %l\n' | sort && find . -type f -exec sha256sum {} + | sort)
}
BEFORE=$(listing)
untouched() {  # untouched WHAT: the sentinel's listing is what it was
  if [[ "$(listing)" == "$BEFORE" ]]; then ok; else fail "$1 changed the sentinel: $(diff <(echo "$BEFORE") <(listing))"; fi
}

new_repo "$T/r"
echo payload > payload.txt
chmod +x payload.txt
mkdir -p tree/sub
echo one > tree/sub/one.txt
echo two > tree/two.txt
printf '#!/bin/sh\necho pwned > "%s/hooked"\n' "$T" > tree/post-checkout
chmod +x tree/post-checkout
m 0 add payload.txt tree
FILE_HASH=$(sed -n 's/^ *hash: //p' payload.txt.mlops)
DIR_HASH=$(sed -n 's/^ *hash: //p' tree.mlops)
run 0 git add -A
run 0 git commit -qm data

# lock_with PATH KIND HASH [CMD]: an mlops.lock whose one stage out is PATH.
lock_with() {
  cat > mlops.lock <<EOF
schema: mlops-lock 1
stages:
  evil:
    cmd: ${4:-true}
    outs:
      - path: $1
        hash: $3
        kind: $2
        size: 8
EOF
}

# --- mlops.lock outs (item 8): both readers, file and dir, with and without --force.
for cmd in "true" "true # sends the lock through the general reader"; do
  for path in ../sentinel/lock_out.txt "$S/abs.txt" ../sentinel/victim.txt; do
    lock_with "$path" file "$FILE_HASH" "$cmd"
    m 2 checkout
    has_err "mlops.lock"
    has_err "unsafe path"
    m 2 checkout --force
    untouched "lock out '$path' ($cmd)"
  done
  lock_with ../sentinel/dir dir "$DIR_HASH" "$cmd"
  m 2 checkout --force
  untouched "kind: dir lock out ($cmd)"
  lock_with .git/hooks dir "$DIR_HASH" "$cmd"
  m 2 checkout --force
  check "no hook from a lock out ($cmd)" test ! -e .git/hooks/post-checkout
done
lock_with ../sentinel/victim.txt file "$FILE_HASH"
m 2 status
m 2 pull
has_err "unsafe path '../sentinel/victim.txt'"
untouched "status and pull with a hostile lock"
rm mlops.lock

# --- pointer files (items 9, 25): .git anywhere, newline, NUL, absolute, '..'.
pointer_with() {  # pointer_with FILE PATH KIND HASH
  printf 'outs:\n  - path: %s\n    hash: %s\n    kind: %s\n' "$2" "$4" "$3" > "$1"
}
pointer_with hooks.mlops .git/hooks dir "$DIR_HASH"
m 2 checkout
has_err "hooks.mlops"
has_err "'.git'"
check "no hook installed" test ! -e .git/hooks/post-checkout
mkdir -p nested
pointer_with nested/x.mlops sub/.GIT/hooks dir "$DIR_HASH"
m 2 checkout --force
check "no nested .git written" test ! -e nested/sub
rm -r nested hooks.mlops
for bad in '"a\nb"' '"a\0b"' '"a\rb"' "$S/abs" ../sentinel/victim.txt 'x/../../sentinel/victim.txt' '.mlops/config.yaml'; do
  pointer_with p.mlops "$bad" file "$FILE_HASH"
  m 2 checkout --force
  has_err "p.mlops:2:"
  has_err "unsafe path"
  check "nothing created from pointer path $bad" bash -c '[ "$(ls -A | grep -c "^a")" = 0 ]'
done
rm p.mlops
untouched "hostile pointer paths"

# --- symlinks in the workspace (items 10, 11).
ln -s "$S" outlink
ln -s tree/sub inlink
run 0 git add outlink inlink
run 0 git commit -qm links
m 2 add outlink/secret.txt
has_err "symbolic link"
check "no pointer outside" test ! -e "$S/secret.txt.mlops"
check "no .gitignore outside" test ! -e "$S/.gitignore"
check "the outside file was not read into the cache" bash -c \
  "! grep -rqa secret .mlops/cache"
untouched "add through a symlink"

pointer_with pwned.mlops outlink/pwned file "$FILE_HASH"
m 2 checkout
has_err "outlink"
has_err "symbolic link"
pointer_with pwned.mlops outlink/victim.txt file "$FILE_HASH"
m 2 checkout --force
pointer_with pwned.mlops outlink/dir dir "$DIR_HASH"
m 2 checkout --force
untouched "checkout through a symlink to outside"
# A symlink pointing inside the repository is refused for writes too.
pointer_with pwned.mlops inlink/new.txt file "$FILE_HASH"
m 2 checkout
check "nothing written through an inside link" test ! -e tree/sub/new.txt
rm pwned.mlops

# A tracked directory holding a symlink, and a second out below that link.
mkdir -p linked
ln -s "$S" linked/out
m 0 add linked
rm -rf linked
pointer_with second.mlops linked/out/victim.txt file "$FILE_HASH"
m 2 checkout --force
check "the tracked symlink itself is restored" test -L linked/out
untouched "an out below a tracked symlink"
rm second.mlops

# --- the run cache (item 7): a crafted entry is refused on read.
rm -f outlink inlink
run 0 git rm -q --cached outlink inlink
cat > mlops.yaml <<'YAML'
stages:
  make:
    cmd: cp payload.txt made.txt
    deps: [payload.txt]
    outs: [made.txt]
YAML
m 0 repro
entry=$(find .mlops/cache/runs -type f)
check "one run-cache entry" test "$(echo "$entry" | wc -l)" = 1
cp "$entry" "$T/entry.good"
for path in ../sentinel/victim.txt "$S/victim.txt" .git/hooks/post-checkout; do
  sed "s|\"made.txt\"|\"$path\"|" "$T/entry.good" > "$entry"
  rm -f made.txt
  m 5 repro
  has_err "unsafe"
  has_err "$entry"
  untouched "run-cache entry naming $path"
done
check "no hook from the run cache" test ! -e .git/hooks/post-checkout
# A path inside the repository that is not one of the stage's outs.
echo precious > precious.txt
sed 's|"made.txt"|"precious.txt"|' "$T/entry.good" > "$entry"
m 5 repro
has_err "not one of its outs"
check "precious.txt untouched" test "$(cat precious.txt)" = precious
cp "$T/entry.good" "$entry"
m 0 repro
check "a good entry still restores" test -f made.txt

# The same entry from a shared remote, in someone else's clone.
m 0 remote add -d store "$T/remote"
run 0 git add -A
run 0 git commit -qm pipeline
m 0 push
remote_entry=$(find "$T/remote/runs" -type f)
sed 's|"made.txt"|"../sentinel/victim.txt"|' "$T/entry.good" > "$remote_entry"
run 0 git clone -q "$T/r" "$T/clone"
cd "$T/clone"
m 0 pull
rm -f made.txt
m 5 repro
has_err "unsafe"
check "the crafted entry was not kept" bash -c '[ -z "$(find .mlops/cache/runs -type f 2>/dev/null)" ]'
untouched "a crafted run-cache entry on a shared remote"

# --- names that cannot round-trip (item 25).
cd "$T/r"
printf 'x' > $'CRLF\r'
m 2 add $'CRLF\r'
has_err "control character"
has_err "'CRLF\\r'"

untouched "the whole suite"
finish
