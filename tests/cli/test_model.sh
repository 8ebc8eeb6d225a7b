#!/usr/bin/env bash
# The model registry in git tags: register, promote, demote, deprecate, list,
# show, history, which and get, over a real git repository, its clone and a
# local remote.
. "$(dirname "$0")/lib.sh"

tags() { git tag -l | sort; }
# no_new_tags BEFORE: the tags are still exactly BEFORE.
no_new_tags() { check "no tag written" test "$(tags)" = "$1"; }
hash_of() { sha256sum "$1" | cut -d' ' -f1; }
is_tag() { git rev-parse -q --verify "refs/tags/$1" >/dev/null; }

new_repo "$T/r"
mkdir -p models/encoder/layers
head -c 1500000 /dev/urandom > models/churn.pkl  # a loose object
for i in 1 2 3; do head -c $((i * 1000)) /dev/urandom > "models/encoder/layers/l$i.bin"; done
echo '{"dim": 8}' > models/encoder/config.json
m 0 add models/churn.pkl models/encoder
run 0 git add -A && run 0 git commit -qm "churn v1"
cp models/churn.pkl "$T/churn-v1.pkl"

# Register: an annotated tag on HEAD whose message records path and hash.
m 0 model register churn --path models/churn.pkl -m "first churn model"
has_out "registered churn v1.0.0"
has_err "git push origin churn@v1.0.0"
check "tag churn@v1.0.0" test "$(git tag -l 'churn@*')" = "churn@v1.0.0"
check "annotated tag" test "$(git cat-file -t churn@v1.0.0)" = tag
run 0 git cat-file tag churn@v1.0.0
has_out "tagger test <test@example.com>"
has_out "first churn model"
has_out "path: models/churn.pkl"
has_out "hash: sha256:$(hash_of models/churn.pkl)"
has_out "kind: file"
check "tag on HEAD" test "$(git rev-parse 'churn@v1.0.0^{commit}')" = "$(git rev-parse HEAD)"

# A second version: --bump minor after a new commit of the data.
head -c 1000 /dev/urandom >> models/churn.pkl
m 0 add models/churn.pkl
run 0 git commit -qam "churn v2"
cp models/churn.pkl "$T/churn-v2.pkl"
m 0 --json model register churn --path models/churn.pkl --bump minor --run run-7
json_check 'd["tag"] == "churn@v1.1.0" and d["hash"] == "sha256:'"$(hash_of models/churn.pkl)"'" and d["path"] == "models/churn.pkl"'
check "tag churn@v1.1.0" is_tag "churn@v1.1.0"
run 0 git cat-file tag churn@v1.1.0
has_out "run: run-7"

# A directory artifact.
m 0 model register encoder --path models/encoder --version 0.3.0-rc.1
check "tag encoder@v0.3.0-rc.1" is_tag "encoder@v0.3.0-rc.1"

# Promote twice: N counts; `which` follows the latest assignment.
m 0 model promote churn@1.0.0 --stage prod
has_out "churn#prod#1"
m 0 model which churn --stage prod
check "which prints only the version" test "$(cat "$OUT")" = v1.0.0
m 0 model promote churn@v1.1.0 --stage prod -m "better recall"
check "tag churn#prod#2" is_tag "churn#prod#2"
check "stage tag on the version's commit" test "$(git rev-parse 'churn#prod#2^{commit}')" = "$(git rev-parse 'churn@v1.1.0^{commit}')"
m 0 model which churn --stage prod
check "which follows the latest" test "$(cat "$OUT")" = v1.1.0
m 0 --json model which churn --stage prod
json_check 'd["version"] == "v1.1.0" and d["commit"] == "'"$(git rev-parse 'churn@v1.1.0^{commit}')"'" and d["path"] == "models/churn.pkl" and d["hash"] == "sha256:'"$(hash_of "$T/churn-v2.pkl")"'"'
m 0 model promote churn@1.0.0 --stage staging

# Demote: the stage goes back to the previous assignment, then is empty.
m 0 model demote churn --stage prod
has_out "prod now holds v1.0.0"
check "tag churn#prod!#3" is_tag "churn#prod!#3"
m 0 model which churn --stage prod
check "back to v1.0.0" test "$(cat "$OUT")" = v1.0.0
m 0 model demote churn --stage prod
has_out "prod is now empty"
m 1 model which churn --stage prod
has_err "no version of 'churn' is in stage prod"
m 0 model promote churn@1.1.0 --stage prod
has_out "churn#prod#5"

