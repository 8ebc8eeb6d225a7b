// The POSIX-shell program of ssh_fallback.hpp, verbatim as it runs on a
// device without mlops, so an operator can read exactly what it does there.
// It is run as `sh -c SCRIPT mlops-fallback ACTION ARGS...`; ROOT is the
// target's device root, an absolute path.
//
//   state ROOT [NAME]
//     For NAME, or every model directory under ROOT with a status file or a
//     current link, prints:
//       @@model NAME
//       @@fingerprint CURRENT|PREVIOUS|SHA256-OF-status.json-or-none
//       @@current VERSION-or-empty
//       @@previous VERSION-or-empty
//       @@dir VERSION            one per version directory, newest first
//       @@status                 then status.json verbatim, when it exists
//       @@end
//     or, for a NAME that has no directory, `@@missing NAME`.
//   deliver ROOT NAME VERSION FINGERPRINT UPLOAD ACTIVATE KIND CHECK TIMEOUT
//           STATUS_OK STATUS_FAILED PRUNE_OK PRUNE_FAILED
//     UPLOAD: the uploaded plain tar of the payload (empty: VERSION is
//     installed already); stdin then holds its `sha256sum -c` list. ACTIVATE:
//     1 or 0. KIND: none, cmd or url, with CHECK and TIMEOUT (seconds).
//     STATUS_*: the status.json to write when the check passes (or none ran)
//     or fails ("@DETAIL@" is replaced by why it failed); PRUNE_*: the
//     versions to remove then. Prints @@outcome activated|installed|
//     rolled-back, @@detail TEXT when the check failed, then @@output and the
//     tail of the check's output. Uploads in ROOT/.incoming older than a day
//     are removed first.
//   rollback ROOT NAME FINGERPRINT STATUS
//     Swaps current and previous and writes STATUS.
//
// Exit status: 0 done, 1 failed, 2 no such root or model, 5 the unpacked
// files do not match their hashes. FINGERPRINT is what `state` printed:
// when the model changed since, nothing is done (exit 1).
#include "ssh_fallback.hpp"

namespace mlops {

const char* const kFallbackScript = R"SH(set -eu
umask 022
code=1
hdetail=
die() { echo "$*" >&2; exit "$code"; }

fingerprint() {
  sum=none
  if [ -f status.json ]; then sum=$(sha256sum <status.json | cut -d' ' -f1); fi
  printf '%s|%s|%s' "$(readlink current 2>/dev/null || :)" "$(readlink previous 2>/dev/null || :)" "$sum"
}

# One delivery per model at a time, on the lock file DeviceRoot flocks too.
lock() {
  exec 9>>.lock
  if command -v flock >/dev/null 2>&1; then
    flock -w 60 9 || die "$name on $root is locked by another delivery"
  fi
  [ "$(fingerprint)" = "$expect" ] || die "$name on $root changed while this was prepared; run it again"
}

# A new symlink renamed over the old one: readers see the old or the new
# target, never no link. Without mv -T (old BusyBox) the name is freed first.
link() {
  rm -f ".$1.tmp"
  ln -s "$2" ".$1.tmp"
  mv -f -T ".$1.tmp" "$1" 2>/dev/null || { rm -f "$1" && mv -f ".$1.tmp" "$1"; }
}
relink() { if [ -n "$2" ]; then link "$1" "$2"; else rm -f "$1"; fi; }

write_status() {
  printf '%s\n' "$1" | sed "s/@DETAIL@/$hdetail/" >.status.json.tmp
  sync
  mv -f .status.json.tmp status.json
}

state_of() {
  echo "@@model $1"
  echo "@@fingerprint $(fingerprint)"
  echo "@@current $(readlink current 2>/dev/null || :)"
  echo "@@previous $(readlink previous 2>/dev/null || :)"
  ls -1t | while IFS= read -r d; do
    case $d in .* | *.partial) continue ;; esac
    if [ -d "$d" ] && [ ! -L "$d" ]; then echo "@@dir $d"; fi
  done
  if [ -f status.json ]; then
    echo @@status
    cat status.json
    echo
  fi
  echo @@end
}

