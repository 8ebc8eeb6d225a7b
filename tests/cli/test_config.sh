#!/usr/bin/env bash
# mlops config: layers, origins, levels, secrets, validation, errors that name the file.
. "$(dirname "$0")/lib.sh"

new_repo "$T/r"

m 0 config core.link_type
has_out "reflink,copy"
m 1 config core.remote          # unset: exit 1, no output
m 2 config core.jbs 3
has_err "did you mean 'core.jobs'"
m 2 config core.jobs lots
has_err "core.jobs"
m 2 config core.link_type teleport
check "nothing written on bad input" bash -c '! grep -q link_type .mlops/config.yaml'

m 0 config core.jobs 3
m 0 config core.jobs
has_out "3"
mkdir -p "$HOME/.config/mlops" "$T/etc"
echo "core: {lock_timeout: 9, jobs: 1}" > "$T/etc/config.yaml"
m 0 config --global core.jobs 2
m 0 config --local core.jobs 4
m 0 config core.jobs
has_out "4"
MLOPS_CORE_JOBS=5 run 0 "$MLOPS" config core.jobs
has_out "5"
m 0 -c core.jobs=6 config core.jobs
has_out "6"
m 0 config --global core.jobs
has_out "2"
m 0 config --system core.lock_timeout
has_out "9"

m 0 config list --show-origin
has_out "local"
has_out "$T/r/.mlops/config.local.yaml:"
has_out "core.lock_timeout=9"
m 0 --json config list
json_check 'any(v["key"] == "core.jobs" and v["value"] == "4" and v["level"] == "local" for v in d["values"])'
m 0 config --repo list
has_out "core.jobs=3"
no_out "core.lock_timeout"

m 0 config --local --unset core.jobs
m 0 config core.jobs
has_out "3"
m 1 config --local --unset core.jobs
has_err "is not set"

# Secrets go to the local file by default and never print.
m 0 config remote.store.password hunter2
check "secret in local file" grep -q hunter2 .mlops/config.local.yaml
check "secret not in committed file" bash -c '! grep -q hunter2 .mlops/config.yaml'
m 0 config remote.store.password
has_out "***"
no_out "hunter2"
m 0 config list
no_out "hunter2"
m 0 --json config list
no_out "hunter2"
m 0 config --repo remote.store.token abc
has_err "secret"

# A syntax error names file, line and column.
printf 'core:\n  jobs: [1\n' > .mlops/config.yaml
m 2 config core.jobs
has_err "$T/r/.mlops/config.yaml:"
printf 'core:\n  jobs: many\n' > .mlops/config.yaml
m 2 config list
has_err "config.yaml:2:9"

finish
