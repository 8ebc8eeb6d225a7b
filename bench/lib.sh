# shellcheck shell=bash
# Shared functions for the bench/*.sh scenario scripts. Source it; do not run it.
#
# Sourcing has no side effects beyond setting variables, because hyperfine's --prepare
# commands source it again before every timed run to reach reset_repo and friends.
#
# Settings (environment):
#   BENCH_DIR     where data, scratch repos and raw JSON go  (default /tmp/mlops-bench)
#   MLOPS         the mlops binary                           (default build/cli/mlops of this checkout)
#   RUNS/WARMUP   hyperfine runs/warm-ups for commands of a few seconds or less (5/1)
#   SLOW_RUNS/SLOW_WARMUP   the same for commands of 10 s or more (3/0)
#   ONCE_TIMEOUT  cap in seconds for the commands run only once (git-annex on big trees) (900)

BENCH_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$BENCH_SRC/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/mlops-bench}
MLOPS=${MLOPS:-$REPO_ROOT/build/cli/mlops}
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
SLOW_RUNS=${SLOW_RUNS:-3}
SLOW_WARMUP=${SLOW_WARMUP:-0}
ONCE_TIMEOUT=${ONCE_TIMEOUT:-900}
export BENCH_DIR MLOPS

DATA=$BENCH_DIR/data    # generated datasets, read-only by convention
WORK=$BENCH_DIR/work    # scratch repos and copies; the only tree the scripts delete in
RAW=$BENCH_DIR/results  # hyperfine JSON, RSS reports, JSONL records

# Git (and so git-lfs and git-annex) reads only a config file inside BENCH_DIR: the
# user's ~/.gitconfig can neither change the results nor be changed by `git lfs install`.
export GIT_CONFIG_GLOBAL=$BENCH_DIR/gitconfig
export GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@localhost

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
q() { printf '%q' "$1"; }

# Refuse to delete anything that is not below $WORK: a typo in a path must not cost data.
guard() {
  local p
  p=$(realpath -m -- "$1")
  [[ $p == "$(realpath -m -- "$WORK")"/?* ]] || die "refusing to touch $1 (outside $WORK)"
}
# wipe PATH: make room for a new PATH (removed if present, its parent created).
wipe() { guard "$1"; rm -rf -- "$1"; mkdir -p -- "$(dirname -- "$1")"; }

have() { command -v "$1" >/dev/null 2>&1; }

# release DIR: a dataset's scratch repos and copies reach 27 GB for A (push/pull keeps
# repo, clones and remotes of each tool), so they are removed once the dataset's
# measurements are done. BENCH_KEEP_WORK=1 keeps them, and their setups for the next run.
release() { [[ ${BENCH_KEEP_WORK:-0} == 1 ]] || wipe "$1"; }

# True when the mlops binary has the (sub)command, e.g. `mlops_has add`. `--help` alone is
# not proof: the CLI prints its top-level help, and exits 0, for a word it does not know.
mlops_has() {
  [[ -x $MLOPS ]] || return 1
  "$MLOPS" "$@" --help 2>/dev/null | grep -q "^Usage: mlops $*\b"
}

# mlops_missing CMD...: why mlops cannot run these commands, or nothing when it can.
mlops_missing() {
  local c miss=()
  [[ -x $MLOPS ]] || { echo "mlops is not built ($MLOPS missing)"; return; }
  for c in "$@"; do mlops_has "$c" || miss+=("mlops $c"); done
  ((${#miss[@]} == 0)) || echo "${miss[*]} not available yet (no such command in $MLOPS)" | sed 's/ mlops /, mlops /g'
}

# Why a peer cannot run, or nothing when it can. Used as: if r=$(peer_missing git-lfs); ...
peer_missing() {
  # BENCH_SKIP="git-lfs git-annex": leave peers out of a quick run (e.g. on C, where
  # git-lfs needs minutes per command), reported as skipped like a missing tool.
  if [[ " ${BENCH_SKIP:-} " == *" $1 "* ]]; then
    echo "left out of this run (BENCH_SKIP)"
    return
  fi
  case $1 in
    git-lfs) git lfs version >/dev/null 2>&1 || echo "git-lfs is not installed (apt-get install git-lfs)" ;;
    git-annex) git annex version >/dev/null 2>&1 || echo "git-annex is not installed (apt-get install git-annex)" ;;
    rsync) have rsync || echo "rsync is not installed (apt-get install rsync)" ;;
    *) have "$1" || echo "$1 is not installed" ;;
  esac
}

