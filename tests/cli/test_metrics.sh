#!/usr/bin/env bash
# mlops metrics show|diff, params diff and plots show|diff over a real git
# repository with three commits: values and changes, --json, --md, --all,
# --all-commits, files missing at a revision, malformed files.
. "$(dirname "$0")/lib.sh"

new_repo "$T/r"
cat > mlops.yaml <<'EOF'
stages:
  train:
    cmd: python train.py
    deps: [train.py]
    params: [train.lr, train.epochs, model]
    metrics: [{path: metrics.json, cache: false}]
    plots: [plots/loss.csv]
EOF
echo 'print("train")' > train.py
run 0 git add -A && run 0 git commit -qm "pipeline, no results yet"

mkdir -p plots
cat > params.yaml <<'EOF'
train:
  lr: 0.1
  epochs: 10
  unused: 1
model:
  layers: [64, 32]
other: 5
EOF
echo '{"acc": 0.8, "loss": 0.5, "epochs": 10, "eval": {"f1": 0.7}}' > metrics.json
printf 'step,loss,acc\n1,0.9,0.5\n2,0.7,0.6\n' > plots/loss.csv
run 0 git add -A && run 0 git commit -qm v1

sed -i 's/lr: 0.1/lr: 0.01/; s/other: 5/other: 6/' params.yaml
echo '{"acc": 0.85, "loss": 0.4, "epochs": 10, "eval": {"f1": 0.75}, "auc": 0.9}' > metrics.json
printf 'step,loss,acc\n1,0.8,0.55\n2,0.6,0.7\n3,0.45,0.75\n' > plots/loss.csv
run 0 git add -A && run 0 git commit -qm v2

# show: the declared metrics file, one column per key.
m 0 metrics show
has_out "Path          acc   loss  epochs  eval.f1  auc"
has_out "metrics.json  0.85  0.4   10      0.75     0.9"
m 0 --json metrics show
json_check 'd["revisions"][0]["rev"] == "workspace" and d["revisions"][0]["commit"] is None'
json_check 'd["revisions"][0]["files"][0]["metrics"] == {"acc": 0.85, "loss": 0.4, "epochs": 10, "eval.f1": 0.75, "auc": 0.9}'
json_check 'isinstance(d["revisions"][0]["files"][0]["metrics"]["epochs"], int)'
m 0 metrics show --md
has_out "| Path | acc | loss | epochs | eval.f1 | auc |"
has_out "|---|---|---|---|---|---|"
has_out "| metrics.json | 0.85 | 0.4 | 10 | 0.75 | 0.9 |"
m 0 metrics show params.yaml              # any file, named
has_out "params.yaml  0.01      10            1             64              32              6"

# --all-commits: the workspace, then each commit that has the file, newest first.
m 0 metrics show --all-commits
has_out "Revision   Path          acc   loss  epochs  eval.f1  auc"
v2=$(git rev-parse --short=7 HEAD) v1=$(git rev-parse --short=7 HEAD~1)
has_out "$v2    metrics.json  0.85  0.4   10      0.75     0.9"
has_out "$v1    metrics.json  0.8   0.5   10      0.7      -"
m 0 --json metrics show --all-commits
json_check '[r["rev"] for r in d["revisions"]] == ["workspace", "'"$v2"'", "'"$v1"'"]'
json_check 'len(d["revisions"][2]["commit"]) == 40 and d["revisions"][2]["files"][0]["metrics"]["acc"] == 0.8'

