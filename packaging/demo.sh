#!/usr/bin/env bash
# The quick-start behind `make demo`: the real mlops binary, end to end, on
# embedded defaults (local cache, local remote, SQLite, local executor), in a
# throwaway git repository. Each step prints the command it runs.
set -euo pipefail
MLOPS=$(readlink -f "${1:-build/cli/mlops}")
DEMO=$(mktemp -d "${TMPDIR:-/tmp}/mlops-demo.XXXXXX")
trap 'rm -rf "$DEMO"' EXIT
export GIT_AUTHOR_NAME=demo GIT_AUTHOR_EMAIL=demo@example.com GIT_COMMITTER_NAME=demo GIT_COMMITTER_EMAIL=demo@example.com

step() {
  printf '\n\033[1m$ %s\033[0m\n' "$*"
  "$@"
}
mlops() { "$MLOPS" "$@"; }

cd "$DEMO"
echo "demo repository: $DEMO"
step git init -q -b main .
step mlops init
step git add .mlops
step git commit -q -m "Initialise mlops"
step mlops config core.link_type reflink,hardlink,copy
step mlops config list --show-origin
step mlops doctor
echo
echo "demo finished"
