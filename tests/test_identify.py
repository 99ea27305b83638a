"""`symboot identify` end to end: the showcases, matrix files from random G-invariant chains,
ready-made xSFF curves (both layouts), and bad input.

Independent truth: the group a random chain is built from (its SmallGroups id is a fact
about the permutation group, e.g. S4 = [24,12]), S3's character table in closed form,
Frobenius–Schur indicators of D8/Q8 from groupdb (checked against GAP in the groupdb
tests), and random-matrix blocks with a prescribed branching for the xSFF files.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from click.testing import CliRunner

from ed.models import NAMED_GROUPS, ensemble, random_g_chain

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "data" / "models"


@pytest.fixture(autouse=True)
def _one_blas_thread():
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield


def _run(args):
    from symboot.cli import main

    kw = {"mix_stderr": False} if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else {}
    return CliRunner(**kw).invoke(main, args)


def _identify(args, tmp_path):
    out = tmp_path / "report"
    r = _run(["identify", *args, "--json", "--quiet", "-o", str(out)])
    assert r.exit_code in (0, 1), (r.exit_code, r.output, getattr(r, "stderr", ""))
    res = json.loads(r.stdout)
    assert Path(res["report"]).exists() and (out / "result.json").exists() and (out / "report.md").exists()
    return res


# ------------------------------------------------------------------ showcases (data/models)
@pytest.mark.slow
def test_showcase_s3_chain(tmp_path):
    res = _identify([str(MODELS / "s3_chain.json")], tmp_path)
    # H is real in the clock basis and S3 acts by real matrices: K commutes with S3 and every
    # irreducible of S3 is real, so the magnetic group is S3 x C2 = D12 [12,4] (all type a, GOE)
    assert res["verdict"] == "G = S3, unique, with an anti-unitary symmetry (magnetic group D12 [12,4])"
    assert res["groups"] == [[6, 1]] and res["antiunitary"]["magnetic_groups"] == [[12, 4]]
    (c,) = [c for c in res["candidates"] if c["groups"]]
    assert sorted(c["dims"]) == [1, 1, 2]
    two = c["dims"].index(2)
    F = np.array(c["fusion"])
    assert sorted(F[two, two].tolist()) == [1, 1, 1]  # 2 ⊗ 2 = 1 + 1' + 2
    assert sorted(c["class_sizes"]) == [1, 2, 3]


@pytest.mark.slow
def test_showcase_chiral_control(tmp_path):
    res = _identify([str(MODELS / "s3_chain_chiral.json")], tmp_path)
    assert res["groups"] == [[3, 1]] and "no hidden unitary symmetry" in res["verdict"]


@pytest.mark.slow
def test_showcase_ashkin_teller_potts_s4(tmp_path):
    """S4 ⊃ V4 = Z2 × Z2: the 2-dim irrep restricts to twice the trivial one (a branching
    multiplicity 2). The nearest-neighbour chain is built from Temperley–Lieb generators, whose
    commutant is larger than S4: a systematic family of 1 ⊕ 2 coincidences in the V4-trivial
    sector (census row (3,0,0,0), 54 multiplets at L = 6 against 286 of the 2-dim irrep),
    which no group explains: the report must say it set that row aside."""
    res = _identify([str(MODELS / "ashkin_teller_potts.json")], tmp_path)
    assert res["groups"] == [[24, 12]] and res["verdict"] == "G = S4, unique"
    (c,) = [c for c in res["candidates"] if c["groups"]]
    assert [2, 0, 0, 0] in c["branching"] and sorted(c["dims"]) == [1, 1, 2, 3, 3]
    assert any("[3, 0, 0, 0]" in n for n in res["notes"])


@pytest.mark.slow
def test_ashkin_teller_potts_with_next_nearest_coupling_needs_no_row_set_aside(tmp_path):
    """The next-nearest-neighbour Potts coupling K keeps S4 and removes the Temperley–Lieb
    coincidences of the nearest-neighbour chain: the census alone names S4, every row kept."""
    res = _identify([str(MODELS / "ashkin_teller_potts_nnn.json")], tmp_path)
    assert res["groups"] == [[24, 12]] and res["verdict"] == "G = S4, unique"
    assert sorted(res["data"]["census"]["rows"]) == [[0, 1, 1, 1], [1, 0, 0, 0], [2, 0, 0, 0]]
    assert not any("a sum of other rows" in n for n in res["notes"])


@pytest.mark.slow
def test_showcase_d8_over_c4_two_groups_and_advice(tmp_path):
    import groupdb
    from groupdb.characters import indicators

    res = _identify([str(MODELS / "d8_over_c4.json")], tmp_path)
    assert res["groups"] == [[8, 3], [8, 4]] and res["verdict"] == "one of D8, Q8"
    # the advice must name the datum groupdb says differs: the 2-dim irrep's indicator
    ind = {g: indicators(groupdb.load(g)) for g in ("D8", "Q8")}
    two = {g: [int(v) for v, d in zip(ind[g], groupdb.load(g).degrees) if d == 2] for g in ind}
    assert two == {"D8": [1], "Q8": [-1]}
    tr = [a for a in res["advice"] if a["kind"] == "time-reversal"]
    assert tr and "GOE" in json.dumps(tr[0]["predictions"]) and "GSE" in json.dumps(tr[0]["predictions"])
    report = Path(res["report"]).with_suffix(".md").read_text()
    assert "one of D8, Q8" in report and "GSE" in report


# ------------------------------------------------------------------ matrix + generator files
# (group, known permutations, local states q, L, SmallGroups id of G)
PAIRS = [
    ("S3", [[1, 2, 0]], 6, (6, 1)),
    ("A4", [[1, 2, 0, 3]], 5, (12, 3)),
    ("S4", [[1, 2, 3, 0]], 5, (24, 12)),
    ("S4", [[1, 0, 3, 2], [2, 3, 0, 1]], 5, (24, 12)),
    ("D8", [[1, 2, 3, 0]], 5, (8, 3)),
]


@pytest.mark.slow
@pytest.mark.parametrize("group,known,L,gid", PAIRS, ids=[f"{g}-{len(k)}gen-{k[0]}" for g, k, _, gid in PAIRS])
def test_matrix_files_random_g_chain(group, known, L, gid, tmp_path):
    gens, _ = NAMED_GROUPS[group]
    ms = ensemble(random_g_chain, 6, seed=11, group_gens=gens, L=L, known=known)
    args = []
    for i, m in enumerate(ms):
        sp.save_npz(tmp_path / f"H_{i}.npz", m.H)
        args += ["--matrix", str(tmp_path / f"H_{i}.npz")]
    for j, U in enumerate(ms[0].generators):
        sp.save_npz(tmp_path / f"U_{j}.npz", U)
        args += ["--generator", str(tmp_path / f"U_{j}.npz")]
    res = _identify(args, tmp_path)
    assert list(gid) in res["groups"], res["verdict"]
    if group in ("S3", "A4"):
        assert res["groups"] == [list(gid)]
    if group == "D8":  # C4 cannot tell D8 from Q8: both, and advice that does
        assert res["groups"] == [[8, 3], [8, 4]] and res["advice"]


def test_spectra_file(tmp_path):
    from ed.sectors import abelian_sectors
    from ed.spectra import compute_spectra, save_spectra

    gens, _ = NAMED_GROUPS["S3"]
    ms = ensemble(random_g_chain, 4, seed=7, group_gens=gens, L=6, known=[[1, 2, 0]])
    dec = abelian_sectors(ms[0].generators, ms[0].orders)
    save_spectra(compute_spectra([m.H for m in ms], dec, workers=1), tmp_path / "s.h5")
    res = _identify(["--spectra", str(tmp_path / "s.h5")], tmp_path)
    assert res["groups"] == [[6, 1]] and res["source"]["kind"] == "spectra"


# ------------------------------------------------------------------ xSFF files
def _authors_file(path, rows, block_dims, samples=60, seed=0):
    """Authors' layout from GUE blocks with a prescribed branching (rows of M per block)."""
    rng = np.random.default_rng(seed)
    S = len(rows[0])
    t = np.linspace(5, 400, 800)
    acc = np.zeros((S, S, len(t)))
    for _ in range(samples):
        Z = np.zeros((S, len(t)), dtype=complex)
        for row, D in zip(rows, block_dims):
            a = rng.standard_normal((D, D)) + 1j * rng.standard_normal((D, D))
            E = np.linalg.eigvalsh((a + a.conj().T) / np.sqrt(8 * D)) * 10
            z = np.exp(-1j * np.outer(t, E)).sum(axis=1)
            for mu in range(S):
                Z[mu] += row[mu] * z
        acc += np.einsum("at,bt->abt", Z, Z.conj()).real
    K = acc / samples
    dims = np.array([sum(r[mu] * D for r, D in zip(rows, block_dims)) for mu in range(S)])
    arrays = {"t_calc": t, "sector_keys": np.arange(S)[:, None], "sector_dims": dims, "d_irreps": np.ones(S, int),
              "n_samples": np.array(samples)}
    for a in range(S):
        for b in range(a, S):
            arrays[f"K_{a}_{b}"] = K[a, b]
            arrays[f"Ks_{a}_{b}"] = K[a, b]
    np.savez(path, **arrays)


