"""The CLI contract on the ed side under bad input (issue 11): model files and parameters,
option values, matrices, xSFF files and spectra files.

Each case must exit 2 with exactly one ``symboot: error:`` line on stderr that names the
problem, no traceback, and nothing written to the working directory.
"""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import scipy.sparse as sp
from click.testing import CliRunner

from symboot.cli import main

#: texts of the old misleading messages (issue 11, section 5), never to come back
MISLEADING = ("Traceback", "allow_pickle", "zero width", "no power up to that", "can't multiply",
              "got shape (9, 9)")


@pytest.fixture(scope="module")
def d(tmp_path_factory):
    """Every input file of the table, built once from a tiny S3-invariant chain."""
    import h5py

    from ed.analysis import analyse
    from ed.models import NAMED_GROUPS, ensemble, random_g_chain
    from ed.spectra import save_spectra
    from ed.xsff_io import save_xsff

    d = tmp_path_factory.mktemp("inputs")
    ms = ensemble(random_g_chain, 2, seed=0, group_gens=NAMED_GROUPS["S3"][0], L=4, known=[[1, 2, 0]])
    sp.save_npz(d / "H.npz", ms[0].H)
    sp.save_npz(d / "U.npz", ms[0].generators[0])
    np.save(d / "cube.npy", np.zeros((3, 3, 3)))
    np.save(d / "text.npy", np.array([["a", "b"], ["c", "d"]]))
    np.savez(d / "text.npz", H=np.array([["a", "b"], ["c", "d"]]))
    np.savez(d / "objects.npz", H=np.array([1, "a", None], dtype=object))
    (d / "random.npz").write_bytes(np.random.default_rng(0).bytes(512))

    models = {
        "params_list.json": {"model": "s3_chain", "params": [1]},
        "no_model.json": {"params": {"L": 3}},
        "unknown_key.json": {"model": "s3_chain", "params": {"L": 3}, "colour": "blue"},
        "seed_text.json": {"model": "s3_chain", "params": {"L": 3}, "seed": "x"},
        "seed_negative.json": {"model": "s3_chain", "params": {"L": 3}, "seed": -1},
        "not_a_permutation.json": {"model": "random_g_chain",
                                   "params": {"group_gens": [[0, 0, 1]], "known": [[1, 2, 0]], "L": 3}},
        "known_outside.json": {"model": "random_g_chain", "params": {"group": "D8", "known": [[1, 0, 2, 3]], "L": 3}},
        "real_text.json": {"model": "random_g_chain", "params": {"group": "S3", "known": [[1, 2, 0]], "L": 3,
                                                                  "real": "false"}},
    }
    for name, obj in models.items():
        (d / name).write_text(json.dumps(obj))
    (d / "latin1.json").write_bytes(b'{"model": "s3_chain", "description": "caf\xe9"}')

    a = analyse([m.H for m in ms], ms[0].generators, ms[0].orders, workers=1, min_levels=3, n_times=40)
    save_xsff(a.xsff, d / "x.npz")
    base = dict(np.load(d / "x.npz"))

    def xsff_variant(name, **changes):
        arrays = {**base, **changes}
        np.savez(d / name, **{k: v for k, v in arrays.items() if v is not None})

    xsff_variant("x_version.npz", version=np.array(99))
    xsff_variant("x_decreasing.npz", t=base["t"][::-1].copy())
    xsff_variant("x_negative.npz", t=base["t"] - base["t"][-1])
    xsff_variant("x_nreal.npz", n_realisations=np.array(-1))
    xsff_variant("x_text.npz", K=base["K"].astype(str))
    xsff_variant("x_levels.npz", levels_1=None)

    t = np.linspace(30.0, 300.0, 60)
    authors = {"t_calc": t, "sector_keys": np.array([[0], [1], [2]]), "sector_dims": np.array([30, 30, 30]),
               "d_irreps": np.array([1, 1, 1]), "n_samples": np.array(20)}
    authors.update({f"K_{i}_{j}": np.full(len(t), 1.0 if i == j else 0.5) for i in range(3) for j in range(i, 3)})

    def authors_variant(name, **changes):
        np.savez(d / name, **{**authors, **changes})

    authors_variant("a_dims.npz", sector_dims=np.array([30, 30]))
    authors_variant("a_text.npz", K_0_1=np.full(len(t), "0.5"))
    authors_variant("a_decreasing.npz", t_calc=t[::-1].copy())
    authors_variant("a_nsamples.npz", n_samples=np.array(-1))

    save_spectra(a.spectra, d / "s.h5")

    def h5_variant(name, edit):
        shutil.copy(d / "s.h5", d / name)
        with h5py.File(d / name, "r+") as f:
            edit(f)

    def replace(key, value):
        def edit(f):
            del f[key]
            f[key] = value
        return edit

    def meta(f):
        m = json.loads(f.attrs["symboot_spectra"])
        m["dims"][2] += 5
        f.attrs["symboot_spectra"] = json.dumps(m)

    h5_variant("s_shape.h5", replace("sector_0", np.zeros(27)))
    h5_variant("s_text.h5", replace("sector_1", np.full((2, 27), b"1.0")))
    h5_variant("s_meta.h5", meta)
    h5_variant("s_realisations.h5", replace("sector_2", np.zeros((1, 27))))
    (d / "random.h5").write_bytes(np.random.default_rng(1).bytes(512))
    return d


