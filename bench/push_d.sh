#!/usr/bin/env bash
# Scenario "push after D's changes": a repo of B was pushed to a local-directory remote,
# then D's changes were added (1% of files changed, 1% added, 1% deleted); time the next
# `mlops push`, which must move only the changed objects, in one listing round plus a
# few pack uploads. Reference: `rsync -a --delete` of D onto a copy of B (rsync, too,
# sends only what changed). After the timed runs one `mlops push --json` is checked:
# objects moved = D's changed and added files + one manifest per directory (every
# directory of D has a changed file), and how many uploads carried them.
#
# Usage: bench/push_d.sh        (dataset D, on B)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_begin push_d D
w=$WORK/push_d
g="push after D's changes (on B), local-directory remote"
mkdir -p "$w"

# rsync: a copy of B on the "remote" side; each run's prepare puts B's content back.
if [[ ! -f $w/rsync-dst.ready ]]; then
  wipe "$w/rsync-dst"
  cp -a "$DATA/B" "$w/rsync-dst"
  touch "$w/rsync-dst.ready"
fi
if r=$(peer_missing rsync) && [[ -z $r ]]; then
  bench_run "$g" "rsync -a --delete of D onto B" floor fast "undo_d $(q "$w/rsync-dst")" \
    "rsync -a --delete $(q "$DATA/D/") $(q "$w/rsync-dst/")"
  bench_ref "$g" "rsync -a --delete of D onto B"
else
  bench_skip "$g" "rsync -a --delete of D onto B" floor "$r"
fi

if r=$(mlops_missing add push) && [[ -z $r ]]; then
  # Setup (kept): B added, committed and pushed; the remote's file list saved; then D
  # applied and added. The prepare removes what a timed push added to the remote.
  if [[ ! -f $w/mlops.ready ]]; then
    setup_repo mlops "$w/mlops" "$DATA/B" "mkdir -p $(q "$w/remote") && $(q "$MLOPS") -q remote add -d bench $(q "$w/remote")"
    rm -f "$w/mlops.ready"
    wipe "$w/remote"
    mkdir -p "$w/remote"
    (cd "$w/mlops" && "$MLOPS" -q push)
    (cd "$w/remote" && find . -type f | sort) >"$w/remote-B.txt"
    apply_d "$w/mlops/data"
    (cd "$w/mlops" && "$MLOPS" -q add data)
    touch "$w/mlops.ready"
  fi
  reset_remote="cd $(q "$w/remote") && find . -type f | sort | comm -23 - $(q "$w/remote-B.txt") | xargs -r -d '\\n' rm -f --"
  bench_run "$g" "mlops push" mlops fast "$reset_remote" "cd $(q "$w/mlops") && $(q "$MLOPS") -q push"

  (bash -c "$reset_remote")
  out=$w/push.json
  (cd "$w/mlops" && "$MLOPS" --json push >"$out")
  objects=$(python3 "$BENCH_SRC/report.py" json-get "$out" objects 2>/dev/null || true)
  packs=$(python3 "$BENCH_SRC/report.py" json-get "$out" packs 2>/dev/null || true)
  bytes=$(python3 "$BENCH_SRC/report.py" json-get "$out" bytes 2>/dev/null || true)
  dirs=$(find "$DATA/D" -type d | wc -l)
  want=$(($(d_count changed) + $(d_count added) + dirs))
  text="moves only the changed objects ($(d_count changed) changed + $(d_count added) added files + $dirs manifests = $want)"
  detail="objects=${objects:-?}, uploads=${packs:-?} pack(s), bytes=${bytes:-?}"
  if [[ -z $objects ]]; then
    bench_check "$g" "$text" unknown "no counters in \`mlops push --json\`"
  elif ((objects == want)); then
    bench_check "$g" "$text" true "$detail"
  else
    bench_check "$g" "$text" false "$detail"
  fi
else
  bench_skip "$g" "mlops push" mlops "$r"
fi
bench_finish "push_d"
