"""Bootstrap engine against closed forms and hand-known tables (no GAP needed)."""
from __future__ import annotations

import itertools
import json
import click
import numpy as np
import pytest
from click.testing import CliRunner

from bootstrap.character_table import verify_table
from symboot.commands import commands
from bootstrap.data import parse_data
from bootstrap.engine import solve
from bootstrap.naming import ring_isomorphism
from bootstrap.verify import verify
import groupdb
from groupdb.characters import tensor_coefficients
from groupdb.cyclotomic import Cyclotomic
from common.errors import SymbootInputError

S3_C3 = {"subgroup": {"cyclic": 3}, "ramp": [[2, 0, 0], [0, 1, 1], [0, 1, 1]]}


def _cli() -> click.Group:
    """The `symboot` group with the bootstrap commands (whether or not cli.py registers them yet)."""
    from symboot.cli import _Group

    return _Group(name="symboot", commands={c.name: c for c in commands})


def run(args, tmp_path, obj=None):
    if obj is not None:
        path = tmp_path / "data.json"
        path.write_text(json.dumps(obj))
        args = [args[0], str(path), *args[1:]]
    return CliRunner().invoke(_cli(), args)


def test_s3_over_c3_table_is_s3s():
    r = solve(parse_data(S3_C3))
    assert r.status == "complete" and (r.index, r.order) == (2, 6)
    assert r.groups == [(6, 1)]
    (c,) = r.candidates
    assert "abstract" in c.found_by and "named" in c.found_by
    rows = sorted(tuple(int(v) for v in row) for row in c.table.values)
    # S3: columns identity, 3-cycles (size 2), transpositions (size 3)
    assert c.table.class_sizes == [1, 2, 3]
    assert rows == sorted([(1, 1, 1), (1, 1, -1), (2, -1, 0)])


@pytest.mark.parametrize("p", [5, 7, 11])
def test_trivial_n_prime_order_is_cyclic(p):
    """R = [[p]] over N = 1: only C_p, whose table is ζ_p^{jk} (closed form)."""
    r = solve(parse_data({"subgroup": {"cyclic": 1}, "ramp": [[p]]}), time_limit=20)
    assert r.status == "complete" and r.groups == [(p, 1)]
    (c,) = r.candidates
    vals = c.table.values
    z = Cyclotomic.root_of_unity(p)
    col1 = sorted(str(vals[j][1]) for j in range(p))
    assert col1 == sorted(str(z**j) for j in range(p))
    assert c.table.class_sizes == [1] * p


@pytest.mark.parametrize("gid", [(12, 3), (21, 1), (20, 3), (24, 12)])
def test_verify_table_accepts_gaps_tables_and_rejects_corrupted_ones(gid):
    """GAP's tables (groupdb) pass the exact check; one changed value, or one column replaced
    by another class's Galois-conjugate column (each column still an eigenvector), do not."""
    G = groupdb.load(gid)
    F, m = tensor_coefficients(G), G.exponent
    values = G.table.exact()
    assert verify_table(F, values, m)
    bumped = [row[:] for row in values]
    bumped[-1][-1] = bumped[-1][-1] + 1
    assert not verify_table(F, bumped, m)
    # a column duplicated in place of another: the column set is no longer the table's
    dup = [row[:1] + [row[-1]] + row[2:] for row in values]
    assert not verify_table(F, dup, m)


@pytest.mark.parametrize("gid", [(16, 3), (32, 27), (64, 138)])
def test_ring_isomorphism_finds_a_hidden_relabelling_and_refuses_other_tables(gid):
    """Shuffle G's irreducibles: an isomorphism must come back and map one tensor onto the
    other. A group with the same degrees and class sizes whose table (GAP's) holds other
    values has no isomorphic ring: the ring fixes the table up to permutations."""
    G = groupdb.load(gid)
    F, M = tensor_coefficients(G), np.array(G.degrees, dtype=np.int64)[:, None]
    rng = np.random.default_rng(gid[1])
    perm = np.concatenate([[0], 1 + rng.permutation(len(F) - 1)])
    F2, M2 = F[np.ix_(perm, perm, perm)], M[perm]
    pi = ring_isomorphism(M2, F2, M, F)
    assert pi is not None
    assert np.array_equal(F2[np.ix_(pi, pi, pi)], F) and np.array_equal(M2[pi], M)
    def entries(H):
        return sorted(str(v) for row in H.table.exact() for v in row)

    other = next(H for H in map(groupdb.load, groupdb.store.ids_of_order(gid[0])) if H.degrees == G.degrees
                 and sorted(H.class_sizes) == sorted(G.class_sizes) and entries(H) != entries(G))
    assert ring_isomorphism(M, F, M, tensor_coefficients(other)) is None


