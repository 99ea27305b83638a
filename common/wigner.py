"""Wigner's types as what a sector's spectrum shows (SPEC §6): the one rule, shared by the
spectral side (ed.symclass reads the classes from levels) and the bootstrap (bootstrap.data
reads them from an input file)."""
from __future__ import annotations

#: every Frobenius–Schur indicator: what a sector says when it cannot say anything
INDICATORS = frozenset({-1, 0, 1})

#: a sector's observed class, as the input declares it (``"time_reversal"``): ``"GOE"``/``"GUE"``
#: one block of that class, ``"GSE"`` a Kramers sector (every level twice, GSE among the distinct
#: ones), ``"mixed"`` several blocks and no level twice, ``None`` nothing known
SECTOR_CLASSES = ("GOE", "GUE", "GSE", "mixed", None)


def class_indicators(label: str | None, epsilon: int) -> frozenset:
    """The Frobenius–Schur indicators ν the irreducibles reaching a sector of class ``label``
    (``SECTOR_CLASSES``) may have, when an anti-unitary T with T² = ``epsilon`` commutes with G
    (SPEC §6, Wigner's types: a — one GOE block — for εν = 1, b — GSE, every level twice — for
    εν = -1, c — λ glued to its conjugate into one GUE block — for ν = 0).

    >>> [sorted(class_indicators(c, 1)) for c in ("GOE", "GUE", "GSE", "mixed", None)]
    [[1], [0], [-1], [0, 1], [-1, 0, 1]]
    """
    if label == "GOE":
        return frozenset({epsilon})
    if label == "GUE":
        return frozenset({0})
    if label == "GSE":
        return frozenset({-epsilon})
    if label == "mixed":  # no level twice: no type b
        return frozenset({epsilon, 0})
    return INDICATORS
