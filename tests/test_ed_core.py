"""Fast checks of ed/: operators, sectors, spectra I/O, level statistics, xSFF, extraction."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from ed.census import multiplet_census
from ed.extract import form_factor, integer_estimate
from ed.levelstats import R_MEAN, gap_ratio, surmise_pdf
from ed.models import ashkin_teller_potts, fermi_hubbard, quantum_torus_chain, s3_chain
from ed.operators import clock_shift, fermion_ops, onsite_product, permutation_matrix, site_op
from ed.sectors import abelian_sectors, sector_blocks, sector_matrix
from ed.spectra import compute_spectra, load_spectra, save_spectra
from ed.xsff import filtered_z
from common.errors import SymbootInputError


@pytest.fixture(autouse=True)
def _one_blas_thread():
    """Pin BLAS to one thread: spinning BLAS threads on a loaded 2-core box cost 10x."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield


def _dense_kron_s3_chain(L, J, h, theta, phi=0.0):
    """Brute-force S3 chain from numpy.kron, written independently of ed.operators."""
    w = np.exp(2j * np.pi / 3)
    X = np.roll(np.eye(3), 1, axis=0)
    Z = np.diag([1, w, w * w])

    def emb(ops):  # dict site -> 3x3
        out = np.ones((1, 1))
        for j in range(L):
            out = np.kron(out, ops.get(j, np.eye(3)))
        return out

    H = np.zeros((3**L, 3**L), dtype=complex)
    for j in range(L):
        t = np.exp(1j * theta) * emb({j: Z.conj().T, (j + 1) % L: Z}) if (j + 1) % L != j else 0
        H -= J[j] * (t + t.conj().T)
        H -= h[j] * emb({j: np.exp(1j * phi) * X + np.exp(-1j * phi) * X.T})
    return H


def test_s3_chain_matches_bruteforce_kron():
    rng = np.random.default_rng(3)
    m = s3_chain(5, theta=0.3, rng=rng)
    Hd = _dense_kron_s3_chain(5, np.array(m.params["J"]), np.array(m.params["h"]), 0.3)
    assert np.abs(m.H.toarray() - Hd).max() < 1e-12
    dec = abelian_sectors(m.generators, m.orders, H=m.H)
    ours = np.sort(np.concatenate([np.linalg.eigvalsh(b) for b in sector_blocks(m.H, dec)]))
    np.testing.assert_allclose(ours, np.linalg.eigvalsh(Hd), atol=1e-10)


def test_sector_matrix_from_terms_matches_projected_kron_matrix():
    """Chiral S3 chain (theta, phi != 0: complex H, sectors 1 and 2 not paired by K) from local
    terms, sector by sector, against the brute-force kron matrix restricted to the range of
    P_q = (1/3) sum_a w^{-qa} P_X^a (everything else shifted far up)."""
    L, theta, phi = 5, 0.3, 0.2
    m = s3_chain(L, theta=theta, phi=phi, rng=np.random.default_rng(4))
    J, h = np.array(m.params["J"]), np.array(m.params["h"])
    w = np.exp(2j * np.pi / 3)
    X, Z = np.roll(np.eye(3), 1, axis=0), np.diag([1, w, w * w])
    zz = np.exp(1j * theta) * np.kron(Z.conj().T, Z)
    xf = np.exp(1j * phi) * X
    terms = [(-J[j] * (zz + zz.conj().T), (j, (j + 1) % L)) for j in range(L)]
    terms += [(sp.csr_matrix(-h[j] * (xf + xf.conj().T)), (j,)) for j in range(L)]  # sparse terms are accepted
    Hd = _dense_kron_s3_chain(L, J, h, theta, phi)
    PX = np.ones((1, 1))
    for _ in range(L):
        PX = np.kron(PX, X)
    dec = abelian_sectors(m.generators, m.orders)
    assert dec.charges == [(0,), (1,), (2,)]
    for s in dec.sectors:
        (q,) = s.charges
        P = sum(w ** (-q * a) * np.linalg.matrix_power(PX, a) for a in range(3)) / 3
        truth = np.linalg.eigvalsh(Hd + 1e3 * (np.eye(3**L) - P))[:s.dim]
        b = sector_matrix(terms, s, L, 3).toarray()
        np.testing.assert_allclose(b, b.conj().T, atol=1e-12)
        np.testing.assert_allclose(np.linalg.eigvalsh(b), truth, atol=1e-10)


