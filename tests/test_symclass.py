"""ed.symclass against independent truth: random-matrix ensembles of known class
(GOE, GUE, quaternion-real GSE with its exact Kramers doubling, Poisson), the
Atas et al. closed-form means, block-diagonal H with conjugate blocks, and a
real-coupling chain (complex conjugation K pairs the Z3 charges q and -q)."""
from __future__ import annotations

import numpy as np
import pytest

from ed.levelstats import surmise_pdf
from ed.symclass import (CLASSES, block_class, distinct_levels, forced_degeneracies, kramers_sectors,
                         level_multiplicity, ratio_mean, ratio_pdf, sector_classes)


@pytest.fixture(autouse=True)
def _one_blas_thread():
    """Dense eigvalsh on one BLAS thread: threaded BLAS on a loaded machine is far slower."""
    from threadpoolctl import threadpool_limits
    with threadpool_limits(1):
        yield


def _goe(rng, n):
    a = rng.standard_normal((n, n))
    return np.linalg.eigvalsh(a + a.T)


def _gue_matrix(rng, n):
    a = rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))
    return a + a.conj().T


def _gue(rng, n):
    return np.linalg.eigvalsh(_gue_matrix(rng, n))


def _gse(rng, n):
    """Quaternion-real Hermitian 2n x 2n matrix [[A, B], [-B*, A*]]: every level twice."""
    a, b = (rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n)) for _ in range(2))
    q = np.block([[a, b], [-b.conj(), a.conj()]])
    return np.linalg.eigvalsh(q + q.conj().T)


def _poisson(rng, n):
    return np.sort(rng.uniform(size=n))


SAMPLERS = {"GOE": _goe, "GUE": _gue, "GSE": _gse, "Poisson": _poisson}


# ---- closed forms ------------------------------------------------------------------------------

def test_reference_means_by_quadrature():
    """Atas et al. (2013): large-N <r~> = 0.5307, 0.5996, 0.6744 (surmise + fitted correction),
    Poisson 2 ln 2 - 1; the bare surmise gives 4 - 2 sqrt 3, 2 sqrt3/pi - 1/2, 32 sqrt3/(15 pi) - 1/2."""
    x = np.linspace(0.0, 1.0, 200001)
    ref = {"Poisson": 2 * np.log(2) - 1, "GOE": 0.5307, "GUE": 0.5996, "GSE": 0.6744}
    bare = {"GOE": 4 - 2 * np.sqrt(3), "GUE": 2 * np.sqrt(3) / np.pi - 0.5,
            "GSE": 32 * np.sqrt(3) / (15 * np.pi) - 0.5}
    for k in CLASSES:
        p = ratio_pdf(x, k)
        assert np.all(p >= 0)
        assert np.trapezoid(p, x) == pytest.approx(1.0, abs=1e-6)
        assert np.trapezoid(x * p, x) == pytest.approx(ref[k], abs=2e-4)
        assert ratio_mean(k) == pytest.approx(ref[k], abs=2e-4)
        if k in bare:
            assert np.trapezoid(x * ratio_pdf(x, k, corrected=False), x) == pytest.approx(bare[k], abs=1e-6)
            assert ratio_mean(k, corrected=False) == pytest.approx(bare[k], abs=1e-9)
            np.testing.assert_allclose(ratio_pdf(x, k, corrected=False), surmise_pdf(x, k), rtol=1e-12)


def test_multiplicity_detection():
    e = np.array([0.0, 1.0, 2.5, 4.0])
    assert level_multiplicity(e) == 1
    assert level_multiplicity(np.repeat(e, 2) + 1e-13 * np.arange(8)) == 2
    assert level_multiplicity(np.repeat(e, 3)) == 3
    assert level_multiplicity(np.array([0.0, 0.0, 1.0, 2.5, 2.5])) == 1  # not every level doubled
    d, m = distinct_levels(np.repeat(e, 2)[::-1])
    assert m == 2 and d.tolist() == e.tolist()


# ---- recovering the class of random-matrix blocks -------------------------------------------------

@pytest.mark.parametrize("truth", CLASSES)
def test_recovers_class_uniquely(truth):
    """300 distinct levels x 3 realisations: the truth, and only it (calibration: 20/20 seeds)."""
    rng = np.random.default_rng({"Poisson": 1, "GOE": 2, "GUE": 3, "GSE": 4}[truth])
    levels = [SAMPLERS[truth](rng, 300) for _ in range(3)]
    c = block_class(levels)
    assert c.candidates == (truth,) and c.unique and c.label == truth
    assert c.best == truth and c.confidence > 0.99
    assert c.kramers == (truth == "GSE") and c.multiplicity == (2 if truth == "GSE" else 1)
    assert c.fits
    assert c.n_ratios == 3 * 238  # central 80 % of 300 distinct levels, per realisation
    assert abs(c.r_mean - ratio_mean(truth)) < 4 * np.hypot(c.r_err, 0.004)
    assert c.to_json()["candidates"] == [truth]


@pytest.mark.parametrize("truth", CLASSES)
def test_tiny_sample_stays_a_set(truth):
    """20 levels: several candidates, truth among them, never a silent pick."""
    for seed in range(5):
        rng = np.random.default_rng(100 + seed)
        c = block_class([SAMPLERS[truth](rng, 20)])
        assert len(c.candidates) >= 2, c
        assert truth in c.candidates
        assert " or " in c.label


