"""The bootstrap's input: N and the integer spectral data (SPEC §2), validated.

Input file (JSON)::

    {"subgroup": {"cyclic": 3} | {"abelian": [2, 4]} | {"id": [6, 1]} | {"name": "S3"},
     "ramp": [[...]], "plateau": [[...]],
     "census": {"rows": [[...], ...], "counts": [...], "distinct": false},
     "max_order": 200, "index": 2}

ramp, plateau and census are each optional, at least one is needed. A matrix entry is an
integer, or a list of integers = the values extraction could not tell apart (a confidence
set). Census rows are M's rows up to order, one per irreducible of G; with
``"distinct": true`` they are only the distinct rows (a cluster census cannot tell two
irreducibles with equal restrictions apart), each occurring at least once.

>>> d = parse_data({"subgroup": {"cyclic": 3}, "ramp": [[2, 0, 0], [0, 1, 1], [0, 1, 1]]})
>>> d.ramp_exact.tolist(), d.known.group.name
([[2, 0, 0], [0, 1, 1], [0, 1, 1]], 'C3')
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bootstrap.known import KnownSubgroup, known_subgroup
from common import jsonio
from common.errors import SymbootInputError

#: a matrix whose entries are sets of allowed integers (exact entries are 1-element sets)
SetMatrix = tuple[tuple[frozenset, ...], ...]


@dataclass(frozen=True, eq=False)
class SpectralData:
    """Validated data, all indices in the user's order of N's irreducibles."""

    known: KnownSubgroup
    ramp: SetMatrix | None = None
    plateau: SetMatrix | None = None
    census_rows: np.ndarray | None = None
    census_counts: tuple[int, ...] | None = None
    census_distinct: bool = False
    max_order: int | None = None
    index: int | None = None

    @property
    def ramp_exact(self) -> np.ndarray | None:
        return _exact(self.ramp)

    @property
    def census_exact(self) -> bool:
        """Census rows are M itself up to row order."""
        return self.census_rows is not None and not self.census_distinct


def _exact(S: SetMatrix | None) -> np.ndarray | None:
    if S is None or any(len(x) != 1 for row in S for x in row):
        return None
    return np.array([[next(iter(x)) for x in row] for row in S], dtype=np.int64)


#: no entry of the data exceeds this (an int64 product of two entries still fits); larger
#: ones are typing errors, and past 2**63 they would overflow numpy's integers
MAX_ENTRY = 2**31 - 1


def _integer(x, what: str) -> int:
    if isinstance(x, bool):
        raise SymbootInputError(f"{what}: {x!r} is not an integer")
    if isinstance(x, float) and not np.isfinite(x):
        raise SymbootInputError(f"{what}: {x} is not a number")
    if isinstance(x, (int, np.integer)) or (isinstance(x, float) and x.is_integer()):
        if abs(x) > MAX_ENTRY:
            raise SymbootInputError(f"{what}: {x:.6g} is too large (at most {MAX_ENTRY})")
        return int(x)
    if isinstance(x, float):
        raise SymbootInputError(
            f"{what}: {x} is not an integer; give the set of allowed integers, e.g. [{int(np.floor(x))}, {int(np.ceil(x))}]"
        )
    raise SymbootInputError(f"{what}: {x!r} is not an integer")


def parse_matrix(M, size: int, name: str) -> SetMatrix:
    """A symmetric size×size matrix of non-negative integers or confidence sets."""
    if not isinstance(M, (list, tuple)) or len(M) != size or not all(isinstance(r, (list, tuple)) and len(r) == size for r in M):
        shape = f"{len(M)} rows" if isinstance(M, (list, tuple)) else type(M).__name__
        raise SymbootInputError(f"the {name} matrix must be {size}×{size} (one row per irreducible of N), got {shape}")
    out = []
    for a, row in enumerate(M):
        cells = []
        for b, x in enumerate(row):
            where = f"{name}[{a}][{b}]"
            if isinstance(x, (list, tuple)):
                if not x:
                    raise SymbootInputError(f"{where}: empty set of allowed values")
                vals = frozenset(_integer(v, where) for v in x)
            else:
                vals = frozenset([_integer(x, where)])
            if min(vals) < 0:
                raise SymbootInputError(f"the {name} matrix has a negative entry at [{a}][{b}]")
            cells.append(vals)
        out.append(tuple(cells))
    for a in range(size):
        for b in range(a):
            if out[a][b] != out[b][a]:
                raise SymbootInputError(f"the {name} matrix is not symmetric: [{a}][{b}] ≠ [{b}][{a}]")
    return tuple(out)


def parse_census(census, size: int) -> tuple[np.ndarray, tuple[int, ...] | None, bool]:
    if not isinstance(census, dict) or "rows" not in census:
        raise SymbootInputError('census must be {"rows": [[...], ...], "counts": [...]}')
    rows = census["rows"]
    if not isinstance(rows, list) or not rows or not all(isinstance(r, list) and len(r) == size for r in rows):
        raise SymbootInputError(f"census rows must be a non-empty list of rows with {size} entries (one per irreducible of N)")
    M = np.array([[_integer(x, "census row entry") for x in r] for r in rows], dtype=np.int64)
    if (M < 0).any():
        raise SymbootInputError("a census row has a negative entry")
    if (M.sum(axis=1) == 0).any():
        raise SymbootInputError("a census row is zero (every multiplet lies in some sector)")
    counts = census.get("counts")
    if counts is not None:
        if not isinstance(counts, list) or len(counts) != len(rows):
            raise SymbootInputError("census counts need one entry per row")
        counts = tuple(_integer(c, "census count") for c in counts)
        if min(counts) < 0:
            raise SymbootInputError("a census count is negative")
    distinct = census.get("distinct", False)
    if not isinstance(distinct, bool):
        raise SymbootInputError(f'census "distinct" must be true or false, got {distinct!r}')
    return M, counts, distinct


def parse_data(obj: dict) -> SpectralData:
    """Validate an input object (the JSON file's content)."""
    if not isinstance(obj, dict):
        raise SymbootInputError("the input must be a JSON object")
    unknown = set(obj) - {"subgroup", "ramp", "plateau", "census", "max_order", "index", "comment"}
    if unknown:
        raise SymbootInputError(f"unknown input keys: {', '.join(sorted(unknown))}")
    if "subgroup" not in obj:
        raise SymbootInputError('the input needs "subgroup", e.g. {"cyclic": 3}')
    K = known_subgroup(obj["subgroup"])
    r = K.rank
    ramp = parse_matrix(obj["ramp"], r, "ramp") if obj.get("ramp") is not None else None
    plateau = parse_matrix(obj["plateau"], r, "plateau") if obj.get("plateau") is not None else None
    census = parse_census(obj["census"], r) if obj.get("census") is not None else (None, None, False)
    if ramp is None and plateau is None and census[0] is None:
        raise SymbootInputError("give at least one of ramp, plateau, census")
    max_order = obj.get("max_order")
    if max_order is not None:
        max_order = _integer(max_order, "max_order")
        if max_order < 1:
            raise SymbootInputError("max_order must be positive")
    index = obj.get("index")
    if index is not None:
        index = _integer(index, "index")
        if index < 1:
            raise SymbootInputError("index [G:N] must be positive")
    return SpectralData(K, ramp, plateau, census[0], census[1], census[2], max_order, index)


def load_data(path) -> SpectralData:
    """Read and validate an input file."""
    return parse_data(jsonio.read(path, "data file"))
