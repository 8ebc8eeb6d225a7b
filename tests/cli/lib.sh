# Shared helpers for the black-box CLI suites. Each suite sources this file,
# runs the built binary ($MLOPS) in a private temp directory with its own HOME
# and config files, and ends with `finish`, which prints "N passed, M failed".
set -uo pipefail

: "${MLOPS:?set MLOPS to the mlops binary (ctest does)}"
T=$(mktemp -d "${TMPDIR:-/tmp}/mlops-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config" MLOPS_SYSTEM_CONFIG="$T/etc/config.yaml"
mkdir -p "$HOME"
unset GITHUB_ACTIONS NO_COLOR CLICOLOR_FORCE FORCE_COLOR
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.com GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.com
export GIT_CONFIG_NOSYSTEM=1
git config --global init.defaultBranch main

PASSED=0
FAILED=0
OUT="$T/stdout"
ERR="$T/stderr"

ok() { PASSED=$((PASSED + 1)); }
fail() {
  FAILED=$((FAILED + 1))
  echo "FAIL: $*" >&2
  echo "  --- stdout:" >&2; sed 's/^/  /' "$OUT" >&2 2>/dev/null
  echo "  --- stderr:" >&2; sed 's/^/  /' "$ERR" >&2 2>/dev/null
}

# run EXPECTED_EXIT CMD...: runs CMD, keeps stdout/stderr in $OUT/$ERR.
run() {
  local want=$1
  shift
  "$@" >"$OUT" 2>"$ERR"
  local got=$?
  if [[ $got == "$want" ]]; then ok; else fail "'$*' exited $got, expected $want"; fi
}

# mlops EXPECTED_EXIT ARGS...
m() {
  local want=$1
  shift
  run "$want" "$MLOPS" "$@"
}

has_out() { if grep -qF -- "$1" "$OUT"; then ok; else fail "stdout lacks '$1'"; fi; }
has_err() { if grep -qF -- "$1" "$ERR"; then ok; else fail "stderr lacks '$1'"; fi; }
no_out() { if grep -qF -- "$1" "$OUT"; then fail "stdout has '$1'"; else ok; fi; }
no_err() { if grep -qF -- "$1" "$ERR"; then fail "stderr has '$1'"; else ok; fi; }
empty_err() { if [[ -s "$ERR" ]]; then fail "stderr is not empty"; else ok; fi; }
check() {  # check DESCRIPTION CMD...: passes when CMD succeeds
  local what=$1
  shift
  if "$@"; then ok; else fail "$what"; fi
}

# json_check 'PYTHON EXPRESSION over d': stdout must be one JSON document satisfying it.
json_check() {
  if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$OUT" "$1" 2>>"$ERR"; then
    ok
  else
    fail "JSON check failed: $1"
  fi
}

# new_repo DIR: a git repository with mlops initialised, as cwd.
new_repo() {
  mkdir -p "$1" && cd "$1" && git init -q . && "$MLOPS" -q init >/dev/null || { fail "new_repo $1"; return 1; }
}

skip() {
  echo "skipped: $*"
  exit 125
}

finish() {
  echo "$(basename "$0" .sh): $PASSED passed, $FAILED failed"
  [[ $FAILED == 0 ]]
}
