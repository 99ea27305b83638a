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
