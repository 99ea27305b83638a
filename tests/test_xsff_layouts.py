"""Every curve layout the authors (and experiments) use, read into the same plateau integers.

Independent truth: synthetic curves whose late-time value is a prescribed plateau
``P = c · Mᵀ diag(d) M`` (SPEC §2) for a branching known in closed form — S3 ⊃ C3, D8 ⊃
C2×C2, S4 ⊃ S3 (an N with a 2-dimensional irreducible, so isotypic n_μ D_μ and reduced
D_μ differ) — with the reduced dimensions D_μ = c [G:N] n_μ. The reader must hand back
``[G:N] · P / (D_μ / n_μ) = Mᵀ diag(d) M`` whatever the spelling of the curve names, the
order of a pair or of the sectors, raw or smoothed curves, NPZ or HDF5; and the authors'
three published files (../shared/paper-data, where present) must name S3, D8 and
(C3 x C3) : C4.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from common.errors import SymbootInputError
from ed.plateau import extract_plateau, plateau_for_index
from ed.xsff_io import abelian_charge_order, abelian_orders, load_xsff, save_curves

PAPER = Path(__file__).resolve().parents[2] / "shared" / "paper-data"

# (M^T diag(d) M, [G:N], n_mu) in closed form
S3_C3 = (np.array([[2, 0, 0], [0, 2, 2], [0, 2, 2]]), 2, [1, 1, 1])  # 1, 1' in q=0; the doublet in q=1, 2
D8_V4 = (np.array([[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 2], [0, 0, 2, 2]]), 2, [1, 1, 1, 1])  # lexicographic
# S4 ⊃ S3: 1→1, 1'→1', 2→2, 3→1+2, 3'→1'+2; d = (1, 1, 2, 3, 3)
S4_S3 = (np.array([[4, 0, 3], [0, 4, 3], [3, 3, 8]]), 4, [1, 1, 2])
C = 30  # D_mu / n_mu = C [G:N]


def _curves(case, noise=0.002, seed=0, T=400):
    """Times, curves K (S, S, T) per copy (late value C · X), isotypic dims n_mu D_mu, n_mu."""
    X, index, n = case
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 400.0, T)
    S = len(n)
    e = rng.standard_normal((S, S, T))
    e = (e + e.transpose(1, 0, 2)) / np.sqrt(2)
    K = C * X[:, :, None] * (1 - np.exp(-t / 20.0))[None, None, :] + noise * C * index * e
    D = C * index * np.asarray(n)
    return t, K, D * np.asarray(n), np.asarray(n)


def _write(path, t, K, iso, n, keys=None, labels=None, spell=None, reverse=False, raw=True, smooth=True,
           smooth_factor=1.0, extra=None):
    """A file in the authors' layout; ``spell(u)`` is sector u's token in the curve names."""
    S = len(iso)
    a = {"t_calc": t, "sector_dims": np.asarray(iso), "d_irreps": np.asarray(n), "n_samples": np.array(200)}
    a["sector_keys"] = np.arange(S)[:, None] if keys is None else np.asarray(keys)
    if labels is not None:
        a["sector_labels"] = np.array(labels)
    spell = spell or (lambda u: str(u))
    for i in range(S):
        for j in range(i, S):
            x, y = (spell(j), spell(i)) if reverse else (spell(i), spell(j))
            if raw:
                a[f"K_{x}_{y}"] = K[i, j]
            if smooth:
                a[f"Ks_{x}_{y}"] = smooth_factor * K[i, j]
    a.update(extra or {})
    np.savez(path, **a)
    return path


def _plateau(path, index):
    xs = load_xsff(path)
    return xs, plateau_for_index(extract_plateau(xs), None, index)


# ------------------------------------------------------------------ naming conventions
def test_single_charge_keys_joined(tmp_path):
    t, K, iso, n = _curves(S3_C3)
    xs, P = _plateau(_write(tmp_path / "s3.npz", t, K, iso, n), 2)
    assert P == S3_C3[0].tolist() and abelian_orders(xs) == (3,)
    assert xs.dims == [60, 60, 60] and xs.layout == "authors"


@pytest.mark.parametrize("style,sep", [("joined by _", "_"), ("concatenated", "")])
def test_charge_vector_keys(tmp_path, style, sep):
    keys = [[0, 0], [0, 1], [1, 0], [1, 1]]
    t, K, iso, n = _curves(D8_V4)
    path = _write(tmp_path / "d8.npz", t, K, iso, n, keys=keys, spell=lambda u: sep.join(map(str, keys[u])))
    xs, P = _plateau(path, 2)
    assert P == D8_V4[0].tolist() and abelian_orders(xs) == (2, 2)
    assert any(style in note for note in xs.notes)


@pytest.mark.parametrize("labels,spell,style", [
    (["(0,+)", "(0,-)", "[1,0]"], ["0_p", "0_m", "1_0"], "sector_labels joined by _"),
    (["(0,+)", "(0,-)", "[1,0]"], ["0p", "0m", "10"], "sector_labels concatenated"),
    (["0_p", "0_m", "2"], ["0_p", "0_m", "2"], "sector_labels joined by _"),
    (["A+", "A-", "E"], ["Ap", "Am", "E"], "sector_labels"),
])
def test_labels_with_two_dimensional_irreducible(tmp_path, labels, spell, style):
    # S4 ⊃ S3: the isotypic dimension of the doublet sector is twice its reduced one
    t, K, iso, n = _curves(S4_S3)
    xs, P = _plateau(_write(tmp_path / "s4.npz", t, K, iso, n, labels=labels, spell=lambda u: spell[u]), 4)
    assert P == S4_S3[0].tolist()
    assert xs.dims == [120, 120, 240] and xs.irrep_dims == [1, 1, 2] and xs.labels == labels
    assert any(style in note for note in xs.notes)
    # the normalisation is D_mu / n_mu (the same for every mu), not D_mu nor n_mu D_mu
    assert np.allclose(xs.per_copy, C * 4)
    assert plateau_for_index(extract_plateau(xs), None, 2) is None


def test_string_keys_as_given(tmp_path):
    keys = ["0_p", "0_m", "4_m"]
    t, K, iso, n = _curves(S4_S3)
    xs, P = _plateau(_write(tmp_path / "s.npz", t, K, iso, n, keys=np.array(keys), spell=lambda u: keys[u]), 4)
    assert P == S4_S3[0].tolist() and xs.labels == keys


def test_string_charge_keys_concatenated_give_charge_vectors(tmp_path):
    keys = ["00", "10", "01", "11"]
    o = [0, 2, 1, 3]  # stored sector -> lexicographic index
    t, K, iso, n = _curves(D8_V4)
    K = K[np.ix_(o, o)]
    xs, P = _plateau(_write(tmp_path / "s.npz", t, K, iso, n, keys=np.array(keys), spell=lambda u: keys[u]), 2)
    assert xs.charges == [(0, 0), (1, 0), (0, 1), (1, 1)]
    assert P == D8_V4[0][np.ix_(o, o)].tolist()
    assert abelian_charge_order(xs) == ((2, 2), [0, 2, 1, 3])


def test_either_order_of_a_pair(tmp_path):
    keys = [[0, 0], [0, 1], [1, 0], [1, 1]]
    t, K, iso, n = _curves(D8_V4)
    path = _write(tmp_path / "r.npz", t, K, iso, n, keys=keys, spell=lambda u: "".join(map(str, keys[u])),
                  reverse=True)
    assert "K_11_10" in np.load(path).files
    assert _plateau(path, 2)[1] == D8_V4[0].tolist()


# ------------------------------------------------------------------ sector order
def test_sector_order_as_stored_and_mapped_to_lexicographic(tmp_path):
    # the authors' other file: (00, 10, 01, 11), not lexicographic
    keys = [[0, 0], [1, 0], [0, 1], [1, 1]]
    o = [0, 2, 1, 3]
    t, K, iso, n = _curves(D8_V4)
    path = _write(tmp_path / "d8.npz", t, K[np.ix_(o, o)], iso, n, keys=keys,
                  spell=lambda u: "".join(map(str, keys[u])))
    xs, P = _plateau(path, 2)
    assert xs.charges == [tuple(k) for k in keys]  # stored order kept
    assert P == D8_V4[0][np.ix_(o, o)].tolist()
    assert abelian_orders(xs) is None  # not N's (lexicographic) order as it stands
    orders, order = abelian_charge_order(xs)
    lex = xs.reordered(order)
    assert orders == (2, 2) and lex.charges == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert plateau_for_index(extract_plateau(lex), None, 2) == D8_V4[0].tolist()
    assert abelian_orders(lex) == (2, 2)

    # with the sectors in N's order the pipeline names D8
    from bootstrap.known import known_subgroup
    from symboot.pipeline import identify_curves

    res = identify_curves(lex, known_subgroup({"abelian": [2, 2]}), {"kind": "xsff", "description": "t", "params": {}})
    assert res.groups == [(8, 3)]


def test_trivial_sector_not_first_is_found():
    from ed.xsff import XSFF

    xs = XSFF(np.zeros(1), np.zeros((3, 3, 1)), None, 0.0, 1.0, np.ones((3, 1)), np.zeros((3, 3)), None, 1, False,
              charges=[(2,), (0,), (1,)], dims=[5] * 3, irrep_dims=[1] * 3)
    assert abelian_orders(xs) is None and abelian_charge_order(xs) == ((3,), [1, 2, 0])
    assert abelian_charge_order(xs.reordered([1, 2, 0])) == ((3,), [0, 1, 2])


def test_identify_api_non_lexicographic_file(tmp_path):
    import symboot

    keys = [[1, 0], [0, 0], [0, 1], [1, 1]]  # trivial sector second: a misreading would not be an automorphism
    o = [2, 0, 1, 3]
    t, K, iso, n = _curves(D8_V4)
    path = _write(tmp_path / "d8.npz", t, K[np.ix_(o, o)], iso, n, keys=keys,
                  spell=lambda u: "".join(map(str, keys[u])))
    assert symboot.identify(xsff=path).groups == [(8, 3)]


# ------------------------------------------------------------------ raw and smoothed curves
def test_raw_curves_preferred_over_smoothed(tmp_path):
    t, K, iso, n = _curves(S3_C3)
    xs, P = _plateau(_write(tmp_path / "s.npz", t, K, iso, n, smooth_factor=2.0), 2)
    assert P == S3_C3[0].tolist() and np.allclose(xs.K_smooth, 2 * xs.K)


def test_smoothed_curves_alone(tmp_path):
    t, K, iso, n = _curves(S3_C3)
    xs, P = _plateau(_write(tmp_path / "s.npz", t, K, iso, n, raw=False), 2)
    assert P == S3_C3[0].tolist()
    assert any("smoothed" in note for note in xs.notes)


# ------------------------------------------------------------------ HDF5, measured curves with errors
def test_hdf5_round_trip_and_told_by_content(tmp_path):
    t, K, iso, n = _curves(S4_S3)
    labels = ["(0,+)", "(0,-)", "[1,0]"]
    path = save_curves(tmp_path / "m.h5", t, K, iso, n, sector_labels=labels, n_samples=50)
    renamed = path.rename(tmp_path / "m.dat")
    xs, P = _plateau(renamed, 4)
    assert xs.layout == "hdf5" and xs.labels == labels and xs.n_realisations == 50 and xs.K_err is None
    assert P == S4_S3[0].tolist()
    assert np.allclose(xs.K, K)


def test_npz_writer_reads_back(tmp_path):
    t, K, iso, n = _curves(D8_V4)
    path = save_curves(tmp_path / "m.npz", t, K, iso, n, sector_keys=[[0, 0], [0, 1], [1, 0], [1, 1]])
    assert "K_0_1_1_1" in np.load(path).files
    xs, P = _plateau(path, 2)
    assert P == D8_V4[0].tolist() and abelian_orders(xs) == (2, 2)


@pytest.mark.parametrize("err,exact", [(0.3, True), (40.0, False)])
def test_given_errors_set_the_confidence(tmp_path, err, exact):
    # the same (nearly noiseless) curves: small error bars give the integers, large ones do not
    t, K, iso, n = _curves(S3_C3, noise=1e-4)
    path = save_curves(tmp_path / "m.h5", t, K, iso, n, K_err=np.full(K.shape, err))
    xs = load_xsff(path)
    assert xs.K_err is not None and np.allclose(xs.K_err, err)
    pl = extract_plateau(xs)
    assert pl.err is not None and np.all(pl.err >= err / np.sqrt(8) / (C * 2) * 0.999)
    P = plateau_for_index(pl, None, 2)
    assert (P == S3_C3[0].tolist()) if exact else P is None


# ------------------------------------------------------------------ the authors' published files
def _paper(name):
    path = PAPER / name
    if not path.exists():
        pytest.skip(f"{path} not present (the authors' paper-data lie beside the clone, in ../shared)")
    return path


def test_paper_s3_chain():
    import symboot

    res = symboot.identify(xsff=_paper("S3_Chain_L8_th0.00_n200.npz"))
    assert res.groups == [(6, 1)] and res.verdict.startswith("G = S3, unique; read with every pairing of sectors unitary")
    # curves carry no level statistics: the verdict names the unitary group an anti-unitary
    # pairing of the sectors ±1 would leave (C3, index 2 in S3), never a silent pick
    assert res.verdict.endswith("the unitary group would be C3 [3,1] in S3 [6,1]")


def test_paper_d4_chain():
    import symboot

    res = symboot.identify(xsff=_paper("D4_Chain_L8_s0.25_n200.npz"))
    assert res.groups == [(8, 3)] and res.data.index == 2


def test_paper_qtc_pi_over_4():
    import symboot

    path = _paper("QTC_L9_th0.7854_n200.npz")
    xs = load_xsff(path)
    assert xs.dims == [1094, 1093, 2187, 2187, 2187, 2187] and xs.irrep_dims == [1, 1, 2, 2, 2, 2]
    want = [[2, 0, 0, 0, 0, 0], [0, 2, 0, 0, 0, 0], [0, 0, 4, 4, 0, 0], [0, 0, 4, 4, 0, 0],
            [0, 0, 0, 0, 4, 4], [0, 0, 0, 0, 4, 4]]
    assert plateau_for_index(extract_plateau(xs), None, 2) == want
    res = symboot.identify(xsff=path, subgroup={"id": [18, 4]})
    assert res.data.index == 2
    # the file's label order is taken as groupdb's irreducible order of N (the label map is the lead's)
    assert res.groups == [(36, 9)]
    # curves carry no symmetry class: the unitary reading is said, with the index-2 unitary half an
    # anti-unitary pairing would leave (GAP: [36,9] has one index-2 subgroup containing [18,4], itself [18,4])
    note = next(n for n in res.notes if "not read from curves" in n)
    assert "(C3 x C3) : C2 [18,4] in (C3 x C3) : C4 [36,9]" in note


# ------------------------------------------------------------------ bad files: one named error, exit 2
def _bad(tmp_path, name="bad.npz", drop=(), **changes):
    t, K, iso, n = _curves(S3_C3)
    path = _write(tmp_path / name, t, K, iso, n)
    a = dict(np.load(path))
    for k in drop:
        del a[k]
    a.update(changes)
    np.savez(path, **a)
    return path


@pytest.mark.parametrize("drop,changes,words", [
    (("K_0_2", "Ks_0_2"), {}, ["sector pair(s) 0 × 2 (K_0_2)", "conventions tried", "curves found"]),
    ((), {"sector_dims": np.array([60, 60])}, ["sector_dims has 2"]),
    ((), {"K_1_2": np.full(400, np.nan)}, ["K_1_2 contains NaN"]),
    ((), {"sector_dims": np.array([60, 61, 60]), "d_irreps": np.array([1, 2, 1])}, ["not divisible"]),
    ((), {"sector_labels": np.array(["a", "b"])}, ["sector_labels has 2"]),
    ((), {"K_err_0_0": np.ones(400)}, ["error curves for some pairs only"]),
    ((), {"K_0_1": np.full(400, "x")}, ["K_0_1 holds text"]),
])
def test_bad_file_named_error(tmp_path, drop, changes, words):
    with pytest.raises(SymbootInputError) as exc:
        load_xsff(_bad(tmp_path, drop=drop, **changes))
    msg = str(exc.value)
    assert "\n" not in msg and all(w in msg for w in words), msg


def test_no_convention_matches_lists_keys_and_conventions(tmp_path):
    t, K, iso, n = _curves(S3_C3)
    path = _write(tmp_path / "x.npz", t, K, iso, n, labels=["a", "b", "c"], spell=lambda u: "xyz"[u])
    with pytest.raises(SymbootInputError) as exc:
        load_xsff(path)
    msg = str(exc.value)
    assert "no key convention matches" in msg and "K_x_y" in msg and "\n" not in msg
    assert "sector_labels joined by _ (e.g. K_a_b" in msg and "sector_keys joined by _ (e.g. K_0_1" in msg


def test_bad_file_cli_exit_2(tmp_path):
    from symboot.cli import main

    path = _bad(tmp_path, drop=("K_0_2", "Ks_0_2"))
    kw = {"mix_stderr": False} if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else {}
    r = CliRunner(**kw).invoke(main, ["identify", "--xsff", str(path), "--quiet", "-o", str(tmp_path / "rep")])
    err = r.stderr if hasattr(r, "stderr") else r.output
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert r.exit_code == 2 and len(lines) == 1 and "K_0_2" in lines[0] and "Traceback" not in err
    assert not (tmp_path / "rep").exists()
