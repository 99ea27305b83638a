"""The groupdb query (SPEC §4) and the one named search: every group G ⊃ N reproducing given
branching data (:func:`named_search` for the bootstrap's data with confidence sets and the
coverage it can vouch for; :func:`groups_containing` for an exact R or M).

Given N (a groupdb group, its irreducibles possibly relabelled, e.g. by charge vectors)
and a ramp matrix R = MᵀM or a branching matrix M up to row order, return every stored
group G with a subgroup class H ≅ N whose branching gives that R (resp. M) after
relabelling N's irreducibles by some automorphism of N.

How: reciprocity R n = [G:N] n fixes |G| (no other order can match); the database's
embedding index narrows to subgroup classes with the same ramp invariant; each survivor
is decided exactly by a backtracking search for an element of Aut(N)'s image on Irr(N)
(a permutation group, walked along a Schreier–Sims base) that maps one matrix to the other.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from groupdb.characters import branching
from common.errors import SymbootInputError
from groupdb.group import Group
from groupdb.store import embeddings, load, load_id, max_order, ramp_key


#: the stored subgroup classes (groupdb/build/export.g): all of them up to this group order,
FULL_LATTICE_ORDER = 100
#: and above it, those of order at most this, plus every normal subgroup.
SMALL_SUBGROUP_ORDER = 24


@dataclass(frozen=True)
class Match:
    """A group G and the subgroup classes H ≅ N in it that reproduce the data."""

    group: Group
    positions: tuple[int, ...]  # indices into group.subgroups
    branching: np.ndarray = field(repr=False)  # M for the first class, N's irreducibles in the query's labelling

    def to_json(self) -> dict:
        G = self.group
        return {
            "id": list(G.id),
            "name": G.name,
            "subgroup_classes": [
                {"position": j, "conjugates": G.subgroups[j].length, "normal": G.subgroups[j].normal}
                for j in self.positions
            ],
            "degrees": list(G.degrees),
            "branching": self.branching.tolist(),
        }


# ---------------------------------------------------------------------------
# Aut(N) acting on Irr(N)
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Chain:
    base: tuple[int, ...]
    transversals: tuple[tuple[np.ndarray, ...], ...]


@lru_cache(maxsize=512)
def automorphism_action(N: Group) -> tuple[tuple[int, ...], ...]:
    """Generators of Aut(N)'s action on Irr(N): a ↦ (χ_i ↦ χ_i ∘ a⁻¹) as index permutations."""
    rows = {row: i for i, row in enumerate(_hashable_rows(N))}
    gens = []
    for alpha in N.aut_class_generators:
        perm = []
        for row in _hashable_rows(N):
            moved = [None] * len(row)
            for c, v in enumerate(row):
                moved[alpha[c]] = v
            perm.append(rows[tuple(moved)])
        gens.append(tuple(perm))
    return tuple(gens)


def _hashable_rows(N: Group):
    # GAP writes each value in its Zumbroich basis, a basis: equal values, equal storage
    def frozen(v):
        return v if isinstance(v, int) else tuple(tuple(t) for t in v)

    return [tuple(frozen(v) for v in row) for row in N.table.values]


@lru_cache(maxsize=512)
def _stabilizer_chain(N: Group) -> _Chain:
    k = N.nclasses
    gens = [g for g in automorphism_action(N) if list(g) != list(range(k))]
    if not gens:
        return _Chain((), ())
    from sympy.combinatorics import Permutation, PermutationGroup  # 0.3 s to import: only when needed

    P = PermutationGroup([Permutation(list(g)) for g in gens])
    P.schreier_sims()
    transversals = tuple(
        tuple(np.array(u.array_form, dtype=np.int64) for u in level.values()) for level in P.basic_transversals
    )
    return _Chain(tuple(P.base), transversals)


def find_relabelling(N: Group, partial_ok, full_ok) -> np.ndarray | None:
    """An element π of Aut(N)'s image on Irr(N) with full_ok(π), or None.

    Every element is t_1 ∘ … ∘ t_m with t_j from the j-th basic transversal, and the prefix
    fixes the images of the first j base points, so partial_ok(points, π) prunes early.
    """
    identity = np.arange(N.nclasses)
    if full_ok(identity):  # the common case (data in the stored labelling) without a walk
        return identity
    chain = _stabilizer_chain(N)

    def walk(level: int, g: np.ndarray):
        if level == len(chain.base):
            return g if full_ok(g) else None
        points = chain.base[: level + 1]
        for u in chain.transversals[level]:
            h = g[u]
            if partial_ok(points, h):
                found = walk(level + 1, h)
                if found is not None:
                    return found
        return None

    return walk(0, identity)


