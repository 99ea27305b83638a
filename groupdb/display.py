"""Character tables as text in ζ notation — shared by ``symboot groups show`` and the
identification report (:mod:`symboot.report`).

Values are written by :class:`groupdb.cyclotomic.Cyclotomic`'s ``str`` (``ζ3``,
``-ζ8^3``, ``1+ζ5^2`` ...), so every printed table uses one notation.

Examples
--------
>>> import groupdb
>>> from groupdb.display import class_names, format_character_table
>>> G = groupdb.load("S3")
>>> print(format_character_table(G.table.exact(), G.class_sizes, class_names(G.element_orders), G.indicators))
   class  1a 2b 3c
    size   1  3  2
          -- -- --   FS
      χ1   1  1  1   +
      χ2   1 -1  1   +
      χ3   2  0 -1   +
"""
from __future__ import annotations

from typing import Sequence

__all__ = ["ZETA_LEGEND", "FS_LEGEND", "zeta_cells", "class_names", "fs_symbols", "format_character_table"]

ZETA_LEGEND = "ζn = exp(2πi/n)"
FS_LEGEND = "FS: Frobenius–Schur indicator (+ real, - quaternionic, o not self-dual, ± self-dual, sign not fixed)"
_FS = {1: "+", -1: "-", 0: "o", None: "±"}


def zeta_cells(values: Sequence[Sequence]) -> list[list[str]]:
    """The exact values (rows of :class:`~groupdb.cyclotomic.Cyclotomic`) as ζ-notation strings."""
    return [[str(v) for v in row] for row in values]


def fs_symbols(indicators: Sequence[int | None]) -> list[str]:
    """Frobenius–Schur indicators as symbols: 1 → ``+``, -1 → ``-``, 0 → ``o`` and ``None``
    (self-dual, sign not known: a fusion ring alone does not fix it) → ``±``.

    >>> fs_symbols([1, 0, -1, None])
    ['+', 'o', '-', '±']
    """
    return [_FS[None if x is None else int(x)] for x in indicators]


def class_names(element_orders: Sequence[int]) -> list[str]:
    """ATLAS-like class names: element order and a letter per position (``1a 2b 3c``)."""
    return [f"{o}{'abcdefghijklmnopqrstuvwxyz'[n % 26]}" for n, o in enumerate(element_orders)]


def format_character_table(values: Sequence[Sequence], class_sizes: Sequence[int],
                           names: Sequence[str] | None = None,
                           indicators: Sequence[int | None] | None = None) -> str:
    """A character table as fixed-width text: class names and sizes on top, rows χ1, χ2, …,
    Frobenius–Schur indicators at the right when given.

    Parameters
    ----------
    values : rows of exact values (irreducibles × classes).
    class_sizes : one per column.
    names : column names (default ``c1, c2, …``, for tables without element orders).
    indicators : FS indicator per row (1, -1, 0, or ``None`` for a self-dual row whose sign
        is not known, shown ``±``: see :func:`fs_symbols`), or ``None`` to omit the column.
    """
    cells = zeta_cells(values)
    header = list(names) if names is not None else [f"c{j + 1}" for j in range(len(class_sizes))]
    width = max(len(s) for s in [*header, *(c for row in cells for c in row), *map(str, class_sizes)]) + 1

    def line(label, items, tail=""):
        return f"{label:>8} " + "".join(f"{x:>{width}}" for x in items) + tail

    out = [
        line("class", header),
        line("size", class_sizes),
        line("", ["-" * (width - 1)] * len(header), "   FS" if indicators is not None else ""),
    ]
    fs = fs_symbols(indicators) if indicators is not None else None
    for i, row in enumerate(cells):
        out.append(line(f"χ{i + 1}", row, f"   {fs[i]}" if fs is not None else ""))
    return "\n".join(out)
