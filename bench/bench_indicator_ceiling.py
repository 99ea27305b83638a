"""The ceiling GAP gives for identification from the branching census (issue 13).

Queries: the first ``--sample`` pairs (G of order ≤ 64, abelian subgroup class N) of the GAP
oracle's sample (tests/test_bootstrap_gap_oracle.py, same seed and choice of N; the test's
INDICATOR_CASES), each with M (branching matrix in N's charge labelling) and
ν = Indicator(CharacterTable(G), 2). Two data kinds per query: the census rows of M, and the
rows with their Frobenius–Schur indicators. For each, symboot's answer S is ``solve(...).groups``
and the truth T is decided in GAP, independent of symboot and groupdb: every SmallGroup H of
|G| with an abelian subgroup class K, AbelianInvariants those of N, whose rows of M_K
(``BranchingDataOrdered(H, K, moduli)``, as the test's precision check) with ν_H equal the
query's up to an automorphism of N relabelling the charges (``_census_orbit_equal``; without
indicators ν is taken as all zeros on both sides). |T| = 1 is the best any method can do.
A class K is passed to BranchingDataOrdered only if its permutation character gives the
query's column of charge 0 (a necessary condition). Order 64 dominates the GAP time (its 267
lattices and thousands of abelian classes: about 6 min for 5 subgroup types); ``--max-order 63``
leaves it out.

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.bench_indicator_ceiling [--sample 120] [--max-order 64]

Prints per data kind: queries, recall Σ|S∩T|/Σ|T|, precision Σ|S∩T|/Σ|S|, the queries with
|S| = 1 and with |T| = 1, every query with S ≠ T, and the GAP and engine seconds.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict

import numpy as np

try:
    from tests.test_bootstrap_gap_oracle import INDICATOR_CASES, _census_orbit_equal, _sample_pairs, run_gap
except BaseException as exc:  # pytest.skip at import raises a BaseException when gap is absent
    sys.exit(f"needs GAP: {exc}")

from bootstrap.data import parse_data
from bootstrap.engine import solve

KINDS = ("census rows", "census rows + indicators")


def query_cases(sample: int) -> list[dict]:
    """The oracle fixture's GAP data (id, moduli, M, ν) for its first ``sample`` pairs."""
    body = [
        f"G := SmallGroup({n},{i});; cls := AbelianClasses(G);; H := Representative(cls[{r} mod Length(cls) + 1]);;"
        f" b := BranchingData(G, H);;"
        f' AppendTo(OUT, "{{\\"id\\":[{n},{i}],\\"moduli\\":", b.moduli, ",\\"M\\":", b.M,'
        f' ",\\"nu\\":", Indicator(CharacterTable(G), 2), "}},");;'
        for n, i, r in _sample_pairs()[:sample]
    ]
    return run_gap("\n".join(body))


def order_census(n: int, wanted: dict[tuple[int, ...], list]) -> list[dict]:
    """For every SmallGroup(n, i): its ν and, per moduli, the M_K of its abelian classes K of that
    type whose column of charge 0 could be a query's (``wanted[moduli]``: the queries' _column0)."""
    per_moduli = []
    for moduli, keys in wanted.items():
        target = list(moduli) if list(moduli) != [1] else "fail"
        # <χ, 1_K^G> = M_K[χ, 0] (Frobenius reciprocity), and charge 0 is fixed by every relabelling:
        # the permutation character rules out a class at a fraction of BranchingDataOrdered's cost
        per_moduli.append(
            f"res := [];; for c in cls do H := Representative(c);;"
            f" if Size(H) = {int(np.prod(moduli))} and IsAbelian(H)"
            f" and AbelianInvariants(H) = AbelianInvariants(AbelianGroup({list(moduli)})) then"
            f" pi := PermutationCharacter(G, H);;"
            f" if SortedList(List(Irr(G), chi -> [chi[1], ScalarProduct(chi, pi)])) in {keys} then"
            f" b := BranchingDataOrdered(G, H, {target});; if b <> fail then Add(res, b.M); fi; fi; fi; od;;"
            f" Add(Ms, res);;")
    sizes = sorted({int(np.prod(m)) for m in wanted})
    body = (f"for i in [1 .. NumberSmallGroups({n})] do G := SmallGroup({n}, i);;"
            # the lattice is computed once per group; only the sizes asked for are kept
            f" cls := Filtered(ConjugacyClassesSubgroups(G), c -> Size(Representative(c)) in {sizes});; Ms := [];; "
            + " ".join(per_moduli)
            + f' AppendTo(OUT, "{{\\"id\\":[{n},", i, "],\\"nu\\":", Indicator(CharacterTable(G), 2), ",\\"Ms\\":", Ms, "}},");; od;;')
    return run_gap(body, timeout=3600)


def _column0(M) -> list:
    """Multiset of (χ(1), M[χ, 0]) over the rows: what the permutation character of N gives."""
    return sorted([sum(row), row[0]] for row in M.tolist())


