"""The bootstrap pipeline: reciprocity → named search and abstract search → candidates.

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

from bootstrap.character_table import ExactTable, character_table, check_n_columns, codegrees
from bootstrap.constraints import (
    CHARACTER_TABLE, Violation, check_branching_data, check_divisibility, check_fusion_axioms,
    check_fusion_restriction, reciprocity,
)
from bootstrap.data import SpectralData
from bootstrap.identify import Match, named_search, ring_isomorphism
from bootstrap.solver import enumerate_branchings, enumerate_fusion_rings

from common.summary import group_label, html_summary
from groupdb.characters import tensor_coefficients as _tensor_coefficients
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
MAX_RANK = 12  # abstract fusion-ring search only below this rank (SPEC: rank ≲ 12)
MERGE_RANK = 24  # named candidates are merged by ring isomorphism below this rank


@dataclass
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

    @property
    def dims(self) -> np.ndarray:
        return self.branching @ self._n

    _n: np.ndarray = field(default=None, repr=False)

    def to_json(self) -> dict:
        out = {
            "order": self.order,
            "dims": [int(x) for x in self.dims],
            "branching": self.branching.tolist(),
            "fusion": self.fusion.tolist(),
            "found_by": self.found_by,
            "groups": [{"id": list(m.group.id), "name": m.group.name, "subgroup_classes": list(m.positions)} for m in self.groups],
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
    abstract: dict
    named: dict
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
            ("named search", self.named.get("status")), ("abstract search", self.abstract.get("status")),
            *[("violated", str(v)) for v in self.violations]])

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "index": self.index,
            "order": self.order,
            "candidates": [c.to_json() for c in self.candidates],
            "groups": [list(g) for g in self.groups],
            "violations": [v.to_json() for v in self.violations],
            "named": self.named,
            "abstract": self.abstract,
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


def solve(data: SpectralData, time_limit: float = 10.0, abstract: bool = True, max_rank: int = MAX_RANK,
          reconstruct_limit: int = 12) -> Result:
    """Every candidate representation theory of G ⊃ N consistent with the data.

    Parameters
    ----------
    data : SpectralData
    time_limit : float
        Seconds for the abstract search (all indices together); the named search is not limited.
    abstract : bool
        Run the abstract (SMT) search at all.
    max_rank : int
        Skip the fusion-ring search for branchings with more rows (reported as incomplete).
    reconstruct_limit : int
        Reconstruct the character table from the fusion ring for at most this many named
        groups; beyond it the stored table is shown (``table_source`` says which).
    """
    t0 = time.monotonic()
    deadline = t0 + time_limit
    K = data.known
    n = K.dims
    cap = data.max_order or max(DEFAULT_MAX_ORDER, coverage())
    rec = reciprocity(data, cap)
    violations = list(rec.violations)
    searches = ["reciprocity"]
    named_info = {"status": "not run", "orders": []}
    abstract_info = {"status": "not run", "reason": "", "killed": []}
    if not rec.indices:
        return Result("inconsistent", None, None, [], violations, abstract_info, named_info, searches, time.monotonic() - t0)

    candidates: list[Candidate] = []
    abstract_complete = True
    abstract_reasons = []
    killed: list[Violation] = []
    named_complete_orders, beyond = [], []
    unstored: dict[int, str] = {}  # order -> why the named search there may miss groups
    for index in rec.indices:
        order = index * K.order
        # --- abstract -------------------------------------------------------
        if abstract:
            br = enumerate_branchings(data, index, deadline)
            killed.extend(br.violations)
            if not br.complete:
                abstract_complete = False
                abstract_reasons.append(f"[G:N] = {index}: {br.reason}")
            for M in br.solutions:
                if time.monotonic() >= deadline:
                    abstract_complete = False
                    abstract_reasons.append(f"[G:N] = {index}: time limit before all branchings were examined")
                    break
                if len(M) > max_rank:
                    abstract_complete = False
                    abstract_reasons.append(f"[G:N] = {index}: fusion-ring search skipped for rank {len(M)} > {max_rank}")
                    continue
                rings = enumerate_fusion_rings(K, M, deadline)
                killed.extend(rings.violations)
                if not rings.complete:
                    abstract_complete = False
                    abstract_reasons.append(f"[G:N] = {index}, rank {len(M)}: {rings.reason}")
                for F in rings.solutions:
                    bad = check_n_columns(K, M, F)
                    if bad:
                        killed.append(bad)
                        continue
                    table, source, bad = _table_for(F, order)
                    if bad:
                        killed.append(bad)
                        continue
                    candidates.append(Candidate(order, M, F, table, source, [], ["abstract"], _n=n))
        # --- named ----------------------------------------------------------
        if order <= coverage():
            searches.append(f"named search over the {order}-element groups of groupdb")
            found = named_search(data, order)
            if found.complete:
                named_complete_orders.append(order)
            else:
                unstored[order] = found.reason
            _attach_named(data, list(found.matches), candidates, order, reconstruct_limit, violations)
        else:
            beyond.append(order)
    if abstract:
        searches.append("abstract SMT search (z3)")
        abstract_info = {
            "status": "complete" if abstract_complete else "incomplete",
            "reason": "; ".join(dict.fromkeys(abstract_reasons))[:2000],
            "killed": [v.to_json() for v in _dedupe(killed)][:50],
        }
    else:
        abstract_complete = False  # not run: it decides nothing
    for c in candidates:
        if c.groups:
            continue
        if c.order in unstored:
            c.note = f"no stored group of order {c.order} realises it, but {unstored[c.order]}"
        elif c.order <= coverage():
            c.note = f"not group-like: no group of order {c.order} realises it (the database is complete there)"
        else:
            c.note = f"not a group of order ≤ {coverage()} (beyond the database)"
    named_info = {"status": "incomplete" if unstored else "complete", "orders": named_complete_orders,
                  "unstored": [{"order": o, "reason": r} for o, r in unstored.items()], "beyond_coverage": beyond}

    group_like = [c for c in candidates if c.groups or c.order > coverage() or c.order in unstored]
    if (beyond or unstored) and not abstract_complete:
        status = "incomplete"
    elif not group_like:
        status = "inconsistent"
        if not violations:
            violations.append(Violation("data", "no group G ⊃ N of the allowed orders reproduces the data"
                                        + (f"; constraints that removed abstract candidates: {', '.join(sorted({v.constraint for v in killed}))}" if killed else "")))
    else:
        status = "complete"
    index = rec.indices[0] if len(rec.indices) == 1 else None
    order = index * K.order if index else None
    return Result(status, index, order, candidates, violations, abstract_info, named_info, searches, time.monotonic() - t0)


def _dedupe(vs):
    seen, out = set(), []
    for v in vs:
        if (v.constraint, v.message) not in seen:
            seen.add((v.constraint, v.message))
            out.append(v)
    return out


def _attach_named(data, matches: list[Match], candidates: list[Candidate], order: int,
                  reconstruct_limit: int, violations: list[Violation]) -> None:
    n = data.known.dims
    # reconstructing from the ring costs ~0.1-0.5 s at rank 64: do it where it is the answer
    reconstruct = len(matches) == 1 or (len(matches) <= reconstruct_limit and all(m.group.nclasses <= 32 for m in matches))
    buckets: dict = {}
    for c in candidates:
        if c.order == order and len(c.branching) <= MERGE_RANK:
            buckets.setdefault(_signature(c.branching, c.fusion), []).append(c)
    for m in matches:
        M = m.branching
        F = tensor_coefficients(m.group)
        problems = _cross_check(data, M, m.group)
        if problems:
            violations.append(Violation("cross-check", f"{m.group.name} fails the abstract constraints: "
                                        + "; ".join(map(str, problems))))
        merged = False
        if len(M) <= MERGE_RANK:
            sig = _signature(M, F)
            for c in buckets.get(sig, []):
                if ring_isomorphism(c.branching, c.fusion, M, F, 20000) is not None:
                    c.groups.append(m)
                    if "named" not in c.found_by:
                        c.found_by.append("named")
                    merged = True
                    break
        if merged:
            continue
        if reconstruct:
            table, source, bad = _table_for(F, order, m.group)
        else:
            table, source, bad = StoredTable(m.group), "groupdb", None
        if bad:
            violations.append(Violation("cross-check", f"{m.group.name}: {bad}"))
        candidates.append(Candidate(order, M, F, table, source, [m], ["named"], _n=n))
        if len(M) <= MERGE_RANK:
            buckets.setdefault(_signature(M, F), []).append(candidates[-1])
