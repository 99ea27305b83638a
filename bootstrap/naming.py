"""Naming (SPEC §3 'named' search) for the bootstrap's data, and the match between abstract
candidates and groups.

The search itself is groupdb.query.named_search (the one home that decides stored subgroup
classes, exactly, and says when the database's coverage leaves the list incomplete); here
the bootstrap's data are handed to it in groupdb's labelling of Irr(N).

>>> from bootstrap.data import parse_data
>>> d = parse_data({"subgroup": {"cyclic": 3}, "ramp": [[2, 0, 0], [0, 1, 1], [0, 1, 1]]})
>>> s = named_search(d, 6)
>>> [m.group.name for m in s.matches], s.complete
(['S3'], True)
"""
from __future__ import annotations

import time

import numpy as np

from bootstrap.data import SpectralData
from bootstrap.linear import basis_coordinates, group_basis, is_group_ring
from groupdb import query
from groupdb.characters import tensor_coefficients
from groupdb.group import Group
from groupdb.query import Match, NamedSearch
from groupdb.store import ramp_key

__all__ = ["Match", "NamedSearch", "named_search", "subgroup_matches", "embedding_matches",
           "ring_isomorphism", "IsomorphismUndecided"]


def _groupdb_order(data: SpectralData) -> dict:
    """The data as keyword arguments of groupdb's search, re-indexed by groupdb's irreducibles
    of N (groupdb index a ↦ user index inv[a])."""
    inv = data.known.inverse
    r = data.known.rank

    def reindex(S):
        return None if S is None else [[S[inv[a]][inv[b]] for b in range(r)] for a in range(r)]

    census = None if data.census_rows is None else data.census_rows[:, inv]
    return {"ramp": reindex(data.ramp), "plateau": reindex(data.plateau), "census": census,
            "distinct": data.census_distinct, "indicators": data.census_indicators}


def subgroup_matches(data: SpectralData, G: Group, positions) -> list[tuple[int, np.ndarray]]:
    """(position, M in the user's labelling) for each given class of G that reproduces the data."""
    K = data.known
    hits = query.matching_classes(G, positions, K.group, **_groupdb_order(data))
    return [(j, query.stored_branching(G, j, K.group)[0][:, pi][:, list(K.labels)]) for j, pi in hits]


def embedding_matches(data: SpectralData, G: Group, positions, M: np.ndarray, F: np.ndarray,
                      max_nodes: int = 200000) -> list[tuple[int, np.ndarray]]:
    """(position, M_G in the user's labelling) for each given class H ≅ N of G that gives the
    candidate (M, F) itself: some relabelling of Irr(N) makes H's branching M_G, and a ring
    isomorphism of G's fusion ring onto F carries M_G's rows onto M's. An empty list is a no
    for these classes; :class:`IsomorphismUndecided` when some isomorphism was not decided.

    >>> from bootstrap.data import parse_data
    >>> from groupdb import load
    >>> from groupdb.characters import tensor_coefficients
    >>> d = parse_data({"subgroup": {"cyclic": 3}, "ramp": [[2, 0, 0], [0, 1, 1], [0, 1, 1]]})
    >>> S3 = load((6, 1))
    >>> [j for j, _ in embedding_matches(d, S3, [2], np.array([[1, 0, 0], [1, 0, 0], [0, 1, 1]]),
    ...                                  tensor_coefficients(S3))]
    [2]
    """
    K = data.known
    inv = K.inverse
    Mg = np.asarray(M)[:, inv]  # columns in groupdb's order of Irr(N)
    FG = tensor_coefficients(G)

    def realises(M_H) -> bool:
        return ring_isomorphism(Mg, F, M_H, FG, max_nodes) is not None

    # an isomorphism keeps each irreducible's colour: it travels with its row of M, pruning the
    # walk over Aut(N) at every step (70 000 full checks → few for C2⁵ in [64,192])
    tags = (ring_colours(F), ring_colours(FG))
    hits = query.matching_classes(G, positions, K.group, census=Mg, tags=tags, accept=realises)
    return [(j, query.stored_branching(G, j, K.group)[0][:, pi][:, list(K.labels)]) for j, pi in hits]


def named_search(data: SpectralData, order: int) -> NamedSearch:
    """Every stored group of this order containing N with the data (exact), and whether the
    database holds every subgroup class that could (``complete``, ``reason``)."""
    K = data.known
    key = None
    R = data.ramp_exact
    if R is None and data.census_exact:
        R = data.census_rows.T @ data.census_rows
    if R is not None:
        inv = K.inverse
        key = ramp_key(R[np.ix_(inv, inv)])
    return query.named_search(K.group, order, K.labels, key=key, **_groupdb_order(data))


# ---------------------------------------------------------------------------
# isomorphism of candidates: a permutation of G's irreducibles preserving M and fusion
# ---------------------------------------------------------------------------
class IsomorphismUndecided(Exception):
    """:func:`ring_isomorphism` gave up: ``max_nodes`` placements were tried (or its deadline
    passed) without deciding whether the two rings are isomorphic. Neither a yes nor a no."""

    def __init__(self, max_nodes: int):
        super().__init__(f"ring isomorphism undecided after {max_nodes} search nodes")
        self.max_nodes = max_nodes


