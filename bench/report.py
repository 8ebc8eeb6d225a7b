#!/usr/bin/env python3
"""Record benchmark results as JSON lines and render them as Markdown tables.

The scenario scripts (through lib.sh) append one JSON object per line to a results file;
`render` turns the file into one Markdown table per group (scenario x dataset).

Subcommands (all take the JSONL file first):
  result  FILE GROUP LABEL KIND HYPERFINE_JSON RSS_FILE COMMAND   one timed command
  skip    FILE GROUP LABEL KIND REASON                    a command that was not run, and why
  ref     FILE GROUP LABEL[;LABEL...]                     the reference (slowest of the labels)
  target  FILE GROUP SUBJECT TEXT MAX_RATIO PLUS_S        pass if subject <= ref*MAX_RATIO(+PLUS_S)
  check   FILE GROUP TEXT OK DETAIL                       OK is true, false or unknown
  figure  FILE GROUP LABEL TEXT                           a published figure (not measured here)
  note    FILE GROUP TEXT
  render  FILE TITLE                                      Markdown on stdout
  json-get JSON_FILE KEY                                  first value of KEY anywhere in a JSON doc
"""

import json
import os
import re
import sys


def append(path, rec):
    with open(path, "a") as f:
        f.write(json.dumps(rec) + "\n")


def max_rss_kb(rss_file):
    """Largest 'Maximum resident set size' among the /usr/bin/time -v reports in the file."""
    best = None
    try:
        with open(rss_file) as f:
            for m in re.finditer(r"Maximum resident set size \(kbytes\): (\d+)", f.read()):
                best = max(best or 0, int(m.group(1)))
    except FileNotFoundError:
        pass
    return best


def shorten(cmd):
    """Show paths as $BENCH_DIR/... and $MLOPS so the commands read the same on any machine."""
    for var in ("MLOPS", "BENCH_DIR"):
        val = os.environ.get(var)
        if val:
            cmd = cmd.replace(val, "$" + var)
    return cmd


def cmd_result(path, group, label, kind, hf_json, rss_file, command):
    with open(hf_json) as f:
        r = json.load(f)["results"][0]
    append(path, {
        "type": "result", "group": group, "label": label, "kind": kind,
        "command": shorten(command), "runs": len(r["times"]),
        "median": r["median"], "min": r["min"], "max": r["max"],
        "mean": r["mean"], "stddev": r.get("stddev"),
        "rss_kb": max_rss_kb(rss_file), "hyperfine_json": hf_json,
        # The machine may be shared: the 1-minute load average when the runs ended says
        # how much else was competing for the 2 cores while they ran.
        "load1": round(os.getloadavg()[0], 1),
    })


def fmt_s(x):
    if x is None:
        return "—"
    if x < 0.1:
        return f"{x:.4f}"
    if x < 10:
        return f"{x:.3f}"
    return f"{x:.1f}"


def esc(s):
    return str(s).replace("|", "\\|")