def _key(M, nu) -> list:
    """Multiset of (sorted row, ν): invariant under relabelling, a cheap filter before the DFS."""
    return sorted((tuple(sorted(row)), int(v)) for row, v in zip(M.tolist(), nu))


def truth(case: dict, groups: list[dict], moduli: tuple[int, ...], indicators: bool) -> set[tuple[int, int]]:
    """The groups of the census of |G| whose data for some class of N's type is the query's."""
    M, nu = case["M"], case["nu"] if indicators else [0] * len(case["M"])
    want = _key(M, nu)
    out = set()
    for g in groups:
        nu_h = g["nu"] if indicators else [0] * len(g["nu"])
        for M_K in g["Ms"][moduli]:
            if _key(M_K, nu_h) == want and _census_orbit_equal(M_K, nu_h, M, nu, list(moduli)):
                out.add(tuple(g["id"]))
                break
    return out


def answers(case: dict) -> tuple[set, set]:
    """symboot's groups from the census rows, and from the rows with indicators (as the test)."""
    M, spec, R = case["M"], {"abelian": case["moduli"]}, (case["M"].T @ case["M"]).tolist()
    plain = solve(parse_data({"subgroup": spec, "ramp": R, "census": {"rows": M.tolist()}}), abstract=False)
    ind = solve(parse_data({"subgroup": spec, "ramp": R, "census": {"rows": M.tolist(), "indicators": case["nu"]}}),
                time_limit=0.3)
    return set(plain.groups), set(ind.groups)


def report(rows: list[tuple[dict, set, set]], kind: str) -> None:
    """One data kind's table: counts, recall, precision, uniques and every S ≠ T."""
    inter = sum(len(S & T) for _, S, T in rows)
    nS, nT = sum(len(S) for _, S, _ in rows), sum(len(T) for _, _, T in rows)
    print(f"\n## {kind}: {len(rows)} queries")
    print(f"  recall    Σ|S∩T|/Σ|T| = {inter}/{nT} = {100 * inter / nT:.1f} %")
    print(f"  precision Σ|S∩T|/Σ|S| = {inter}/{nS} = {100 * inter / nS:.1f} %")
    print(f"  |S| = 1 (symboot unique): {sum(len(S) == 1 for _, S, _ in rows)}")
    print(f"  |T| = 1 (GAP ceiling):    {sum(len(T) == 1 for _, _, T in rows)}")
    bad = [(c, S, T) for c, S, T in rows if S != T]
    print(f"  S != T: {len(bad)}")
    for c, S, T in bad:
        print(f"    G={tuple(c['id'])} moduli={c['moduli']}: missed {sorted(T - S)}, extra {sorted(S - T)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=INDICATOR_CASES, help="first pairs of the oracle's sample")
    ap.add_argument("--max-order", type=int, default=64, help="skip queries with |G| above this")
    args = ap.parse_args()

    t = time.perf_counter()
    cases = query_cases(args.sample)
    gap_s = time.perf_counter() - t
    for c in cases:
        c["M"] = np.array(c["M"], dtype=object).astype(np.int64)
    skipped = [c for c in cases if c["id"][0] > args.max_order]
    cases = [c for c in cases if c["id"][0] <= args.max_order]

    needs = defaultdict(lambda: defaultdict(list))
    for c in cases:
        needs[c["id"][0]][tuple(c["moduli"])].append(_column0(c["M"]))
    census = {}
    for n in sorted(needs):
        wanted = dict(sorted(needs[n].items()))
        moduli_list = list(wanted)
        t = time.perf_counter()
        groups = order_census(n, wanted)
        dt = time.perf_counter() - t
        gap_s += dt
        for g in groups:
            g["Ms"] = {m: [np.array(M, dtype=object).astype(np.int64) for M in Ms] for m, Ms in zip(moduli_list, g["Ms"])}
        census[n] = groups
        print(f"GAP order {n}: {len(groups)} groups, moduli {moduli_list}: {dt:.1f} s", flush=True)

    engine_s, truth_s = 0.0, 0.0
    rows = {k: [] for k in KINDS}
    for c in cases:
        t = time.perf_counter()
        S0, S1 = answers(c)
        engine_s += time.perf_counter() - t
        t = time.perf_counter()
        moduli = tuple(c["moduli"])
        T0, T1 = (truth(c, census[c["id"][0]], moduli, ind) for ind in (False, True))
        truth_s += time.perf_counter() - t
        assert tuple(c["id"]) in T1 and T1 <= T0, c["id"]  # the query's own G; ν only ever removes groups
        rows[KINDS[0]].append((c, S0, T0))
        rows[KINDS[1]].append((c, S1, T1))

    print(f"\n{len(cases)} queries of the first {args.sample} (|G| ≤ {args.max_order}; {len(skipped)} skipped)")
    for kind in KINDS:
        report(rows[kind], kind)
    print(f"\nGAP {gap_s:.1f} s, engine {engine_s:.1f} s, truth DFS {truth_s:.1f} s")


if __name__ == "__main__":
    main()
