"""CP-SAT as the fusion-ring enumerator (bootstrap.cpsat, issue 14) against z3 and groupdb.

* on small branchings where z3 completes quickly, both enumerators complete with the same
  rings: as many, and each ring of one isomorphic (rows of M to equal rows) to one of the other;
* for groups from groupdb (built from GAP), the CP-SAT rings of the group's own branching
  over N include the group's true fusion ring (groupdb's tensor coefficients);
* no ring at all: z3's unsat core still names the refuted family;
* branchings: CP-SAT's one-solve enumeration and z3's model-by-model one give the same
  multiset of M (G's own among them), and z3 certifies where there is none.
"""
from __future__ import annotations

import time

import numpy as np
import pytest

import groupdb
from bootstrap.constraints import FUSION_AXIOMS, FUSION_RESTRICTION
from bootstrap.known import known_subgroup
from bootstrap.naming import ring_isomorphism
from bootstrap.solver import enumerate_fusion_rings
from groupdb.characters import tensor_coefficients
from groupdb.query import stored_branching

#: (G, N): a subgroup class of G ≅ N; the branching is G's own
GROUPS = [
    ((6, 1), (3, 1)),     # S3 ⊃ C3
    ((8, 3), (2, 1)),     # D8 ⊃ C2
    ((24, 12), (3, 1)),   # S4 ⊃ C3
    ((24, 3), (3, 1)),    # SL(2,3) ⊃ C3
    ((60, 5), (5, 1)),    # A5 ⊃ C5
    ((21, 1), (7, 1)),    # C7 : C3 ⊃ C7
]


def _branching(gid, nid):
    G, N = groupdb.load(gid), groupdb.load(nid)
    j = next(s.position for s in G.subgroups if s.id == nid)
    return G, known_subgroup({"id": list(nid)}), np.array(stored_branching(G, j, N)[0])


def _same(M, A, B) -> bool:
    if len(A) != len(B):
        return False
    left = list(range(len(B)))
    for F in A:
        hit = next((i for i in left if ring_isomorphism(M, F, M, B[i]) is not None), None)
        if hit is None:
            return False
        left.remove(hit)
    return True


SMALL = [
    (known_subgroup({"cyclic": 1}), np.array([[1]] * 4 + [[2]])),  # D8, Q8 (one ring), TY(C4): 2 rings
    (known_subgroup({"cyclic": 1}), np.array([[1]] * 2 + [[2]])),  # S3
    (known_subgroup({"cyclic": 1}), np.array([[1]] * 3 + [[3]])),  # A4 (C2 x C2 : C3) over 1
]


@pytest.mark.parametrize("case", range(len(SMALL) + len(GROUPS)))
def test_cpsat_and_z3_find_the_same_rings(case):
    if case < len(SMALL):
        known, M = SMALL[case]
    else:
        _, known, M = _branching(*GROUPS[case - len(SMALL)])
    z = enumerate_fusion_rings(known, M, time.monotonic() + 10, engine="z3")
    c = enumerate_fusion_rings(known, M, time.monotonic() + 10, engine="cpsat")
    assert z.complete and c.complete, (z.reason, c.reason)
    assert c.solutions and _same(M, z.solutions, c.solutions)


@pytest.mark.parametrize("gid,nid", GROUPS)
def test_cpsat_rings_include_the_groups_ring(gid, nid):
    G, known, M = _branching(gid, nid)
    res = enumerate_fusion_rings(known, M, time.monotonic() + 10, engine="cpsat")
    assert res.complete, res.reason
    F = np.array(tensor_coefficients(G), dtype=np.int64)
    assert any(ring_isomorphism(M, F, M, R) is not None for R in res.solutions)


def test_cpsat_no_ring_is_certified_by_z3():
    # two 1-dimensional rows and one of dimension 3 over N = 1: 1 + 1 + 9 = 11, but 1 ⊗ 3 = 3
    # and 3 ⊗ 3 = 9 = 1 + 1 + ... leaves no room: no fusion ring (restriction + axioms)
    known = known_subgroup({"cyclic": 1})
    M = np.array([[1], [1], [3]])
    z = enumerate_fusion_rings(known, M, time.monotonic() + 10, engine="z3")
    c = enumerate_fusion_rings(known, M, time.monotonic() + 10, engine="cpsat")
    assert z.complete and c.complete and not z.solutions and not c.solutions
    assert [v.constraint for v in c.violations] == [v.constraint for v in z.violations]


