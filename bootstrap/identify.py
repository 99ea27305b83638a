"""Naming (SPEC §3 'named' search): every stored group G ⊃ H ≅ N whose branching
reproduces the data, and the match between abstract candidates and groups.

The named search walks groupdb's embedding index (groups of the order fixed by
reciprocity with a subgroup class ≅ N; narrowed by the ramp invariant when R is exact)
and decides each subgroup class exactly with groupdb.query.find_relabelling: an element
of Aut(N)'s image on Irr(N) mapping the class's branching onto the data (ramp with
confidence sets, plateau, census) — never by floating point.

>>> from bootstrap.data import parse_data
>>> d = parse_data({"subgroup": {"cyclic": 3}, "ramp": [[2, 0, 0], [0, 1, 1], [0, 1, 1]]})
>>> [m.group.name for m in named_search(d, 6)]
['S3']
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from bootstrap.data import SpectralData
from groupdb.group import Group
from groupdb.query import find_relabelling, stored_branching
from groupdb.store import embeddings, load_id, ramp_key


@dataclass(frozen=True)
class NamedMatch:
    """A stored group and the subgroup classes ≅ N in it that reproduce the data."""

    group: Group
    positions: tuple[int, ...]
    branching: np.ndarray = field(repr=False)  # M for the first class: rows G's irreducibles, user's columns

    def to_json(self) -> dict:
        G = self.group
        return {"id": list(G.id), "name": G.name, "subgroup_classes": list(self.positions)}


def _groupdb_order(data: SpectralData):
    """The data re-indexed by groupdb's irreducibles of N (a → user index inv[a])."""
    inv = data.known.inverse
    r = data.known.rank
    ramp = plateau = None
    if data.ramp is not None:
        ramp = [[data.ramp[inv[a]][inv[b]] for b in range(r)] for a in range(r)]
    if data.plateau is not None:
        plateau = [[data.plateau[inv[a]][inv[b]] for b in range(r)] for a in range(r)]
    census = None
    if data.census_rows is not None:
        census = data.census_rows[:, inv]
    return ramp, plateau, census


def subgroup_matches(data: SpectralData, G: Group, positions) -> list[tuple[int, np.ndarray]]:
    """(position, M in the user's labelling) for each given class of G that reproduces the data."""
    K = data.known
    N = K.group
    ramp, plateau, census = _groupdb_order(data)
    want = None
    if census is not None:
        want = Counter(map(tuple, census.tolist()))
        want_set = set(want)
    ramp_ok = None if ramp is None else _allowed(ramp)
    plateau_ok = None if plateau is None else _allowed(plateau)
    out = []
    for j in positions:
        M_H, R_H = stored_branching(G, j, N)
        d = M_H @ np.array(N.degrees)
        P_H = M_H.T @ (d[:, None] * M_H)

        def partial(points, pi):
            b = points[-1]
            for a in points:
                if ramp is not None and int(R_H[pi[a], pi[b]]) not in ramp[a][b]:
                    return False
                if plateau is not None and int(P_H[pi[a], pi[b]]) not in plateau[a][b]:
                    return False
            if census is not None:
                cols = list(points)
                have = Counter(map(tuple, M_H[:, pi[cols]].tolist()))
                proj = Counter()
                for row, cnt in want.items():
                    proj[tuple(row[c] for c in cols)] += cnt
                if data.census_distinct:
                    if set(have) != set(proj):
                        return False
                elif have != proj:
                    return False
            return True

        def full(pi):
            if ramp is not None and not ramp_ok(R_H[np.ix_(pi, pi)]):
                return False
            if plateau is not None and not plateau_ok(P_H[np.ix_(pi, pi)]):
                return False
            if census is not None:
                have = Counter(map(tuple, M_H[:, pi].tolist()))
                if data.census_distinct:
                    return set(have) == want_set
                return have == want
            return True

        pi = find_relabelling(N, partial, full)
        if pi is not None:
            out.append((j, M_H[:, pi][:, list(K.labels)]))
    return out


def _allowed(sets):
    """A test X ↦ every X[a, b] in sets[a][b], one array comparison for the exact entries:
    the walk over Aut(N) calls it up to ~10⁵ times (N = C4 × C2³ in |G| = 64)."""
    r = len(sets)
    exact = np.array([[next(iter(v)) if len(v) == 1 else -1 for v in row] for row in sets], dtype=np.int64)
    fixed = exact >= 0
    loose = [(a, b) for a in range(r) for b in range(r) if not fixed[a, b]]

    def ok(X: np.ndarray) -> bool:
        return bool(np.array_equal(X[fixed], exact[fixed])) and all(int(X[a, b]) in sets[a][b] for a, b in loose)

    return ok


def named_search(data: SpectralData, order: int) -> list[NamedMatch]:
    """Every stored group of this order containing N with the data (exact)."""
    K = data.known
    key = None
    R = data.ramp_exact
    if R is None and data.census_exact:
        R = data.census_rows.T @ data.census_rows
    if R is not None:
        inv = K.inverse
        key = ramp_key(R[np.ix_(inv, inv)])
    out = []
    for gid, positions in embeddings(K.group.id, order, key):
        G = load_id(*gid)
        hits = subgroup_matches(data, G, positions)
        if hits:
            out.append(NamedMatch(G, tuple(j for j, _ in hits), hits[0][1]))
    return out


# ---------------------------------------------------------------------------
# isomorphism of candidates: a permutation of G's irreducibles preserving M and fusion
# ---------------------------------------------------------------------------
def ring_isomorphism(M1: np.ndarray, F1: np.ndarray, M2: np.ndarray, F2: np.ndarray,
                     max_nodes: int = 200000) -> np.ndarray | None:
    """π with M1[π[i]] = M2[i] and F1[π i, π j, π l] = F2[i, j, l], or None.

    Backtracking; candidates for i are the indices with the same row of M and the same
    row-invariants of the fusion tensor. Returns None also when max_nodes is exhausted.
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
                return False
            pi[i], used[a] = a, True
            if ok(i):
                done.append(i)
                if rec(t + 1):
                    return True
                done.pop()
            pi[i], used[a] = -1, False
        return False

    if rec(0):
        return np.array(pi)
    return None
