"""The CLI contract under hostile input (issue 11): a table of rows and three hypothesis properties.

The contract (README, "Exit codes"), checked for every row and every generated example:

* the exit code is one of 0 (success), 1 (a negative answer), 2 (bad input), 3 (incomplete);
* no uncaught exception and no ``Traceback`` anywhere in the output;
* on exit 2: exactly one line on stderr, starting ``symboot: error:``, nothing on stdout;
* nothing new on disk unless the exit code is 0, 1 or 3, and no temporary left behind;
* no pre-existing file changed or removed (contents, mtime, kind; symlinks stay symlinks);
* every ``--json`` output, ``spectra``'s summary line and every JSON file written is strict
  JSON (``json.loads`` with ``parse_constant`` raising: no bare NaN/Infinity).

Everything runs in-process through ``click.testing.CliRunner`` (one subprocess: Ctrl-C), in a
fresh ``tmp_path`` as the working directory. Matrices are the 81-dimensional S3 chain (L = 4),
so every successful spectral command takes well under a second.
"""
from __future__ import annotations

import copy
import hashlib
import itertools
import json
import os
import re
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
import scipy.sparse as sp
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from symboot.cli import main

ROOT = Path(__file__).resolve().parents[1]
S3_EXAMPLE = ROOT / "data" / "examples" / "s3_over_c3.json"
S3_RAMP = [[2, 0, 0], [0, 1, 1], [0, 1, 1]]
A4_RAMP = [[2, 1, 1], [1, 2, 1], [1, 1, 2]]
CODES = {0, 1, 2, 3}


@pytest.fixture(autouse=True)
def _one_blas_thread():
    """One BLAS thread: spinning BLAS threads on a shared 2-core box cost 10x."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield


# ------------------------------------------------------------------ strict JSON, snapshots
def _no_constant(name):
    raise ValueError(f"non-strict JSON constant {name}")


def strict_json(text: str, where: str, why: str = ""):
    try:
        return json.loads(text, parse_constant=_no_constant)
    except ValueError as exc:
        raise AssertionError(f"{where} is not strict JSON: {exc}: {text[:300]}{why}") from None


def snapshot(root: Path) -> dict:
    """Every entry below ``root``: kind, and for regular files size, mtime and a hash.
    FIFOs and devices are never opened; symlinks are not followed."""
    snap = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            rel = str(p.relative_to(root))
            st_ = os.lstat(p)
            if stat.S_ISLNK(st_.st_mode):
                snap[rel] = ("link", os.readlink(p))
            elif stat.S_ISDIR(st_.st_mode):
                snap[rel] = ("dir",)
            elif stat.S_ISREG(st_.st_mode):
                snap[rel] = ("file", st_.st_size, st_.st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            elif stat.S_ISFIFO(st_.st_mode):
                snap[rel] = ("fifo",)
            elif stat.S_ISCHR(st_.st_mode):
                snap[rel] = ("chr", st_.st_rdev)
            else:
                snap[rel] = ("other", stat.S_IFMT(st_.st_mode))
    return snap


_TEMP_NAME = re.compile(r"\.tmp|tmp\.|symboot-probe|^tmp", re.I)


def _run(argv: list[str]):
    return CliRunner().invoke(main, argv, prog_name="symboot")


def _describe(argv, result) -> str:
    tb = ""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        tb = "".join(traceback.format_exception(*result.exc_info))[-3000:]
    return (f"\n$ symboot {shlex.join(argv)}\nexit {result.exit_code}\n--- stdout\n{result.stdout[-1500:]}"
            f"\n--- stderr\n{result.stderr[-1500:]}\n{tb}")


def assert_contract(argv, result, before, after, *, may_change=(), expect_json_stdout=None):
    """The contract above; returns the exit code."""
    why = _describe(argv, result)
    assert result.exception is None or isinstance(result.exception, SystemExit), "uncaught exception" + why
    code = result.exit_code
    assert code in CODES, f"exit code {code} not in {sorted(CODES)}" + why
    assert "Traceback" not in result.stdout + result.stderr, "traceback in the output" + why
    if code == 2:
        lines = result.stderr.strip("\n").splitlines()
        assert len(lines) == 1 and lines[0].startswith("symboot: error:"), \
            "exit 2 needs exactly one stderr line 'symboot: error: ...'" + why
        assert result.stdout == "", "exit 2 printed on stdout" + why
    # the disk: nothing pre-existing changed or removed
    for rel, old in before.items():
        new = after.get(rel)
        assert new is not None, f"pre-existing {rel} was removed" + why
        assert new[0] == old[0], f"pre-existing {rel} changed kind: {old[0]} -> {new[0]}" + why
        if rel not in may_change:
            assert new == old, f"pre-existing {rel} was changed" + why
    created = sorted(set(after) - set(before))
    if code == 2:
        assert not created, f"exit 2 but new on disk: {created}" + why
    leftovers = [r for r in created if _TEMP_NAME.search(Path(r).name)]
    assert not leftovers, f"temporary file(s) left behind: {leftovers}" + why
    # strict JSON
    if code in (0, 1, 3):
        if expect_json_stdout if expect_json_stdout is not None else "--json" in argv:
            strict_json(result.stdout, "stdout", why)
        for rel in created + [r for r in may_change if r in after]:
            if rel.endswith(".json") and after[rel][0] == "file":
                strict_json(Path(rel).read_text(), rel, why)  # cwd is the tmp root
    return code


# ------------------------------------------------------------------ assets
@pytest.fixture(scope="session")
def assets(tmp_path_factory) -> dict[str, Path]:
    """Valid inputs, built once: two S3-chain Hamiltonians (L = 4, 81 x 81), the Z3 generator,
    spectra (h5, npz) and xSFF curves in symboot's layout (made by the CLI itself), and a small
    file in the authors' layout."""
    from ed.models import s3_chain

    d = tmp_path_factory.mktemp("assets")
    ms = [s3_chain(4, rng=np.random.default_rng(k)) for k in range(2)]
    out = {}
    for k, m in enumerate(ms):
        sp.save_npz(d / f"H{k}.npz", sp.csr_matrix(m.H))
        out[f"H{k}"] = d / f"H{k}.npz"
    sp.save_npz(d / "U.npz", sp.csr_matrix(ms[0].generators[0]))
    out["U"] = d / "U.npz"
    cwd = os.getcwd()
    os.chdir(d)
    try:
        mats = ["--matrix", "H0.npz", "--matrix", "H1.npz", "--generator", "U.npz", "--workers", "1", "--quiet"]
        for argv in (["spectra", *mats, "-o", "sp.h5"], ["spectra", *mats, "-o", "sp.npz"],
                     ["xsff", *mats, "--save-xsff", "x.npz"]):
            r = _run(argv)
            assert r.exit_code == 0, _describe(argv, r)
    finally:
        os.chdir(cwd)
    out.update(sp_h5=d / "sp.h5", sp_npz=d / "sp.npz", xsff=d / "x.npz")
    # the authors' layout: C3 sectors, linear times, S3-like plateau
    t = np.linspace(0.25, 50.0, 200)
    rng = np.random.default_rng(0)
    a = dict(t_calc=t, sector_keys=np.array([[0], [1], [2]]), sector_dims=np.array([200, 200, 200]),
             d_irreps=np.array([1, 1, 1]))
    for (i, j), p in {(0, 0): 2.0, (1, 1): 1.0, (2, 2): 1.0, (1, 2): 1.0, (0, 1): 0.0, (0, 2): 0.0}.items():
        a[f"K_{i}_{j}"] = p * np.minimum(1, t / 10) + 0.01 * rng.standard_normal(t.size)
    np.savez(d / "authors.npz", **a)
    out["authors"] = d / "authors.npz"
    return out


# file makers: each is called as maker(target_path, assets)
def A(name: str) -> Callable:
    """A copy of an asset."""
    return lambda p, assets: shutil.copyfile(assets[name], p)


