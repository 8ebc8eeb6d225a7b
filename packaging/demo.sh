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

# Edge delivery: a signed bundle of the model, deployed to a mounted device
# (file://) and to a local agent over HTTPS with mutual TLS.
export XDG_CONFIG_HOME="$DEMO-edge/config"
mkdir -p "$DEMO-edge/mounted" "$DEMO-edge/agent" "$DEMO-edge/certs"
step mlops keys generate
step mlops bundle create models --name demo-model --version 1 -o "$DEMO-edge/demo-model-1.mlbundle"
step mlops target add mounted "file://$DEMO-edge/mounted"
step mlops deploy "$DEMO-edge/demo-model-1.mlbundle" --to mounted
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
step mlops deploy "$DEMO-edge/demo-model-1.mlbundle" --to mounted,device
echo "a better model" >> models/model.bin
step mlops deploy models --name demo-model --version 2 --to mounted,device
step mlops deploy status --to mounted,device
step mlops deploy rollback demo-model --to mounted,device
step mlops deploy status demo-model --to device
kill "$AGENT_PID" && wait "$AGENT_PID" || true
AGENT_PID=
echo
echo "demo finished"
