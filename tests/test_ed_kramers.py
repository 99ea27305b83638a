"""Time reversal commuting with G on random G-invariant chains (EXAMPLES §6, SPEC §6).

With real couplings on a real (permutation) representation, T = K commutes with G and
T² = +1. Corepresentation theory then predicts, from G's Frobenius–Schur indicators alone
(groupdb's, computed by GAP): an irreducible with ν = -1 (Q8's 2-dimensional one) has its
multiplets doubled (Kramers) — every level of the sectors it reaches twice —, one with ν = +1
(D8's) does not. Over N = C4 both 2-dimensional irreducibles reach the charges 1 and 3, and
those two sectors share their levels in every case (a unitary element of G exchanges them).
"""
from __future__ import annotations

import numpy as np
import pytest

import groupdb
from ed.models import NAMED_GROUPS, random_g_chain
from ed.sectors import abelian_sectors, sector_blocks
from ed.symclass import block_class


def _chain(group: str, L: int, real: bool, seed: int = 1):
    gens, _ = NAMED_GROUPS[group]
    m = random_g_chain(gens, L, known=[gens[0]], real=real, rng=np.random.default_rng(seed))
    return m, abelian_sectors(m.generators, m.orders, H=m.H)


def _sector_levels(group: str, L: int, real: bool, seed: int = 1):
    m, dec = _chain(group, L, real, seed)
    return dec, [np.linalg.eigvalsh(B) for B in sector_blocks(m.H, dec)]


def _doubled(E: np.ndarray) -> bool:
    """Every level exactly twice (pairs far tighter than the mean spacing)."""
    tol = 1e-8 * (E[-1] - E[0])
    return len(E) % 2 == 0 and bool(np.all(E[1::2] - E[::2] < tol)) and bool(np.all(E[2::2] - E[1:-1:2] > tol))


def test_q8_regular_action_is_q8():
    gens, dim = NAMED_GROUPS["Q8"]
    from ed.models import close_permutation_group
    G = close_permutation_group(gens)
    involutions = [g for g in G if g != tuple(range(dim)) and all(g[g[s]] == s for s in range(dim))]
    assert len(G) == 8 and len(involutions) == 1  # Q8: the one group of order 8 with a single involution


@pytest.mark.parametrize("group, L", [("Q8", 3), ("D8", 5)])
def test_kramers_doubling_follows_the_indicator(group, L):
    G = groupdb.load(group)
    nu_two = [nu for d, nu in zip(G.degrees, G.indicators) if d == 2]
    assert len(nu_two) == 1
    dec, E = _sector_levels(group, L, real=True)
    assert dec.charges == [(0,), (1,), (2,), (3,)]
    np.testing.assert_allclose(E[1], E[3], atol=1e-9)  # j (or the reflection) maps charge 1 to 3
    kramers = nu_two[0] == -1  # type b: T² = +1 times ν = -1
    assert [_doubled(e) for e in E] == [False, kramers, False, kramers]


def test_complex_couplings_have_no_kramers_doubling():
    """Without time reversal Q8's quaternionic irreducible is an ordinary unitary one."""
    _, E = _sector_levels("Q8", 3, real=False)
    assert not any(_doubled(e) for e in E)
    np.testing.assert_allclose(E[1], E[3], atol=1e-9)


@pytest.mark.parametrize("group, L, real, want", [
    ("Q8", 4, True, "GSE"),    # type b: T² = +1, ν = -1 — Kramers pairs, GSE among the distinct levels
    ("D8", 6, True, "GOE"),    # type a: ν = +1
    ("Q8", 4, False, "GUE"),   # no anti-unitary symmetry
])
def test_sector_one_class_follows_the_corepresentation_type(group, L, real, want):
    """Charge 1 of C4 holds one irreducible of G, the 2-dimensional one, so its levels are one
    block, whose class the type predicts (~400 distinct levels: decided, ed.symclass's
    calibration)."""
    m, dec = _chain(group, L, real)
    c = block_class([np.linalg.eigvalsh(dec.sectors[1].block(m.H))])
    assert tuple(c.candidates) == (want,) and c.kramers == (want == "GSE")


# ---- the ramp with mixed classes: normalised per block (SPEC §6) ---------------------------------

def _random_levels(kind: str, rng, n: int) -> np.ndarray:
    """One block's levels, semicircle of radius ~2: GOE, GUE, or a quaternion-real GSE matrix
    ``[[A, B], [-B*, A*]]`` (2n levels, every one twice: Kramers pairs)."""
    a = rng.standard_normal((n, n))
    if kind == "GOE":
        return np.linalg.eigvalsh(a + a.T) / np.sqrt(n)
    a = a + 1j * rng.standard_normal((n, n))
    if kind == "GUE":
        return np.linalg.eigvalsh(a + a.conj().T) / np.sqrt(2 * n)
    b = rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))
    q = np.block([[a, b], [-b.conj(), a.conj()]])
    return np.linalg.eigvalsh(q + q.conj().T) / np.sqrt(4 * n)


