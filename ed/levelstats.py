"""Level statistics: the mean adjacent-gap ratio and the RMT class it indicates.

``r_n = min(s_n, s_{n+1}) / max(s_n, s_{n+1})`` needs no unfolding. Reference
means: Poisson 0.386, GOE 0.5307, GUE 0.5996, GSE 0.6744 (Atas et al. 2013).
Only the central part of each spectrum is used (edges are not universal).

Examples
--------
>>> import numpy as np
>>> from ed.levelstats import gap_ratio
>>> rng = np.random.default_rng(0)
>>> a = rng.standard_normal((400, 400)) + 1j * rng.standard_normal((400, 400))
>>> gr = gap_ratio([np.linalg.eigvalsh(a + a.conj().T)])
>>> gr.verdict
'GUE'
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

__all__ = ["R_MEAN", "GapRatio", "gap_ratios", "gap_ratio", "surmise_pdf", "ratio_histogram"]

#: reference values of <r> (Atas, Bogomolny, Giraud, Roux, PRL 110, 084101 (2013))
R_MEAN = {"Poisson": 0.38629, "GOE": 0.5307, "GUE": 0.5996, "GSE": 0.6744}
_BETA = {"GOE": 1, "GUE": 2, "GSE": 4}


@dataclass
class GapRatio:
    """Mean gap ratio of one sector with its standard error and the verdict.

    ``verdict``: nearest reference class; ``z``: distance to it in standard
    errors (large ``z`` = none fits, e.g. a superposition of blocks);
    ``n``: number of ratios used.
    """

    mean: float
    err: float
    n: int
    verdict: str
    z: float


def gap_ratios(levels: np.ndarray, central: float = 0.8, dedupe: float = 1e-9) -> np.ndarray:
    """Gap ratios ``min/max`` of the central fraction ``central`` of a sorted spectrum.

    Exact degeneracies (gaps below ``dedupe`` times the mean spacing) are
    collapsed first: a multiplet that occurs twice in one sector is one level
    of its block, not a zero gap.

    Examples
    --------
    >>> gap_ratios(np.array([0.0, 1.0, 3.0, 4.0]), central=1.0).tolist()
    [0.5, 0.5]
    """
    e = np.sort(np.asarray(levels, dtype=float))
    n = len(e)
    cut = int(round(n * (1 - central) / 2))
    e = e[cut:n - cut] if n - 2 * cut >= 3 else e
    if len(e) > 1:
        gap = np.diff(e)
        e = e[np.concatenate([[True], gap > dedupe * max(gap.mean(), 1e-300)])]
    s = np.diff(e)
    a, b = s[:-1], s[1:]
    mx = np.maximum(a, b)
    ok = mx > 0
    return np.minimum(a, b)[ok] / mx[ok]


def gap_ratio(spectra: Sequence[np.ndarray], central: float = 0.8) -> GapRatio:
    """``<r>`` over one or several realisations of a sector, with a standard error.

    The error comes from the spread of per-block means (blocks of 20
    consecutive ratios, and realisations), which absorbs the short-range
    correlation of neighbouring ratios.

    Examples
    --------
    >>> g = gap_ratio([np.sort(np.random.default_rng(1).uniform(size=4000))])
    >>> g.verdict
    'Poisson'
    """
    rs = [gap_ratios(e, central) for e in spectra]
    allr = np.concatenate(rs) if rs else np.zeros(0)
    n = len(allr)
    if n == 0:
        return GapRatio(float("nan"), float("inf"), 0, "undetermined", float("inf"))
    mean = float(allr.mean())
    blk = 20
    means = np.concatenate([r[: len(r) // blk * blk].reshape(-1, blk).mean(axis=1) for r in rs if len(r) >= blk]
                           ) if n >= 2 * blk else np.zeros(0)
    if len(means) >= 2:
        err = float(means.std(ddof=1) / np.sqrt(len(means)))
    else:
        err = float(allr.std(ddof=1) / np.sqrt(n)) if n > 1 else float("inf")
    best = min(R_MEAN, key=lambda k: abs(R_MEAN[k] - mean))
    z = abs(R_MEAN[best] - mean) / err if err > 0 else float("inf")
    return GapRatio(mean, err, n, best, float(z))


def surmise_pdf(r: np.ndarray, kind: str) -> np.ndarray:
    """Density of ``r~ = min(r, 1/r)`` on [0, 1]: Wigner-like surmise (Atas et al.)
    for GOE/GUE/GSE, ``2/(1+r)^2`` for Poisson.

    Examples
    --------
    >>> x = np.linspace(0, 1, 20001)
    >>> [round(float(np.trapezoid(surmise_pdf(x, k), x)), 4) for k in ("Poisson", "GOE", "GUE", "GSE")]
    [1.0, 1.0, 1.0, 1.0]
    """
    r = np.asarray(r, dtype=float)
    if kind == "Poisson":
        return 2.0 / (1.0 + r) ** 2
    b = _BETA[kind]
    z = {1: 8.0 / 27.0, 2: 4.0 * np.pi / (81.0 * np.sqrt(3.0)), 4: 4.0 * np.pi / (729.0 * np.sqrt(3.0))}[b]
    return 2.0 * (r + r * r) ** b / (z * (1.0 + r + r * r) ** (1.0 + 1.5 * b))


def ratio_histogram(spectra: Sequence[np.ndarray], bins: int = 25, central: float = 0.8):
    """Histogram data of ``r~`` (density) and the four reference curves.

    Returns ``(edges, density, curves)`` with ``curves[kind] = (x, pdf)``.
    """
    r = np.concatenate([gap_ratios(e, central) for e in spectra])
    dens, edges = np.histogram(r, bins=bins, range=(0.0, 1.0), density=True)
    x = np.linspace(0, 1, 201)
    return edges, dens, {k: (x, surmise_pdf(x, k)) for k in R_MEAN}
