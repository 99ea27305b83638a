"""Branching enumeration, z3 against CP-SAT side by side (issue 14).

For each query (distinct abelian-N (N, R = MᵀM) of groupdb's groups of order ≤ MAX, sampled
with a fixed seed, plus bench_abstract's large-index cases): ``enumerate_branchings`` with
``engine="z3"`` (a model, blocked, the next) and ``engine="cpsat"`` (every solution in one
solve), LIMIT seconds each, in this process. Prints the queries where either took over a
second or did not finish, then a JSON summary: where both finished, whether they found the same
multiset of M, and the seconds each spent. Usage:

    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_branchings.py --sample 150 --limit 20
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))
from bench_abstract import abelian_queries, large_queries  # noqa: E402
from bootstrap.data import parse_data  # noqa: E402
from bootstrap.solver import enumerate_branchings  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=150)
    ap.add_argument("--max-order", type=int, default=64)
    ap.add_argument("--limit", type=float, default=20.0)
    ap.add_argument("--seed", type=int, default=2)
    a = ap.parse_args()
    from threadpoolctl import threadpool_limits

    qs = abelian_queries(a.max_order)
    qs = random.Random(a.seed).sample(qs, min(a.sample, len(qs))) + large_queries()
    out = {"queries": len(qs), "both_complete": 0, "same": 0, "z3_complete": 0, "cpsat_complete": 0,
           "z3_s_where_both": 0.0, "cpsat_s_where_both": 0.0}
    with threadpool_limits(1):
        for q in qs:
            d, index = parse_data(q["data"]), q["G"][0] // q["N"][0]
            found, secs = {}, {}
            for engine in ("z3", "cpsat"):
                t = time.perf_counter()
                found[engine] = enumerate_branchings(d, index, time.monotonic() + a.limit, engine=engine)
                secs[engine] = time.perf_counter() - t
                out[f"{engine}_complete"] += found[engine].complete
            z, c = found["z3"], found["cpsat"]
            if z.complete and c.complete:
                out["both_complete"] += 1
                out["same"] += sorted((M.shape, M.tobytes()) for M in z.solutions) == sorted(
                    (M.shape, M.tobytes()) for M in c.solutions)
                out["z3_s_where_both"] += secs["z3"]
                out["cpsat_s_where_both"] += secs["cpsat"]
            if not (z.complete and c.complete) or max(secs.values()) > 1:
                print(json.dumps({"G": q["G"], "N": q["N"], **{f"{e}_{f}": v for e in found for f, v in (
                    ("complete", found[e].complete), ("s", round(secs[e], 2)), ("branchings", len(found[e].solutions)))}}),
                    flush=True)
    out["z3_s_where_both"] = round(out["z3_s_where_both"], 2)
    out["cpsat_s_where_both"] = round(out["cpsat_s_where_both"], 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
