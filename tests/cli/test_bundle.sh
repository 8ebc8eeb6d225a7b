#!/usr/bin/env bash
# keys generate/list/export, bundle create/verify/inspect; signatures checked by
# minisign (when installed) and by an independent verifier (python + openssl).
. "$(dirname "$0")/lib.sh"

KEYS="$XDG_CONFIG_HOME/mlops/keys"

# --- keys
m 0 keys generate
has_out "key default  id "
check "secret key mode 0600" test "$(stat -c %a "$KEYS/default.key")" = 600
check "key directory mode 0700" test "$(stat -c %a "$KEYS")" = 700
check "secret key is PKCS#8 PEM" grep -q "BEGIN PRIVATE KEY" "$KEYS/default.key"
check "openssl reads it" openssl pkey -in "$KEYS/default.key" -noout
m 2 keys generate
has_err "exists"
m 0 --json keys generate --force
json_check 'd["name"] == "default" and len(d["key_id"]) == 16 and d["has_secret"] and not d["encrypted"]'
KEYID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["key_id"])' "$OUT")
printf 'correct horse\n' > "$T/pass"
m 0 keys generate --name locked --passphrase-file "$T/pass"
check "encrypted PEM" grep -q "BEGIN ENCRYPTED PRIVATE KEY" "$KEYS/locked.key"
m 2 keys generate --name ../evil
m 0 keys list
has_out "default	$KEYID	secret"
has_out "locked	"
has_out "secret (encrypted)"
m 0 keys export
has_out "untrusted comment: minisign public key $KEYID"
cp "$OUT" "$T/default.pub"
m 2 keys export nosuchkey
has_err "no key named 'nosuchkey'"

# --- bundle create / verify / inspect
mkdir -p "$T/model/sub"
head -c 2000000 /dev/urandom > "$T/model/weights.bin"
echo '{"lr": 0.1}' > "$T/model/sub/config.json"
printf '#!/bin/sh\nexit 0\n' > "$T/model/check.sh" && chmod +x "$T/model/check.sh"
printf 'lr: 0.1\nlayers: [1, 2]\n' > "$T/params.yaml"
cd "$T"
m 0 bundle create model --name churn --version 1.0.0 --health-cmd ./check.sh --params params.yaml --requires arch=x86_64
has_out "churn-1.0.0.mlbundle"
check "bundle file written" test -f churn-1.0.0.mlbundle
check "tar lists the entries in order" test "$(tar -tf churn-1.0.0.mlbundle | tr '\n' ' ')" = "version manifest.json manifest.minisig payload.tar.zst "
m 0 bundle verify churn-1.0.0.mlbundle
has_out "verified"
has_out "churn 1.0.0  3 file(s)"
m 0 bundle verify churn-1.0.0.mlbundle --key "$T/default.pub"
m 5 bundle verify churn-1.0.0.mlbundle --key locked
has_err "not a trusted key"
m 0 --json bundle inspect churn-1.0.0.mlbundle
json_check 'd["name"] == "churn" and d["version"] == "1.0.0" and [f["path"] for f in d["files"]] == ["check.sh", "sub/config.json", "weights.bin"] and d["files"][0]["mode"] == "0755" and d["health"]["cmd"] == "./check.sh" and d["params"] == {"lr": 0.1, "layers": [1, 2]} and d["requires"] == {"arch": "x86_64"} and d["signed_by"] == "'"$KEYID"'"'
m 0 bundle inspect churn-1.0.0.mlbundle
has_out "weights.bin"
has_out "signed by"

# The signature is minisign's: check it with minisign itself and with an
# independent implementation (BLAKE2b-512 prehash, Ed25519 via openssl).
mkdir -p x && tar -xf churn-1.0.0.mlbundle -C x
if command -v minisign >/dev/null; then
  run 0 minisign -Vm x/manifest.json -x x/manifest.minisig -p "$T/default.pub"
  has_out "name=churn version=1.0.0"
else
  echo "note: minisign is not installed; its own check is skipped"
fi
verify_minisig() {  # verify_minisig MESSAGE MINISIG PUB
  python3 - "$@" <<'PY'
import base64, hashlib, subprocess, sys, tempfile
msg = open(sys.argv[1], "rb").read()
lines = open(sys.argv[2]).read().splitlines()
pub = base64.b64decode(open(sys.argv[3]).read().splitlines()[1])
raw = base64.b64decode(lines[1])
assert raw[:2] == b"ED" and pub[:2] == b"Ed" and raw[2:10] == pub[2:10]
der = bytes.fromhex("302a300506032b6570032100") + pub[10:]
def verify(data, sig):
    with tempfile.NamedTemporaryFile() as k, tempfile.NamedTemporaryFile() as d, tempfile.NamedTemporaryFile() as s:
        k.write(der); k.flush(); d.write(data); d.flush(); s.write(sig); s.flush()
        r = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey", k.name,
                            "-rawin", "-in", d.name, "-sigfile", s.name], capture_output=True)
        return r.returncode == 0
assert verify(hashlib.blake2b(msg, digest_size=64).digest(), raw[10:])
comment = lines[2][len("trusted comment: "):]
assert verify(raw[10:] + comment.encode(), base64.b64decode(lines[3]))
PY
}
check "independent verifier accepts the signature" verify_minisig x/manifest.json x/manifest.minisig "$T/default.pub"
echo ' ' >> x/manifest.json
refused() { ! verify_minisig "$@" 2>/dev/null; }
check "independent verifier refuses a changed manifest" refused x/manifest.json x/manifest.minisig "$T/default.pub"

# An encrypted key needs its passphrase.
m 2 bundle create model --key locked -o locked.mlbundle
has_err "passphrase"
printf 'wrong\n' > "$T/wrong"
m 2 bundle create model --key locked --passphrase-file "$T/wrong" -o locked.mlbundle
has_err "wrong passphrase"
m 0 --json bundle create model --key locked --passphrase-file "$T/pass" -o locked.mlbundle
json_check 'd["name"] == "model" and len(d["version"]) == 12 and d["files"] == 3'
check "nothing left but the bundles" test "$(ls -A "$T" | grep -c mlops-bundle)" = 0

# A tracked path is bundled from the cache as its pointer records it.
new_repo "$T/repo"
mkdir models && echo "tracked weights" > models/w.bin
run 0 "$MLOPS" -q add models
echo "edited but not added" > models/w.bin
m 0 --json bundle create models --version 2 -o "$T/tracked.mlbundle"
json_check 'd["name"] == "models" and d["files"] == 1'
mkdir "$T/tx" && tar -xf "$T/tracked.mlbundle" -C "$T/tx" && tar --zstd -xf "$T/tx/payload.tar.zst" -C "$T/tx"
check "the recorded content, not the edit" grep -qx "tracked weights" "$T/tx/w.bin"
cd "$T"

# Bad input: not a bundle, missing, nothing to bundle, unsafe names.
echo "hello" > notabundle.mlbundle
m 5 bundle verify notabundle.mlbundle
has_err "notabundle.mlbundle"
m 2 bundle verify missing.mlbundle
mkdir empty
m 2 bundle create empty
has_err "no files"
m 2 bundle create model --name ../x
has_err "invalid bundle name"

finish