# ---------------------------------------------------------------------------------------
# Scenario bookkeeping

# bench_begin SCENARIO DATASET...: checks the required tools, generates missing datasets,
# and opens the JSONL record file for this run.
bench_begin() {
  SCENARIO=$1
  shift
  local t
  for t in hyperfine python3 git openssl; do have "$t" || die "$t is required"; done
  [[ -x /usr/bin/time ]] || die "/usr/bin/time is required for peak RSS (apt-get install time)"
  [[ $BENCH_DIR == /?* && $BENCH_DIR != / ]] || die "BENCH_DIR must be an absolute path other than /"
  mkdir -p "$DATA" "$WORK" "$RAW"
  [[ -f $GIT_CONFIG_GLOBAL ]] || printf '[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n' >"$GIT_CONFIG_GLOBAL"
  # The clean/smudge filters must be known to clones too, so they go in the (bench-local)
  # global config; repos still get their hooks from `git lfs install --local` below.
  if git lfs version >/dev/null 2>&1 && ! git config --global --get filter.lfs.process >/dev/null; then
    git lfs install --skip-repo >/dev/null
  fi
  local need=() d
  for d in "$@"; do
    [[ $d == D ]] && need+=(B)
    need+=("$d")
  done
  [[ ${#need[@]} -eq 0 ]] || "$BENCH_SRC/gen_data.sh" "$BENCH_DIR" "${need[@]}" >&2
  RUN_ID=$(date +%Y%m%d-%H%M%S)
  JSONL=$RAW/$RUN_ID-$SCENARIO.jsonl
  # Time a private copy of the binary: a build running beside the benchmark may relink
  # $MLOPS mid-run. MLOPS_SOURCE keeps the original path for the report.
  if [[ -x $MLOPS && -z ${MLOPS_SOURCE:-} ]]; then
    export MLOPS_SOURCE=$MLOPS
    mkdir -p "$BENCH_DIR/bin"
    cp "$MLOPS" "$BENCH_DIR/bin/mlops-$RUN_ID"
    MLOPS=$BENCH_DIR/bin/mlops-$RUN_ID
    export MLOPS
  fi
  : >"$JSONL"
  log "scenario $SCENARIO: datasets $*; records in $JSONL"
}

slug() { tr -c 'A-Za-z0-9._-' '_' <<<"$1" | sed 's/_*$//'; }

# bench_run GROUP LABEL KIND PROFILE PREPARE COMMAND
#   KIND     floor | peer | mlops (shown in the table)
#   PROFILE  fast (RUNS/WARMUP) | slow (SLOW_RUNS/SLOW_WARMUP) | once (1 run, ONCE_TIMEOUT cap)
#   PREPARE  shell code run before every run (warm-ups included) to reset state; may call
#            this file's functions, it is run as: source lib.sh && PREPARE. Empty: none.
# Each run is wrapped in /usr/bin/time -v so peak RSS comes from the timed runs themselves;
# the wrapper costs about a millisecond per run, the same for every tool.
bench_run() {
  local group=$1 label=$2 kind=$3 profile=$4 prepare=$5 cmd=$6
  local runs warmup base json rss wrapped shown=$cmd
  case $profile in
    fast) runs=$RUNS warmup=$WARMUP ;;
    slow) runs=$SLOW_RUNS warmup=$SLOW_WARMUP ;;
    once) runs=1 warmup=0 cmd="timeout $ONCE_TIMEOUT bash -c $(q "$cmd")" ;;
    *) die "bad profile $profile" ;;
  esac
  base=$RAW/$RUN_ID-$SCENARIO-$(slug "$group-$label")
  json=$base.json rss=$base.rss
  rm -f "$rss"
  wrapped="/usr/bin/time -v -a -o $(q "$rss") bash -c $(q "$cmd")"
  local args=(--shell=bash --style=basic --runs "$runs" --warmup "$warmup" --export-json "$json" -n "$label")
  [[ -n $prepare ]] && args+=(--prepare "source $(q "$BENCH_SRC/lib.sh") && $prepare")
  log "$group: $label ($runs runs)"
  if hyperfine "${args[@]}" "$wrapped" >&2; then
    python3 "$BENCH_SRC/report.py" result "$JSONL" "$group" "$label" "$kind" "$json" "$rss" "$shown"
  else
    local why="failed (see $rss)"
    [[ $profile == once ]] && grep -q 'non-zero status 124' "$rss" 2>/dev/null && why="capped: did not finish within $ONCE_TIMEOUT s"
    log "$group: $label $why"
    bench_skip "$group" "$label" "$kind" "$why"
  fi
}

