"""Magnetic readings (issue 13, paper example IV): which half of the named group is unitary.

The group theory (:mod:`bootstrap.magnetic`) against a live GAP: every sign character of
every group of order <= 48, its kernel's IdGroup and how many irreducibles stay irreducible
on the kernel (the type-a ones). The physics on the quantum torus chain (EXAMPLES §2): complex
conjugation K pairs the sectors 1_1 and 1_2 of N = (C3 x C3) : C2 at every theta; before,
the chain at theta = pi/6 was named "S3 x S3, unique" over N = C3 x C3 — K read as a unitary.
"""
from __future__ import annotations

import json
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


GAP_DIMMOCK = """
for n in [2, 4 .. 48] do
  for i in [1..NrSmallGroups(n)] do
    M := SmallGroup(n, i);
    for G in Filtered(NormalSubgroups(M), H -> Index(M, H) = 2) do
      out := Difference(AsList(M), AsList(G));
      Emit([n, i, IdGroup(G), SortedList(List(Irr(G), chi -> [chi[1], Sum(out, b -> (b^2)^chi) / Size(G)]))]);
    od;
  od;
od;
"""


def test_dimmock_indicators_against_gap():
    """Wigner's type of each irreducible of every index-2 subgroup G of every group M of even
    order <= 48, the coset M - G anti-unitary: groupdb's tables (ν_M(Ind ρ) - ν_G(ρ)) against
    GAP's direct sum (1/|G|) Σ_{b ∉ G} χ_ρ(b²), as multisets of (degree, D) per (M, G)."""
    from bootstrap.magnetic import antiunitary_action, dimmock_indicators

    theirs = Counter((n, i, tuple(g), tuple(map(tuple, d))) for n, i, g, d in run_gap(GAP_DIMMOCK))
    ours = Counter()
    for n in range(2, 49, 2):
        for gid in ids_of_order(n):
            M = groupdb.load(gid)
            for sub in M.subgroups:
                if 2 * sub.order == n:
                    G = groupdb.load(sub.id)
                    D = dimmock_indicators(M, sub, G)
                    ours[(n, gid[1], tuple(sub.id), tuple(sorted(zip(G.degrees, D))))] += 1
                    # Wigner: ρ is glued (type c) exactly where the anti-unitary moves it, ρ ↦ conj(ρ^a)
                    a = antiunitary_action(M, sub, G)
                    assert all(a[a[i]] == i and (a[i] == i) == (D[i] != 0) for i in range(len(a))), (gid, sub.id)
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


GAP_QTC_MAGNETIC = """
f := FreeGroup("a", "b", "F", "K");; a := f.1;; b := f.2;; F := f.3;; K := f.4;;
M := f / [a^3, b^3, Comm(a, b), F^4, F*a*F^-1*b^-1, F*b*F^-1*a, K^2, K*a*K*a^-1, K*b*K*b, K*F*K*F];;
G := Subgroup(M, [M.1, M.2, M.3]);;
Emit([Size(M), IdGroup(G)[1] * 100 + IdGroup(G)[2], IdGroup(M)]);
"""


def test_qtc_declared_n_pi4_is_the_z4_extension():
    """theta = pi/4: F extends C to a Z4, G = (C3 x C3) : C4 [36,9]; F K maps 1_1 to itself
    (sector 5 GOE). The readings with a unitary half of index 2 are excluded by the classes
    (0_p, 0_m each hold two blocks), so the verdict is the named group's, unchanged."""
    r = _qtc(6, np.pi / 4, 4, "[18,4]")
    assert r.groups == [(36, 9)] and r.verdict.startswith("G = (C3 x C3) : C4, unique, with an anti-unitary"), \
        r.verdict
    au = r.to_json()["antiunitary"]
    assert au["sector_classes"][4] == "GOE"
    assert [x["kind"] for x in au["readings"]] == ["automorphism"]
    # the magnetic group M = <P_X, P_Z, F, K> (order 72, beyond the minimal index) is the one
    # named: K fixes P_X, inverts P_Z (Z is complex, X real) and F (F symmetric: F* = F^-1).
    # C2 x G (K commuting with G) would glue G's complex linear characters, each level twice in
    # their sector: the census has no such doubled row, so it is excluded
    (truth,) = run_gap(GAP_QTC_MAGNETIC)
    assert truth[:2] == [72, 36 * 100 + 9]
    assert au["magnetic_groups"] == [truth[2]], au["magnetic_groups"]


