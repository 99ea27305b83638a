"""Output targets (issue 11 §2, the unwritable outputs of §3, ``-o ""`` of §4): what sits
at the target path survives (devices, FIFOs, links, the user's look-alike temporaries),
and every output of a command is checked before any work or any write."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import scipy.sparse as sp
from click.testing import CliRunner

from symboot.cli import main
from ed.atomic import atomic_target, check_writable
from common.errors import SymbootInputError

SYMBOOT = Path(sys.executable).with_name("symboot")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """A small S3 chain (L = 4: three sectors of 27): matrix files and saved spectra."""
    from ed.models import ensemble, s3_chain
    from ed.sectors import abelian_sectors
    from ed.spectra import compute_spectra, save_spectra

    d = tmp_path_factory.mktemp("inputs")
    ms = ensemble(s3_chain, 2, seed=0, L=4)
    sp.save_npz(d / "H.npz", ms[0].H)
    sp.save_npz(d / "U.npz", ms[0].generators[0])
    dec = abelian_sectors(ms[0].generators, ms[0].orders)
    save_spectra(compute_spectra([m.H for m in ms], dec, workers=1, progress=False), d / "s.npz")
    return d


def _run(args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _xsff(inputs, *extra):
    return ["xsff", "--spectra", inputs / "s.npz", "--json", "--quiet", *extra]


def _spectra(inputs, out):
    return ["spectra", "--matrix", inputs / "H.npz", "--generator", inputs / "U.npz", "--workers", "1",
            "--quiet", "-o", out]


def _snapshot(d: Path) -> dict:
    """Every entry below ``d``: kind, mode and (for files) content, links not followed."""
    out = {}
    for p in sorted(d.rglob("*")):
        st = p.lstat()
        out[str(p.relative_to(d))] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode),
                                      p.read_bytes() if stat.S_ISREG(st.st_mode) else os.readlink(p)
                                      if p.is_symlink() else None)
    return out


def _one_error_line(r, *needles):
    assert r.exit_code == 2, (r.exit_code, r.output, r.exception)
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("symboot: error: "), r.stderr
    assert "Traceback" not in r.output + r.stderr
    for n in needles:
        assert n in lines[0], lines[0]
    return lines[0]


def _named(target) -> str:
    """What the one error line must mention: the path (click or our check may speak first)."""
    return str(target) if str(target) else "empty"


@pytest.fixture
def no_work(monkeypatch):
    """Any diagonalisation, analysis or pipeline run fails the test: refusals come first."""
    import symboot.pipeline
    import ed.analysis
    import ed.modelspec
    import ed.spectra

    def forbidden(*a, **k):
        raise AssertionError("work started before the outputs were checked")

    for mod, name in [(ed.spectra, "compute_spectra"), (ed.analysis, "analyse"), (ed.analysis, "analyse_spectra"),
                      (ed.modelspec, "ensemble_from_spec"), (symboot.pipeline, "identify_matrices"),
                      (symboot.pipeline, "identify_curves"), (symboot.pipeline, "identify_analysis")]:
        monkeypatch.setattr(mod, name, forbidden)


def _char_device(d: Path, name: str, minor: int) -> Path:
    """A copy of /dev/null (minor 3) or /dev/full (minor 7) in ``d``, or the real one."""
    p = d / name
    try:
        os.mknod(p, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    except (PermissionError, OSError):
        return Path("/dev") / name
    return p


# ------------------------------------------------------------------ regular files and links
def test_regular_target_replaced_whole_with_its_mode_and_nothing_else(tmp_path):
    old = tmp_path / "a.json"
    old.write_text("old")
    old.chmod(0o640)
    with atomic_target(old) as tmp:
        assert tmp.parent == tmp_path and tmp.name != "a.json.tmp"
        tmp.write_text("new")
    assert old.read_text() == "new" and stat.S_IMODE(old.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]
    umask = os.umask(0)
    os.umask(umask)
    with atomic_target(tmp_path / "b.json") as tmp:  # a new file: open()'s mode, not mkstemp's 0600
        tmp.write_text("b")
    assert stat.S_IMODE((tmp_path / "b.json").stat().st_mode) == 0o666 & ~umask


def test_failed_write_leaves_the_target_and_no_temporary(tmp_path):
    old = tmp_path / "a.json"
    old.write_text("old")
    with pytest.raises(RuntimeError), atomic_target(old) as tmp:
        tmp.write_text("half")
        raise RuntimeError
    assert _snapshot(tmp_path) == {"a.json": (stat.S_IFREG, stat.S_IMODE(old.stat().st_mode), b"old")}


def test_symlink_kept_and_its_file_replaced(inputs, tmp_path):
    real = tmp_path / "data" / "x.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "x.json"
    link.symlink_to(real)
    r = _run(_xsff(inputs, "-o", link))
    assert r.exit_code == 0, r.output
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert json.loads(real.read_text())["sectors"]
    assert sorted(p.name for p in real.parent.iterdir()) == ["x.json"]  # the temporary sat beside the real file


def test_users_lookalike_temporaries_untouched(inputs, tmp_path):
    """The old writers used ``<out>.tmp<ext>``: a user's file of that name must survive."""
    mine = {"x.npz.tmp.npz": b"mine 1", "x.json.tmp": b"mine 2", "s.npz.tmp.npz": b"mine 3"}
    for name, data in mine.items():
        (tmp_path / name).write_bytes(data)
    r = _run(_xsff(inputs, "--save-xsff", tmp_path / "x.npz", "-o", tmp_path / "x.json"))
    assert r.exit_code == 0, r.output
    r = _run(_spectra(inputs, tmp_path / "s.npz"))
    assert r.exit_code == 0, r.output
    for name, data in mine.items():
        assert (tmp_path / name).read_bytes() == data
    assert {p.name for p in tmp_path.iterdir()} == set(mine) | {"x.npz", "x.json", "s.npz"}


