"""groupdb benchmarks: identification query latency (cold and warm) against a live GAP loop
asking the same question, and the cold load of one group.

Usage: python bench/bench_groupdb.py  (needs `gap` for the baseline; prints a Markdown table)

The question: "all G of order ≤ 200 containing a C3 whose ramp matrix is R" for R taken from
S3, A4, a group of order 96 and a group of order 192. symboot fixes |G| by reciprocity; the GAP
loop is given the same order (otherwise it would scan every order) and, per group, takes the
classes of elements of order 3 (one per subgroup class ≅ C3), restricts Irr(G) to each and
compares MᵀM with R up to the swap of the two nontrivial charges (Aut(C3)).
"""
from __future__ import annotations

import json
import platform
import statistics
import subprocess
import sys
import time

import groupdb
from groupdb.abelian import charge_labelling
from groupdb.characters import branching
from groupdb.query import groups_containing

CASES = [(6, 1), (12, 3), (96, 64), (192, 1000)]


def ramp_from(gid):
    lab = charge_labelling((3,))
    G = groupdb.load(gid)
    sub = G.subgroups_isomorphic_to(lab.group.id)[0]
    M = branching(G, sub, lab.group)[:, list(lab.irreducible)]
    return (M.T @ M).tolist()


def cold_query(R) -> float:
    code = (
        "import time; t = time.perf_counter()\n"
        "from groupdb.abelian import charge_labelling; from groupdb.query import groups_containing\n"
        f"lab = charge_labelling((3,)); groups_containing(lab.group, ramp={R}, labels=lab.irreducible)\n"
        "print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def warm_query(R, repeat=20) -> tuple[float, list]:
    lab = charge_labelling((3,))
    found = groups_containing(lab.group, ramp=R, labels=lab.irreducible)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        groups_containing(lab.group, ramp=R, labels=lab.irreducible)
        times.append(time.perf_counter() - t)
    return statistics.median(times), sorted(m.group.id[1] for m in found)


def gap_loop(R, order, repeat: int = 1) -> tuple[float, list]:
    """GAP's time for the same question (median of ``repeat`` runs, wall clock in
    nanoseconds: ``Runtime()`` ticks in 10 ms steps, too coarse for S3)."""
    script = f"""
SetPrintFormattingStatus("*stdout*", false);
R := {R};; swap := [1, 3, 2];; times := [];;
for rep in [1..{repeat}] do
hits := [];;
t := NanosecondsSinceEpoch();;
for i in [1..NumberSmallGroups({order})] do
  G := SmallGroup({order}, i);; tG := CharacterTable(G);;
  for c in ConjugacyClasses(tG) do
    g := Representative(c);;
    if Order(g) = 3 then
      H := Group(g);; tH := CharacterTable(H);;
      M := MatScalarProducts(tH, Irr(tH), RestrictedClassFunctions(Irr(tG), H));;
      # canonical charge order: irreducible q of H is the one with value E(3)^q on g
      q := List(Irr(tH), psi -> First([0..2], k -> g^psi = E(3)^k));;
      RH := NullMat(3, 3);;
      for a in [1..3] do for b in [1..3] do
        RH[q[a] + 1][q[b] + 1] := Sum(M, row -> row[a] * row[b]);
      od; od;
      if RH = R or RH{{swap}}{{swap}} = R then AddSet(hits, i); break; fi;
    fi;
  od;
od;
Add(times, NanosecondsSinceEpoch() - t);
od;
Sort(times);
Print("@@ ", [times[QuoInt(Length(times) + 1, 2)], hits], "\\n");
QUIT;
"""
    out = subprocess.run(["gap", "-q", "-b", "-o", "4g"], input=script, capture_output=True, text=True, check=True)
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("@@ "))
    ns, hits = json.loads(line[3:])
    return ns / 1e9, hits


def main() -> None:
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    rows = []
    for gid in CASES:
        R = ramp_from(gid)
        order = gid[0]
        cold = cold_query(R)
        warm, ours = warm_query(R)
        gap_s, gap_hits = gap_loop(R, order, repeat=20 if order <= 24 else 1)
        assert ours == gap_hits, (gid, ours, gap_hits)
        rows.append((gid, order, len(ours), cold, warm, gap_s))
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import groupdb; groupdb.load([192, 1000])"], check=True)
    load_s = time.perf_counter() - t
    print(f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}")
    print("| R taken from | |G| | groups found | symboot cold (s) | symboot warm (ms) | GAP loop (ms) | GAP / warm | GAP / cold |")
    print("|---|---|---|---|---|---|---|---|")
    for gid, order, n, cold, warm, gap_s in rows:
        print(f"| {groupdb.load(gid).name} {list(gid)} | {order} | {n} | {cold:.3f} | {warm * 1e3:.2f} | "
              f"{gap_s * 1e3:,.1f} | {gap_s / warm:,.0f}× | {gap_s / cold:,.0f}× |")
    print(f"\ncold start of a process + load of [192,1000]: {load_s:.2f} s (interpreter start included)")
    print("every answer set equals the GAP loop's (asserted)")


if __name__ == "__main__":
    main()