def test_qtc_abelian_n_small_size_is_never_the_unitary_reading():
    """Over N = C3 x C3 at L = 6 the class of the four-sector block is undecided: the verdict
    lists the unitary halves the classes allow, [18,4] among them, never S3 x S3 [36,10]."""
    r = _qtc(6, np.pi / 6, 4)
    assert (18, 4) in r.groups and (36, 10) not in r.groups, r.verdict
    assert set(r.groups) <= {(18, 3), (18, 4)}
    # the GUE block over the four sectors (±1, ±1) splits into [18,4]'s unitary orbits, which C
    # (charge inversion, the C2 of (C3 x C3) : C2) makes {μ, -μ}; the anti-unitary maps one onto the other
    j = r.to_json()
    charges = [tuple(map(int, n.split(","))) for n in r.known.sector_names]
    (fit,) = [x for x in j["antiunitary"]["readings"] if x["unitary"] == [18, 4]]
    four = [h for g, h in zip(fit["glued"], fit["glued_halves"]) if len(g) == 4]
    assert len(four) == 1 and four[0] is not None
    orbits = {frozenset(charges[i] for i in half) for half in four[0]}
    assert all(len(o) == 2 and {((-a) % 3, (-b) % 3) for a, b in o} == set(o) for o in orbits), orbits


@pytest.mark.slow
@pytest.mark.parametrize("theta, truth", [(np.pi / 6, (18, 4)), (np.pi / 4, (36, 9))])
def test_qtc_papers_size_names_the_unitary_group(theta, truth):
    """L = 9 (the paper's size, 2 realisations, ~70 s each): the classes decide — (1,1) GUE
    at pi/6, GOE at pi/4 — and the unitary group is unique."""
    r = _qtc(9, theta, 2)
    assert r.groups == [truth], r.verdict
    assert "unique" in r.verdict and "with an anti-unitary symmetry" in r.verdict
    au = r.to_json()["antiunitary"]
    assert au["sector_classes"][4] == ("GUE" if truth == (18, 4) else "GOE")
    if truth == (18, 4):  # K glues the four sectors (±1, ±1): pairs across C's orbits {μ, -μ}
        assert au["magnetic_groups"] == [[36, 10]] and au["pairs"]
    else:  # beyond the minimal index: GAP's IdGroup of <P_X, P_Z, F, K>
        assert au["magnetic_groups"] == [run_gap(GAP_QTC_MAGNETIC)[0][2]]


def test_s3_chain_real_but_chiral_is_z3_with_k(tmp_path):
    """The S3 chain at theta != 0 with a real transverse field (phi = 0) has no charge
    conjugation but is real: K maps q to -q, so sectors 1 and 2 coincide as under S3. Before,
    that was "G = S3, unique". The classes tell: sector 0 is one GOE block (K maps it to
    itself), not S3's two GUE blocks, and sector 1 is GUE, not the GOE an anti-unitary inside
    S3's orbits would make it."""
    from ed.models import ensemble, s3_chain
    from symboot.report import write_report

    ms = ensemble(s3_chain, 8, seed=0, L=6, theta=0.3)
    r = symboot.identify([m.H for m in ms], list(ms[0].generators), progress=False, workers=1)
    assert r.groups == [(3, 1)] and r.verdict.startswith("G = N = C3"), r.verdict
    au = r.to_json()["antiunitary"]
    assert au["pairs"] == [[1, 2]] and au["magnetic_groups"] == [[6, 1]]
    assert au["sector_classes"] == ["GOE", "GUE", "GUE"]
    md = (write_report(r, tmp_path / "rep").parent / "report.md").read_text()
    assert "Kept: unitary G = C3 [3,1], index 2 in the magnetic group M = S3 [6,1]; the anti-unitary glues 1 ↔ 2" in md


# ------------------------------------------------------------------ a given anti-unitary
def _c3_ring():
    """N = C3 on C^3 (the cyclic shift P), H = P + P^dagger; the Fourier vectors v_q span the sectors."""
    P = np.roll(np.eye(3), 1, axis=0)
    V = np.exp(2j * np.pi * np.outer(np.arange(3), np.arange(3)) / 3) / np.sqrt(3)
    return P + P.T, P, V


def _mixing(V, angle=0.4):
    """A unitary commuting with H that rotates v_1 into v_2 (H is -1 on both): T = A K spreads
    a sector over two, so it does not normalise N."""
    c, s = np.cos(angle), np.sin(angle)
    v0, v1, v2 = V[:, [0]], V[:, [1]], V[:, [2]]
    return v0 @ v0.conj().T + c * (v1 @ v1.conj().T + v2 @ v2.conj().T) + s * (v1 @ v2.conj().T - v2 @ v1.conj().T)


@pytest.mark.parametrize("make, message", [
    (lambda H, P, V: 2 * np.eye(3), "anti-unitary is not unitary"),
    (lambda H, P, V: np.diag([1, 1j, -1]), "anti-unitary does not commute with Hamiltonian 1"),
    (lambda H, P, V: P, "square A conj(A) is not +1 or -1 on sector"),
    (lambda H, P, V: _mixing(V), "does not map sector"),
])
def test_bad_antiunitary_is_one_named_error(tmp_path, make, message):
    """Not unitary, not a symmetry of H, T² = P² (not ±1), or T mixing sectors: exit 2, one
    line, no report written."""
    from click.testing import CliRunner

    from symboot.cli import main

    H, P, V = _c3_ring()
    for name, a in (("H.npy", H), ("P.npy", P), ("A.npy", make(H, P, V))):
        np.save(tmp_path / name, a)
    out = tmp_path / "rep"
    res = CliRunner().invoke(main, ["identify", "--matrix", str(tmp_path / "H.npy"), "--generator",
                                    str(tmp_path / "P.npy"), "--antiunitary", str(tmp_path / "A.npy"),
                                    "-o", str(out), "--quiet"])
    assert res.exit_code == 2, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("symboot: error: ") and message in lines[0], res.output
    assert not out.exists()


