"""The plateau's standard error from the scatter of the realisations (``ed.xsff.compute_xsff``
-> ``XSFF.plateau_err``), carried by symboot's layout and used by the plateau extraction.

Independent truths: (1) plateaus drawn with a known sigma per realisation, whose standard
error is sigma / sqrt(n); (2) spectra built with a known number of exact inter-sector
coincidences per realisation, whose infinite-time plateau is a sum over the shared levels
computed here from the levels themselves (no Z(t)), and whose error is the jackknife over
realisations; (3) the rule that a plateau too noisy to name one integer stays a set.
"""
from __future__ import annotations

import numpy as np
import pytest

from ed.plateau import PlateauData, coverage_factor, extract_plateau, plateau_estimates, plateau_for_index
from ed.spectra import SectorSpectra
from ed.xsff import compute_xsff, plateau_standard_error
from ed.xsff_io import load_xsff, save_curves, save_xsff


# ------------------------------------------------------------------ (1) known sigma per realisation
@pytest.mark.parametrize("n", [10, 40, 400])
def test_standard_error_is_sigma_over_sqrt_n(n):
    """Constant sector sizes: the error of the normalised plateau is sigma / sqrt(n) / Dt.
    Over many ensembles the mean squared error matches sigma^2 / n to 2 %, and each single
    estimate lies within its own chi sampling spread (5 sd of 1 / sqrt(2 (n - 1)))."""
    rng = np.random.default_rng(n)
    sigma, Dt, P0 = 3.0, 50.0, np.array([[80.0, 10.0], [10.0, 40.0]])
    g2 = np.full((2, n), Dt)
    errs = []
    for _ in range(400):
        per = P0[None] + rng.normal(0.0, sigma, (n, 2, 2))
        per[:, 1, 0] = per[:, 0, 1]  # symmetric, sigma per entry
        errs.append(plateau_standard_error(per, g2, [1, 1]))
    errs = np.array(errs)
    truth = sigma / np.sqrt(n) / Dt
    assert np.allclose(np.sqrt(np.mean(errs**2, axis=0)), truth, rtol=0.02 + 3 / np.sqrt(2 * 400 * (n - 1)))
    assert np.all(np.abs(errs / truth - 1) < 5 / np.sqrt(2 * (n - 1)) + 0.01)


def test_normalisation_fluctuations_cancel():
    """A realisation with more levels in the filter has a proportionally larger plateau: the
    normalised plateau does not move, and its error (delta method) is ~0, far below the
    scatter of the raw plateau over Dt."""
    rng = np.random.default_rng(1)
    g = rng.uniform(40.0, 60.0, (2, 30))
    per = np.array([[[2.0 * g[0, r], 0.0], [0.0, 3.0 * g[1, r]]] for r in range(30)])
    err = plateau_standard_error(per, g, [1, 1])
    raw = per[:, 0, 0].std(ddof=1) / np.sqrt(30) / g[0].mean()
    assert err[0, 0] < 1e-12 < raw and err[1, 1] < 1e-12


# ------------------------------------------------------------------ (2) compute_xsff against exact coincidences
def _shared_spectra(R=24, D=60, seed=0):
    """Two sectors; in realisation r, sector 1 repeats k_r of sector 0's levels exactly (k_r drawn
    from 5..40), the rest its own: the cross plateau is the sum of g^2 over the shared levels.

    Levels sit on a jittered lattice (sector 0 on the integers, sector 1's own on half-integers,
    jitter 0.2 of the spacing), so apart from the shared ones no two levels come closer than the
    plateau's late times resolve (Poisson levels would add near-coincidences to the truth)."""
    rng = np.random.default_rng(seed)
    h = 2.0 / D
    e0, e1, ks = [], [], []
    for _ in range(R):
        a = -1.0 + h * (np.arange(D) + rng.uniform(-0.2, 0.2, D))
        k = int(rng.integers(5, 41))
        own = rng.choice(D, D - k, replace=False)
        b = np.concatenate([rng.choice(a, k, replace=False), -1.0 + h * (own + 0.5 + rng.uniform(-0.2, 0.2, D - k))])
        e0.append(a)
        e1.append(np.sort(b))
        ks.append(k)
    return SectorSpectra([(0,), (1,)], [D, D], [np.array(e0), np.array(e1)]), ks