def test_authors_layout_s3(tmp_path):
    # S3 over C3: 1 and 1' in q = 0, the doublet in q = 1, 2 (D_λ ∝ d_λ)
    _authors_file(tmp_path / "s3.npz", [[1, 0, 0], [1, 0, 0], [0, 1, 1]], [40, 40, 80])
    res = _identify(["--xsff", str(tmp_path / "s3.npz")], tmp_path)
    assert res["groups"] == [[6, 1]] and res["data"]["plateau"] == [[2, 0, 0], [0, 2, 2], [0, 2, 2]]
    assert any("smallest index" in n for n in res["notes"])


def test_symboot_layout_round_trip_gives_same_ramp(tmp_path):
    from ed.analysis import analyse
    from ed.xsff_io import load_xsff, save_xsff
    from ed.extract import extract_ramp

    gens, _ = NAMED_GROUPS["S3"]
    ms = ensemble(random_g_chain, 4, seed=5, group_gens=gens, L=6, known=[[1, 2, 0]])
    a = analyse([m.H for m in ms], ms[0].generators, ms[0].orders, workers=1)
    save_xsff(a.xsff, tmp_path / "x.npz")
    r2 = extract_ramp(load_xsff(tmp_path / "x.npz"))
    assert r2.matrix == extract_ramp(a.xsff).matrix
    res = _identify(["--xsff", str(tmp_path / "x.npz")], tmp_path)
    assert [6, 1] in res["groups"]


