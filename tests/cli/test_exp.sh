#!/usr/bin/env bash
# Runs and experiments over a real git repository: repro records runs,
# exp run overrides params for one run and puts the file back byte for byte,
# show/diff/apply/remove/queue, the index rebuilt from the cache, and runs
# shared through push and pull.
. "$(dirname "$0")/lib.sh"

new_repo "$T/r"
cat > params.yaml <<'YAML'
# experiment parameters
train:
  lr: 0.1   # learning rate
  epochs: 3
YAML
# A "model" whose accuracy is 1 - lr; lr above 1 fails; MLOPS_TEST_SLOW
# makes the stage wait and then fail without writing anything.
cat > train.sh <<'SH'
lr=$1 epochs=$2
if [ -n "${MLOPS_TEST_SLOW:-}" ]; then sleep 3; exit 9; fi
[ "$(awk -v lr="$lr" 'BEGIN { print (lr > 1) }')" = 0 ] || exit 3
mkdir -p models
echo "lr=$lr epochs=$epochs" > models/model.txt
awk -v lr="$lr" 'BEGIN { printf "{\"acc\": %.4f, \"loss\": {\"train\": %.4f}}\n", 1 - lr, lr * 2 }' > metrics.json
SH
cat > mlops.yaml <<'YAML'
stages:
  train:
    cmd: sh train.sh ${train.lr} ${train.epochs}
    deps: [train.sh]
    params: [train.lr, train.epochs]
    outs: [models]
    metrics: [{path: metrics.json, cache: false}]
YAML
echo "notes" > notes.txt
cp params.yaml "$T/params.orig"
nruns() { "$MLOPS" --json exp list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["runs"]))'; }
git add -A && git commit -qm "pipeline"

# repro records a run with the commit it ran; a no-op and a dry run record nothing.
m 0 repro
has_err "Recorded run "
m 0 --json exp list
json_check 'len(d["runs"]) == 1 and d["runs"][0]["kind"] == "repro" and d["runs"][0]["status"] == "ok"'
json_check 'd["runs"][0]["commit"] == "'"$(git rev-parse HEAD)"'" and d["runs"][0]["dirty"] == False'
m 0 --json exp show
json_check 'd["runs"][0]["params"]["params.yaml"] == {"train.lr": 0.1, "train.epochs": 3}'
json_check 'd["runs"][0]["metrics"]["metrics.json"] == {"acc": 0.9, "loss.train": 0.2}'
json_check 'd["runs"][0]["host"] != "" and d["runs"][0]["user"] != "" and d["runs"][0]["executor"] == "local"'
m 0 repro
check "an up-to-date repro records no run" test "$(nruns)" = 1
sed -i 's/epochs: 3/epochs: 4/' params.yaml
m 0 repro --dry-run
check "a dry run records no run" test "$(nruns)" = 1
cp "$T/params.orig" params.yaml
git add -A && git commit -qm "lock"
BASE=$("$MLOPS" --json exp list | python3 -c 'import json,sys; print(json.load(sys.stdin)["runs"][0]["id"])')

# exp run: the override is used and recorded, and params.yaml is left as it was.
m 0 exp run -S train.lr=0.2 -n lr-0.2
has_out "acc=0.8"
check "params.yaml byte-identical after exp run" cmp -s params.yaml "$T/params.orig"
check "the run used the override" grep -q "lr=0.2" models/model.txt
m 0 --json exp show -n 1
json_check 'd["runs"][0]["name"] == "lr-0.2" and d["runs"][0]["kind"] == "exp"'
json_check 'd["runs"][0]["overrides"] == {"params.yaml": {"train.lr": 0.2}}'
json_check 'd["runs"][0]["params"]["params.yaml"]["train.lr"] == 0.2 and d["runs"][0]["metrics"]["metrics.json"]["acc"] == 0.8'
echo "uncommitted" >> notes.txt
m 0 exp run -S params.yaml:train.lr=0.3
check "params.yaml byte-identical after a second exp run" cmp -s params.yaml "$T/params.orig"
m 0 --json exp show -n 1
json_check 'd["runs"][0]["git"]["dirty"] == True and d["runs"][0]["params"]["params.yaml"]["train.lr"] == 0.3'
git checkout -q notes.txt
m 2 exp run -S train.lr=0.4 -n lr-0.2
has_err "a run named 'lr-0.2' exists"

# Bad overrides change nothing and record nothing.
m 2 exp run -S train.lrr=0.5
has_err "params.yaml has no param 'train.lrr' (did you mean 'train.lr'?)"
m 2 exp run -S train=0.5
has_err "is a section"
m 2 exp run -S missing.yaml:a=1
has_err "params file 'missing.yaml' does not exist"
check "params.yaml untouched by bad overrides" cmp -s params.yaml "$T/params.orig"
check "no runs from bad overrides" test "$(nruns)" = 3

# A failing stage is recorded as a failed run; the params file comes back.
m 1 exp run -S train.lr=2 -n too-big
check "params.yaml back after a failed run" cmp -s params.yaml "$T/params.orig"
m 0 --json exp show -n 1
json_check 'd["runs"][0]["name"] == "too-big" and d["runs"][0]["status"] == "failed"'