def _exact_plateaus(spec, center, width):
    """Per realisation, the infinite-time ``sum_E g(E)^2 n_mu(E) n_nu(E)`` and ``g2``, from the levels."""
    g2f = lambda e: np.exp(-((np.asarray(e) - center) ** 2) / width**2)  # noqa: E731  g(E)^2
    R = spec.n_realisations
    per = np.zeros((R, 2, 2))
    g2 = np.zeros((2, R))
    for r in range(R):
        a, b = spec.eigenvalues[0][r], spec.eigenvalues[1][r]
        shared = np.intersect1d(a, b)
        per[r] = [[g2f(a).sum(), g2f(shared).sum()], [g2f(shared).sum(), g2f(b).sum()]]
        g2[:, r] = g2f(a).sum(), g2f(b).sum()
    return per, g2


def _jackknife(per, g2):
    """Jackknife standard error of ``mean(P) / sqrt(mean(g2_mu) mean(g2_nu))`` over realisations."""
    R = per.shape[0]
    vals = []
    for r in range(R):
        keep = np.arange(R) != r
        Dt = g2[:, keep].mean(axis=1)
        vals.append(per[keep].mean(axis=0) / np.sqrt(np.outer(Dt, Dt)))
    vals = np.array(vals)
    return np.sqrt((R - 1) / R * ((vals - vals.mean(axis=0)) ** 2).sum(axis=0))


def test_compute_xsff_error_matches_the_exact_scatter(tmp_path):
    spec, ks = _shared_spectra()
    xs = compute_xsff(spec, n_times=20, n_plateau=20000, standardise=False)
    assert xs.plateau_err is not None and xs.plateau_err.shape == (2, 2) and xs.plateau_dof == 23
    per, g2 = _exact_plateaus(spec, xs.center, xs.width)
    assert np.allclose(g2, xs.g2)
    Dt = xs.per_copy
    truth = per.mean(axis=0) / np.sqrt(np.outer(Dt, Dt))
    pn = xs.plateau / np.sqrt(np.outer(Dt, Dt))
    jk = _jackknife(per, g2)
    # the plateau is the exact one up to the finite sampling of late times, which the reported
    # error covers; on the diagonal it is all there is (P_r,mumu = g2_r exactly), about
    # 1 / sqrt(n_plateau R) = 0.0014 relative, against the cross entry's 0.045
    assert np.all(np.abs(pn - truth) < 4 * xs.plateau_err)
    assert np.all(np.diag(xs.plateau_err) < 2 / np.sqrt(20000 * 24))
    # the cross entry's error is the scatter of the shared-level counts (k_r), not time noise
    assert xs.plateau_err[0, 1] == pytest.approx(jk[0, 1], rel=0.1)
    assert np.std(ks) > 5  # the truth has a real scatter to measure
    # symboot's layout carries it; an older file (no key) still reads, without an error
    back = load_xsff(save_xsff(xs, tmp_path / "x.npz"))
    assert np.allclose(back.plateau_err, xs.plateau_err) and back.plateau_dof == 23
    old = dict(np.load(tmp_path / "x.npz"))
    del old["plateau_err"], old["plateau_dof"]
    np.savez(tmp_path / "old.npz", **old)
    legacy = load_xsff(tmp_path / "old.npz")
    assert legacy.plateau_err is None and legacy.plateau_dof is None
    assert extract_plateau(legacy).err is None