def _check(args, word, d, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [a.format(d=d) for a in args])
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.output)
    assert len(lines) == 1 and lines[0].startswith("symboot: error:"), result.stderr
    assert word in lines[0], lines[0]
    assert not any(m in result.stderr for m in MISLEADING), result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args,word", [
    (["s3_chain", "--param", "L=0"], "L must be an integer >= 2"),
    (["s3_chain", "--param", "L=-1"], "L must be an integer >= 2"),
    (["s3_chain", "--param", "L=1"], "L must be an integer >= 2"),
    (["s3_chain", "--param", "L=2.5"], "L must be an integer"),
    (["s3_chain", "--param", "L=400"], "Hilbert-space dimension 3^400"),
    (["kdbh_effective", "--param", "L=400"], "Hilbert-space dimension"),
    (["s3_chain", "--param", "L=1" + "0" * 400], "astronomically large"),
    (["s3_chain", "--param", "L=3", "--param", "theta=1" + "0" * 400], "theta must be a real number"),
    (["random_g_chain", "--param", "group=[1]", "--param", "L=2", "--param", "known=[[1,0,2]]"],
     "group must be one of S3"),
    (["quantum_torus_chain", "--param", "L=4"], "divisible by 3"),
    (["s3_chain", "--param", "L=3", "--param", "theta=abc"], "theta must be a real number"),
    (["s3_chain", "--param", "L=3", "--param", "J0=NaN"], "J0 must be a real number"),
    (["s3_chain", "--param", "L=3", "--param", "sigma=-1"], "sigma must be a real number in [0"),
    (["s3_chain", "--param", "L=3", "--param", "colour=blue"], "unknown parameter(s) colour; accepted: L, theta"),
    (["s3_chain", "--param", "L=3", "--param", "rng=1"], "unknown parameter(s) rng"),
    (["{d}/params_list.json"], "params must be a JSON object"),
    (["{d}/no_model.json"], 'no "model" key'),
    (["{d}/unknown_key.json"], "unknown key(s) colour; accepted: model, params"),
    (["{d}/seed_text.json"], "seed must be an integer >= 0"),
    (["{d}/seed_negative.json"], "seed must be an integer >= 0"),
    (["{d}/not_a_permutation.json"], "[0, 0, 1] is not a permutation"),
    (["{d}/known_outside.json"], "not in the group"),
    (["{d}/real_text.json"], "real must be true or false"),
    (["{d}/latin1.json"], "not UTF-8"),
    (["random_g_chain", "--param", "group=D8", "--param", "L=3"], "missing parameter(s) known"),
])
def test_model_files_and_parameters(args, word, d, tmp_path, monkeypatch):
    _check(["identify", *args, "--quiet"], word, d, tmp_path, monkeypatch)


