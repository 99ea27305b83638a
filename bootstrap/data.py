"""The bootstrap's input: N and the integer spectral data (SPEC §2), validated.

Input file (JSON)::

    {"subgroup": {"cyclic": 3} | {"abelian": [2, 4]} | {"id": [6, 1]} | {"name": "S3"},
     "ramp": [[...]], "plateau": [[...]],
     "census": {"rows": [[...], ...], "distinct": false, "indicators": [1, -1, [0, 1], ...]},
     "max_order": 200, "index": 2}

ramp, plateau and census are each optional, at least one is needed. A matrix entry is an
integer, or a list of integers = the values extraction could not tell apart (a confidence
set). Census rows are M's rows up to order, one per irreducible of G; with
``"distinct": true`` they are only the distinct rows (a cluster census cannot tell two
irreducibles with equal restrictions apart), each occurring at least once.

``"time_reversal": {"square": 1, "sector_classes": ["GOE", "GSE", ...]}`` (optional, with a census)
declares an anti-unitary T commuting with G with T² = square and each sector's observed block
class (:data:`common.wigner.SECTOR_CLASSES`): the census rows of "GSE" (Kramers) sectors, given as observed
(every level twice), are halved, and each row gets the indicators its sectors' classes allow
(:func:`common.wigner.class_indicators`) — the observed β per block as a constraint family.

``"indicators"`` (optional) attaches to each census row the Frobenius–Schur indicator
ν ∈ {1, 0, -1} of its irreducible, or the set of values the data allow (with
``"distinct": true``: the values every irreducible with that row may have): what an anti-unitary symmetry commuting with G makes observable (SPEC §6 — with T² = ε,
a GOE block is εν = 1, a GSE block with Kramers doubling εν = -1, a GUE block glued to its
conjugate ν = 0). It separates groups with equal character tables, D8 from Q8.

JSON is the file format only: :func:`parse_data` reads it, :meth:`SpectralData.to_json`
writes it, and code builds data with :func:`spectral_data` (and varies them with
``dataclasses.replace``).

>>> d = parse_data({"subgroup": {"cyclic": 3}, "ramp": [[2, 0, 0], [0, 1, 1], [0, 1, 1]]})
>>> d.ramp_exact.tolist(), d.known.group.name
([[2, 0, 0], [0, 1, 1], [0, 1, 1]], 'C3')
>>> d.to_json() == {"subgroup": {"cyclic": 3}, "ramp": [[2, 0, 0], [0, 1, 1], [0, 1, 1]]}
True
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from bootstrap.known import KnownSubgroup, known_subgroup
from common import jsonio
from common.errors import SymbootInputError
from common.wigner import INDICATORS, SECTOR_CLASSES, class_indicators

#: a matrix whose entries are sets of allowed integers (exact entries are 1-element sets)
SetMatrix = tuple[tuple[frozenset, ...], ...]


@dataclass(frozen=True, eq=False)
class SpectralData:
    """Validated data, all indices in the user's order of N's irreducibles."""

    known: KnownSubgroup
    ramp: SetMatrix | None = None
    plateau: SetMatrix | None = None
    census_rows: np.ndarray | None = None
    census_distinct: bool = False
    max_order: int | None = None
    index: int | None = None
    #: per census row, the allowed Frobenius–Schur indicators of its irreducible (None: not observed)
    census_indicators: tuple[frozenset, ...] | None = None

    @property
    def ramp_exact(self) -> np.ndarray | None:
        return _exact(self.ramp)

    @property
    def census_exact(self) -> bool:
        """Census rows are M itself up to row order."""
        return self.census_rows is not None and not self.census_distinct

    def without_census(self) -> SpectralData:
        """The same data with no census (its indicators go with it)."""
        return replace(self, census_rows=None, census_distinct=False, census_indicators=None)

    def census_subset(self, keep) -> SpectralData:
        """The same data with only the census rows at positions ``keep`` (and their indicators)."""
        nu = self.census_indicators
        return replace(self, census_rows=self.census_rows[list(keep)],
                       census_indicators=None if nu is None else tuple(nu[i] for i in keep))

    def to_json(self) -> dict:
        """The input-file form (:func:`parse_data` reads it back to equal data)."""
        out: dict = {"subgroup": _plain(self.known.spec)}
        for name, S in (("ramp", self.ramp), ("plateau", self.plateau)):
            if S is not None:
                out[name] = [[next(iter(v)) if len(v) == 1 else sorted(v) for v in row] for row in S]
        if self.census_rows is not None:
            out["census"] = {"rows": self.census_rows.tolist(), "distinct": self.census_distinct}
            if self.census_indicators is not None:
                out["census"]["indicators"] = [next(iter(v)) if len(v) == 1 else sorted(v)
                                               for v in self.census_indicators]
        for name in ("max_order", "index"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        return out


def _plain(value):
    """JSON's form of a cached, frozen subgroup spec (tuples back to lists)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return [_plain(v) for v in value] if isinstance(value, tuple) else value


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
    if isinstance(M, np.ndarray):
        M = M.tolist()
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