def test_sector_matrix_refuses_what_it_cannot_build():
    sx = np.array([[0.0, 1.0], [1.0, 0.0]])
    dec = abelian_sectors([onsite_product(sx, 3)], [2])
    with pytest.raises(SymbootInputError, match="expected a 4x4 matrix"):
        sector_matrix([(sx, (0, 1))], dec.sectors[0], 3, 2)
    with pytest.raises(SymbootInputError, match="distinct sites < 3"):
        sector_matrix([(np.kron(sx, sx), (2, 3))], dec.sectors[0], 3, 2)
    rng = np.random.default_rng(0)  # a rotated generator is not monomial: no orbits
    W, _ = np.linalg.qr(rng.standard_normal((8, 8)))
    dense = abelian_sectors([W @ onsite_product(sx, 3).toarray() @ W.T], [2])
    assert dense.method == "dense eigenspaces" and dense.sectors[0].reps is None
    with pytest.raises(SymbootInputError, match="not built from orbits"):
        sector_matrix([(sx, (0,))], dense.sectors[0], 3, 2)


def test_clock_and_fermion_algebra():
    X, Z = clock_shift(4)
    w = np.exp(2j * np.pi / 4)
    assert np.allclose(Z @ X, w * X @ Z)
    c = fermion_ops(4)
    for a in range(4):
        for b in range(4):
            ac = (c[a] @ c[b].conj().T + c[b].conj().T @ c[a]).toarray()
            assert np.allclose(ac, np.eye(16) * (a == b))
            assert abs(c[a] @ c[b] + c[b] @ c[a]).max() < 1e-14 if (c[a] @ c[b]).nnz else True


@pytest.mark.parametrize("dense", [False, True])
def test_abelian_sectors_are_eigenspaces(dense):
    """Orbit construction and the dense fallback give orthonormal joint eigenspaces."""
    rng = np.random.default_rng(0)
    m = ashkin_teller_potts(3, rng=rng)
    gens = m.generators
    H = m.H
    if dense:  # rotate by a random unitary: no longer monomial -> dense path
        a = rng.standard_normal((64, 64)) + 1j * rng.standard_normal((64, 64))
        W, _ = np.linalg.qr(a)
        gens = [sp.csr_matrix(W @ U.toarray() @ W.conj().T) for U in gens]
        H = sp.csr_matrix(W @ H.toarray() @ W.conj().T)
    dec = abelian_sectors(gens, H=H)
    assert dec.method == ("dense eigenspaces" if dense else "orbits")
    assert dec.charges == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert sum(dec.dims) == 64
    for s in dec.sectors:
        V = s.basis.toarray()
        assert np.allclose(V.conj().T @ V, np.eye(s.dim), atol=1e-10)
        for U, q, n in zip(gens, s.charges, dec.orders):
            assert np.allclose(U @ V, np.exp(2j * np.pi * q / n) * V, atol=1e-10)
    full = np.sort(np.concatenate([np.linalg.eigvalsh(b) for b in sector_blocks(H, dec)]))
    np.testing.assert_allclose(full, np.linalg.eigvalsh(H.toarray()), atol=1e-10)


def test_fixed_symmetry_and_phases():
    """A fixed extra generator keeps only its charge; orbits with phases (P_X P_Z-type) work."""
    m = quantum_torus_chain(3, theta=0.4, rng=np.random.default_rng(1))
    PX, PZ = m.generators
    dec = abelian_sectors([PX], fixed=[(PZ, 3, 1)], H=m.H)
    full = abelian_sectors([PX, PZ], H=m.H)
    assert dec.dims == [s.dim for s in full.sectors if s.charges[1] == 1]
    for s in dec.sectors:
        V = s.basis.toarray()
        assert np.allclose(PZ @ V, np.exp(2j * np.pi / 3) * V)


def test_bad_generators_raise():
    X, _ = clock_shift(3)
    U = onsite_product(X, 3)
    H = s3_chain(3, rng=np.random.default_rng(0)).H
    with pytest.raises(SymbootInputError, match="not unitary"):
        abelian_sectors([2 * U])
    with pytest.raises(SymbootInputError, match="declared order 2"):
        abelian_sectors([U], [2])
    with pytest.raises(SymbootInputError, match="do not commute"):
        abelian_sectors([U], H=H + site_op(np.diag([1.0, 2.0, 3.0]), 0, 3))
    with pytest.raises(SymbootInputError, match="NaN"):
        abelian_sectors([U], H=H.multiply(np.nan))


def test_hubbard_sectors_and_eta_pairing():
    m = fermi_hubbard(4, sigma=0.3, rng=np.random.default_rng(2))
    dec = abelian_sectors(m.generators, m.orders, H=m.H)
    from math import comb

    # sector (N, 2Sz mod 9): dimension C(4, N_up) C(4, N_dn)
    for s in dec.sectors:
        N, q = s.charges
        tz = q if q <= 4 else q - 9
        nup, ndn = (N + tz) // 2, (N - tz) // 2
        assert s.dim == comb(4, nup) * comb(4, ndn)
    assert sum(dec.dims) == 256
    e = m.extra["eta_dag"]
    assert abs(e @ m.H - m.H @ e).max() < 1e-12


