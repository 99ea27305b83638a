"""Symmetry class of every sector's block, and forced degeneracies between sectors.

One home for "symmetry class" (SPEC §6). A sector's block is Poisson (an
integrable or superposed spectrum), GOE (an anti-unitary ``T`` with ``T^2 = +1``
maps the sector to itself), GUE (no anti-unitary maps it to itself) or GSE
(``T^2 = -1`` on the sector: every level exactly twice, Kramers). The class is
read from the full distribution of the spacing ratios ``r~ = min/max`` of
adjacent gaps (no unfolding), not only from its mean:

* likelihood of the observed ``r~`` under the Atas et al. densities
  (PRL 110, 084101 (2013)): the Wigner-like surmise
  ``P_W(r) = (r + r^2)^beta / (Z_beta (1 + r + r^2)^(1 + 3 beta / 2))`` plus
  their fitted large-``N`` correction
  ``dP(r) = C_beta / (1 + r)^2 [(r + 1/r)^-beta - c_beta (r + 1/r)^-(beta + 1)]``
  (``c_beta`` fixed by ``int dP = 0``), and the Poisson ``2 / (1 + r)^2``; the
  corrected densities reproduce the large-``N`` means 0.5307 / 0.5996 / 0.6744
  (the bare surmise gives 0.5359 / 0.6027 / 0.6762);
* neighbouring ratios share a gap, so the log-likelihood is a composite one:
  each log-likelihood ratio is divided by its variance inflation (from block
  means of 20 consecutive ratios, as in :func:`ed.levelstats.gap_ratio`);
* the mean ``<r~>`` and its error must agree with the class's reference mean
  (within ``z_max`` standard errors, with a small systematic floor).

A class is a *candidate* when its (deflated) likelihood ratio to the best class
exceeds ``1 / lr_threshold`` and its ``<r~>`` agrees; weak data keep several
candidates ("GOE or GUE"), never a silent pick (below ``min_ratios`` ratios at
least two classes always stay). Calibration (20 seeds per point, one
realisation, central 80 %): the true class stayed a candidate in >= 99 % of
draws; it was the unique candidate in 100 % of draws from about 160 ratios
(Poisson) and 640 (GOE, GUE), in 95 % from 320 and 100 % from 640 (GSE, distinct levels); with
300 levels x 3 realisations (714 ratios) all four classes were unique in 20/20. Exact multiplets (Kramers
doublets of a GSE block as ED returns them) are detected and collapsed first:
the GSE statistics apply to the distinct levels.

A sector that is really several independent blocks shows a lowered ``<r~>``
(toward Poisson, :func:`ed.extract.superposition_r`); when no pure class fits,
or Poisson is a candidate, the consistent ``(class, k blocks)`` superpositions
are listed in :attr:`SymmetryClass.superposition`.

Examples
--------
>>> import numpy as np
>>> from ed.symclass import block_class
>>> rng = np.random.default_rng(0)
>>> a = rng.standard_normal((300, 300))
>>> c = block_class([np.linalg.eigvalsh(a + a.T)])
>>> c.best, c.kramers
('GOE', False)
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .extract import SUPERPOSITION_ERR, superposition_r
from .levelstats import R_MEAN, gap_ratios

__all__ = ["CLASSES", "BETA", "ATAS_C", "SymmetryClass", "ratio_pdf", "ratio_mean", "level_multiplicity",
           "distinct_levels", "block_class", "forced_degeneracies", "kramers_sectors", "sector_classes",
           "kramers_gse", "sector_indicator_sets", "antiunitary_sector_map"]

#: the four classes, in order of increasing level repulsion
CLASSES = ("Poisson", "GOE", "GUE", "GSE")
#: Dyson index per Wigner-Dyson class
BETA = {"GOE": 1, "GUE": 2, "GSE": 4}
#: fitted amplitude ``C_beta`` of the large-N correction to the surmise (Atas et al. 2013, eq. 8)
ATAS_C = {1: 0.233378, 2: 0.578846, 4: 3.60123}
_Z = {1: 8.0 / 27.0, 2: 4.0 * np.pi / (81.0 * np.sqrt(3.0)), 4: 4.0 * np.pi / (729.0 * np.sqrt(3.0))}


def _c_beta(beta: int) -> float:
    """``c_beta`` such that the correction integrates to zero (Gauss-Legendre on [0, 1];
    the integrand is symmetric under ``r -> 1/r``)."""
    x, w = np.polynomial.legendre.leggauss(200)
    r = 0.5 * (x + 1.0)
    u = r + 1.0 / r
    base = (1.0 + r) ** -2
    return float(np.sum(w * base * u ** -beta) / np.sum(w * base * u ** (-beta - 1)))


_CB = {b: _c_beta(b) for b in (1, 2, 4)}


def ratio_pdf(r, kind: str, corrected: bool = True) -> np.ndarray:
    """Density of ``r~ = min(r, 1/r)`` on [0, 1] for one class.

    Parameters
    ----------
    r : points in [0, 1].
    kind : ``"Poisson"``, ``"GOE"``, ``"GUE"`` or ``"GSE"``.
    corrected : add the Atas et al. fitted large-``N`` correction to the
        Wigner-like surmise (default); ``False`` gives the bare surmise,
        identical to :func:`ed.levelstats.surmise_pdf`.

    Examples
    --------
    >>> x = np.linspace(0, 1, 20001)
    >>> [round(float(np.trapezoid(ratio_pdf(x, k), x)), 4) for k in CLASSES]
    [1.0, 1.0, 1.0, 1.0]
    """
    r = np.asarray(r, dtype=float)
    if kind == "Poisson":
        return 2.0 / (1.0 + r) ** 2
    b = BETA[kind]
    p = (r + r * r) ** b / (_Z[b] * (1.0 + r + r * r) ** (1.0 + 1.5 * b))
    if corrected:
        with np.errstate(divide="ignore", invalid="ignore"):
            u = np.where(r > 0, r + 1.0 / np.where(r > 0, r, 1.0), np.inf)
            d = ATAS_C[b] / (1.0 + r) ** 2 * (u ** -b - _CB[b] * u ** (-b - 1))
        p = p + np.where(r > 0, d, 0.0)
    return 2.0 * p


def ratio_mean(kind: str, corrected: bool = True) -> float:
    """``<r~>`` of :func:`ratio_pdf` by Gauss-Legendre quadrature.

    Examples
    --------
    >>> [round(ratio_mean(k), 4) for k in CLASSES]
    [0.3863, 0.5307, 0.5997, 0.6745]
    >>> round(ratio_mean("GOE", corrected=False), 4)  # 4 - 2 sqrt(3)
    0.5359
    """
    x, w = np.polynomial.legendre.leggauss(400)
    r = 0.5 * (x + 1.0)
    return float(0.5 * np.sum(w * r * ratio_pdf(r, kind, corrected)))


def level_multiplicity(levels, rtol: float = 1e-6) -> int:
    """Exact multiplicity ``m`` shared by every level (1 if the levels are not all in
    exact ``m``-fold groups). Two levels coincide when their gap is below ``rtol``
    times the mean spacing of the distinct levels.

    Examples
    --------
    >>> level_multiplicity([0.0, 0.0, 1.0, 1.0, 2.5, 2.5])
    2
    >>> level_multiplicity([0.0, 0.0, 1.0, 2.5])
    1
    """
    e = np.sort(np.asarray(levels, dtype=float).ravel())
    n = len(e)
    if n < 2:
        return 1
    gaps = np.diff(e)
    span = e[-1] - e[0]
    if span <= 0:
        return n
    # spacing of distinct levels: span over the number of large gaps (at least 1)
    big = gaps > 1e-3 * span / n
    spacing = span / max(1, int(big.sum()))
    same = gaps <= rtol * spacing
    # run lengths of coinciding levels
    starts = np.concatenate([[0], np.flatnonzero(~same) + 1])
    runs = np.diff(np.concatenate([starts, [n]]))
    m = int(runs[0])
    return m if np.all(runs == m) else 1


def distinct_levels(levels, rtol: float = 1e-6) -> tuple[np.ndarray, int]:
    """Sorted levels with an exact common multiplicity collapsed, and the multiplicity.

    Examples
    --------
    >>> e, m = distinct_levels([2.0, 0.0, 0.0, 2.0 + 1e-12])
    >>> e.tolist(), m
    ([0.0, 2.0], 2)
    """
    e = np.sort(np.asarray(levels, dtype=float).ravel())
    m = level_multiplicity(e, rtol)
    return (e[::m] if m > 1 else e), m


@dataclass
class SymmetryClass:
    """Symmetry class of one sector's block, with the evidence.

    Attributes
    ----------
    candidates : classes consistent with the data (likelihood ratio to ``best``
        above ``1/lr_threshold`` and ``<r~>`` within ``z_max`` errors), most likely first.
    best : most likely class (read it together with ``candidates``: with weak data
        it is not a decision).
    confidence : posterior probability of ``best`` (equal priors over the four
        classes, deflated composite likelihood).
    r_mean, r_err : ``<r~>`` and its standard error.
    n_ratios : number of ratios used (all realisations).
    kramers : every level exactly doubled in every realisation (deduplicated first).
        It does not force GSE: two identical GOE copies in one sector are doubled too;
        the statistics of the distinct levels decide the class.
    multiplicity : the common exact multiplicity collapsed (1, or 2 for Kramers, ...).
    dloglik : deflated log-likelihood deficit of each class relative to ``best`` (0 for best).
    z : ``|<r~> - reference| / error`` per class.
    fits : some class passes both tests (False: no pure class, see ``superposition``).
    superposition : ``(class, k)`` such that ``k >= 2`` superposed independent blocks
        of that class match ``<r~>`` (listed when no pure class fits or Poisson is a candidate).
    lr_threshold, z_max, r_sys : the thresholds and the systematic floor of ``r_err`` used.
    """

    candidates: tuple[str, ...]
    best: str
    confidence: float
    r_mean: float
    r_err: float
    n_ratios: int
    kramers: bool = False
    multiplicity: int = 1
    dloglik: dict = field(default_factory=dict)
    z: dict = field(default_factory=dict)
    fits: bool = True
    superposition: tuple = ()
    lr_threshold: float = 100.0
    z_max: float = 4.0
    r_sys: float = 0.004

    def shows_superposition(self, beta: int, k: int) -> bool:
        """``<r~>`` is that of ``k`` superposed independent blocks of class ``beta``
        (:func:`ed.extract.superposition_r`, its Monte Carlo error included) within ``z_max``."""
        se = np.hypot(np.hypot(self.r_err, self.r_sys), SUPERPOSITION_ERR)
        return bool(abs(self.r_mean - superposition_r(beta, k)) / se <= self.z_max)

    @property
    def unique(self) -> bool:
        """Exactly one candidate."""
        return len(self.candidates) == 1

    @property
    def label(self) -> str:
        """``"GOE"``, or ``"GOE or GUE"`` while undecided."""
        return " or ".join(self.candidates) if self.candidates else "undetermined"

    def to_json(self) -> dict:
        """JSON-ready dict (non-finite numbers as ``None``)."""
        def num(x):
            return float(x) if np.isfinite(x) else None
        return dict(candidates=list(self.candidates), best=self.best, confidence=round(self.confidence, 4),
                    label=self.label, r_mean=num(self.r_mean), r_err=num(self.r_err), n_ratios=self.n_ratios,
                    kramers=self.kramers, multiplicity=self.multiplicity,
                    dloglik={k: round(v, 3) for k, v in self.dloglik.items()},
                    z={k: round(v, 3) for k, v in self.z.items()}, fits=self.fits,
                    superposition=[list(s) for s in self.superposition],
                    lr_threshold=self.lr_threshold, z_max=self.z_max)


def _realisations(levels) -> list[np.ndarray]:
    if isinstance(levels, np.ndarray):
        return [levels] if levels.ndim == 1 else [np.asarray(x) for x in levels]
    return [np.asarray(x, dtype=float) for x in levels]


_BLK = 20
#: variance inflation assumed when too few blocks estimate it (measured on GOE/GUE/GSE samples: ~1.1-1.3)
DEFAULT_INFLATION = 1.5


def _inflation(d_per_real: list[np.ndarray]) -> float:
    """Variance of the summed per-ratio log-likelihood ratio over its i.i.d. value,
    from block sums of ``_BLK`` consecutive ratios; clipped to [1, 4]."""
    allr = np.concatenate(d_per_real)
    v = float(allr.var())
    sums = [r[: len(r) // _BLK * _BLK].reshape(-1, _BLK).sum(axis=1) for r in d_per_real if len(r) >= _BLK]
    sums = np.concatenate(sums) if sums else np.zeros(0)
    if len(sums) < 8 or v <= 0:
        return DEFAULT_INFLATION
    return float(np.clip(sums.var(ddof=1) / (_BLK * v), 1.0, 4.0))


def block_class(levels_per_realisation, central: float = 0.8, lr_threshold: float = 100.0,
                z_max: float = 4.0, r_sys: float = 0.004, rtol: float = 1e-6,
                min_ratios: int = 30) -> SymmetryClass:
    """Symmetry class of one sector from its levels in one or several realisations.

    Parameters
    ----------
    levels_per_realisation : one 1-d array of levels per realisation (or a 2-d
        ``(n_realisations, D)`` array, as :class:`ed.spectra.SectorSpectra` stores them).
    central : fraction of the (distinct) spectrum kept, centred (edges are not universal).
    lr_threshold : a class stays a candidate while the best class is less than
        this many times more likely (composite likelihood, deflated).
    z_max : a class stays a candidate while ``<r~>`` is within ``z_max``
        standard errors of its reference mean.
    r_sys : systematic floor added in quadrature to the error of ``<r~>``
        (finite size, the correction fit).
    rtol : relative tolerance (in units of the mean level spacing) of exact degeneracies.
    min_ratios : with fewer ratios than this the two most likely classes both stay
        candidates (no decision from a handful of ratios).

    Returns
    -------
    SymmetryClass

    Examples
    --------
    Kramers doublets (a quaternion-real, GSE matrix) are collapsed first:

    >>> rng = np.random.default_rng(1)
    >>> n = 150
    >>> a, b = [rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n)) for _ in range(2)]
    >>> q = np.block([[a, b], [-b.conj(), a.conj()]])
    >>> c = block_class([np.linalg.eigvalsh(q + q.conj().T)])
    >>> c.kramers, c.best, c.n_ratios
    (True, 'GSE', 118)

    Twenty levels cannot decide:

    >>> g = rng.standard_normal((20, 20))
    >>> len(block_class([np.linalg.eigvalsh(g + g.T)]).candidates) >= 2
    True
    """
    reals = _realisations(levels_per_realisation)
    mults = []
    rs = []
    for e in reals:
        d, m = distinct_levels(e, rtol)
        mults.append(m)
        rs.append(gap_ratios(d, central))
    mult = mults[0] if mults and all(m == mults[0] for m in mults) else 1
    kramers = bool(mults) and all(m == 2 for m in mults)
    rs = [r for r in rs if len(r)]
    n = int(sum(len(r) for r in rs))
    if n == 0:
        return SymmetryClass(CLASSES, "undetermined", 0.0, float("nan"), float("inf"), 0, kramers, mult,
                             {k: 0.0 for k in CLASSES}, {k: 0.0 for k in CLASSES}, False, (),
                             lr_threshold, z_max)
    allr = np.concatenate(rs)
    mean = float(allr.mean())
    means = [r[: len(r) // _BLK * _BLK].reshape(-1, _BLK).mean(axis=1) for r in rs if len(r) >= _BLK]
    means = np.concatenate(means) if means else np.zeros(0)
    # block means absorb the correlation of neighbouring ratios; with few blocks their
    # spread is itself too noisy, so the i.i.d. error inflated by the default factor is used
    if len(means) >= 8:
        err = float(means.std(ddof=1) / np.sqrt(len(means)))
    else:
        err = float(allr.std(ddof=1) * np.sqrt(DEFAULT_INFLATION / n)) if n > 1 else float("inf")
    # per-ratio log densities (clip r away from 0 where the Wigner-Dyson densities vanish)
    logp = {}
    for k in CLASSES:
        logp[k] = [np.log(np.maximum(ratio_pdf(np.clip(r, 1e-12, 1.0), k), 1e-300)) for r in rs]
    ll = {k: float(sum(x.sum() for x in logp[k])) for k in CLASSES}
    raw_best = max(ll, key=ll.get)
    dll = {}
    for k in CLASSES:
        if k == raw_best:
            dll[k] = 0.0
            continue
        diff = [a - b for a, b in zip(logp[raw_best], logp[k])]
        dll[k] = (ll[raw_best] - ll[k]) / _inflation(diff)
    w = {k: np.exp(-dll[k]) for k in CLASSES}
    confidence = float(w[raw_best] / sum(w.values()))
    se = float(np.hypot(err, r_sys))
    z = {k: abs(mean - R_MEAN[k]) / se for k in CLASSES}
    like_ok = [k for k in CLASSES if dll[k] <= np.log(lr_threshold)]
    cands = [k for k in like_ok if z[k] <= z_max]
    fits = bool(cands)
    if not fits:
        cands = like_ok
    if n < min_ratios:  # too few ratios for a decision, whatever the likelihood says
        cands = list(dict.fromkeys([*cands, *sorted(CLASSES, key=lambda k: dll[k])[:2]]))
    cands = tuple(sorted(cands, key=lambda k: dll[k]))
    out = SymmetryClass(cands, raw_best, confidence, mean, err, n, kramers, mult, dll, z, fits, (),
                        lr_threshold, z_max, r_sys)
    if not fits or "Poisson" in cands:
        out.superposition = tuple((c, kk) for c, b in (("GOE", 1), ("GUE", 2)) for kk in range(2, 13)
                                  if out.shows_superposition(b, kk))
    return out


def _sector_arrays(spectra) -> list[np.ndarray]:
    """``(n_realisations, D)`` arrays per sector from a SectorSpectra or a list."""
    ev = getattr(spectra, "eigenvalues", spectra)
    out = []
    for e in ev:
        a = np.asarray(e, dtype=float)
        out.append(a[None, :] if a.ndim == 1 else a)
    return out


def _spacing(e: np.ndarray) -> float:
    """Mean spacing of the distinct levels of one sorted spectrum."""
    d, _ = distinct_levels(e)
    return float((d[-1] - d[0]) / (len(d) - 1)) if len(d) > 1 else 1.0


def forced_degeneracies(spectra, rtol: float = 1e-6) -> list[tuple[int, int]]:
    """Sector pairs ``(mu, nu)``, ``mu < nu``, whose spectra coincide level by level in
    every realisation: a unitary or anti-unitary map of sector ``mu`` onto ``nu``
    forces it.

    Two spectra coincide when they have the same length and every sorted level
    agrees within ``rtol`` times the mean level spacing. Sector indices are in
    the order given; self-degeneracy (Kramers) is :func:`kramers_sectors`.

    Parameters
    ----------
    spectra : :class:`ed.spectra.SectorSpectra`, or one ``(n_realisations, D)``
        (or 1-d) array of levels per sector.
    rtol : tolerance relative to the mean level spacing.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a = rng.standard_normal((30, 30)) + 1j * rng.standard_normal((30, 30))
    >>> a = a + a.conj().T
    >>> b = rng.standard_normal((30, 30)); b = b + b.T
    >>> ev = [np.linalg.eigvalsh(a), np.linalg.eigvalsh(b), np.linalg.eigvalsh(a.conj())]
    >>> forced_degeneracies(ev)
    [(0, 2)]
    """
    secs = [np.sort(a, axis=1) for a in _sector_arrays(spectra)]
    nreal = [a.shape[0] for a in secs]
    tol = [[rtol * _spacing(a[k]) for k in range(a.shape[0])] for a in secs]
    pairs = []
    for mu in range(len(secs)):
        for nu in range(mu + 1, len(secs)):
            A, B = secs[mu], secs[nu]
            if A.shape != B.shape or A.shape[1] == 0 or nreal[mu] != nreal[nu]:
                continue
            if all(np.max(np.abs(A[k] - B[k])) <= max(tol[mu][k], tol[nu][k]) for k in range(A.shape[0])):
                pairs.append((mu, nu))
    return pairs


def kramers_sectors(spectra, rtol: float = 1e-6) -> list[bool]:
    """Per sector: is every level exactly doubled in every realisation (Kramers)?

    Examples
    --------
    >>> kramers_sectors([np.array([[0.0, 0.0, 1.0, 1.0]]), np.array([[0.0, 0.5, 1.0, 1.0]])])
    [True, False]
    """
    return [all(level_multiplicity(row, rtol) == 2 for row in a) for a in _sector_arrays(spectra)]


def sector_classes(spectra, **kw) -> list[SymmetryClass]:
    """:func:`block_class` of every sector (keywords passed on), in the order given.

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> ev = [np.sort(rng.uniform(size=(2, 400)), axis=1)]
    >>> [c.best for c in sector_classes(ev)]
    ['Poisson']
    """
    return [block_class(a, **kw) for a in _sector_arrays(spectra)]




def _coincidences(levels, rtol: float) -> bool:
    """Whether two levels of one sorted spectrum coincide (gap below ``rtol`` spacings)."""
    e = np.sort(np.asarray(levels, dtype=float))
    return len(e) > 1 and bool(np.any(np.diff(e) <= rtol * _spacing(e)))


def kramers_gse(spectra, classes=None, rtol: float = 1e-6) -> list[bool]:
    """Per sector: a Kramers sector — every level exactly twice in every realisation *and* the
    distinct levels GSE (the class decided). Doubling alone is not enough (a unitary
    irreducible reaching a sector twice doubles its levels too, with GOE or GUE statistics);
    GSE statistics arise only where an anti-unitary squares to -1 on the block (SPEC §6).

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> a = rng.standard_normal((400, 400)); e = np.linalg.eigvalsh(a + a.T)
    >>> kramers_gse([np.repeat(e, 2), e])   # doubled, but GOE: not Kramers
    [False, False]
    """
    classes = sector_classes(spectra, rtol=rtol) if classes is None else classes
    doubled = kramers_sectors(spectra, rtol)
    return [d and c.unique and c.best == "GSE" for d, c in zip(doubled, classes)]


def sector_indicator_sets(spectra, epsilon: int, classes=None, rtol: float = 1e-6) -> list[frozenset]:
    """Per sector, the Frobenius–Schur indicators ν that G's irreducibles reaching it may have,
    when an anti-unitary T with T² = ``epsilon`` commutes with G (SPEC §6: Wigner's type of λ is
    a — one GOE block — for εν = 1, b — GSE, every level twice — for εν = -1, c — λ and its
    conjugate glued into one GUE block — for ν = 0).

    The rules, each forced by the types: a Kramers sector (:func:`kramers_gse`) holds type b
    only, {-ε}; a sector without any coincident level holds no type b, {ε, 0}, and where its
    class is decided as one pure GOE (GUE) block, {ε} ({0}). Anything else — partial
    degeneracies, doubled levels of another class — says nothing: every ν.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> a = rng.standard_normal((400, 400)); e = np.linalg.eigvalsh(a + a.T)
    >>> [sorted(s) for s in sector_indicator_sets([e], 1)]      # one GOE block: real
    [[1]]
    >>> [sorted(s) for s in sector_indicator_sets([e], -1)]     # with T² = -1: quaternionic
    [[-1]]
    """
    from common.wigner import class_indicators

    classes = sector_classes(spectra, rtol=rtol) if classes is None else classes
    kramers = kramers_gse(spectra, classes, rtol)
    out = []
    for a, c, k in zip(_sector_arrays(spectra), classes, kramers):
        free = a.shape[1] > 0 and not any(_coincidences(row, rtol) for row in a)
        pure = c.unique and c.fits and not c.superposition
        label = ("GSE" if k else c.best if free and pure and c.best in ("GOE", "GUE") else "mixed" if free else None)
        out.append(class_indicators(label, epsilon))
    return out


def antiunitary_sector_map(A, dec, tol: float = 1e-6) -> tuple[list[int], list[int]]:
    """Where a given anti-unitary ``T = A K`` sends each sector, and its square there.

    Parameters
    ----------
    A : unitary part of ``T`` (checked by :func:`ed.validate.check_antiunitary`).
    dec : :class:`ed.sectors.SectorDecomposition` of N.

    Returns
    -------
    (tau, squares) : ``tau[mu]`` the sector ``T`` maps sector ``mu`` onto; ``squares[mu]``
        ``+1`` or ``-1``, ``T^2 = A conj(A)`` on sector ``mu``.

    Raises ``SymbootInputError`` when ``T`` spreads a sector over several (it does not
    normalise N) or when ``T^2`` is not ``+1`` or ``-1`` on a sector.

    Examples
    --------
    Complex conjugation on C3's regular representation (a cyclic shift, real) maps
    charge q to -q:

    >>> import numpy as np
    >>> from ed.sectors import abelian_sectors
    >>> P = np.roll(np.eye(3), 1, axis=0)
    >>> antiunitary_sector_map(np.eye(3), abelian_sectors([P], [3]))
    ([0, 2, 1], [1, 1, 1])
    """
    import scipy.sparse as sp

    from common.errors import SymbootInputError

    A = sp.csr_matrix(A)
    X = (A @ A.conj()).tocsr()
    tau, squares = [], []
    for mu, s in enumerate(dec.sectors):
        V = sp.csr_matrix(s.basis)
        W = A @ V.conj()
        weight = [float((np.abs((sp.csr_matrix(o.basis).conj().T @ W).toarray()) ** 2).sum()) / s.dim
                  for o in dec.sectors]
        hit = [nu for nu, w in enumerate(weight) if w > tol]
        # a non-abelian sector's basis spans one component of the isotypic space, which T need
        # not map onto the same component: there only the one sector it reaches is checked
        whole = s.irrep_dim == 1
        if len(hit) != 1 or (whole and abs(weight[hit[0]] - 1) > tol) or dec.sectors[hit[0]].dim != s.dim:
            raise SymbootInputError(f"the anti-unitary does not map sector {dec.labels[mu]} onto one sector "
                                    f"(weights {', '.join(f'{w:.3g}' for w in weight)}): it does not normalise N")
        XV = (X @ V).tocsr()
        eps = next((e for e in (1, -1) if _sparse_max(XV - e * V) <= 1e-8), None)
        if eps is None:
            raise SymbootInputError(f"the anti-unitary's square A conj(A) is not +1 or -1 on sector {dec.labels[mu]}")
        tau.append(hit[0])
        squares.append(eps)
    return tau, squares


def _sparse_max(m) -> float:
    m = m.tocsr()
    return float(abs(m).max()) if m.nnz else 0.0
