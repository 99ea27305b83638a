"""Where R is extracted: the integer ramp matrix from the xSFF (the plateau: :mod:`ed.plateau`).

Steps (all from the data, nothing hard-coded):

1. per sector, the *ramp window*: after the dip (minimum of the smoothed
   SFF, at least ``6/s`` where the filter has killed the disconnected part)
   and after the non-universal Thouless bump (where the normalised SFF still
   exceeds its late-window level), before the plateau onset (a fraction of
   the measured Heisenberg time ``2 pi rho_mu / n_blocks``, cut earlier where
   the normalised SFF sags: the smallest block saturating); cross entries use
   the intersection of the two sectors' windows;
2. the normalised xSFF ``K_{mu nu}(t) / k_beta(t)`` with the exact RMT form
   factor of one block, ``k_beta(t) = int g(E)^2 rho_b(E) b_beta(t / 2 pi rho_b(E)) dE``
   (GUE ``b = min(tau, 1)``, GOE ``b = 2 tau - tau ln(1 + 2 tau)`` for tau < 1),
   averaged over the window, with a batch-means error; ``rho_b`` is the
   sector density over the number of blocks (iterated once from ``R_mu mu``),
   which only matters for GOE's curvature;
3. each entry becomes an integer when exactly one integer is plausible
   (within 3 sigma plus a systematic floor, posterior >= 0.99), else the set of
   plausible integers: never a silently rounded value;
4. beta (GOE vs GUE) from the level statistics and the integrality of R.

Examples
--------
>>> from ed.extract import form_factor, integer_estimate
>>> float(form_factor(0.5, 2)), round(float(form_factor(0.5, 1)), 4)
(0.5, 0.6534)
>>> integer_estimate(2.03, 0.05).value, integer_estimate(1.5, 0.05).candidates
(2, [1, 2])
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

import numpy as np

from groupdb.query import reciprocity_index

from .levelstats import GapRatio
from .xsff import XSFF, sector_density

__all__ = ["form_factor", "ramp_reference", "sector_betas", "level_multiplicity", "integer_estimate", "IntegerEstimate", "RampData",
           "detect_windows", "extract_ramp", "choose_beta", "statistics_mismatch",
           "resolve_by_reciprocity", "superposition_r"]


def form_factor(tau, beta: int):
    """Exact RMT spectral form factor ``b_beta(tau)`` (connected, unit density, ramp + plateau).

    GUE: ``min(tau, 1)``; GOE: ``2 tau - tau ln(1 + 2 tau)`` (tau <= 1),
    ``2 - tau ln((2 tau + 1)/(2 tau - 1))`` (tau > 1); GSE: ``tau/2 - (tau/4) ln|1 - tau|``
    (tau <= 2), 1 beyond.
    """
    tau = np.asarray(tau, dtype=float)
    if beta == 2:
        return np.minimum(tau, 1.0)
    if beta == 1:
        small = 2 * tau - tau * np.log1p(2 * tau)
        with np.errstate(divide="ignore", invalid="ignore"):
            big = 2 - tau * np.log((2 * tau + 1) / np.maximum(2 * tau - 1, 1e-300))
        return np.where(tau <= 1, small, big)
    if beta == 4:
        with np.errstate(divide="ignore"):
            v = tau / 2 - tau / 4 * np.log(np.abs(1 - tau) + 1e-300)
        return np.where(tau <= 2, v, 1.0)
    raise ValueError(f"beta must be 1, 2 or 4, not {beta}")


_GH_X, _GH_W = np.polynomial.hermite.hermgauss(24)


def ramp_reference(t: np.ndarray, beta: int, width: float, rho_nodes: np.ndarray) -> np.ndarray:
    """``k_beta(t)`` of one block with density ``rho_nodes`` at the Gauss–Hermite
    nodes ``center + width * x_k`` of the weight ``g^2``.

    ``beta`` 4 is a GSE block as a spectrum shows it: every level twice (Kramers pairs,
    ``rho_nodes`` counting both), so ``Z = 2 Z_distinct`` and the reference is
    ``4 k_GSE`` at half the density — at early times twice GUE's, like GOE's, bending the
    other way. A Kramers pair is then counted once: R's integers are the unitary group's.

    Examples
    --------
    >>> t = np.array([1.0, 2.0])
    >>> k = ramp_reference(t, 2, 1.0, np.full(24, 100.0))
    >>> bool(np.allclose(k, t / (2 * np.pi) * np.sqrt(np.pi)))
    True
    """
    doubling = level_multiplicity(beta)
    rho = np.maximum(np.asarray(rho_nodes, float), 1e-300) / doubling
    tau = np.asarray(t, float)[:, None] / (2 * np.pi * rho[None, :])
    return doubling**2 * width * (form_factor(tau, beta) * (rho * _GH_W)[None, :]).sum(axis=1)


def sector_betas(beta: int, kramers=None, n: int | None = None) -> list[int]:
    """Per sector, the class whose form factor normalises its ramp: ``beta`` (1 GOE, 2 GUE),
    4 in a Kramers sector (:func:`ed.symclass.kramers_gse`).

    >>> sector_betas(2, [False, True, False, True])
    [2, 4, 2, 4]
    """
    kramers = [False] * n if kramers is None else list(kramers)
    return [4 if k else beta for k in kramers]


def level_multiplicity(beta: int) -> float:
    """How often a block of class ``beta`` shows each level: twice for GSE (Kramers pairs),
    else once — what counting a Kramers pair once divides out of densities and multiplicities."""
    return 2.0 if beta == 4 else 1.0


def _per_sector(beta, n: int) -> list[int]:
    """``beta`` (one class for all) or one class per sector, as a list of ``n``."""
    return [beta] * n if np.isscalar(beta) else list(beta)


def _early_slope(beta: int) -> float:
    """The early ramp over GUE's linear ``t/2pi int g^2``: GOE 2, a Kramers GSE block 4 x 1/2."""
    return 1.0 if beta == 2 else 2.0


