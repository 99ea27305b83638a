"""Full sweep: the identification query against GAP for every abelian N and every group of
order ≤ MAX (default 100).

GAP, independently of symboot, lists for every group G and every abelian subgroup class H of G
(the trivial one included) the ramp matrix R = MᵀM in the labelling of Irr(N),
N = SmallGroup(IdGroup(H)), induced by an isomorphism H → N (a basis of H sent to a basis of N
with the same element orders), together with Irr(N) as an abelian group (each irreducible's
exponent vector over the dual basis).
Here, two instances of one (|G|, N) are equivalent when an automorphism of Irr(N) carries one
R to the other (a backtracking search over images of the basis, below); the expected answer
to "which groups of order |G| contain N with ramp matrix R" is the set of G with an
equivalent instance, and groupdb.query.groups_containing() must return exactly that set for every instance.

GAP runs once per order, niced, its output cached per order (--cache), so a long sweep can be
stopped and resumed, and compared on whatever orders are done (--no-gap). --minimal-image
also has GAP compute the old criterion, the minimal image of R under Aut(N) (only where
|Aut(N)| ≤ MAX_AUT), and checks that it groups the instances exactly as the search does.

Usage (from the repository root):
    python -m bench.sweep_groupdb_identify [MAX] [--min-order K] [--cache DIR] [--no-gap]
                                           [--minimal-image]
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

import groupdb
from groupdb.query import groups_containing
from tests.gap_oracle import match_rows, relabel_square

#: --minimal-image enumerates Aut(N) in GAP only up to this size
MAX_AUT = 50000

GAP_SCRIPT = """
SetPrintFormattingStatus("*stdout*", false);
canon := rec();; C := fail;; BH := fail;;  # globals, read inside the functions below
# independent generators of prime-power order, sorted by order: two isomorphic abelian groups
# get bases with the same order sequence, so basis -> basis is an isomorphism
AbBasis := function(A)
  local g; g := ShallowCopy(IndependentGeneratorsOfAbelianGroup(A)); SortBy(g, Order); return g;
end;;
# the exponents e with chi(b_j) = E(o_j)^e_j: chi's coordinates over the basis dual to B
Exps := function(chi, B)
  return List(B, function(b) local o, v; o := Order(b); v := b^chi;
    return First([0..o-1], e -> E(o)^e = v); end);
end;;
# the least of R's images under the permutations: one at a time, not a list of 40320 matrices
MinimalImage := function(R, perms)
  local best, p, m;
  best := fail;
  for p in perms do
    m := List(p, a -> List(p, b -> R[a][b]));
    if best = fail or m < best then best := m; fi;
  od;
  return best;
end;;
Canon := function(id)
  local key, S, t, B, A, C;
  key := Concatenation("g", String(id[1]), "_", String(id[2]));
  if not IsBound(canon.(key)) then
    S := SmallGroup(id);; t := CharacterTable(S);; B := AbBasis(S);;
    C := rec(vecs := List(Irr(t), chi -> Exps(chi, B)));;
    Print("@@ ", ["canon", id, List(Irr(t), chi -> List(chi, v -> CoeffsCyc(v, Exponent(S)))),
      List(B, Order), C.vecs], "\\n");
    if MINIMAL then
      A := AutomorphismGroup(S);;
      if Size(A) <= MAX_AUT then
        # Aut(S) on Irr(S) as index permutations, chi -> chi o a^-1 (S abelian: classes are elements)
        C.reps := List(ConjugacyClasses(t), Representative);;
        C.vals := List(Irr(t), ValuesOfClassFunction);;
        C.perms := Set(List(AsList(A), a -> List(C.vals, v -> Position(C.vals,
          List(C.reps, x -> v[Position(C.reps, PreImagesRepresentative(a, x))])))));;
        C.seen := [];; C.minimal := [];;
      fi;
    fi;
    canon.(key) := C;
  fi;
  return canon.(key);
