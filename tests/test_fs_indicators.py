"""Frobenius–Schur indicators of the bootstrap's candidates (the FS column of their tables).

Independent truth: the indicators groupdb stores, computed by GAP (Indicator(CharacterTable(G), 2))
at build time, and the closed forms for D8 and Q8 — D8's five irreducibles are real; Q8's
2-dimensional one is quaternionic (ν = -1), its four linear ones real. Self-duality of an
abstract ring's irreducible is read off its exact character table (a row is self-dual iff
its values are real), not from the fusion coefficient N_{λλ}^1 the code uses.
"""
from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

import groupdb
from bootstrap.character_table import candidate_indicators, ring_indicators
from bootstrap.data import parse_data
from bootstrap.engine import solve
from common import jsonio
from groupdb.characters import tensor_coefficients
from groupdb.display import format_character_table

# C4 ⊂ D8 (or Q8): R = MᵀM over C4's characters k = 0..3, i ↦ i^k
RAMP_C4 = [[2, 0, 0, 0], [0, 1, 0, 1], [0, 0, 2, 0], [0, 1, 0, 1]]
D8_FS, Q8_FS = (1, 1, 1, 1, 1), (1, 1, 1, 1, -1)  # in GAP's order: the 2-dimensional irreducible last


def test_groupdb_stores_the_closed_forms():
    assert groupdb.load("D8").indicators == D8_FS and groupdb.load("Q8").indicators == Q8_FS
    assert groupdb.load("Q8").degrees[-1] == 2


def _row_of_degree_two(c) -> int:
    return [int(x) for x in c.dims].index(2)


@pytest.mark.parametrize("abstract", [True, False])
def test_d8_q8_over_c4_disagree_on_the_two_dimensional_irreducible(abstract):
    r = solve(parse_data({"subgroup": {"cyclic": 4}, "ramp": RAMP_C4}), abstract=abstract)
    [c] = [c for c in r.candidates if c.groups]
    assert sorted(m.group.name for m in c.groups) == ["D8", "Q8"]
    fs = candidate_indicators(c)
    two = _row_of_degree_two(c)
    for m, got in zip(c.groups, fs.by_group):
        stored = {"D8": D8_FS, "Q8": Q8_FS}[m.group.name]
        assert got[two] == stored[-1]  # the unique 2-dimensional irreducible: +1 for D8, -1 for Q8
        assert sorted(got) == sorted(stored)  # every row fixed, the group's indicators
    assert fs.groups_differ
    assert fs.values[two] is None  # the groups disagree: not picked
    assert [v for i, v in enumerate(fs.values) if i != two] == [1, 1, 1, 1]
    out = json.loads(jsonio.dumps(c.to_json()))
    assert out["indicators"][two] is None and out["indicators"].count(1) == 4
    by_name = {g["name"]: g["indicators"] for g in out["groups"]}
    assert by_name["D8"][two] == 1 and by_name["Q8"][two] == -1


def test_abstract_only_candidate_leaves_self_dual_signs_open():
    r = solve(parse_data({"subgroup": {"cyclic": 4}, "ramp": RAMP_C4}))
    [c] = [c for c in r.candidates if not c.groups]  # the ring no group of order 8 realises
    values = [[complex(v) for v in row] for row in c.table.values]
    self_dual = [all(abs(v.imag) < 1e-9 for v in row) for row in values]
    assert self_dual.count(False) == 2  # a pair of complex-conjugate linear characters
    fs = candidate_indicators(c)
    assert fs.by_group == []
    for sd, d, v in zip(self_dual, c.dims, fs.values):
        if not sd:
            assert v == 0
        elif d % 2:
            assert v == 1  # a quaternionic irreducible has even degree
        else:
            assert v is None  # self-dual of even degree: + or -, not decided by the ring
    assert None in fs.values
    assert json.loads(jsonio.dumps(c.to_json()))["indicators"] == fs.values


def test_named_candidate_is_its_group():
    r = solve(parse_data({"subgroup": {"cyclic": 3}, "ramp": [[2, 0, 0], [0, 1, 1], [0, 1, 1]]}))
    [c] = r.candidates
    assert candidate_indicators(c).values == list(groupdb.load("S3").indicators) == [1, 1, 1]