# ---------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------
def _integer_matrix(data, what: str) -> np.ndarray:
    """A 2-D array of non-negative integers, or a SymbootInputError naming what is wrong."""
    try:
        arr = _plain_integers(data)
        if arr is None:  # floats, bools, ragged or mixed rows: entry by entry
            arr = np.array(data, dtype=object)
    except Exception:  # noqa: BLE001 - any unreadable input is the user's error
        raise SymbootInputError(f"the {what} is not a matrix") from None
    if arr.ndim != 2 or arr.size == 0:
        raise SymbootInputError(f"the {what} must be a non-empty matrix, got shape {arr.shape}")
    if arr.dtype == object and not all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in arr.flat):
        raise SymbootInputError(f"the {what} must have integer entries")
    arr = arr.astype(np.int64)
    if (arr < 0).any():
        raise SymbootInputError(f"the {what} has a negative entry")
    return arr


def _plain_integers(data) -> np.ndarray | None:
    """The common input (an integer array, or rows of Python ints) without the per-entry
    object pass, which was a quarter of a warm query; None for anything else."""
    if isinstance(data, np.ndarray):
        return data if data.dtype.kind in "iu" else None
    if isinstance(data, (list, tuple)) and all(isinstance(row, (list, tuple)) and all(type(x) is int for x in row) for row in data):
        return np.array(data, dtype=np.int64) if len({len(row) for row in data}) == 1 else None
    return None


def check_ramp(R, size: int) -> np.ndarray:
    """R as a symmetric non-negative integer array indexed by N's irreducibles."""
    arr = _integer_matrix(R, "ramp matrix")
    if arr.shape != (size, size):
        raise SymbootInputError(
            f"the ramp matrix must be {size}×{size} (one row per irreducible of N), got shape {arr.shape}"
        )
    if not np.array_equal(arr, arr.T):
        raise SymbootInputError("the ramp matrix is not symmetric")
    return arr


def check_branching(M, size: int) -> np.ndarray:
    """M as a non-negative integer array with one column per irreducible of N."""
    arr = _integer_matrix(M, "branching matrix")
    if arr.shape[1] != size:
        raise SymbootInputError(
            f"the branching matrix needs {size} columns (one per irreducible of N), got shape {arr.shape}"
        )
    return arr