#: the end of a ramp window in Heisenberg times of a block's *distinct* levels: GUE's ramp is
#: exactly linear up to 1; GOE bends earlier; GSE's form factor has its log singularity at 1
TAU_MAX = {1: 0.5, 2: 0.7, 4: 0.5}


@dataclass
class IntegerEstimate:
    """One extracted entry: ``value`` (int) when unambiguous, else ``None``;
    ``candidates``: the plausible integers; ``fit`` ± ``err``; ``residual`` =
    ``fit - nearest integer``; ``confidence``: posterior weight of the best integer."""

    fit: float
    err: float
    candidates: list[int]
    value: int | None
    residual: float
    confidence: float

    def to_json(self):
        """The integer, the list of plausible integers, or ``None`` (undetermined)."""
        if self.value is not None:
            return self.value
        return list(self.candidates) if self.candidates else None


def integer_estimate(x: float, err: float, floor: float = 0.04, max_abs_residual: float = 0.25,
                     upper: int | None = None) -> IntegerEstimate:
    """Turn a fitted value into an integer with a confidence, or a set of plausible integers.

    The total uncertainty is ``sqrt(err^2 + (floor * max(1, x))^2)`` (a
    systematic floor for finite-size form-factor corrections). Candidates are
    non-negative integers within 3 sigma (at least the two nearest when the
    fit sits far from every integer).
    """
    if not np.isfinite(x) or not np.isfinite(err):
        # no fit at all: undetermined (an empty set, or every value the bound allows)
        cands = list(range(0, upper + 1)) if upper is not None else []
        return IntegerEstimate(float(x), float(err), cands, None, float("nan"), 0.0)
    s = float(np.hypot(err, floor * max(1.0, abs(x))))
    lo, hi = max(0, int(np.floor(x - 3 * s))), max(0, int(np.ceil(x + 3 * s)))
    if upper is not None:
        hi = min(hi, upper)
        lo = min(lo, hi)
    cands = [n for n in range(lo, hi + 1) if abs(x - n) <= 3 * s]
    near = int(np.clip(np.rint(x), 0, upper if upper is not None else None))
    if not cands:
        cands = sorted({max(0, int(np.floor(x))), max(0, int(np.ceil(x)))})
    ns = np.arange(max(0, lo - 1), hi + 2)
    logp = -0.5 * ((x - ns) / s) ** 2
    p = np.exp(logp - logp.max())
    p /= p.sum()
    conf = float(p[ns == near][0]) if near in ns else 0.0
    resid = float(x - near)
    if len(cands) == 1 and conf >= 0.99 and abs(resid) <= max_abs_residual:
        return IntegerEstimate(float(x), float(err), cands, cands[0], resid, conf)
    if len(cands) == 1:
        cands = sorted({max(0, int(np.floor(x))), max(0, int(np.ceil(x)))} | set(cands))
    return IntegerEstimate(float(x), float(err), cands, None, resid, conf)


