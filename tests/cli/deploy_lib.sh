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

# delivery_cases TARGET: what every transport must do, against TARGET whose
# root is $DEV: v1 activated byte for byte, v2 with v1 as previous, the same
# version again a no-op, rollback, status. Leaves current 1, previous 2.
delivery_cases() {
  local t=$1 before
  make_version 1
  m 0 deploy "$T/churn-1.mlbundle" --to "$t"
  has_out "$t	churn 1	activated	current 1, previous none"
  check "$t: v1 bytes" cmp -s "$DEV/churn/current/weights.bin" "$T/weights-1"
  check "$t: no upload left" test -z "$(ls -A "$DEV/.incoming" 2>/dev/null)"
  make_version 2
  m 0 --json deploy "$T/churn-2.mlbundle" --to "$t"
  json_check 'd["targets"][0]["outcome"] == "activated" and d["targets"][0]["previous"] == "1"'
  check "$t: current -> 2" test "$(readlink "$DEV/churn/current")" = 2
  before=$(tree_of)
  m 0 --json deploy "$T/churn-2.mlbundle" --to "$t"
  json_check 'd["targets"][0]["outcome"] == "unchanged"'
  check "$t: the no-op changed nothing" test "$before" = "$(tree_of)"
  m 0 deploy rollback churn --to "$t"
  has_out "current 1, previous 2"
  m 0 --json deploy status --to "$t"
  json_check 'd["targets"][0]["models"][0]["current"] == "1" and d["targets"][0]["models"][0]["history"][-1]["event"] == "rollback"'
}
