#!/usr/bin/env python3
"""Writes an mlops bundle whose payload holds whatever entries a test asks for
(escaping paths, links, devices), signed with an mlops secret key through the
openssl command line. An implementation of the bundle format (core/bundle.hpp)
independent of mlops, so the suites also check that the two agree.

usage: craft_bundle.py OUT KEY.pem NAME VERSION LISTED ENTRIES
  LISTED   JSON object: path -> content, the files the manifest lists
  ENTRIES  JSON list of payload entries, in order:
           {"path": P, "type": "file"|"symlink"|"hardlink"|"dir"|"fifo", "data": D, "link": L}
"""
import base64, hashlib, io, json, os, subprocess, sys, tarfile, tempfile, time


def openssl_sign(key, message):
    with tempfile.NamedTemporaryFile() as f:
        f.write(message)
        f.flush()
        return subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", key, "-rawin", "-in", f.name],
                              check=True, capture_output=True).stdout


def public_key(key):
    der = subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return der[-32:]


def tar_bytes(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            info = tarfile.TarInfo(e["path"])
            data = e.get("data", "").encode()
            kind = e.get("type", "file")
            info.type = {"file": tarfile.REGTYPE, "symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE,
                         "dir": tarfile.DIRTYPE, "fifo": tarfile.FIFOTYPE}[kind]
            info.linkname = e.get("link", "")
            info.mode = 0o755 if kind == "dir" else 0o644
            info.size = len(data) if kind == "file" else 0
            t.addfile(info, io.BytesIO(data) if kind == "file" else None)
    return buf.getvalue()


def main(out, key, name, version, listed, entries):
    files = [{"path": p, "sha256": hashlib.sha256(c.encode()).hexdigest(), "size": len(c.encode()), "mode": "0644"}
             for p, c in sorted(json.loads(listed).items())]
    manifest = (json.dumps({"format": 1, "name": name, "version": version, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                            "files": files}, indent=2) + "\n").encode()
    digest = hashlib.sha256(manifest).hexdigest()
    comment = f"mlops-bundle/1 name={name} version={version} digest=sha256:{digest}"
    pk = public_key(key)
    key_id = hashlib.sha256(pk).digest()[:8]
    sig = openssl_sign(key, hashlib.blake2b(manifest, digest_size=64).digest())
    global_sig = openssl_sign(key, sig + comment.encode())
    minisig = ("untrusted comment: crafted\n" + base64.b64encode(b"ED" + key_id + sig).decode() + "\n" +
               "trusted comment: " + comment + "\n" + base64.b64encode(global_sig).decode() + "\n").encode()
    payload = subprocess.run(["zstd", "-q", "-c"], input=tar_bytes(json.loads(entries)),
                             check=True, capture_output=True).stdout
    with open(out, "wb") as f:
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
            for path, data in [("version", b"mlops-bundle 1\n"), ("manifest.json", manifest),
                               ("manifest.minisig", minisig), ("payload.tar.zst", payload)]:
                info = tarfile.TarInfo(path)
                info.size = len(data)
                info.mode = 0o644
                t.addfile(info, io.BytesIO(data))
        f.write(buf.getvalue())


if __name__ == "__main__":
    main(*sys.argv[1:])