def ring_isomorphism(M1: np.ndarray, F1: np.ndarray, M2: np.ndarray, F2: np.ndarray,
                     max_nodes: int = 200000, deadline: float | None = None) -> np.ndarray | None:
    """π with M1[π[i]] = M2[i] and F1[π i, π j, π l] = F2[i, j, l], or None: not isomorphic.

    Backtracking; candidates for i are the indices with the same row of M and the same
    row-invariants of the fusion tensor. Raises :class:`IsomorphismUndecided` when more
    than ``max_nodes`` placements would be needed to decide, or ``deadline`` (a
    time.monotonic() value) passes first (a gave-up is not a no).

    >>> M, F = np.array([[1], [1]]), np.array([[[1, 0], [0, 1]], [[0, 1], [1, 0]]])  # C2
    >>> ring_isomorphism(M, F, M, F).tolist()
    [0, 1]
    >>> ring_isomorphism(M, F, M, F, max_nodes=0)
    Traceback (most recent call last):
    ...
    bootstrap.naming.IsomorphismUndecided: ring isomorphism undecided after 0 search nodes
    """
    k = len(M1)
    if M1.shape != M2.shape:
        return None

    def inv(M, F):
        return [tuple(x) for x in np.hstack([M, fusion_invariants(F)]).tolist()]

    if sorted(inv(M1, F1)) != sorted(inv(M2, F2)):
        return None
    if is_group_ring(F1) and is_group_ring(F2):
        return _group_ring_isomorphism(M1, F1, M2, F2, max_nodes)
    I1, I2 = ring_colours(F1, M1), ring_colours(F2, M2)  # finer: the candidates of each index
    if sorted(I1) != sorted(I2):
        return None
    cands = [[a for a in range(k) if I1[a] == I2[i]] for i in range(k)]
    order = sorted(range(k), key=lambda i: len(cands[i]))
    pi = [-1] * k
    used = [False] * k
    nodes = 0
    done: list[int] = []  # indices of F2 placed so far, in placement order
    # the tensor seen from each of its three slots, flattened: one gather per check
    S1 = np.stack([F1, F1.transpose(1, 0, 2), F1.transpose(2, 0, 1)]).reshape(3, k, k * k)
    S2 = np.stack([F2, F2.transpose(1, 0, 2), F2.transpose(2, 0, 1)]).reshape(3, k, k * k)

    def ok(i: int) -> bool:
        # the new index against every placed pair, in each slot of the tensor
        d = np.array(done + [i])
        p = np.array([pi[j] for j in d])
        return bool((S1[:, pi[i]][:, (p[:, None] * k + p).ravel()] == S2[:, i][:, (d[:, None] * k + d).ravel()]).all())

    def rec(t: int) -> bool:
        nonlocal nodes
        if t == k:
            return True
        i = order[t]
        for a in cands[i]:
            if used[a]:
                continue
            nodes += 1
            if nodes > max_nodes or (deadline is not None and nodes % 64 == 0 and time.monotonic() >= deadline):
                raise IsomorphismUndecided(nodes)
            pi[i], used[a] = a, True
            if ok(i):
                done.append(i)
                if rec(t + 1):
                    return True
                done.pop()
            pi[i], used[a] = -1, False
        return False

    return np.array(pi) if rec(0) else None


def fusion_invariants(F: np.ndarray) -> np.ndarray:
    """Per basis element i, what every ring isomorphism keeps: N_ii^0 (i self-dual), the
    multiset of N_ii^l and the multiset of Σ_j N_ij^l over l — one row (length 2k + 1) each.

    >>> from groupdb import load
    >>> from groupdb.characters import tensor_coefficients
    >>> fusion_invariants(tensor_coefficients(load((6, 1)))).tolist()  # S3: 1, sign, the 2-dim
    [[1, 0, 0, 1, 1, 1, 1], [1, 0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 3]]
    """
    k = len(F)
    diag = F[np.arange(k), np.arange(k)]
    return np.hstack([diag[:, :1], np.sort(diag, axis=1), np.sort(F.sum(axis=1), axis=1)])


