"""Magnetic readings (issue 13, paper example IV): which half of the named group is unitary.

The group theory (:mod:`bootstrap.magnetic`) against a live GAP: every sign character of
every group of order <= 48, its kernel's IdGroup and how many irreducibles stay irreducible
on the kernel (the type-a ones). The physics on the quantum torus chain (EXAMPLES §2): complex
conjugation K pairs the sectors 1_1 and 1_2 of N = (C3 x C3) : C2 at every theta; before,
the chain at theta = pi/6 was named "S3 x S3, unique" over N = C3 x C3 — K read as a unitary.
"""
from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

import groupdb
import symboot
from bootstrap.magnetic import magnetic_readings, sign_characters
from ed.models import quantum_torus_chain
from groupdb.store import ids_of_order
from tests.gap_oracle import run_gap

GAP_SIGNS = """
for n in [1..48] do
  for i in [1..NrSmallGroups(n)] do
    G := SmallGroup(n, i);
    for c in Filtered(Irr(G), x -> x[1] = 1 and x <> x^0 and ForAll(x, v -> v in [1, -1])) do
      K := KernelOfCharacter(c);
      Emit([n, i, IdGroup(K), Number(Irr(G), x -> ScalarProduct(Restricted(x, K), Restricted(x, K)) = 1)]);
    od;
  od;
od;
"""


def test_sign_characters_kernels_and_types_against_gap():
    """Over the trivial N every sign character qualifies; per group the multiset of
    (kernel id, number of type-a irreducibles) must be GAP's."""
    theirs = Counter((n, i, tuple(k), a) for n, i, k, a in run_gap(GAP_SIGNS))
    ours = Counter()
    for n, i in (gid for n in range(1, 49) for gid in ids_of_order(n)):
        G = groupdb.load((n, i))
        M = np.array([[d] for d in G.degrees])  # over the trivial group: the degrees
        assert len(sign_characters(G, M)) == sum(v for (a, b, _, _), v in theirs.items() if (a, b) == (n, i))
        for r in magnetic_readings(G, M)[1:]:
            assert r.unitary is not None, (n, i)
            ours[(n, i, tuple(r.unitary.id), r.types.count("a"))] += 1
    assert ours == theirs


def _qtc(L, theta, realisations, group=None):
    rng = np.random.default_rng(0)
    ms = [quantum_torus_chain(L, theta=theta, rng=rng) for _ in range(realisations)]
    if group is None:
        return symboot.identify([m.H for m in ms], list(ms[0].generators), progress=False, workers=1)
    gens = list(ms[0].generators) + [ms[0].extra["C"]]
    return symboot.identify([m.H for m in ms], gens, group=group, progress=False, workers=1)


def test_qtc_declared_n_pi6_is_n_itself_with_the_antiunitary_pairing():
    """N = (C3 x C3) : C2 declared, theta = pi/6: no unitary symmetry beyond N; K glues 1_1
    (input sector 5) with 1_2 (sector 6), read from the sector classes: the reading with
    every symmetry unitary has two GUE blocks in 0_1, where one GOE block is seen."""
    r = _qtc(6, np.pi / 6, 4, "[18,4]")
    assert r.groups == [(18, 4)], r.verdict
    assert r.verdict.startswith("G = N = ") and "anti-unitary" in r.verdict
    au = r.to_json()["antiunitary"]
    assert au["pairs"] == [[4, 5]] and au["magnetic_groups"] == [[36, 10]]
    assert au["sector_classes"][2] == "GOE"


def test_qtc_declared_n_pi4_is_the_z4_extension():
    """theta = pi/4: F extends C to a Z4, G = (C3 x C3) : C4 [36,9]; F K maps 1_1 to itself
    (sector 5 GOE). The readings with a unitary half of index 2 are excluded by the classes
    (0_p, 0_m each hold two blocks), so the verdict is the named group's, unchanged."""
    r = _qtc(6, np.pi / 4, 4, "[18,4]")
    assert r.groups == [(36, 9)] and r.verdict == "G = (C3 x C3) : C4, unique", r.verdict
    au = r.to_json()["antiunitary"]
    assert au["sector_classes"][4] == "GOE" and au["magnetic_groups"] == []
    assert [x["kind"] for x in au["readings"]] == ["automorphism"]


def test_qtc_abelian_n_small_size_is_never_the_unitary_reading():
    """Over N = C3 x C3 at L = 6 the class of the four-sector block is undecided: the verdict
    lists the unitary halves the classes allow, [18,4] among them, never S3 x S3 [36,10]."""
    r = _qtc(6, np.pi / 6, 4)
    assert (18, 4) in r.groups and (36, 10) not in r.groups, r.verdict
    assert set(r.groups) <= {(18, 3), (18, 4)}


@pytest.mark.slow
@pytest.mark.parametrize("theta, truth", [(np.pi / 6, (18, 4)), (np.pi / 4, (36, 9))])
def test_qtc_papers_size_names_the_unitary_group(theta, truth):
    """L = 9 (the paper's size, 2 realisations, ~70 s each): the classes decide — (1,1) GUE
    at pi/6, GOE at pi/4 — and the unitary group is unique."""
    r = _qtc(9, theta, 2)
    assert r.groups == [truth], r.verdict
    assert "unique" in r.verdict
    au = r.to_json()["antiunitary"]
    assert au["sector_classes"][4] == ("GUE" if truth == (18, 4) else "GOE")