@dataclass
class RampData:
    """The ramp matrix with its confidence.

    ``fit``/``err``: (S, S) fitted normalised xSFF and its error;
    ``entries``: (S, S) :class:`IntegerEstimate`; ``exact``: every entry unambiguous;
    ``beta``: the RMT class used (1 GOE, 2 GUE); ``windows``: per sector
    ``(t_start, t_end)`` or ``None``; ``notes``: reasons for low confidence;
    ``kramers``: per sector, normalised as a Kramers sector (``None``: none is).
    """

    fit: np.ndarray
    err: np.ndarray
    entries: list
    exact: bool
    beta: int
    windows: list
    notes: list[str] = field(default_factory=list)
    beta_reason: str = ""
    kramers: list[bool] | None = None

    def sector_betas(self) -> list[int]:
        """Per sector, the class whose form factor normalised it (4: Kramers GSE)."""
        return sector_betas(self.beta, self.kramers, len(self.windows))

    @property
    def matrix(self) -> list:
        """JSON form: ints where unambiguous, lists of plausible ints elsewhere."""
        return [[e.to_json() for e in row] for row in self.entries]

    @property
    def integer_matrix(self) -> np.ndarray | None:
        return np.array([[e.value for e in row] for row in self.entries], dtype=int) if self.exact else None

    @property
    def confidence(self) -> float:
        return float(min(e.confidence for row in self.entries for e in row))


def _log_slope(t, K, h=0.25):
    lt = np.log(t)
    lk = np.log(np.maximum(K, 1e-300))
    out = np.full(len(t), np.nan)
    for i in range(len(t)):
        a = np.searchsorted(lt, lt[i] - h)
        b = np.searchsorted(lt, lt[i] + h, side="right") - 1
        if b > a and K[a] > 0 and K[b] > 0:
            out[i] = (lk[b] - lk[a]) / (lt[b] - lt[a])
    return out


def _smooth(t, y, w, h=0.3, with_error=False):
    """Weighted running mean of ``y`` over ``|ln t' - ln t| <= h`` (and its standard error)."""
    lt = np.log(t)
    cs = lambda v: np.concatenate([[0], np.cumsum(v)])  # noqa: E731
    cw, cy, cyy, cw2 = cs(w), cs(w * y), cs(w * y * y), cs(w * w)
    a = np.searchsorted(lt, lt - h)
    b = np.searchsorted(lt, lt + h, side="right")
    W = np.maximum(cw[b] - cw[a], 1e-300)
    m = (cy[b] - cy[a]) / W
    if not with_error:
        return m
    var = np.maximum((cyy[b] - cyy[a]) / W - m * m, 0.0)
    neff = W**2 / np.maximum(cw2[b] - cw2[a], 1e-300)
    return m, np.sqrt(var / np.maximum(neff - 1, 1))