#: the blocks of a Q8-like spectrum over C4, as rows of M (Q8's branching over C4): charges 0 and
#: 2 hold two 1-dimensional blocks each, charges 1 and 3 share the 2-dimensional irreducible's
Q8_LIKE_ROWS = [[1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0], [0, 1, 0, 1]]


def _q8_like_spectra(other: str, n: int = 300, realisations: int = 24, seed: int = 0, regular: bool = False):
    """Sector spectra built from ``Q8_LIKE_ROWS``: the 1-dimensional blocks of class ``other``,
    the 2-dimensional irreducible's one Kramers block (GSE, every level twice), its levels the
    same in the two sectors it reaches; ``n`` levels per block (Kramers pairs for GSE), times the
    irreducible's dimension with ``regular`` (D_λ ∝ d_λ, as in the regular representation). R
    counting each Kramers pair once is MᵀM."""
    from ed.spectra import SectorSpectra

    rng = np.random.default_rng(seed)
    secs = [[], [], [], []]
    for _ in range(realisations):
        levels = [[] for _ in range(4)]
        for row in Q8_LIKE_ROWS:
            e = _random_levels("GSE" if sum(row) == 2 else other, rng, n * (sum(row) if regular else 1))
            for q, m in enumerate(row):
                levels[q] += [e] * m
        for q in range(4):
            secs[q].append(np.sort(np.concatenate(levels[q])))
    return SectorSpectra([(q,) for q in range(4)], [len(s[0]) for s in secs], [np.array(s) for s in secs], orders=[4])


def _q8_over_c4_ramp():
    M = np.array(Q8_LIKE_ROWS)
    return (M.T @ M).tolist()


@pytest.mark.parametrize("other", ["GOE", "GUE"])
def test_kramers_sectors_ramp_is_normalised_per_block(other):
    """With Kramers sectors beside GOE or GUE ones, each entry is read with its block's class: the
    Kramers pair's ramp is 4 k_GSE at half the density (early slope twice GUE's), so its entry is 1,
    where one class for every sector reads no window there at all (or 2 at early times)."""
    from ed.extract import extract_ramp
    from ed.levelstats import gap_ratio
    from ed.symclass import kramers_gse
    from ed.xsff import compute_xsff

    sp = _q8_like_spectra(other)
    kramers = kramers_gse(sp)
    assert kramers == [False, True, False, True]
    xs = compute_xsff(sp, n_times=2000)
    ratios = [gap_ratio(list(e)) for e in sp.eigenvalues]
    r = extract_ramp(xs, None, ratios, kramers=kramers)
    assert r.exact and r.integer_matrix.tolist() == _q8_over_c4_ramp()
    assert r.beta == (1 if other == "GOE" else 2) and r.sector_betas() == [r.beta, 4, r.beta, 4]
    uniform = extract_ramp(xs, None, ratios)
    assert not uniform.exact or uniform.integer_matrix.tolist() != _q8_over_c4_ramp()


def test_kramers_ramp_reaches_the_bootstrap():
    """End to end from spectra, with time reversal declared: the ramp normalised per block agrees
    with the halved census (no disagreement), fixes [G:N] = 2, and Q8 is named uniquely."""
    import symboot

    r = symboot.identify(spectra=_q8_like_spectra("GOE"), subgroup={"cyclic": 4}, time_reversal=True)
    assert r.group_names() == ["Q8"] and r.solution.status == "complete"
    assert r.ramp.integer_matrix.tolist() == _q8_over_c4_ramp()
    assert not any("ramp and the multiplet census disagree" in n or "does not fix [G:N]" in n for n in r.notes)


def test_kramers_plateau_counts_a_pair_once():
    """The plateau with Kramers sectors, block sizes as the regular representation has them: each
    Kramers pair counted once (multiplicities and reduced dimensions halved there), [G:N]·P̃ is
    Mᵀ diag(d) M of the unitary group (d = 1, 1, 1, 1, 2); read as every level counted, the
    Kramers entries would be twice that."""
    from ed.extract import extract_ramp
    from ed.levelstats import gap_ratio
    from ed.plateau import extract_plateau
    from ed.symclass import kramers_gse
    from ed.xsff import compute_xsff

    sp = _q8_like_spectra("GOE", n=150, regular=True)
    xs = compute_xsff(sp, n_times=2000)
    ramp = extract_ramp(xs, None, [gap_ratio(list(e)) for e in sp.eigenvalues], kramers=kramers_gse(sp))
    M = np.array(Q8_LIKE_ROWS)
    truth = M.T @ np.diag(M.sum(axis=1)) @ M  # each row's dimension: its restriction to C4
    np.testing.assert_allclose(2 * extract_plateau(xs, ramp).normalised, truth, atol=0.1)
