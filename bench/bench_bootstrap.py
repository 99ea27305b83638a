"""Sweep of the bootstrap against GAP: pairs (G of order ≤ MAX, abelian subgroup class N).

For each pair GAP computes M in N's charge labelling; the engine gets R = MᵀM
(and, with --census, M's rows too); we record the solve time, the status and whether the
true G is named. Usage:

    SYMBOOT_GROUPDB=... python bench/bench_bootstrap.py --sample 400 --max-order 64 --out /tmp/sweep.jsonl
    python bench/bench_bootstrap.py --all --max-order 64     # every abelian class of every group

Prints median, p95, max (seconds per instance) and the correctness counts as JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
from test_bootstrap_gap_oracle import run_gap  # noqa: E402  (the GAP oracle helpers)

from bootstrap.data import parse_data  # noqa: E402
from bootstrap.engine import solve  # noqa: E402
import groupdb.store as store  # noqa: E402


def gap_cases(pairs, all_classes: bool):
    body = []
    for n, i, r in pairs:
        if all_classes:
            body.append(f"G := SmallGroup({n},{i});; for c in AbelianClasses(G) do b := BranchingData(G, Representative(c));;"
                        f' AppendTo(OUT, "{{\\"id\\":[{n},{i}],\\"moduli\\":", b.moduli, ",\\"M\\":", b.M, "}},"); od;;')
        else:
            body.append(f"G := SmallGroup({n},{i});; cls := AbelianClasses(G);; b := BranchingData(G, Representative(cls[{r} mod Length(cls) + 1]));;"
                        f' AppendTo(OUT, "{{\\"id\\":[{n},{i}],\\"moduli\\":", b.moduli, ",\\"M\\":", b.M, "}},");;')
    return run_gap("\n".join(body), timeout=36000)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=400)
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--max-order", type=int, default=64)
    ap.add_argument("--census", action="store_true")
    ap.add_argument("--time-limit", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out")
    a = ap.parse_args()
    ids = [gid for n in range(1, a.max_order + 1) for gid in store.ids_of_order(n)]
    rng = random.Random(a.seed)
    pairs = [(n, i, 0) for n, i in ids] if a.all else [(n, i, rng.randrange(10**6)) for n, i in rng.choices(ids, k=a.sample)]
    t = time.perf_counter()
    cases = gap_cases(pairs, a.all)
    gap_s = time.perf_counter() - t
    times, bad, out = [], [], open(a.out, "w") if a.out else None
    for case in cases:
        M = np.array(case["M"], dtype=np.int64)
        obj = {"subgroup": {"abelian": case["moduli"]}, "ramp": (M.T @ M).tolist()}
        if a.census:
            obj["census"] = {"rows": M.tolist()}
        t = time.perf_counter()
        res = solve(parse_data(obj), time_limit=a.time_limit)
        dt = time.perf_counter() - t
        times.append(dt)
        ok = res.status == "complete" and tuple(case["id"]) in res.groups
        if not ok:
            bad.append(case["id"])
        if out:
            out.write(json.dumps({"id": case["id"], "moduli": case["moduli"], "seconds": round(dt, 4), "status": res.status,
                                  "named": len(res.groups), "abstract": res.abstract["status"], "ok": ok}) + "\n")
    ts = np.array(times)
    print(json.dumps({"instances": len(ts), "census": a.census, "median_s": round(float(np.median(ts)), 4),
                      "p95_s": round(float(np.percentile(ts, 95)), 4), "max_s": round(float(ts.max()), 4),
                      "true_group_named_and_complete": len(ts) - len(bad), "failures": bad[:20],
                      "abstract_time_limit_s": a.time_limit, "gap_seconds": round(gap_s, 1)}))


if __name__ == "__main__":
    main()
