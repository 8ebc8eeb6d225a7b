#!/usr/bin/env bash
# mlops ls: tracked paths and files inside tracked directories, in the workspace
# or at a revision, with workspace and cache presence.
. "$(dirname "$0")/lib.sh"

# paths_are 'p1,p2': the --json listing has exactly these paths, in this order.
paths_are() { json_check "[e['path'] for e in d['entries']] == '''$1'''.split(',')"; }

new_repo "$T/r"
m 0 ls
has_err "No tracked paths."
mkdir -p data/sub
echo alpha > data/a.txt
echo beta > data/sub/b.txt
printf '#!/bin/sh\n' > data/run.sh && chmod +x data/run.sh
head -c 1500000 /dev/urandom > model.bin
m 0 add data model.bin
run 0 git add -A && run 0 git commit -qm v1

m 0 ls
has_out "data/"
has_out "ws:yes  cache:yes"
has_out "model.bin"
m 0 --json ls
paths_are 'data,model.bin'
json_check 'd["rev"] is None and all(e["tracked"] and e["in_workspace"] and e["in_cache"] for e in d["entries"])'
json_check 'd["entries"][0]["kind"] == "dir" and d["entries"][0]["files"] == 3 and d["entries"][1]["size"] == 1500000'
json_check 'd["entries"][1]["hash"].startswith("sha256:")'

m 0 --json ls -R
paths_are 'data,data/a.txt,data/run.sh,data/sub/b.txt,model.bin'
json_check '[e["kind"] for e in d["entries"]] == ["dir", "file", "exec", "file", "file"]'
m 0 --json ls data
paths_are 'data/a.txt,data/run.sh,data/sub'
json_check 'not any(e["tracked"] for e in d["entries"])'
m 0 --json ls data.mlops
paths_are 'data/a.txt,data/run.sh,data/sub'
m 0 --json ls data/sub
paths_are 'data/sub/b.txt'
m 0 --json ls data/sub/b.txt
paths_are 'data/sub/b.txt'
(cd data && run 0 "$MLOPS" --json ls sub)
paths_are 'data/sub/b.txt'

# A second version; the first stays listable by revision.
echo ALPHA > data/a.txt
echo gamma > data/c.txt
rm data/sub/b.txt
m 0 add data
run 0 git add -A && run 0 git commit -qm v2
m 0 --json ls -R
paths_are 'data,data/a.txt,data/c.txt,data/run.sh,model.bin'
m 0 --json ls -R HEAD~1
paths_are 'data,data/a.txt,data/run.sh,data/sub/b.txt,model.bin'
json_check 'd["rev"] == "HEAD~1" and len(d["commit"]) == 40'
json_check '[e["in_workspace"] for e in d["entries"]] == [True, True, True, False, True]'
json_check 'all(e["in_cache"] for e in d["entries"])'
m 0 --json ls HEAD~1 data/sub
paths_are 'data/sub/b.txt'
m 0 ls HEAD~1 data
has_out "data/sub/"

# Workspace presence.
rm model.bin
m 0 --json ls
json_check '[e["in_workspace"] for e in d["entries"]] == [True, False]'
m 0 ls
has_out "ws:no"
m 0 checkout model.bin

# A clone without the cache: tracked paths are known, their content is not cached,
# and the files of a directory cannot be listed.
run 0 git clone -q "$T/r" "$T/clone"
cd "$T/clone"
m 0 --json ls
paths_are 'data,model.bin'
json_check 'not any(e["in_cache"] or e["in_workspace"] for e in d["entries"])'
m 0 --json ls -R
json_check 'd["unlisted"] == ["data"]'
has_err "data: files not listed"
cd "$T/r"

# Errors.
m 2 ls no-such-thing
has_err "'no-such-thing' is neither a path in the workspace nor a git revision"
m 2 ls HEAD~5 data
has_err "unknown revision 'HEAD~5'"
m 2 ls HEAD data/nope
has_err "'data/nope' is not in the tracked directory data"
m 2 ls HEAD~1 data/c.txt
has_err "data/c.txt"
mkdir -p "$T/outside" && cd "$T/outside"
m 3 ls

# An mlops repository in a subdirectory of the git work tree.
mkdir -p "$T/mono" && cd "$T/mono" && git init -q .
mkdir -p proj/ml && cd proj/ml
m 0 -q init --subdir
mkdir ds && echo a > ds/a
m 0 add ds
run 0 git add -A && run 0 git commit -qm one
m 0 --json ls -R HEAD
paths_are 'ds,ds/a'

finish
