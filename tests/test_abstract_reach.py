"""The abstract search's reach on abelian G (issue 14), against groupdb's stored tables.

groupdb is built from GAP (an independent source of the truth). For each pair below the
data are R = MᵀM of a stored subgroup class; the abstract search (no group assumed) must
finish within its limit, and the rings it finds must be exactly the rings of the groups of
that order containing N with that R:

* every named group's (M, fusion ring) is isomorphic — an isomorphism of fusion rings
  carrying rows of M to equal rows — to an abstract candidate (completeness);
* every abstract candidate with all d = 1 (a group ring) is the (M, ring) of some named
  group G through some subgroup class ≅ N and some relabelling of N's irreducibles by
  Aut(N) (the data fix R only up to Aut(N)) — nothing spurious; a candidate with d > 1 that
  no group realises (fusion rings that pass every check exist, SPEC §3; z3 alone finds the
  same ones) must be reported "not group-like";
* abstract candidates are pairwise non-isomorphic (each ring once).

The 1-dimensional part is decided by bootstrap.linear (group laws, not z3): C4 × C4 over C2
has rank-10 branchings that z3 alone did not finish in 20 s; the index-2/3 cases are rank
16–64 branchings, beyond the old rank cap of 12. The whole file takes ~30 s.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import groupdb
from bootstrap.data import parse_data
from bootstrap.engine import solve
from bootstrap.linear import (
    abelian_types, automorphism_generators, enumerate_linear_rings, extension_orbits, linear_structures,
)
from bootstrap.naming import ring_isomorphism
from groupdb.characters import tensor_coefficients
from groupdb.query import automorphism_action, stored_branching

#: (G, N ≅ a subgroup of G): abelian G of order 16–64
CASES = [
    ((16, 2), (8, 2)),    # C4 x C4 ⊃ C4 x C2, index 2, rank 16
    ((16, 5), (8, 1)),    # C8 x C2 ⊃ C8
    ((16, 14), (8, 5)),   # C2^4 ⊃ C2^3
    ((27, 5), (9, 2)),    # C3^3 ⊃ C3^2, index 3, rank 27
    ((32, 21), (16, 2)),  # C4 x C4 x C2 ⊃ C4 x C4, rank 32
    ((48, 44), (24, 15)),  # C12 x C2 x C2 ⊃ C6 x C2 x C2, rank 48
    ((64, 2), (32, 3)),   # C8 x C8 ⊃ C8 x C4, rank 64
    ((16, 2), (2, 1)),    # C4 x C4 ⊃ C2, index 8: 14 groups, branchings of rank 7, 10, 16
    ((16, 5), (4, 1)),    # C8 x C2 ⊃ C4, index 4
    # mixed dimensions above rank 12, end to end (the engine's old rank cap 12 skipped them)
    ((54, 11), (18, 2)),   # rank 22
    ((48, 31), (8, 2)),    # rank 16
    ((63, 1), (7, 1)),     # C7 : C9 over C7, rank 15
    ((64, 12), (8, 1)),    # over C8, index 8
]


def _aut_elements(N) -> list[np.ndarray]:
    gens = [np.array(g) for g in automorphism_action(N)]
    ident = np.arange(N.nclasses)
    seen = {ident.tobytes(): ident}
    frontier = [ident]
    while frontier:
        nxt = []
        for p in frontier:
            for g in gens:
                q = p[g]
                if q.tobytes() not in seen:
                    seen[q.tobytes()] = q
                    nxt.append(q)
        frontier = nxt
    return list(seen.values())


def _iso(M1, F1, M2, F2) -> bool:
    return ring_isomorphism(M1, F1, M2, F2, 2_000_000) is not None


@pytest.mark.parametrize("gid,nid", CASES)
def test_abstract_search_completes_and_agrees_with_groupdb(gid, nid):
    G, N = groupdb.load(gid), groupdb.load(nid)
    j = next(s.position for s in G.subgroups if s.id == nid)
    R = stored_branching(G, j, N)[1]
    r = solve(parse_data({"subgroup": {"id": list(nid)}, "ramp": R.tolist()}), time_limit=10)
    assert r.abstract.status == "complete", r.abstract.reason
    assert r.status == "complete" and gid in r.groups
    abstract = [c for c in r.candidates if "abstract" in c.found_by]
    named = {m.group.id: m for c in r.candidates for m in c.groups}
    assert abstract
    # completeness: every named group's ring is an abstract candidate
    for m in named.values():
        F = tensor_coefficients(m.group)
        assert any(_iso(c.branching, c.fusion, m.branching, F) for c in abstract), f"{m.group} not found abstractly"
    # nothing spurious: each candidate is some named group's ring under some embedding of N
    auts = _aut_elements(N)
    realisations = []
    for m in named.values():
        F = tensor_coefficients(m.group)
        for s in m.group.subgroups_isomorphic_to(nid):
            M = stored_branching(m.group, s.position, N)[0]
            for p in auts:
                realisations.append((m.group.id, M[:, p], F))
    for c in abstract:
        # the groups attached to c realise it through some class and relabelling, and one does if any
        realised_by = {g for g, M, F in realisations if _iso(c.branching, c.fusion, M, F)}
        assert {m.group.id for m in c.groups} <= realised_by and bool(c.groups) == bool(realised_by), \
            (realised_by, c.note)
        if realised_by:
            continue
        # a fusion ring no group realises can survive every check (SPEC §3): never an abelian
        # group ring (every d = 1 is Ĝ for an abelian G), and the report must say so
        assert not np.all(c.dims == 1), "a group ring no abelian group realises"
        assert c.note.startswith("not group-like"), c.note
    # each ring once
    for a, b in itertools.combinations(abstract, 2):
        assert not (np.array_equal(np.sort(a.branching, axis=0), np.sort(b.branching, axis=0))
                    and _iso(a.branching, a.fusion, b.branching, b.fusion))
    # every candidate passed the engine's table checks: its table has |G| trivial-size classes
    for c in abstract:
        if np.all(c.dims == 1):
            assert c.table is not None and c.table.class_sizes == [1] * len(c.dims)


def _all_auts(K):
    """Every automorphism of ⊕ Z/q (brute force: images of the basis, bijective)."""
    els = list(itertools.product(*(range(q) for q in K)))

    def order(y):
        return int(np.lcm.reduce([q // int(np.gcd(v, q)) for v, q in zip(y, K)]))

    out = []
    for imgs in itertools.product(*[[y for y in els if q % order(y) == 0] for q in K]):
        f = {x: tuple(sum(x[i] * imgs[i][t] for i in range(len(K))) % K[t] for t in range(len(K))) for x in els}
        if len(set(f.values())) == len(els):
            out.append(f)
    return out


@pytest.mark.parametrize("K", [(2, 2), (4, 2), (2, 2, 2), (3, 3), (8, 2), (4, 4), (4, 2, 2)])
@pytest.mark.parametrize("B", [(2,), (4,), (2, 2), (4, 2)])
def test_extension_orbits_match_brute_force(K, B):
    """The Aut(K)-orbits on ⊕ K/b_iK under the generators equal those under all of Aut(K)."""
    mods = [[int(np.gcd(q, b)) for q in K] for b in B]
    S = list(itertools.product(*(itertools.product(*(range(m) for m in mi)) for mi in mods)))
    seen, n = set(), 0
    auts = _all_auts(K)
    for xs in S:
        if xs in seen:
            continue
        n += 1
        for f in auts:
            seen.add(tuple(tuple(v % m for v, m in zip(f[x], mi)) for x, mi in zip(xs, mods)))
    assert len(extension_orbits(K, B)) == n


def test_abelian_types_and_linear_rings_count():
    assert [len(abelian_types(n)) for n in (16, 32, 64, 72)] == [5, 7, 11, 6]
    assert automorphism_generators(()) == []
    # over N = 1 every abelian group of order 12 once: C12, C6 x C2
    from bootstrap.known import known_subgroup

    res = enumerate_linear_rings(known_subgroup({"cyclic": 1}), np.ones((12, 1), dtype=np.int64))
    assert res.complete and len(res.solutions) == 2
    # a linear part whose fibres differ in size carries no group law
    Kn = known_subgroup({"cyclic": 2})
    found, complete, _ = linear_structures(Kn, np.array([[1, 0], [1, 0], [0, 1]]))
    assert complete and not found


def test_an_expired_limit_is_incomplete_not_no_solution():
    """Past the deadline the construction says incomplete (it once crashed unpacking its result)."""
    import time

    from bootstrap.known import known_subgroup
    from bootstrap.solver import enumerate_fusion_rings

    Kn = known_subgroup({"cyclic": 1})
    res = enumerate_linear_rings(Kn, np.ones((16, 1), dtype=np.int64), deadline=time.monotonic() - 1)
    assert not res.complete and res.reason
    M = np.array([[1]] * 4 + [[2]])  # D8 / Q8 over N = 1: 4 linear rows and one of dimension 2
    res = enumerate_fusion_rings(Kn, M, deadline=time.monotonic() - 1)
    assert not res.complete and res.reason
    res = enumerate_fusion_rings(Kn, M)
    assert res.complete and len(res.solutions) == 2  # the ring of D8 and Q8 (TY(C2²)), and TY(C4): no group


# ---------------------------------------------------------------------------
# the action of the 1-dimensional rows on the others, fixed before the search (issue 14)
# ---------------------------------------------------------------------------
#: (G, N): non-abelian G of order 16–64 whose own branching over the abelian N is mixed
#: (some d > 1) and of rank > 12 — searched only with the linear action fixed
MIXED = [
    ((64, 27), (32, 16)),  # rank 40, 32 linear rows
    ((54, 11), (18, 2)),   # rank 22
    ((64, 120), (16, 2)),  # rank 28
    ((40, 5), (2, 1)),     # C4 x D10 over C2, rank 16, 8 linear rows
    ((64, 32), (8, 5)),    # rank 13
    ((48, 31), (8, 2)),    # rank 16
]


def _own_branching(gid, nid):
    from bootstrap.known import known_subgroup

    G, N = groupdb.load(gid), groupdb.load(nid)
    j = next(s.position for s in G.subgroups if s.id == nid)
    return G, N, known_subgroup({"id": list(nid)}), np.array(stored_branching(G, j, N)[0])


def _same_rows(A, B) -> bool:
    return A.shape == B.shape and sorted(map(tuple, A.tolist())) == sorted(map(tuple, B.tolist()))


@pytest.mark.parametrize("gid,nid", MIXED)
def test_mixed_branchings_above_rank_12_are_searched(gid, nid):
    """The fusion-ring search on G's own rank > 12 branching M completes (the old rank cap
    skipped it), and every group of groupdb with that (N, M) — the named search on R = MᵀM,
    its matches whose branching is M up to the order of rows — has its ring among the rings
    found (up to isomorphism carrying rows of M to equal rows)."""
    import time

    from bootstrap.naming import named_search
    from bootstrap.solver import MAX_RANK, enumerate_fusion_rings

    G, N, known, M = _own_branching(gid, nid)
    assert len(M) > MAX_RANK and not np.all(M @ known.dims == 1)
    res = enumerate_fusion_rings(known, M, time.monotonic() + 10)
    assert res.complete, res.reason
    data = parse_data({"subgroup": {"id": list(nid)}, "ramp": (M.T @ M).tolist()})
    found = named_search(data, G.order)
    assert found.complete
    mine = [m for m in found.matches if _same_rows(np.asarray(m.branching), M)]
    assert any(m.group.id == gid for m in mine)
    for m in mine:
        F = np.array(tensor_coefficients(m.group), dtype=np.int64)
        assert any(_iso(M, R, np.asarray(m.branching), F) for R in res.solutions), f"{m.group} not found"
    for a, b in itertools.combinations(res.solutions, 2):  # each ring once
        assert not _iso(M, a, M, b)


def test_mixed_search_z3_and_cpsat_agree_above_rank_12():
    import time

    from bootstrap.solver import enumerate_fusion_rings

    _, _, known, M = _own_branching((40, 5), (2, 1))
    z = enumerate_fusion_rings(known, M, time.monotonic() + 10, engine="z3")
    c = enumerate_fusion_rings(known, M, time.monotonic() + 10, engine="cpsat")
    assert z.complete and c.complete and len(z.solutions) == len(c.solutions) > 0
    assert all(any(_iso(M, a, M, b) for b in c.solutions) for a in z.solutions)


def test_mixed_search_past_its_deadline_is_incomplete():
    import time

    from bootstrap.solver import enumerate_fusion_rings

    _, _, known, M = _own_branching((64, 120), (16, 2))
    res = enumerate_fusion_rings(known, M, time.monotonic() - 1)
    assert not res.complete and res.reason and not res.violations


def _brute_force_actions(known, M, rows, table):
    """Every action of the linear rows on the others (all permutations of the generators'
    images, brute force): the arrays P[a, i] = rows[a] ⊗ i that are homomorphisms, with
    M[P[a, i]] = μ_a · M[i]."""
    from bootstrap.linear import group_basis

    k, n = len(M), len(rows)
    X = [i for i in range(k) if i not in rows]
    pos = {r: a for a, r in enumerate(rows)}
    gens, _ = group_basis(table, 0)
    coords = {}  # position -> exponents of gens
    for es in itertools.product(*(range(len(rows)) for _ in gens)):
        x = 0
        for g, e in zip(gens, es):
            for _ in range(e):
                x = int(table[x, g])
        coords.setdefault(x, es)
    shifted = []
    for a in range(n):
        mu = int(np.flatnonzero(M[rows[a]])[0])
        perm = known.fusion[mu].argmax(axis=1)
        shifted.append(lambda R, perm=perm: tuple(R[np.argsort(perm)]))
    out = []
    for imgs in itertools.product(*(itertools.permutations(X) for _ in gens)):
        pg = []
        for g, img in zip(gens, imgs):
            p = np.arange(k)
            p[rows] = [rows[int(table[g, b])] for b in range(n)]
            p[X] = img
            pg.append(p)
        P = np.empty((n, k), dtype=np.int64)
        for a in range(n):
            p = np.arange(k)
            for q, e in zip(pg, coords[a]):
                for _ in range(e):
                    p = q[p]
            P[a] = p
        if not all(np.array_equal(P[a][P[b]], P[int(table[a, b])]) for a in range(n) for b in range(n)):
            continue
        if all(tuple(M[P[a, i]]) == shifted[a](M[i]) for a in range(n) for i in X):
            out.append(P)
    return out


def test_linear_actions_are_the_compatible_ones_up_to_relabelling():
    """Brute force over all permutations: every action of the linear rows on the others that
    restriction allows is conjugate (by an automorphism of the law over N and a permutation of
    equal rows) to exactly one of linear_actions', and each of those is such an action."""
    from bootstrap.known import known_subgroup
    from bootstrap.linear import linear_actions, linear_automorphisms

    K = known_subgroup({"cyclic": 2})
    M = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [1, 1], [1, 1], [1, 1], [2, 0], [0, 2]])
    found, _, _ = linear_structures(K, M)
    rows, tables = found
    assert len(tables) == 2  # C4 and C2 x C2 over C2
    X = [i for i in range(len(M)) if i not in rows]
    classes = [[i for i in X if np.array_equal(M[i], M[j])] for j in X]
    sigmas = []
    for perms in itertools.product(*(itertools.permutations(c) for c in {tuple(c) for c in classes})):
        s = np.arange(len(M))
        for c, q in zip({tuple(c) for c in classes}, perms):
            s[list(c)] = q
        sigmas.append(s)
    total = 0
    for table in tables:
        auts = linear_automorphisms(M, rows, table)
        pos = {r: a for a, r in enumerate(rows)}

        def canon(P):
            keys = []
            for alpha in auts:
                for s in sigmas:
                    h = s.copy()
                    for a, b in alpha.items():
                        h[a] = b
                    Q = np.empty_like(P)  # (h·P)[α(a), h(i)] = h(P[a, i])
                    for a in range(len(rows)):
                        Q[pos[alpha[rows[a]]], h] = h[P[a]]
                    keys.append(Q.tobytes())
            return min(keys)

        brute = {canon(P) for P in _brute_force_actions(K, M, rows, table)}
        acts, complete, _ = linear_actions(K, M, rows, table, auts, prune=False)
        assert complete
        got = [canon(act.P) for act in acts]
        assert len(got) == len(set(got)) and set(got) == brute
        total += len(got)
        pruned = {canon(act.P) for act in linear_actions(K, M, rows, table, auts)[0]}
        assert pruned <= brute
    assert total > 2


