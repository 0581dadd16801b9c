#!/usr/bin/python3
"""Collects results/*.json (torch_mlm_reference.py runs) and, with --wasm-log, the held-out curve of
an `s3pet pretrain` run's log (its `eval step N held-out loss L accuracy A%` lines; the first line
per step, as a resumed run repeats some) into results/summary.json, and prints a table.
  /usr/bin/python3 tools/bench/pretrain/summarise.py --wasm-log "s3pet pretrain relative_key=/work/pretrain/backbone-relkey.log"""
import argparse
import glob
import json
import os
import re

here = os.path.dirname(os.path.abspath(__file__))
p = argparse.ArgumentParser()
p.add_argument("--results", default=os.path.join(here, "results"))
p.add_argument("--wasm-log", action="append", default=[], help="NAME=PATH of an s3pet pretrain log (repeatable)")
p.add_argument("--steps", default="100,300,500,1000,1500,3200,6400", help="steps shown in the table")
a = p.parse_args()

summary_path = os.path.join(a.results, "summary.json")
previous = json.load(open(summary_path))["runs"] if os.path.exists(summary_path) else {}
runs = {}
for f in sorted(glob.glob(os.path.join(a.results, "*.json"))):
    if os.path.basename(f) == "summary.json":
        continue
    r = json.load(open(f))
    if "evals" not in r:  # not a torch run (neighbour_count_baseline.py's results)
        continue
    runs[r["name"]] = {
        "config": {k: v for k, v in r["config"].items() if k not in ("data", "out", "name")},
        "params": r["params"],
        "curve": {e["step"]: {"loss": round(e["validation"]["loss"], 4), "accuracy": round(e["validation"]["accuracy"], 4)} for e in r["evals"]},
        "tokensPerSecond": round(r["evals"][-1]["tokensPerSecond"]) if r["evals"] else None,
        "loadavg": r["evals"][-1]["loadavg"] if r["evals"] else None,
        "lastStep": r["evals"][-1]["step"] if r["evals"] else 0,
    }
# Keep the wasm curves earlier calls read from logs that may be gone; a log given now replaces its entry.
runs.update({k: v for k, v in previous.items() if k.startswith("wasm")})
for spec in a.wasm_log:
    name, _, path = spec.partition("=")
    curve = {}
    for line in open(path):
        m = re.match(r"eval\s+step (\d+)\s+held-out loss ([\d.]+)\s+accuracy ([\d.]+)%", line)
        if m and int(m[1]) not in curve:
            curve[int(m[1])] = {"loss": float(m[2]), "accuracy": float(m[3]) / 100}
    runs[f"wasm {name}"] = {"config": {"log": path}, "curve": curve, "lastStep": max(curve, default=0)}
json.dump({"runs": runs}, open(summary_path, "w"), indent=1)
steps = [int(s) for s in a.steps.split(",")]
print(f"{'run':44s}" + "".join(f"{s:>14d}" for s in steps) + "   tok/s")
for name, r in runs.items():
    cells = "".join(f"{c['loss']:7.3f}/{100 * c['accuracy']:4.1f}%" if (c := r["curve"].get(s) or r["curve"].get(str(s))) else f"{'-':>14s}" for s in steps)
    print(f"{name:44s}{cells}   {r.get('tokensPerSecond') or ''}")