# list, show, history.
m 0 model list
has_out "churn"
has_out "v1.1.0"
has_out "prod=v1.1.0 staging=v1.0.0"
has_out "encoder"
m 0 --json model list
json_check '[x["name"] for x in d["models"]] == ["churn", "encoder"] and d["models"][0]["stages"] == {"prod": "v1.1.0", "staging": "v1.0.0"} and d["models"][1]["latest"] == "v0.3.0-rc.1"'
cp "$OUT" "$T/list.json"
m 0 model show churn@1.1.0
has_out "$(git rev-parse 'churn@v1.1.0^{commit}')"
has_out "models/churn.pkl"
has_out "run-7"
has_out "test <test@example.com>"
m 0 --json model show churn
json_check 'd["version"] == "v1.1.0" and d["pointer_hash"] == d["hash"] and d["stages"] == ["prod"] and d["run"] == "run-7"'
m 0 --json model show 'churn#staging'
json_check 'd["version"] == "v1.0.0" and d["message"] == "first churn model"'
m 0 model history churn
for t in 'churn@v1.0.0' 'churn@v1.1.0' 'churn#prod#1' 'churn#prod#2' 'churn#prod!#3' 'churn#prod!#4' 'churn#prod#5' 'churn#staging#1'; do
  has_out "$t"
done
has_out "unassign"
m 0 --json model history churn
json_check 'len(d["events"]) == 8 and d["events"][0]["tag"] == "churn@v1.0.0" and d["events"][0]["action"] == "register"'
json_check '[e["tag"] for e in d["events"] if e["stage"] == "prod"] == ["churn#prod#1", "churn#prod#2", "churn#prod!#3", "churn#prod!#4", "churn#prod#5"]'
json_check 'all(e["author"] == "test" and e["time"] for e in d["events"])'

# get: identical bytes into a fresh path, without checking out the commit.
m 0 model get churn@1.0.0 -o "$T/out/v1.pkl"
check "v1 bytes" cmp -s "$T/out/v1.pkl" "$T/churn-v1.pkl"
check "workspace untouched" cmp -s models/churn.pkl "$T/churn-v2.pkl"
mkdir -p "$T/r/sub" && cd "$T/r/sub"
m 0 model get churn --stage staging
check "default output: the artifact's name here" cmp -s churn.pkl "$T/churn-v1.pkl"
m 2 model get churn
has_err "already exists"
check "existing file kept" cmp -s churn.pkl "$T/churn-v1.pkl"
m 0 model get churn --force
check "replaced with --force" cmp -s churn.pkl "$T/churn-v2.pkl"
cd "$T/r"
m 0 --json model get encoder -o "$T/out/enc"
json_check 'd["files"] == 4'
check "directory identical" diff -r "$T/out/enc" models/encoder

# --stage-out: a pipeline stage's out, as the committed mlops.lock records it.
cat > mlops.yaml <<'YAML'
stages:
  train:
    cmd: mkdir -p out && head -c 3000 /dev/urandom > out/weights.bin
    outs: [out/weights.bin]
YAML
m 0 repro
run 0 git add -A && run 0 git commit -qm "pipeline"
m 0 --json model register trained --stage-out train:out/weights.bin
json_check 'd["tag"] == "trained@v1.0.0" and d["path"] == "out/weights.bin" and d["hash"] == "sha256:'"$(hash_of out/weights.bin)"'"'
m 0 --json model show trained
json_check 'd["pointer_hash"] == d["hash"]'
before=$(tags)
m 2 model register trained --stage-out nope:out/weights.bin --bump patch
has_err "records no stage 'nope' (stages: train)"
m 2 model register trained --stage-out train:out/other.bin --bump patch
has_err "has no out 'out/other.bin' in mlops.lock (outs: out/weights.bin)"
m 2 model register trained --stage-out train --bump patch
has_err "STAGE:OUT"
m 2 model register trained --stage-out train:out/weights.bin --path out/weights.bin --bump patch
m 2 model register trained --bump patch
has_err "--path PATH or --stage-out STAGE:OUT"
echo tampered >> out/weights.bin
m 1 model register trained --stage-out train:out/weights.bin --bump patch
has_err "differs from what mlops.lock records"
no_new_tags "$before"
m 0 checkout --force out/weights.bin
m 0 status --exit-code

