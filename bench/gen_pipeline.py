#!/usr/bin/env python3
"""Write an N-stage pipeline and the equivalent build.ninja into DIR.

Stages come in chains of ten: stage i reads its own source file and, unless it
starts a chain, the out of stage i-1; it writes out/o<i>.txt. The same graph as
ninja rules lets `ninja -n` serve as the reference for what a stat-only no-op costs.
Usage: gen_pipeline.py DIR N
"""
import os
import sys

root, n = sys.argv[1], int(sys.argv[2])
os.makedirs(os.path.join(root, "src"), exist_ok=True)
stages, ninja = ["stages:"], ["rule cat", "  command = mkdir -p out && cat $in > $out", ""]
for i in range(n):
    with open(os.path.join(root, "src", f"s{i}.txt"), "w") as f:
        f.write(f"{i}\n")
    deps = [f"src/s{i}.txt"] + ([f"out/o{i - 1}.txt"] if i % 10 else [])
    stages.append(f"  s{i}:\n    cmd: mkdir -p out && cat {' '.join(deps)} > out/o{i}.txt\n"
                  f"    deps: [{', '.join(deps)}]\n    outs: [out/o{i}.txt]")
    ninja.append(f"build out/o{i}.txt: cat {' '.join(deps)}")
with open(os.path.join(root, "mlops.yaml"), "w") as f:
    f.write("\n".join(stages) + "\n")
with open(os.path.join(root, "build.ninja"), "w") as f:
    f.write("\n".join(ninja) + "\n")
