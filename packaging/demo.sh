#!/usr/bin/env bash
# The quick-start behind `make demo`: the real mlops binary, end to end, on
# embedded defaults (local cache, local remote, SQLite, local executor), in a
# throwaway git repository. Each step prints the command it runs.
set -euo pipefail
MLOPS=$(readlink -f "${1:-build/cli/mlops}")
DEMO=$(mktemp -d "${TMPDIR:-/tmp}/mlops-demo.XXXXXX")
AGENT_PID=
trap '[ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null; rm -rf "$DEMO" "$DEMO-remote" "$DEMO-edge"' EXIT
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

# Pipelines: three stages of standard-library Python, run, changed, rerun.
pipeline() {
  mkdir -p src
  cat >src/prepare.py <<'PY'
import csv, random, sys
random.seed(int(sys.argv[1]))
rows = [(x / 100, 3 * x / 100 + random.gauss(0, 0.1)) for x in range(200)]
with open("data/points.csv", "w", newline="") as f:
    csv.writer(f).writerows(rows)
PY
  cat >src/train.py <<'PY'
import csv, json, sys
lr, epochs = float(sys.argv[1]), int(sys.argv[2])
pts = [(float(x), float(y)) for x, y in csv.reader(open("data/points.csv"))]
w, losses = 0.0, []
for step in range(epochs):
    grad = sum(2 * (w * x - y) * x for x, y in pts) / len(pts)
    w -= lr * grad
    losses.append(sum((w * x - y) ** 2 for x, y in pts) / len(pts))
json.dump({"w": w}, open("models/linear.json", "w"))
with open("loss.csv", "w") as f:
    f.write("step,loss\n" + "".join(f"{i},{l}\n" for i, l in enumerate(losses)))
PY
  cat >src/evaluate.py <<'PY'
import csv, json
w = json.load(open("models/linear.json"))["w"]
pts = [(float(x), float(y)) for x, y in csv.reader(open("data/points.csv"))]
mse = sum((w * x - y) ** 2 for x, y in pts) / len(pts)
json.dump({"mse": round(mse, 6), "w": round(w, 4)}, open("metrics.json", "w"))
PY
  printf 'prepare:\n  seed: 7\ntrain:\n  lr: 0.1\n  epochs: 20\n' >params.yaml
  step mlops stage add prepare -d src/prepare.py -p prepare.seed -o data/points.csv -- python3 src/prepare.py '${prepare.seed}'
  step mlops stage add train -d src/train.py -d data/points.csv -p train.lr -p train.epochs -o models/linear.json \
    --plots loss.csv -- python3 src/train.py '${train.lr}' '${train.epochs}'
  step mlops stage add evaluate -d src/evaluate.py -d models/linear.json -M metrics.json -- python3 src/evaluate.py
  step mlops dag
  step mlops repro
  step cat metrics.json
  step git add -A
  step git commit -q -m "Pipeline: prepare, train, evaluate"
  step mlops repro
  step sed -i 's/epochs: 20/epochs: 40/' params.yaml
  step mlops status --explain
  step mlops repro
  step sed -i 's/epochs: 40/epochs: 20/' params.yaml
  step mlops repro
}
pipeline
# Experiments on that pipeline: two runs with overridden params, recorded and
# compared in one table; params.yaml itself stays as committed.
demo_experiments() {
  step mlops exp run -S train.lr=0.05 -n slow-lr
  step mlops exp run -S train.lr=0.2 -S train.epochs=40 -n fast-lr
  step git diff --exit-code params.yaml
  step mlops exp show --sort-by mse
  step mlops exp diff slow-lr fast-lr
  step mlops exp apply fast-lr
  step mlops status
  # The better run becomes a registered model version, promoted to prod.
  step git commit -q -am "Adopt the fast-lr experiment"
  step mlops model register linear --stage-out train:models/linear.json -m "fast-lr: lowest mse"
  step mlops model promote linear@1.0.0 --stage prod
  step mlops model which linear --stage prod
  step mlops model history linear
}
demo_experiments
# Edge delivery: the model promoted to prod, fetched from the registry and
# signed into a bundle, deployed to a mounted device (file://) and to a local
# agent over HTTPS with mutual TLS.
export XDG_CONFIG_HOME="$DEMO-edge/config"
mkdir -p "$DEMO-edge/mounted" "$DEMO-edge/agent" "$DEMO-edge/certs"
step mlops keys generate
step mlops bundle create linear --stage prod -o "$DEMO-edge/linear-1.0.0.mlbundle"
step mlops target add mounted "file://$DEMO-edge/mounted"
step mlops deploy "$DEMO-edge/linear-1.0.0.mlbundle" --to mounted
(
  cd "$DEMO-edge/certs"
  EC=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 "${EC[@]}" -keyout ca.key -out ca.crt -days 1 -subj "/CN=demo CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
  for who in server client; do
    openssl req -new "${EC[@]}" -keyout $who.key -out $who.csr -subj "/CN=$who" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=%sAuth\n' $who >$who.ext
    openssl x509 -req -in $who.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -out $who.crt -extfile $who.ext 2>/dev/null
  done
)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
C="$DEMO-edge/certs"
echo "\$ mlops agent serve --root $DEMO-edge/agent --listen 127.0.0.1:$PORT --tls-cert server.crt --tls-key server.key --client-ca ca.crt --trust default &"
"$MLOPS" agent serve --root "$DEMO-edge/agent" --listen "127.0.0.1:$PORT" --tls-cert "$C/server.crt" --tls-key "$C/server.key" \
  --client-ca "$C/ca.crt" --trust default >"$DEMO-edge/agent.log" 2>&1 &
AGENT_PID=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.05; done
step mlops target add device "https://127.0.0.1:$PORT" --ca "$C/ca.crt" --cert "$C/client.crt" --key "$C/client.key"
step mlops deploy linear --stage prod --to mounted,device
echo "a better model" >> models/model.bin
step mlops deploy models --name linear --version 2.0.0-dev --to mounted,device
step mlops deploy status --to mounted,device
step mlops deploy rollback linear --to mounted,device
step mlops deploy status linear --to device
kill "$AGENT_PID" && wait "$AGENT_PID" || true
AGENT_PID=
echo
echo "demo finished"