state() {
  root=$1
  cd "$root" 2>/dev/null || { code=2; die "device root $root is not a directory"; }
  if [ $# -gt 1 ]; then
    if [ -d "$2" ]; then (cd "$2" && state_of "$2"); else echo "@@missing $2"; fi
    return
  fi
  for m in *; do
    if [ -d "$m" ] && { [ -f "$m/status.json" ] || [ -L "$m/current" ]; }; then (cd "$m" && state_of "$m"); fi
  done
}

# Runs the check in the background with a watchdog that kills it after
# TIMEOUT seconds; sets hdetail and fails when it is not healthy. Neither
# job keeps fd 9, the model's lock: nothing that outlives this delivery may
# hold up the next one. With setsid the check is a process group of its own,
# killed whole; the watchdog's sleep dies with the watchdog (its TERM trap).
healthy() {
  out=$model/.health.out
  rm -f "$out" "$out.code" "$out.timeout"
  group=
  if command -v setsid >/dev/null 2>&1; then group=setsid; fi
  case $kind in
    cmd)
      (cd "$model/$version" && export MLOPS_MODEL_NAME="$name" MLOPS_MODEL_VERSION="$version" \
        MLOPS_MODEL_DIR="$model/$version" && exec $group sh -c "$check") </dev/null >"$out" 2>&1 9>&- &
      ;;
    url)
      if command -v curl >/dev/null 2>&1; then
        curl -sS -o /dev/null -w '%{http_code}' -m "$timeout" "$check" </dev/null >"$out.code" 2>"$out" 9>&- &
      else
        wget -q -T "$timeout" -O /dev/null "$check" </dev/null >"$out" 2>&1 9>&- &
      fi
      ;;
  esac
  hp=$!
  (
    sp=
    trap 'kill "$sp" 2>/dev/null; exit 0' TERM
    sleep "$timeout" &
    sp=$!
    wait "$sp" && : >"$out.timeout" && { kill -9 -"$hp" 2>/dev/null || kill -9 "$hp"; }
  ) </dev/null >/dev/null 2>&1 9>&- &
  wp=$!
  rc=0
  wait "$hp" || rc=$?
  kill "$wp" 2>/dev/null || :
  wait "$wp" || :
  if [ -e "$out.timeout" ]; then
    hdetail="timed out after $timeout s"
  elif [ "$kind" = url ] && [ -f "$out.code" ]; then
    http=$(cat "$out.code")
    case $rc:$http in
      0:2??) return 0 ;;
      0:*) hdetail="answered HTTP $http" ;;
      *) hdetail="curl exit status $rc" ;;
    esac
  elif [ "$rc" = 0 ]; then
    return 0
  elif [ "$kind" = url ]; then
    hdetail="wget exit status $rc"
  elif [ "$rc" -gt 128 ]; then
    hdetail="killed by signal $((rc - 128))"
  else
    hdetail="exit status $rc"
  fi
  return 1
}

deliver() {
  root=$1 name=$2 version=$3 expect=$4 upload=$5 activate=$6 kind=$7 check=$8 timeout=$9
  shift 9
  model=$root/$name
  partial=$model/$version.partial
  sums=$root/.incoming/$name-$version.sha256
  trap 'rm -rf "$partial"; rm -f "$sums" "$model/.check.out" "$model/.health.out"*; [ -z "$upload" ] || rm -f "$upload"' EXIT
  # Uploads nobody activated for a day are left by deploys that never
  # finished; an upload being written is younger.
  find "$root/.incoming" -type f -mmin +1440 -exec rm -f {} + 2>/dev/null || :
  mkdir -p "$model"
  cd "$model"
  model=$(pwd)
  lock
  if [ -n "$upload" ]; then
    cat >"$sums"
    [ ! -e "$version" ] || die "$version of $name is already on $root"
    rm -rf "$partial"
    mkdir "$partial"
    tar -xf "$upload" -C "$partial" || die "cannot unpack $upload into $partial"
    if ! (cd "$partial" && sha256sum -c "$sums") >"$model/.check.out" 2>&1; then
      code=5
      die "$name $version: a file does not match the manifest: $(grep -v ': OK$' "$model/.check.out" | head -n 1)"
    fi
    files=$(find "$partial" -type f | wc -l)
    [ $((files)) -eq $(($(wc -l <"$sums"))) ] || { code=5; die "$name $version: the upload holds files the manifest does not list"; }
    sync
    mv "$partial" "$version"
  fi
  old_current=$(readlink current 2>/dev/null || :)
  old_previous=$(readlink previous 2>/dev/null || :)
  outcome=installed
  prune=$3
  if [ "$activate" = 1 ]; then
    if [ -n "$old_current" ]; then link previous "$old_current"; fi
    link current "$version"
    outcome=activated
  fi
  write_status "$1"
  if [ "$activate" = 1 ] && [ "$kind" != none ] && ! healthy; then
    relink current "$old_current"
    relink previous "$old_previous"
    write_status "$2"
    prune=$4
    outcome=rolled-back
  fi
  for v in $prune; do rm -rf "./$v"; done
  sync
  echo "@@outcome $outcome"
  if [ -n "$hdetail" ]; then echo "@@detail $hdetail"; fi
  echo "@@output"
  if [ -f "$model/.health.out" ]; then tail -c 4096 "$model/.health.out"; fi
}

rollback() {
  root=$1 name=$2 expect=$3
  cd "$root/$name" 2>/dev/null || { code=2; die "no model '$name' on $root"; }
  lock
  to=$(readlink previous 2>/dev/null || :)
  from=$(readlink current 2>/dev/null || :)
  [ -n "$to" ] || die "$name on $root has no previous version to roll back to"
  [ -d "$to" ] || die "the previous version $to of $name is missing from $root/$name"
  link current "$to"
  relink previous "$from"
  write_status "$4"
}

action=$1
shift
case $action in
  state | deliver | rollback) "$action" "$@" ;;
  *) die "mlops-fallback: unknown action $action" ;;
esac
)SH";

}  // namespace mlops
