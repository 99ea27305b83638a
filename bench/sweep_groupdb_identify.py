"""Full sweep: the identification query against GAP for every abelian N and every group of
order ≤ MAX (default 100).

GAP, independently of symboot, lists for every group G and every abelian subgroup class H of G
the ramp matrix R = MᵀM in the canonical labelling of N = SmallGroup(IdGroup(H)) (through an
isomorphism) and its minimal image under Aut(N) acting on Irr(N) — two classes give the same
answer set exactly when these agree. The expected answer to "which groups of order |G| contain
N with ramp matrix R" is then the set of G sharing (IdGroup(H), minimal image); symboot's
identify() must return exactly that set for every instance. N whose automorphism group is too
large to enumerate (> MAX_AUT elements, e.g. C2^5) are skipped and counted.

Usage (from the repository root): python -m bench.sweep_groupdb_identify [MAX]
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict

import groupdb
from groupdb.query import identify
from tests.gap_oracle import match_rows, relabel_square

MAX_AUT = 50000

GAP_SCRIPT = """
SetPrintFormattingStatus("*stdout*", false);
canon := rec();;
Canon := function(id)
  local key, S, t, A;
  key := Concatenation("g", String(id[1]), "_", String(id[2]));
  if not IsBound(canon.(key)) then
    S := SmallGroup(id);; t := CharacterTable(S);; A := AutomorphismGroup(S);;
    canon.(key) := rec(S := S, reps := List(ConjugacyClasses(t), Representative),
      vals := List(Irr(t), ValuesOfClassFunction), aut := A, big := Size(A) > MAX_AUT);
    Print("@@ ", ["canon", id, List(Irr(t), chi -> List(chi, v -> CoeffsCyc(v, Exponent(S))))], "\\n");
    if not canon.(key).big then
      # Aut(S) on Irr(S) as index permutations, chi -> chi o a^-1 (S abelian: classes are elements)
      canon.(key).perms := Set(List(AsList(A), a -> List(canon.(key).vals, v ->
        Position(canon.(key).vals, List(canon.(key).reps, x ->
          v[Position(canon.(key).reps, PreImagesRepresentative(a, x))])))));
    fi;
  fi;
  return canon.(key);
end;;
for n in [1..MAXN] do
  for i in [1..NumberSmallGroups(n)] do
    G := SmallGroup(n, i);; tG := CharacterTable(G);;
    for c in ConjugacyClassesSubgroups(G) do
      H := Representative(c);;
      if IsAbelian(H) and Size(H) > 1 then
        id := IdGroup(H);; C := Canon(id);;
        if C.big then Print("@@ ", [n, i, id, "skip"], "\\n"); continue; fi;
        tH := CharacterTable(H);;
        M := MatScalarProducts(tH, Irr(tH), RestrictedClassFunctions(Irr(tG), H));;
        iso := IsomorphismGroups(C.S, H);;
        pos := List(Irr(tH), psi -> Position(C.vals, List(C.reps, x -> Image(iso, x)^psi)));;
        R := TransposedMat(M) * M;;
        Rc := NullMat(Length(pos), Length(pos));;
        for a in [1..Length(pos)] do for b in [1..Length(pos)] do Rc[pos[a]][pos[b]] := R[a][b]; od; od;
        minimal := Minimum(List(C.perms, p -> List([1..Length(p)], a -> List([1..Length(p)], b -> Rc[p[a]][p[b]]))));;
        Print("@@ ", [n, i, id, Rc, minimal], "\\n");
      fi;
    od;
  od;
od;
QUIT;
"""


def main() -> None:
    max_n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    t = time.time()
    script = GAP_SCRIPT.replace("MAXN", str(max_n)).replace("MAX_AUT", str(MAX_AUT))
    out = subprocess.run(["gap", "-q", "-b", "-o", "8g"], input=script, capture_output=True, text=True, check=True)
    gap_seconds = time.time() - t
    instances, skipped, match = [], 0, {}
    for line in out.stdout.splitlines():
        if line.startswith("@@ "):
            rec = json.loads(line[3:])
            if rec[0] == "canon":
                match[tuple(rec[1])] = match_rows(groupdb.load(tuple(rec[1])), rec[2])
            elif rec[3] == "skip":
                skipped += 1
            else:
                n, i, sid, R, minimal = rec
                instances.append((n, i, sid, relabel_square(R, match[tuple(sid)]), minimal))
    expected = defaultdict(set)
    for n, i, sid, _, minimal in instances:
        expected[(n, tuple(sid), json.dumps(minimal))].add(i)
    times, wrong = [], []
    for n, i, sid, R, minimal in instances:
        t0 = time.perf_counter()
        ours = {m.group.id[1] for m in identify(tuple(sid), ramp=R) if m.group.order == n}
        times.append(time.perf_counter() - t0)
        if ours != expected[(n, tuple(sid), json.dumps(minimal))]:
            wrong.append((n, i, sid))
    times.sort()
    print(f"groups of order <= {max_n}: {len(instances)} (G, abelian H) instances, {skipped} skipped (|Aut(N)| > {MAX_AUT})")
    print(f"answer sets equal to GAP's: {len(instances) - len(wrong)} / {len(instances)}; wrong: {wrong[:20]}")
    print(f"GAP side {gap_seconds:.0f} s; symboot query median {statistics.median(times) * 1e3:.2f} ms, "
          f"p95 {times[int(0.95 * len(times))] * 1e3:.2f} ms, max {times[-1] * 1e3:.1f} ms")
    sys.exit(1 if wrong else 0)


if __name__ == "__main__":
    main()