def parse_census(census, size: int) -> tuple[np.ndarray, bool, list | None]:
    """(rows of M, distinct, indicators as given or None) from the input's census entry."""
    if not isinstance(census, dict) or "rows" not in census:
        raise SymbootInputError('census must be {"rows": [[...], ...], "distinct": false}')
    if "counts" in census:
        # the block sizes D_λ ≈ c·d_λ hold only for large systems: no exact constraint to give
        raise SymbootInputError('census "counts" (block sizes) are not used by the bootstrap, which takes only '
                                'exact data; give the rows (and "distinct") alone')
    unknown = set(census) - {"rows", "distinct", "indicators"}
    if unknown:
        raise SymbootInputError(f"unknown census keys: {', '.join(sorted(map(str, unknown)))}")
    return _census_rows(census["rows"], size), _distinct(census.get("distinct", False)), census.get("indicators")


def row_indicator_sets(rows, per_sector) -> tuple[frozenset, ...]:
    """Per census row, the indicators that every sector it reaches allows (``per_sector``: one
    set per sector, e.g. :func:`common.wigner.class_indicators`): an irreducible's block is one block in all
    its sectors."""
    out = []
    for row in rows:
        allowed = INDICATORS
        for x, a in zip(row, per_sector):
            if x:
                allowed = allowed & a
        out.append(allowed)
    return tuple(out)