def detect_windows(xs: XSFF, nblocks=None, beta=2, tau_max: float | None = None,
                   bump: float = 1.1, sag_level: float = 0.92, min_ratio: float = 2.0,
                   rho_nodes=None) -> list:
    """Per sector ``(t_start, t_end)`` of the ramp, found from the data, or ``None``.

    ``beta``: the class (1, 2 or 4: :func:`ramp_reference`), or one per sector.
    End: ``tau_max`` (default ``TAU_MAX``) of the Heisenberg time ``2 pi rho_mu / n_blocks`` of a
    typical block's distinct levels (the sector's filtered density at the centre, measured;
    ``n_blocks`` ~ ``R_mu mu`` from a previous pass), i.e. before the plateau
    onset. Start: after the dip (minimum of the smoothed SFF, and at least
    ``6/s`` where the filter has killed the disconnected part), then later
    still while the normalised SFF exceeds ``bump`` times its late-window
    median (the non-universal Thouless bump); and the end moves earlier to
    where the normalised SFF sags below ``sag_level`` times its early-window
    level (the smallest block reaching its plateau). ``None`` when what remains
    spans less than a factor ``min_ratio`` in time: too few levels.
    """
    S = len(xs.dims)
    betas = _per_sector(beta, S)
    nblocks = np.ones(S) if nblocks is None else np.asarray(nblocks, float)
    w = np.ones(len(xs.t)) if xs.counts is None else xs.counts.astype(float)
    out = []
    for m in range(S):
        bt = betas[m]
        # normalise by the full form factor of one block when densities are known
        # (GOE bends well before the Heisenberg time; the linear term would look like a sag)
        kref = (xs.t / (2 * np.pi) * xs.I2 * _early_slope(bt) if rho_nodes is None
                else ramp_reference(xs.t, bt, xs.width, rho_nodes[m] / max(1.0, nblocks[m])))
        # a Kramers sector's density counts each pair twice
        t_b = ((TAU_MAX[bt] if tau_max is None else tau_max) * 2 * np.pi * xs.rho_center[m]
               / (level_multiplicity(bt) * max(1.0, nblocks[m])))
        Ks = _smooth(xs.t, xs.K[m, m], w)
        early = xs.t < t_b
        if early.sum() < 3:
            out.append(None)
            continue
        t_a = max(6.0 / xs.width, float(xs.t[early][np.argmin(Ks[early])]))
        y, se = _smooth(xs.t, xs.K[m, m] / kref, w, with_error=True)
        late = (xs.t >= np.sqrt(t_a * t_b)) & (xs.t <= t_b)
        if late.sum() >= 2:
            ref = float(np.median(y[late]))
            inwin = (xs.t >= t_a) & (xs.t <= t_b)
            high = np.nonzero(inwin & (y > bump * ref + 3 * se))[0]
            if len(high):
                t_a = max(t_a, float(xs.t[high[-1]]))
        # plateau onset of the smallest block: the normalised SFF sags below its
        # early-window level; stop before that (unequal blocks make t_b optimistic)
        first = (xs.t >= t_a) & (xs.t <= np.sqrt(t_a * t_b))
        if first.sum() >= 2:
            ref1 = float(np.median(y[first]))
            tail = np.nonzero((xs.t > np.sqrt(t_a * t_b)) & (xs.t <= t_b))[0]
            low = y[tail] < sag_level * ref1
            if len(tail) and low[-1]:
                # earliest time from which the curve stays low up to t_b (a persistent sag)
                k = len(low) - 1
                while k > 0 and low[k - 1]:
                    k -= 1
                t_b = float(xs.t[tail[k]]) / 1.2
        if t_b / t_a < min_ratio:
            out.append(None)
        else:
            out.append((t_a, float(t_b)))
    return out


def _weighted_mean(y: np.ndarray, w: np.ndarray):
    """Weighted mean and its sandwich (heteroscedasticity-robust) standard error;
    ``w`` = independent time samples per bin."""
    n = len(y)
    if n < 2:
        return (float(y.mean()) if n else float("nan")), float("inf")
    m = float(np.sum(w * y) / np.sum(w))
    e = float(np.sqrt(np.sum(w**2 * (y - m) ** 2) * n / (n - 1)) / np.sum(w))
    return m, e


def _fit_matrix(xs: XSFF, beta, windows, rho_nodes, nblocks):
    """``K_ab / k`` averaged over each pair's window: ``k`` the pair's class's reference, or
    where two sectors' classes differ (no block is shared: the entry is 0) the geometric mean."""
    S = len(xs.dims)
    betas = _per_sector(beta, S)
    fit = np.full((S, S), np.nan)
    err = np.full((S, S), np.inf)
    ref = [rho_nodes[m] / max(1.0, nblocks[m]) for m in range(S)]
    windows = detect_windows(xs, nblocks, beta) if windows is None else windows
    for a in range(S):
        for b in range(a, S):
            wa, wb = windows[a], windows[b]
            if wa is None or wb is None:
                continue
            t0, t1 = max(wa[0], wb[0]), min(wa[1], wb[1])
            sel = (xs.t >= t0) & (xs.t <= t1)
            if sel.sum() < 6:
                continue
            if betas[a] == betas[b]:
                k = ramp_reference(xs.t[sel], betas[a], xs.width, np.sqrt(ref[a] * ref[b]))
            else:
                k = np.sqrt(ramp_reference(xs.t[sel], betas[a], xs.width, ref[a])
                            * ramp_reference(xs.t[sel], betas[b], xs.width, ref[b]))
            y = xs.K[a, b, sel] / k
            w = np.ones(sel.sum()) if xs.counts is None else xs.counts[sel].astype(float)
            fit[a, b], err[a, b] = _weighted_mean(y, w)
            err[a, b] = np.hypot(err[a, b], _drift(y, w) / 2)
            fit[b, a], err[b, a] = fit[a, b], err[a, b]
    return fit, err


