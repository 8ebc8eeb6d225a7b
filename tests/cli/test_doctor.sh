#!/usr/bin/env bash
# mlops doctor: versions, paths, probed link types, remotes (configuration
# with --offline, then checked for real); JSON and outside a repo.
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
m 0 --json doctor --offline
json_check 'd["repository"]["root"] == "'"$T/r"'"'
json_check '{l["type"] for l in d["repository"]["link_types"]} == {"reflink","hardlink","symlink","copy"}'
json_check 'next(l for l in d["repository"]["link_types"] if l["type"] == "copy")["works"]'
json_check '[r["name"] for r in d["remotes"]] == ["broken", "origin"]'
json_check 'not next(r for r in d["remotes"] if r["name"] == "broken")["valid"]'
no_out "hunter2"
m 0 doctor --offline
has_out "origin  /srv/store"
has_out "unsupported scheme"
no_out "FAILED list"
check "offline doctor touched no remote" test ! -e /srv/store/tmp
check "probe leaves no files" bash -c '[ -z "$(ls -A .mlops/cache)" ] && ! ls -A | grep -q probe'

# Checked for real: a working remote passes every step and keeps nothing of
# the probe; one that cannot be written fails (exit 4), named, the rest still checked.
m 0 config --unset remote.broken.url
m 0 config remote.origin.url "$T/store"
m 0 --json doctor
json_check '[(r["name"], r["ok"], [c["step"] for c in r["checks"]]) for r in d["remotes"]] == [("origin", True, ["list", "write", "read", "delete"])]'
check "the probe is deleted" test -z "$(find "$T/store" -type f)"
m 0 config remote.ro.url /proc/no-such-place
m 4 --json doctor
json_check '{r["name"]: r["ok"] for r in d["remotes"]} == {"origin": True, "ro": False}'
json_check 'next(r for r in d["remotes"] if r["name"] == "ro")["problem"].startswith("write: ")'
has_err "remote 'ro' failed its check"
m 4 doctor
has_out "FAILED write:"
has_out "ok (reachable, listed, written, read, deleted)"
no_out "hunter2"
no_err "hunter2"

finish