def render(path, title):
    recs = []
    with open(path) as f:
        for line in f:
            if line.strip():
                recs.append(json.loads(line))
    groups = []
    for r in recs:
        if r["group"] not in groups:
            groups.append(r["group"])

    out = [f"## {title}", ""]
    for g in groups:
        rs = [r for r in recs if r["group"] == g]
        timed = {r["label"]: r for r in rs if r["type"] == "result"}
        ref_labels = next((r["labels"] for r in rs if r["type"] == "ref"), [])
        ref_rows = [timed[l] for l in ref_labels if l in timed]
        # The reference is the slowest of its labels (e.g. "the slower of openssl and cp"),
        # and only counts when every label was measured.
        ref = max(r["median"] for r in ref_rows) if ref_rows and len(ref_rows) == len(ref_labels) else None
        targets = {r["subject"]: r for r in rs if r["type"] == "target"}

        out += [f"### {g}", ""]
        if ref_labels:
            out += [f"Reference: {' / '.join(ref_labels)}"
                    + (" (the slower of them)" if len(ref_labels) > 1 else "")
                    + ("" if ref is not None else " — **not measured**, no ratios"), ""]
        out += ["| tool | kind | runs | median s | min–max s | peak RSS MB | load | × reference | target | result |",
                "|---|---|---:|---:|---:|---:|---:|---:|---|---|"]
        for r in rs:
            t = r["type"]
            if t == "result":
                ratio = r["median"] / ref if ref else None
                rss = f"{r['rss_kb'] / 1024:.0f}" if r.get("rss_kb") else "—"
                tgt, verdict = "", ""
                if r["label"] in targets:
                    tgt, verdict = judge(targets[r["label"]], r["median"], ref)
                mark = " (ref)" if r["label"] in ref_labels else ""
                load = r.get("load1", "—")
                out.append(f"| {esc(r['label'])}{mark} | {r['kind']} | {r['runs']} | {fmt_s(r['median'])} | "
                           f"{fmt_s(r['min'])}–{fmt_s(r['max'])} | {rss} | {load} | "
                           f"{'%.2f×' % ratio if ratio is not None else '—'} | {esc(tgt)} | {verdict} |")
            elif t == "skip":
                tgt = targets[r["label"]]["text"] if r["label"] in targets else ""
                out.append(f"| {esc(r['label'])} | {r['kind']} | 0 | skipped: {esc(r['reason'])} | | | | | "
                           f"{esc(tgt)} | {'not measured' if tgt else ''} |")
            elif t == "figure":
                out.append(f"| {esc(r['label'])} | figure | — | {esc(r['text'])} | | | | | | |")
        out.append("")
        for r in rs:
            if r["type"] == "check":
                word = {"true": "PASS", "false": "FAIL"}.get(r["ok"], "not measured")
                out.append(f"- {word}: {esc(r['text'])}" + (f" ({esc(r['detail'])})" if r["detail"] else ""))
            elif r["type"] == "note":
                out.append(f"- {esc(r['text'])}")
        if any(r["type"] in ("check", "note") for r in rs):
            out.append("")
        cmds = [r for r in rs if r["type"] == "result"]
        if cmds:
            out += ["<details><summary>commands</summary>", ""]
            out += [f"- {esc(r['label'])}: `{r['command']}`" for r in cmds]
            out += ["", "</details>", ""]
    return "\n".join(out)


def judge(tgt, median, ref):
    text = tgt["text"]
    if ref is None:
        return text, "no reference"
    limit = ref * float(tgt["max_ratio"]) + float(tgt["plus_s"])
    return text, ("**PASS**" if median <= limit else "**FAIL**") + f" (limit {fmt_s(limit)} s)"


def json_get(doc, key):
    """Depth-first search for KEY, so counters may sit at the top level or nested."""
    if isinstance(doc, dict):
        if key in doc:
            return doc[key]
        items = doc.values()
    elif isinstance(doc, list):
        items = doc
    else:
        return None
    for v in items:
        found = json_get(v, key)
        if found is not None:
            return found
    return None


def main(a):
    if len(a) < 2:
        sys.exit(__doc__)
    cmd = a[0]
    if cmd == "result":
        cmd_result(*a[1:8])
    elif cmd == "skip":
        append(a[1], {"type": "skip", "group": a[2], "label": a[3], "kind": a[4], "reason": a[5]})
    elif cmd == "ref":
        append(a[1], {"type": "ref", "group": a[2], "labels": a[3].split(";")})
    elif cmd == "target":
        append(a[1], {"type": "target", "group": a[2], "subject": a[3], "text": a[4],
                      "max_ratio": a[5], "plus_s": a[6]})
    elif cmd == "check":
        append(a[1], {"type": "check", "group": a[2], "text": a[3], "ok": a[4], "detail": a[5]})
    elif cmd == "figure":
        append(a[1], {"type": "figure", "group": a[2], "label": a[3], "text": a[4]})
    elif cmd == "note":
        append(a[1], {"type": "note", "group": a[2], "text": a[3]})
    elif cmd == "render":
        print(render(a[1], a[2]))
    elif cmd == "json-get":
        with open(a[1]) as f:
            v = json_get(json.load(f), a[2])
        print("" if v is None else v)
    else:
        sys.exit(f"report.py: unknown subcommand {cmd}")


if __name__ == "__main__":
    main(sys.argv[1:])