def _wide_blocks(xs: XSFF, beta, rho_nodes, kmax: int = 8) -> tuple[np.ndarray, list[list[int]]]:
    """Per sector, the block count k read through the full form factor (windows to ``WIDE_TAU``).

    Past the Heisenberg time the xSFF over k_beta of a block of density rho/k tends to k
    whatever the true count, and before it to the true count: only the right k reads flat
    at itself. The fixed-point iteration of :func:`extract_ramp` cannot tell (a wrong k is
    self-consistent once the window is mostly plateau), so each k is tried and the one whose
    fit is closest to k in standard errors (with the 4 % floor) is kept. Returns that k per
    sector and every k within 3 standard errors of its own reading: where several are, the
    diagonal entry is that set (the curves cannot tell those block counts apart).
    """
    S = len(xs.dims)
    z = np.full((kmax, S), np.inf)
    for k in range(1, kmax + 1):
        nb = np.full(S, float(k))
        win = detect_windows(xs, nb, beta, tau_max=WIDE_TAU, rho_nodes=rho_nodes)
        f, e = _fit_matrix(xs, beta, win, rho_nodes, nb)
        d, de = np.diag(f), np.diag(e)
        z[k - 1] = np.where(np.isfinite(d), np.abs(d - k) / np.hypot(de, 0.04 * k), np.inf)
    return np.argmin(z, axis=0) + 1.0, [[k + 1 for k in range(kmax) if z[k, m] <= 3] for m in range(S)]


def _widened(est: IntegerEstimate, more) -> IntegerEstimate:
    """``est`` with the integers ``more`` also plausible (a single integer only if one remains)."""
    both = sorted(set(est.candidates) | set(more))
    return replace(est, value=both[0] if len(both) == 1 else None, candidates=both)


def _coincident_fraction(per_realisation, rtol: float = 1e-6) -> float:
    """Fraction of a sector's level gaps below ``rtol`` mean spacings (exact multiplets)."""
    small = total = 0
    for e in per_realisation:
        e = np.sort(np.asarray(e, float))
        if len(e) < 2 or e[-1] <= e[0]:
            continue
        gaps = np.diff(e)
        small += int(np.count_nonzero(gaps < rtol * (e[-1] - e[0]) / (len(e) - 1)))
        total += len(gaps)
    return small / total if total else 0.0


def _drift(y: np.ndarray, w: np.ndarray) -> float:
    """Change of the normalised xSFF between the two halves of the window (log time).

    On a true ramp the normalised curve is flat; a Thouless bump still decaying, or a
    block already bending to its plateau, shows as a drift, which is a systematic error
    of the fitted value (half of it is added in quadrature), so such a window yields a
    set of plausible integers instead of a confidently wrong one.
    """
    h = len(y) // 2
    if h < 2:
        return 0.0
    return abs(_weighted_mean(y[:h], w[:h])[0] - _weighted_mean(y[h:], w[h:])[0])


# <r> of k independent, equally dense blocks superposed (central half of the
# spectrum). Computed once by Monte Carlo (4 x 2400 levels per entry, standard
# error ~0.005; equal-width semicircles, numpy.random.default_rng(777 + 31 k + beta))
# so that no random-matrix work runs inside an analysis. For k >= 4 both
# classes are Poisson-like within the error.
#: the standard error of each ``_R_SUPERPOSED`` entry (the Monte Carlo's)
SUPERPOSITION_ERR = 0.005
_R_SUPERPOSED = {
    1: (0.5342, 0.4219, 0.3998, 0.3830, 0.3882, 0.3888, 0.3884, 0.3903, 0.3821, 0.3822, 0.3929, 0.3927),
    2: (0.6000, 0.4265, 0.4050, 0.4008, 0.3892, 0.3839, 0.3846, 0.3828, 0.3893, 0.3850, 0.3795, 0.3817),
}