end;;
for n in ORDERS do
  # a fresh Canon per order: each order's output is self-contained (GAP's order of Irr(N) can
  # differ between sessions, and the cache mixes sessions)
  canon := rec();; t0 := Runtime();;
  for i in [1..NumberSmallGroups(n)] do
    G := SmallGroup(n, i);; tG := CharacterTable(G);;
    for c in ConjugacyClassesSubgroups(G) do
      H := Representative(c);;
      if IsAbelian(H) then
        id := IdGroup(H);; C := Canon(id);;
        tH := CharacterTable(H);; BH := AbBasis(H);;
        M := MatScalarProducts(tH, Irr(tH), RestrictedClassFunctions(Irr(tG), H));;
        pos := List(Irr(tH), psi -> Position(C.vecs, Exps(psi, BH)));;
        R := TransposedMat(M) * M;;
        Rc := NullMat(Length(pos), Length(pos));;
        for a in [1..Length(pos)] do for b in [1..Length(pos)] do Rc[pos[a]][pos[b]] := R[a][b]; od; od;
        if IsBound(C.perms) then
          # once per distinct Rc: |Aut(N)| matrices (40320 for C6 x C2^3)
          k := Position(C.seen, Rc);;
          if k = fail then
            Add(C.seen, Rc);; k := Length(C.seen);;
            C.minimal[k] := MinimalImage(Rc, C.perms);;
          fi;
          Print("@@ ", [n, i, id, Rc, C.minimal[k]], "\\n");
        else
          Print("@@ ", [n, i, id, Rc], "\\n");
        fi;
      fi;
    od;
  od;
  Print("@@ ", ["done", n, Runtime() - t0], "\\n");