def test_cpsat_refutation_past_the_certificate_budget_names_both_families(monkeypatch):
    # with no time for z3's core, CP-SAT's "no ring" stands, naming both families and saying
    # that the core was not found: still complete, still no ring (never a ring invented)
    import bootstrap.cpsat as cpsat

    monkeypatch.setattr(cpsat, "CORE_LIMIT", 0.0)
    known = known_subgroup({"cyclic": 1})
    c = enumerate_fusion_rings(known, np.array([[1], [1], [3]]), time.monotonic() + 10, engine="cpsat")
    assert c.complete and not c.solutions
    assert [v.constraint for v in c.violations] == [f"{FUSION_RESTRICTION} + {FUSION_AXIOMS}"]
    assert "core not found" in c.violations[0].message


#: (G, N) whose own branching's R = MᵀM is the data: CP-SAT's and z3's branchings must agree
BRANCHING_QUERIES = GROUPS + [((24, 12), (2, 1)), ((16, 3), (2, 1)), ((24, 12), (4, 2)), ((56, 2), (7, 1)),
                              ((54, 3), (3, 1))]


def _ramp_data(gid, nid):
    from bootstrap.data import parse_data

    G, N = groupdb.load(gid), groupdb.load(nid)
    j = next(s.position for s in G.subgroups if s.id == nid)
    M, R = stored_branching(G, j, N)
    return np.array(M), parse_data({"subgroup": {"id": list(nid)}, "ramp": np.array(R).tolist()})


def _multiset(ms):
    return sorted((M.shape, M.tobytes()) for M in ms)