def superposition_r(beta: int, k: int) -> float:
    """<r> that one N-sector holding ``k`` independent G-blocks of class ``beta`` shows
    (tabulated Monte Carlo, see ``_R_SUPERPOSED``; Poisson beyond 12 blocks).

    Examples
    --------
    >>> superposition_r(2, 1), superposition_r(1, 1) < superposition_r(2, 1), superposition_r(2, 40)
    (0.6, True, 0.3863)
    """
    k = max(1, int(k))
    return _R_SUPERPOSED[beta][k - 1] if k <= 12 else 0.3863


#: how far (in Heisenberg times of a block) a window reaches when no sector has a ramp before
#: the plateau onset: the full form factor k_beta holds through it (GUE exactly, GOE to ~1 %)
WIDE_TAU = 2.0
#: ... and only with this many levels per block inside the filter: the form factor's shape near
#: the Heisenberg time is universal only for many levels (at 50 the finite-size floor is 7 %; the
#: quantum torus chain at L = 6, ~5 per block, read its trivial sector's 4 blocks as {1, 2})
WIDE_MIN_LEVELS = 50.0

#: mean squared z-score of <r> against the block counts above which the level statistics
#: contradict the fitted ramp (3 sigma per sector)
STATISTICS_VETO = 9.0


def statistics_mismatch(beta: int, diag, ratios: list[GapRatio] | None) -> float:
    """Mean squared z-score of each sector's ``<r>`` against ``k ~ R_mu mu`` superposed
    blocks of class ``beta`` (``superposition_r``); 0 without usable ratios (a sector whose
    ratio is ``None`` is left out)."""
    terms = []
    for m, g in enumerate(ratios or []):
        if g is not None and g.n >= 30 and np.isfinite(diag[m]):
            k = int(min(12, max(1, round(diag[m]))))
            terms.append(((g.mean - superposition_r(beta, k)) / np.hypot(g.err, 0.01)) ** 2)
    return float(np.mean(terms)) if terms else 0.0


def choose_beta(fits: dict, errs: dict, ratios: list[GapRatio] | None) -> tuple[int, str]:
    """GOE or GUE, from two pieces of evidence:

    * integrality: under the right class R is an integer matrix with every
      diagonal entry >= 1 (a non-empty sector holds a block);
    * level statistics: a sector with ``k ~ R_mu mu`` blocks of class beta
      has the gap ratio of ``k`` superposed beta-spectra (``superposition_r``);
      this separates 'two GUE blocks' from 'one GOE block' where ``<r>``
      alone cannot (both sit near 0.5).
    """
    score, parts = {}, {}
    for beta, f in fits.items():
        e = np.hypot(errs[beta], 0.04 * np.maximum(1, np.abs(f)))
        d = np.diag(f)
        ok = np.isfinite(f)
        if not ok.any():  # no ramp window at all under this class: no evidence for it
            score[beta], parts[beta] = float("inf"), (float("inf"), float("nan"))
            continue
        mis = float(np.nansum(((f - np.rint(f)) / e)[ok] ** 2) / max(1, ok.sum()))
        mis += 10.0 * float((~ok).sum()) / ok.size  # windows missing under this class
        if np.any(d[np.isfinite(d)] < 0.75):
            mis += 100.0
        rs = statistics_mismatch(beta, d, ratios)
        score[beta] = mis + rs
        parts[beta] = (mis, rs)
    best = min(score, key=score.get)
    txt = "; ".join(f"{'GOE' if b == 1 else 'GUE'}: integrality {p[0]:.2f}, <r> vs block count {p[1]:.2f}"
                    for b, p in sorted(parts.items()))
    return best, txt


