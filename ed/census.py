"""Exact multiplet census: the rows of M read off exact degeneracies.

All sectors' levels of one realisation are pooled and sorted; neighbours
closer than ``rtol`` times the mean level spacing (and at least a few ulps
of the spectral scale) form a cluster. A cluster's multiplicity vector
``(n_mu(E))_mu`` is a row of the branching matrix M. Distinct vectors and
their counts give M's rows (up to order) and the numbers D_lambda of
multiplets. A vector that is the sum of other, much more frequent vectors is
reported as *accidental* (two multiplets that happen to coincide) and kept
out of ``rows``.

Examples
--------
>>> import numpy as np
>>> from ed.census import multiplet_census
>>> c = multiplet_census([np.array([0.0, 1.0]), np.array([1.0, 2.0]), np.array([1.0, 3.0])])
>>> c.rows, c.counts
([[1, 1, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]], [1, 1, 1, 1])
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

__all__ = ["Census", "multiplet_census", "census_plateau", "is_sum"]


@dataclass
class Census:
    """Distinct multiplicity vectors with counts.

    ``rows``: sorted lexicographically, largest first; columns = sectors in
    lexicographic charge order; ``counts``: D_lambda per row; ``accidental``:
    ``(row, count)`` for vectors that look like coincidences; ``tolerance``:
    the absolute clustering tolerance used; ``max_spread``: the largest
    energy spread inside an accepted cluster.
    """

    rows: list[list[int]]
    counts: list[int]
    accidental: list = field(default_factory=list)
    tolerance: float = 0.0
    max_spread: float = 0.0

    def to_json(self) -> dict:
        return {"rows": self.rows, "counts": self.counts,
                "accidental": [{"row": r, "count": c} for r, c in self.accidental]}


def is_sum(v, others) -> bool:
    """Is ``v`` a sum of >= 2 vectors from ``others`` (with repetition)? Small DFS."""
    v = tuple(v)

    def rec(rem, start, k):
        if not any(rem):
            return k >= 2
        for i in range(start, len(others)):
            o = others[i]
            if all(o[j] <= rem[j] for j in range(len(rem))):
                if rec(tuple(rem[j] - o[j] for j in range(len(rem))), i, k + 1):
                    return True
        return False

    return rec(v, 0, 0)


def multiplet_census(levels: Sequence[np.ndarray], rtol: float = 1e-6, accidental_fraction: float = 0.1) -> Census:
    """Cluster the levels of all sectors (one realisation) into multiplets.

    Parameters
    ----------
    levels : one spectrum per sector (lexicographic charge order).
    rtol : clustering tolerance relative to the mean level spacing of the pooled spectrum.
    accidental_fraction : a vector that is a sum of other vectors each seen
        more than ``1/accidental_fraction`` times as often is accidental.
    """
    S = len(levels)
    E = np.concatenate([np.asarray(e, float) for e in levels])
    lab = np.concatenate([np.full(len(e), m) for m, e in enumerate(levels)])
    order = np.argsort(E, kind="stable")
    E, lab = E[order], lab[order]
    n = len(E)
    scale = max(1.0, float(np.abs(E).max())) if n else 1.0
    spacing = (E[-1] - E[0]) / max(1, n - 1) if n > 1 else 1.0
    tol = max(rtol * spacing, 1e3 * np.finfo(float).eps * scale)
    breaks = np.nonzero(np.diff(E) > tol)[0] + 1
    starts = np.concatenate([[0], breaks])
    ends = np.concatenate([breaks, [n]])
    vecs: dict[tuple, int] = {}
    spreads: dict[tuple, float] = {}
    for a, b in zip(starts, ends):
        v = tuple(np.bincount(lab[a:b], minlength=S).tolist())
        vecs[v] = vecs.get(v, 0) + 1
        spreads[v] = max(spreads.get(v, 0.0), float(E[b - 1] - E[a]))
    items = sorted(vecs.items(), key=lambda kv: kv[0], reverse=True)
    accidental, rows, counts = [], [], []
    for v, c in items:
        frequent = [u for u, cu in items if u != v and cu * accidental_fraction > c and sum(u) < sum(v)]
        if frequent and is_sum(v, frequent):
            accidental.append((list(v), c))
        else:
            rows.append(list(v))
            counts.append(c)
    max_spread = max((spreads[tuple(r)] for r in rows), default=0.0)
    return Census(rows=rows, counts=counts, accidental=accidental, tolerance=float(tol), max_spread=max_spread)


def census_plateau(c: Census) -> np.ndarray:
    """Unfiltered plateau ``P = M^T diag(D) M`` implied by the census.

    Examples
    --------
    >>> census_plateau(Census(rows=[[1, 0], [1, 1]], counts=[3, 2])).tolist()
    [[5, 2], [2, 2]]
    """
    M = np.array(c.rows, dtype=int)
    return M.T @ np.diag(c.counts) @ M
