"""z3 vs OR-Tools CP-SAT as the fusion-ring enumerator (issue 14), side by side.

The same problem for both: ``enumerate_fusion_rings(known, M, deadline, engine=...)`` on the
branchings M of the abstract search's queries (bench_abstract.py: the issue's large-index
cases, and the rank 7–12 branchings with some d > 1 of its seed-1 sample of 40 abelian-N
queries of order ≤ 64). The branchings are enumerated once (z3, QF_LIA, 60 s); then each M
is searched by z3 (``SolverFor('QF_NIA')``), CP-SAT with 1 worker and CP-SAT with 2 workers,
each with the same limit (default 10 s), BLAS pinned to one thread. Where two engines
complete, their ring lists must agree: as many rings, and each ring of one isomorphic
(bootstrap.naming.ring_isomorphism, rows of M to equal rows) to one of the other.

    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_cpsat.py                 # everything
    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_cpsat.py --only large    # the large-index cases
    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_cpsat.py --only sample
    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_cpsat.py --list          # the branchings only
    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_cpsat.py --only large --slice 0:12   # a part

Prints one JSON line per branching, then a Markdown table.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import groupdb  # noqa: E402
from bench.bench_abstract import abelian_queries, large_queries  # noqa: E402
from bootstrap.constraints import reciprocity  # noqa: E402
from bootstrap.data import parse_data  # noqa: E402
from bootstrap.linear import is_linear_branching  # noqa: E402
from bootstrap.naming import IsomorphismUndecided, ring_isomorphism  # noqa: E402
from bootstrap.solver import enumerate_branchings, enumerate_fusion_rings  # noqa: E402
from groupdb.store import max_order as coverage  # noqa: E402

ENGINES = [("z3", "z3", None), ("cpsat1", "cpsat", 1), ("cpsat2", "cpsat", 2)]


def branchings(queries, min_rank: int, max_rank: int, per_query: int | None, branch_limit: float = 60):
    """(label, known, M) for every non-linear branching of rank in [min_rank, max_rank]."""
    out = []
    for q in queries:
        data = parse_data(q["data"])
        rec = reciprocity(data, max(200, coverage()))
        label = f"{groupdb.load(tuple(q['G'])).name} [{q['G'][0]},{q['G'][1]}] > {groupdb.load(tuple(q['N'])).name}"
        found = []
        for index in rec.indices:
            t = time.perf_counter()
            br = enumerate_branchings(data, index, time.monotonic() + branch_limit)
            if not br.complete:
                print(json.dumps({"query": label, "index": index, "branchings": "incomplete", "reason": br.reason,
                                  "seconds": round(time.perf_counter() - t, 2)}), flush=True)
            for M in br.solutions:
                if min_rank <= len(M) <= max_rank and not is_linear_branching(data.known, M):
                    found.append((f"{label}, [G:N]={index}", data.known, M))
        out.extend(found[:per_query] if per_query else found)
    return out


def run_engine(known, M, engine, workers, limit):
    import bootstrap.cpsat as cpsat

    if workers:
        cpsat.NUM_WORKERS = workers
    t = time.perf_counter()
    res = enumerate_fusion_rings(known, M, time.monotonic() + limit, engine=engine)
    return {"seconds": round(time.perf_counter() - t, 2), "complete": res.complete, "rings": len(res.solutions),
            "reason": res.reason[:80]}, res


def same_rings(M, A, B) -> bool | None:
    """True/False: the two ring lists agree up to isomorphism; None: undecided."""
    if len(A) != len(B):
        return False
    used = set()
    try:
        for F in A:
            hit = next((i for i, G in enumerate(B) if i not in used and ring_isomorphism(M, F, M, G, 2_000_000)
                        is not None), None)
            if hit is None:
                return False
            used.add(hit)
    except IsomorphismUndecided:
        return None
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=float, default=10.0)
    ap.add_argument("--only", choices=["large", "sample"])
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--branch-limit", type=float, default=60, help="seconds for each index's branchings (z3)")
    ap.add_argument("--sample", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-query", type=int, default=None, help="at most this many branchings per query")
    ap.add_argument("--engines", default="z3,cpsat1,cpsat2")
    ap.add_argument("--slice", default=None, metavar="A:B", help="only cases A..B-1 (to keep each run short)")
    a = ap.parse_args()
    from threadpoolctl import threadpool_limits

    cases = []
    with threadpool_limits(1):
        if a.only != "sample":
            cases += branchings(large_queries(), 2, 12, a.per_query, a.branch_limit)
        if a.only != "large":
            qs = random.Random(a.seed).sample(abelian_queries(64), a.sample)
            cases += branchings(qs, 7, 12, a.per_query, a.branch_limit)
        if a.slice:
            lo, hi = (int(x) if x else None for x in a.slice.split(":"))
            cases = cases[lo:hi]
        if a.list:
            for label, _, M in cases:
                print(label, "rank", len(M), "dims", (M @ _.dims).tolist())
            return
        engines = [e for e in ENGINES if e[0] in a.engines.split(",")]
        table = []
        for label, known, M in cases:
            row = {"query": label, "rank": len(M), "dims": (M @ known.dims).tolist()}
            results = {}
            for name, engine, workers in engines:
                row[name], results[name] = run_engine(known, M, engine, workers, a.limit)
            done = [n for n in results if results[n].complete]
            row["agree"] = {f"{x}={y}": same_rings(M, results[x].solutions, results[y].solutions)
                            for x in done for y in done if x < y}
            print(json.dumps(row), flush=True)
            table.append(row)
    names = [e[0] for e in engines]
    print()
    print("| query | rank | dims | " + " | ".join(f"{n}: s / status / #rings" for n in names) + " | same rings as z3 |")
    print("|---|---|---|" + "---|" * len(names) + "---|")
    for row in table:
        cells = [f"{row[n]['seconds']} / {'complete' if row[n]['complete'] else 'incomplete'} / {row[n]['rings']}"
                 for n in names]
        vs_z3 = {k: v for k, v in row["agree"].items() if "z3" in k}
        bad = {k: v for k, v in row["agree"].items() if v is not True}
        agree = json.dumps(bad) if bad else ("yes" if vs_z3 else "—")  # —: z3 (or every CP-SAT run) incomplete
        print(f"| {row['query']} | {row['rank']} | {row['dims']} | " + " | ".join(cells) + f" | {agree} |")
    summ = {n: {"complete": sum(r[n]["complete"] for r in table), "of": len(table)} for n in names}
    print(json.dumps({"limit_s": a.limit, "summary": summ}))


if __name__ == "__main__":
    main()