od;
QUIT;
"""


def cache_file(cache: Path, n: int, minimal: bool) -> Path:
    return cache / f"order_{n:03d}{'.min' if minimal else ''}.txt"


def run_gap(orders: list[int], cache: Path, minimal: bool) -> None:
    """GAP over `orders` in one niced session; each order's lines land in its cache file once
    the order is complete (write, then rename), so an interrupted run loses one order at most."""
    script = (GAP_SCRIPT.replace("ORDERS", json.dumps(orders)).replace("MAX_AUT", str(MAX_AUT))
              .replace("MINIMAL", "true" if minimal else "false"))
    script_path = cache / "sweep.g"
    script_path.write_text(script)
    start = time.time()
    with subprocess.Popen(["nice", "-n", "19", "gap", "-q", "-b", "--quitonbreak", "-o", "6g", str(script_path)],
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True) as proc:
        lines, count = [], 0
        for line in proc.stdout:
            if not line.startswith("@@ "):
                lines.append(line)  # an error message: kept for the failure report below
                continue
            rec = json.loads(line[3:])
            if rec[0] == "done":
                n = rec[1]
                target = cache_file(cache, n, minimal)
                tmp = target.with_suffix(".part")
                tmp.write_text("".join(lines) + line)
                tmp.rename(target)
                print(f"order {n}: {count} instances, GAP {rec[2] / 1000:.0f} s CPU "
                      f"(sweep wall {time.time() - start:.0f} s)", file=sys.stderr, flush=True)
                lines, count = [], 0
            else:
                lines.append(line)
                count += rec[0] != "canon"
    if proc.returncode != 0:
        sys.exit(f"GAP failed (exit {proc.returncode}):\n{''.join(lines)[-3000:]}")


# ---------------------------------------------------------------------------
# equivalence of ramp matrices under Aut(Irr(N)), independent of groupdb.query
# ---------------------------------------------------------------------------
class DualGroup:
    """Irr(N) of an abelian N as Z/o_1 ⊕ … ⊕ Z/o_k: irreducible a (groupdb index) has
    coordinates vecs[a]; add[a, b] is the index of the product character."""

    def __init__(self, orders: list[int], vecs: list[list[int]]):
        index = {tuple(v): a for a, v in enumerate(vecs)}
        self.add = np.array([[index[tuple((x + y) % o for x, y, o in zip(u, v, orders))] for v in vecs]
                             for u in vecs], dtype=np.int64)
        self.order = np.array([math.lcm(*(o // math.gcd(o, x) for x, o in zip(v, orders))) for v in vecs])
        self.zero = index[(0,) * len(orders)]
        # the basis, largest order first: fewer candidate images near the root of the search
        units = [index[tuple(int(i == j) for j in range(len(orders)))] for i in range(len(orders))]
        self.basis = sorted(units, key=lambda a: -self.order[a])


def element_invariants(D: DualGroup, R: np.ndarray) -> list[tuple]:
    """What an automorphism σ with R'[σa, σb] = R[a, b] preserves about each a: its order, R[a, a]
    and the multiset of (order of b, R[a, b])."""
    return [(int(D.order[a]), int(R[a, a]), tuple(sorted(zip(D.order.tolist(), R[a].tolist()))))
            for a in range(len(R))]


def find_automorphism(D: DualGroup, R: np.ndarray, inv_R: list, S: np.ndarray, inv_S: list, accept=None) -> bool:
    """Is there an automorphism σ of D with S[σa, σb] = R[a, b] for all a, b (and, if given,
    accept(dom, img) for σ as the arrays dom ↦ img)?

    σ is fixed by the images x_j of the basis d_j; x_j must have d_j's order and invariants, and
    when x_j is chosen σ is known on the subgroup <d_1..d_j>: its images there must be new
    (σ injective) and carry R to S on every pair inside it."""
    ids = {key: k for k, key in enumerate(set(inv_R) | set(inv_S))}
    cls_R = np.array([ids[key] for key in inv_R])
    cls_S = np.array([ids[key] for key in inv_S])
    candidates = [np.flatnonzero(cls_S == cls_R[d]) for d in D.basis]

    def extend(level: int, dom: np.ndarray, img: np.ndarray) -> bool:
        if level == len(D.basis):
            return accept is None or accept(dom, img)
        d = D.basis[level]
        for x in candidates[level]:
            new_dom, new_img, cd, cx = [], [], d, x
            for _ in range(D.order[d] - 1):  # the cosets dom + c·d, c = 1 .. ord(d) - 1
                new_dom.append(D.add[dom, cd])
                new_img.append(D.add[img, cx])
                cd, cx = D.add[cd, d], D.add[cx, x]
            nd, ni = np.concatenate(new_dom), np.concatenate(new_img)
            all_dom, all_img = np.concatenate([dom, nd]), np.concatenate([img, ni])
            if len(np.unique(all_img)) < len(all_img) or not np.array_equal(cls_R[nd], cls_S[ni]):
                continue
            if np.array_equal(R[np.ix_(nd, all_dom)], S[np.ix_(ni, all_img)]) and extend(level + 1, all_dom, all_img):
                return True
        return False

    zero = np.array([D.zero])
    return cls_R[D.zero] == cls_S[D.zero] and R[D.zero, D.zero] == S[D.zero, D.zero] and extend(0, zero, zero)


def classify(D: DualGroup, ramps: list[np.ndarray]) -> list[int]:
    """The equivalence class (an index) of each of the distinct matrices `ramps`; each is
    compared only with the representatives sharing its invariants."""
    reps = defaultdict(list)  # multiset of element invariants -> [(class, R, invariants)]
    out, n_classes = [], 0
    for R in ramps:
        inv = element_invariants(D, R)
        bucket = reps[tuple(sorted(inv))]
        cls = next((c for c, S, inv_S in bucket if find_automorphism(D, R, inv, S, inv_S)), None)
        if cls is None:
            cls, n_classes = n_classes, n_classes + 1
            bucket.append((cls, R, inv))
        out.append(cls)
    return out


# ---------------------------------------------------------------------------
# the sweep
# ---------------------------------------------------------------------------
def load_order(path: Path):
    """One order's cache file -> (instances [(i, sid, R in groupdb labelling, minimal or None)],
    {sid: DualGroup}, GAP CPU seconds)."""
    instances, duals, match = [], {}, {}
    for line in path.read_text().splitlines():
        if not line.startswith("@@ "):
            continue
        rec = json.loads(line[3:])
        if rec[0] == "done":
            seconds = rec[2] / 1000
        elif rec[0] == "canon":
            sid = tuple(rec[1])
            match[sid] = m = match_rows(groupdb.load(sid), rec[2])
            vecs = [None] * len(m)
            for a, v in enumerate(rec[4]):
                vecs[m[a]] = v
            duals[sid] = DualGroup(rec[3], vecs)
        else:
            sid = tuple(rec[2])
            instances.append((rec[1], sid, relabel_square(rec[3], match[sid]), rec[4] if len(rec) > 4 else None))
    return instances, duals, seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("max", nargs="?", type=int, default=100, help="largest group order (default 100)")
    ap.add_argument("--min-order", type=int, default=1)
    ap.add_argument("--cache", type=Path, help="per-order GAP output, reused (default: a temporary directory)")
    ap.add_argument("--no-gap", action="store_true", help="compare the cached orders only; run no GAP")
    ap.add_argument("--minimal-image", action="store_true",
                    help=f"also check the search against GAP's minimal images (|Aut(N)| <= {MAX_AUT})")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        orders = range(args.min_order, args.max + 1)
        todo = [n for n in orders if not cache_file(cache, n, args.minimal_image).exists()]
        if todo and not args.no_gap:
            run_gap(todo, cache, args.minimal_image)
        sweep([n for n in orders if cache_file(cache, n, args.minimal_image).exists()], cache, args)


def sweep(done: list[int], cache: Path, args) -> None:
    gap_seconds, n_instances, times, wrong = 0.0, 0, [], []
    structures, cross_checked = {}, 0
    t_classify, n_classes, n_big, slowest = 0.0, 0, 0, (0.0, None)
    for n in done:
        instances, duals, seconds = load_order(cache_file(cache, n, args.minimal_image))
        gap_seconds += seconds
        n_instances += len(instances)
        for sid, D in duals.items():
            # the same Irr(N) structure from every GAP session (a product of characters)
            assert np.array_equal(structures.setdefault(sid, D).add, D.add), sid
        by_sid = defaultdict(list)
        for i, sid, R, minimal in instances:
            by_sid[sid].append((i, R, minimal))
        for sid, rows in by_sid.items():
            if groupdb.load(sid).aut_size > MAX_AUT:
                n_big += len(rows)
            distinct = {}  # identical matrices: one query, one classification
            for i, R, minimal in rows:
                distinct.setdefault(json.dumps(R), []).append((i, minimal))
            keys = list(distinct)
            t0 = time.perf_counter()
            classes = classify(structures[sid], [np.array(json.loads(k)) for k in keys])
            t_classify += time.perf_counter() - t0
            n_classes += len(set(classes))
            expected = defaultdict(set)
            for k, c in zip(keys, classes):
                expected[c] |= {i for i, _ in distinct[k]}
            if rows[0][2] is not None:
                # the same partition: as many classes as minimal images as (class, minimal image) pairs
                minimal = [json.dumps(distinct[k][0][1]) for k in keys]
                if not len(set(zip(classes, minimal))) == len(set(minimal)) == len(set(classes)):
                    sys.exit(f"order {n}, N = {sid}: the search and the minimal images group differently")
                cross_checked += 1
            for k, c in zip(keys, classes):
                t0 = time.perf_counter()
                ours = {m.group.id[1] for m in groups_containing(sid, ramp=json.loads(k)) if m.group.order == n}
                times.append(time.perf_counter() - t0)
                slowest = max(slowest, (times[-1], f"|G| = {n}, N = {sid}"))
                if ours != expected[c]:
                    wrong.append({"order": n, "N": list(sid), "R": json.loads(k), "instances": len(distinct[k]),
                                  "expected": sorted(expected[c]), "symboot": sorted(ours)})
        print(f"compared order {n}: {len(instances)} instances", file=sys.stderr, flush=True)
    missing = [n for n in range(args.min_order, args.max + 1) if n not in done]
    n_wrong = sum(w["instances"] for w in wrong)
    times.sort()
    print(f"orders {args.min_order}..{args.max}: {len(done)} done" + (f", NOT done: {missing}" if missing else ""))
    print(f"(G, abelian H) instances: {n_instances}, {n_big} of them with |Aut(N)| > {MAX_AUT}; "
          f"distinct (order, N, R) queries: {len(times)}, in {n_classes} classes up to Aut(N)")
    print(f"answer sets equal to GAP's: {n_instances - n_wrong} / {n_instances}; wrong: {n_wrong}")
    for w in wrong:
        print("  WRONG", json.dumps(w))
    if args.minimal_image:
        print(f"search grouping == minimal-image grouping for {cross_checked} (order, N) with |Aut(N)| <= {MAX_AUT}")
    if times:
        print(f"GAP side {gap_seconds:.0f} s CPU; equivalence search {t_classify:.1f} s; symboot query median "
              f"{statistics.median(times) * 1e3:.2f} ms, p95 {times[int(0.95 * len(times))] * 1e3:.2f} ms, "
              f"max {times[-1] * 1e3:.1f} ms ({slowest[1]})")
    sys.exit(1 if wrong else 2 if missing else 0)


if __name__ == "__main__":
    main()
