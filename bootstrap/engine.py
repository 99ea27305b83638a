"""The engine's entry point, solve: reciprocity → abstract search and named search → candidates.

Status (top level):

* ``inconsistent`` — no group of the allowed orders fits (reciprocity fails, or the
  named search over a complete order finds nothing and the abstract search, where it is
  the only route, finished without a candidate);
* ``complete`` — the list of groups is complete: every order allowed by reciprocity is
  within the database's coverage (the named search is exhaustive there), or beyond it
  the abstract search finished;
* ``incomplete`` — an order the named search cannot exhaust (beyond the database, or a
  subgroup class the database does not store: groupdb.query.coverage_gap) whose abstract
  search hit a limit or was not run. Never "inconsistent" there: no definite no without
  a complete search.

The abstract search (SPEC §3: no group assumed) has its own status in ``abstract``; for
orders within coverage it adds rings no group realises ("not group-like") and is the
cross-check that every named group satisfies the abstract constraints.

>>> from bootstrap.data import parse_data
>>> r = solve(parse_data({"subgroup": {"cyclic": 3}, "ramp": [[2, 0, 0], [0, 1, 1], [0, 1, 1]]}))
>>> r.status, r.order, [m.group.name for c in r.candidates for m in c.groups]
('complete', 6, ['S3'])
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from bootstrap.character_table import (
    ExactTable, candidate_indicators, character_table, check_n_columns, codegrees, ring_indicators,
)
from bootstrap.constraints import (
    CHARACTER_TABLE, Violation, check_branching_data, check_divisibility, check_fusion_axioms,
    check_fusion_restriction, reciprocity,
)
from bootstrap.data import SpectralData
from bootstrap.naming import IsomorphismUndecided, Match, embedding_matches, named_search, ring_isomorphism
from bootstrap.solver import SearchResult, enumerate_branchings, enumerate_fusion_rings
from bootstrap.linear import group_ring_type, is_group_ring, is_linear_branching

from common.summary import group_label, html_summary
from groupdb.characters import tensor_coefficients as _tensor_coefficients
from groupdb.query import indicators_fit
from groupdb.store import max_order as coverage

@lru_cache(maxsize=1024)
def tensor_coefficients(G):
    return _tensor_coefficients(G)


class StoredTable(ExactTable):
    """A named group's stored table, converted to exact values only when shown."""

    def __init__(self, G):
        self.group = G
        self.class_sizes = list(G.class_sizes)
        self.conductor = G.exponent
        self.notes = []

    @property
    def values(self):
        return self.group.table.exact()


def _signature(M: np.ndarray, F: np.ndarray):
    k = len(M)
    inv = sorted((tuple(M[i]), int(F[i, i, 0]), tuple(sorted(F[i, i].tolist()))) for i in range(k))
    return (M.shape, tuple(inv))


DEFAULT_MAX_ORDER = 200
MERGE_RANK = 24  # rings that are not group rings are merged by ring isomorphism to this rank (64: GAP oracle > 30 min)
MERGE_NODES = 200000  # search nodes per ring isomorphism before it is left undecided


@dataclass(eq=False)  # identity: field-wise == on numpy arrays is ambiguous (list.index, `in`)
class Candidate:
    """One candidate representation theory of G ⊃ N."""

    order: int
    branching: np.ndarray  # k × r, rows G's irreducibles (row 0 trivial), user's columns
    fusion: np.ndarray  # F[λ, λ', λ''] = N_{λλ'}^{λ''}
    table: ExactTable | None = None
    table_source: str = ""  # "fusion ring" (reconstructed, verified) or "groupdb"
    groups: list[Match] = field(default_factory=list)
    found_by: list[str] = field(default_factory=list)  # "abstract", "named"
    note: str = ""
    # named groups whose ring isomorphism to this candidate was left undecided (MERGE_NODES)
    unmatched: list[Match] = field(default_factory=list, repr=False)

    @property
    def dims(self) -> np.ndarray:
        return self.branching @ self._n

    _n: np.ndarray = field(default=None, repr=False)

    def to_json(self) -> dict:
        fs = candidate_indicators(self)  # Frobenius–Schur indicators per row, null where not fixed
        out = {
            "order": self.order,
            "dims": [int(x) for x in self.dims],
            "branching": self.branching.tolist(),
            "fusion": self.fusion.tolist(),
            "found_by": self.found_by,
            "groups": [{"id": list(m.group.id), "name": m.group.name, "subgroup_classes": list(m.positions),
                        "indicators": ind} for m, ind in zip(self.groups, fs.by_group)],
            "indicators": fs.values,
            "note": self.note,
        }
        if self.table is not None:
            out.update(self.table.to_json())
            out["table_source"] = self.table_source
        else:
            out.update({"character_table": None, "class_sizes": None})
        return out


