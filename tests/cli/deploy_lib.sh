# Helpers for the deploy suites (file://, ssh://, https://). Source after
# lib.sh, in a repository with a signing key named `default`; set DEV to the
# device root the suite inspects.

# make_version V [BYTES]: model/ holds version V's files (BYTES random bytes
# after a first line naming V), bundled into $T/churn-V.mlbundle; the
# weights are kept in $T/weights-V for comparison.
make_version() {
  mkdir -p model
  printf 'weights of %s\n' "$1" >model/weights.bin
  head -c "${2:-300000}" /dev/urandom >>model/weights.bin
  echo "$1" >model/VERSION
  "$MLOPS" -q bundle create model --name churn --version "$1" -o "$T/churn-$1.mlbundle" >/dev/null || fail "bundle $1"
  cp model/weights.bin "$T/weights-$1"
}

# Everything under $DEV (paths, types, link targets) and churn's status file,
# to compare before and after a refused delivery.
tree_of() { (cd "$DEV" && find . -printf '%p %y %l\n' | sort && cat churn/status.json 2>/dev/null); }

# tamper BUNDLE PART OUT: a copy of BUNDLE with one byte of PART
# (payload.tar.zst, manifest.json or manifest.minisig) flipped, re-packed.
tamper() {
  local x="$T/tamper.$$"
  rm -rf "$x" && mkdir "$x" && tar -xf "$1" -C "$x" || return 1
  local offset
  case $2 in
    payload.tar.zst) offset=2000 ;;
    manifest.json) offset=$(grep -bo weights.bin "$x/manifest.json" | head -1 | cut -d: -f1) ;;
    manifest.minisig) offset=$(($(head -1 "$x/manifest.minisig" | wc -c) + 20)) ;;
  esac
  python3 -c 'import sys; p, o = sys.argv[1], int(sys.argv[2]); b = bytearray(open(p, "rb").read()); b[o] ^= 1; open(p, "wb").write(b)' \
    "$x/$2" "$offset"
  (cd "$x" && tar --format=pax -cf "$3" version manifest.json manifest.minisig payload.tar.zst)
  rm -rf "$x"
}