def test_a_symmetry_of_the_data_leaves_the_sign_open():
    """Q8 x D8 with N trivial: the data (degrees, ring) are symmetric under exchanging the
    factors, which trades Q8's quaternionic 2-dimensional irreducible (times a linear one of
    D8) for D8's real one: those eight rows are undecided; every other row is fixed, and is
    the stored indicator of the irreducible it came from."""
    G = groupdb.load("Q8 x D8")
    F, M = tensor_coefficients(G), np.array(G.degrees)[:, None]
    perm = np.concatenate([[0], 1 + np.random.default_rng(0).permutation(len(F) - 1)])
    c = SimpleNamespace(fusion=F[np.ix_(perm, perm, perm)], branching=M[perm], dims=M[perm, 0],
                        found_by=["abstract", "named"], groups=[SimpleNamespace(group=G, branching=M)])
    got = candidate_indicators(c).values
    truth = [G.indicators[p] for p in perm]
    undecided = [i for i, v in enumerate(got) if v is None]
    assert sorted(int(c.dims[i]) for i in undecided) == [2] * 8
    assert sorted(truth[i] for i in undecided) == [-1] * 4 + [1] * 4
    assert all(got[i] == truth[i] for i in range(len(got)) if i not in undecided)
    assert truth.count(-1) == 5 and got.count(-1) == 1  # the 4-dimensional ρ_Q8 ⊗ ρ_D8 is fixed


def test_ring_indicators_and_the_fs_column():
    F = tensor_coefficients(groupdb.load("Q8"))
    assert ring_indicators(F, groupdb.load("Q8").degrees) == [1, 1, 1, 1, None]
    S3 = groupdb.load("S3")
    text = format_character_table(S3.table.exact(), S3.class_sizes, None, [1, 0, None])
    assert [line.split()[-1] for line in text.splitlines()[3:]] == ["+", "o", "±"]


# census rows of C4 ⊂ D8 / Q8 (charges k = 0..3): four linear characters restrict to k = 0 or 2,
# the 2-dimensional irreducible to k = 1 + 3
ROWS_C4 = [[1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0], [0, 1, 0, 1]]


@pytest.mark.parametrize("abstract", [True, False])
@pytest.mark.parametrize("nu, names", [
    ([1, 1, 1, 1, 1], ["D8"]),              # the closed forms: D8 all real
    ([1, 1, 1, 1, -1], ["Q8"]),             # Q8's 2-dimensional irreducible quaternionic
    ([1, 1, 1, 1, [1, -1]], ["D8", "Q8"]),  # a GOE-or-GSE block the data could not decide: both stay
    ([1, 1, 1, 1, 0], []),                  # a complex 2-dimensional irreducible: neither
])
def test_census_indicators_separate_d8_from_q8(nu, names, abstract):
    r = solve(parse_data({"subgroup": {"cyclic": 4}, "ramp": RAMP_C4,
                          "census": {"rows": ROWS_C4, "indicators": nu}}), abstract=abstract)
    assert sorted(groupdb.load(list(g)).name for g in r.groups) == names
    assert r.status == ("complete" if names else "inconsistent")


def test_census_indicators_order_is_the_rows_order():
    """The indicator belongs to its row: the quaternionic one on a linear row fits no group."""
    r = solve(parse_data({"subgroup": {"cyclic": 4}, "census": {"rows": ROWS_C4, "indicators": [-1, 1, 1, 1, 1]}}))
    assert r.groups == [] and r.status == "inconsistent"


def test_verify_names_the_indicators_as_the_reason():
    from bootstrap.verify import verify
    d = parse_data({"subgroup": {"cyclic": 4}, "census": {"rows": ROWS_C4, "indicators": [1, 1, 1, 1, 1]}})
    v = verify(d, "Q8")
    assert not v.consistent and "Frobenius–Schur indicators" in str(v.reasons[0])
    assert verify(d, "D8").consistent


@pytest.mark.parametrize("census, words", [
    ({"rows": ROWS_C4, "indicators": [1, 1, 1, 1]}, "one entry per census row"),
    ({"rows": ROWS_C4, "indicators": [1, 1, 1, 1, 2]}, "not a Frobenius–Schur indicator"),
    ({"rows": ROWS_C4, "indicators": [1, 1, 1, 1, []]}, "not a Frobenius–Schur indicator"),
    ({"rows": ROWS_C4, "indicators": [1, 1, 1, 1, True]}, "not an integer"),
])
def test_bad_census_indicators_are_named_errors(census, words):
    from common.errors import SymbootInputError
    with pytest.raises(SymbootInputError, match=words):
        parse_data({"subgroup": {"cyclic": 4}, "census": census})


@pytest.mark.parametrize("nu, names", [([1, -1, 1], ["Q8"]), ([1, 1, 1], ["D8"]), ([[1, 0], [1, -1], 1], ["D8", "Q8"])])
def test_distinct_census_indicators_bind_every_irreducible_of_a_row(nu, names):
    """A cluster census (distinct rows): the set of a row holds for each irreducible with it —
    the four linear characters of D8 and Q8 (two per row) are real, the 2-dimensional one decides."""
    rows = [[1, 0, 0, 0], [0, 1, 0, 1], [0, 0, 1, 0]]
    r = solve(parse_data({"subgroup": {"cyclic": 4}, "index": 2,
                          "census": {"rows": rows, "distinct": True, "indicators": nu}}))
    assert sorted(groupdb.load(list(g)).name for g in r.groups) == names
