#!/usr/bin/env bash
# The CLI frame: version, help, unknown commands, exit codes, -C, pipes, CI annotations.
. "$(dirname "$0")/lib.sh"

m 0 --version
has_out "mlops "

m 2 no-such
has_err "'no-such' is not an mlops command"
m 2 confg
has_err "Did you mean 'config'?"
m 2 init --no-such-flag
has_err "--no-such-flag"
m 2 --color sometimes doctor

m 0 --help
has_out "init"
m 0 init --help
has_out "--no-git"
m 0 help config
has_out "--show-origin"
m 0 help config list
has_out "--show-origin"
m 2 help nope

# No command: usage on stderr, exit 2 (like a usage error).
m 2
has_err "Usage"

# Outside a repository, repository commands exit 3.
mkdir -p "$T/empty"
cd "$T/empty"
m 3 config --repo core.jobs 2
has_err "not an mlops repository (or any parent up to /)"
m 3 config --local core.jobs 2

# -C works like git's, also repeated and relative.
new_repo "$T/r"
mkdir -p "$T/r/sub/dir"
cd "$T"
m 0 -C r -C sub/dir config core.jobs
has_out "0"
m 0 -C r config core.jobs 3
cd "$T/r/sub/dir"
m 0 config core.jobs
has_out "3"
m 2 -C "$T/does-not-exist" doctor
has_err "does-not-exist"

# --json errors: one JSON document on stdout as well as the message on stderr.
cd "$T/empty"
m 3 --json config --repo core.jobs 1
json_check 'd["error"]["code"] == 3'

# Global options after the command are accepted too.
cd "$T/r"
m 0 doctor --json -q
json_check '"libraries" in d'

# A closed pipe is quiet.
"$MLOPS" completion bash 2>"$ERR" | head -n1 >/dev/null
empty_err

# GitHub Actions: errors also become workflow commands; colour stays off in pipes.
GITHUB_ACTIONS=true run 3 "$MLOPS" -C "$T/empty" config --repo core.jobs 1
has_err "::error::not an mlops repository"
m 2 no-such
no_err $'\033['
CLICOLOR_FORCE=1 run 0 "$MLOPS" doctor
has_out $'\033['
NO_COLOR=1 CLICOLOR_FORCE=1 run 0 "$MLOPS" doctor
no_out $'\033['

finish
