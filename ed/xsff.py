"""Filtered sector partition functions and the cross spectral form factor.

``Z_mu(t) = sum_i g(E_i) exp(-i E_i t)`` with a Gaussian filter
``g(E) = exp(-(E - E_c)^2 / (2 s^2))`` around the middle of the pooled
spectrum. The sums over D levels x T times are type-3 non-uniform FFTs
(finufft), O((D + T) log) instead of the dense O(D T) exponential.

``K_{mu nu}(t) = <Z_mu Z_nu^*> - <Z_mu><Z_nu^*>`` (real part) with the
ensemble average over realisations (with the n/(n-1) bias correction) and a
running average in log time. With a single realisation nothing is
subtracted: the filter makes the disconnected part decay like
``exp(-s^2 t^2)``, long before the ramp, and the window detection starts
after the dip.

Examples
--------
>>> import numpy as np
>>> from ed.xsff import filtered_z
>>> E = np.array([-1.0, 0.0, 2.0])
>>> t = np.array([0.0, 0.5, 3.0])
>>> z = filtered_z(E, t, center=0.0, width=1.0)
>>> dense = (np.exp(-E**2 / 2)[None, :] * np.exp(-1j * np.outer(t, E))).sum(1)
>>> bool(np.allclose(z, dense, atol=1e-10))
True
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from common.errors import SymbootInputError

from .spectra import SectorSpectra

__all__ = ["XSFF", "standardised", "sample_times", "filtered_z", "log_time_grid", "compute_xsff", "sector_density",
           "I2", "plateau_standard_error"]


def filtered_z(E: np.ndarray, t: np.ndarray, center: float, width: float, eps: float = 1e-13) -> np.ndarray:
    """``sum_i g(E_i) exp(-i E_i t)`` for all ``t`` by a type-3 NUFFT.

    Energies are shifted by ``center`` before the transform (a common phase
    ``exp(-i center t)`` that cancels in every product ``Z_mu Z_nu^*``) so the
    transform's space-bandwidth product is minimal; the phase is put back.
    """
    import finufft

    E = np.asarray(E, dtype=float)
    t = np.asarray(t, dtype=float)
    x = E - center
    c = np.exp(-(x**2) / (2 * width**2)).astype(complex)
    keep = np.abs(c) > 1e-17  # levels the filter kills do not enter the sum
    x, c = x[keep], c[keep]
    if len(x) == 0:
        return np.zeros(len(t), dtype=complex)
    z = finufft.nufft1d3(np.ascontiguousarray(x), np.ascontiguousarray(c), np.ascontiguousarray(t),
                         isign=-1, eps=eps)
    return z * np.exp(-1j * center * t)


def I2(width: float) -> float:
    """``int g(E)^2 dE = sqrt(pi) * width`` for the Gaussian filter."""
    return float(np.sqrt(np.pi) * width)


def log_time_grid(t_min: float, t_max: float, n: int) -> np.ndarray:
    """``n`` log-spaced times from ``t_min`` to ``t_max``.

    Examples
    --------
    >>> log_time_grid(1, 100, 3).tolist()
    [1.0, 10.0, 100.0]
    """
    return np.geomspace(t_min, t_max, n)


def sector_density(levels: list[np.ndarray], E: np.ndarray, bandwidth: float) -> np.ndarray:
    """Mean density of states (per realisation) at energies ``E``, Gaussian KDE.

    Examples
    --------
    >>> lev = [np.linspace(-1, 1, 2001)]
    >>> round(float(sector_density(lev, np.array([0.0]), 0.05)[0]), 0)
    1000.0
    """
    E = np.asarray(E, dtype=float)
    out = np.zeros_like(E)
    for e in levels:
        d = (E[:, None] - np.asarray(e)[None, :]) / bandwidth
        out += np.exp(-0.5 * d * d).sum(axis=1) / (bandwidth * np.sqrt(2 * np.pi))
    return out / max(1, len(levels))


@dataclass
class XSFF:
    """Cross spectral form factor of all sector pairs.

    Attributes
    ----------
    t : times (log grid), shape ``(T,)``.
    K : ``(S, S, T)`` connected xSFF (real part), ensemble-averaged.
    K_smooth : same as ``K`` (kept for plotting code; the bin average is the running average).
    center, width : the Gaussian filter ``g``.
    g2 : ``(S, n_real)`` ``sum_i g(E_i)^2`` per sector and realisation, the sum over the levels of
        the *reduced* block ``H_mu`` (``D_mu`` levels, each once: never the isotypic ``n_mu D_mu``);
        without a filter it is ``D_mu`` itself.
    plateau : ``(S, S)`` late-time average of ``<Z_mu Z_nu^*>`` (raw, filtered).
    rho_center : ``(S,)`` filtered density of levels at ``center`` per sector.
    n_realisations, connected : how the average was taken.
    charges, dims, irrep_dims : sector metadata (from the spectra).
    levels : per sector, the (standardised) spectra the sums were taken over.
    counts, t_edges : time samples per log bin and the bin edges.
    labels : display label per sector.
    layout : ``"symboot"`` (computed here), ``"authors"`` (read from the authors' published
        files: linear times, no filter, K normalised by n_mu n_nu; see :mod:`ed.xsff_io`) or
        ``"hdf5"`` (the same curve layout in HDF5, e.g. measured curves with ``K_err``).
    plateau_err : ``(S, S)`` standard error of the normalised plateau ``plateau / sqrt(per_copy per_copy^T)``:
        from the scatter of the per-realisation plateaus (:func:`compute_xsff`, at least two
        realisations; :func:`plateau_standard_error`), or from the curves' block means and their
        ``K_err`` (curve layouts); ``None`` where unknown (a single realisation, old files).
    plateau_dof : degrees of freedom of the scatter ``plateau_err`` was estimated from
        (realisations − 1, or blocks − 1 for curve layouts); ``None`` with ``plateau_err``.
        A standard error from few samples is itself uncertain; the extraction widens its
        integer windows accordingly (:func:`ed.plateau.coverage_factor`).
    K_err : ``(S, S, T)`` standard error of each curve at each time, where the file gives one
        (measured curves); ``None`` otherwise.
    notes : what the reader found worth saying (the key convention matched, smoothed curves used).
    """

    t: np.ndarray
    K: np.ndarray
    K_smooth: np.ndarray
    center: float
    width: float
    g2: np.ndarray
    plateau: np.ndarray
    rho_center: np.ndarray
    n_realisations: int
    connected: bool
    charges: list = field(default_factory=list)
    dims: list = field(default_factory=list)
    irrep_dims: list = field(default_factory=list)
    levels: list = field(default_factory=list)
    counts: np.ndarray | None = None
    t_edges: np.ndarray | None = None
    labels: list = field(default_factory=list)
    layout: str = "symboot"
    plateau_err: np.ndarray | None = None
    plateau_dof: int | None = None
    K_err: np.ndarray | None = None
    notes: list = field(default_factory=list)

    @property
    def I2(self) -> float:
        return I2(self.width)

    @property
    def per_copy(self) -> np.ndarray:
        """``(S,)`` the filtered ``D_mu / n_mu`` (``g2`` per realisation over ``n_mu``): the one
        normalisation of the plateau (SPEC §2: ``D_mu / n_mu = c [G:N]`` for every mu).

        >>> xs = XSFF(np.zeros(1), np.zeros((2, 2, 1)), None, 0.0, 1.0, np.array([[100.0], [240.0]]),
        ...           None, None, 1, False, irrep_dims=[1, 2])
        >>> xs.per_copy.tolist()
        [100.0, 120.0]
        """
        return np.asarray(self.g2, float).mean(axis=1) / np.asarray(self.irrep_dims, float)

    def reordered(self, order) -> "XSFF":
        """The same curves with the sectors in ``order`` (stored indices: sector ``u`` of the
        result is sector ``order[u]`` of this one), every per-sector field permuted with them.

        >>> xs = XSFF(np.arange(2.0), np.arange(8.0).reshape(2, 2, 2), None, 0.0, 1.0, np.ones((2, 1)),
        ...           np.array([[1.0, 2.0], [2.0, 3.0]]), np.zeros(2), 1, False, charges=[(0,), (1,)],
        ...           dims=[4, 5], irrep_dims=[1, 1])
        >>> r = xs.reordered([1, 0])
        >>> r.charges, r.dims, r.plateau.tolist()
        ([(1,), (0,)], [5, 4], [[3.0, 2.0], [2.0, 1.0]])
        """
        o = [int(u) for u in order]
        if sorted(o) != list(range(len(self.dims))):
            raise ValueError(f"{order!r} is not a permutation of the {len(self.dims)} sectors")
        ix = np.array(o, dtype=int)

        def pair(a):
            return None if a is None else np.asarray(a)[np.ix_(ix, ix)]

        def one(a):
            return None if a is None else np.asarray(a)[ix]

        def listed(a):
            return [a[u] for u in o] if a else list(a)

        return replace(self, K=pair(self.K), K_smooth=pair(self.K_smooth), g2=one(self.g2),
                       plateau=pair(self.plateau), rho_center=one(self.rho_center), charges=listed(self.charges),
                       dims=listed(self.dims), irrep_dims=listed(self.irrep_dims), levels=listed(self.levels),
                       labels=listed(self.labels), plateau_err=pair(self.plateau_err), K_err=pair(self.K_err),
                       notes=list(self.notes))


def plateau_standard_error(per_real: np.ndarray, g2: np.ndarray, irrep_dims) -> np.ndarray | None:
    """Standard error of the normalised plateau ``P / sqrt(Dt_mu Dt_nu)`` from ``R`` realisations.

    ``per_real`` ``(R, S, S)``: each realisation's late-time average of ``Re Z_mu Z_nu^*``;
    ``g2`` ``(S, R)``: its filtered sector sizes; ``Dt = mean_r g2 / n_mu``. The normalisation is
    a ratio of two realisation means whose numerator and denominator move together (a
    realisation with more levels inside the filter has a larger plateau and a larger ``g2``),
    so the error is that of the linearised ratio (delta method), ``std_r(psi_r) / sqrt(R)`` with
    ``psi_r = (P_r - Pbar) / sqrt(Dt Dt^T) - Ptilde ((g2_mu,r - g2bar_mu) / (2 g2bar_mu) + (mu <-> nu))``;
    with a constant ``g2`` it is the plain ``sigma / sqrt(R)`` of the plateaus over ``Dt``.
    ``None`` for one realisation (no scatter to measure).

    Examples
    --------
    >>> P = np.array([[[9.0]], [[11.0]], [[10.0]], [[10.0]]])
    >>> round(float(plateau_standard_error(P, np.full((1, 4), 10.0), [1])[0, 0]), 4)  # std 0.8165 / 2 / 10
    0.0408
    >>> plateau_standard_error(P[:1], np.full((1, 1), 10.0), [1]) is None
    True
    """
    per_real = np.asarray(per_real, float)
    g2 = np.asarray(g2, float)
    R = per_real.shape[0]
    if R < 2:
        return None
    gbar = g2.mean(axis=1)
    Dt = gbar / np.asarray(irrep_dims, float)
    norm = np.sqrt(np.outer(Dt, Dt))
    Pbar = per_real.mean(axis=0)
    Pn = Pbar / norm
    rel = ((g2 - gbar[:, None]) / gbar[:, None]).T  # (R, S)
    psi = (per_real - Pbar) / norm - 0.5 * Pn * (rel[:, :, None] + rel[:, None, :])
    return psi.std(axis=0, ddof=1) / np.sqrt(R)


def standardised(spec: SectorSpectra) -> SectorSpectra:
    """Each realisation's levels (all sectors together) mapped to mean 0, std 1.

    Examples
    --------
    >>> s = SectorSpectra([(0,), (1,)], [2, 2], [np.array([[0.0, 2.0]]), np.array([[4.0, 6.0]])])
    >>> [e.round(3).tolist() for e in standardised(s).eigenvalues]
    [[[-1.342, -0.447]], [[0.447, 1.342]]]
    """
    R = spec.n_realisations
    mu = np.array([np.mean(np.concatenate([e[r] for e in spec.eigenvalues])) for r in range(R)])
    sd = np.array([np.std(np.concatenate([e[r] for e in spec.eigenvalues])) for r in range(R)])
    sd[sd == 0] = 1.0
    eig = [(e - mu[:, None]) / sd[:, None] for e in spec.eigenvalues]
    return SectorSpectra(charges=spec.charges, dims=spec.dims, eigenvalues=eig, irrep_dims=spec.irrep_dims,
                         orders=spec.orders, labels=spec.labels, params=spec.params)


def _pooled(spec: SectorSpectra) -> np.ndarray:
    return np.concatenate([e.ravel() for e in spec.eigenvalues])


def sample_times(t_min: float, t_max: float, n_bins: int, step: float):
    """Log bins and the times sampled in them.

    Returns ``(centres, edges, t_samples, bin_of_sample)``: ``n_bins``
    geometric bins between ``t_min`` and ``t_max``; a bin narrower than
    ``step`` is sampled once at its centre, a wider one uniformly every
    ``step``. ``step`` ~ the correlation time ``1/s`` of ``Z(t)``, so late
    bins average many independent samples (the running-time average) while
    the log grid still resolves the early-time structure.

    Examples
    --------
    >>> c, e, ts, b = sample_times(1.0, 100.0, 2, 5.0)
    >>> c.round(2).tolist(), len(ts), int(b.max())
    ([3.16, 31.62], 19, 1)
    """
    edges = np.geomspace(t_min, t_max, n_bins + 1)
    centres = np.sqrt(edges[:-1] * edges[1:])
    ts, bs = [], []
    for k in range(n_bins):
        a, b = edges[k], edges[k + 1]
        if b - a < step:
            ts.append(np.array([centres[k]]))
        else:
            n = int((b - a) // step)
            ts.append(a + step * (np.arange(n) + 0.5) + (b - a - n * step) / 2)
        bs.append(np.full(len(ts[-1]), k))
    return centres, edges, np.concatenate(ts), np.concatenate(bs)


#: past this many standard deviations the Gaussian filter is flat: no filter at all
MAX_FILTER_WIDTH = 100.0


def compute_xsff(spec: SectorSpectra, *, n_times: int = 300, t_min: float | None = None,
                 t_max: float | None = None, filter_width: float = 0.4, oversample: float = 2.0,
                 n_plateau: int = 3000, eps: float = 1e-12, seed: int = 0,
                 standardise: bool = True, chunk: int = 8192) -> XSFF:
    """xSFF of all sector pairs on a log time grid, plus the late-time plateau.

    Parameters
    ----------
    spec : sector spectra (one or more realisations).
    n_times : log bins between ``t_min`` (default ``0.2/s``) and ``t_max``
        (default 3 Heisenberg times of the densest sector); ``K`` is the
        average over each bin (running-time average) of the ensemble-connected
        ``Re Z_mu Z_nu^*``, sampled every ``1/(oversample s)``.
    filter_width : ``s`` in units of the pooled spectrum's standard deviation.
    n_plateau : random late times (20–200 Heisenberg times) for the plateau average. The
        average is also kept per realisation, and their scatter gives ``plateau_err``
        (:func:`plateau_standard_error`, ``plateau_dof`` = R − 1); one realisation: ``None``.
    standardise : map each realisation's pooled spectrum (all sectors, one
        common affine map, so inter-sector coincidences survive) to mean 0 and
        standard deviation 1 first; removes the disorder-driven "breathing"
        of the whole spectrum, which otherwise swamps the connected ramp.

    Examples
    --------
    >>> from ed.spectra import SectorSpectra
    >>> rng = np.random.default_rng(0)
    >>> s = SectorSpectra([(0,), (1,)], [300, 300], [np.sort(rng.standard_normal((2, 300)), 1)] * 2)
    >>> x = compute_xsff(s, n_times=100)
    >>> x.K.shape
    (2, 2, 100)
    """
    if not all(np.all(np.isfinite(e)) for e in spec.eigenvalues):
        raise SymbootInputError("spectra contain NaN or inf")
    if isinstance(n_times, bool) or not isinstance(n_times, (int, np.integer)) or n_times < 1:
        raise SymbootInputError(f"the number of time bins must be a positive integer, got {n_times!r}")
    # NaN passes every comparison, hence the explicit isfinite
    if not (np.isfinite(filter_width) and 0 < filter_width <= MAX_FILTER_WIDTH):
        raise SymbootInputError(f"the filter width must be a positive multiple (at most {MAX_FILTER_WIDTH}) of "
                                f"the spectrum's standard deviation, got {filter_width!r}")
    if standardise:
        spec = standardised(spec)
    pooled = _pooled(spec)
    center = float(np.median(pooled))
    width = float(filter_width * pooled.std())
    if not width > 0:
        raise SymbootInputError("every level of the spectrum has the same energy: cannot build the energy filter")
    S, R = spec.n_sectors, spec.n_realisations
    g2 = np.array([[np.sum(np.exp(-((e - center) ** 2) / width**2)) for e in spec.eigenvalues[m]]
                   for m in range(S)])
    # filtered density at the centre: sum g / int g
    rho = np.array([np.mean([np.sum(np.exp(-((e - center) ** 2) / (2 * width**2))) for e in spec.eigenvalues[m]])
                    for m in range(S)]) / (width * np.sqrt(2 * np.pi))
    tH = 2 * np.pi * max(rho.max(), 1e-300)
    t_min = 0.2 / width if t_min is None else t_min
    t_max = 3.0 * tH if t_max is None else t_max
    if t_max <= t_min:
        t_max = 10 * t_min
    centres, edges, ts, bins = sample_times(t_min, t_max, n_times, 1.0 / (oversample * width))
    starts = np.concatenate([[0], np.nonzero(np.diff(bins))[0] + 1])
    counts = np.diff(np.concatenate([starts, [len(ts)]]))
    rng = np.random.default_rng(seed)
    tp = np.sort(rng.uniform(20 * tH, 200 * tH, n_plateau))
    tt = np.concatenate([ts, tp])
    nT = len(ts)

    import scipy.sparse as sp

    # bin-sum operator: (S*S, n) @ (n, n_bins), applied chunk by chunk to bound memory
    Bop = sp.csr_matrix((np.ones(nT), (np.arange(nT), bins)), shape=(nT, n_times))

    def bin_products(Zt):
        out = np.zeros((S * S, n_times))
        for a in range(0, nT, chunk):
            b = min(nT, a + chunk)
            z = Zt[:, a:b]
            prod = np.einsum("at,bt->abt", z, z.conj()).real.reshape(S * S, b - a)
            out += (Bop[a:b].T @ prod.T).T
        return out.reshape(S, S, n_times)

    acc = np.zeros((S, S, n_times))
    perP = np.zeros((R, S, S))  # each realisation's plateau: their scatter is the plateau's error
    zsum = np.zeros((S, len(tt)), dtype=complex)
    for r in range(R):
        Z = np.array([filtered_z(spec.eigenvalues[m][r], tt, center, width, eps) for m in range(S)])
        zsum += Z
        acc += bin_products(Z[:, :nT])
        zp = Z[:, nT:]
        perP[r] = np.einsum("at,bt->ab", zp, zp.conj()).real / max(1, len(tp))
    K = acc / counts[None, None, :] / R
    plateau = perP.mean(axis=0)
    connected = R >= 2
    if connected:
        zm = zsum / R
        disc = bin_products(zm[:, :nT])
        K = (K - disc / counts[None, None, :]) * (R / (R - 1.0))
        zp = zm[:, nT:]
        plateau = (plateau - np.einsum("at,bt->ab", zp, zp.conj()).real / max(1, len(tp))) * (R / (R - 1.0))
    return XSFF(t=centres, K=K, K_smooth=K, center=center, width=width, g2=g2, plateau=plateau,
                rho_center=rho, n_realisations=R, connected=connected, charges=list(spec.charges),
                dims=list(spec.dims), irrep_dims=list(spec.irrep_dims),
                levels=[list(e) for e in spec.eigenvalues], counts=counts, t_edges=edges,
                labels=list(spec.labels), plateau_err=plateau_standard_error(perP, g2, spec.irrep_dims),
                plateau_dof=R - 1 if R >= 2 else None)
