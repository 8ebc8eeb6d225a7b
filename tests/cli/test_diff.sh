#!/usr/bin/env bash
# mlops diff: revisions against each other and against the workspace, read from
# git's history and the cache; --json, --exit-code, --targets, errors.
. "$(dirname "$0")/lib.sh"

# changes_are 'type path ...': the --json document lists exactly these file changes.
changes_are() {
  json_check "sorted(c['type'] + ' ' + c['path'] for c in d['files']) == sorted('''$1'''.split(','))"
}

new_repo "$T/r"
mkdir -p data/sub
echo one > data/a.txt
echo two > data/b.txt
echo three > data/sub/d.txt
head -c 2000000 /dev/urandom > model.bin
find data model.bin -exec touch -h -d '-1 minute' {} +
m 0 add data model.bin
run 0 git add -A && run 0 git commit -qm v1

m 0 diff --exit-code
[[ -s "$OUT" ]] && fail "clean diff printed to stdout" || ok
m 0 --json diff
json_check 'd["clean"] and d["files"] == [] and d["a"]["rev"] == "HEAD" and d["b"]["rev"] == "workspace"'

# Change the workspace: modify, delete, add, rename.
echo ONE >> data/a.txt
rm data/b.txt
echo new > data/c.txt
mv data/sub/d.txt data/sub/e.txt
m 1 diff --exit-code
has_out "modified  data/a.txt"
has_out "deleted   data/b.txt"
has_out "added     data/c.txt"
has_out "renamed   data/sub/d.txt -> data/sub/e.txt"
has_out "4 files changed: 1 added, 1 deleted, 1 modified, 1 renamed"
no_out "model.bin"
m 0 --json diff
changes_are 'modified data/a.txt,deleted data/b.txt,added data/c.txt,renamed data/sub/e.txt'
json_check 'd["files"][0]["old_size"] == 4 and d["files"][0]["size"] == 8'

m 0 add data
run 0 git add -A && run 0 git commit -qm v2
m 0 diff --exit-code            # HEAD and workspace agree again

# The last commit's changes, three ways: HEAD~1 vs workspace, HEAD~1 vs HEAD, tags.
m 1 diff HEAD~1 --exit-code
has_out "modified  data/a.txt (4 B -> 8 B)"
m 0 --json diff HEAD~1
changes_are 'modified data/a.txt,deleted data/b.txt,added data/c.txt,renamed data/sub/e.txt'
json_check 'd["paths"][0]["path"] == "data" and d["paths"][0]["status"] == "modified" and len(d["paths"]) == 1'
json_check 'd["summary"] == {"added": 1, "deleted": 1, "modified": 1, "renamed": 1, "not_in_cache": 0}'
run 0 git tag v1 HEAD~1
m 0 --json diff v1 main
changes_are 'modified data/a.txt,deleted data/b.txt,added data/c.txt,renamed data/sub/e.txt'
json_check 'd["a"]["rev"] == "v1" and len(d["a"]["commit"]) == 40 and d["b"]["rev"] == "main"'
m 0 --json diff HEAD HEAD~1      # reversed
changes_are 'modified data/a.txt,added data/b.txt,deleted data/c.txt,renamed data/sub/d.txt'

# Two revisions need neither the workspace data nor a checkout.
mv data "$T/data.saved"
mv model.bin "$T/model.saved"
m 0 --json diff HEAD~1 HEAD
changes_are 'modified data/a.txt,deleted data/b.txt,added data/c.txt,renamed data/sub/e.txt'
m 0 diff HEAD
has_out "missing in workspace: data (directory, 3 files"
has_out "missing in workspace: model.bin"
m 0 --json diff HEAD
json_check 'all(p["status"] == "deleted" and p["missing_in_workspace"] for p in d["paths"])'
mv "$T/data.saved" data
mv "$T/model.saved" model.bin

# --targets: a tracked path, a directory inside one, its pointer file.
m 0 --json diff HEAD~1 HEAD --targets data/sub
changes_are 'renamed data/sub/e.txt'
m 0 --json diff HEAD~1 HEAD --targets data/a.txt data/c.txt
changes_are 'modified data/a.txt,added data/c.txt'
m 0 --json diff HEAD~1 --targets model.bin.mlops
json_check 'd["clean"]'
(cd data && run 0 "$MLOPS" --json diff HEAD~1 HEAD --targets sub)
changes_are 'renamed data/sub/e.txt'
m 2 diff HEAD~1 --targets nothing/here
has_err "'nothing/here' is not a tracked path"

# Tracked paths added and removed as a whole; a tracked file modified.
mkdir extra && echo x > extra/x.txt && echo y > extra/y.txt
head -c 1000 /dev/urandom >> model.bin
m 0 add extra model.bin
run 0 git add -A && run 0 git commit -qm v3
m 0 diff HEAD~1 HEAD
has_out "added     extra/x.txt (2 B)"
has_out "new tracked path: extra (directory, 2 files, 4 B)"
has_out "modified  model.bin (1.9 MiB -> 1.9 MiB)"
m 0 rm extra
run 0 git add -A && run 0 git commit -qm v4
m 0 --json diff HEAD~1 HEAD
json_check '[(p["path"], p["status"]) for p in d["paths"]] == [("extra", "deleted")]'
changes_are 'deleted extra/x.txt,deleted extra/y.txt'

# A clone without the cache: file changes still show (hashes are in the pointer
# files); a directory whose tree manifests are not cached is "not in cache".
run 0 git clone -q "$T/r" "$T/clone"
cd "$T/clone"
m 0 diff HEAD~3 HEAD~2
has_out "not in cache: data (modified"
has_out "tree manifest sha256:"
m 0 --json diff HEAD~3 HEAD~2
json_check 'd["paths"][0]["not_in_cache"] and d["summary"]["not_in_cache"] == 1 and d["files"] == []'
m 0 --json diff HEAD~2 HEAD~1
json_check '[c["path"] for c in d["files"]] == ["model.bin"]'
cd "$T/r"

# Errors: unknown revisions (usage, named), outside a repository.
m 2 diff no-such-rev
has_err "unknown revision 'no-such-rev'"
m 2 diff HEAD~1 HEAD~99
has_err "unknown revision 'HEAD~99'"
m 2 diff a b c
mkdir -p "$T/outside" && cd "$T/outside"
m 3 diff
cd "$T/r"

# A repository with no commits yet.
new_repo "$T/fresh"
m 2 diff
has_err "no commits yet"

# An mlops repository in a subdirectory of the git work tree.
mkdir -p "$T/mono" && cd "$T/mono" && git init -q .
mkdir -p proj/ml && cd proj/ml
m 0 -q init --subdir
mkdir ds && echo a > ds/a && echo b > ds/b
m 0 add ds
run 0 git add -A && run 0 git commit -qm one
echo changed > ds/a
m 0 add ds
run 0 git add -A && run 0 git commit -qm two
m 0 --json diff HEAD~1
changes_are 'modified ds/a'
json_check '[p["path"] for p in d["paths"]] == ["ds"]'
(cd ds && run 0 "$MLOPS" --json diff HEAD~1 HEAD --targets a)
changes_are 'modified ds/a'

finish