#: (G, N, rank): a branching of that rank allowed by G's own R over N, where the stabiliser test
#: drops actions (C2 x D8 over C2: 4 of 7 kept; (C2 x C2 x C2) : C4 over C2: 44 of 202)
PRUNED = [((16, 3), (2, 1), 10), ((32, 6), (2, 1), 20)]


@pytest.mark.parametrize("gid,nid,rank", PRUNED)
def test_pruned_actions_lose_no_ring(gid, nid, rank, monkeypatch):
    """linear_actions' stabiliser test (Σ_{λ∈S} M_λ ≤ Res ρ ⊗ Res ρ*) drops actions, never a ring:
    the search with it finds the same rings, up to isomorphism, as the search over every action
    restriction allows (bootstrap.linear's brute-force test above checks that set)."""
    import functools
    import time

    import bootstrap.linear as linear
    from bootstrap.solver import enumerate_branchings, enumerate_fusion_rings

    G, N = groupdb.load(gid), groupdb.load(nid)
    j = next(s.position for s in G.subgroups if s.id == nid)
    d = parse_data({"subgroup": {"id": list(nid)}, "ramp": stored_branching(G, j, N)[1].tolist()})
    M = next(B for B in enumerate_branchings(d, gid[0] // nid[0]).solutions if len(B) == rank)
    (rows, tables), _, _ = linear_structures(d.known, M)
    kept = sum(len(linear.linear_actions(d.known, M, rows, t)[0]) for t in tables)
    every = sum(len(linear.linear_actions(d.known, M, rows, t, prune=False)[0]) for t in tables)
    assert kept < every
    pruned = enumerate_fusion_rings(d.known, M, time.monotonic() + 60)
    monkeypatch.setattr(linear, "linear_actions", functools.partial(linear.linear_actions, prune=False))
    full = enumerate_fusion_rings(d.known, M, time.monotonic() + 60)
    assert pruned.complete and full.complete, (pruned.reason, full.reason)
    assert full.solutions and len(pruned.solutions) == len(full.solutions)
    for F in full.solutions:
        assert any(ring_isomorphism(M, F, M, R) is not None for R in pruned.solutions)


# ---------------------------------------------------------------------------
# merging named groups into abstract candidates at every rank (issue 14)
# ---------------------------------------------------------------------------
def _brute_isomorphic(M1, F1, M2, F2) -> bool:
    """Every permutation tried: the definition of ring_isomorphism's answer, independently."""
    k = len(M1)
    for p in itertools.permutations(range(k)):
        p = np.array(p)
        if np.array_equal(M1[p], M2) and np.array_equal(F1[p][:, p][:, :, p], F2):
            return True
    return False


def _group_ring(orders, images):
    """The ring of ⊕ Z/o (elements in lexicographic order) with M: the element's image under the
    homomorphism to Z/2 sending generator t to images[t], as a one-hot row over N = C2."""
    els = list(itertools.product(*(range(o) for o in orders)))
    ix = {e: i for i, e in enumerate(els)}
    k = len(els)
    F = np.zeros((k, k, k), dtype=np.int64)
    for a in els:
        for b in els:
            F[ix[a], ix[b], ix[tuple((x + y) % o for x, y, o in zip(a, b, orders))]] = 1
    M = np.zeros((k, 2), dtype=np.int64)
    for e in els:
        M[ix[e], sum(c * v for c, v in zip(e, images)) % 2] = 1
    return M, F


@pytest.mark.parametrize("A,B", [
    (((4, 2), (1, 0)), ((4, 2), (0, 1))),  # C4 x C2 over C2: the kernel C2 x C2 or C4
    (((4, 2), (1, 0)), ((4, 2), (1, 1))),
    (((4, 2), (0, 1)), ((2, 2, 2), (1, 0, 0))),
    (((2, 2, 2), (1, 0, 0)), ((2, 2, 2), (1, 1, 0))),
    (((8,), (1,)), ((4, 2), (1, 1))),
])
def test_group_ring_isomorphism_agrees_with_every_permutation(A, B):
    """The group-ring shortcut (a search over a basis) decides exactly what trying all k!
    relabellings decides, both ways, and what it returns is an isomorphism."""
    M1, F1 = _group_ring(*A)
    M2, F2 = _group_ring(*B)
    rng = np.random.default_rng(0)
    p = np.concatenate([[0], 1 + rng.permutation(len(M2) - 1)])  # hide the labelling, unit first
    M2, F2 = M2[p], F2[p][:, p][:, :, p]
    pi = ring_isomorphism(M1, F1, M2, F2)
    assert (pi is not None) == _brute_isomorphic(M1, F1, M2, F2)
    if pi is not None:
        assert np.array_equal(M1[pi], M2) and np.array_equal(F1[pi][:, pi][:, :, pi], F2)


def test_group_ring_isomorphism_at_rank_64_finds_a_hidden_relabelling():
    M, F = _group_ring((8, 4, 2), (1, 0, 1))
    rng = np.random.default_rng(1)
    p = np.concatenate([[0], 1 + rng.permutation(len(M) - 1)])
    pi = ring_isomorphism(M, F, M[p], F[p][:, p][:, :, p], max_nodes=1000)
    assert pi is not None and np.array_equal(M[pi], M[p])


@pytest.mark.parametrize("gid,nid", [((48, 44), (24, 15)), ((64, 2), (32, 3)), ((32, 21), (16, 2))])
def test_every_named_group_merges_into_its_abstract_ring(gid, nid):
    """Group rings above MERGE_RANK (ranks 48, 64, 32) are merged at any rank: each named group's
    ring is decided against the abstract candidates, no isomorphism left undecided; an
    abelian candidate is attached to the named group realising it through another embedding of N."""
    G, N = groupdb.load(gid), groupdb.load(nid)
    j = next(s.position for s in G.subgroups if s.id == nid)
    R = stored_branching(G, j, N)[1]
    r = solve(parse_data({"subgroup": {"id": list(nid)}, "ramp": R.tolist()}), time_limit=10)
    assert r.status == "complete" and gid in r.groups
    for c in r.candidates:
        assert "ring isomorphism was not decided" not in (c.note or ""), c.note
        # an abelian candidate is always some group (Pontryagin duality), here named
        assert c.groups or not np.all(c.dims == 1), c.note
        if c.groups:
            assert "abstract" in c.found_by, [m.group.name for m in c.groups]