@pytest.mark.parametrize("gid,nid", BRANCHING_QUERIES)
def test_cpsat_and_z3_find_the_same_branchings(gid, nid):
    from bootstrap.solver import enumerate_branchings

    M, d = _ramp_data(gid, nid)
    z = enumerate_branchings(d, gid[0] // nid[0], time.monotonic() + 30, engine="z3")
    c = enumerate_branchings(d, gid[0] // nid[0], time.monotonic() + 30, engine="cpsat")
    assert z.complete and c.complete, (z.reason, c.reason)
    assert _multiset(z.solutions) == _multiset(c.solutions)
    # G's own branching (GAP, through groupdb) is one of them, up to row order
    assert sorted(M.tolist()) in [sorted(B.tolist()) for B in c.solutions]


def test_cpsat_branchings_reach_psl32_over_c7():
    # index 24: z3's model-by-model enumeration does not finish in 120 s here; CP-SAT's one solve
    # does, and G's own branching (GAP) is among the three it finds
    from bootstrap.solver import enumerate_branchings

    M, d = _ramp_data((168, 42), (7, 1))
    c = enumerate_branchings(d, 24, time.monotonic() + 10, engine="cpsat")
    assert c.complete, c.reason
    assert sorted(M.tolist()) in [sorted(B.tolist()) for B in c.solutions]


def test_no_branching_is_certified_by_z3():
    # over C3 at index 2, R = diag(2, 1, 1) asks for one row through ω and none meeting both ω and
    # the trivial charge: reciprocity (Σ c_v v_ω d_v = 2) cannot be met — z3's core names the families
    from bootstrap.data import parse_data
    from bootstrap.solver import enumerate_branchings

    d = parse_data({"subgroup": {"cyclic": 3}, "ramp": [[2, 0, 0], [0, 1, 0], [0, 0, 1]]})
    z = enumerate_branchings(d, 2, time.monotonic() + 10, engine="z3")
    c = enumerate_branchings(d, 2, time.monotonic() + 10, engine="cpsat")
    assert z.complete and c.complete and not z.solutions and not c.solutions
    assert z.violations and [v.constraint for v in c.violations] == [v.constraint for v in z.violations]


def test_a_disputed_stage_refutation_is_incomplete_and_adds_no_tensor():
    # certify_none given only the first family stage (restriction and one dual) of a branching
    # that has rings (S3 over 1): z3 satisfies that stage, so CP-SAT's "refuted" is disputed —
    # incomplete, and z3's model of the linear families (no ring) is not reported as one
    from bootstrap.cpsat import certify_none
    from bootstrap.solver import SearchResult

    res = SearchResult()
    certify_none(known_subgroup({"cyclic": 1}), np.array([[1], [1], [2]]), time.monotonic() + 10, None, None, res,
                 None, stages=1)
    assert not res.complete and not res.solutions and "linear" in res.reason


@pytest.mark.parametrize("gid", [(8, 3), (24, 3), (48, 28), (64, 4), (120, 34)])
def test_fusion_matrices_commute_agrees_with_the_definition(gid):
    """The blocked matrix-product check against N_i N_j = N_j N_i pair by pair: true for every
    group's tensor (groupdb, from GAP), and the same verdict on symmetric perturbations of it."""
    from bootstrap.cpsat import fusion_matrices_commute

    def by_pairs(F):
        return all(np.array_equal(F[i] @ F[j], F[j] @ F[i]) for i in range(len(F)) for j in range(i + 1, len(F)))

    F = tensor_coefficients(groupdb.load(gid))
    assert fusion_matrices_commute(F) and by_pairs(F)
    rng = np.random.default_rng(len(F))
    verdicts = set()
    for _ in range(6):
        E = np.zeros_like(F)
        i, j, l = rng.integers(1, len(F), size=3)
        E[i, j, l] = E[j, i, l] = 1
        G = F + E
        verdicts.add(by_pairs(G))
        assert fusion_matrices_commute(G) == by_pairs(G)
    assert False in verdicts  # the perturbations reach a non-commuting tensor


def test_distinct_rings_merges_a_relabelled_copy_and_keeps_both_past_the_deadline():
    """Rings found twice (a relabelling not blocked) merge into one; where the deadline has
    passed nothing is merged, every ring is kept and the merge says it did not finish."""
    from bootstrap.solver import _distinct_rings

    import itertools

    G = groupdb.load((48, 28))  # the binary octahedral group: degrees 1, 1, 2, 2, 2, 3, 3, 4
    F, M = tensor_coefficients(G), np.array(G.degrees, dtype=np.int64)[:, None]
    copies = (F[np.ix_(p, p, p)] for p in map(list, itertools.permutations(range(len(F))))
              if p[0] == 0 and np.array_equal(M[p], M))
    copy = next(C for C in copies if not np.array_equal(C, F))  # a relabelling that is no automorphism
    out, undecided, merged = _distinct_rings(M, [F, copy], time.monotonic() + 60)
    assert merged and not undecided and len(out) == 1 and out[0] is F
    out, _, merged = _distinct_rings(M, [F, copy], time.monotonic() - 1)
    assert not merged and len(out) == 2


@pytest.mark.parametrize("gid, nid", [((48, 28), (4, 1)), ((40, 5), (2, 1)), ((64, 53), (4, 1))])
def test_blocked_relabellings_permute_the_unknowns(gid, nid):
    """Every relabelling blocked under a fixed action of the 1-dimensional rows (its
    stabiliser) maps the model onto itself, so CP-SAT's canonical key reads it on the
    unknowns alone: none is left out, and each moves the unknowns by a permutation."""
    from bootstrap.cpsat import _Encoder, _unknown_permutations
    from bootstrap.linear import linear_actions, linear_automorphisms, linear_structures
    from bootstrap.solver import _ring_bounds, ring_relabellings

    _, K, M = _branching(gid, nid)
    (rows, tables), _, _ = linear_structures(K, M, time.monotonic() + 30)
    checked = 0
    for table in tables:
        auts = linear_automorphisms(M, rows, table, limit=720)
        actions, done, _ = linear_actions(K, M, rows, table, auts, time.monotonic() + 30)
        assert done
        for action in actions[:20]:
            perms, exact = ring_relabellings(M, (rows, table), action)
            if not exact:
                continue
            enc = _Encoder(action.bound(_ring_bounds(K, M)[1]), action.fixed, action.rep)
            moves = _unknown_permutations(enc.N.idx, enc.N.val, perms)
            assert len(moves) == len(perms) + 1
            assert np.array_equal(np.sort(moves, axis=1), np.broadcast_to(np.arange(moves.shape[1]), moves.shape))
            checked += len(perms) > 1
    assert checked  # some action has a relabelling besides the identity