@pytest.mark.skipif(not (ROOT.parent / "shared" / "paper-data" / "S3_Chain_L8_th0.00_n200.npz").exists(),
                    reason="the authors' paper-data are not beside this clone")
def test_authors_published_s3_file(tmp_path):
    res = _identify(["--xsff", str(ROOT.parent / "shared" / "paper-data" / "S3_Chain_L8_th0.00_n200.npz")], tmp_path)
    assert res["verdict"].startswith("G = S3, unique; read with every pairing of sectors unitary")


# ------------------------------------------------------------------ bad input
@pytest.fixture(scope="module")
def small(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad")
    gens, _ = NAMED_GROUPS["S3"]
    m = random_g_chain(gens, 5, known=[[1, 2, 0]], rng=np.random.default_rng(0))
    sp.save_npz(d / "H.npz", m.H)
    sp.save_npz(d / "U.npz", m.generators[0])
    (d / "text.npz").write_text("not an npz")
    sp.save_npz(d / "tiny_H.npz", sp.csr_matrix(np.diag([1.0, 2.0, 3.0, 4.0])))
    sp.save_npz(d / "tiny_U.npz", sp.csr_matrix(np.diag([1.0, -1.0, 1.0, -1.0])))
    np.savez(d / "junk_xsff.npz", a=np.zeros(3))
    (d / "bad_model.json").write_text('{"model": "no_such_model"}')
    return d


@pytest.mark.parametrize("args,msg", [
    (["--matrix", "{d}/missing.npz", "--generator", "{d}/U.npz"], "not found"),
    (["--matrix", "{d}/text.npz", "--generator", "{d}/U.npz"], "cannot read"),
    (["--matrix", "{d}/H.npz", "--generator", "{d}/U.npz", "--order", "4"], "declared order 4"),
    (["--matrix", "{d}/tiny_H.npz", "--generator", "{d}/tiny_U.npz"], "too small"),
    (["--xsff", "{d}/junk_xsff.npz"], "not an xSFF file"),
    (["--xsff", "{d}/missing.npz"], "not found"),
    (["--spectra", "{d}/missing.h5"], "not found"),
    (["--spectra", "{d}/text.npz"], "cannot read spectra"),
    (["{d}/bad_model.json"], "unknown model"),
    (["s3_chain", "--param", "L=2"], "too small"),
    (["--matrix", "{d}/H.npz"], "generator"),
])
def test_bad_input_one_line_exit_2_nothing_written(small, args, msg, tmp_path):
    out = tmp_path / "report"
    r = _run(["identify", *[a.format(d=small) for a in args], "--quiet", "-o", str(out)])
    err = r.stderr if hasattr(r, "stderr") else r.output
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert r.exit_code == 2, (r.exit_code, err)
    assert len(lines) == 1 and msg in lines[0] and "Traceback" not in err
    assert not out.exists()
