"""The identification report (SPEC §5): one Markdown file, one self-contained HTML page
and the JSON result, written atomically into one directory.

The page reads top down as a physicist asks: the verdict (and, when several groups
survive, the measurement that would split them), the findings, the input, the extracted
integers with their confidence, the plots, the bootstrap's status, every candidate with
its branching, character and fusion tables, the named groups, and the timings.

Three modules: :mod:`symboot.sections` builds the content once as a list of blocks,
:mod:`symboot.document` renders it twice (Markdown, HTML), so both files always say the
same, and this one renders the figures (:mod:`ed.plots`) and writes the files.

Examples
--------
>>> import tempfile
>>> from ed.models import ensemble, s3_chain
>>> from symboot.pipeline import identify_matrices
>>> from symboot.report import write_report
>>> ms = ensemble(s3_chain, 4, seed=0, L=5)
>>> r = identify_matrices([m.H for m in ms], ms[0].generators, ms[0].orders, progress=False)
>>> page = write_report(r, tempfile.mkdtemp() + "/s3")
>>> sorted(p.name for p in page.parent.iterdir())[:4]
['gap_ratios.png', 'ramp.png', 'report.html', 'report.md']
>>> "G = S3, unique" in page.read_text()
True
"""
from __future__ import annotations

import io
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

from common import jsonio
from common.errors import SymbootInputError
from ed import plots
from ed.atomic import check_writable
from symboot.document import html_page as _html
from symboot.document import markdown as _markdown
from symboot.sections import CAPTIONS, document

__all__ = ["check_report_dir", "write_report"]

_DPI = 100


def write_report(result, directory: str | Path) -> Path:
    """Write ``report.md``, ``report.html``, ``result.json`` and the PNG figures into
    ``directory``; return the path of ``report.html``.

    Everything is built in a temporary directory (a sibling of a new ``directory``, a
    hidden one inside an existing one) and moved into place at the end, so a failure
    leaves no half-written report (an older report in ``directory`` stays as it was).
    An existing report there is replaced file by file; a link, FIFO or device bearing
    one of the report's names is refused, never replaced (:func:`check_report_dir`).

    Parameters
    ----------
    result : :class:`symboot.pipeline.IdentifyResult`
    directory : where the report goes (created with its parents if missing).

    Raises
    ------
    SymbootInputError
        When ``directory`` cannot take a report (see :func:`check_report_dir`).

    Examples
    --------
    >>> import tempfile
    >>> from ed.models import ensemble, s3_chain
    >>> from symboot.pipeline import identify_matrices
    >>> ms = ensemble(s3_chain, 4, seed=0, L=5)
    >>> r = identify_matrices([m.H for m in ms], ms[0].generators, ms[0].orders, progress=False)
    >>> write_report(r, tempfile.mkdtemp()).name
    'report.html'
    """
    target = check_report_dir(directory).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    page = target / "report.html"
    # inside an existing directory (a mount point, say) the moves below stay on its file system
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target if target.exists() else target.parent))
    try:
        pngs = _render_figures(result)
        blocks = document(result, list(pngs))
        for name, data in pngs.items():
            (tmp / name).write_bytes(data)
        (tmp / "result.json").write_text(jsonio.dumps(result.to_json(report=str(page))), encoding="utf-8")
        (tmp / "report.md").write_text(_markdown(blocks), encoding="utf-8")
        (tmp / "report.html").write_text(_html(blocks, pngs, result.verdict), encoding="utf-8")
        _move_into_place(tmp, target, list(pngs))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return page


def check_report_dir(directory) -> Path:
    """Refuse, before any work, a report directory that cannot take a report.

    On top of :func:`ed.atomic.check_writable` (an empty path, a file, a location where
    nothing can be created), no file a report writes may exist there as anything but a
    regular file: a link, FIFO or device of that name is the user's, and is left alone.

    Parameters
    ----------
    directory : str or Path

    Returns
    -------
    Path
        ``directory``, as a :class:`~pathlib.Path`.

    Raises
    ------
    SymbootInputError

    Examples
    --------
    >>> import os, tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> os.symlink("/dev/null", d / "report.html")
    >>> check_report_dir(d)
    Traceback (most recent call last):
    ...
    common.errors.SymbootInputError: report directory ...: report.html is not a regular file; not replacing it
    """
    target = check_writable(directory, "report directory", directory=True)
    for name in ["report.md", "report.html", "result.json", *CAPTIONS]:
        if os.path.lexists(target / name) and not stat.S_ISREG(os.lstat(target / name).st_mode):
            raise SymbootInputError(f"report directory {directory}: {name} is not a regular file; not replacing it")
    return target


def _move_into_place(tmp: Path, target: Path, pngs: list[str]) -> None:
    """A new directory appears in one rename; an existing one gets the figures first and
    report.html last, so the page is never newer than what it links."""
    if not target.exists():
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)  # mkdtemp's 0700 would make the report private
        os.rename(tmp, target)
        return
    old_md = target / "report.md"
    stale = set(re.findall(r"\]\(([^()/]+\.png)\)", old_md.read_text(encoding="utf-8"))) if old_md.exists() else set()
    for name in [*pngs, "result.json", "report.md", "report.html"]:
        os.replace(tmp / name, target / name)
    for name in stale - set(pngs):  # figures the old report linked and the new one does not make
        old = target / name
        if old.is_file() and not old.is_symlink():  # what a report wrote, never a link or a device
            old.unlink()


def _render_figures(result) -> dict[str, bytes]:
    """PNG bytes per file name, each figure closed as soon as it is rendered."""
    if result.analysis is not None:
        figs = plots.analysis_figures(result.analysis)
    else:
        xs = result.curves
        figs = plots.curve_figures(xs, result.ramp, result.plateau)
    out = {}
    for name, fig in figs:
        try:
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=_DPI)
            out[name] = buf.getvalue()
        finally:
            plt.close(fig)
    return out