bench_skip() {
  log "$1: $2: skipped: $4"
  python3 "$BENCH_SRC/report.py" skip "$JSONL" "$@"
}
# bench_ref GROUP "LABEL[;LABEL]": ratios in the group are against this (the slowest of them)
bench_ref() { python3 "$BENCH_SRC/report.py" ref "$JSONL" "$@"; }
# bench_target GROUP SUBJECT TEXT MAX_RATIO [PLUS_SECONDS]: pass if subject <= ref*ratio+plus
bench_target() { python3 "$BENCH_SRC/report.py" target "$JSONL" "$1" "$2" "$3" "$4" "${5:-0}"; }
# bench_check GROUP TEXT true|false|unknown DETAIL
bench_check() { python3 "$BENCH_SRC/report.py" check "$JSONL" "$@"; }
bench_figure() { python3 "$BENCH_SRC/report.py" figure "$JSONL" "$@"; }
bench_note() { python3 "$BENCH_SRC/report.py" note "$JSONL" "$@"; }

# bench_finish TITLE: renders the tables to stdout and appends them to
# bench/results/<date>-<scenario>.md (one file collects the day's runs; bench/.gitignore
# keeps it out of git, docs/benchmarks.md is where results are committed).
bench_finish() {
  local md=$BENCH_SRC/results/$(date +%F)-$SCENARIO.md tables
  mkdir -p "$BENCH_SRC/results"
  tables=$(python3 "$BENCH_SRC/report.py" render "$JSONL" "$1 — $(date '+%F %H:%M')")
  printf '%s\n\n' "$tables" | tee -a "$md"
  log "appended to $md (raw: $JSONL)"
}

# ---------------------------------------------------------------------------------------
# Workspace helpers (also called from hyperfine --prepare)

# reset_repo DIR SRC KIND [MODE]: DIR becomes a fresh git repo whose data/ holds a copy of
# SRC, initialised for KIND (git | lfs | annex | mlops).
#   MODE fresh: data/ is copied anew (for tools that move, chmod or replace the files they
#               add, like git-annex);
#   MODE keep:  an existing data/ is kept and everything else in DIR is removed (for tools
#               that only read data/, so the reset costs no file creation).
# Ends with sync so the copy's dirty pages are not written back during the timed run.
reset_repo() {
  local dir=$1 src=$2 kind=$3 mode=${4:-fresh}
  guard "$dir"
  if [[ $mode == fresh || ! -d $dir/data ]]; then
    rm -rf -- "$dir"
    mkdir -p "$dir"
    cp -a "$src" "$dir/data"
  else
    find "$dir" -mindepth 1 -maxdepth 1 ! -name data -exec rm -rf -- {} +
  fi
  git -C "$dir" init -q
  case $kind in
    git) ;;
    lfs) git -C "$dir" lfs install --local >/dev/null ;;
    annex) git -C "$dir" annex init -q bench >/dev/null ;;
    mlops) (cd "$dir" && "$MLOPS" -q init >&2) ;; # stdout carries only the tables
    *) die "reset_repo: unknown kind $kind" ;;
  esac
  sync
}

# commit_all DIR: record the repo's current state in git (setup only, never timed).
commit_all() { (cd "$1" && git add -A && git commit -qm "bench: $2" >/dev/null); }

# setup_repo KIND DIR SRC [EXTRA]: DIR becomes a repo of KIND (git | lfs | annex | mlops)
# with SRC added and committed; EXTRA is shell code run in DIR just before the commit.
# Setups are slow (git-annex add of B takes minutes), so a finished one is kept for later
# runs: the marker DIR.ready is written last, and timed commands never change what was
# committed. Delete the marker (or $WORK) to force a new setup.
setup_repo() {
  local kind=$1 dir=$2 src=$3 extra=${4:-}
  [[ -f $dir.ready ]] && return 0
  log "setup: $kind repo of $src in $dir"
  rm -f -- "$dir.ready"
  reset_repo "$dir" "$src" "$kind" fresh
  case $kind in
    lfs) (cd "$dir" && git lfs track 'data/**' >/dev/null) ;;
    annex) (cd "$dir" && git annex add --quiet data) ;;
    mlops) (cd "$dir" && "$MLOPS" -q add data >&2) ;;
  esac
  [[ -z $extra ]] || (cd "$dir" && eval "$extra")
  commit_all "$dir" "data"
  touch "$dir.ready"
}