def test_reciprocity_violation_named_in_words(tmp_path):
    obj = {"subgroup": {"cyclic": 3}, "ramp": [[3, 0, 0], [0, 3, 0], [0, 0, 3]]}
    v = verify(parse_data(obj), "S3")
    assert not v.consistent
    assert str(v.reasons[0]) == "reciprocity: R n = 3 n means [G:N] = 3, but |S3| / |C3| = 2"
    res = run(["verify", "--group", "S3"], tmp_path, obj)
    assert res.exit_code == 1 and "reciprocity" in res.output


def test_not_an_eigenvector_is_inconsistent_with_section7_reading(tmp_path):
    obj = {"subgroup": {"cyclic": 3}, "ramp": [[3, 0, 0], [0, 3, 0], [0, 0, 1]]}
    res = run(["solve", "--json"], tmp_path, obj)
    assert res.exit_code == 1
    out = json.loads(res.output)
    assert out["status"] == "inconsistent" and out["violations"][0]["constraint"] == "reciprocity"
    assert "§7" in out["violations"][0]["message"]


def test_confidence_sets_and_plateau_keep_s3():
    sets = {"subgroup": {"cyclic": 3}, "ramp": [[2, 0, [0, 1]], [0, 1, 1], [[0, 1], 1, 1]]}
    assert (6, 1) in solve(parse_data(sets), time_limit=5).groups
    plateau = {"subgroup": {"cyclic": 3}, "plateau": [[2, 0, 0], [0, 2, 2], [0, 2, 2]], "max_order": 12}
    r = solve(parse_data(plateau), time_limit=5)
    assert (6, 1) in r.groups
    census = {"subgroup": {"cyclic": 3}, "census": {"rows": [[1, 0, 0], [1, 0, 0], [0, 1, 1]]}}
    assert solve(parse_data(census), time_limit=5).groups == [(6, 1)]


def test_d8_and_q8_share_a_candidate_over_their_centre():
    """D8 and Q8 have the same character table; over N = Z(G) ≅ C2 both give
    R = [[4, 0], [0, 4]] (4 linear characters trivial on the centre, one 2-dim faithful)."""
    r = solve(parse_data({"subgroup": {"cyclic": 2}, "ramp": [[4, 0], [0, 4]]}), time_limit=10)
    assert {(8, 3), (8, 4)} <= set(r.groups)
    shared = [c for c in r.candidates if {m.group.id for m in c.groups} >= {(8, 3), (8, 4)}]
    assert shared, "D8 and Q8 have isomorphic fusion rings with equal branching"


@pytest.mark.parametrize("obj, words", [
    ({"subgroup": {"cyclic": 3}, "ramp": [[2, 0, 1], [0, 1, 1], [0, 1, 1]]}, "not symmetric"),
    ({"subgroup": {"cyclic": 3}, "ramp": [[2, 0, 0], [0, -1, 1], [0, 1, 1]]}, "negative"),
    ({"subgroup": {"cyclic": 3}, "ramp": [[2, 0], [0, 1]]}, "3×3"),
    ({"subgroup": {"cyclic": 3}, "ramp": [[2, 0, 0], [0, 1.4, 1], [0, 1, 1]]}, "not an integer"),
    ({"subgroup": {"name": "NoSuchGroup"}, "ramp": [[1]]}, "unknown group"),
    ({"subgroup": {"cyclic": 3}}, "at least one"),
])
def test_bad_input_exit_2(tmp_path, obj, words):
    with pytest.raises(SymbootInputError, match=words):
        parse_data(obj)
    res = run(["solve"], tmp_path, obj)
    assert res.exit_code == 2, res.output


def test_time_limit_is_incomplete_not_no_solution(tmp_path):
    """|G| = 242 lies beyond the database (≤ 200): only the abstract search answers, and a
    tiny time limit must give 'incomplete' (exit 3)."""
    obj = {"subgroup": {"cyclic": 1}, "ramp": [[242]], "max_order": 250}
    res = run(["solve", "--json", "--time-limit", "0.05"], tmp_path, obj)
    assert res.exit_code == 3, res.output
    assert json.loads(res.output)["status"] == "incomplete"


def test_time_limit_covers_building_the_fusion_ring_constraints():
    """The limit bounds the whole abstract search, not only z3's checks: building the
    associativity terms at rank 11 ([G:N] = 38, N = 1) alone took 3.6 s against a 0.2 s limit."""
    r = solve(parse_data({"subgroup": {"cyclic": 1}, "ramp": [[38]]}), time_limit=0.2)
    assert r.abstract.status == "incomplete" and "time limit" in r.abstract.reason
    assert r.status == "complete" and r.groups == [(38, 1), (38, 2)]  # the named search is exhaustive there
    assert r.seconds < 2.0


def test_query_without_data_lists_overgroups_of_c3(tmp_path):
    res = CliRunner().invoke(_cli(), ["query", "--cyclic", "3", "--max-index", "2", "--json"])
    assert res.exit_code == 0, res.output
    names = {row["group"]["name"] for row in json.loads(res.output)["candidates"]}
    assert names == {"C3", "S3", "C6"}


