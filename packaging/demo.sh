#!/usr/bin/env bash
# The quick-start behind `make demo`: the real mlops binary, end to end, on
# embedded defaults (local cache, local remote, SQLite, local executor), in a
# throwaway git repository. Each step prints the command it runs.
set -euo pipefail
MLOPS=$(readlink -f "${1:-build/cli/mlops}")
DEMO=$(mktemp -d "${TMPDIR:-/tmp}/mlops-demo.XXXXXX")
trap 'rm -rf "$DEMO" "$DEMO-remote"' EXIT
export GIT_AUTHOR_NAME=demo GIT_AUTHOR_EMAIL=demo@example.com GIT_COMMITTER_NAME=demo GIT_COMMITTER_EMAIL=demo@example.com

step() {
  printf '\n\033[1m$ %s\033[0m\n' "$*"
  "$@"
}
mlops() { "$MLOPS" "$@"; }

cd "$DEMO"
echo "demo repository: $DEMO"
step git init -q -b main .
step mlops init
step git add .mlops
step git commit -q -m "Initialise mlops"
step mlops config core.link_type reflink,hardlink,copy
step mlops config list --show-origin
step mlops doctor

# Data: a small image-like dataset and a model file.
python3 - <<'PY'
import os
for c in range(4):
    os.makedirs(f"data/images/c{c}", exist_ok=True)
    for i in range(50):
        with open(f"data/images/c{c}/img{i:03}.bin", "wb") as f:
            f.write(os.urandom(4096))
os.makedirs("models", exist_ok=True)
with open("models/model.bin", "wb") as f:
    f.write(os.urandom(3 << 20))
PY
step mlops add data/images models/model.bin
step git add data models
step git commit -q -m "Track images and model with mlops"
step mlops status

echo "changed" >> data/images/c0/img000.bin
rm data/images/c1/img001.bin
echo "new" > data/images/c2/extra.bin
step mlops status
step mlops commit data/images
step git commit -q -am "Update images"

step rm -rf data/images models/model.bin
step mlops status
step mlops checkout
step mlops --json status

step git checkout -q HEAD~1
step mlops checkout
step test ! -e data/images/c2/extra.bin
step git checkout -q main
step mlops checkout
step mlops fsck

# Remotes: push to a local-directory remote, lose cache and workspace, pull back.
step mlops remote add -d storage "$DEMO-remote"
step mlops push
step mlops status --remote
step rm -rf .mlops/cache data/images models/model.bin
step mlops pull
step mlops status

# Experiments: a pipeline whose accuracy depends on a param, run twice with
# different values; every run is recorded and compared in one table.
demo_experiments() {
  cat > params.yaml <<'YAML'
train:
  lr: 0.1   # learning rate
  epochs: 5
YAML
  cat > train.sh <<'SH'
mkdir -p models
echo "lr=$1 epochs=$2" > models/churn.txt
awk -v lr="$1" -v e="$2" 'BEGIN { printf "{\"acc\": %.3f, \"loss\": %.3f}\n", 0.95 - (lr - 0.05) ^ 2 - 1 / (e * 10), lr / e }' > metrics.json
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
  step git add params.yaml train.sh mlops.yaml
  step git commit -q -m "Add a training pipeline"
  step mlops repro
  step mlops exp run -S train.lr=0.05 -n slow-lr
  step mlops exp run -S train.lr=0.2 -S train.epochs=10 -n fast-lr
  step git diff --exit-code params.yaml
  step mlops exp show --sort-by acc --desc
  step mlops exp diff slow-lr fast-lr
  step mlops exp apply slow-lr
  step mlops status
}
demo_experiments
echo
echo "demo finished"
