"""groupdb against closed forms that owe nothing to GAP or to this code."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import groupdb
from groupdb import store
from groupdb.abelian import charge_labelling
from groupdb.characters import branching, tensor_coefficients
from groupdb.cyclotomic import Cyclotomic
from groupdb.query import groups_containing

# Number of groups of each order (OEIS A000001), the literature's count.
A000001 = {1: 1, 2: 1, 4: 2, 8: 5, 12: 5, 16: 14, 24: 15, 32: 51, 48: 52, 60: 13, 64: 267,
           72: 50, 96: 231, 120: 47, 128: 2328, 144: 197, 160: 238, 168: 57, 192: 1543, 200: 52}


@pytest.mark.parametrize("order,count", sorted(A000001.items()))
def test_number_of_groups_matches_oeis(order, count):
    if order > store.max_order():
        pytest.skip("beyond this database's coverage")
    assert store.number_of_groups(order) == count


def test_total_count_and_coverage():
    if store.max_order() >= 200:
        assert int(store.meta()["groups"]) == 6065


def _partitions(n, largest=None):
    largest = largest or n
    if n == 0:
        yield ()
        return
    for k in range(min(n, largest), 0, -1):
        for rest in _partitions(n - k, k):
            yield (k,) + rest


def _hook_length_degree(shape):
    n = sum(shape)
    conj = [sum(1 for r in shape if r > j) for j in range(shape[0])]
    hooks = math.prod(shape[i] - j + conj[j] - i - 1 for i in range(len(shape)) for j in range(shape[i]))
    return math.factorial(n) // hooks


@pytest.mark.parametrize("n", [3, 4, 5])
def test_symmetric_group_degrees_by_hook_length_formula(n):
    G = groupdb.load(f"S{n}")
    assert G.order == math.factorial(n)
    assert sorted(G.degrees) == sorted(_hook_length_degree(s) for s in _partitions(n))


@pytest.mark.parametrize("n", [2, 3, 5, 6, 8, 12, 30])
def test_cyclic_table_is_the_roots_of_unity(n):
    G = groupdb.load(f"C{n}")
    exact = G.table.exact()
    # the generator's class: an element of order n; its character values are all n-th roots
    gen = G.element_orders.index(n)
    values = sorted((complex(row[gen]) for row in exact), key=lambda z: np.angle(z) % (2 * np.pi))
    expected = [np.exp(2j * np.pi * k / n) for k in range(n)]
    assert np.allclose(values, expected)
    for row in exact:
        for c in range(n):
            assert row[c] ** n == 1


@pytest.mark.parametrize("m", [3, 4, 5, 6, 7, 8])
def test_dihedral_class_and_degree_counts(m):
    # D_{2m}: (m+3)/2 classes for odd m, m/2 + 3 for even m; degrees 1 and 2
    G = groupdb.load(f"D{2 * m}") if m != 3 else groupdb.load("S3")
    assert G.nclasses == ((m + 3) // 2 if m % 2 else m // 2 + 3)
    assert sorted(set(G.degrees)) == [1, 2]


def test_quaternion_vs_dihedral_indicators():
    # the textbook distinction: Q8's 2-dim irrep is quaternionic, D8's is real
    assert groupdb.load("Q8").indicators[-1] == -1
    assert groupdb.load("D8").indicators[-1] == 1


def test_s3_tensor_products():
    c = tensor_coefficients(groupdb.load("S3"))
    # 2 ⊗ 2 = 1 + 1' + 2 and 1' ⊗ 1' = 1
    assert c[2, 2].tolist() == [1, 1, 1]
    assert c[1, 1].tolist() == [1, 0, 0]


def test_s3_over_c3_branching_and_query():
    G, N = groupdb.load("S3"), groupdb.load("C3")
    sub = G.subgroups_isomorphic_to(N.id)[0]
    M = branching(G, sub, N)
    # rows 1, 1', 2: trivial, trivial, (q=1) + (q=2)
    assert sorted(M.tolist()) == [[0, 1, 1], [1, 0, 0], [1, 0, 0]]
    found = groups_containing("C3", ramp=[[2, 0, 0], [0, 1, 1], [0, 1, 1]])
    assert [m.group.id for m in found] == [(6, 1)]


def test_cyclic_index_2_overgroups():
    # Groups G ⊃ C_n with index 2 and the "all sectors independent, each doubled" ramp 2·1
    # are exactly the groups of order 2n containing C_n with every irrep of C_n extended to
    # two 1-dim irreps: for n = 4 that is C8 and C4 x C2 (abelian), not D8 or Q8.
    names = sorted(m.group.name for m in groups_containing("C4", ramp=2 * np.eye(4, dtype=int)))
    assert names == ["C4 x C2", "C8"]


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_query_invariant_under_relabelling_by_automorphisms(data):
    """R and σ R σᵀ for σ in Aut(N) (as a charge relabelling q ↦ A q) give the same groups;
    a relabelling that is not an automorphism generally changes the answer."""
    moduli = data.draw(st.sampled_from([(2, 2), (4,), (3,), (2, 4), (6,)]))
    order_idx = data.draw(st.integers(2, 4))
    n = math.prod(moduli) * order_idx
    if n > store.max_order():
        return
    gid = (n, data.draw(st.integers(1, store.number_of_groups(n))))
    lab = charge_labelling(moduli)
    G = groupdb.load(gid)
    subs = G.subgroups_isomorphic_to(lab.group.id)
    if not subs:
        return
    M = branching(G, data.draw(st.sampled_from(subs)), lab.group)[:, list(lab.irreducible)]
    R = M.T @ M
    charges = lab.charges
    # an automorphism of the charge group: q -> a*q for a unit a of every modulus' lcm (cyclic),
    # or a swap of equal factors
    units = [a for a in range(1, math.lcm(*moduli)) if all(math.gcd(a, m) == 1 for m in moduli)]
    a = data.draw(st.sampled_from(units))
    image = [charges.index(tuple((a * q) % m for q, m in zip(c, moduli))) for c in charges]
    R2 = R[np.ix_(image, image)]
    base = {m.group.id for m in groups_containing(lab.group, ramp=R, labels=lab.irreducible)}
    assert gid in base
    assert {m.group.id for m in groups_containing(lab.group, ramp=R2, labels=lab.irreducible)} == base


def test_cyclotomic_arithmetic_closed_forms():
    z5 = Cyclotomic.root_of_unity(5)
    golden = -(z5**2 + z5**3)  # (1 + √5)/2
    assert golden * golden == golden + 1
    sqrt2 = Cyclotomic.root_of_unity(8) + Cyclotomic.root_of_unity(8, 7)
    assert sqrt2 * sqrt2 == 2
    assert (Cyclotomic.root_of_unity(12) ** 12) == 1
    assert Cyclotomic.root_of_unity(3).conjugate() == Cyclotomic.root_of_unity(3, 2)
    assert Cyclotomic.root_of_unity(7).norm() == 1
    assert (Cyclotomic.integer(3) + Cyclotomic.root_of_unity(4)).norm() == 10