def ring_colours(F: np.ndarray, M: np.ndarray | None = None) -> list[int]:
    """Per basis element i a colour that every ring isomorphism keeps (π maps i to an element
    of the same colour): :func:`fusion_invariants`, the traces of N_i's powers
    (:func:`_power_traces`) and i's row of M, refined until the number of colours stops
    growing (the unit, element 0, apart) — i's next colour is its colour with
    the multiset over j of (colour of j, Σ_l N_ij^l w(colour of l)), w a fixed pseudo-random
    weight per colour.

    A colour is a deterministic function of the ring up to relabelling, so equal rings give
    equal colours; two colours that collide only merge classes (a weaker test, never a wrong
    one).

    >>> from groupdb import load
    >>> from groupdb.characters import tensor_coefficients
    >>> c = ring_colours(tensor_coefficients(load((8, 3))))  # D8: 1, three signs, the 2-dim
    >>> len(set(c)), c[1] == c[2] == c[3]  # Aut permutes the three signs: refinement can't split them
    (3, True)
    """
    k = len(F)
    F = np.asarray(F, dtype=np.int64)
    unit = (np.arange(k) == 0)[:, None]  # basis element 0 is the unit, kept by every isomorphism
    base = np.hstack([unit, fusion_invariants(F), _power_traces(F)] + ([] if M is None else [M]))
    colour = np.array([hash(tuple(x)) for x in base.tolist()], dtype=np.int64)
    while True:
        x = colour.astype(np.uint64)  # splitmix64: a weight below 2³¹ per colour (no overflow below)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        w = ((x ^ (x >> np.uint64(31))) >> np.uint64(33)).astype(np.int64)
        S = F @ w  # S[i, j] = Σ_l N_ij^l w(colour of l)
        cj = np.broadcast_to(colour, (k, k))
        order = np.lexsort((S, cj), axis=1)
        rows = zip(colour.tolist(), np.take_along_axis(cj, order, 1).tolist(), np.take_along_axis(S, order, 1).tolist())
        new = np.array([hash((c, tuple(a), tuple(b))) for c, a, b in rows], dtype=np.int64)
        if len(set(new.tolist())) == len(set(colour.tolist())):
            return colour.tolist()
        colour = new


def _power_traces(F: np.ndarray, powers: int = 4) -> np.ndarray:
    """tr(N_i^p) for p = 2..powers, one row per i (the spectrum of N_i, what its character
    values are, seen by an isomorphism: it conjugates N_i), for rank ≤ 64; beyond it no columns
    (a rule of the rank alone, so two rings of one rank get the same columns)."""
    k = len(F)
    if k > 64:
        return np.zeros((k, 0), dtype=np.int64)
    X = F.astype(np.float64)  # exact: the entries of N_i^4 stay far below 2⁵³ at rank ≤ 64
    out, P = [], X
    for _ in range(2, powers + 1):
        P = P @ X
        out.append(np.trace(P, axis1=1, axis2=2))
    return np.rint(np.stack(out, axis=1)).astype(np.int64)


def _group_ring_isomorphism(M1: np.ndarray, F1: np.ndarray, M2: np.ndarray, F2: np.ndarray,
                            max_nodes: int) -> np.ndarray | None:
    """:func:`ring_isomorphism` for two group rings (all d = 1, the duals of abelian groups).

    A ring isomorphism of group rings is a group isomorphism, fixed by the images of a primary
    basis g_1..g_m of the second group: each g_t goes to an element of the same order and the
    same row of M that is independent of the images placed before it. That is a search over
    m ≤ log2 k generators (each with at most [G:N] candidates: the row of M fixes the
    restriction to N) instead of over k indices — rank 48-200 rings in milliseconds."""
    mul1, mul2 = F1.argmax(axis=2), F2.argmax(axis=2)
    b1, b2 = group_basis(mul1, 0), group_basis(mul2, 0)
    if b1 is None or b2 is None:  # pragma: no cover - a commutative group ring has a basis
        raise IsomorphismUndecided(0)
    if sorted(b1[1]) != sorted(b2[1]):
        return None
    gens, ords = b2
    k = len(M1)

    def order(mul, g):
        x, e = g, 1
        while x != 0:
            x, e = mul[x, g], e + 1
        return e

    ord1 = [order(mul1, a) for a in range(k)]
    cands = [[a for a in range(k) if ord1[a] == o and np.array_equal(M1[a], M2[g])] for g, o in zip(gens, ords)]
    coords = basis_coordinates(mul2, gens, ords)
    nodes = 0

    def extend(images: list[int]) -> np.ndarray | None:
        pi = np.zeros(k, dtype=np.int64)
        for x, c in coords.items():
            y = 0
            for a, e in zip(images, c):
                for _ in range(e):
                    y = mul1[y, a]
            pi[x] = y
        ok = (np.array_equal(M1[pi], M2) and np.array_equal(mul1[pi[:, None], pi[None, :]], pi[mul2]))
        return pi if ok else None

    def rec(t: int, span: np.ndarray, images: list[int]) -> np.ndarray | None:
        nonlocal nodes
        if t == len(gens):
            return extend(images)
        for a in cands[t]:
            nodes += 1
            if nodes > max_nodes:
                raise IsomorphismUndecided(max_nodes)
            powers = [0]
            for _ in range(ords[t] - 1):
                powers.append(mul1[powers[-1], a])
            new = np.unique(mul1[span[:, None], np.array(powers)[None, :]])
            if len(new) == len(span) * ords[t]:  # a is independent of the images so far
                pi = rec(t + 1, new, images + [a])
                if pi is not None:
                    return pi
        return None

    return rec(0, np.array([0]), [])