# ------------------------------------------------------------------ devices, FIFOs, stdout
def test_device_target_written_through_and_kept(inputs, tmp_path):
    null = _char_device(tmp_path, "null", 3)
    for args in (_spectra(inputs, null), _xsff(inputs, "-o", null, "--save-xsff", null)):
        r = _run(args)
        assert r.exit_code == 0, r.output
        assert stat.S_ISCHR(null.stat().st_mode) and null.stat().st_rdev == os.makedev(1, 3)
    assert {p.name for p in tmp_path.iterdir()} <= {"null"}


def test_full_device_is_one_error_line_and_stays_a_device(inputs, tmp_path):
    full = _char_device(tmp_path, "full", 7)
    _one_error_line(_run(_spectra(inputs, full)), "No space left on device")
    assert stat.S_ISCHR(full.stat().st_mode) and full.stat().st_rdev == os.makedev(1, 7)
    assert {p.name for p in tmp_path.iterdir()} <= {"full"}


def test_fifo_target_written_through(inputs, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    r = _run(_xsff(inputs, "-o", fifo))
    reader.join(10)
    assert r.exit_code == 0, r.output
    assert json.loads(got[0]) == json.loads(r.stdout)
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and [p.name for p in tmp_path.iterdir()] == ["pipe"]


@pytest.mark.skipif(not SYMBOOT.exists() or not Path("/dev/stdout").exists(), reason="needs the symboot script")
def test_dev_stdout_pipe_and_redirected_file(inputs, tmp_path):
    """Real file descriptors: a pipe gets the JSON; a file behind ``>`` keeps its inode
    (not replaced, so the shell's redirection still writes into it), and ``>>`` keeps
    what was in the log before."""
    args = [str(a) for a in _xsff(inputs, "-o", "/dev/stdout")]
    p = subprocess.run([str(SYMBOOT), *args], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert len(lines) == 2 and json.loads(lines[0]) == json.loads(lines[1])
    log = tmp_path / "log"
    log.write_text("before\n")
    inode = log.stat().st_ino
    with open(log, "a") as fh:
        p = subprocess.run([str(SYMBOOT), *args], stdout=fh, stderr=subprocess.PIPE, text=True, timeout=120,
                           cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert log.stat().st_ino == inode
    first, *rest = log.read_text().splitlines()
    assert first == "before" and len(rest) == 2 and json.loads(rest[0]) == json.loads(rest[1])
    assert sorted(q.name for q in tmp_path.iterdir()) == ["log"]


# ------------------------------------------------------------------ unwritable: refused first
def _unwritable(d: Path) -> dict:
    (d / "regfile").write_text("a file, not a directory")
    (d / "adir").mkdir()
    return {"empty": "", "under_proc": "/proc/symboot-test-out.json", "under_file": d / "regfile" / "x.json",
            "missing_dir": d / "missing" / "x.json", "a_directory": d / "adir"}


@pytest.mark.parametrize("case", ["empty", "under_proc", "under_file", "missing_dir", "a_directory"])
@pytest.mark.parametrize("command", ["spectra -o", "xsff -o", "xsff --save-xsff"])
def test_unwritable_file_output_refused_before_work(inputs, tmp_path, no_work, case, command):
    target = _unwritable(tmp_path)[case]
    good = tmp_path / "good.json"
    if command == "spectra -o":
        args = _spectra(inputs, target)
    elif command == "xsff -o":
        args = _xsff(inputs, "--save-xsff", tmp_path / "a.npz", "-o", target)  # a.npz: not written either
    else:
        args = _xsff(inputs, "--save-xsff", target, "-o", good)
    before = _snapshot(tmp_path)
    _one_error_line(_run(args), _named(target))
    assert _snapshot(tmp_path) == before
    assert not Path("/proc/symboot-test-out.json").exists()


def test_save_xsff_then_bad_output_writes_nothing(inputs, tmp_path):
    """The issue's case: ``--save-xsff a.npz -o regfile/x.json`` used to write a.npz, then crash."""
    (tmp_path / "regfile").write_text("x")
    r = _run(_xsff(inputs, "--save-xsff", tmp_path / "a.npz", "-o", tmp_path / "regfile" / "x.json"))
    _one_error_line(r, "regfile")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["regfile"]


def test_output_and_save_xsff_on_one_file_refused(inputs, tmp_path, no_work):
    _one_error_line(_run(_xsff(inputs, "--save-xsff", tmp_path / "x", "-o", tmp_path / "x")), "same file")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("case", ["empty", "under_proc", "under_file", "a_file"])
@pytest.mark.parametrize("command", ["xsff --plot", "identify -o"])
def test_unwritable_directory_output_refused_before_work(inputs, tmp_path, no_work, case, command):
    d = _unwritable(tmp_path)
    target = {"empty": "", "under_proc": "/proc/symboot-test-dir", "under_file": d["under_file"],
              "a_file": tmp_path / "regfile"}[case]
    if command == "xsff --plot":
        args = _xsff(inputs, "--save-xsff", tmp_path / "a.npz", "--plot", target)
    else:
        args = ["identify", "s3_chain", "--param", "L=4", "--quiet", "-o", target]
    before = _snapshot(tmp_path)
    _one_error_line(_run(args), _named(target))
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("kind", ["fifo", "symlink", "directory"])
def test_report_never_replaces_a_non_regular_file(inputs, tmp_path, no_work, kind):
    rep = tmp_path / "rep"
    rep.mkdir()
    page = rep / "report.html"
    {"fifo": lambda: os.mkfifo(page), "symlink": lambda: page.symlink_to(tmp_path / "elsewhere.html"),
     "directory": page.mkdir}[kind]()
    before = _snapshot(tmp_path)
    _one_error_line(_run(["identify", "s3_chain", "--param", "L=4", "--quiet", "-o", rep]), "report.html")
    assert _snapshot(tmp_path) == before


def test_missing_parents_of_a_report_directory_are_fine(tmp_path):
    """A report *directory* is made with its parents (as ``mkdir -p``); the check creates nothing."""
    target = tmp_path / "a" / "b" / "rep"
    assert check_writable(target, "report directory", directory=True) == target
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(SymbootInputError, match="does not exist"):  # an output *file* needs its directory
        check_writable(tmp_path / "a" / "x.json", "-o/--output")


def test_check_leaves_no_probe_behind(tmp_path):
    check_writable(tmp_path / "x.json", "-o/--output")
    check_writable(tmp_path, "report directory", directory=True)
    assert list(tmp_path.iterdir()) == []