def npz_edit(name: str, drop=(), **changes) -> Callable:
    """An asset NPZ with arrays dropped or replaced."""
    def make(p, assets):
        with np.load(assets[name], allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files if k not in drop}
        for k, v in changes.items():
            arrays[k] = v(arrays) if callable(v) else np.asarray(v)
        np.savez(p, **arrays)
    return make


def h5_edit(edit: Callable) -> Callable:
    """The asset spectra file (HDF5) changed in place by ``edit(h5py.File)``."""
    def make(p, assets):
        import h5py

        shutil.copyfile(assets["sp_h5"], p)
        with h5py.File(p, "a") as f:
            edit(f)
    return make


def _h5_meta(f, **changes):
    meta = json.loads(f.attrs["symboot_spectra"])
    meta.update(changes)
    f.attrs["symboot_spectra"] = json.dumps(meta)


def _h5_replace(f, key, data):
    del f[key]
    f.create_dataset(key, data=data)


def array(a, npz_key=None) -> Callable:
    def make(p, assets):
        if npz_key is None:
            np.save(p, a, allow_pickle=a.dtype == object)
        else:
            np.savez(p, **{npz_key: a})
    return make


def text(obj) -> str:
    return json.dumps(obj, allow_nan=True)


class Link:
    def __init__(self, target: str):
        self.target = target


FIFO = object()
CHARDEV = object()
DIR = object()


def make_files(files: dict, root: Path, assets) -> None:
    for rel, v in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if v is DIR:
            p.mkdir(exist_ok=True)
        elif v is FIFO:
            os.mkfifo(p)
        elif v is CHARDEV:
            try:  # a private copy of /dev/null: never touch the system's own
                os.mknod(p, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
            except (PermissionError, OSError) as exc:
                pytest.skip(f"cannot create a character device here ({exc})")
        elif isinstance(v, Link):
            os.symlink(v.target, p)
        elif isinstance(v, bytes):
            p.write_bytes(v)
        elif isinstance(v, str):
            p.write_text(v)
        elif isinstance(v, (dict, list)):
            p.write_text(text(v))
        else:
            v(p, assets)
    # pre-existing files get an mtime in the past, so a rewrite shows even on coarse clocks
    past = time.time() - 3600
    for p in root.rglob("*"):
        if p.is_file() and not p.is_symlink():
            os.utime(p, (past, past))


# ------------------------------------------------------------------ the table
@dataclass
class Row:
    id: str
    cmd: str                       # shell words after `symboot`
    code: int | tuple              # expected exit code(s)
    word: str | None = None        # exit 2: a regex the message must match (case-insensitive)
    files: dict = field(default_factory=dict)
    absent: tuple = ()             # texts that must not appear in stdout/stderr (misleading advice)
    may_change: tuple = ()         # pre-existing paths the command may rewrite (symlink targets)
    check: Callable | None = None  # check(tmp_path, result) for what the row is about
    reader: str | None = None      # a FIFO to drain while the command runs


MATS = {"H0.npz": A("H0"), "H1.npz": A("H1"), "U.npz": A("U")}
M1 = "--matrix H0.npz --generator U.npz --workers 1 --quiet"
M2 = "--matrix H0.npz --matrix H1.npz --generator U.npz --workers 1 --quiet"
S3 = {"s3.json": A("s3_example")}
ID4 = "identify s3_chain --param L=4 --realisations 2 --quiet"
R_C9A4 = np.kron(np.eye(9, dtype=int), np.array(A4_RAMP)).tolist()  # charge (a, b): a (C9) slowest
C9A4 = {"c9a4.json": {"subgroup": {"abelian": [9, 3]}, "ramp": R_C9A4}}


def _ramp_c2_s4() -> list[list[int]]:
    """S3 x S4 ⊃ C2 x S4: R = R(S3 ⊃ C2) ⊗ 1 on S4's irreducibles, i.e. 2 on the diagonal and 1
    between (ε, ρ) and (-ε, ρ) = λ ⊗ (ε, ρ), λ a linear character that is -1 on the central
    involution (either choice: an automorphism of C2 x S4 swaps them)."""
    import groupdb
    from groupdb.characters import tensor_coefficients

    N = groupdb.load("C2 x S4")
    z = next(k for k, (s, o) in enumerate(zip(N.class_sizes, N.element_orders)) if s == 1 and o == 2)
    lam = next(i for i, d in enumerate(N.degrees) if d == 1 and N.table.values[i][z] == -1)
    c = tensor_coefficients(N)
    R = 2 * np.eye(len(N.degrees), dtype=int)
    for i in range(len(N.degrees)):
        R[i, int(np.argmax(c[lam, i]))] += 1
    return R.tolist()


def _abstract_incomplete(tmp, r):
    obj = strict_json(r.stdout, "stdout")
    assert isinstance(obj.get("abstract"), dict) and obj["abstract"].get("status") == "incomplete", \
        "--json needs the abstract search's own status ('incomplete' at --time-limit 0.001)"


def _not_inconsistent(tmp, r):
    assert "inconsistent" not in r.stdout.lower() and "has no subgroup" not in r.stdout, \
        "a definite 'no' for a query beyond the stored subgroup classes"


def _still(kind_test, rel):
    def check(tmp, r):
        assert kind_test(os.lstat(tmp / rel).st_mode), f"{rel} is no longer what it was"
    return check


def _symlink_written_through(link, target):
    def check(tmp, r):
        assert (tmp / link).is_symlink(), f"{link} is no longer a symlink"
        if r.exit_code == 0:
            assert (tmp / target).read_bytes() != b"old", f"{target} (the link's target) was not written"
    return check


def _readme_transcript(cmd: str) -> list[str]:
    """The output README.md shows after ``$ symboot <cmd>`` (up to the closing fence)."""
    lines = (ROOT / "README.md").read_text().splitlines()
    start = lines.index(f"$ symboot {cmd}") + 1
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("```"))
    return lines[start:end]


def _as_in_readme(cmd: str):
    """The README's transcript: equal JSON, or its lines in order (``...`` skips lines)."""
    def check(tmp, r):
        shown = _readme_transcript(cmd)
        if "--json" in cmd:
            assert strict_json(r.stdout, "stdout") == strict_json("\n".join(shown), "README"), \
                f"README shows {shown} for `symboot {cmd}`, got {r.stdout}"
            return
        got = iter(r.stdout.splitlines())
        for line in shown:
            if line.strip() in ("...", "…"):
                continue
            assert any(g == line for g in got), f"README line {line!r} missing (in order) from\n{r.stdout}"
    return check


README_S3 = {"data/examples/s3_over_c3.json": A("s3_example")}
_README_GQ = f"groups query --cyclic 3 --ramp '{json.dumps(S3_RAMP, separators=(',', ':'))}' --max-order 100 --json"

