#!/usr/bin/env bash
# mlops.yaml pipelines: repro, the lock file, the run cache, status of stages,
# parallel stages, errors and Ctrl-C, over a real git repository.
. "$(dirname "$0")/lib.sh"

new_repo "$T/r"
mkdir -p data src
seq 1 1000 > data/raw.csv
touch -d '-1 minute' data/raw.csv
m 0 add data/raw.csv
cat > params.yaml <<'YAML'
prepare:
  keep: 500
train:
  lr: 0.1
  epochs: 3
YAML
# Every command appends its stage name to runs.log (kept out of the
# pipeline), so the suite can tell what really ran.
cat > mlops.yaml <<'YAML'
stages:
  prepare:
    cmd: echo prepare >> runs.log && head -n ${prepare.keep} data/raw.csv > data/prepared.csv
    deps: [data/raw.csv]
    params: [prepare.keep]
    outs: [data/prepared.csv]
  train:
    cmd:
      - echo train >> runs.log
      - mkdir -p models && wc -l < data/prepared.csv > models/model.txt && echo "lr=${train.lr}" >> models/model.txt
      - 'printf "{\"acc\": %s}\n" ${train.lr} > metrics.json'
    deps: [data/prepared.csv]
    params: [train.lr]
    outs: [models]
    metrics: [{path: metrics.json, cache: false}]
  report:
    cmd: echo report >> runs.log && cat models/model.txt > report.txt
    deps: [models/model.txt]
    outs: [report.txt]
YAML
printf '/runs.log\n' >> .gitignore
ran() { tr '\n' ' ' < runs.log; }

# First repro runs everything, in order.
m 0 repro
check "all three ran in order" test "$(ran)" = "prepare train report "
has_out "Ran 3, restored 0"
check "lock written" grep -q "schema: mlops-lock 1" mlops.lock
check "lock records the param" grep -q "prepare.keep: 500" mlops.lock
check "outs ignored by git" git check-ignore -q data/prepared.csv
check "dir out ignored by git" git check-ignore -q models/model.txt
check "metrics with cache: false stay in git" bash -c '! git check-ignore -q metrics.json'
check "log per stage" test -s .mlops/tmp/logs/train.log
m 0 status --exit-code
run 0 git add -A && run 0 git commit -qm "pipeline v1"

# Second repro runs nothing, and a no-op hashes nothing.
: > runs.log
m 0 repro
check "nothing ran" test ! -s runs.log
has_out "Pipeline is up to date"

# A param change reruns only the stages that depend on it.
sed -i 's/lr: 0.1/lr: 0.2/' params.yaml
m 1 status --exit-code --explain
has_out "train: command changed; param 'train.lr' changed: 0.1 -> 0.2"
m 0 --json repro --dry-run
json_check '[s["outcome"] for s in d["stages"]] == ["up-to-date", "would-run", "would-run"]'
check "dry run ran nothing" test ! -s runs.log
m 0 repro
check "train and report reran" test "$(ran)" = "train report "
check "model has the new lr" grep -q "lr=0.2" models/model.txt

# Reverting restores from the run cache without running anything.
: > runs.log
sed -i 's/lr: 0.2/lr: 0.1/' params.yaml
m 0 --json repro
json_check '[s["outcome"] for s in d["stages"]] == ["up-to-date", "restored", "up-to-date"] or [s["outcome"] for s in d["stages"]] == ["up-to-date", "restored", "restored"]'
check "nothing ran on a run-cache hit" test ! -s runs.log
check "model restored" grep -q "lr=0.1" models/model.txt
check "cache: false metrics restored too" grep -q '"acc": 0.1' metrics.json
check "lock back to the committed one" git diff --quiet -- mlops.lock
m 0 repro --force -s report
check "forced single stage" test "$(ran)" = "report "

# A deleted out is restored from the run cache; --no-run-cache runs instead.
rm -rf models
: > runs.log
m 0 repro
check "deleted out restored, not rerun" test ! -s runs.log
check "model back" test -f models/model.txt
rm report.txt
m 0 repro --no-run-cache
check "no-run-cache reruns" test "$(ran)" = "report "

# checkout and push/pull know the stage outs recorded in mlops.lock.
echo junk > data/prepared.csv
m 1 checkout data/prepared.csv
m 0 checkout --force data/prepared.csv
check "checkout restored the stage out" test "$(wc -l < data/prepared.csv)" = 500
m 0 remote add -d store "$T/remote"
m 0 push
m 2 rm data/prepared.csv
has_err "is an out of a pipeline stage"
m 2 add models
has_err "stage 'train' writes 'models'"

# A fresh clone: --allow-missing decides from recorded hashes without data.
run 0 git add -A && run 0 git commit -qm "pipeline v2"
run 0 git clone -q "$T/r" "$T/clone"
cd "$T/clone"
m 0 repro --dry-run --allow-missing --exit-code
has_out "Pipeline is up to date."
m 0 status --allow-missing
no_out "would run"
m 1 repro --dry-run --exit-code
# CI on a fresh clone: with the raw data pulled, every stage is restored
# from the run cache pushed to the remote; nothing runs.
m 0 pull data/raw.csv
: > runs.log
m 0 --json repro
json_check '[s["outcome"] for s in d["stages"]] == ["restored", "restored", "restored"]'
check "the clone ran nothing (remote run cache)" test ! -s runs.log
check "outs restored in the clone" grep -q "lr=0.1" models/model.txt
m 0 status --exit-code
cd "$T/r"