def extract_ramp(xs: XSFF, levels: list[list[np.ndarray]] | None = None, ratios: list[GapRatio] | None = None,
                 beta: int | None = None, kramers=None) -> RampData:
    """Fit the ramp matrix.

    Parameters
    ----------
    xs : the xSFF.
    levels : per sector, the spectra per realisation in the xSFF's energy units
        (for block densities); default ``xs.levels``.
    ratios : gap ratios per sector (for beta and the Poisson check).
    beta : force the RMT class (1 or 2); detected when ``None``.
    kramers : per sector, a Kramers sector (every level twice, GSE: :func:`ed.symclass.kramers_gse`);
        its entries are normalised by a Kramers GSE block's form factor (:func:`ramp_reference`
        with beta 4), so R counts each Kramers pair once, and ``beta`` is then the other
        sectors' class. With mixed classes the normalisation is per block (SPEC §6).
    """
    S = len(xs.dims)
    levels = xs.levels if levels is None else levels
    kramers = [False] * S if kramers is None else [bool(k) for k in kramers]
    # GSE <r> has no superposition table: the class of the other sectors is read without them
    every_ratio, ratios = ratios, None if ratios is None else [None if k else g for g, k in zip(ratios, kramers)]
    notes = []
    nodes = xs.center + xs.width * _GH_X
    rho_nodes = [sector_density(levels[m], nodes, xs.width / 4) for m in range(S)]
    may_widen = None  # decided once, where some window is missing
    fits, errs, wins, wide, counts = {}, {}, {}, {}, {}
    for bt in ([beta] if beta else [1, 2]):
        betas = sector_betas(bt, kramers)
        nb = np.ones(S)
        for _ in range(3):  # block density = sector density / number of blocks
            win = detect_windows(xs, nb, betas, rho_nodes=rho_nodes)
            f, e = _fit_matrix(xs, betas, win, rho_nodes, nb)
            nb = np.where(np.isfinite(np.diag(f)), np.maximum(1.0, np.rint(np.diag(f))), 1.0)
        wide[bt] = False
        if any(w is None for w in win) and may_widen is None:
            # a block held more than once in a sector (exactly coinciding levels) weighs m² on the
            # ramp and the plateau alike: the widened reading's "flat at its own block count" then
            # has no meaning; nor without the level statistics that vet it
            may_widen = bool(ratios) and bool(levels) and not any(_coincident_fraction(levels[m]) > 0.01
                                                                 for m in range(S))
        if any(w is None for w in win) and may_widen:
            # the Thouless bump reaches the plateau onset (a small or weakly chaotic chain): past it
            # the xSFF over the *full* form factor is still flat at R, through the Heisenberg time;
            # every sector's window is widened, so that cross entries keep an overlap
            nb, counts[bt] = _wide_blocks(xs, betas, rho_nodes)
            wider = detect_windows(xs, nb, betas, tau_max=WIDE_TAU, rho_nodes=rho_nodes)
            if all(w is not None for w in wider) and np.all(xs.g2.mean(axis=1) / nb >= WIDE_MIN_LEVELS):
                win, wide[bt] = wider, True
                f, e = _fit_matrix(xs, betas, win, rho_nodes, nb)
        fits[bt], errs[bt], wins[bt] = f, e, win
    if beta is None:
        beta, reason = choose_beta(fits, errs, ratios)
    else:
        reason = "given"
    fit, err, windows = fits[beta], errs[beta], wins[beta]
    if wide[beta] and statistics_mismatch(beta, np.diag(fit), ratios) > STATISTICS_VETO:
        # past the Heisenberg time the two classes' readings no longer differ by a factor 2 and
        # integrality alone can pick the wrong one: the level statistics must agree, or no ramp
        notes.append(f"the widened ramp windows' {'GUE' if beta == 2 else 'GOE'} reading contradicts the level "
                     "statistics (the sectors' <r> against its block counts): the ramp is not used")
        fit, err, windows = np.full((S, S), np.nan), np.full((S, S), np.inf), [None] * S
    elif wide[beta]:
        notes.append(f"no ramp window before {0.7 if beta == 2 else 0.5} of the Heisenberg time (the Thouless bump "
                     f"reaches the plateau onset): the windows extend to {WIDE_TAU} Heisenberg times, where the xSFF "
                     "over the full RMT form factor is still R, and the block densities then weigh on the fit")
    if any(w is None for w in windows):
        notes.append("no ramp window found in sector(s) "
                     + ", ".join(str(xs.charges[m]) for m in range(S) if windows[m] is None))
    if every_ratio and all(g.verdict == "Poisson" for g in every_ratio if g.n >= 30):
        notes.append("all sectors have Poisson-like <r> (integrable, or many blocks per sector): "
                     "check that the ramp is linear before trusting R")
    if xs.n_realisations == 1:
        notes.append("single realisation: only the running-time average reduces the noise")
    # the other class's ramp differs by a factor 2 at early times: when <r> contradicts
    # the block counts of the chosen class but fits those of the other reading, both
    # readings stay plausible (the <r> table assumes equally dense blocks, so a poor fit
    # of both is not evidence either way); not in widened windows, where the factor is gone
    other = 0.5 if beta == 2 else 2.0
    if wide[beta] or not (ratios and statistics_mismatch(beta, np.diag(fit), ratios) > STATISTICS_VETO
            and statistics_mismatch(3 - beta, other * np.diag(fit), ratios) < STATISTICS_VETO):
        other = None
    else:
        notes.append(f"<r> contradicts the block counts of the {'GUE' if beta == 2 else 'GOE'} fit and agrees with "
                     f"the {'GOE' if beta == 2 else 'GUE'} reading: entries are the integers plausible under either class")
    # finite-size floor: ~0.5/sqrt(levels per block inside the filter), at least 4 %
    neff = xs.g2.mean(axis=1) / np.maximum(1.0, np.where(np.isfinite(np.diag(fit)), np.diag(fit), 1.0))
    entries = []
    for a in range(S):
        row = []
        for b in range(S):
            floor = max(0.04, 0.5 / np.sqrt(max(1.0, min(neff[a], neff[b]))))
            bound = None
            if a != b and np.isfinite(fit[a, a]) and np.isfinite(fit[b, b]):
                # R = M^T M: Cauchy-Schwarz bounds the cross entries
                bound = int(np.floor(np.sqrt((fit[a, a] + 3 * err[a, a] + 0.5) * (fit[b, b] + 3 * err[b, b] + 0.5))))
            est = integer_estimate(fit[a, b], err[a, b], floor=floor, upper=bound)
            if a == b and wide[beta] and windows[a] is not None:
                est = _widened(est, counts[beta][a])
            if other is not None and not (kramers[a] or kramers[b]):
                est = _widened(est, integer_estimate(other * fit[a, b], other * err[a, b], floor=floor).candidates)
            row.append(est)
        entries.append(row)
    # a sector holding several independent blocks has Poisson-like <r> even when
    # every block is chaotic, so the level statistics alone do not veto the ramp
    exact = all(e.value is not None for r in entries for e in r)
    if exact:
        Rm = np.array([[e.value for e in r] for r in entries])
        if np.any(np.diag(Rm) < 1):
            exact = False
            notes.append("a non-empty sector has R_mu,mu = 0")
    return RampData(fit=fit, err=err, entries=entries, exact=exact, beta=beta, windows=windows,
                    notes=notes, beta_reason=reason, kramers=kramers if any(kramers) else None)