# Errors exit with the right code and write no tag.
before=$(tags)
echo readme > README.txt
m 2 model register churn --path README.txt --version 2.0.0
has_err "not tracked"
m 2 model register churn --path models --version 2.0.0
has_err "not itself a tracked path"
m 2 model register churn --path models/churn.pkl --version 1.0.0
has_err "already registered"
m 2 model register churn --path models/churn.pkl --version 1.0
has_err "not a semantic version"
m 2 model register churn --path models/churn.pkl
has_err "--bump"
m 2 model register fresh --path models/churn.pkl --bump patch
has_err "no version to bump"
m 2 model register Bad --path models/churn.pkl
has_err "invalid model name"
echo dirty >> models/churn.pkl
m 1 model register churn --path models/churn.pkl --version 2.0.0
has_err "differs from what models/churn.pkl.mlops records"
m 0 add models/churn.pkl
m 1 model register churn --path models/churn.pkl --version 2.0.0
has_err "changes that are not committed"
run 0 git checkout -q models/churn.pkl.mlops
m 0 checkout --force models/churn.pkl
head -c 500 /dev/urandom > models/new.bin
m 0 add models/new.bin
m 1 model register newm --path models/new.bin
has_err "is not committed"
m 2 model promote churn@9.9.9 --stage prod
has_err "no version v9.9.9"
m 2 model promote churn --stage prod
m 2 model promote churn@1.0.0 --stage Prod
m 2 model which nope --stage prod
has_err "no model named 'nope'"
m 2 model show chrun
has_err "did you mean 'churn'"
m 2 model history nope
m 2 model get nope
m 1 model demote churn --stage qa
no_new_tags "$before"

# Deregister a version, then deprecate a model.
m 0 model deprecate churn@1.0.0
check "tag churn@v1.0.0!#1" is_tag 'churn@v1.0.0!#1'
m 0 --json model list
json_check 'd["models"][0]["stages"] == {"prod": "v1.1.0"}'
m 1 model promote churn@1.0.0 --stage prod
has_err "deregistered"
m 0 model deprecate encoder
check "tag encoder@deprecated#1" is_tag 'encoder@deprecated#1'
before=$(tags)
m 1 model promote encoder@0.3.0-rc.1 --stage prod
has_err "deprecated"
no_new_tags "$before"
m 0 --json model list
json_check 'd["models"][1]["deprecated"] is True'
cp "$OUT" "$T/list.json"

# A clone that fetched the tags sees the same registry; `model get` there
# fetches the objects from the remote into its empty cache.
m 0 remote add -d store "$T/remote"
m 0 push
run 0 git add -A && run 0 git commit -qm "remote"
run 0 git clone -q "$T/r" "$T/clone"
cd "$T/clone"
m 0 --json model list
check "same registry in the clone" python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' "$OUT" "$T/list.json"
h=$(hash_of "$T/churn-v2.pkl")
check "not in the clone's cache yet" test ! -e ".mlops/cache/sha256/${h:0:2}/${h:2}"
m 0 --json model get churn --stage prod -o "$T/out/from-remote.pkl"
json_check 'd["fetched"] >= 1 and d["version"] == "v1.1.0"'
check "bytes from the remote" cmp -s "$T/out/from-remote.pkl" "$T/churn-v2.pkl"
check "kept in the clone's cache" test -e ".mlops/cache/sha256/${h:0:2}/${h:2}"
m 0 model get encoder@0.3.0-rc.1 -o "$T/out/enc2"
check "directory from the remote" diff -r "$T/out/enc2" "$T/r/models/encoder"

# Registered versions bundle and deploy by name: the version a stage holds,
# with the registry's name and version in the manifest.
m 0 keys generate
mkdir -p "$T/edge"
m 0 target add edge "file://$T/edge"
m 0 --json deploy churn --stage prod --to edge
json_check 'd["targets"][0]["name"] == "churn" and d["targets"][0]["version"] == "1.1.0"'
check "the prod bytes are current on the device" cmp -s "$T/edge/churn/current/churn.pkl" "$T/churn-v2.pkl"
m 0 deploy encoder@0.3.0-rc.1 --to edge
check "a directory version deployed by NAME@VERSION" diff -r "$T/edge/encoder/current" "$T/r/models/encoder"
m 0 --json bundle create 'churn#prod' -o "$T/out/prod.mlbundle"
json_check 'd["name"] == "churn" and d["version"] == "1.1.0"'
m 2 deploy churn@7.0.0 --to edge
has_err "7.0.0"

m 0 remote remove store
m 2 model get churn@1.0.0 -o "$T/out/none.pkl"
has_err "not in the cache and cannot be fetched: no remote configured"
check "nothing written" test ! -e "$T/out/none.pkl"

# Outside git.
mkdir -p "$T/nogit" && cd "$T/nogit" && "$MLOPS" -q init --no-git >/dev/null
m 2 model list
has_err "not inside a git repository"

finish
