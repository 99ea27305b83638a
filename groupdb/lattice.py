"""Containment of one stored subgroup class of G in another (the part of the subgroup lattice
groupdb answers), exactly: from class counts where they decide it, from the containment
table computed in GAP (groupdb/build/containment.g) where two classes share them.

Examples
--------
>>> from groupdb import load
>>> G = load("D8"); centre = G.subgroups[1]
>>> [G.subgroups[q].id for q in overgroups(G, 1)]
[(4, 2), (4, 2), (4, 1)]
"""
from __future__ import annotations

import os
from functools import lru_cache

import numpy as np

from groupdb.group import Group, SubgroupClass
from groupdb.store import containment_undecided, load_id, stored_containment

__all__ = ["class_counts", "counts_test", "contains_conjugate", "overgroups", "undecided_overgroups"]


def class_counts(G: Group, sub: SubgroupClass) -> np.ndarray:
    """How many elements of the subgroup class `sub` lie in each class of G.

    Equivalent to its permutation character: 1_H^G(g) = |C_G(g)| · counts[class of g] / |H|.
    Conjugate subgroups have equal counts.

    Examples
    --------
    >>> from groupdb import load
    >>> G = load("S3")
    >>> class_counts(G, G.subgroups[1]).tolist()   # C2: the identity and one transposition
    [1, 1, 0]
    """
    return _pushed_counts(G.nclasses, load_id(*sub.id).class_sizes, sub.class_fusion)


def _pushed_counts(nclasses: int, sizes, fusion) -> np.ndarray:
    counts = np.zeros(nclasses, dtype=np.int64)
    np.add.at(counts, np.asarray(fusion), np.asarray(sizes, dtype=np.int64))
    return counts


@lru_cache(maxsize=4096)
def _inner_counts(over_id: tuple, sub_id: tuple) -> np.ndarray:
    """Rows: for each stored class H ≅ sub_id of SmallGroup(over_id), how many of H's
    elements lie in each class of SmallGroup(over_id)."""
    Np, N = load_id(*over_id), load_id(*sub_id)
    rows = [_pushed_counts(Np.nclasses, N.class_sizes, H.class_fusion) for H in Np.subgroups_isomorphic_to(N.id)]
    return np.array(rows, dtype=np.int64).reshape(len(rows), Np.nclasses)


def counts_test(G: Group, sub: SubgroupClass, over: SubgroupClass) -> bool:
    """The permutation-character test: whether some stored class H ≅ N of SmallGroup(N'.id),
    pushed into G through the fusions H → N' → G, has the class counts of N (``sub``).

    Necessary for N' (``over``) to contain a conjugate of N; sufficient (exact) when N's class
    counts are unique among all G-classes of subgroups ≅ N, see :func:`contains_conjugate`.
    """
    if over.order % sub.order:
        return False
    if over.order == G.order:
        return True
    target = class_counts(G, sub)
    inner = _inner_counts(over.id, sub.id)  # counts over N''s classes; push them into G's
    pushed = np.zeros((len(inner), G.nclasses), dtype=np.int64)
    np.add.at(pushed, (slice(None), np.asarray(over.class_fusion)), inner)
    return bool((pushed == target).all(axis=1).any())


