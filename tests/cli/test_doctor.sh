#!/usr/bin/env bash
# mlops doctor: versions, paths, probed link types, remotes; JSON and outside a repo.
. "$(dirname "$0")/lib.sh"

cd "$T"
m 0 doctor
has_out "repository: none"
m 0 --json doctor
json_check 'd["repository"] is None and "libgit2" in d["libraries"]'

new_repo "$T/r"
m 0 config remote.origin.url /srv/store
m 0 config remote.broken.url ftp://nowhere/x
m 0 config --local remote.origin.password hunter2
m 0 --json doctor
json_check 'd["repository"]["root"] == "'"$T/r"'"'
json_check '{l["type"] for l in d["repository"]["link_types"]} == {"reflink","hardlink","symlink","copy"}'
json_check 'next(l for l in d["repository"]["link_types"] if l["type"] == "copy")["works"]'
json_check '[r["name"] for r in d["remotes"]] == ["broken", "origin"]'
json_check 'not next(r for r in d["remotes"] if r["name"] == "broken")["valid"]'
no_out "hunter2"
m 0 doctor
has_out "origin  /srv/store"
has_out "unsupported scheme"
check "probe leaves no files" bash -c '[ -z "$(ls -A .mlops/cache)" ] && ! ls -A | grep -q probe'

finish
