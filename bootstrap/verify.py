"""Hypothesis verification (SPEC §5): is the data consistent with a named group G?

The answer is decided exactly (reciprocity, then every subgroup class H ≅ N of G via
bootstrap.naming.subgroup_matches); when it is no, the reasons are the violated
constraint families in words, e.g. ``reciprocity: R n = 3 n means [G:N] = 3, but
|S3| / |C3| = 2``.

>>> from bootstrap.data import parse_data
>>> d = parse_data({"subgroup": {"cyclic": 3}, "ramp": [[2, 0, 0], [0, 1, 1], [0, 1, 1]]})
>>> verify(d, "S3").consistent, verify(d, "C6").consistent
(True, False)
>>> print(verify(d, "C6").reasons[0])
data: C6 has 1 subgroup class ≅ C3; none reproduces the ramp matrix: class 2 gives diagonal entries [2, 2, 2] (sorted), the data [1, 1, 2]
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np

from bootstrap.constraints import DATA, RECIPROCITY, Violation, reciprocity
from bootstrap.data import SpectralData
from bootstrap.naming import subgroup_matches
from groupdb import store
from groupdb.characters import branching
from common.errors import SymbootInputError
from common.summary import group_label, html_summary
from groupdb.query import coverage_gap

SUBGROUP = "subgroup"


@dataclass
class Verdict:
    """consistent: a stored subgroup class reproduces the data; otherwise ``undecided`` says
    why the database cannot exclude the group (an unstored subgroup class), or ``reasons``
    why the group is excluded."""

    group: object
    consistent: bool
    positions: list[int] = field(default_factory=list)  # matching subgroup classes
    reasons: list[Violation] = field(default_factory=list)
    branching: np.ndarray | None = None
    undecided: str = ""

    @property
    def status(self) -> str:
        return "consistent" if self.consistent else ("undecided" if self.undecided else "inconsistent")

    def __repr__(self) -> str:
        why = f", subgroup_classes={self.positions}" if self.consistent else (
            f", undecided={self.undecided!r}" if self.undecided else f", reasons={[str(r) for r in self.reasons]}")
        return f"Verdict(status={self.status!r}, group={group_label(self.group)}{why})"

    def _repr_html_(self) -> str:
        rows = [("status", self.status), ("group", group_label(self.group))]
        rows += [("subgroup classes", self.positions)] if self.consistent else []
        rows += [("undecided", self.undecided)] if self.undecided else [("reason", str(r)) for r in self.reasons]
        return html_summary("symboot.verify", rows)

    def to_json(self) -> dict:
        G = self.group
        return {
            "group": {"id": list(G.id), "name": G.name},
            "status": self.status,
            "consistent": None if self.undecided else self.consistent,
            "undecided": self.undecided or None,
            "subgroup_classes": self.positions,
            "branching": None if self.branching is None else self.branching.tolist(),
            "reasons": [v.to_json() for v in self.reasons],
        }


def verify(data: SpectralData, group, subgroup_class: int | None = None) -> Verdict:
    """Decide whether ``group`` (name, id or Group) with some (or the given) subgroup class
    H ≅ N reproduces the data.

    Parameters
    ----------
    subgroup_class : int, optional
        Position in ``G.subgroups`` (0-based, as printed by ``symboot groups show --json``).
    """
    G = store.load(group)
    K = data.known
    N = K.group
    if G.order % N.order:
        return Verdict(G, False, reasons=[Violation(SUBGROUP, f"|N| = {N.order} does not divide |{G.name}| = {G.order} (Lagrange)")])
    index = G.order // N.order
    rec = reciprocity(data, max_order=max(G.order, store.max_order()))
    if index not in rec.indices:
        if rec.fixed and len(rec.indices) == 1:
            i = rec.indices[0]
            msg = f"R n = {i} n means [G:N] = {i}, but |{G.name}| / |{N.name}| = {index}"
            return Verdict(G, False, reasons=[Violation(RECIPROCITY, msg)])
        if rec.violations:
            return Verdict(G, False, reasons=list(rec.violations))
        return Verdict(G, False, reasons=[Violation(RECIPROCITY, f"the data allow [G:N] ∈ {list(rec.indices)}, but |{G.name}| / |{N.name}| = {index}")])
    positions = [s.position for s in G.subgroups_isomorphic_to(N.id)]
    if subgroup_class is not None:
        if not 0 <= subgroup_class < len(G.subgroups):
            raise SymbootInputError(f"{G.name} has subgroup classes 0..{len(G.subgroups) - 1}, not {subgroup_class}")
        sub = G.subgroups[subgroup_class]
        if sub.id != N.id:
            name = store.load_id(*sub.id).name
            return Verdict(G, False, reasons=[Violation(SUBGROUP, f"subgroup class {subgroup_class} of {G.name} is {name}, not {N.name}")])
        positions = [subgroup_class]
    gap = None if subgroup_class is not None else coverage_gap(N.order, G.order)
    if not positions:
        if gap:
            return Verdict(G, False, undecided=f"no stored subgroup of {G.name} is ≅ {N.name}, but {gap}")
        return Verdict(G, False, reasons=[Violation(SUBGROUP, f"{G.name} has no subgroup isomorphic to {N.name}")])
    hits = subgroup_matches(data, G, positions)
    if hits:
        return Verdict(G, True, [j for j, _ in hits], branching=hits[0][1])
    if gap:
        return Verdict(G, False, reasons=[_explain(data, G, positions)],
                       undecided=f"no stored subgroup class of {G.name} ≅ {N.name} reproduces the data, but {gap}")
    return Verdict(G, False, reasons=[_explain(data, G, positions)])


def _sorted_entries(R):
    R = np.asarray(R)
    iu = np.triu_indices(len(R), 1)
    return sorted(np.diag(R).tolist()), sorted(R[iu].tolist())


def _explain(data: SpectralData, G, positions) -> Violation:
    """Why no class fits: the first Aut(N)-invariant of the data that differs, in words."""
    K = data.known
    N = K.group
    what = "the ramp matrix" if data.ramp is not None else ("the plateau matrix" if data.plateau is not None else "the census")
    head = f"{G.name} has {len(positions)} subgroup class{'es' if len(positions) > 1 else ''} ≅ {N.name}; none reproduces {what}"
    details = []
    for j in positions:
        M = branching(G, G.subgroups[j], N)
        d = M @ np.array(N.degrees)
        label = f"class {j}"
        if data.ramp_exact is not None:
            have, want = _sorted_entries(M.T @ M), _sorted_entries(data.ramp_exact)
            if have[0] != want[0]:
                details.append(f"{label} gives diagonal entries {have[0]} (sorted), the data {want[0]}")
                continue
            if have[1] != want[1]:
                details.append(f"{label} gives off-diagonal entries {have[1]} (sorted), the data {want[1]}")
                continue
        if data.census_exact:
            have_rows = Counter(tuple(sorted(row.tolist())) for row in M)
            want_rows = Counter(tuple(sorted(row.tolist())) for row in data.census_rows)
            if sorted(d.tolist()) != sorted((data.census_rows @ K.dims).tolist()):
                details.append(f"{label} gives irreducible dimensions {sorted(d.tolist())}, the census {sorted((data.census_rows @ K.dims).tolist())}")
                continue
            if have_rows != want_rows:
                details.append(f"{label} gives rows of M that no relabelling of N's irreducibles turns into the census rows")
                continue
        if data.census_indicators is not None and subgroup_matches(replace(data, census_indicators=None), G, [j]):
            details.append(f"{label} reproduces the census rows, but not their Frobenius–Schur indicators: "
                           f"{G.name}'s irreducibles have {_indicator_words(G.indicators)}, the data "
                           f"{_indicator_words(next(iter(v)) if len(v) == 1 else sorted(v) for v in data.census_indicators)}")
            continue
        details.append(f"{label} has the same invariants, but no automorphism of {N.name} maps its data onto the given {what.split(' ', 1)[1]}")
    return Violation(DATA, head + ": " + "; ".join(details[:3]) + (" …" if len(details) > 3 else ""))


def _indicator_words(values) -> str:
    """``ν = 1 ×4, -1 ×1`` (a list of allowed values for an undecided row)."""
    counts = Counter(str(v) for v in values)
    return "ν = " + ", ".join(f"{v} ×{n}" for v, n in sorted(counts.items()))