def contains_conjugate(G: Group, sub_position: int, over_position: int) -> bool | None:
    """Whether the stored class N' = G.subgroups[over_position] contains a G-conjugate of
    N = G.subgroups[sub_position]; None only where groupdb cannot decide it.

    Decided, in this order:

    1. |N| ∤ |N'|: False; N' = G: True; |N'| = |N|: whether they are the same class.
    2. The database's ``containment`` table (computed in GAP by
       groupdb/build/containment.g), for the iso types ≅ N of G with two stored classes of
       equal class counts, where the test below could be wrong.
    3. Otherwise the permutation-character test (:func:`counts_test`), exact here:

       * a conjugate N^g ≤ N' is a class H ≅ N of N' with the counts of N (N' ≅ SmallGroup(N'.id),
         and every class H ≅ N of that group is stored: when |N'| ≤ 100 all classes are, and
         |N'| > 100 only for N' = G, step 1). So a true containment is never missed.
       * Conversely, a class H ≤ N' found with N's counts is a subgroup of G ≅ N with N's
         counts. If no other G-class of subgroups ≅ N has those counts, H is conjugate to N.
         Uniqueness among the *stored* classes suffices: when |G| ≤ 100 or |N| ≤ 24 every
         class ≅ N is stored; otherwise N is stored because it is normal, and then equal
         counts mean H contains every element of each G-class inside N (N is a union of
         classes), so H ⊇ N and, of equal order, H = N.

    4. An ambiguous iso type that GAP did not cover (``containment_undecided``): None.

    Examples
    --------
    The Klein four-groups 13, 14 of SmallGroup(64, 34) have the same permutation character;
    the class-count test alone wrongly puts class 13 in the D8 class 27 (in SmallGroup(32, 43),
    whose Klein four-groups 8, 9 also share theirs, it happens to be right):

    >>> from groupdb import load
    >>> G = load([64, 34])
    >>> bool((class_counts(G, G.subgroups[13]) == class_counts(G, G.subgroups[14])).all())
    True
    >>> counts_test(G, G.subgroups[13], G.subgroups[27]), contains_conjugate(G, 13, 27)
    (True, False)
    >>> G = load("D8")
    >>> [s.id for s in G.subgroups if contains_conjugate(G, 1, s.position)]   # the centre
    [(2, 1), (4, 2), (4, 2), (4, 1), (8, 3)]
    """
    sub, over = G.subgroups[sub_position], G.subgroups[over_position]
    if over.order % sub.order:
        return False
    if over.order == G.order:
        return True
    if over.order == sub.order:  # distinct stored classes are not conjugate
        return sub_position == over_position
    setting = os.environ.get("SYMBOOT_GROUPDB")
    answer = _stored_containment(setting, G.id).get((sub_position, over_position))
    if answer is not None:
        return answer
    if not counts_test(G, sub, over):
        return False
    if sub.id in _undecided_types(setting, G.id):
        return None
    return True


def overgroups(G: Group, position: int, *, undecided: bool = True) -> list[int]:
    """Positions of the stored classes N' of G with |N| < |N'| < |G| containing a conjugate
    of N = G.subgroups[position] (:func:`contains_conjugate`).

    Only stored classes are seen: all of them for |G| ≤ 100, above that those of order
    ≤ 24 and the normal ones. Classes whose containment groupdb cannot decide are
    included when `undecided` is true (see :func:`undecided_overgroups` to tell them apart).

    Examples
    --------
    >>> from groupdb import load
    >>> G = load("S3")
    >>> [G.subgroups[q].id for q in overgroups(G, 1)]   # C2 < S3: nothing in between
    []
    """
    sub = G.subgroups[position]
    out = []
    for q in G.subgroups:
        if sub.order < q.order < G.order:
            answer = contains_conjugate(G, position, q.position)
            if answer or (answer is None and undecided):
                out.append(q.position)
    return out


def undecided_overgroups(G: Group, position: int) -> list[int]:
    """The classes among :func:`overgroups` whose containment of N groupdb cannot decide
    (possible, not certain); empty for every group the containment table covers."""
    sub = G.subgroups[position]
    return [q.position for q in G.subgroups
            if sub.order < q.order < G.order and contains_conjugate(G, position, q.position) is None]


@lru_cache(maxsize=1024)
def _stored_containment(setting, gid: tuple[int, int]) -> dict[tuple[int, int], bool]:
    return stored_containment(*gid)  # `setting`: one cache entry per database file


@lru_cache(maxsize=1024)
def _undecided_types(setting, gid: tuple[int, int]) -> frozenset:
    return frozenset(containment_undecided(*gid))