@pytest.mark.parametrize("gid", [(24, 12), (48, 28), (64, 138), (120, 34)])
def test_ring_colours_travel_with_a_relabelling(gid):
    """ring_colours is an isomorphism invariant: relabel G's irreducibles (0 kept) and each
    irreducible keeps its colour (groupdb's tensors, from GAP)."""
    from bootstrap.naming import ring_colours

    G = groupdb.load(gid)
    F, M = tensor_coefficients(G), np.array(G.degrees, dtype=np.int64)[:, None]
    rng = np.random.default_rng(gid[1])
    for _ in range(3):
        perm = np.concatenate([[0], 1 + rng.permutation(len(F) - 1)])
        F2 = np.empty_like(F)
        F2[np.ix_(perm, perm, perm)] = F  # irreducible i of G is perm[i] in F2
        c, c2 = ring_colours(F, M), ring_colours(F2, M[np.argsort(perm)])
        assert [c2[perm[i]] for i in range(len(F))] == c
    assert ring_colours(F, M)[0] not in ring_colours(F, M)[1:]  # the unit stands apart


def test_ring_isomorphism_gave_up_is_undecided_not_no():
    """max_nodes exhausted: neither the permutation nor None (which means 'not isomorphic')."""
    from bootstrap.naming import IsomorphismUndecided

    G = groupdb.load((16, 3))
    F, M = tensor_coefficients(G), np.array(G.degrees, dtype=np.int64)[:, None]
    with pytest.raises(IsomorphismUndecided):
        ring_isomorphism(M, F, M, F, max_nodes=2)
    assert ring_isomorphism(M, F, M, F) is not None


def test_undecided_merge_keeps_the_named_group_apart_and_says_so(monkeypatch):
    """When the isomorphism search between the abstract S3 ring and the named S3 gives up, the
    named group stays its own candidate, both notes say the merge was undecided, and the
    abstract one is never called 'not group-like'."""
    import bootstrap.engine as engine

    monkeypatch.setattr(engine, "MERGE_NODES", 1)
    r = solve(parse_data(S3_C3))
    assert r.status == "complete" and r.groups == [(6, 1)]
    (a,) = [c for c in r.candidates if c.found_by == ["abstract"]]
    (n,) = [c for c in r.candidates if c.found_by == ["named"]]
    assert a.groups == [] and [m.group.id for m in n.groups] == [(6, 1)]
    assert "not decided" in a.note and "S3" in a.note and "not group-like" not in a.note
    assert "not decided" in n.note and "not merged" in n.note
    assert [m.group.id for m in a.unmatched] == [(6, 1)]


def test_reciprocity_failure_reports_both_searches_as_not_run():
    """A ramp no index satisfies (row sums 3 against N = C2's sector dimensions give no
    integral index): the searches never ran, and the JSON says so in the same shape as a
    completed search (the not-run named record once lacked 'unstored')."""
    r = solve(parse_data({"subgroup": {"cyclic": 2}, "ramp": [[1, 1], [1, 2]]}))
    assert r.status == "inconsistent" and r.violations
    assert (r.abstract.status, r.named.status) == ("not run", "not run")
    js = r.to_json()
    assert js["named"] == {"status": "not run", "orders": [], "unstored": [], "beyond_coverage": []}
    assert js["abstract"] == {"status": "not run", "reason": "", "killed": []}


def test_a_named_groups_ring_under_another_branching_names_that_group():
    """C4 x C2 over C2 x C2: the named search attaches C4 x C2 under one relabelling of Irr(N);
    the abstract search finds two more branchings of its ring (C4 x C2 has one class ≅ C2 x C2,
    its Ω1: they differ by which irreducible of N the order-4 characters square onto). Those
    once read 'not group-like', then 'not decided here'; each is C4 x C2 under another
    relabelling, checked here by brute force over Aut(N) = S3 on groupdb's stored branching."""
    from bootstrap.naming import ring_isomorphism
    from groupdb.characters import tensor_coefficients
    from groupdb.query import stored_branching
    G, N = groupdb.load([8, 2]), groupdb.load([4, 2])
    (H,) = G.subgroups_isomorphic_to(N.id)
    M = stored_branching(G, H.position, N)[0]
    F = tensor_coefficients(G)
    r = solve(parse_data({"subgroup": {"id": [4, 2]}, "ramp": (M.T @ M).tolist()}))
    ones = np.ones((8, 1), dtype=np.int64)
    ring_of_G = [c for c in r.candidates if ring_isomorphism(ones, c.fusion, ones, F) is not None]
    assert len(ring_of_G) == 3, [c.note for c in r.candidates]
    for c in ring_of_G:
        assert [m.group.id for m in c.groups] == [(8, 2)], c.note
        assert any(ring_isomorphism(c.branching, c.fusion, M[:, [0, *p]], F) is not None
                   for p in itertools.permutations(range(1, 4)))
    assert sum("another branching" in c.note for c in ring_of_G) == 2
    assert all(c.groups for c in r.candidates)  # the fourth is C2 x C2 x C2's
