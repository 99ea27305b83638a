"""Reach of the abstract search (issue 14): completion rate and time with the 10 s limit.

Queries: distinct (N, R = MᵀM) over every abelian subgroup class N of every group of order
≤ MAX in groupdb (built from GAP), sampled with a fixed seed, plus the issue's large-index
cases (small cyclic N in A5, S5, PSL(3,2), SL(2,3), GL(2,3), the binary octahedral group).
For each: ``solve(..., time_limit=LIMIT)`` in this process, BLAS pinned to one thread, and
``abstract.status``. Usage:

    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_abstract.py --sample 40 --limit 10
    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_abstract.py --sample 40 --limit 10 --baseline  # before
    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_abstract.py --sample 40 --limit 10 --max-rank 12  # the old engine cap
    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_abstract.py --compare 12,2/3,1 60,5/5,1 48,2/6,2
    .venv/bin/python bench/bench_abstract.py --all --max-order 64   # the whole sweep (hours)

Prints one line per query and a JSON summary (completion rate, p50/p95/max seconds of the
abstract search's solve).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import groupdb  # noqa: E402
from groupdb import store  # noqa: E402
from groupdb.query import stored_branching  # noqa: E402
from bootstrap.data import parse_data  # noqa: E402
from bootstrap.engine import solve  # noqa: E402

LARGE = [((60, 5), (3, 1)), ((60, 5), (5, 1)), ((120, 34), (5, 1)), ((120, 34), (4, 1)), ((168, 42), (7, 1)),
         ((24, 3), (3, 1)), ((48, 29), (3, 1)), ((48, 28), (4, 1))]


def abelian_queries(max_order: int) -> list[dict]:
    seen, out = set(), []
    for n in range(2, max_order + 1):
        for gid in store.ids_of_order(n):
            G = groupdb.load(gid)
            for s in G.subgroups:
                N = groupdb.load(s.id)
                if not N.abelian:
                    continue
                R = stored_branching(G, s.position, N)[1]
                key = (s.id, R.tobytes())
                if key in seen:
                    continue
                seen.add(key)
                out.append({"G": list(gid), "N": list(s.id), "data": {"subgroup": {"id": list(s.id)}, "ramp": R.tolist()}})
    return out


def large_queries() -> list[dict]:
    out = []
    for gid, nid in LARGE:
        G, N = groupdb.load(gid), groupdb.load(nid)
        j = next(s.position for s in G.subgroups if s.id == nid)
        R = stored_branching(G, j, N)[1]
        out.append({"G": list(gid), "N": list(nid), "data": {"subgroup": {"id": list(nid)}, "ramp": R.tolist()}})
    return out


def run(queries, limit: float, max_rank: int | None = None) -> list[dict]:
    from threadpoolctl import threadpool_limits

    rows = []
    with threadpool_limits(1):
        for q in queries:
            t = time.perf_counter()
            r = solve(parse_data(q["data"]), time_limit=limit, **({} if max_rank is None else {"max_rank": max_rank}))
            dt = time.perf_counter() - t
            row = {"G": q["G"], "N": q["N"], "seconds": round(dt, 3), "abstract": r.abstract.status,
                   "status": r.status, "reason": r.abstract.reason[:120],
                   "abstract_candidates": sum("abstract" in c.found_by for c in r.candidates)}
            print(json.dumps(row), flush=True)
            rows.append(row)
    return rows


def summary(rows) -> dict:
    ts = np.array([r["seconds"] for r in rows]) if rows else np.zeros(1)
    done = [r for r in rows if r["abstract"] == "complete"]
    return {"queries": len(rows), "abstract_complete": len(done),
            "completion_rate": round(len(done) / max(1, len(rows)), 3),
            "p50_s": round(float(np.median(ts)), 3), "p95_s": round(float(np.percentile(ts, 95)), 3),
            "max_s": round(float(ts.max()), 3),
            "p50_s_complete": round(float(np.median([r["seconds"] for r in done])), 3) if done else None}


def _baseline(on: bool, _orig={}):
    """Patch the search before issue 14 in (no bootstrap.linear) or restore the current one."""
    import functools

    import bootstrap.engine as engine
    import bootstrap.linear as linear
    from bootstrap.solver import enumerate_fusion_rings

    if not _orig:
        _orig.update(e=engine.is_linear_branching, l=linear.is_linear_branching, f=engine.enumerate_fusion_rings)
    if on:
        engine.is_linear_branching = linear.is_linear_branching = lambda known, M: False
        engine.enumerate_fusion_rings = functools.partial(enumerate_fusion_rings, linear_first=False)
    else:
        engine.is_linear_branching, linear.is_linear_branching = _orig["e"], _orig["l"]
        engine.enumerate_fusion_rings = _orig["f"]


def compare(pairs, limit: float, repeats: int = 2) -> None:
    """Before and after side by side in this process, alternating, per 'G/N' pair ('12,2/3,1')."""
    import bootstrap.engine as engine
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        for pair in pairs:
            gid, nid = (tuple(map(int, x.split(","))) for x in pair.split("/"))
            G, N = groupdb.load(gid), groupdb.load(nid)
            j = next(s.position for s in G.subgroups if s.id == nid)
            d = parse_data({"subgroup": {"id": list(nid)}, "ramp": stored_branching(G, j, N)[1].tolist()})
            for _ in range(repeats):
                for before in (True, False):
                    _baseline(before)
                    t = time.perf_counter()
                    r = engine.solve(d, time_limit=limit)
                    print(json.dumps({"G": list(gid), "N": list(nid), "search": "before" if before else "after",
                                      "abstract": r.abstract.status, "seconds": round(time.perf_counter() - t, 3),
                                      "abstract_candidates": sum("abstract" in c.found_by for c in r.candidates)}),
                          flush=True)
            _baseline(False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=40)
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--max-order", type=int, default=64)
    ap.add_argument("--limit", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-large", action="store_true")
    ap.add_argument("--baseline", action="store_true",
                    help="the search before issue 14: no bootstrap.linear (all-d = 1 rings and the group law of "
                         "the 1-dimensional rows left to z3, rank cap 12 for every branching)")
    ap.add_argument("--max-rank", type=int, default=None,
                    help="solve(max_rank=...): a rank cap on the fusion-ring search (default: none beyond the "
                         "search's own: above bootstrap.solver.MAX_RANK only where the linear action leaves at most "
                         "MAX_UNKNOWNS unknowns; 12 was the engine's cap before session 9)")
    ap.add_argument("--compare", nargs="*", metavar="G/N",
                    help="only: before and after side by side for these pairs, e.g. 12,2/3,1 60,5/5,1")
    a = ap.parse_args()
    if a.compare:
        compare(a.compare, a.limit)
        return
    if a.baseline:
        _baseline(True)
    qs = abelian_queries(a.max_order)
    n_all = len(qs)
    if not a.all:
        qs = random.Random(a.seed).sample(qs, min(a.sample, len(qs)))
    sweep = run(qs, a.limit, a.max_rank)
    out = {"distinct_abelian_queries": n_all, "limit_s": a.limit, "baseline": a.baseline, "max_rank": a.max_rank,
           "sweep": summary(sweep)}
    if not a.no_large:
        out["large_index"] = summary(run(large_queries(), a.limit, a.max_rank))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