def reciprocity_index(R: np.ndarray, dims) -> int | None:
    """[G:N] from reciprocity ``R n = [G:N] n`` (SPEC §3) for an exact integer ramp matrix.

    The one home of reciprocity: the bootstrap's constraints, the named query and the
    extraction's choice among plausible integers all call it (or
    :func:`reciprocity_index_range` for matrices of sets).

    Parameters
    ----------
    R : (r, r) integer array, the ramp matrix MᵀM (or MᵀM from a census M).
    dims : N's irreducible dimensions n, in R's order.

    Returns
    -------
    int or None
        The index, or None when n is not an eigenvector of R with a positive integer
        eigenvalue (then R is not MᵀM for any G ⊃ N with all irreducibles present).

    Examples
    --------
    >>> reciprocity_index(np.array([[2, 0, 0], [0, 1, 1], [0, 1, 1]]), [1, 1, 1])
    2
    >>> reciprocity_index(np.array([[1, 1], [1, 2]]), [1, 1]) is None
    True
    """
    n = np.asarray(dims, dtype=np.int64)
    Rn = R @ n
    if Rn[0] % n[0]:
        return None
    index = int(Rn[0] // n[0])
    return index if index > 0 and np.array_equal(Rn, index * n) else None


def reciprocity_index_range(sets, dims) -> range:
    """The indices [G:N] that reciprocity ``R n = [G:N] n`` leaves for a ramp matrix known
    only up to sets of allowed integers (confidence sets).

    Row by row, ``(R n)_μ`` lies between its smallest and largest choice from the sets, so
    [G:N] n_μ must too: the interval that every row allows. It is a necessary condition
    (rows share entries, and a set may have gaps), cheap enough to run before any search.

    Parameters
    ----------
    sets : r × r nested sequence of non-empty collections of integers, ``sets[μ][ν]``
        the values R_μν may take.
    dims : N's irreducible dimensions n.

    Returns
    -------
    range
        The admissible indices, all ≥ 1; empty when no index fits.

    Examples
    --------
    >>> reciprocity_index_range([[{2, 3}, {0}], [{0}, {2, 3, 4}]], [1, 1])
    range(2, 4)
    >>> len(reciprocity_index_range([[{1}, {1}], [{1}, {2}]], [1, 1]))
    0
    """
    n = [int(x) for x in dims]
    lo, hi = 1, None
    for mu, row in enumerate(sets):
        smin = sum(min(row[nu]) * n[nu] for nu in range(len(n)))
        smax = sum(max(row[nu]) * n[nu] for nu in range(len(n)))
        lo = max(lo, -(-smin // n[mu]))
        hi = smax // n[mu] if hi is None else min(hi, smax // n[mu])
    return range(int(lo), int(hi) + 1)


# ---------------------------------------------------------------------------
# the named search: the one place that decides stored subgroup classes
# ---------------------------------------------------------------------------
def coverage_gap(sub_order: int, order: int) -> str | None:
    """Why the database may not hold every subgroup class of order ``sub_order`` in the groups
    of order ``order`` (None when it holds them all: then a search over them is exhaustive).

    >>> coverage_gap(27, 108) is None, coverage_gap(24, 192) is None, coverage_gap(48, 96) is None
    (False, True, True)
    """
    # index ≤ 2 subgroups are normal, and normal ones are always stored
    if order <= FULL_LATTICE_ORDER or sub_order <= SMALL_SUBGROUP_ORDER or 2 * sub_order >= order:
        return None
    return (f"subgroups of order {sub_order} in groups of order {order} are stored only when normal "
            f"(groupdb's coverage: every subgroup class for |G| ≤ {FULL_LATTICE_ORDER}; above, classes of order ≤ "
            f"{SMALL_SUBGROUP_ORDER} and normal subgroups), so a group whose such subgroup is not normal can be missed")


@dataclass(frozen=True)
class NamedSearch(Sequence):
    """The stored groups of one order that reproduce the data (a sequence of Match), and
    whether the list is all of them."""

    order: int
    matches: tuple[Match, ...]
    complete: bool = True
    reason: str = ""  # why not complete (coverage_gap)

    def __getitem__(self, i):
        return self.matches[i]

    def __len__(self) -> int:
        return len(self.matches)


def _set_test(sets):
    """(partial, full) tests of X[a, b] ∈ sets[a][b]; the full test makes one array comparison on
    the exact entries, since the walk over Aut(N) calls it up to ~10⁵ times (N = C4 × C2³ in
    |G| = 64)."""
    r = len(sets)
    exact = np.array([[next(iter(v)) if len(v) == 1 else -1 for v in row] for row in sets], dtype=np.int64)
    fixed = exact >= 0
    loose = [(a, b) for a in range(r) for b in range(r) if not fixed[a, b]]

    def entry(X, a, b, x) -> bool:
        return x == exact[a, b] if fixed[a, b] else int(x) in sets[a][b]

    def full(X: np.ndarray) -> bool:
        return bool(np.array_equal(X[fixed], exact[fixed])) and all(int(X[a, b]) in sets[a][b] for a, b in loose)

    return entry, full


def indicators_fit(rows, nu, data_rows, allowed, distinct: bool = False) -> bool:
    """Whether the irreducibles (rows of M with their Frobenius–Schur indicator sets ``nu``)
    can be matched one to one with the data's census rows (``data_rows``, each with its set of
    allowed indicators): equal rows, intersecting sets. With ``distinct`` the data rows are
    the distinct rows only, and every irreducible with a row must meet that row's set.

    Hall's theorem, exactly: an irreducible's partners are the data rows equal to its row whose
    set meets its own, so a family of irreducibles with the same row has as partners the rows
    meeting the union of their sets; with at most 7 distinct sets of {1, 0, -1} every family
    is checked.

    >>> fs = [frozenset([1])] * 4 + [frozenset([-1])]          # Q8's indicators, 2-dim last
    >>> rows = [(1, 0, 0, 0)] * 2 + [(0, 0, 1, 0)] * 2 + [(0, 1, 0, 1)]
    >>> indicators_fit(rows, fs, rows, fs), indicators_fit(rows, fs, rows, [frozenset([1])] * 5)
    (True, False)
    """
    if distinct:
        sets = {tuple(r): frozenset(v) for r, v in zip(data_rows, allowed)}
        return all(tuple(r) in sets and frozenset(v) & sets[tuple(r)] for r, v in zip(rows, nu))
    have: dict = {}
    for row, v in zip(map(tuple, rows), nu):
        have.setdefault(row, Counter())[frozenset(v)] += 1
    want: dict = {}
    for row, v in zip(map(tuple, data_rows), allowed):
        want.setdefault(row, []).append(frozenset(v))
    if set(have) != set(want) or any(sum(have[r].values()) != len(want[r]) for r in have):
        return False
    for row, types in have.items():
        kinds = list(types)
        for mask in range(1, 2 ** len(kinds)):
            family = [kinds[i] for i in range(len(kinds)) if mask >> i & 1]
            union = frozenset().union(*family)
            if sum(types[t] for t in family) > sum(1 for v in want[row] if v & union):
                return False
    return True


def matching_classes(G: Group, positions, N: Group, *, ramp=None, plateau=None, census=None,
                     distinct: bool = False, indicators=None, tags=None, accept=None) -> list[tuple[int, np.ndarray]]:
    """(j, π) for each given subgroup class j of G (≅ N) whose branching reproduces the data
    after relabelling Irr(N) by π ∈ Aut(N) (M_data = M_j[:, π]).

    Parameters
    ----------
    ramp, plateau : r×r nested sequences of sets of allowed integers, optional
        R = MᵀM and P = Mᵀ diag(d) M, rows and columns in N's groupdb order.
    census : (k', r) int array, optional
        Rows of M (groupdb order) up to row order; with ``distinct`` only the distinct rows.
    indicators : sequence of sets, optional
        Per census row, the allowed Frobenius–Schur indicators of its irreducible(s);
        matched against G's stored indicators (:func:`indicators_fit`).
    tags : (data_tags, G_tags), optional
        A hashable label per census row and per irreducible of G (G's order) that travels with
        the row: rows are matched as (label, row), at every step of the walk over Aut(N)
        (an invariant of the irreducible that any map onto the data must keep). Not with
        ``distinct``.
    accept : callable (M) -> bool, optional
        A further test of a relabelling that fits everything else, given the relabelled
        branching M = M_j[:, π] (groupdb order of Irr(N)).
    """
    tests = []
    if ramp is not None:
        tests.append(("ramp", *_set_test(ramp)))
    if plateau is not None:
        tests.append(("plateau", *_set_test(plateau)))
    if tags is not None and (census is None or distinct):
        raise ValueError("tags travel with the census rows, all of them")
    data_tags, G_tags = tags if tags is not None else (None, None)
    want = None if census is None else Counter(zip(data_tags or [None] * len(census),
                                                   map(tuple, np.asarray(census).tolist())))
    degrees = np.array(N.degrees)
    nu_G = [frozenset([int(v)]) for v in G.indicators]
    out = []
    for j in positions:
        M_H, R_H = stored_branching(G, j, N)
        d = M_H @ degrees
        have = {"ramp": R_H, "plateau": M_H.T @ (d[:, None] * M_H)}

        tags_H = G_tags or [None] * len(M_H)

        def rows_fit(cols, pi) -> bool:
            got = Counter(zip(tags_H, map(tuple, M_H[:, pi[cols]].tolist())))
            if len(cols) == len(pi):
                proj = want
            else:
                proj = Counter()
                for (tag, row), cnt in want.items():
                    proj[tag, tuple(row[c] for c in cols)] += cnt
            return set(got) == set(proj) if distinct else got == proj

        def partial(points, pi) -> bool:
            b = points[-1]
            for name, entry, _ in tests:
                X = have[name]
                if not all(entry(X, a, b, X[pi[a], pi[b]]) for a in points):
                    return False
            return want is None or rows_fit(list(points), pi)

        def full(pi) -> bool:
            if not all(ok(have[name][np.ix_(pi, pi)]) for name, _, ok in tests):
                return False
            # the indicators depend on π: two rows G relabels into each other may carry different ν
            if want is not None and not (rows_fit(list(range(len(pi))), pi) and (
                    indicators is None or indicators_fit(M_H[:, pi].tolist(), nu_G, census.tolist(), indicators,
                                                         distinct))):
                return False
            return accept is None or accept(M_H[:, pi])

        pi = find_relabelling(N, partial, full)
        if pi is not None:
            out.append((j, pi))
    return out


def named_search(N: Group, order: int, labels=None, *, ramp=None, plateau=None, census=None,
                 distinct: bool = False, indicators=None, key: int | None = None) -> NamedSearch:
    """Every stored group of this order with a subgroup class ≅ N reproducing the data (exact),
    and whether the database's coverage makes that list complete (SPEC §3 'named' search).

    Data as in :func:`matching_classes` (groupdb order); ``labels[u]`` = groupdb index of the
    irreducible the caller calls u, for the returned branchings; ``key`` = the ramp invariant
    (groupdb.store.ramp_key) when R is exact, to narrow the index.
    """
    labels = list(range(N.nclasses)) if labels is None else list(labels)
    matches = []
    for gid, positions in embeddings(N.id, order, key):
        G = load_id(*gid)
        hits = matching_classes(G, positions, N, ramp=ramp, plateau=plateau, census=census, distinct=distinct,
                                indicators=indicators)
        if hits:
            j, pi = hits[0]
            M = stored_branching(G, j, N)[0]
            matches.append(Match(G, tuple(j for j, _ in hits), M[:, pi][:, labels]))
    gap = coverage_gap(N.order, order)
    return NamedSearch(order, tuple(matches), gap is None, gap or "")


def groups_containing(N, ramp=None, census=None, labels=None, max_group_order=None) -> list[Match]:
    """Every stored G ⊃ H ≅ N whose branching reproduces the data.

    Parameters
    ----------
    N : Group or id/name
        The known subgroup.
    ramp : (r, r) array_like, optional
        Ramp matrix R = MᵀM, rows/columns in the query's labelling of Irr(N).
    census : (k, r) array_like, optional
        Branching matrix M up to row order (exactly one of ramp / census).
    labels : sequence of int, optional
        labels[u] = groupdb index of the irreducible the query calls u (identity if omitted;
        see groupdb.abelian for charge vectors).
    max_group_order : int, optional
        Upper bound on |G| (default: the database's coverage).

    Returns
    -------
    list of Match, ordered by group id. A query the stored subgroup classes cannot answer
    completely (see :func:`coverage_gap`) is refused with a SymbootInputError.

    Examples
    --------
    >>> [m.group.name for m in groups_containing("C3", ramp=[[2, 0, 0], [0, 1, 1], [0, 1, 1]])]
    ['S3']
    """
    N = load(N)
    r = N.nclasses
    labels = tuple(range(r)) if labels is None else tuple(labels)
    if sorted(labels) != list(range(r)):
        raise SymbootInputError("the labelling of N's irreducibles is not a permutation")
    if (ramp is None) == (census is None):
        raise SymbootInputError("give exactly one of a ramp matrix and a branching matrix")
    cap = max_order() if max_group_order is None else int(max_group_order)
    if cap > max_order():
        raise SymbootInputError(f"--max-order {cap} exceeds the database's coverage ({max_order()})")

    inverse = np.argsort(labels)  # groupdb index -> query index
    M = None
    if census is not None:
        M = check_branching(census, r)[:, inverse]  # columns now in groupdb order
        R = M.T @ M
    else:
        R = check_ramp(ramp, r)
        if labels != tuple(range(r)):
            R = R[np.ix_(inverse, inverse)]

    index = reciprocity_index(R, N.degrees)
    if index is None or index * N.order > cap:
        return []
    order = index * N.order
    gap = coverage_gap(N.order, order)
    if gap:
        raise SymbootInputError(f"{gap}; this answer would be incomplete")
    sets = [[{int(x)} for x in row] for row in R]  # with a census too: R prunes the walk early
    return list(named_search(N, order, labels, ramp=sets, census=M, key=ramp_key(R)).matches)


@lru_cache(maxsize=4096)
def stored_branching(G: Group, j: int, N: Group) -> tuple[np.ndarray, np.ndarray]:
    """(M, MᵀM) of G's j-th subgroup class over N (columns in N's groupdb order), read-only
    and cached: repeated queries, and the bootstrap's named search, reuse them."""
    M = branching(G, G.subgroups[j], N)
    R = M.T @ M
    M.setflags(write=False)
    R.setflags(write=False)
    return M, R
