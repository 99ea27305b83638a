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

import numpy as np

from bootstrap.data import SpectralData
from groupdb import query
from groupdb.group import Group
from groupdb.query import Match, NamedSearch
from groupdb.store import ramp_key

__all__ = ["Match", "NamedSearch", "named_search", "subgroup_matches", "ring_isomorphism",
           "IsomorphismUndecided"]


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
    """:func:`ring_isomorphism` gave up: ``max_nodes`` placements were tried without deciding
    whether the two rings are isomorphic. Neither a yes nor a no."""

    def __init__(self, max_nodes: int):
        super().__init__(f"ring isomorphism undecided after {max_nodes} search nodes")
        self.max_nodes = max_nodes


def ring_isomorphism(M1: np.ndarray, F1: np.ndarray, M2: np.ndarray, F2: np.ndarray,
                     max_nodes: int = 200000) -> np.ndarray | None:
    """π with M1[π[i]] = M2[i] and F1[π i, π j, π l] = F2[i, j, l], or None: not isomorphic.

    Backtracking; candidates for i are the indices with the same row of M and the same
    row-invariants of the fusion tensor. Raises :class:`IsomorphismUndecided` when more
    than ``max_nodes`` placements would be needed to decide (a gave-up is not a no).

    >>> M, F = np.array([[1], [1]]), np.array([[[1, 0], [0, 1]], [[0, 1], [1, 0]]])  # C2
    >>> ring_isomorphism(M, F, M, F).tolist()
    [0, 1]
    >>> ring_isomorphism(M, F, M, F, max_nodes=1)
    Traceback (most recent call last):
    ...
    bootstrap.naming.IsomorphismUndecided: ring isomorphism undecided after 1 search nodes
    """
    k = len(M1)
    if M1.shape != M2.shape:
        return None

    def inv(M, F):
        return [
            (tuple(M[i]), int(F[i, i, 0]), tuple(sorted(F[i, i].tolist())), tuple(sorted(F[i].sum(axis=0).tolist())))
            for i in range(k)
        ]

    I1, I2 = inv(M1, F1), inv(M2, F2)
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
            if nodes > max_nodes:
                raise IsomorphismUndecided(max_nodes)
            pi[i], used[a] = a, True
            if ok(i):
                done.append(i)
                if rec(t + 1):
                    return True
                done.pop()
            pi[i], used[a] = -1, False
        return False

    return np.array(pi) if rec(0) else None