def test_antiunitary_sector_map_of_complex_conjugation_on_the_qtc():
    """K on the torus chain (real H): P_X's charge a goes to -a, P_Z's b stays (EXAMPLES §2:
    K maps the P_X charge to its negative); T² = +1 on every sector."""
    from ed.sectors import abelian_sectors
    from ed.symclass import antiunitary_sector_map

    m = quantum_torus_chain(3, theta=np.pi / 6, rng=np.random.default_rng(0))
    dec = abelian_sectors(m.generators, m.orders)
    tau, squares = antiunitary_sector_map(np.eye(27), dec)
    assert [dec.charges[t] for t in tau] == [((-a) % 3, b) for a, b in dec.charges]
    assert squares == [1] * 9


def test_given_antiunitary_fixes_the_pairs_and_excludes_the_unitary_reading():
    """N = [18,4] declared at pi/6 with T = K given: the pairs come from T (1_1 <-> 1_2), the
    reading with every symmetry unitary is excluded whatever the statistics, and the verdict
    is N itself."""
    rng = np.random.default_rng(0)
    ms = [quantum_torus_chain(6, theta=np.pi / 6, rng=rng) for _ in range(4)]
    gens = list(ms[0].generators) + [ms[0].extra["C"]]
    r = symboot.identify([m.H for m in ms], gens, group="[18,4]", antiunitary=np.eye(3 ** 6), workers=1)
    assert r.groups == [(18, 4)] and r.verdict.startswith("G = N = "), r.verdict
    au = r.to_json()["antiunitary"]
    assert au["given"] and au["given_squares"] == [1] * 6
    assert au["pairs"] == [[4, 5]] and au["given_map"] == [0, 1, 2, 3, 5, 4]
    assert "none" not in [x["kind"] for x in au["readings"]]


# ------------------------------------------------------------------ a model's own anti-unitary
def test_model_own_antiunitary_is_complex_conjugation_of_the_real_qtc(tmp_path):
    """`identify quantum_torus_chain --model-antiunitary`: the model's own T = K (its H is real in
    the clock basis) is checked against every realisation and used as a given one — its sector
    map is P_X's charge a -> -a, P_Z's b kept (the closed form of K on the clock operators), and
    the verdict over N = C3 x C3 never the all-unitary S3 x S3."""
    from click.testing import CliRunner

    from symboot.cli import main

    out = tmp_path / "rep"
    res = CliRunner().invoke(main, ["identify", "quantum_torus_chain", "--param", "L=6", "--param",
                                    "theta=0.5236", "--realisations", "4", "--model-antiunitary", "--json",
                                    "--quiet", "-o", str(out), "--workers", "1"])
    assert res.exit_code == 0, res.output
    j = json.loads(res.output)
    au = j["antiunitary"]
    charges = [tuple(s["charges"]) for s in j["data"]["sectors"]] if "sectors" in j["data"] else None
    assert au["given"] and au["given_squares"] == [1] * 9
    m = quantum_torus_chain(6, theta=np.pi / 6, rng=np.random.default_rng(0))
    from ed.sectors import abelian_sectors

    dec = abelian_sectors(m.generators, m.orders)
    want = [dec.charges.index(((-a) % 3, b)) for a, b in dec.charges]
    assert au["given_map"] == want and (charges is None or charges == [tuple(c) for c in dec.charges])
    assert (36, 10) not in [tuple(g) for g in j["groups"]] and [18, 4] in j["groups"]
    assert "the model's own" in (out / "report.md").read_text()


@pytest.mark.parametrize("args, message", [
    (["ashkin_teller_potts", "--param", "L=4", "--model-antiunitary"], "has no anti-unitary symmetry of its own"),
    (["s3_chain", "--param", "L=4", "--param", "phi=0.3", "--model-antiunitary"],
     "has no anti-unitary symmetry of its own"),
    (["s3_chain", "--param", "L=4", "--model-antiunitary", "--time-reversal"], "not both"),
])
def test_model_antiunitary_bad_requests_are_one_named_error(tmp_path, args, message):
    """A model without one (or with its parameters breaking it), or asked for with time reversal
    declared too: exit 2, one line, nothing written."""
    from click.testing import CliRunner

    from symboot.cli import main

    out = tmp_path / "rep"
    res = CliRunner().invoke(main, ["identify", *args, "--quiet", "-o", str(out), "--workers", "1"])
    assert res.exit_code == 2, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("symboot: error: ") and message in lines[0], res.output
    assert not out.exists()
