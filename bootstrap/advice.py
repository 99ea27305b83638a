"""The discriminating next measurement (SPEC §5): when several groups G_1..G_m reproduce
the data over the known subgroup N, which further datum would tell them apart.

Kinds, cheapest first (each is offered only when it separates at least two candidates):

* ``"ramp"`` / ``"plateau"`` / ``"census"`` — the same sector spectra, read more
  sharply: the exact ramp matrix R = MᵀM (when the data left entries uncertain), the
  plateau matrix P = Mᵀ diag(d) M, or the census of M's rows.
* ``"time-reversal"`` — with an antiunitary T commuting with G and T² = +1 (e.g. a real
  Hamiltonian), the block of an irreducible λ has GOE statistics if its Frobenius–Schur
  indicator is +1, GSE (Kramers doublets) if −1, GUE (spectrum shared with the dual
  block λ̄) if 0. Per N-sector this predicts the multiset of block statistics. With
  T² = −1 the roles of GOE and GSE are exchanged.
* ``"subgroup"`` — a larger symmetry N < N' < G: whether the candidate has one of a given
  isomorphism type containing N, and if so its ramp matrix over N' (up to relabelling
  N''s sectors by automorphisms).

Groups with identical character tables (D8 and Q8) agree on every ramp, plateau and
census over N; only the last two kinds can separate them.

Every comparison is exact (integers; relabellings by Aut(N) or Aut(N') found with
groupdb.query.find_relabelling). A measurement separates two candidates only when no
outcome one of them allows (over its fitting classes of N, and over the relabellings
of sectors by automorphisms of N) is an outcome of the other; separations are
therefore never over-claimed.

>>> from bootstrap.data import parse_data
>>> from bootstrap.naming import named_search
>>> d = parse_data({"subgroup": {"cyclic": 4},
...                 "ramp": [[2, 0, 0, 0], [0, 1, 0, 1], [0, 0, 2, 0], [0, 1, 0, 1]]})
>>> advice = next_measurements(named_search(d, 8), d.known)
>>> [a.kind for a in advice]
['time-reversal']
>>> advice[0].predictions["Q8 [8,4]"]["1"]
['GSE']
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from groupdb.characters import branching, indicators
from groupdb.group import Group, SubgroupClass
from groupdb.query import FULL_LATTICE_ORDER, SMALL_SUBGROUP_ORDER, automorphism_action, find_relabelling
from groupdb.lattice import contains_conjugate as query_contains_conjugate
from groupdb.lattice import overgroups as query_overgroups
from groupdb.lattice import undecided_overgroups
from groupdb.store import load_id, ramp_key

#: level statistics of a block with Frobenius–Schur indicator ν, when T² = +1
STATISTICS = {1: "GOE", -1: "GSE", 0: "GUE"}
_KIND_RANK = {"ramp": 0, "plateau": 1, "census": 2, "time-reversal": 3, "subgroup": 4}
_ABSENT = "absent"


@dataclass(frozen=True)
class Discriminator:
    """One further measurement and what each candidate group predicts for it.

    ``predictions`` maps ``str(G)`` (e.g. ``"S3 [6,1]"``) to a JSON-able value; sector
    data are given for the first fitting class of N, in the user's sector labelling.
    """

    kind: str
    description: str
    predictions: dict

    def to_json(self) -> dict:
        return {"kind": self.kind, "description": self.description, "predictions": self.predictions}


# ---------------------------------------------------------------------------
# containment of N in larger subgroups (groupdb decides it)
# ---------------------------------------------------------------------------
def contains_conjugate(G: Group, sub: SubgroupClass, over: SubgroupClass) -> bool | None:
    """Whether the class `over` (N') of G contains a conjugate of the class `sub` (N):
    :func:`groupdb.lattice.contains_conjugate` (exact; None where groupdb cannot decide it).

    Examples
    --------
    >>> from groupdb import load
    >>> G = load("D8"); centre = G.subgroups[1]
    >>> [s.id for s in G.subgroups if contains_conjugate(G, centre, s)]
    [(2, 1), (4, 2), (4, 2), (4, 1), (8, 3)]
    """
    return query_contains_conjugate(G, sub.position, over.position)


def overgroups(G: Group, position: int) -> list[int]:
    """Positions of the stored classes N' of G with |N| < |N'| < |G| that contain, or may
    contain (where groupdb cannot decide it), a conjugate of N = G.subgroups[position]:
    :func:`groupdb.lattice.overgroups`.

    Only stored classes are seen: all of them for |G| ≤ 100, above that those of order
    ≤ 24 and the normal ones (groupdb's coverage).

    Examples
    --------
    >>> from groupdb import load
    >>> G = load("S3")
    >>> [G.subgroups[q].id for q in overgroups(G, 1)]   # C2 < S3: nothing in between
    []
    """
    return query_overgroups(G, position, undecided=True)


# ---------------------------------------------------------------------------
# outcomes and their comparison
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class _Sectors:
    """What one embedding of N in G predicts sector by sector (N's irreducibles in groupdb order)."""

    M: np.ndarray
    R: np.ndarray  # ramp MᵀM
    P: np.ndarray  # plateau Mᵀ diag(d) M
    stats: tuple  # per sector: the sorted block statistics under time reversal

    def invariant(self, kind: str):
        """The kind's datum up to relabelling sectors (equal invariants: necessary for equivalence)."""
        def sym(X):
            iu = np.triu_indices(len(X), 1)
            return tuple(sorted(np.diag(X).tolist())), tuple(sorted(X[iu].tolist()))

        return {
            "ramp": lambda: sym(self.R),
            "plateau": lambda: sym(self.P),
            "census": lambda: tuple(sorted(tuple(sorted(row)) for row in self.M.tolist())),
            "time-reversal": lambda: tuple(sorted(self.stats)),
        }[kind]()


@lru_cache(maxsize=4096)
def _sectors(G: Group, position: int, N: Group) -> _Sectors:
    M = branching(G, G.subgroups[position], N)
    return _Sectors(M, M.T @ M, M.T @ (np.array(G.degrees)[:, None] * M), _statistics(G, M))


def _statistics(G: Group, M: np.ndarray) -> tuple:
    nu = indicators(G)
    return tuple(tuple(sorted(STATISTICS[int(nu[lam])] for lam in np.flatnonzero(M[:, u])))
                 for u in range(M.shape[1]))


def _sector_equivalent(N: Group, kind: str, a: _Sectors, b: _Sectors) -> bool:
    """Whether the kind's datum may come out the same for a and b: some automorphism of N
    (relabelling sectors) maps b's datum onto a's. The relabelling must also map b's ramp
    matrix onto a's when that is possible (both fit the same data, which fix the labelling
    up to such relabellings); when it is not, the ramp already separates them and the
    comparison drops it (conservative: it only merges more outcomes)."""
    if kind != "ramp" and not _relabelling(N, "ramp", a, b, with_ramp=True):
        return _relabelling(N, kind, a, b, with_ramp=False)
    return _relabelling(N, kind, a, b, with_ramp=True)


def _relabelling(N: Group, kind: str, a: _Sectors, b: _Sectors, with_ramp: bool) -> bool:
    mats = ([(a.R, b.R)] if with_ramp else []) + ([(a.P, b.P)] if kind == "plateau" else [])
    per_sector = kind == "time-reversal"

    def partial(points, pi) -> bool:
        v = points[-1]
        if per_sector and b.stats[pi[v]] != a.stats[v]:
            return False
        return all(Y[pi[u], pi[v]] == X[u, v] for X, Y in mats for u in points)

    def full(pi) -> bool:
        if any(not np.array_equal(Y[np.ix_(pi, pi)], X) for X, Y in mats):
            return False
        if per_sector and any(b.stats[pi[u]] != a.stats[u] for u in range(len(pi))):
            return False
        if kind == "census":
            return Counter(map(tuple, b.M[:, pi].tolist())) == Counter(map(tuple, a.M.tolist()))
        return True

    return find_relabelling(N, partial, full) is not None


@lru_cache(maxsize=512)
def _orbits(Np: Group) -> tuple[int, ...]:
    """For each irreducible of N', the smallest index in its orbit under Aut(N')."""
    orbit = list(range(Np.nclasses))
    changed = True
    while changed:  # close under the generators
        changed = False
        for g in automorphism_action(Np):
            for u, v in enumerate(g):
                low = min(orbit[u], orbit[v])
                if orbit[u] != low or orbit[v] != low:
                    orbit[u] = orbit[v] = low
                    changed = True
    return tuple(orbit)


def _colours(Np: Group, R: np.ndarray) -> list:
    """Colours of N''s irreducibles that every relabelling by Aut(N') must respect: the
    Aut-orbit and diagonal entry, refined by the colours of the neighbours in R."""
    colour = [hash((o, int(R[u, u]))) for u, o in enumerate(_orbits(Np))]
    for _ in range(3):
        colour = [hash((colour[u], tuple(sorted(zip(R[u].tolist(), colour))))) for u in range(len(R))]
    return colour


def _ramp_invariant(Np: Group, R: np.ndarray):
    return ramp_key(R), tuple(sorted(_colours(Np, R)))


def _ramp_equivalent(Np: Group, Ra: np.ndarray, Rb: np.ndarray) -> bool:
    """Ra and Rb agree up to relabelling N''s irreducibles by an automorphism of N'."""
    ca, cb = _colours(Np, Ra), _colours(Np, Rb)

    def partial(points, pi):
        v = points[-1]
        return cb[pi[v]] == ca[v] and all(Rb[pi[u], pi[v]] == Ra[u, v] for u in points)

    return find_relabelling(Np, partial, lambda pi: np.array_equal(Rb[np.ix_(pi, pi)], Ra)) is not None


def _outcome_classes(outcomes: list[list], invariant, same) -> list[list[int]]:
    """An id per outcome, equal ids for equivalent outcomes. Outcomes are bucketed by an
    invariant first, so the exact (backtracking) test runs only against a bucket's representatives."""
    buckets: dict = {}
    known: dict = {}  # outcomes met before, literally: no search needed
    ids = []
    for outs in outcomes:
        ids.append([])
        for x in outs:
            literal = _literal(x)
            if literal not in known:
                reps = buckets.setdefault(invariant(x), [])
                k = next((k for r, k in reps if same(x, r)), None)
                if k is None:
                    k = len(known)
                    reps.append((x, k))
                known[literal] = k
            ids[-1].append(known[literal])
    return ids


def _literal(x):
    if isinstance(x, np.ndarray):
        return x.shape, x.tobytes()
    if isinstance(x, _Sectors):  # the statistics depend on G, not only on M
        return x.M.shape, x.M.tobytes(), x.stats
    return x


def _components(ids: list[list[int]]) -> int:
    """How many classes of groups a measurement tells apart: groups sharing a possible
    outcome cannot be told apart (transitively)."""
    parent = list(range(len(ids)))

    def root(i):
        while parent[i] != i:
            i = parent[i]
        return i

    owner: dict[int, int] = {}
    for i, outs in enumerate(ids):
        for k in outs:
            j = owner.setdefault(k, i)
            parent[root(i)] = root(j)
    return len({root(i) for i in range(len(ids))})


# ---------------------------------------------------------------------------
# the advice
# ---------------------------------------------------------------------------
def next_measurements(matches: list, known) -> list[Discriminator]:
    """Further data that would separate the groups the bootstrap could not tell apart.

    Parameters
    ----------
    matches : list of bootstrap.naming.NamedMatch
        The surviving groups, each with its fitting classes ≅ N and M in the user's labelling.
    known : bootstrap.known.KnownSubgroup
        N and the user's sector labels.

    Returns
    -------
    list of Discriminator
        Those that separate at least two groups; most groups told apart first, then the
        cheaper measurement (ramp, plateau, census, time-reversal, subgroup; smaller N'
        first). Empty when fewer than two distinct groups are given.

    Examples
    --------
    >>> from bootstrap.data import parse_data
    >>> from bootstrap.naming import named_search
    >>> d = parse_data({"subgroup": {"cyclic": 3}, "ramp": [[2, 0, 0], [0, 1, 1], [0, 1, 1]]})
    >>> next_measurements(named_search(d, 6), d.known)    # S3 alone: nothing to separate
    []
    """
    merged: dict[tuple, object] = {}
    for m in matches:  # one entry per distinct group, with all its fitting classes
        first = merged.setdefault(m.group.id, m)
        extra = tuple(j for j in m.positions if j not in first.positions)
        if extra:
            merged[m.group.id] = replace(first, positions=first.positions + extra)
    groups = list(merged.values())
    if len(groups) < 2:
        return []
    found = _sector_discriminators(groups, known) + _subgroup_discriminators(groups, known)
    return [d for _, d in sorted(found, key=lambda t: t[0])]


def _sector_discriminators(matches, known) -> list:
    N = known.group
    views = [[_sectors(m.group, j, N) for j in m.positions] for m in matches]
    out = []
    for kind in ("ramp", "plateau", "census", "time-reversal"):
        ids = _outcome_classes(views, lambda s: s.invariant(kind), lambda x, y: _sector_equivalent(N, kind, x, y))
        separated = _components(ids)
        if separated < 2:
            continue
        preds = {str(m.group): _sector_prediction(kind, m, known) for m in matches}
        out.append(((-separated, _KIND_RANK[kind]), Discriminator(kind, _sector_sentence(kind, preds, known), preds)))
    return out


def _sector_prediction(kind: str, m, known):
    M = np.asarray(m.branching, dtype=np.int64)  # user's labelling
    if kind == "ramp":
        return (M.T @ M).tolist()
    if kind == "plateau":
        return (M.T @ (np.array(m.group.degrees)[:, None] * M)).tolist()
    if kind == "census":
        return sorted(M.tolist(), reverse=True)
    return {name: list(s) for name, s in zip(known.sector_names, _statistics(m.group, M))}


def _sector_sentence(kind: str, preds: dict, known) -> str:
    names = list(preds)
    if kind == "census":
        return ("Take a census of degenerate multiplets across sectors (the rows of the branching "
                "matrix M): the candidates predict different rows, listed per group.")
    if kind in ("ramp", "plateau"):
        arrays = [np.array(preds[g]) for g in names]
        u, v = next(zip(*np.nonzero((np.array(arrays) != arrays[0]).any(axis=0))))
        which = f"{known.sector_names[u]}, {known.sector_names[v]}"
        values = ", ".join(f"{a[u, v]} for {g}" for g, a in zip(names, arrays))
        what = ("ramp matrix R = MᵀM exactly (the linear-ramp coefficients of the sector cross-SFFs)"
                if kind == "ramp" else "plateau matrix P = Mᵀ diag(d) M (late-time cross-SFF plateaus)")
        return f"Measure the {what}: entry ({which}) is {values}."
    differing = [s for s in known.sector_names if len({tuple(preds[g][s]) for g in names}) > 1]
    first = differing[0]
    values = "; ".join(f"{g} predicts {'+'.join(preds[g][first]) or 'nothing'}" for g in names)
    return ("If the Hamiltonian has a time-reversal symmetry T commuting with the group with T² = +1 "
            f"(e.g. it is real), measure the level statistics in sector {', '.join(differing)}: in sector "
            f"{first}, {values} (GSE blocks are Kramers-degenerate; with T² = −1, GOE and GSE swap).")


def _subgroup_discriminators(matches, known) -> list:
    N = known.group
    # per group, per fitting class of N: {N' id: [ramp matrix of G over each class N' ⊃ N]}
    seen = [[_overgroup_ramps(m.group, p)[0] for p in m.positions] for m in matches]
    # per group, per fitting class: the N' types present only through containments groupdb
    # cannot decide; absence stays a possible outcome for them
    maybe = [[_overgroup_ramps(m.group, p)[1] for p in m.positions] for m in matches]
    types = sorted({t for per_group in seen for emb in per_group for t in emb})
    if any(m.group.order > FULL_LATTICE_ORDER for m in matches):
        # above this order groupdb keeps only small (and normal) classes: absence is known only for these
        types = [t for t in types if t[0] <= SMALL_SUBGROUP_ORDER]
    out = []
    for t in types:
        Np = load_id(*t)
        # the possible outcomes: no such N' (for some fitting class of N), or each N' class's ramp
        outcomes = [[R for emb, unsure in zip(per_group, unsure_group)
                     for R in emb.get(t, [_ABSENT]) + ([_ABSENT] if t in unsure else [])]
                    for per_group, unsure_group in zip(seen, maybe)]

        def invariant(x):
            return x if isinstance(x, str) else _ramp_invariant(Np, x)

        def same(x, y):
            return isinstance(x, str) or _ramp_equivalent(Np, x, y)  # equal invariants: both absent, or ramps

        ids = _outcome_classes(outcomes, invariant, same)
        separated = _components(ids)
        if separated < 2:
            continue
        preds = {}
        for m, outs, ks, unsure_group in zip(matches, outcomes, ids, maybe):
            ramps, met = [], set()
            for R, k in zip(outs, ks):  # one ramp per class of equivalent outcomes
                if k not in met and not isinstance(R, str):
                    ramps.append(R.tolist())
                met.add(k)
            absent = any(isinstance(R, str) for R in outs)
            # with several fitting classes of N, presence may depend on which one the data see
            present = (not absent) if not (absent and ramps) else "depends on the class of N"
            preds[str(m.group)] = {"subgroup": str(Np), "present": present, "ramps": ramps}
            if any(t in unsure for unsure in unsure_group):
                preds[str(m.group)]["present"] = "undecided"
                preds[str(m.group)]["undecided"] = (
                    "groupdb cannot decide whether its classes ≅ N' contain a conjugate of N; "
                    "treated as possible")
        have = [ks for outs, ks in zip(outcomes, ids) if not any(isinstance(R, str) for R in outs)]
        sentence = _subgroup_sentence(Np, N, preds, ramps_split=_components(have) > 1)
        out.append(((-separated, _KIND_RANK["subgroup"], t), Discriminator("subgroup", sentence, preds)))
    return out


@lru_cache(maxsize=1024)
def _overgroup_ramps(G: Group, position: int) -> tuple[dict, frozenset]:
    """({N' type: [ramp of G over each class N' ⊃ N]}, the types found only through
    containments groupdb cannot decide)."""
    ramps: dict[tuple, list] = {}
    over = overgroups(G, position)
    for q in over:
        sub = G.subgroups[q]
        M = branching(G, sub, load_id(*sub.id))
        ramps.setdefault(sub.id, []).append(M.T @ M)
    undecided = set(undecided_overgroups(G, position))
    certain = {G.subgroups[q].id for q in over if q not in undecided}
    unsure = {G.subgroups[q].id for q in undecided}
    return ramps, frozenset(unsure - certain)


def _subgroup_sentence(Np: Group, N: Group, preds: dict, ramps_split: bool) -> str:
    def verb(gs, what):
        return f"{', '.join(gs)} {'has' if len(gs) == 1 else 'have'} {what}"

    have = [g for g, p in preds.items() if p["present"] is True]
    lack = [g for g, p in preds.items() if p["present"] is False]
    text = f"Look for a larger symmetry group N' ≅ {Np.name} (order {Np.order}) containing N = {N.name}: "
    mixed = [g for g, p in preds.items() if not isinstance(p["present"], bool) and p["present"] != "undecided"]
    unsure = [g for g, p in preds.items() if p["present"] == "undecided"]
    parts = ([verb(have, "one")] if have else []) + ([verb(lack, "none")] if lack else [])
    parts += [f"{', '.join(mixed)} may, depending on which class ≅ N the data see"] if mixed else []
    parts += [f"{', '.join(unsure)} may (groupdb cannot decide whether N lies in "
              f"{'its' if len(unsure) == 1 else 'their'} classes ≅ N')"] if unsure else []
    text += ", ".join(parts) if lack or mixed or unsure else "every candidate has one"
    if ramps_split:
        text += "; its ramp matrix over the N' sectors (up to relabelling them) differs between candidates, as listed"
    return text + "."