def test_spectra_roundtrip(tmp_path):
    m = s3_chain(4, rng=np.random.default_rng(0))
    dec = abelian_sectors(m.generators, m.orders)
    s = compute_spectra([m.H, 2 * m.H], dec, workers=2, params={"L": 4})
    for name in ("x.h5", "x.npz"):
        back = load_spectra(save_spectra(s, tmp_path / name))
        assert back.charges == s.charges and back.params == {"L": 4}
        for a, b in zip(back.eigenvalues, s.eigenvalues):
            np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(s.eigenvalues[0][1], 2 * s.eigenvalues[0][0], atol=1e-12)


@pytest.mark.parametrize("beta,kind", [(1, "GOE"), (2, "GUE")])
def test_gap_ratio_of_random_matrices(beta, kind):
    rng = np.random.default_rng(7)
    specs = []
    for _ in range(6):
        a = rng.standard_normal((600, 600))
        if beta == 2:
            a = a + 1j * rng.standard_normal((600, 600))
        specs.append(np.linalg.eigvalsh(a + a.conj().T))
    g = gap_ratio(specs)
    assert g.verdict == kind
    assert abs(g.mean - R_MEAN[kind]) < 3 * g.err + 0.005
    assert g.err < 0.01


def test_surmise_normalised_and_means():
    x = np.linspace(0, 1, 200001)
    for kind in ("GOE", "GUE", "GSE"):
        p = surmise_pdf(x, kind)
        assert abs(np.trapezoid(p, x) - 1) < 1e-6
        # surmise means are within 0.005 of the large-N values (Atas et al.)
        assert abs(np.trapezoid(x * p, x) - R_MEAN[kind]) < 0.006


def test_nufft_matches_dense_sum():
    rng = np.random.default_rng(0)
    E = np.sort(rng.standard_normal(3000)) * 3
    t = np.geomspace(0.01, 2000, 1500)
    z = filtered_z(E, t, 0.1, 1.2)
    g = np.exp(-((E - 0.1) ** 2) / (2 * 1.2**2))
    dense = np.exp(-1j * np.outer(t, E)) @ g
    assert np.abs(z - dense).max() < 1e-8 * max(1.0, np.abs(dense).max())


def test_form_factors():
    tau = np.array([0.1, 0.5, 1.0, 2.0, 10.0])
    np.testing.assert_allclose(form_factor(tau, 2), [0.1, 0.5, 1, 1, 1])
    b1 = form_factor(tau, 1)
    assert abs(b1[0] - (0.2 - 0.1 * np.log(1.2))) < 1e-12
    assert abs(b1[-1] - 1) < 0.01 and np.all(np.diff(b1) > 0)


def test_integer_estimate_never_silently_rounds():
    assert integer_estimate(1.02, 0.03).value == 1
    amb = integer_estimate(1.45, 0.05)
    assert amb.value is None and amb.candidates == [1, 2]
    noisy = integer_estimate(2.1, 0.6)
    assert noisy.value is None and {1, 2, 3} <= set(noisy.candidates)


def test_census_flags_accidental():
    rng = np.random.default_rng(0)
    a = np.sort(rng.uniform(0, 100, 500))
    b = np.sort(rng.uniform(0, 100, 500))
    b[10] = a[20]  # one accidental coincidence
    c = multiplet_census([a, b])
    assert c.rows == [[1, 0], [0, 1]] and c.counts == [499, 499]
    assert c.accidental == [([1, 1], 1)]


def test_permutation_matrix_convention():
    P = permutation_matrix([2, 0, 1])
    e0 = np.array([1, 0, 0])
    assert np.argmax(np.abs(P @ e0)) == 2


@pytest.mark.parametrize("seed", range(4))
def test_small_systems_never_give_a_wrong_integer(seed):
    """Few levels: R is either flagged inexact or right (S3 > C3: [[2,0,0],[0,1,1],[0,1,1]])."""
    from ed.analysis import analyse
    from ed.models import NAMED_GROUPS, ensemble, random_g_chain

    gens, _ = NAMED_GROUPS["S3"]
    ms = ensemble(random_g_chain, 2, seed=seed, group_gens=gens, L=4, known=[[1, 2, 0]])
    a = analyse([m.H for m in ms], ms[0].generators, workers=1)
    if a.ramp.exact:
        assert a.ramp.integer_matrix.tolist() == [[2, 0, 0], [0, 1, 1], [0, 1, 1]]
    assert a.census.rows == [[1, 0, 0], [0, 1, 1]]


def test_plots_written(tmp_path):
    from ed.analysis import analyse
    from ed.plots import write_all

    ms = [s3_chain(5, rng=np.random.default_rng(k)) for k in range(2)]
    a = analyse([m.H for m in ms], ms[0].generators, workers=1, n_times=80)
    files = write_all(a, tmp_path)
    assert sorted(f.name for f in files) == ["gap_ratios.png", "ramp.png", "sector_sff.png", "xsff_matrix.png"]
    assert all(f.stat().st_size > 5000 and f.read_bytes()[:4] == b"\x89PNG" for f in files)