@dataclass
class Result:
    status: str
    index: int | None
    order: int | None
    candidates: list[Candidate]
    violations: list[Violation]
    abstract: AbstractReach
    named: NamedReach
    searches: list[str]
    seconds: float = 0.0

    @property
    def groups(self) -> list[tuple[int, int]]:
        return sorted({m.group.id for c in self.candidates for m in c.groups})

    def group_labels(self) -> list[str]:
        """``S3 [6,1]`` for each named group, in the order of :attr:`groups`."""
        by_id = {m.group.id: m.group for c in self.candidates for m in c.groups}
        return [group_label(by_id[g]) for g in self.groups]

    def __repr__(self) -> str:
        order = f"|G|={self.order}" if self.order else f"index={self.index}"
        return (f"Result(status={self.status!r}, {order}, groups=[{', '.join(self.group_labels())}], "
                f"candidates={len(self.candidates)})")

    def _repr_html_(self) -> str:
        return html_summary("symboot.solve", [
            ("status", self.status), ("[G:N], |G|", f"{self.index}, {self.order}"),
            ("groups", ", ".join(self.group_labels()) or "none"),
            ("candidates", len(self.candidates)),
            ("named search", self.named.status), ("abstract search", self.abstract.status),
            *[("violated", str(v)) for v in self.violations]])

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "index": self.index,
            "order": self.order,
            "candidates": [c.to_json() for c in self.candidates],
            "groups": [list(g) for g in self.groups],
            "violations": [v.to_json() for v in self.violations],
            "named": self.named.to_json(),
            "abstract": self.abstract.to_json(),
            "searches": self.searches,
            "seconds": round(self.seconds, 4),
        }


def _cross_check(data: SpectralData, M: np.ndarray, G) -> list[Violation]:
    """Every abstract constraint, checked directly on a named group's data."""
    F = tensor_coefficients(G)
    out = check_branching_data(data, M) + check_divisibility(M @ data.known.dims, G.order)
    out += check_fusion_restriction(data.known, M, F) + list(_ring_violations(G))
    bad = check_n_columns(data.known, M, F)
    if bad:
        out.append(bad)
    return out


@lru_cache(maxsize=1024)
def _ring_violations(G) -> tuple[Violation, ...]:
    """The constraints on G's representation ring alone (N-independent, so once per group)."""
    F = tensor_coefficients(G)
    out = check_fusion_axioms(F) if len(F) <= 24 else []  # associativity is k⁵ work
    cod = codegrees(F, G.order)
    if isinstance(cod, Violation):
        out.append(cod)
    return tuple(out)


def _table_for(F: np.ndarray, order: int, G=None) -> tuple[ExactTable | None, str, Violation | None]:
    try:
        t = character_table(F, order)
    except ArithmeticError as exc:  # recognition failed: fall back to the stored table
        t = None
        note = str(exc)
    else:
        if isinstance(t, Violation):
            return None, "", t
        return t, "fusion ring", None
    if G is not None:
        return StoredTable(G), "groupdb", None
    return None, "", Violation(CHARACTER_TABLE, f"exact values not recognised ({note})")


