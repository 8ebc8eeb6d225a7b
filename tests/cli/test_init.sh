#!/usr/bin/env bash
# mlops init: inside git, outside git, subdirectories, idempotence, --force.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/plain" && cd "$T/plain"
m 2 init
has_err "git init"
check "nothing created on refusal" test ! -e .mlops
m 0 init --no-git
check "config.yaml exists" test -f .mlops/config.yaml

mkdir -p "$T/g" && cd "$T/g" && git init -q .
m 0 init
has_out "Initialised mlops repository in $T/g/.mlops"
for f in .mlops/config.yaml .mlops/.gitignore; do check "$f exists" test -f "$f"; done
for d in .mlops/cache .mlops/tmp; do check "$d exists" test -d "$d"; done
check "git ignores the cache" git check-ignore -q .mlops/cache/x
check "git ignores config.local.yaml" git check-ignore -q .mlops/config.local.yaml
check "git keeps config.yaml" bash -c '! git check-ignore -q .mlops/config.yaml'

m 0 init
has_out "already initialised"
m 0 --json init
json_check 'd["already_initialised"] is True and d["written"] == []'

echo "core: {jobs: 7}" > .mlops/config.yaml
m 0 init -f
has_out "Reinitialised"
check "--force rewrote config" bash -c '! grep -q jobs .mlops/config.yaml'

mkdir -p "$T/g/sub" && cd "$T/g/sub"
m 2 init
has_err "--subdir"
m 0 init --subdir
check "subdir repo" test -f .mlops/config.yaml

finish
