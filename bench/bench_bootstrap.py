"""Sweep of the bootstrap against GAP: pairs (G of order ≤ MAX, abelian subgroup class N).

For each pair GAP computes M in N's charge labelling; the engine gets R = MᵀM
(and, with --census, M's rows too); we record the solve time, the status and whether the
true G is named. Usage:

    python bench/bench_bootstrap.py --sample 400 --max-order 64 --out /tmp/sweep.jsonl
    python bench/bench_bootstrap.py --all --max-order 64 --cases /tmp/cases64.json --workers 2

``--all`` takes every abelian class of every group. Pairs that give the same input (same
moduli, same R) are one query, solved once: its groups must contain every such pair's G
(recall) and, with ``--all``, each named group must have an abelian class of the same type
whose ramp matrix is R (with ``--census``: whose rows of M are the query's) up to an
automorphism of N (precision, decided on GAP's data by the identification sweep's search over
Aut(N), not by groupdb). ``--cases`` keeps GAP's output for a rerun and
``--out`` is appended per query, so an interrupted sweep resumes where it stopped.

Prints median, p95, max (seconds per query) and the correctness counts as JSON.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from test_bootstrap_gap_oracle import run_gap  # noqa: E402  (the GAP oracle helpers)

from bootstrap.data import parse_data  # noqa: E402
from bootstrap.engine import solve  # noqa: E402
import groupdb.store as store  # noqa: E402
from bench.sweep_groupdb_identify import DualGroup, element_invariants, find_automorphism  # noqa: E402


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


def _query(obj: dict) -> dict:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        t = time.perf_counter()
        res = solve(parse_data(obj["data"]), time_limit=obj["time_limit"])
        dt = time.perf_counter() - t
    return {"key": obj["key"], "seconds": round(dt, 4), "status": res.status, "groups": [list(g) for g in res.groups],
            "abstract": res.abstract.status}


def _precise(query, groups, by_group) -> list:
    """Named groups without an abelian class of N's type whose R (and, for a census query, whose
    rows of M) are the query's up to an automorphism of N, decided on GAP's matrices by the
    identification sweep's basis-image search."""
    moduli, M, census = query
    M = np.array(M)
    R = M.T @ M
    charges = [list(q) for q in itertools.product(*(range(m) for m in moduli))]
    D = DualGroup(moduli, charges) if len(charges) > 1 else None
    inv = element_invariants(D, R) if D else None

    def same(M2):
        M2 = np.array(M2)
        R2 = M2.T @ M2
        if D is None:
            return np.array_equal(R, R2)
        if not census:
            return find_automorphism(D, R, inv, R2, element_invariants(D, R2))
        rows = Counter(map(tuple, M.tolist()))
        return find_automorphism(D, R, inv, R2, element_invariants(D, R2),
                                 accept=lambda dom, img: Counter(map(tuple, M2[:, img][:, np.argsort(dom)].tolist())) == rows)

    return [g for g in groups if not any(m == moduli and same(M2) for m, M2 in by_group[tuple(g)])]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=400)
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--max-order", type=int, default=64)
    ap.add_argument("--census", action="store_true")
    ap.add_argument("--time-limit", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--cases", help="GAP's cases: read if present, else computed and written")
    ap.add_argument("--out")
    ap.add_argument("--no-solve", action="store_true", help="summarise the queries already in --out (an interrupted sweep)")
    a = ap.parse_args()
    t = time.perf_counter()
    if a.cases and os.path.exists(a.cases):
        cases = json.load(open(a.cases))
    else:
        ids = [gid for n in range(1, a.max_order + 1) for gid in store.ids_of_order(n)]
        rng = random.Random(a.seed)
        pairs = [(n, i, 0) for n, i in ids] if a.all else [(n, i, rng.randrange(10**6)) for n, i in rng.choices(ids, k=a.sample)]
        cases = gap_cases(pairs, a.all)
        if a.cases:
            json.dump(cases, open(a.cases, "w"))
    gap_s = time.perf_counter() - t
    queries: dict[str, dict] = {}
    members = defaultdict(list)  # query key -> G ids of the pairs that give it
    by_group = defaultdict(list)  # G id -> [(moduli, R)] of all its abelian classes
    for case in cases:
        M = np.array(case["M"], dtype=np.int64)
        R = (M.T @ M).tolist()
        obj = {"subgroup": {"abelian": case["moduli"]}, "ramp": R}
        if a.census:
            obj["census"] = {"rows": M.tolist()}
        key = json.dumps(obj, sort_keys=True)
        queries[key] = {"key": key, "data": obj, "time_limit": a.time_limit, "query": (case["moduli"], M.tolist(), a.census)}
        members[key].append(tuple(case["id"]))
        by_group[tuple(case["id"])].append((case["moduli"], M.tolist()))
    done = {}
    if a.out and os.path.exists(a.out):
        done = {row["key"]: row for row in map(json.loads, open(a.out))}
    todo = [] if a.no_solve else [q for k, q in queries.items() if k not in done]
    print(f"{len(cases)} pairs, {len(queries)} distinct queries, {len(todo)} to solve", file=sys.stderr)
    out = open(a.out, "a") if a.out else None
    with ProcessPoolExecutor(a.workers) as pool:
        for j, row in enumerate(pool.map(_query, todo, chunksize=4)):
            done[row["key"]] = row
            if out:
                out.write(json.dumps(row) + "\n")
                out.flush()
            if (j + 1) % 200 == 0:
                print(f"  {j + 1}/{len(todo)}", file=sys.stderr)
    bad_recall, bad_precision = [], []
    for key, row in done.items():
        if key not in queries:
            continue
        named = {tuple(g) for g in row["groups"]}
        missing = [g for g in members[key] if row["status"] != "complete" or g not in named]
        if missing:
            bad_recall.append((queries[key]["query"], missing))
        if a.all:
            extra = _precise(queries[key]["query"], row["groups"], by_group)
            if extra:
                bad_precision.append((queries[key]["query"], extra))
    solved = [k for k in queries if k in done]
    ts = np.array([done[k]["seconds"] for k in solved])
    print(json.dumps({"pairs": len(cases), "queries": len(queries), "solved": len(solved),
                      "pairs_of_solved": sum(len(members[k]) for k in solved), "census": a.census,
                      "median_s": round(float(np.median(ts)), 4), "p95_s": round(float(np.percentile(ts, 95)), 4),
                      "max_s": round(float(ts.max()), 4),
                      "pairs_true_group_named_and_complete": sum(len(members[k]) for k in solved) - sum(len(m) for _, m in bad_recall),
                      "recall_failures": bad_recall[:10],
                      "precision_checked": a.all, "precision_failures": bad_precision[:10],
                      "abstract_complete": sum(done[k]["abstract"] == "complete" for k in solved),
                      "abstract_time_limit_s": a.time_limit, "workers": a.workers, "gap_seconds": round(gap_s, 1)}))
    sys.exit(1 if bad_recall or bad_precision else 0)


if __name__ == "__main__":
    main()