ROWS = [
    # ---- README examples (fast ones)
    Row("readme-solve-s3-transcript", "solve data/examples/s3_over_c3.json", 0, files=README_S3,
        check=_as_in_readme("solve data/examples/s3_over_c3.json")),
    Row("readme-verify-a4-transcript", "verify data/examples/s3_over_c3.json --group A4", 1, files=README_S3,
        check=_as_in_readme("verify data/examples/s3_over_c3.json --group A4")),
    Row("readme-groups-query-transcript", _README_GQ, 0, check=_as_in_readme(_README_GQ)),
    Row("readme-solve-s3-json", "solve s3.json --json", 0, files=S3),
    Row("readme-verify-a4-inconsistent", "verify s3.json --group A4", 1, files=S3),
    Row("readme-verify-s3-consistent", "verify s3.json --group S3 --json", 0, files=S3),
    Row("readme-query-cyclic3-index8", "query --cyclic 3 --max-index 8", 0),
    Row("readme-query-cyclic3-index8-json", "query --cyclic 3 --max-index 8 --json", 0),
    Row("readme-query-abelian2x2-ramp", "query --abelian 2x2 --ramp '[[2,0,0,0],[0,1,1,0],[0,1,1,0],[0,0,0,2]]' "
        "--max-order 64 --json", (0, 1)),
    Row("readme-groups-show-s4", "groups show S4", 0),
    Row("readme-groups-show-s4-json", "groups show S4 --json", 0),
    Row("readme-groups-list-8", "groups list --order 8", 0),
    Row("readme-groups-fingerprint", "groups fingerprint --degrees 1,1,2 --class-sizes 1,2,3", 0),
    Row("readme-groups-info", "groups info", 0),
    Row("readme-identify-tiny-default-dir", ID4, 0,
        check=lambda tmp, r: (tmp / "symboot-report" / "report.html").is_file() or pytest.fail("no symboot-report/")),
    Row("readme-identify-chiral-tiny-json", "identify s3_chain --param L=4 --param theta=0.7 --param phi=0.3 "
        "--realisations 2 --quiet -o rep --json", (0, 1, 3)),
    Row("readme-spectra-h5", f"spectra {M2} -o spectra.h5", 0, files=MATS),
    Row("readme-xsff-json-save", f"xsff {M2} --json --save-xsff F.npz -o x.json", 0, files=MATS),
    Row("readme-identify-xsff", "identify --xsff F.npz --quiet -o rep --json", (0, 1, 3), files={"F.npz": A("xsff")}),
    Row("readme-identify-spectra", "identify --spectra sp.h5 --quiet -o rep --json", (0, 1, 3),
        files={"sp.h5": A("sp_h5")}),
    Row("readme-identify-matrix", f"identify {M2} -o rep --json", (0, 1, 3), files=MATS),
    Row("strict-json-authors-layout-result", "identify --xsff authors.npz --quiet -o rep --json", (0, 1, 3),
        files={"authors.npz": A("authors")}),
    Row("readme-xsff-spectra-npz", "xsff --spectra sp.npz --quiet --json", 0, files={"sp.npz": A("sp_npz")}),

    # ---- 1. no definite wrong answer beyond the stored subgroup classes
    Row("coverage-solve-c9xa4", "solve c9a4.json --time-limit 2", (0, 3), files=C9A4, check=_not_inconsistent),
    Row("coverage-solve-c9xa4-json", "solve c9a4.json --no-abstract --json", (0, 3), files=C9A4),
    Row("coverage-verify-c9xa4", "verify c9a4.json --group [108,18]", 3, files=C9A4, check=_not_inconsistent),
    Row("coverage-query-c9xa4", f"query --abelian 9x3 --ramp '{json.dumps(R_C9A4)}' --time-limit 2", (0, 3),
        check=_not_inconsistent),
    Row("coverage-solve-s3xs4", "solve s3s4.json --time-limit 2", (0, 3),
        files={"s3s4.json": lambda p, a: p.write_text(json.dumps({"subgroup": {"id": [48, 48]}, "ramp": _ramp_c2_s4()}))},
        check=_not_inconsistent),
    Row("coverage-verify-s3xs4", "verify s3s4.json --group [144,183]", 3,
        files={"s3s4.json": lambda p, a: p.write_text(json.dumps({"subgroup": {"id": [48, 48]}, "ramp": _ramp_c2_s4()}))},
        check=_not_inconsistent),
    Row("coverage-verify-s3xs4-json", "verify s3s4.json --group [144,183] --json", 3,
        files={"s3s4.json": lambda p, a: p.write_text(json.dumps({"subgroup": {"id": [48, 48]}, "ramp": _ramp_c2_s4()}))}),

    # ---- 2. output writers never destroy what sits at the target
    Row("writer-xsff-keeps-user-tmp-file", f"xsff {M1} -o out.json", 0,
        files={**MATS, "out.tmp.json": "mine", "out.json.tmp": "mine", "out.tmp": "mine"}),
    Row("writer-spectra-keeps-user-tmp-file", f"spectra {M1} -o sp.h5", 0,
        files={**MATS, "sp.tmp.h5": "mine", "sp.h5.tmp": "mine", "sp.tmp": "mine"}),
    Row("writer-save-xsff-keeps-user-tmp-file", f"xsff {M1} --save-xsff x.npz", 0,
        files={**MATS, "x.tmp.npz": "mine", "x.npz.tmp": "mine", "x.tmp": "mine"}),
    Row("writer-identify-keeps-user-files-in-report-dir", f"{ID4} -o rep", 0,
        files={"rep/notes.txt": "mine", "rep/report.tmp.html": "mine", "rep/result.json.tmp": "mine",
               "rep/.report.html.tmp": "mine"}),
    Row("writer-xsff-symlink-kept", f"xsff {M1} -o link.json", (0, 2),
        files={**MATS, "real.json": "old", "link.json": Link("real.json")}, may_change=("real.json",),
        check=_symlink_written_through("link.json", "real.json")),
    Row("writer-spectra-symlink-kept", f"spectra {M1} -o link.npz", (0, 2),
        files={**MATS, "real.npz": "old", "link.npz": Link("real.npz")}, may_change=("real.npz",),
        check=_symlink_written_through("link.npz", "real.npz")),
    Row("writer-save-xsff-symlink-kept", f"xsff {M1} --save-xsff link.npz", (0, 2),
        files={**MATS, "real.npz": "old", "link.npz": Link("real.npz")}, may_change=("real.npz",),
        check=_symlink_written_through("link.npz", "real.npz")),
    Row("writer-xsff-fifo-kept", f"xsff {M1} -o pipe.json", (0, 2), files={**MATS, "pipe.json": FIFO},
        reader="pipe.json", check=_still(stat.S_ISFIFO, "pipe.json")),
    Row("writer-spectra-fifo-kept", f"spectra {M1} -o pipe.npz", (0, 2), files={**MATS, "pipe.npz": FIFO},
        reader="pipe.npz", check=_still(stat.S_ISFIFO, "pipe.npz")),
    Row("writer-xsff-device-kept", f"xsff {M1} -o null", (0, 2), files={**MATS, "null": CHARDEV},
        check=_still(stat.S_ISCHR, "null")),
    Row("writer-spectra-device-kept", f"spectra {M1} -o null", (0, 2), files={**MATS, "null": CHARDEV},
        check=_still(stat.S_ISCHR, "null")),
    Row("writer-save-xsff-device-kept", f"xsff {M1} --save-xsff null", (0, 2), files={**MATS, "null": CHARDEV},
        check=_still(stat.S_ISCHR, "null")),
    Row("writer-no-partial-save-xsff-then-bad-o", f"xsff {M1} --save-xsff a.npz -o regfile/x.json", 2,
        r"regfile", files={**MATS, "regfile": "a regular file"}),
    Row("writer-xsff-o-empty", f"xsff {M1} -o ''", 2, r"empty|output|-o", files=MATS),
    Row("writer-spectra-o-empty", f"spectra {M1} -o ''", 2, r"empty|output|-o", files=MATS),
    Row("writer-save-xsff-empty", f"xsff {M1} --save-xsff ''", 2, r"empty|save-xsff", files=MATS),
    Row("writer-identify-o-empty", f"{ID4} -o ''", 2, r"empty|output|report|-o"),
    Row("writer-xsff-missing-dir", f"xsff {M1} -o nodir/x.json", 2, "nodir", files=MATS),
    Row("writer-spectra-missing-dir", f"spectra {M1} -o nodir/x.h5", 2, "nodir", files=MATS),
    Row("writer-spectra-under-regular-file", f"spectra {M1} -o regfile/x.h5", 2, "regfile",
        files={**MATS, "regfile": "x"}),
    Row("writer-spectra-under-proc", f"spectra {M1} -o /proc/symboot-x.h5", 2, "proc", files=MATS),
    Row("writer-xsff-under-proc", f"xsff {M1} -o /proc/symboot-x.json", 2, "proc", files=MATS),
    Row("writer-identify-under-regular-file", f"{ID4} -o regfile/rep", 2, "regfile", files={"regfile": "x"}),
    Row("writer-identify-under-proc", f"{ID4} -o /proc/symboot-rep", 2, "proc"),
    Row("writer-identify-missing-parent", f"{ID4} -o regfile/a/b", 2, "regfile", files={"regfile": "x"}),

    # ---- 3. tracebacks: non-finite/huge numbers, encodings, models, arrays, --times
    Row("trace-query-ramp-nan", "query --cyclic 3 --ramp '[[NaN,0,0],[0,1,1],[0,1,1]]'", 2, r"nan|finite|number"),
    Row("trace-query-ramp-infinity", "query --cyclic 3 --ramp '[[Infinity,0,0],[0,1,1],[0,1,1]]'", 2,
        r"inf|finite|number"),
    Row("trace-query-ramp-1e20", "query --cyclic 3 --ramp '[[1e20,0,0],[0,1,1],[0,1,1]]'", 2, r"large|1e\+?20|integer"),
    Row("trace-query-ramp-1e308", "query --cyclic 3 --ramp '[[1e308,0,0],[0,1,1],[0,1,1]]'", 2,
        r"large|1e\+?308|integer"),
    Row("trace-query-census-nan", "query --cyclic 3 --census '[[NaN,0,0],[0,1,1]]'", 2, r"nan|finite|number"),
    Row("trace-groups-query-ramp-nan", "groups query --cyclic 3 --ramp '[[NaN,0,0],[0,1,1],[0,1,1]]'", 2,
        r"nan|finite|number"),
    Row("trace-groups-query-ramp-1e308", "groups query --cyclic 3 --ramp '[[1e308,0,0],[0,1,1],[0,1,1]]'", 2,
        r"large|1e\+?308|integer"),
    *[Row(f"trace-solve-ramp-{name}", "solve d.json", 2, word,
          files={"d.json": '{"subgroup": {"cyclic": 3}, "ramp": [[%s, 0, 0], [0, 1, 1], [0, 1, 1]]}' % v})
      for name, v, word in [("nan", "NaN", r"nan|finite|number"), ("infinity", "Infinity", r"inf|finite|number"),
                            ("1e20", "1e20", r"large|1e\+?20|integer"), ("1e308", "1e308", r"large|1e\+?308|integer"),
                            ("minus-infinity", "-Infinity", r"inf|finite|number")]],
    Row("trace-verify-ramp-nan", "verify d.json --group S3", 2, r"nan|finite|number",
        files={"d.json": '{"subgroup": {"cyclic": 3}, "ramp": [[NaN, 0, 0], [0, 1, 1], [0, 1, 1]]}'}),
    Row("trace-solve-plateau-nan", "solve d.json", 2, r"nan|finite|number",
        files={"d.json": '{"subgroup": {"cyclic": 3}, "plateau": [[NaN, 0, 0], [0, 1, 1], [0, 1, 1]]}'}),
    Row("trace-solve-max-order-nan", "solve d.json", 2, r"nan|finite|number|max_order",
        files={"d.json": '{"subgroup": {"cyclic": 3}, "ramp": [[2,0,0],[0,1,1],[0,1,1]], "max_order": NaN}'}),
    *[Row(f"trace-solve-subgroup-{kind}-object", "solve d.json --no-abstract", 2, rf"{kind}|subgroup",
          files={"d.json": {"subgroup": {kind: {}}, "ramp": S3_RAMP}}) for kind in ("name", "id", "cyclic", "abelian")],
    Row("trace-verify-subgroup-name-object", "verify d.json --group S3", 2, r"name|subgroup",
        files={"d.json": {"subgroup": {"name": {"x": 1}}, "ramp": S3_RAMP}}),
    Row("silent-solve-subgroup-id-bool", "solve d.json --no-abstract", 2, r"\bid\b|true|integer",
        files={"d.json": {"subgroup": {"id": [True, 1]}, "ramp": [[1]]}}),
    Row("trace-solve-time-limit-nan", "solve s3.json --time-limit nan", 2, "time-limit", files=S3),
    Row("trace-query-time-limit-nan", f"query --cyclic 3 --ramp '{S3_RAMP}' --time-limit nan", 2, "time-limit"),
    Row("trace-identify-time-limit-nan", f"{ID4} -o rep --time-limit nan", 2, "time-limit"),
    Row("trace-solve-non-utf8", "solve d.json", 2, r"utf|encod|text",
        files={"d.json": '{"subgroup": {"cyclic": 3}, "ramp": [[2,0,0],[0,1,1],[0,1,1]], "x": "caf\xe9"}'.encode("latin-1")}),
    Row("trace-verify-non-utf8", "verify d.json --group S3", 2, r"utf|encod|text",
        files={"d.json": b'{"subgroup": {"cyclic": 3}, "ramp": [[2,0,0],[0,1,1],[0,1,1]]}\xff\xfe'}),
    Row("trace-identify-model-non-utf8", "identify m.json --quiet -o rep", 2, r"utf|encod|text",
        files={"m.json": '{"model": "s3_chain", "params": {"L": 4}, "description": "caf\xe9"}'.encode("latin-1")}),
    Row("trace-solve-binary-garbage", "solve d.json", 2, r"d\.json",
        files={"d.json": bytes(range(256))}),
    Row("trace-identify-L0", "identify s3_chain --param L=0 --quiet -o rep", 2, r"\bL\b"),
    Row("trace-identify-L-1", "identify s3_chain --param L=-1 --quiet -o rep", 2, r"\bL\b"),
    Row("trace-identify-L400", "identify s3_chain --param L=400 --quiet -o rep", 2, r"\bL\b|large|dimension|size"),
    Row("trace-identify-seed-minus-1", "identify s3_chain --param L=4 --seed -1 --quiet -o rep", 2, "seed"),
    Row("trace-identify-seed-x-option", "identify s3_chain --param L=4 --seed x --quiet -o rep", 2, "seed"),
    Row("trace-identify-model-seed-x", "identify m.json --quiet -o rep", 2, "seed",
        files={"m.json": {"model": "s3_chain", "params": {"L": 4}, "seed": "x"}}),
    Row("trace-identify-model-seed-minus-1", "identify m.json --quiet -o rep", 2, "seed",
        files={"m.json": {"model": "s3_chain", "params": {"L": 4}, "seed": -1}}),
    Row("trace-identify-model-params-list", "identify m.json --quiet -o rep", 2, "params",
        files={"m.json": {"model": "s3_chain", "params": [4]}}),
    Row("trace-identify-model-no-model-key", "identify m.json --quiet -o rep", 2, "model",
        files={"m.json": {"params": {"L": 4}, "realisations": 2}}),
    Row("trace-identify-model-not-object", "identify m.json --quiet -o rep", 2, r"object|model",
        files={"m.json": [1, 2]}),
    Row("trace-identify-model-L-nan", "identify m.json --quiet -o rep", 2, r"\bL\b|nan|finite",
        files={"m.json": '{"model": "s3_chain", "params": {"L": NaN}}'}),
    Row("trace-identify-random-g-chain-non-permutation", "identify m.json --quiet -o rep", 2, "permutation",
        files={"m.json": {"model": "random_g_chain",
                          "params": {"group_gens": [[1, 2, 0], [0, 0, 1]], "L": 3, "known": [[1, 2, 0]]}}}),
    Row("trace-identify-realisations-0", "identify s3_chain --param L=4 --realisations 0 --quiet -o rep", 2,
        "realisation"),
    Row("trace-identify-realisations-minus-1", "identify s3_chain --param L=4 --realisations -1 --quiet -o rep", 2,
        "realisation"),
    Row("trace-xsff-3d-matrix", "xsff --matrix H.npy --generator U.npz --workers 1 --quiet", 2, r"H\.npy|shape|matrix",
        files={"H.npy": array(np.zeros((3, 3, 3))), "U.npz": A("U")}),
    Row("trace-xsff-string-matrix", "xsff --matrix H.npy --generator U.npz --workers 1 --quiet", 2,
        r"H\.npy|dtype|number|matrix", files={"H.npy": array(np.array([["a", "b"], ["c", "d"]])), "U.npz": A("U")}),
    Row("trace-spectra-string-generator", "spectra --matrix H0.npz --generator U.npy --workers 1 --quiet -o s.h5", 2,
        r"U\.npy|dtype|number|generator", files={"H0.npz": A("H0"), "U.npy": array(np.full((81, 81), "x"))}),
    Row("trace-spectra-3d-generator", "spectra --matrix H0.npz --generator U.npy --workers 1 --quiet -o s.h5", 2,
        r"U\.npy|shape|generator", files={"H0.npz": A("H0"), "U.npy": array(np.zeros((81, 81, 1)))}),
    Row("trace-xsff-object-matrix", "xsff --matrix H.npy --generator U.npz --workers 1 --quiet", 2, r"H\.npy",
        files={"H.npy": array(np.array([None, 1], dtype=object)), "U.npz": A("U")}, absent=("allow_pickle",)),
    Row("trace-identify-xsff-string-curves", "identify --xsff x.npz --quiet -o rep", 2, r"x\.npz|\bK\b|number|dtype",
        files={"x.npz": npz_edit("xsff", K=lambda a: a["K"].astype(str))}),
    Row("trace-identify-xsff-missing-levels", "identify --xsff x.npz --quiet -o rep", (0, 1, 2, 3), r"levels",
        files={"x.npz": npz_edit("xsff", drop=("levels_1",))}),
    Row("trace-identify-authors-sector-dims-length", "identify --xsff a.npz --quiet -o rep", 2, r"sector_dims|a\.npz",
        files={"a.npz": npz_edit("authors", sector_dims=np.array([200, 200]))}),
    Row("trace-identify-authors-string-curve", "identify --xsff a.npz --quiet -o rep", 2, r"K_0_0|a\.npz|number",
        files={"a.npz": npz_edit("authors", K_0_0=lambda a: a["K_0_0"].astype(str))}),
    Row("trace-identify-h5-dataset-shape", "identify --spectra s.h5 --quiet -o rep", 2, r"sector_0|s\.h5|shape",
        files={"s.h5": h5_edit(lambda f: _h5_replace(f, "sector_0", np.zeros(27)))}),
    Row("trace-identify-h5-string-data", "identify --spectra s.h5 --quiet -o rep", 2, r"sector_0|s\.h5|number",
        files={"s.h5": h5_edit(lambda f: _h5_replace(f, "sector_0", np.full((2, 27), b"ab")))}),
    Row("trace-xsff-h5-string-data", "xsff --spectra s.h5 --quiet", 2, r"sector_0|s\.h5|number",
        files={"s.h5": h5_edit(lambda f: _h5_replace(f, "sector_0", np.full((2, 27), b"ab")))}),
    Row("trace-xsff-times-0", f"xsff {M1} --times 0", 2, "times", files=MATS),
    Row("trace-xsff-times-minus-5", f"xsff {M1} --times -5", 2, "times", files=MATS),

    # ---- 4. bad input accepted silently
    Row("silent-query-max-order-0-ramp", f"query --cyclic 3 --ramp '{S3_RAMP}' --max-order 0", 2, "max.order"),
    Row("silent-query-max-order-0-nodata", "query --cyclic 3 --max-order 0", 2, "max.order"),
    Row("silent-query-max-order-negative", "query --cyclic 3 --max-order -6", 2, "max.order"),
    Row("silent-solve-data-max-order-0", "solve d.json", 2, "max.order",
        files={"d.json": {"subgroup": {"cyclic": 3}, "ramp": S3_RAMP, "max_order": 0}}),
    Row("silent-identify-max-order-0", f"{ID4} -o rep --max-order 0", 2, "max.order"),
    Row("silent-census-distinct-string-false", "solve d.json", 2, "distinct",
        files={"d.json": {"subgroup": {"cyclic": 3}, "census": {"rows": [[1, 0, 0], [0, 1, 1]], "distinct": "false"}}}),
    Row("silent-census-distinct-zero", "solve d.json", 2, "distinct",
        files={"d.json": {"subgroup": {"cyclic": 3}, "census": {"rows": [[1, 0, 0], [0, 1, 1]], "distinct": 0}}}),
    Row("silent-solve-time-limit-negative", "solve s3.json --time-limit -1", 2, "time-limit", files=S3),
    Row("silent-query-time-limit-negative", f"query --cyclic 3 --ramp '{S3_RAMP}' --time-limit -1", 2, "time-limit"),
    Row("silent-identify-time-limit-negative", f"{ID4} -o rep --time-limit -1", 2, "time-limit"),
    Row("silent-solve-max-rank-negative", "solve s3.json --max-rank -1", 2, "max-rank", files=S3),
    Row("silent-xsff-min-levels-negative", f"xsff {M1} --min-levels -1", 2, "min-levels", files=MATS),
    Row("silent-spectra-min-levels-negative", f"spectra {M1} --min-levels -1 -o s.h5", 2, "min-levels", files=MATS),
    Row("silent-identify-min-levels-negative", f"{ID4} -o rep --min-levels -1", 2, "min-levels"),
    Row("silent-xsff-workers-negative", "xsff --matrix H0.npz --generator U.npz --quiet --workers -1", 2, "workers",
        files=MATS),
    Row("silent-spectra-workers-negative", "spectra --matrix H0.npz --generator U.npz --quiet --workers -1 -o s.h5",
        2, "workers", files=MATS),
    Row("silent-identify-workers-negative", "identify s3_chain --param L=4 --realisations 2 --quiet --workers -1 -o rep",
        2, "workers"),
    Row("silent-identify-xsff-version-99", "identify --xsff x.npz --quiet -o rep", 2, "version",
        files={"x.npz": npz_edit("xsff", version=99)}),
    Row("silent-identify-xsff-decreasing-times", "identify --xsff x.npz --quiet -o rep", 2, r"\bt\b|time",
        files={"x.npz": npz_edit("xsff", t=lambda a: a["t"][::-1].copy())}),
    Row("silent-identify-xsff-negative-times", "identify --xsff x.npz --quiet -o rep", 2, r"\bt\b|time",
        files={"x.npz": npz_edit("xsff", t=lambda a: -a["t"])}),
    Row("silent-identify-xsff-n-realisations-negative", "identify --xsff x.npz --quiet -o rep", 2, "realisation",
        files={"x.npz": npz_edit("xsff", n_realisations=-1)}),
    Row("silent-identify-h5-meta-dims-disagree", "identify --spectra s.h5 --quiet -o rep", 2, r"dim|s\.h5",
        files={"s.h5": h5_edit(lambda f: _h5_meta(f, dims=[30, 27, 27]))}),
    Row("silent-xsff-h5-meta-dims-disagree", "xsff --spectra s.h5 --quiet", 2, r"dim|s\.h5",
        files={"s.h5": h5_edit(lambda f: _h5_meta(f, dims=[30, 27, 27]))}),
    Row("silent-identify-model-unknown-key", "identify m.json --quiet -o rep", 2, "colour",
        files={"m.json": {"model": "s3_chain", "params": {"L": 4}, "realisations": 2, "colour": "red"}}),
    Row("silent-solve-unknown-key", "solve d.json", 2, "colour",
        files={"d.json": {"subgroup": {"cyclic": 3}, "ramp": S3_RAMP, "colour": "red"}}),
    Row("silent-fingerprint-degrees-nonpositive", "groups fingerprint --degrees 0,-1", 2, "degree"),
    Row("silent-fingerprint-class-sizes-zero", "groups fingerprint --degrees 1,1,2 --class-sizes 0,2,3", 2, "class"),
    Row("silent-query-max-index-beyond-coverage", "query --cyclic 3 --max-index 1000", 2, r"coverage|200|beyond"),
    Row("silent-query-max-index-beyond-coverage-c50", "query --cyclic 50 --max-index 5", 2, r"coverage|200|beyond"),

    # ---- 5. exit codes and formats
    Row("exit-query-max-index-0", "query --cyclic 3 --max-index 0", 2, "max-index"),
    Row("exit-query-max-index-minus-1", "query --cyclic 3 --max-index -1", 2, "max-index"),
    Row("exit-query-max-index-0-ramp", f"query --cyclic 3 --ramp '{S3_RAMP}' --max-index 0", 2, "max-index"),
    Row("exit-solve-time-limit-tiny-abstract-status", "solve s3.json --time-limit 0.001 --json", (0, 3), files=S3,
        check=_abstract_incomplete),
    Row("usage-missing-required-option", "verify s3.json", 2, "group", files=S3),
    Row("usage-missing-argument", "solve", 2, "data_file|argument"),
    Row("usage-groups-list-missing-order", "groups list", 2, "order"),
    Row("usage-spectra-missing-output", f"spectra {M1}", 2, r"output|-o", files=MATS),
    Row("usage-bad-integer", "query --cyclic 3 --max-index x", 2, "max-index"),
    Row("usage-bad-integer-groups-list", "groups list --order x", 2, "order"),
    Row("usage-bad-float", "solve s3.json --time-limit soon", 2, "time-limit", files=S3),
    Row("usage-bad-choice", f"xsff {M1} --beta 3", 2, "beta", files=MATS),
    Row("usage-directory-for-data-file", "solve adir", 2, "adir", files={"adir": DIR}),
    Row("usage-directory-for-matrix", "xsff --matrix adir --generator U.npz --quiet", 2, "adir",
        files={"adir": DIR, "U.npz": A("U")}),
    Row("usage-directory-for-spectra-output", f"spectra {M1} -o adir", 2, "adir", files={**MATS, "adir": DIR}),
    Row("usage-missing-data-file", "solve nothere.json", 2, "nothere"),
    Row("usage-unknown-option", "solve s3.json --bogus", 2, "bogus", files=S3),
    Row("usage-unknown-command", "frobnicate", 2, "frobnicate"),
    Row("usage-extra-argument", "groups info extra", 2, "extra"),
    Row("message-random-bytes-npz", "xsff --matrix junk.npz --generator U.npz --workers 1 --quiet", 2, r"junk\.npz",
        files={"junk.npz": bytes(range(256)) * 4, "U.npz": A("U")}, absent=("allow_pickle", "pickle")),
    Row("message-random-bytes-npy", "xsff --matrix junk.npy --generator U.npz --workers 1 --quiet", 2, r"junk\.npy",
        files={"junk.npy": bytes(range(256)) * 4, "U.npz": A("U")}, absent=("allow_pickle", "pickle")),
    Row("message-filter-width-0", f"xsff {M1} --filter-width 0", 2, "filter", files=MATS, absent=("zero width",)),
    Row("message-filter-width-nan", f"xsff {M1} --filter-width nan", 2, "filter", files=MATS, absent=("zero width",)),
    Row("message-filter-width-negative", f"xsff {M1} --filter-width -1", 2, "filter", files=MATS,
        absent=("zero width",)),
    Row("trace-xsff-filter-width-1e300", f"xsff {M1} --filter-width 1e300", (0, 2), "filter", files=MATS),
    Row("message-order-0", f"xsff {M1} --order 0", 2, "order", files=MATS, absent=("no power up to that",)),
    Row("message-theta-abc", "identify s3_chain --param L=4 --param theta=abc --quiet -o rep", 2, "theta",
        absent=("can't multiply", "TypeError", "sequence by")),
    Row("message-L-1", "identify s3_chain --param L=1 --quiet -o rep", 2, r"\bL\b",
        absent=("got shape (9, 9)",)),
]