# Ctrl-C during the run: exit 130 and the params file is back.
MLOPS_TEST_SLOW=1 timeout --foreground --preserve-status -s INT 1 "$MLOPS" exp run -S train.lr=0.6 -n interrupted >"$OUT" 2>"$ERR"
check "interrupted exp run exits 130" test $? = 130
check "params.yaml back after Ctrl-C" cmp -s params.yaml "$T/params.orig"
# kill -9: the next exp command restores the file from the backup.
MLOPS_TEST_SLOW=1 "$MLOPS" exp run -S train.lr=0.7 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q "lr: 0.7" params.yaml && break; sleep 0.1; done
kill -9 $pid; wait $pid 2>/dev/null
check "killed run left the override behind" grep -q "lr: 0.7" params.yaml
sleep 3  # the orphaned stage gives up without writing
m 0 exp run -S train.lr=0.3 -n after-crash
has_err "params.yaml: restored from before an experiment that did not finish"
check "params.yaml restored after kill -9" cmp -s params.yaml "$T/params.orig"
m 0 exp remove after-crash too-big
has_out "Removed 2 run(s)"

# show: sorted by a metric, only differing columns unless --all, md and csv.
m 0 --json exp show --sort-by acc
json_check '[r["metrics"]["metrics.json"]["acc"] for r in d["runs"]] == [0.7, 0.8, 0.9]'
m 0 --json exp show --sort-by acc --desc -n 2
json_check '[r["metrics"]["metrics.json"]["acc"] for r in d["runs"]] == [0.9, 0.8]'
m 0 exp show --sort-by train.lr
has_out "train.lr"
has_out "lr-0.2"
no_out "train.epochs"
has_err "equal in every run not shown"
m 0 exp show --all
has_out "train.epochs"
m 0 exp show --md
has_out "| Run | Name | Created | train.lr | acc | loss.train |"
m 0 exp show --csv --sort-by acc
check "csv header" test "$(head -1 "$OUT")" = "Run,Name,Created,train.lr,acc,loss.train"
check "csv sorted" test "$(sed -n 2p "$OUT" | cut -d, -f4)" = 0.3
m 2 exp show --sort-by accuracy
has_err "no param or metric 'accuracy'"

# diff and ids: unique prefixes resolve, unknown ones are usage errors.
m 0 --json exp diff "${BASE:0:12}" lr-0.2
json_check '[(m["key"], m["a"], m["b"]) for m in d["metrics"]] == [("acc", 0.9, 0.8), ("loss.train", 0.2, 0.4)]'
json_check 'd["params"] == [{"file": "params.yaml", "key": "train.lr", "a": 0.1, "b": 0.2, "change": "+0.1"}] and len(d["outs"]) == 2'
m 0 exp diff "$BASE" lr-0.2
has_out "-0.1"
m 2 exp diff nope lr-0.2
has_err "no run named or starting with 'nope'"

# apply: params (comments kept), outs and lock of the run become the workspace's.
m 0 exp apply lr-0.2
check "apply wrote the run's lr, keeping the comment" grep -q "^  lr: 0.2   # learning rate" params.yaml
check "apply checked out the run's model" grep -q "lr=0.2" models/model.txt
check "apply restored the metrics" grep -q '"acc": 0.8000' metrics.json
m 0 status --exit-code
m 0 repro
has_out "up to date"
git checkout -q params.yaml metrics.json mlops.lock
m 0 repro
has_err "Restored stage 'train' from the run cache"

# The queue: two experiments wait, then run one after the other.
m 0 exp run --queue -S train.lr=0.4
m 0 exp run --queue -S train.lr=0.5 -n five
has_out "Queued experiment"
m 0 --json exp queue list
json_check 'len(d["queued"]) == 2 and d["queued"][1]["name"] == "five"'
check "queueing runs nothing" test "$(nruns)" = 4
m 2 exp run --queue -S train.nope=1
m 0 --json exp queue start
json_check '[e["status"] for e in d["experiments"]] == ["ok", "ok"]'
check "both queued experiments ran" test "$(nruns)" = 6
m 0 --json exp show -n 2
json_check '[r["params"]["params.yaml"]["train.lr"] for r in d["runs"]] == [0.5, 0.4] and d["runs"][0]["name"] == "five"'
m 0 exp queue list
has_out "The queue is empty."
check "params.yaml byte-identical after the queue" cmp -s params.yaml "$T/params.orig"

# The index is a cache: runs survive losing .mlops/tmp.
rm -rf .mlops/tmp
check "runs survive rm -rf .mlops/tmp" test "$(nruns)" = 6
m 0 --json exp reindex
json_check 'd["runs"] == 6 and d["problems"] == []'

# push shares runs (and with --run-outs their outs); gc keeps the records.
m 0 remote add -d storage "$T/remote"
git add -A && git commit -qm "remote"
m 0 --json push --run-outs
json_check 'd["runs"] == 6'
m 0 --json push
json_check 'd["runs"] == 0'
m 0 gc
m 0 --json exp reindex
json_check 'd["runs"] == 6 and d["problems"] == []'
m 0 exp diff five lr-0.2
git clone -q "$T/r" "$T/clone" && cd "$T/clone"
check "a fresh clone has no runs" test "$(nruns)" = 0
m 0 --json pull
json_check 'd["runs"] == 6'
check "the clone sees the runs" test "$(nruns)" = 6
m 0 --json exp show --sort-by acc --desc -n 1
json_check 'd["runs"][0]["metrics"]["metrics.json"]["acc"] == 0.9'
m 0 exp apply five
check "the clone applies a pulled run's outs" grep -q "lr=0.5" models/model.txt

finish