def test_gse_needs_deduplication():
    """Without collapsing the Kramers doublets the ratios would be 0 (every other gap);
    collapsed, the distinct levels are GSE."""
    rng = np.random.default_rng(5)
    e = _gse(rng, 200)
    assert np.allclose(e[0::2], e[1::2], atol=1e-9 * np.ptp(e))
    c = block_class([e])
    assert c.kramers and c.best == "GSE" and "GSE" in c.candidates
    # doubling alone does not make a block GSE: two identical real copies are doubled GOE
    e2 = [np.linalg.eigvalsh(np.kron(np.eye(2), np.diag(_goe(rng, 300)))) for _ in range(2)]
    c2 = block_class(e2)
    assert c2.kramers and c2.best == "GOE" and "GSE" not in c2.candidates


def test_json_is_strict():
    import json
    json.dumps(block_class([np.array([0.0])]).to_json(), allow_nan=False)
    c = block_class([_goe(np.random.default_rng(8), 100)])
    assert json.loads(json.dumps(c.to_json(), allow_nan=False))["n_ratios"] == c.n_ratios


def test_superposition_is_flagged():
    """A 'sector' that is two independent GOE blocks is no pure class near GOE;
    the two-block superposition is listed."""
    rng = np.random.default_rng(6)
    levels = [np.sort(np.concatenate([_goe(rng, 300), _goe(rng, 300)])) for _ in range(2)]
    c = block_class(levels)
    assert "GOE" not in c.candidates and "GUE" not in c.candidates
    assert ("GOE", 2) in c.superposition


# ---- forced degeneracies ------------------------------------------------------------------------

def test_conjugate_blocks_are_forced_degenerate():
    """H = diag(A, A*, B) with A, B GUE: sectors 0 and 1 coincide level by level, all GUE;
    a GSE sector appended is self-degenerate (Kramers) and degenerate with no other."""
    rng = np.random.default_rng(7)
    n, R = 200, 3
    secs = [[], [], [], []]
    for _ in range(R):
        a, b = _gue_matrix(rng, n), _gue_matrix(rng, n)
        z = np.zeros((n, n))
        H = np.block([[a, z, z], [z, a.conj(), z], [z, z, b]])
        for m in range(3):
            secs[m].append(np.linalg.eigvalsh(H[m * n:(m + 1) * n, m * n:(m + 1) * n]))
        secs[3].append(_gse(rng, n // 2))
    ev = [np.array(s) for s in secs]
    assert forced_degeneracies(ev) == [(0, 1)]
    assert kramers_sectors(ev) == [False, False, False, True]
    cls = sector_classes(ev)
    assert [c.best for c in cls[:3]] == ["GUE"] * 3
    assert all("GUE" in c.candidates for c in cls[:3])
    assert cls[3].kramers and "GSE" in cls[3].candidates
    # a single realisation perturbed beyond the tolerance breaks the pairing
    ev[1] = ev[1].copy()
    ev[1][1, 100] += 1e-3 * np.mean(np.diff(ev[1][1]))
    assert forced_degeneracies(ev) == []


def _s3_chain_spectra(theta):
    from ed.models import ensemble, s3_chain
    from ed.sectors import abelian_sectors
    from ed.spectra import compute_spectra

    ms = ensemble(s3_chain, 3, seed=3, L=6, theta=theta)
    dec = abelian_sectors(ms[0].generators, ms[0].orders)
    return compute_spectra([m.H for m in ms], dec, workers=1)


def test_real_chain_conjugation_pairs_charges():
    """s3_chain with phi = 0, theta != 0: real in the clock basis, so K maps Z3 charge q to -q:
    sectors 1 and 2 are forced degenerate and GUE (nothing anti-unitary maps them to themselves),
    sector 0 is mapped to itself by K: GOE."""
    sp = _s3_chain_spectra(0.8)
    assert forced_degeneracies(sp) == [(1, 2)]
    assert kramers_sectors(sp) == [False, False, False]
    cls = sector_classes(sp)
    assert [c.candidates for c in cls] == [("GOE",), ("GUE",), ("GUE",)]


def test_real_chain_with_s3_superposes_sector_zero():
    """theta = 0: G = S3 with C; Z3 sector 0 holds the two GOE blocks 1_+ and 1_- (the
    superposition is flagged), sectors 1 and 2 one E block each, mapped to itself by C K: GOE."""
    sp = _s3_chain_spectra(0.0)
    assert forced_degeneracies(sp) == [(1, 2)]
    cls = sector_classes(sp)
    assert ("GOE", 2) in cls[0].superposition and "GOE" not in cls[0].candidates
    assert cls[1].candidates == ("GOE",) and cls[2].candidates == ("GOE",)


def test_empty_and_tiny_sectors_are_undetermined():
    for levels in ([np.array([0.0])], [np.array([0.0, 1.0])], np.zeros((2, 0))):
        c = block_class(levels)
        assert c.n_ratios == 0 and set(c.candidates) == set(CLASSES) and not c.fits
    assert forced_degeneracies([np.zeros((1, 0)), np.zeros((1, 0))]) == []
    # many small realisations (fewer ratios each than one error block) still pool
    rng = np.random.default_rng(9)
    c = block_class([_gue(rng, 12) for _ in range(10)])
    assert c.n_ratios == 80 and "GUE" in c.candidates and len(c.candidates) >= 2