# diff: HEAD~1 against the workspace; changed values only, rounded changes.
m 0 metrics diff HEAD~1
has_out "Path          Metric   Old  New   Change"
has_out "metrics.json  acc      0.8  0.85  0.05"
has_out "metrics.json  loss     0.5  0.4   -0.1"
has_out "metrics.json  eval.f1  0.7  0.75  0.05"
has_out "metrics.json  auc      -    0.9   -"
no_out "epochs"
m 0 metrics diff HEAD~1 --all --precision 1
has_out "metrics.json  epochs   10   10   0"
has_out "metrics.json  acc      0.8  0.8  0.05"
m 0 --json metrics diff HEAD~1 HEAD
json_check 'd["a"]["rev"] == "HEAD~1" and d["b"]["rev"] == "HEAD" and len(d["b"]["commit"]) == 40 and d["changed"]'
json_check '{c["key"]: c["state"] for c in d["files"][0]["changes"]} == {"acc": "changed", "loss": "changed", "eval.f1": "changed", "auc": "added"}'
json_check '[c for c in d["files"][0]["changes"] if c["key"] == "acc"][0]["old"] == 0.8'
json_check 'abs([c for c in d["files"][0]["changes"] if c["key"] == "acc"][0]["change"] - 0.05) < 1e-9'
json_check '[c for c in d["files"][0]["changes"] if c["key"] == "auc"][0]["old"] is None'
m 0 --json metrics diff HEAD~1 --all
json_check '[c for c in d["files"][0]["changes"] if c["key"] == "epochs"][0] == {"key": "epochs", "state": "unchanged", "old": 10, "new": 10, "change": 0}'
m 0 metrics diff HEAD~1 --md
has_out "| Path | Metric | Old | New | Change |"
has_out "| metrics.json | acc | 0.8 | 0.85 | 0.05 |"

m 1 metrics diff HEAD~1 --exit-code      # for CI: differences exit 1
has_out "metrics.json  acc      0.8  0.85  0.05"

# Nothing changed since HEAD: no table, a note.
m 0 metrics diff --exit-code
[[ -s "$OUT" ]] && fail "an unchanged diff printed a table" || ok
has_err "No changes."
m 0 --json metrics diff
json_check 'not d["changed"] and d["files"][0]["changes"] == []'

# A workspace change shows against HEAD; a removed key is "removed".
echo '{"acc": 0.9, "loss": 0.4, "epochs": 10, "eval": {"f1": 0.75}}' > metrics.json
m 0 metrics diff
has_out "metrics.json  acc     0.85  0.9  0.05"
has_out "metrics.json  auc     0.9   -    -"
m 0 --json metrics diff
json_check '[c["state"] for c in d["files"][0]["changes"] if c["key"] == "auc"] == ["removed"]'
run 0 git checkout -q metrics.json

# A revision without the file: reported, not an error; its keys count as added.
m 0 metrics diff HEAD~2
has_err "metrics.json: not in HEAD~2"
has_out "metrics.json  acc      -    0.85  -"
m 0 --json metrics diff HEAD~2
json_check 'd["files"][0]["old_missing"] and not d["files"][0]["new_missing"]'

# params diff: only the keys stages use, from their files.
m 0 params diff HEAD~1
has_out "Path         Param     Old  New   Change"
has_out "params.yaml  train.lr  0.1  0.01  -0.09"
no_out "other"
no_out "unused"
m 0 params diff HEAD~1 --all
has_out "params.yaml  train.epochs    10   10    0"
has_out "params.yaml  model.layers.0  64   64    0"
no_out "unused"
m 0 --json params diff HEAD~1
json_check 'd["files"][0]["path"] == "params.yaml" and [c["key"] for c in d["files"][0]["changes"]] == ["train.lr"]'
m 0 params diff HEAD~1 --targets params.yaml   # the whole file
has_out "params.yaml  other     5    6     1"
m 0 params diff HEAD~1 --md
has_out "| params.yaml | train.lr | 0.1 | 0.01 | -0.09 |"
m 0 params diff --exit-code
has_err "No changes."
m 1 params diff HEAD~1 --exit-code

# Bad revisions and malformed files: clear errors naming them.
m 2 metrics diff no-such-rev
has_err "unknown revision 'no-such-rev'"
echo '{"acc": 0.9,' > metrics.json
m 2 metrics show
has_err "metrics.json:2:1: invalid JSON"
m 2 metrics diff
has_err "metrics.json:2:1: invalid JSON"
echo 'acc: [1, 2' > broken.yaml
m 2 metrics show broken.yaml
has_err "broken.yaml:2:1: invalid YAML"
run 0 git add -A && run 0 git commit -qm "broken metrics"
m 2 metrics diff HEAD~1 HEAD
has_err "HEAD:metrics.json:2:1: invalid JSON"
run 0 git reset -q --hard HEAD~1
echo 'a b' > notes.txt
m 2 metrics show notes.txt
has_err "notes.txt: unknown file type"
m 0 metrics show missing.json
has_err "missing.json: not in the workspace"