def resolve_by_reciprocity(ramp: RampData, irrep_dims, max_combinations: int = 20000):
    """The unique integer matrix within the plausible sets that obeys reciprocity
    ``R n = [G:N] n`` (SPEC §3), or ``None`` (none, several, or too many to try).

    This *assumes* a linear representation in which every irrep of G occurs
    (SPEC §7 cases break it), so it is reported beside R, never merged into it.

    Examples
    --------
    >>> e = lambda v, c=None: IntegerEstimate(float(v), 0.1, c or [v], None if c else v, 0.0, 1.0)
    >>> r = RampData(np.zeros((2, 2)), np.zeros((2, 2)), [[e(1, [1, 2]), e(0)], [e(0), e(2)]], False, 2, [None, None])
    >>> resolve_by_reciprocity(r, [1, 1]).tolist()
    [[2, 0], [0, 2]]
    """
    S = len(ramp.entries)
    n = np.asarray(irrep_dims, dtype=int)
    idx = [(a, b) for a in range(S) for b in range(a, S)]
    sets = []
    for a, b in idx:
        c = ramp.entries[a][b].candidates if ramp.entries[a][b].value is None else [ramp.entries[a][b].value]
        if not c:
            return None
        sets.append(c)
    total = 1
    for c in sets:
        total *= len(c)
        if total > max_combinations:
            return None
    found = None
    for combo in itertools.product(*sets):
        R = np.zeros((S, S), dtype=int)
        for (a, b), v in zip(idx, combo):
            R[a, b] = R[b, a] = v
        if reciprocity_index(R, n) is not None:
            if found is not None:
                return None
            found = R
    return found