def _drain(path: Path, stop: threading.Event):
    """A reader for a FIFO target: opened non-blocking (so it never waits for a writer)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        while not stop.is_set():
            try:
                if not os.read(fd, 1 << 16):
                    time.sleep(0.01)
            except BlockingIOError:
                time.sleep(0.01)
    finally:
        os.close(fd)


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_cli_row(row: Row, tmp_path, monkeypatch, assets):
    assets = {**assets, "s3_example": S3_EXAMPLE}
    monkeypatch.chdir(tmp_path)
    make_files(row.files, tmp_path, assets)
    argv = shlex.split(row.cmd)
    before = snapshot(tmp_path)
    stop = threading.Event()
    reader = None
    if row.reader:
        reader = threading.Thread(target=_drain, args=(tmp_path / row.reader, stop), daemon=True)
        reader.start()
        time.sleep(0.05)
    try:
        result = _run(argv)
    finally:
        stop.set()
        if reader:
            reader.join(5)
    after = snapshot(tmp_path)
    code = assert_contract(argv, result, before, after, may_change=row.may_change,
                           expect_json_stdout=True if argv[0] == "spectra" else None)
    why = _describe(argv, result)
    expected = row.code if isinstance(row.code, tuple) else (row.code,)
    assert code in expected, f"expected exit {' or '.join(map(str, expected))}" + why
    if code == 2 and row.word:
        assert re.search(row.word, result.stderr, re.I), f"the message should name {row.word!r}" + why
    for bad in row.absent:
        assert bad not in result.stdout + result.stderr, f"misleading text {bad!r} in the output" + why
    if row.check:
        row.check(tmp_path, result)


@pytest.mark.skipif(os.name != "posix", reason="process groups and SIGINT")
def test_ctrl_c_exits_130_without_traceback_or_partial_report(tmp_path):
    """Ctrl-C (SIGINT to the process group, as a terminal sends it) in the middle of identify:
    exit 130 as shells expect, no traceback, and no report written."""
    exe = Path(sys.executable).with_name("symboot")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-c", "from symboot.cli import main; main()"]
    cmd += ["identify", "s3_chain", "--param", "L=7", "--realisations", "20", "--workers", "1", "-o", "rep"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        first = proc.stderr.readline()  # "symboot: drawing ..." once the pipeline has started
        time.sleep(1.5)
        try:
            os.killpg(proc.pid, signal.SIGINT)
        except ProcessLookupError:
            pass
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("identify did not stop within 60 s of Ctrl-C")
    err = first + err
    assert proc.returncode in (130, -signal.SIGINT), f"exit {proc.returncode} after Ctrl-C\n{err[-2000:]}"
    assert "Traceback" not in out + err, err[-3000:]
    written = [str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()]
    assert not written, f"files left after Ctrl-C: {written}"


# ------------------------------------------------------------------ properties
PROPERTY = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate],  # no shrinking: bounded, reproducible time
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])

_KEYS = ["subgroup", "ramp", "plateau", "census", "rows", "counts", "distinct", "max_order", "cyclic", "abelian",
         "id", "name", "model", "params"]
scalars = (st.none() | st.booleans() | st.integers(-5, 30)
           | st.integers(min_value=-2**80, max_value=2**80)
           | st.sampled_from([0, -1, 2**31, 2**63, 10**30])
           | st.floats(allow_nan=True, allow_infinity=True)
           | st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e20, 1e308, -0.0, 0.5, 2.0])
           | st.text(max_size=6))
json_values = st.recursive(scalars, lambda c: st.lists(c, max_size=4)
                           | st.dictionaries(st.sampled_from(_KEYS) | st.text(max_size=4), c, max_size=4),
                           max_leaves=12)


#: subgroup specs the data may name, with the number of sectors (N's irreducibles)
_RANKED = [({"cyclic": 3}, 3), ({"cyclic": 2}, 2), ({"cyclic": 4}, 4), ({"abelian": [2, 2]}, 4),
           ({"id": [6, 1]}, 3), ({"name": "S3"}, 3), ({"name": "C3"}, 3), ({"abelian": [3]}, 3)]
_BAD_SUBGROUPS = [{"cyclic": 0}, {"cyclic": -3}, {"cyclic": 10**9}, {"cyclic": 2.5}, {"cyclic": True},
                  {"abelian": []}, {"abelian": [0, 2]}, {"id": [10**9, 1]}, {"id": [6]}, {"name": ""},
                  {"name": "S3", "cyclic": 3}, {}, "S3", [3]]


@st.composite
def wellformed(draw):
    """Data that parses: a known N, and a ramp / plateau / census of N's rank with small
    non-negative integer entries (or sets of them), maybe max_order and index."""
    spec, k = draw(st.sampled_from(_RANKED))
    obj = {"subgroup": copy.deepcopy(spec)}  # a copy: poisoned() mutates what it gets
    entry = st.integers(0, 4) | st.lists(st.integers(0, 4), min_size=1, max_size=3, unique=True)

    def matrix():
        m = [[draw(entry) for _ in range(k)] for _ in range(k)]
        if draw(st.integers(0, 4)):  # mostly symmetric, as a ramp is
            m = [[m[min(i, j)][max(i, j)] for j in range(k)] for i in range(k)]
        return m

    parts = draw(st.lists(st.sampled_from(["ramp", "plateau", "census"]), min_size=1, max_size=3, unique=True))
    for key in parts:
        if key == "census":
            rows = draw(st.lists(st.lists(st.integers(0, 2), min_size=k, max_size=k).filter(any), min_size=1, max_size=5))
            census = {"rows": rows}
            if draw(st.booleans()):
                census["counts"] = draw(st.lists(st.integers(1, 30), min_size=len(rows), max_size=len(rows)))
            if draw(st.booleans()):
                census["distinct"] = draw(st.booleans())
            obj["census"] = census
        else:
            obj[key] = matrix()
    if draw(st.booleans()):
        obj["max_order"] = draw(st.sampled_from([6, 12, 24, 48, 100, 200]))
    if draw(st.integers(0, 4)) == 0:
        obj["index"] = draw(st.integers(1, 8))
    return obj


def _leaves(obj, path=()):
    if isinstance(obj, dict):
        for key, v in obj.items():
            yield from _leaves(v, path + (key,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _leaves(v, path + (i,))
    yield path


@st.composite
def poisoned(draw):
    """Well-formed data with one node (a leaf or a whole sub-tree) replaced by a random JSON value,
    or one key dropped, or an unknown key added."""
    obj = draw(wellformed())
    how = draw(st.sampled_from(["replace", "replace", "replace", "drop", "add"]))
    if how == "add":
        obj[draw(st.text(min_size=1, max_size=5))] = draw(json_values)
        return obj
    paths = [p for p in _leaves(obj) if p]
    path = draw(st.sampled_from(paths))
    node = obj
    for key in path[:-1]:
        node = node[key]
    if how == "drop" and isinstance(node, dict):
        del node[path[-1]]
    else:
        node[path[-1]] = draw(json_values | st.sampled_from([-1, 0, 2**31, 2**63, 1.5, 1e308, float("nan"),
                                                              float("inf"), True, None, "", [], {}]))
    return obj


@st.composite
def data_objects(draw):
    kind = draw(st.sampled_from(["wellformed", "wellformed", "poisoned", "poisoned", "poisoned", "junk",
                                 "bad-subgroup"]))
    if kind == "wellformed":
        return draw(wellformed())
    if kind == "poisoned":
        return draw(poisoned())
    if kind == "bad-subgroup":
        obj = draw(wellformed())
        obj["subgroup"] = copy.deepcopy(draw(st.sampled_from(_BAD_SUBGROUPS) | json_values))
        return obj
    return draw(json_values | st.dictionaries(st.sampled_from(_KEYS), json_values, max_size=5))


def _dump(obj) -> str:
    return json.dumps(obj, allow_nan=True)


def _check_property(tmp_path, argv, make=None, **kw):
    """One generated example in a fresh subdirectory of ``tmp_path``; ``argv`` may be a function
    of what ``make(d)`` returned (the file names it chose)."""
    d = Path(tmp_path) / f"ex{next(_counter)}"
    d.mkdir()
    cwd = os.getcwd()
    os.chdir(d)
    try:
        made = make(d) if make else None
        if callable(argv):
            argv = argv(made)
        if make:
            past = time.time() - 3600
            for p in d.rglob("*"):
                if p.is_file() and not p.is_symlink():
                    os.utime(p, (past, past))
        before = snapshot(d)
        result = _run(argv)
        after = snapshot(d)
        code = assert_contract(argv, result, before, after, **kw)
        event(f"{argv[0]} exit {code}")
        assert "allow_pickle" not in result.stdout + result.stderr, "unsafe-loading advice" + _describe(argv, result)
        return code
    finally:
        os.chdir(cwd)
        shutil.rmtree(d, ignore_errors=True)


_counter = itertools.count()


@PROPERTY
@given(obj=data_objects(), raw=st.integers(0, 5).flatmap(lambda i: st.binary(min_size=1, max_size=40) if i == 5 else st.none()),
       cmd=st.sampled_from(["solve-named", "solve", "verify", "query"]),
       group=st.sampled_from(["S3", "A4", "C6", "[108,18]", "[6,1]", "C3 x C3"]),
       as_json=st.booleans(),
       spec=st.sampled_from([["--cyclic", "3"], ["--abelian", "2x2"], ["--subgroup", "S3"], ["--cyclic", "2"]]))
def test_property_malformed_data_files(tmp_path_factory, obj, raw, cmd, group, as_json, spec):
    """Random nested JSON (NaN, huge ints, strings, bools, nulls, wrong shapes) as the data of
    solve / verify (a file, or raw bytes) and of query (the --ramp/--census/--plateau options)."""
    tmp = tmp_path_factory.mktemp("data")
    J = ["--json"] if as_json else []
    if cmd == "query":
        sub = obj.get("subgroup") if isinstance(obj, dict) else None
        if isinstance(sub, dict) and len(sub) == 1 and isinstance(next(iter(sub.values())), (int, list, str)):
            (kind, v), = sub.items()  # the data's own N, spelled as the option would be
            flag = {"cyclic": "--cyclic", "abelian": "--abelian"}.get(kind, "--subgroup")
            value = "x".join(map(str, v)) if isinstance(v, list) and kind == "abelian" else (
                json.dumps(v) if isinstance(v, list) else str(v))
            spec = [flag, value]
        argv = ["query", *spec, "--time-limit", "0.5", *J]
        n = len(argv)
        if isinstance(obj, dict):
            for key in ("ramp", "plateau", "census"):
                if key in obj:
                    argv += [f"--{key}", _dump(obj[key])]
            if isinstance(obj.get("max_order"), int) and not isinstance(obj["max_order"], bool):
                argv += ["--max-order", str(obj["max_order"])]
        if len(argv) == n:  # no data at all: the small-index listing
            argv += ["--max-index", "2"]
        _check_property(tmp, argv)
        return
    content = raw if raw is not None else _dump(obj).encode()
    if cmd == "solve-named":
        argv = ["solve", "d.json", "--no-abstract", *J]
    elif cmd == "solve":
        argv = ["solve", "d.json", "--time-limit", "0.5", *J]
    else:
        argv = ["verify", "d.json", "--group", group, *J]
    _check_property(tmp, argv, make=lambda d: (d / "d.json").write_bytes(content))


_dtypes = st.sampled_from([np.float64, np.complex128, np.int64, np.bool_, np.float32, np.uint8, np.float16,
                           np.dtype("<U3"), np.dtype("S2")])


@st.composite
def random_arrays(draw):
    dt = np.dtype(draw(_dtypes))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
    return draw(hnp.arrays(dt, shape))


@st.composite
def matrix_files(draw):
    """(kind, array): the valid asset, a random array, a small square 'matrix' of its kind, or junk."""
    kind = draw(st.sampled_from(["valid", "random", "square", "square", "object", "bytes"]))
    if kind == "valid":
        return kind, None
    if kind == "random":
        return kind, draw(random_arrays())
    if kind == "square":
        n = draw(st.integers(1, 6))
        pick = draw(st.sampled_from(["eye", "perm", "sym", "nan", "rand"]))
        if pick == "eye":
            a = np.eye(n)
        elif pick == "perm":
            a = np.eye(n)[np.roll(np.arange(n), 1)]
        else:
            a = draw(hnp.arrays(np.float64, (n, n), elements=st.floats(-3, 3)))
            if pick == "sym":
                a = a + a.T
            if pick == "nan":
                a[0, -1] = np.nan
        return kind, a
    if kind == "object":
        return kind, np.array([1, None, "x"], dtype=object)
    return kind, draw(st.binary(max_size=64))


def _write_matrix(d: Path, stem: str, spec, fmt: str, asset: Path) -> str:
    kind, a = spec
    if kind == "valid":
        name = stem + asset.suffix
        shutil.copyfile(asset, d / name)
    elif kind == "bytes":
        name = stem + (".npy" if fmt == "npy" else ".npz")
        (d / name).write_bytes(a)
    elif fmt == "npy" or a.dtype == object:
        name = stem + ".npy"
        np.save(d / name, a, allow_pickle=a.dtype == object)
    elif fmt == "sparse" and a.ndim == 2 and a.dtype.kind in "fciub":
        name = stem + ".npz"
        sp.save_npz(d / name, sp.csr_matrix(a))
    else:
        name = stem + ".npz"
        np.savez(d / name, **{"H" if stem == "H" else "U": a})
    return name


@PROPERTY
@given(H=matrix_files(), U=matrix_files(), fmt=st.sampled_from(["npy", "npz", "sparse"]),
       cmd=st.sampled_from(["xsff", "xsff-json-o", "spectra-h5", "spectra-npz"]),
       order=st.none() | st.integers(-2, 4))
def test_property_random_arrays(tmp_path_factory, assets, H, U, fmt, cmd, order):
    """Arrays of random shapes and dtypes (np.save / np.savez / save_npz, object arrays, raw
    bytes) as --matrix / --generator of xsff and spectra."""
    tmp = tmp_path_factory.mktemp("arrays")

    def make(d):
        return _write_matrix(d, "H", H, fmt, assets["H0"]), _write_matrix(d, "U", U, fmt, assets["U"])

    head = {"xsff": ["xsff"], "xsff-json-o": ["xsff", "--json", "-o", "out.json"],
            "spectra-h5": ["spectra", "-o", "out.h5"], "spectra-npz": ["spectra", "-o", "out.npz"]}[cmd]
    tail = [] if order is None else ["--order", str(order)]
    _check_property(tmp, lambda names: [*head, "--matrix", names[0], "--generator", names[1], "--workers", "1",
                                        "--quiet", *tail],
                    make=make, expect_json_stdout=cmd != "xsff")


_floats = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [float("nan"), float("inf"), -float("inf"), 0.0, -0.0, -1.0, 1e-300, 1e300, 0.001, 0.5])
_strings = st.sampled_from(["", "x", "1e3", "nan", "-", "0x10", "1,2", " 3", "٣", "--json", "inf", "1_000"]) | st.text(max_size=4)
_ints = st.integers(-3, 12) | st.sampled_from([0, -1, 2**31, 2**63, 10**12, -10**12])
values = _ints | _floats | _strings
small_ints = st.integers(-3, 3) | _floats | _strings   # --workers: a huge count would fork that many processes
times = st.integers(-5, 400) | st.sampled_from([0, 1, 10**6, 2**31]) | _floats | _strings


def _fmt(v) -> str:
    return repr(v) if isinstance(v, float) else str(v)


@st.composite
def option_cases(draw):
    """(argv, files) for one command with one option given a random value."""
    S3J = {"s3.json": S3_EXAMPLE}
    mats = ["--matrix", "H0.npz", "--generator", "U.npz", "--quiet"]
    case = draw(st.sampled_from(["solve", "query-ramp", "query-list", "query-cyclic", "xsff", "spectra",
                                 "groups-list", "groups-show", "groups-fingerprint", "groups-query"]))
    if case == "solve":
        opt = draw(st.sampled_from(["--time-limit", "--max-rank"]))
        return ["solve", "s3.json", opt, _fmt(draw(values))], S3J
    if case == "query-ramp":
        opt = draw(st.sampled_from(["--max-index", "--max-order", "--time-limit"]))
        return ["query", "--cyclic", "3", "--ramp", json.dumps(S3_RAMP), opt, _fmt(draw(values)), "--json"], {}
    if case == "query-list":
        opt = draw(st.sampled_from(["--max-index", "--max-order"]))
        v = draw(st.integers(-3, 8) | st.sampled_from([0, 2**31, 10**12]) | _floats | _strings)
        return ["query", "--cyclic", "5", opt, _fmt(v), "--json"], {}
    if case == "query-cyclic":
        opt = draw(st.sampled_from(["--cyclic", "--abelian", "--subgroup"]))
        return ["query", opt, _fmt(draw(values)), "--max-index", "2"], {}
    if case in ("xsff", "spectra"):
        opt = draw(st.sampled_from(["--times", "--filter-width", "--min-levels", "--workers", "--order"]
                                   if case == "xsff" else ["--min-levels", "--workers", "--order"]))
        v = draw({"--times": times, "--workers": small_ints}.get(opt, values))
        out = ["--json"] if case == "xsff" else ["-o", "s.h5"]
        return [case, *mats, *out, opt, _fmt(v)] + ([] if opt == "--workers" else ["--workers", "1"]), {
            "H0.npz": "H0", "U.npz": "U"}
    if case == "groups-list":
        return ["groups", "list", "--order", _fmt(draw(values)), "--json"], {}
    if case == "groups-show":
        v = draw(values | st.builds(lambda a, b: f"[{a},{b}]", _ints, _ints))
        return ["groups", "show", _fmt(v), "--json"], {}
    if case == "groups-fingerprint":
        degs = ",".join(_fmt(x) for x in draw(st.lists(values, min_size=1, max_size=4)))
        argv = ["groups", "fingerprint", "--degrees", degs, "--json"]
        if draw(st.booleans()):
            argv += ["--class-sizes", ",".join(_fmt(x) for x in draw(st.lists(values, min_size=1, max_size=4)))]
        return argv, {}
    return ["groups", "query", "--cyclic", "3", "--ramp", json.dumps(S3_RAMP), "--max-order", _fmt(draw(values)),
            "--json"], {}


@PROPERTY
@given(case=option_cases())
def test_property_random_option_values(tmp_path_factory, assets, case):
    """Random values (negative/zero/huge ints, nan/inf floats, strings) for the numeric and
    naming options of solve, query, xsff, spectra and groups."""
    argv, files = case
    tmp = tmp_path_factory.mktemp("opts")

    def make(d):
        for name, src in files.items():
            shutil.copyfile(assets[src] if isinstance(src, str) else src, d / name)

    _check_property(tmp, argv, make=make, expect_json_stdout=True if argv[0] == "spectra" or "--json" in argv else False)


@settings(PROPERTY, max_examples=10)
@given(opt=st.sampled_from(["--max-order", "--time-limit", "--min-levels", "--cyclic", "--subgroup", "-o"]),
       value=values.filter(lambda v: not (isinstance(v, str) and ("/" in v or v.strip() in ("..", "~")))))
def test_property_identify_option_values(tmp_path_factory, assets, opt, value):
    """identify (from ready-made curves, about a second each) with one option's value random."""
    tmp = tmp_path_factory.mktemp("ident")
    argv = ["identify", "--xsff", "x.npz", "--quiet", "--json"]
    argv += [opt, _fmt(value)] if opt == "-o" else ["-o", "rep", opt, _fmt(value)]
    _check_property(tmp, argv, make=lambda d: shutil.copyfile(assets["xsff"], d / "x.npz"))