def kramers_halved(rows, kramers) -> list[list[int]] | None:
    """Census rows with the Kramers doubling undone: a multiplet in Kramers sectors is a
    Kramers pair of one irreducible's multiplets, so its row there is twice the irreducible's.
    ``None`` where a row cannot be one (odd there, or reaching Kramers and other sectors: an
    irreducible's block has one class in all its sectors).

    Examples
    --------
    >>> kramers_halved([[1, 0, 0, 0], [0, 2, 0, 2]], [False, True, False, True])
    [[1, 0, 0, 0], [0, 1, 0, 1]]
    >>> kramers_halved([[1, 2, 0, 0]], [False, True, False, True]) is None
    True
    """
    out = []
    for row in rows:
        on = [x for x, k in zip(row, kramers) if k and x]
        off = [x for x, k in zip(row, kramers) if not k and x]
        if (on and off) or any(x % 2 for x in on):
            return None
        half = [x // 2 if k else x for x, k in zip(row, kramers)]
        if half not in out:
            out.append(half)
    return out


def _time_reversal(obj, rows, size: int):
    """(census rows, indicators) from the input's ``"time_reversal"``: ``{"square": 1 | -1,
    "sector_classes": [...]}`` — an anti-unitary T commuting with G, T² = square, and each
    sector's observed class (``SECTOR_CLASSES``). Kramers (``"GSE"``) sectors' rows are given as
    observed, each level twice, and halved here; the rows' indicators follow from the classes."""
    if not isinstance(obj, dict) or set(obj) - {"square", "sector_classes"} or "sector_classes" not in obj:
        raise SymbootInputError('time_reversal must be {"square": 1 or -1, "sector_classes": [...]}')
    eps = obj.get("square")
    if eps not in (1, -1) or isinstance(eps, bool):
        raise SymbootInputError(f'time_reversal "square" (T²) must be 1 or -1, got {eps!r}')
    labels = obj["sector_classes"]
    if not isinstance(labels, list) or len(labels) != size or any(c not in SECTOR_CLASSES for c in labels):
        raise SymbootInputError(f'time_reversal "sector_classes" must list one of GOE, GUE, GSE, mixed or null per '
                                f'sector ({size})')
    if rows is None:
        raise SymbootInputError("time_reversal's sector classes attach indicators to census rows: give the census")
    halved = kramers_halved(rows.tolist(), [c == "GSE" for c in labels])
    if halved is None:
        raise SymbootInputError("census rows that are not Kramers pairs in the GSE sectors (odd there, or reaching "
                                "GSE and other sectors)")
    return np.array(halved, dtype=np.int64), row_indicator_sets(halved, [class_indicators(c, eps) for c in labels])


def _indicators(values, rows: int) -> tuple[frozenset, ...]:
    """One set of allowed Frobenius–Schur indicators per census row."""
    if isinstance(values, np.ndarray):
        values = values.tolist()
    if not isinstance(values, (list, tuple)) or len(values) != rows:
        raise SymbootInputError(f'census "indicators" must be a list with one entry per census row ({rows})')
    out = []
    for i, v in enumerate(values):
        where = f"census indicator {i}"
        vals = frozenset(_integer(x, where) for x in v) if isinstance(v, (list, tuple)) else frozenset([_integer(v, where)])
        if not vals or not vals <= INDICATORS:
            raise SymbootInputError(f"{where}: {v!r} is not a Frobenius–Schur indicator (1, 0, -1 or a list of them)")
        out.append(vals)
    return tuple(out)


def _distinct(distinct) -> bool:
    if not isinstance(distinct, (bool, np.bool_)):
        raise SymbootInputError(f'census "distinct" must be true or false, got {distinct!r}')
    return bool(distinct)


def _census_rows(rows, size: int) -> np.ndarray:
    if isinstance(rows, np.ndarray):
        rows = rows.tolist()
    if not isinstance(rows, (list, tuple)) or not rows or not all(isinstance(r, (list, tuple)) and len(r) == size for r in rows):
        raise SymbootInputError(f"census rows must be a non-empty list of rows with {size} entries (one per irreducible of N)")
    M = np.array([[_integer(x, "census row entry") for x in r] for r in rows], dtype=np.int64)
    if (M < 0).any():
        raise SymbootInputError("a census row has a negative entry")
    if (M.sum(axis=1) == 0).any():
        raise SymbootInputError("a census row is zero (every multiplet lies in some sector)")
    return M


def parse_data(obj: dict) -> SpectralData:
    """Validate an input object (the JSON file's content)."""
    if not isinstance(obj, dict):
        raise SymbootInputError("the input must be a JSON object")
    unknown = set(obj) - {"subgroup", "ramp", "plateau", "census", "max_order", "index", "comment", "time_reversal"}
    if unknown:
        raise SymbootInputError(f"unknown input keys: {', '.join(sorted(unknown))}")
    if "subgroup" not in obj:
        raise SymbootInputError('the input needs "subgroup", e.g. {"cyclic": 3}')
    K = known_subgroup(obj["subgroup"])
    census, distinct, indicators = (None, False, None) if obj.get("census") is None else parse_census(obj["census"], K.rank)
    if "time_reversal" in obj:
        if indicators is not None:
            raise SymbootInputError('give the census "indicators" or time_reversal\'s sector classes, not both')
        census, indicators = _time_reversal(obj["time_reversal"], census, K.rank)
        indicators = [sorted(a) for a in indicators]
    return spectral_data(K, ramp=obj.get("ramp"), plateau=obj.get("plateau"), census=census, distinct=distinct,
                         indicators=indicators, max_order=obj.get("max_order"), index=obj.get("index"))


def spectral_data(known: KnownSubgroup, *, ramp=None, plateau=None, census=None, distinct: bool = False,
                  indicators=None, max_order: int | None = None, index: int | None = None) -> SpectralData:
    """Validated data from Python values: the one constructor (parse_data reads files into it).

    Parameters
    ----------
    known : KnownSubgroup
    ramp, plateau : r×r nested sequences, optional
        Entries an integer or a list of allowed integers (a confidence set).
    census : (k, r) array_like, optional
        Rows of M up to row order; ``distinct``: only the distinct rows.
    indicators : sequence, optional
        Per census row, its irreducible's Frobenius–Schur indicator (1, 0, -1) or a list of
        the allowed values (``distinct``: those of every irreducible with that row).
    max_order, index : int, optional
        Bound on |G|; the index [G:N] when the data do not fix it.

    Examples
    --------
    >>> from bootstrap.known import known_subgroup
    >>> d = spectral_data(known_subgroup({"cyclic": 3}), census=[[1, 0, 0], [0, 1, 1]], distinct=True)
    >>> d.census_rows.tolist(), d.census_exact
    ([[1, 0, 0], [0, 1, 1]], False)
    """
    r = known.rank
    R = parse_matrix(ramp, r, "ramp") if ramp is not None else None
    P = parse_matrix(plateau, r, "plateau") if plateau is not None else None
    M = _census_rows(census, r) if census is not None else None
    if R is None and P is None and M is None:
        raise SymbootInputError("give at least one of ramp, plateau, census")
    if indicators is not None and M is None:
        raise SymbootInputError("indicators are attached to census rows: give the census with them")
    nu = None if indicators is None else _indicators(indicators, len(M))
    if max_order is not None:
        max_order = _integer(max_order, "max_order")
        if max_order < 1:
            raise SymbootInputError("max_order must be positive")
    if index is not None:
        index = _integer(index, "index")
        if index < 1:
            raise SymbootInputError("index [G:N] must be positive")
    return SpectralData(known, R, P, M, _distinct(distinct) if M is not None else False, max_order, index, nu)


def load_data(path) -> SpectralData:
    """Read and validate an input file."""
    return parse_data(jsonio.read(path, "data file"))