def test_one_realisation_has_no_error(tmp_path):
    spec, _ = _shared_spectra(R=1)
    xs = compute_xsff(spec, n_times=20, n_plateau=2000)
    assert xs.plateau_err is None and xs.plateau_dof is None
    assert "plateau_err" not in np.load(save_xsff(xs, tmp_path / "one.npz")).files
    pl = extract_plateau(xs)
    assert pl.err is None and pl.dof is None


def test_curve_layouts_feed_the_same_field(tmp_path):
    """Curves with K_err (HDF5) give plateau_err with blocks - 1 degrees of freedom: the same field,
    judged by the same rule."""
    t = np.linspace(0.0, 400.0, 400)
    K = np.zeros((2, 2, 400))
    K[0, 0], K[1, 1] = 60.0, 60.0
    path = save_curves(tmp_path / "m.h5", t, K, [60, 60], K_err=np.full(K.shape, 0.5))
    xs = load_xsff(path)
    assert xs.plateau_err is not None and xs.plateau_dof == 7
    assert extract_plateau(xs).dof == 7


# ------------------------------------------------------------------ (3) noisy plateaus stay sets
def _at_like(err, dof=None):
    """6 P~ = [[9.92, 0], [0, 5.98]] (Ashkin-Teller with K, L = 5) with a given error."""
    pn = np.array([[9.92, 0.0], [0.0, 5.98]]) / 6
    e = None if err is None else np.full((2, 2), err / 6)
    return PlateauData(pn, pn, None, None, err=e, per_copy=np.array([100.0, 100.9]), dof=dof)


def test_measured_error_decides_the_integer():
    assert plateau_for_index(_at_like(0.03, dof=9), None, 6) == [[10, 0], [0, 6]]
    assert plateau_for_index(_at_like(None), None, 6) is None  # no error: the 4 % floor, 9..11 plausible


@pytest.mark.parametrize("err,dof", [(0.4, 9), (0.1, 2), (0.35, None)])
def test_too_noisy_plateau_leaves_a_set(err, dof):
    p = _at_like(err, dof)
    assert plateau_for_index(p, None, 6) is None
    e = plateau_estimates(p, None, 6)[0][0]
    assert e.value is None and 10 in e.candidates and len(e.candidates) >= 2


def test_few_realisations_never_give_a_confident_wrong_integer():
    """True 6 P~ = 10, three realisations with sigma = 1 each: with the error taken at face value
    a lucky small scatter names 9 or 11 now and then; widened for its 2 degrees of freedom
    (coverage_factor) the rate of a confident wrong integer stays below the 3-sigma 0.27 %."""
    rng = np.random.default_rng(7)
    n, trials = 3, 4000
    wrong = {True: 0, False: 0}
    for _ in range(trials):
        per = 10.0 / 6 + rng.normal(0.0, 1.0 / 6, n)
        pn = np.array([[per.mean()]])
        se = np.array([[per.std(ddof=1) / np.sqrt(n)]])
        for widened in (True, False):
            p = PlateauData(pn, pn, None, None, err=se, per_copy=np.ones(1), dof=n - 1 if widened else None)
            v = plateau_estimates(p, None, 6)[0][0].value
            wrong[widened] += v is not None and v != 10
    assert wrong[True] / trials < 0.0027
    assert wrong[False] > 4 * max(1, wrong[True])  # the widening is what prevents them
    assert coverage_factor(2) > 6 and coverage_factor(1000) == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize("bad,words", [
    (np.zeros(3), "plateau_err has shape"),
    (-np.ones((2, 2)), "plateau_err holds negative"),
    (np.full((2, 2), np.nan), "plateau_err contains NaN"),
])
def test_bad_plateau_err_is_named(tmp_path, bad, words):
    from common.errors import SymbootInputError

    spec, _ = _shared_spectra(R=3)
    path = save_xsff(compute_xsff(spec, n_times=20, n_plateau=500), tmp_path / "x.npz")
    a = dict(np.load(path))
    a["plateau_err"] = bad
    np.savez(path, **a)
    with pytest.raises(SymbootInputError, match=words):
        load_xsff(path)