# D's change lists (paths relative to the dataset root).
d_list() { cat "$DATA/D-changes/$1.txt"; }
d_count() { wc -l <"$DATA/D-changes/$1.txt"; }

# replace_file SRC DST: write a new file and rename it over DST, as many editors do. Never
# writing into DST's inode matters: a tool may hard-link workspace files to its cache.
replace_file() { cp -- "$1" "$2.bench-tmp" && mv -f -- "$2.bench-tmp" "$2"; }

# apply_d TREE: turn a copy of B into D in place: D's changed and added files are written
# (with a new mtime, as an edit gives them) and D's deleted files removed. Only these 600
# files get new inodes, so a stat cache of the tool under test stays valid for the rest.
apply_d() {
  local tree=$1 rel
  guard "$tree"
  while IFS= read -r rel; do replace_file "$DATA/D/$rel" "$tree/$rel"; done < <(d_list changed; d_list added)
  while IFS= read -r rel; do rm -f -- "$tree/$rel"; done < <(d_list deleted)
}

# undo_d TREE: the reverse, back to B's content (the changed files keep new inodes).
undo_d() {
  local tree=$1 rel
  guard "$tree"
  while IFS= read -r rel; do replace_file "$DATA/B/$rel" "$tree/$rel"; done < <(d_list changed; d_list deleted)
  while IFS= read -r rel; do rm -f -- "$tree/$rel"; done < <(d_list added)
}

# retouch_d TREE: give D's changed and added files a new mtime, so that a stat cache filled
# by the previous timed run cannot hide them: every status run sees a fresh edit.
retouch_d() {
  local tree=$1
  guard "$tree"
  (cd "$tree" && { d_list changed; d_list added; } | xargs -d '\n' touch --)
}

# The hashing floors: read and SHA-256 every file under DIR, in one process or two.
hash_cmd() { echo "find $(q "$1") -type f -print0 | xargs -0 -n 2000 openssl dgst -sha256 >/dev/null"; }
hash2_cmd() { echo "find $(q "$1") -type f -print0 | xargs -0 -P2 -n 2000 openssl dgst -sha256 >/dev/null"; }

# Human names of the datasets, for table titles.
ds_name() {
  case $1 in
    A) echo "A (1 × 2 GiB)" ;;
    B) echo "B (20,000 × 16 KiB)" ;;
    C) echo "C (200,000 × 1 KiB)" ;;
    D) echo "D (B + 1% changed, 1% added, 1% deleted)" ;;
  esac
}

# Profile for commands that create or copy every file: seconds on B and C, so fewer runs.
per_file_profile() { [[ $1 == A ]] && echo fast || echo slow; }

# Print the machine facts that go with a set of results (Markdown).
machine_facts() {
  mkdir -p "$BENCH_DIR"
  echo "- date: $(date '+%F %H:%M %Z')"
  echo "- cores (nproc): $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "- SHA extensions (sha_ni): $(grep -qw sha_ni /proc/cpuinfo && echo yes || echo no)"
  echo "- memory (free -h): $(free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}')"
  echo "- kernel (uname -r): $(uname -r)"
  echo "- load average now (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg) — the machine may be shared with builds"
  echo "- bench dir filesystem (df -T $BENCH_DIR): $(df -T "$BENCH_DIR" | awk 'NR==2 {print $2 " on " $1}')"
  echo "- hyperfine: $(hyperfine --version | awk '{print $2}'); git: $(git --version | awk '{print $3}')"
  echo "- git-lfs: $(git lfs version 2>/dev/null | awk '{print $1}' | cut -d/ -f2 || echo none)"
  echo "- git-annex: $(git annex version 2>/dev/null | awk 'NR==1 {print $3}' || echo none)"
  echo "- rsync: $(rsync --version 2>/dev/null | awk 'NR==1 {print $3}' || echo none); openssl: $(openssl version | awk '{print $2}'); coreutils cp: $(cp --version | awk 'NR==1 {print $4}')"
  if [[ -x $MLOPS ]]; then
    echo "- mlops: $("$MLOPS" --version 2>/dev/null), built from the shared work tree (HEAD $(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null), possibly with others' uncommitted changes; ${MLOPS_SOURCE:-$MLOPS}, copied before timing)"
    local cache
    cache=$(dirname "${MLOPS_SOURCE:-$MLOPS}")/../CMakeCache.txt
    [[ -f $cache ]] && echo "- mlops build type: $(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$cache")"
  else
    echo "- mlops: not built ($MLOPS missing)"
  fi
}