def solve(data: SpectralData, time_limit: float = 10.0, abstract: bool = True, max_rank: int | None = None,
          reconstruct_limit: int = 12) -> Result:
    """Every candidate representation theory of G ⊃ N consistent with the data.

    The steps: reciprocity gives the allowed indices [G:N]; at each, the abstract search
    (:func:`_abstract_candidates`) and the named search (:func:`_named_candidates`, which
    merges each named group into an abstract candidate with an isomorphic ring); then notes
    on the candidates no group names (:func:`_note_unnamed`) and the status (:func:`_status`).

    Parameters
    ----------
    data : SpectralData
    time_limit : float
        Seconds for the abstract search (all indices together); the named search is not limited.
    abstract : bool
        Run the abstract (SMT) search at all.
    max_rank : int, optional
        Skip the fusion-ring search for branchings with more rows (reported as incomplete).
        Default: no cap here; the search's own (bootstrap.solver: above rank ``MAX_RANK`` only
        where the linear action leaves at most ``MAX_UNKNOWNS`` unknowns).
    reconstruct_limit : int
        Reconstruct the character table from the fusion ring for at most this many named
        groups; beyond it the stored table is shown (``table_source`` says which).
    """
    t0 = time.monotonic()
    deadline = t0 + time_limit
    K = data.known
    rec = reciprocity(data, data.max_order or max(DEFAULT_MAX_ORDER, coverage()))
    violations = list(rec.violations)
    searches = ["reciprocity"]
    if not rec.indices:
        return Result("inconsistent", None, None, [], violations, AbstractReach(ran=False),
                      NamedReach(ran=False), searches, time.monotonic() - t0)

    candidates: list[Candidate] = []
    log, named = AbstractReach(ran=abstract), NamedReach()
    for index in rec.indices:
        if abstract:
            candidates.extend(_abstract_candidates(data, index, deadline, max_rank, log))
        _named_candidates(data, index * K.order, candidates, reconstruct_limit, violations, searches, named)
    if abstract:
        from bootstrap.solver import BRANCHING_ENGINE, RING_ENGINE

        engines = {"branchings": BRANCHING_ENGINE, "fusion rings": RING_ENGINE}
        by = {e: [part for part, x in engines.items() if x == e] for e in ("cpsat", "z3")}
        searches.append("abstract search (" + ", ".join(
            f"{' and '.join(parts)} {'CP-SAT' if e == 'cpsat' else 'z3'}" for e, parts in by.items() if parts)
            + ", certificates z3)")
    _note_unnamed(data, candidates, named.unstored)
    status = _status(candidates, named, log, violations)
    index = rec.indices[0] if len(rec.indices) == 1 else None
    order = index * K.order if index else None
    return Result(status, index, order, candidates, violations, log, named, searches,
                  time.monotonic() - t0)


@dataclass
class AbstractReach:
    """How far the abstract search of one solve got (``Result.abstract``): whether it is
    complete, why not, and the violations that removed candidates. Not run, it decides nothing
    (``complete`` False)."""

    ran: bool = True
    reasons: list[str] = field(default_factory=list)
    killed: list[Violation] = field(default_factory=list)
    finished: bool = True

    @property
    def complete(self) -> bool:
        return self.ran and self.finished

    @property
    def status(self) -> str:
        """``not run``, ``complete`` or ``incomplete``."""
        if not self.ran:
            return "not run"
        return "complete" if self.finished else "incomplete"

    @property
    def reason(self) -> str:
        """Why it is incomplete: every limit hit, once each."""
        return "; ".join(dict.fromkeys(self.reasons))

    def limit(self, where: str, why: str) -> None:
        self.finished = False
        self.reasons.append(f"{where}: {why}")

    def absorb(self, found: SearchResult, where: str) -> None:
        """One search's outcome: its violations, and its limit if it did not finish."""
        self.killed.extend(found.violations)
        if not found.complete:
            self.limit(where, found.reason)

    def to_json(self) -> dict:
        if not self.ran:
            return {"status": self.status, "reason": "", "killed": []}
        return {"status": self.status, "reason": self.reason[:2000],
                "killed": [v.to_json() for v in _dedupe(self.killed)][:50]}