# Independent stages run in parallel with -j 2: each waits for the other's file.
cat > "$T/par.yaml" <<'YAML'
stages:
  a:
    cmd: echo a-says-hi && touch a.started && for i in $(seq 50); do test -e b.started && break; sleep 0.1; done && test -e b.started && touch a.done
    outs: [a.done]
  b:
    cmd: touch b.started && for i in $(seq 50); do test -e a.started && break; sleep 0.1; done && test -e a.started && touch b.done
    outs: [b.done]
YAML
new_repo "$T/par"
cp "$T/par.yaml" mlops.yaml
m 0 repro -j 2
check "both finished" test -e a.done -a -e b.done
has_out "[a] a-says-hi"
rm -f a.* b.*
m 1 repro -j 1 --no-run-cache
has_err "stage 'a' failed"
has_err "Skipped stage 'b': not run after an earlier failure"

# A failing stage stops its dependants; -k goes on with the others.
new_repo "$T/fail"
cat > mlops.yaml <<'YAML'
stages:
  bad:
    cmd: echo oops >&2 && exit 3
    outs: [bad.out]
  after:
    cmd: cp bad.out after.out
    deps: [bad.out]
    outs: [after.out]
  other:
    cmd: echo ok > other.out
    outs: [other.out]
YAML
m 1 --json repro -k
json_check '{s["stage"]: s["outcome"] for s in d["stages"]} == {"bad": "failed", "after": "skipped", "other": "ran"}'
has_err "stage 'bad' failed: command exit code 3"
check "failed stage not in the lock" bash -c '! grep -q "^  bad:" mlops.lock'
check "log kept" grep -q oops .mlops/tmp/logs/bad.log

# Errors name file, line and stages; nothing is written.
new_repo "$T/errs"
printf 'stages:\n  a:\n    cmd: x\n    deps: [b.out]\n    outs: [a.out]\n  b:\n    cmd: y\n    deps: [a.out]\n    outs: [b.out]\n' > mlops.yaml
m 2 repro
has_err "dependency cycle: a -> b -> a"
printf 'stages:\n  a:\n    cmd: x\n    outs: [o]\n  b:\n    cmd: y\n    outs: [o]\n' > mlops.yaml
m 2 repro
has_err "stages 'a' and 'b' both write 'o'"
printf 'stages:\n  a:\n    cmd: x\n    params: [nope.key]\n' > mlops.yaml
echo "other: 1" > params.yaml
m 2 repro
has_err "uses param 'nope.key' that 'params.yaml' does not define"
check "no lock written" test ! -e mlops.lock
m 2 repro no-such-stage

# Ctrl-C: the finished stage is recorded, the interrupted one is not, and
# its process group is gone.
new_repo "$T/int"
cat > mlops.yaml <<'YAML'
stages:
  quick:
    cmd: echo q > quick.out
    outs: [quick.out]
  slow:
    cmd: sleep 30 & echo $! > slow.pid; wait
    deps: [quick.out]
    outs: [slow.out]
YAML
"$MLOPS" repro >"$OUT" 2>"$ERR" &
pid=$!
for _ in $(seq 100); do test -s slow.pid && break; sleep 0.1; done
kill -INT $pid
wait $pid
rc=$?
check "interrupted exit 130 (got $rc)" test $rc = 130
check "finished stage recorded" grep -q "^  quick:" mlops.lock
check "interrupted stage not recorded" bash -c '! grep -q "^  slow:" mlops.lock'
# Stopped means gone or a zombie (a container's init may not reap orphans).
check "the stage's child was stopped" bash -c 'st=$(ps -o stat= -p $(cat slow.pid)); [[ -z $st || $st == Z* ]]'
m 0 --json repro --dry-run
json_check '[s["outcome"] for s in d["stages"]] == ["up-to-date", "would-run"]'

# stage add keeps the file's text, refuses duplicates, and its stages run.
new_repo "$T/stages"
printf '# my pipeline\nstages:\n  gen:\n    cmd: echo 1 > a.txt   # first\n    outs: [a.txt]\n' > mlops.yaml
m 0 stage add copy -d a.txt -o b.txt -M score.json -- 'cp a.txt b.txt && echo "{\"n\": 1}" > score.json'
check "comments kept" grep -q "# first" mlops.yaml
m 2 stage add copy -d a.txt -- true
has_err "stage 'copy' already exists"
m 2 stage add loop -d b.txt -o a.txt -- true
has_err "both write 'a.txt'"
check "refused stage not written" bash -c '! grep -q "loop:" mlops.yaml'
m 0 repro
check "added stage ran" test -f b.txt -a -f score.json
m 0 --json stage list
json_check '[s["name"] for s in d["stages"]] == ["gen", "copy"] and d["stages"][1]["outs"][1]["cache"] is False'
m 0 stage add copy -f -d a.txt -o c.txt -- cp a.txt c.txt
check "replaced in place" bash -c '[[ $(grep -c "copy:" mlops.yaml) == 1 ]] && grep -q c.txt mlops.yaml'

# dag: text, DOT, Mermaid, JSON.
m 0 dag
has_out "gen"
has_out "└── copy"
m 0 dag --dot
has_out '"gen" -> "copy";'
m 0 dag --mermaid
has_out "flowchart TD"
m 0 --json dag copy
json_check 'd["edges"] == [{"from": "gen", "to": "copy"}]'

finish