# plots: one HTML report with an SVG chart per numeric column.
m 0 plots show
has_out "mlops_plots.html"
check "plots show wrote the report" test -s mlops_plots.html
check "the report has a chart per column" test "$(grep -c '<svg' mlops_plots.html)" -eq 2
check "the report names the file" grep -q 'plots/loss.csv' mlops_plots.html
check "the report has no script" bash -c '! grep -qi "<script" mlops_plots.html'
m 0 plots diff HEAD~1 -o review/report.html
has_out "review/report.html"
check "plots diff draws one line per revision" test "$(grep -c 'class="series"' review/report.html)" -eq 4
check "plots diff labels the revisions" grep -q '>HEAD~1</text>' review/report.html
m 0 --json plots show
json_check 'd["output"] is None and d["files"][0]["path"] == "plots/loss.csv"'
json_check 'd["files"][0]["revisions"][0]["x"] == "step" and d["files"][0]["revisions"][0]["rows"][2] == {"step": 3, "loss": 0.45, "acc": 0.75}'
m 0 --json plots diff HEAD~2 HEAD -o both.html
json_check 'd["files"][0]["missing_in"] == ["HEAD~2"] and [r["rev"] for r in d["files"][0]["revisions"]] == ["HEAD"]'
json_check 'd["output"] == "both.html"'
check "--json with -o writes the report" grep -q 'Not in HEAD~2.' both.html
printf 'step,loss\n1\n' > plots/loss.csv
m 2 plots show
has_err "plots/loss.csv:2:1: invalid plot data"
run 0 git checkout -q plots/loss.csv

# Outputs kept in the cache, not in git (`cache: true`, the default): read at
# a commit through its mlops.lock.
new_repo "$T/cached"
echo "train: {lr: 0.5}" > params.yaml
cat > mlops.yaml <<'EOF'
stages:
  train:
    cmd:
      - 'printf "{\"acc\": %s}\n" ${train.lr} > scores.json'
      - 'printf "step,loss\n1,%s\n2,0.1\n" ${train.lr} > curve.csv'
    params: [train.lr]
    metrics: [scores.json]
    plots: [curve.csv]
EOF
m 0 repro
run 0 git add -A && run 0 git commit -qm "first run"
check "the cached metrics file is not in git" bash -c '! git cat-file -e HEAD:scores.json 2>/dev/null'
echo "train: {lr: 0.25}" > params.yaml
m 0 repro
m 0 metrics diff
has_out "scores.json  acc     0.5  0.25  -0.25"
m 0 --json plots diff HEAD
json_check '[r["rev"] for r in d["files"][0]["revisions"]] == ["HEAD", "workspace"]'
json_check 'd["files"][0]["revisions"][0]["rows"][0]["loss"] == 0.5'
run 0 git add -A && run 0 git commit -qm "second run"
m 0 metrics show --all-commits
has_out "scores.json  0.25"
has_out "scores.json  0.5"
# Without the object in the cache the file counts as missing at that commit.
rm -rf .mlops/cache/*
m 0 metrics diff HEAD~1 HEAD
has_err "scores.json: in neither HEAD~1 nor HEAD"

# Without mlops.yaml nothing is declared: metrics say so, plots need files.
mkdir "$T/plain" && cd "$T/plain" && git init -q . && "$MLOPS" -q init >/dev/null
m 0 metrics show
has_err "No metrics files"
m 2 plots show
has_err "no plot files"
printf 'epoch,score\n1,2\n' > s.csv
m 0 plots show s.csv
check "a named plot file renders without a pipeline" grep -q '<path class="series"' mlops_plots.html

finish
