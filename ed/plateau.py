"""Where P is extracted: the normalised plateau of the xSFF and its integers for an index [G:N].

The plateau fixes Mᵀ diag(d) M only up to the index (SPEC §2): ``[G:N] Ptilde`` is integral
at the true index. Each entry is judged with the data's own error (the scatter of the
realisations' plateaus, or measured curves' ``K_err``), widened for the degrees of freedom it
was estimated from, plus a systematic floor (:func:`plateau_estimates`).

Examples
--------
>>> round(coverage_factor(9), 2)
1.36
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from groupdb.query import reciprocity_index

from .extract import IntegerEstimate, RampData, integer_estimate, level_multiplicity
from .xsff import XSFF

__all__ = ["PlateauData", "extract_plateau", "plateau_for_index", "plateau_estimates", "coverage_factor"]


@dataclass
class PlateauData:
    """Normalised plateau ``Ptilde_{mu nu} = P_{mu nu} / sqrt(Dt_mu Dt_nu)`` with
    ``Dt_mu = sum_{i in mu} g(E_i)^2 / n_mu`` (:attr:`ed.xsff.XSFF.per_copy`: the filtered
    ``D_mu / n_mu``, D_mu the *reduced* dimension, never the isotypic ``n_mu D_mu``),
    which approximates ``(M^T diag(d) M) / [G:N]``; ``index`` = [G:N] when known
    (from an exact R), then ``scaled = index * Ptilde`` is close to an integer
    matrix (finite-size deviations of D_lambda from c d_lambda are real);
    ``err``: standard error of ``normalised`` where the data gave one (:attr:`ed.xsff.XSFF.plateau_err`:
    the scatter of the realisations' plateaus, or the curves' block means and ``K_err``), with
    ``dof`` degrees of freedom (``None``: taken as exact); ``per_copy``: the ``Dt_mu`` used;
    ``entries``: ``scaled`` as :class:`IntegerEstimate` (:func:`plateau_estimates`) when the
    index is known."""

    normalised: np.ndarray
    raw: np.ndarray
    index: int | None
    scaled: np.ndarray | None
    entries: list | None = None
    err: np.ndarray | None = None
    per_copy: np.ndarray | None = None
    dof: int | None = None


#: smallest relative systematic floor of a plateau entry whose curves carry an error estimate
PLATEAU_FLOOR = 0.01
#: relative systematic floor of a plateau entry without any error estimate (as for the ramp)
PLATEAU_FLOOR_UNMEASURED = 0.04


def coverage_factor(dof: int | None) -> float:
    """How much wider than ``3 err`` an integer window must be when ``err`` is itself estimated
    from ``dof`` degrees of freedom: the Student-t quantile at the normal 3-sigma level over 3.

    A standard error from a few realisations can come out small by chance (from 3 of them, a
    third of the true one about 10 % of the time); reading it as exact would turn that luck into
    a confident integer, so the window covers what the estimate allows. ``None``: exact, 1.

    Examples
    --------
    >>> round(coverage_factor(2), 2), round(coverage_factor(9), 2), coverage_factor(None)
    (6.4, 1.36, 1.0)
    """
    if dof is None:
        return 1.0
    if dof < 1:
        return float("inf")
    from scipy import stats

    return float(stats.t.ppf(stats.norm.cdf(3.0), dof) / 3.0)


def extract_plateau(xs: XSFF, ramp: RampData | None = None) -> PlateauData:
    """Normalised plateau matrix (see :class:`PlateauData`) with its error where the data give
    one (:attr:`ed.xsff.XSFF.plateau_err`, already that of the normalised plateau). The index
    [G:N] comes from an exact R by reciprocity ``R n = [G:N] n`` (``n`` = irrep dims); the
    scaled entries are then judged as :func:`plateau_for_index` judges a trial index.

    Kramers sectors (``ramp.kramers``: every level twice) count each Kramers pair once, as the
    ramp and the census do: their levels' multiplicities and their reduced dimension halved, so
    an entry between two of them is halved (``P / 4`` over ``D / 2``)."""
    betas = ramp.sector_betas() if ramp is not None else [2] * len(xs.dims)
    twice = np.array([level_multiplicity(b) for b in betas])
    Dt = xs.per_copy / twice
    Pn = xs.plateau / np.outer(twice, twice) / np.sqrt(np.outer(Dt, Dt))
    err = None if xs.plateau_err is None else np.asarray(xs.plateau_err, float) / np.sqrt(np.outer(twice, twice))
    dof = None if err is None else xs.plateau_dof
    out = PlateauData(normalised=Pn, raw=xs.plateau / np.outer(twice, twice), index=None, scaled=None, err=err,
                      per_copy=Dt, dof=dof)
    if ramp is not None and ramp.exact:
        index = reciprocity_index(ramp.integer_matrix, xs.irrep_dims)
        if index is not None:
            out = replace(out, index=index, scaled=index * Pn, entries=plateau_estimates(out, None, index))
    return out


def _plateau_floor(plateau: PlateauData, err) -> float:
    """Relative systematic error of ``index * Ptilde`` against ``M^T diag(d) M``.

    The plateau's departure from an integer matrix at a finite size is mostly *systematic*: the
    blocks' filtered sizes ``D_lambda`` are not exactly ``c d_lambda``, the same in every
    realisation, so no scatter over realisations (``err``) measures it and more realisations do
    not shrink it. Its scale is measured by the data themselves: in the regular regime every
    ``D_mu / n_mu`` equals ``c [G:N]``, and their relative spread over the sectors is the size of
    that departure (Ashkin-Teller with K at L = 5: spread 0.9 %, 6 P~_00 = 9.92 for 10). The
    spread averages the blocks inside each sector, and a system with one sector, or with equal
    sectors by construction, shows none, so it is kept at least ``PLATEAU_FLOOR`` (a judgement,
    not a derived bound: the spread is a proxy that can miss deviations cancelling inside a
    sector). Without any error estimate the ramp's 4 % stays: nothing then tells statistical
    from systematic deviations, and a narrower window would only be guessing.
    """
    if err is None:
        return PLATEAU_FLOOR_UNMEASURED
    w = None if plateau.per_copy is None else np.asarray(plateau.per_copy, float)
    spread = 0.0 if w is None or not np.all(np.isfinite(w)) or w.mean() <= 0 else float((w.max() - w.min()) / w.mean())
    return max(PLATEAU_FLOOR, spread)


def plateau_estimates(plateau: PlateauData, err: np.ndarray | None, index: int) -> list[list[IntegerEstimate]]:
    """``index * Ptilde`` entry by entry as :class:`IntegerEstimate`: the one judgement of plateau
    entries, for a trial index (:func:`plateau_for_index`) and for the index from R.

    The error of an entry is ``index * err`` (``err``: standard error of ``plateau.normalised``;
    ``None``: ``plateau.err``, the data's own), widened by :func:`coverage_factor` for the
    degrees of freedom it was estimated from, plus the systematic floor (``_plateau_floor``)
    in quadrature. A large error therefore leaves the entry a set of plausible integers.
    An entry whose error is unknown (NaN) is undetermined; no error estimate at all
    (``err`` and ``plateau.err`` ``None``, e.g. one realisation) means the 4 % floor alone.
    """
    x = index * np.asarray(plateau.normalised, float)
    err = plateau.err if err is None else err
    # plateau.dof belongs to the data's own estimate (None without one): a caller's err is that one
    e = np.zeros_like(x) if err is None else index * np.asarray(err, float) * coverage_factor(plateau.dof)
    floor = _plateau_floor(plateau, err)
    return [[integer_estimate(x[a, b], e[a, b], floor=floor) for b in range(len(x))] for a in range(len(x))]


def plateau_for_index(plateau: PlateauData, err: np.ndarray | None, index: int) -> list | None:
    """The integer matrix ``index * Ptilde`` ≈ ``M^T diag(d) M`` for a trial index [G:N],
    or ``None`` when some entry is not confidently one integer (:func:`plateau_estimates`).

    A plateau alone does not fix [G:N] (SPEC §2); the caller tries indices. ``err`` is
    the standard error of ``plateau.normalised`` (``None``: ``plateau.err``, the data's own).
    The systematic floor (relative to the entry): without any error estimate 4 %, as for the
    ramp; with one, the measured departure from the regular-representation regime, i.e. the
    relative spread of ``D_mu / n_mu`` over the sectors (all equal to ``c [G:N]`` there), and
    at least ``PLATEAU_FLOOR`` — so that entries of 8 or 10 can be told from their neighbours
    when the data are good enough to, and stay sets when they are not.

    Examples
    --------
    >>> p = PlateauData(np.array([[0.996, 0.0], [0.0, 1.003]]), None, None, None)
    >>> plateau_for_index(p, None, 2)
    [[2, 0], [0, 2]]
    >>> p10 = PlateauData(np.array([[9.92 / 6, 0.0], [0.0, 1.0]]), None, None, None, per_copy=np.ones(2))
    >>> plateau_for_index(p10, None, 6) is None  # 4 % of 10: 9, 10 and 11 within 3 sigma
    True
    >>> plateau_for_index(p10, np.full((2, 2), 0.005), 6)  # measured: 6 * 0.005 = 0.03, floor 1 %
    [[10, 0], [0, 6]]
    >>> plateau_for_index(p10, np.full((2, 2), 0.05), 6) is None  # too noisy: a set, not 10
    True
    """
    out = []
    for row in plateau_estimates(plateau, err, index):
        if any(e.value is None for e in row):
            return None
        out.append([e.value for e in row])
    return out
