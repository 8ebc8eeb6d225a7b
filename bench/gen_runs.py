#!/usr/bin/env python3
"""Write N synthetic run records into an mlops cache, as `mlops repro` would
leave them: each record a loose object <cache>/sha256/ab/cdef... (mode 0444)
named by the SHA-256 of its bytes, and a ref <cache>/run-refs/<ID> naming it
(grammar: core/run_record.hpp and core/run_store.hpp). The run index is not
touched: the first mlops command that reads runs builds it.

Usage: gen_runs.py CACHE_DIR N [SEED]
"""
import hashlib
import json
import os
import random
import sys


def write_object(cache, data):
    digest = hashlib.sha256(data).hexdigest()
    path = os.path.join(cache, "sha256", digest[:2], digest[2:])
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o444)
        os.rename(tmp, path)
    return "sha256:" + digest


def record(i, rng, start_ms):
    lr = round(rng.choice([0.001, 0.003, 0.01, 0.03, 0.1, 0.3]) * rng.uniform(0.5, 1.5), 6)
    epochs = rng.randint(1, 50)
    acc = round(min(0.99, 0.5 + rng.random() * 0.5), 6)
    ms = start_ms + i * 1000
    run_id = "%011x%05x" % (ms, rng.randrange(1 << 20))
    out = {"path": "models", "hash": "sha256:" + hashlib.sha256(b"m%d" % i).hexdigest(), "kind": "dir",
           "size": 1000 + i, "files": 3}
    params = {"params.yaml": {"train.lr": lr, "train.epochs": epochs, "train.optimizer": "adam",
                              "prepare.split": 0.8, "prepare.seed": 42}}
    return run_id, {
        "schema": "mlops-run 1", "id": run_id, "name": "exp-%d" % i if i % 10 == 0 else "",
        "kind": "exp", "status": "ok" if i % 50 else "failed",
        "started": "2024-05-01T12:00:00.000Z", "ended": "2024-05-01T12:00:09.000Z", "seconds": 9.0,
        "git": {"commit": hashlib.sha1(b"c%d" % (i // 100)).hexdigest(), "branch": "main", "dirty": i % 3 == 0},
        "host": "bench", "user": "bench", "executor": "local", "targets": [],
        "overrides": {"params.yaml": {"train.lr": lr}}, "params": params,
        "metrics": {"metrics.json": {"acc": acc, "loss": round(1 - acc, 6), "f1": round(acc * 0.97, 6)}},
        "stages": [{"name": "train", "outcome": "ran", "exit_code": 0, "signal": 0, "seconds": 8.5,
                    "started": "2024-05-01T12:00:00.100Z", "executor": "local", "error": "",
                    "lock": {"cmd": ["python train.py"], "deps": [], "params": params, "outs": [out]}}],
    }


def main():
    cache, n = sys.argv[1], int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    refs = os.path.join(cache, "run-refs")
    os.makedirs(refs, exist_ok=True)
    start_ms = 1714564800000
    for i in range(n):
        run_id, rec = record(i, rng, start_ms)
        obj = write_object(cache, (json.dumps(rec, separators=(",", ":")) + "\n").encode())
        with open(os.path.join(refs, run_id), "w") as f:
            f.write(obj + "\n")


if __name__ == "__main__":
    main()
