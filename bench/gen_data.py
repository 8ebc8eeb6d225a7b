#!/usr/bin/env python3
"""Generate the benchmark datasets A-D of shared/BENCH.md (Python 3 stdlib only).

Usage: gen_data.py DATA_DIR [A B C D ...]

Layout written under DATA_DIR:
  A/big.bin                          one 2 GiB file
  B/cNN/sNN/fNNNN.bin                20 x 10 x 100 = 20,000 files x 16 KiB
  C/cNN/sNN/tNN/fNNNN.bin            20 x 10 x 10 x 100 = 200,000 files x 1 KiB
  D/...                              a full copy of B with 1% changed, 1% added, 1% deleted
  D-changes/{changed,added,deleted}.txt  the paths (relative to D/) of those changes

Contents are os.urandom bytes, so nothing is compressible or deduplicable by accident.
The *shape* (names, sizes, which files D changes) is fixed, so every run on every machine
measures the same work; the bytes differ between machines, which no tool here can exploit.

BENCH_SMOKE=1 makes small stand-ins of the same shapes, to check that the scripts work
(2 x 2 instead of 20 x 10 directories at the top of B, C and D, A of 64 MiB); their
figures mean nothing. Keep them in their own BENCH_DIR: their markers differ, so a full
run never takes them for the real datasets.

Each dataset is built in a temporary sibling directory and renamed into place once
complete, followed by a marker file: a second call finds the marker and skips the
dataset, and an interrupted call leaves no half-built dataset that looks finished.
"""

import os
import shutil
import sys

# Bump when the shape changes so stale datasets are rebuilt rather than silently reused.
SHAPE_VERSION = "1"

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB


def tree_paths(levels):
    """Relative paths of a tree: levels = [(prefix, count), ...], the last level is files."""
    paths = [""]
    for prefix, count in levels[:-1]:
        paths = [os.path.join(p, f"{prefix}{i:02d}") for p in paths for i in range(count)]
    prefix, count = levels[-1]
    return [os.path.join(p, f"{prefix}{i:04d}.bin") for p in paths for i in range(count)]


SMOKE = os.environ.get("BENCH_SMOKE") == "1"
TOP = [("c", 2), ("s", 2)] if SMOKE else [("c", 20), ("s", 10)]
B_LEVELS = TOP + [("f", 100)]
C_LEVELS = TOP + [("t", 2 if SMOKE else 10), ("f", 100)]
A_SIZE = 64 * MIB if SMOKE else 2 * GIB


def write_random(path, size, chunk=16 * MIB):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        left = size
        while left:
            n = min(chunk, left)
            f.write(os.urandom(n))
            left -= n


def build_tree(dst, levels, size):
    for rel in tree_paths(levels):
        write_random(os.path.join(dst, rel), size)


def build_a(dst):
    write_random(os.path.join(dst, "big.bin"), A_SIZE)


def build_b(dst):
    build_tree(dst, B_LEVELS, 16 * KIB)


def build_c(dst):
    build_tree(dst, C_LEVELS, 1 * KIB)


def d_changes():
    """Which of B's files D changes, deletes and adds: one of each per leaf directory.

    B has 200 leaf directories of 100 files, so one file per directory is exactly 1% of
    the files, spread evenly over the tree (every directory manifest is touched, which is
    the hard case for an incremental add).
    """
    leaves = sorted({os.path.dirname(p) for p in tree_paths(B_LEVELS)})
    changed = [os.path.join(d, "f0013.bin") for d in leaves]
    deleted = [os.path.join(d, "f0057.bin") for d in leaves]
    added = [os.path.join(d, "f0100.bin") for d in leaves]
    return changed, added, deleted


def build_d(dst, data_dir):
    src = os.path.join(data_dir, "B")
    if not os.path.exists(marker(data_dir, "B")):
        sys.exit("gen_data: dataset D is derived from B: generate B first")
    # A real copy, not hard links: tools under test may chmod or move files they add.
    shutil.copytree(src, dst, symlinks=True)
    changed, added, deleted = d_changes()
    for rel in changed + added:
        write_random(os.path.join(dst, rel), 16 * KIB)
    for rel in deleted:
        os.unlink(os.path.join(dst, rel))
    lists = os.path.join(data_dir, "D-changes")
    shutil.rmtree(lists, ignore_errors=True)
    os.makedirs(lists)
    for name, items in (("changed", changed), ("added", added), ("deleted", deleted)):
        with open(os.path.join(lists, name + ".txt"), "w") as f:
            f.write("".join(p + "\n" for p in items))


BUILDERS = {"A": build_a, "B": build_b, "C": build_c, "D": None}


def marker(data_dir, name):
    return os.path.join(data_dir, f".{name}.done-v{SHAPE_VERSION}{'-smoke' if SMOKE else ''}")


def generate(data_dir, name):
    final = os.path.join(data_dir, name)
    if os.path.exists(marker(data_dir, name)):
        print(f"gen_data: {name} already generated in {final}, skipping")
        return
    tmp = final + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(final, ignore_errors=True)
    print(f"gen_data: generating {name} in {final} ...", flush=True)
    if name == "D":
        build_d(tmp, data_dir)
    else:
        BUILDERS[name](tmp)
    os.rename(tmp, final)
    with open(marker(data_dir, name), "w") as f:
        f.write(SHAPE_VERSION + "\n")


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    data_dir = argv[1]
    names = argv[2:] or ["A", "B", "C", "D"]
    for n in names:
        if n not in BUILDERS:
            sys.exit(f"gen_data: unknown dataset {n!r} (expected A, B, C or D)")
    os.makedirs(data_dir, exist_ok=True)
    # D is derived from B, so build B first whatever order was asked for.
    if "D" in names and "B" not in names:
        names = ["B"] + names
    for n in sorted(set(names), key="ABCD".index):
        generate(data_dir, n)


if __name__ == "__main__":
    main(sys.argv)