_XSFF = ["xsff", "--matrix", "{d}/H.npz", "--generator", "{d}/U.npz", "--quiet", "-o", "out.json"]
_IDENTIFY = ["identify", "--matrix", "{d}/H.npz", "--generator", "{d}/U.npz", "--quiet"]


@pytest.mark.parametrize("args,word", [
    (_XSFF + ["--times", "0"], "--times"),
    (_XSFF + ["--times", "-5"], "--times"),
    (_XSFF + ["--filter-width", "0"], "--filter-width"),
    (_XSFF + ["--filter-width", "nan"], "--filter-width"),
    (_XSFF + ["--filter-width", "-1"], "--filter-width"),
    (_XSFF + ["--order", "0"], "--order"),
    (_XSFF + ["--min-levels", "-1"], "--min-levels"),
    (_XSFF + ["--workers", "-2"], "--workers"),
    (_IDENTIFY + ["--workers", "0"], "--workers"),
    (_IDENTIFY + ["--min-levels", "-3"], "--min-levels"),
    (_IDENTIFY + ["--order", "0"], "--order"),
    (["identify", "s3_chain", "--seed", "-1", "--quiet"], "--seed"),
    (["identify", "s3_chain", "--seed", "x", "--quiet"], "--seed"),
    (["identify", "s3_chain", "--realisations", "0", "--quiet"], "--realisations"),
])
def test_option_values(args, word, d, tmp_path, monkeypatch):
    _check(args, word, d, tmp_path, monkeypatch)


@pytest.mark.parametrize("command", ["xsff", "identify"])
@pytest.mark.parametrize("role", ["--matrix", "--generator"])
@pytest.mark.parametrize("bad,word", [
    ("cube.npy", "not a square matrix"),
    ("text.npy", "holds text"),
    ("text.npz", "holds text"),
    ("objects.npz", "never loads"),
    ("random.npz", "not an NPY or NPZ file"),
])
def test_matrices_of_the_wrong_kind(command, role, bad, word, d, tmp_path, monkeypatch):
    files = {"--matrix": "{d}/H.npz", "--generator": "{d}/U.npz", role: "{d}/" + bad}
    _check([command, "--matrix", files["--matrix"], "--generator", files["--generator"], "--quiet"], word,
           d, tmp_path, monkeypatch)


@pytest.mark.parametrize("name,word", [
    ("x_version.npz", "version 99"),
    ("x_decreasing.npz", "strictly increasing"),
    ("x_negative.npz", "must be positive"),
    ("x_nreal.npz", "n_realisations must be positive"),
    ("x_text.npz", "K holds text"),
    ("x_levels.npz", "levels_1"),
    ("a_dims.npz", "sector_dims has 2"),
    ("a_text.npz", "K_0_1 holds text"),
    ("a_decreasing.npz", "strictly increasing"),
    ("a_nsamples.npz", "n_samples must be positive"),
    ("random.npz", "not an NPY or NPZ file"),
])
def test_xsff_files(name, word, d, tmp_path, monkeypatch):
    _check(["identify", "--xsff", "{d}/" + name, "--cyclic", "3", "--quiet"], word, d, tmp_path, monkeypatch)


@pytest.mark.parametrize("name,word", [
    ("s_shape.h5", "sector_0 has shape (27,)"),
    ("s_text.h5", "sector_1 holds bytes"),
    ("s_meta.h5", "expected (2, 32)"),
    ("s_realisations.h5", "expected (2, 27)"),
    ("random.h5", "cannot read spectra"),
    ("random.npz", "not an NPY or NPZ file"),
])
@pytest.mark.parametrize("command", ["xsff", "identify"])
def test_spectra_files(name, word, command, d, tmp_path, monkeypatch):
    _check([command, "--spectra", "{d}/" + name, "--quiet"], word, d, tmp_path, monkeypatch)