@dataclass
class NamedReach:
    """How far the named search of one solve got (``Result.named``): the orders it exhausted,
    the orders where the database may miss groups (order → why: an unstored subgroup class),
    and the orders beyond the database."""

    ran: bool = True
    complete_orders: list[int] = field(default_factory=list)
    unstored: dict[int, str] = field(default_factory=dict)
    beyond_coverage: list[int] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``not run``, ``complete`` or ``incomplete`` (some order's subgroup classes unstored)."""
        if not self.ran:
            return "not run"
        return "incomplete" if self.unstored else "complete"

    def to_json(self) -> dict:
        return {"status": self.status, "orders": self.complete_orders,
                "unstored": [{"order": o, "reason": r} for o, r in self.unstored.items()],
                "beyond_coverage": self.beyond_coverage}


def _abstract_candidates(data: SpectralData, index: int, deadline: float, max_rank: int | None,
                         log: AbstractReach) -> list[Candidate]:
    """The abstract search at one index: branchings M, the fusion rings of each M, and the
    rings whose N-columns and character table check out."""
    K = data.known
    order = index * K.order
    where = f"[G:N] = {index}"
    br = enumerate_branchings(data, index, deadline)
    log.absorb(br, where)
    out = []
    for M in br.solutions:
        if time.monotonic() >= deadline:
            log.limit(where, "time limit before all branchings were examined")
            break
        if max_rank is not None and len(M) > max_rank and not is_linear_branching(K, M):  # all d = 1: constructed, any rank
            log.limit(where, f"fusion-ring search skipped for rank {len(M)} > {max_rank}")
            continue
        rings = enumerate_fusion_rings(K, M, deadline)
        log.absorb(rings, f"{where}, rank {len(M)}")
        for F in rings.solutions:
            bad = check_n_columns(K, M, F) or _indicator_violation(data, M, F)
            if not bad:
                table, source, bad = _table_for(F, order)
            if bad:
                log.killed.append(bad)
                continue
            out.append(Candidate(order, M, F, table, source, [], ["abstract"], _n=K.dims))
    return out


def _indicator_violation(data: SpectralData, M: np.ndarray, F: np.ndarray) -> Violation | None:
    """The census's Frobenius–Schur indicators against what the ring fixes of them (a
    self-dual row of even degree may be +1 or -1: never excluded on its sign)."""
    if data.census_indicators is None:
        return None
    nu = [frozenset([1, -1]) if v is None else frozenset([v]) for v in ring_indicators(F, M @ data.known.dims)]
    if indicators_fit(M.tolist(), nu, data.census_rows.tolist(), data.census_indicators, data.census_distinct):
        return None
    return Violation("indicators", "no assignment of the census's Frobenius–Schur indicators to this ring's "
                     "irreducibles: a real, complex or quaternionic row where the ring allows none")


def _named_candidates(data: SpectralData, order: int, candidates: list[Candidate], reconstruct_limit: int,
                      violations: list[Violation], searches: list[str], log: NamedReach) -> None:
    """The named search at one order, within the database's coverage, attached to the candidates."""
    if order > coverage():
        log.beyond_coverage.append(order)
        return
    searches.append(f"named search over the {order}-element groups of groupdb")
    found = named_search(data, order)
    if found.complete:
        log.complete_orders.append(order)
    else:
        log.unstored[order] = found.reason
    _attach_named(data, list(found.matches), candidates, order, reconstruct_limit, violations)


def _note_unnamed(data: SpectralData, candidates: list[Candidate], unstored: dict[int, str]) -> None:
    """Attach to each candidate no group names every named group that gives it, and say for
    each candidate still unnamed why none does — or which groups it may be, where an
    isomorphism was left undecided (never "not group-like" then).

    The named search attaches a group under one subgroup class and one relabelling of Irr(N);
    another branching the data allow may be the same group with N embedded or matched
    otherwise, and groups with one character table (D8, Q8) share candidates: where a
    candidate's ring is a named group's, every stored class ≅ N of that group and every
    relabelling is tried (:func:`bootstrap.naming.embedding_matches`) and a hit is attached.
    "Not group-like" is said only where no group of the order gives the candidate: any group
    realising it reproduces the data, so the exhaustive named search has named that group."""
    named = {}
    for c in candidates:
        for m in c.groups:
            named.setdefault((c.order, m.group.id), m)
    for c in candidates:
        if c.unmatched:
            c.note = "; ".join(filter(None, [c.note, _undecided_note(c.unmatched)]))
            continue
        if c.groups:  # a named candidate's other realisations are not sought: ~1 s per ring pair at rank 64
            continue
        same, undecided = _ring_only_matches(c, [m.group for (o, _), m in named.items() if o == c.order])
        embedded, open_ = [], []
        for G in same:
            try:
                hits = embedding_matches(data, G, named[(c.order, G.id)].positions, c.branching, c.fusion,
                                         MERGE_NODES)
            except IsomorphismUndecided:
                open_.append(G)
                continue
            if hits:
                embedded.append(Match(G, tuple(j for j, _ in hits), hits[0][1]))
        if embedded:
            c.groups.extend(embedded)
            if "named" not in c.found_by:
                c.found_by.append("named")
        if c.groups or open_ or undecided:
            c.note = "; ".join(filter(None, [
                c.note,
                f"{', '.join(m.group.name for m in embedded)} with N embedded or its irreducibles matched "
                "otherwise — the same group, another branching" if embedded else "",
                f"its fusion ring is that of {', '.join(G.name for G in open_)}: whether some subgroup ≅ N "
                f"gives this branching was not decided within {MERGE_NODES} search nodes" if open_ else "",
                _undecided_ring_note(undecided)]))
            continue
        ring = (f"its fusion ring is that of {', '.join(G.name for G in same)}, but no subgroup ≅ N there "
                "gives this branching under any relabelling of Irr(N); ") if same else ""
        if c.order in unstored:
            c.note = f"{ring}no stored group of order {c.order} realises it, but {unstored[c.order]}"
        elif c.order <= coverage():
            c.note = f"not group-like: {ring}no group of order {c.order} realises it (the database is complete there)"
        else:
            c.note = f"not a group of order ≤ {coverage()} (beyond the database)"


def _undecided_ring_note(groups: list) -> str:
    return (f"may be the ring of {', '.join(G.name for G in groups)}: the ring isomorphism was not decided"
            if groups else "")


def _ring_only_matches(c: Candidate, groups: list) -> tuple[list, list]:
    """(named groups whose representation ring is isomorphic to c's, those undecided), the
    branching ignored: group rings by their abelian group, others by ring isomorphism."""
    same, undecided = [], []
    kind = group_ring_type(c.fusion)
    ones = np.ones((len(c.fusion), 1), dtype=np.int64)
    for G in groups:
        F = tensor_coefficients(G)
        if F.shape != c.fusion.shape:
            continue
        other = group_ring_type(F)
        if kind is not None or other is not None:
            if kind == other:
                same.append(G)
            continue
        if len(F) > MERGE_RANK:
            undecided.append(G)
            continue
        try:
            if ring_isomorphism(ones, c.fusion, ones, F, MERGE_NODES) is not None:
                same.append(G)
        except IsomorphismUndecided:
            undecided.append(G)
    return same, undecided


def _undecided_note(matches: list[Match]) -> str:
    names = ", ".join(dict.fromkeys(m.group.name for m in matches))
    return (f"may be the ring of {names} (a separate candidate): the ring isomorphism was not decided "
            f"within {MERGE_NODES} search nodes")


def _status(candidates: list[Candidate], named: NamedReach, log: AbstractReach, violations: list[Violation]) -> str:
    """complete / inconsistent / incomplete, as the module docstring defines them."""
    if (named.beyond_coverage or named.unstored) and not log.complete:
        return "incomplete"
    group_like = [c for c in candidates if c.groups or c.order > coverage() or c.order in named.unstored]
    if group_like:
        return "complete"
    if not violations:
        why = "no group G ⊃ N of the allowed orders reproduces the data"
        if log.killed:
            why += f"; constraints that removed abstract candidates: {', '.join(sorted({v.constraint for v in log.killed}))}"
        violations.append(Violation("data", why))
    return "inconsistent"


def _dedupe(vs):
    seen, out = set(), []
    for v in vs:
        if (v.constraint, v.message) not in seen:
            seen.add((v.constraint, v.message))
            out.append(v)
    return out


def _attach_named(data, matches: list[Match], candidates: list[Candidate], order: int,
                  reconstruct_limit: int, violations: list[Violation]) -> None:
    """Cross-check each named group against the abstract constraints, then merge it into the
    candidate with an isomorphic ring (same M, same fusion up to relabelling) or add it as a
    candidate of its own. Where the isomorphism search gives up (MERGE_NODES) the group stays
    apart and both candidates say so: an undecided merge is not a 'not isomorphic'."""
    n = data.known.dims
    # reconstructing from the ring costs ~0.1-0.5 s at rank 64: do it where it is the answer
    reconstruct = len(matches) == 1 or (len(matches) <= reconstruct_limit and all(m.group.nclasses <= 32 for m in matches))
    buckets: dict = {}
    for c in candidates:
        if c.order == order and _mergeable(c.branching, c.fusion):
            buckets.setdefault(_signature(c.branching, c.fusion), []).append(c)
    for m in matches:
        M = m.branching
        F = tensor_coefficients(m.group)
        problems = _cross_check(data, M, m.group)
        if problems:
            violations.append(Violation("cross-check", f"{m.group.name} fails the abstract constraints: "
                                        + "; ".join(map(str, problems))))
        same = buckets.get(_signature(M, F), []) if _mergeable(M, F) else []
        c, undecided = _isomorphic_candidate(same, M, F)
        if c is not None:
            c.groups.append(m)
            if "named" not in c.found_by:
                c.found_by.append("named")
            continue
        if reconstruct:
            table, source, bad = _table_for(F, order, m.group)
        else:
            table, source, bad = StoredTable(m.group), "groupdb", None
        if bad:
            violations.append(Violation("cross-check", f"{m.group.name}: {bad}"))
        candidates.append(Candidate(order, M, F, table, source, [m], ["named"], _n=n))
        for u in undecided:
            u.unmatched.append(m)
        if undecided:
            found_by = ", ".join(dict.fromkeys(s for u in undecided for s in u.found_by))
            candidates[-1].note = (f"not merged with {len(undecided)} candidate(s) of the same invariants "
                                   f"(found by {found_by}): the ring isomorphism was not decided within "
                                   f"{MERGE_NODES} search nodes")
        if _mergeable(M, F):
            buckets.setdefault(_signature(M, F), []).append(candidates[-1])


def _mergeable(M: np.ndarray, F: np.ndarray) -> bool:
    """Whether the merge by ring isomorphism is tried: group rings at every rank (their
    isomorphism is a search over a basis, naming._group_ring_isomorphism), others to MERGE_RANK."""
    return len(M) <= MERGE_RANK or is_group_ring(F)


def _isomorphic_candidate(same: list[Candidate], M: np.ndarray, F: np.ndarray
                          ) -> tuple[Candidate | None, list[Candidate]]:
    """(the first candidate whose ring is isomorphic to (M, F), or None; the candidates before
    it for which the isomorphism search gave up within MERGE_NODES nodes)."""
    undecided = []
    for c in same:
        try:
            if ring_isomorphism(c.branching, c.fusion, M, F, MERGE_NODES) is not None:
                return c, undecided
        except IsomorphismUndecided:
            undecided.append(c)
    return None, undecided
