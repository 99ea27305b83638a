"""The identification report (SPEC §5): one Markdown file, one self-contained HTML page
and the JSON result, written atomically into one directory.

The page reads top down as a physicist asks: the verdict (and, when several groups
survive, the measurement that would split them), the findings, the input, the extracted
integers with their confidence, the plots, the bootstrap's status, every candidate with
its branching, character and fusion tables, the named groups, and the timings.

The content is built once as a list of blocks and rendered twice (Markdown, HTML), so
both files always say the same. Character tables use groupdb's ζ notation
(:mod:`groupdb.display`); the figures are :mod:`ed.plots`'.

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

import base64
import html
import io
import os
import re
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from ed import plots
from ed.atomic import check_writable
from common import jsonio
from groupdb.cli import format_table
from groupdb.display import ZETA_LEGEND, class_names, format_character_table, zeta_cells
from common.errors import SymbootInputError

__all__ = ["check_report_dir", "write_report"]

#: tables wider or longer than this are cut (the complete data are in result.json)
MAX_TABLE = 48
#: at most this many fusion rules χi ⊗ χj are listed per candidate
MAX_FUSION_LINES = 60
#: at most this many named groups get their stored character table printed in full
MAX_GROUP_TABLES = 12
_DPI = 100

_STATUS = {
    "complete": "complete — every group of the allowed orders was examined; the list is exhaustive",
    "incomplete": "incomplete — a solver limit expired before every possibility was examined; more "
                  "candidates may exist (this is not a negative answer)",
    "inconsistent": "inconsistent — no group of the allowed orders reproduces the data",
}
_FOUND_BY = {"abstract": "abstract search (SMT, no group assumed)", "named": "named search (groupdb)"}


# --------------------------------------------------------------------------- blocks
@dataclass
class _H:
    level: int
    text: str


@dataclass
class _P:
    text: str
    cls: str = ""  # HTML class (e.g. the verdict box)


@dataclass
class _Items:
    items: list[str]


@dataclass
class _Table:
    header: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass
class _Pre:
    text: str


@dataclass
class _Img:
    name: str
    caption: str


@dataclass
class _CharTable:
    """A character table: fixed-width ζ text in Markdown, an HTML table on the page."""

    values: list
    class_sizes: list[int]
    names: list[str] | None = None
    indicators: list[int] | None = None


@dataclass
class _Details:
    summary: str
    blocks: list = field(default_factory=list)


# --------------------------------------------------------------------------- public
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
        blocks = _document(result, list(pngs))
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
    for name in ["report.md", "report.html", "result.json", *_CAPTIONS]:
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
        figs = plots.curve_figures(xs, getattr(xs, "ramp", None), getattr(xs, "plateau_data", None))
    out = {}
    for name, fig in figs:
        try:
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=_DPI)
            out[name] = buf.getvalue()
        finally:
            plt.close(fig)
    return out


# --------------------------------------------------------------------------- content
def _sector_labels(result) -> list[str]:
    if result.analysis is not None:
        return list(result.analysis.spectra.labels)
    return list(getattr(result.curves, "labels", None) or result.known.sector_names)


def _int_matrix_rows(M, labels) -> list[list[str]]:
    return [[labels[i]] + [_entry(x) for x in row] for i, row in enumerate(M)]


def _entry(x) -> str:
    """An extracted integer, or the set of plausible integers when ambiguous."""
    if x is None:
        return "?"
    if isinstance(x, (list, tuple)):
        return "{" + ", ".join(map(str, x)) + "}"
    return str(x)


def _num_rows(A, labels, fmt="{:.3f}") -> list[list[str]]:
    return [[labels[i]] + [fmt.format(v) for v in row] for i, row in enumerate(np.asarray(A, float))]


def _verdict_class(result) -> str:
    status = result.solution.status
    if status != "complete":
        return f"verdict {status}"
    return "verdict " + ("unique" if len(result.groups) == 1 else "several" if result.groups else "none")


def _document(result, figures: list[str]) -> list:
    """The report as blocks, in reading order."""
    sol, K = result.solution, result.known
    summary = f"N = {K.group.name}"
    if sol.order:
        summary += f", [G:N] = {sol.index}, |G| = {sol.order}"
    summary += f"; {len(sol.candidates)} candidate(s), {len(result.groups)} named group(s). "
    out: list = [_H(1, "symboot identification report"), _P(result.verdict, _verdict_class(result)),
                 _P(summary + f"Bootstrap status: {_STATUS.get(sol.status, sol.status)}.")]
    if result.advice:
        out.append(_H(2, "Discriminating next measurement"))
        for d in result.advice:
            out += _advice_blocks(d, _sector_labels(result))
    elif len(result.groups) > 1:
        out += [_H(2, "Discriminating next measurement"),
                _P("none of the measurements symboot can predict (ramp, plateau, census, time reversal, larger "
                   "subgroups) separates these groups")]
    if result.notes:
        out += [_H(2, "Findings"), _Items(list(result.notes))]
    out += _input_section(result)
    out += _integers_section(result)
    out += _plots_section(result, figures)
    out += _bootstrap_section(result)
    out += _candidates_section(result)
    out += _groups_section(result)
    out += _timings_section(result)
    return out


def _value_text(v) -> str:
    """A predicted outcome in one cell: block statistics joined by +, anything else as JSON."""
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return " + ".join(v) or "—"
    return v if isinstance(v, str) else jsonio.dumps(v, ensure_ascii=False)


def _advice_blocks(d, labels: list[str]) -> list:
    """One discriminator: its sentence and each group's prediction (per sector when it has one)."""
    out = [_P(f"{d.kind}: {d.description}")]
    preds = d.predictions
    keys = [list(p) for p in preds.values() if isinstance(p, dict)]
    if len(keys) == len(preds) and keys and all(k == keys[0] for k in keys):
        corner = "group \\ sector" if set(keys[0]) <= set(labels) else "group"
        out.append(_Table([corner] + keys[0], [[g] + [_value_text(p[k]) for k in keys[0]] for g, p in preds.items()]))
    elif preds:
        out.append(_Table(["group", "prediction"], [[g, _value_text(p)] for g, p in preds.items()]))
    return out


def _input_section(result) -> list:
    src, K = result.source, result.known
    labels = _sector_labels(result)
    items = [f"source: {src.get('kind', '?')} — {src.get('description', '')}"]
    if src.get("params"):
        items.append("parameters: " + ", ".join(f"{k} = {v}" for k, v in src["params"].items()))
    items.append(f"known subgroup N = {K.group.name} [{K.group.id[0]},{K.group.id[1]}], order {K.order}, "
                 f"{K.rank} sectors ({', '.join(labels)})")
    a = result.analysis
    if a is not None:
        sp = a.spectra
        items.append(f"realisations: {sp.n_realisations}")
        rows = [[lab, ",".join(map(str, c)), str(d), str(n), f"{g.mean:.4f} ± {g.err:.4f}", g.verdict]
                for lab, c, d, n, g in zip(labels, sp.charges, sp.dims, sp.irrep_dims, a.ratios)]
        table = _Table(["sector", "charges", "dimension", "n_μ", "⟨r⟩", "class"], rows,
                       "⟨r⟩ references: Poisson 0.386, GOE 0.531, GUE 0.600, GSE 0.674. A sector holding several "
                       "G-blocks looks Poisson-like.")
    else:
        xs = result.curves
        items.append(f"ready-made xSFF curves, layout “{getattr(xs, 'layout', 'symboot')}”, "
                     f"{len(xs.t)} times from {xs.t[0]:.4g} to {xs.t[-1]:.4g}, {xs.n_realisations} realisations")
        rows = [[lab, str(d), str(n)] for lab, d, n in zip(labels, xs.dims, xs.irrep_dims)]
        table = _Table(["sector", "dimension", "n_μ"], rows)
    return [_H(2, "Input"), _Items(items), table]


def _ramp_blocks(ramp, labels, title: str) -> list:
    """R with its confidence: each entry's integer (or plausible set) and fit ± error."""
    rows = [[labels[a]] + [f"{_entry(e.to_json())}  ({e.fit:.2f} ± {e.err:.2f})" if np.isfinite(e.fit)
                           else "not fitted" for e in row] for a, row in enumerate(ramp.entries)]
    fitted = [e.confidence for row in ramp.entries for e in row if np.isfinite(e.fit)]
    beta = {1: "GOE", 2: "GUE", 4: "GSE"}.get(ramp.beta, str(ramp.beta))
    items = [(f"confidence: the least certain fitted entry's integer has posterior {min(fitted):.3f}"
              if fitted else "no entry could be fitted")
             + ("" if ramp.exact else "; {a, b} = several integers plausible, passed on as a set"),
             f"RMT class used for the ramp: {beta}" + (f" ({ramp.beta_reason})" if ramp.beta_reason else ""),
             "ramp windows: " + "; ".join(f"{lab}: {w[0]:.3g}–{w[1]:.3g}" if w else f"{lab}: none"
                                         for lab, w in zip(labels, ramp.windows))]
    return [_H(3, title), _Table(["R"] + labels, rows, "integer (fit ± error) per sector pair"), _Items(items)]


def _integers_section(result) -> list:
    labels = _sector_labels(result)
    out = [_H(2, "Extracted integers")]
    a = result.analysis
    ramp = a.ramp if a is not None else getattr(result.curves, "ramp", None)
    if ramp is not None:
        out += _ramp_blocks(ramp, labels, "Ramp matrix R")
        if a is not None and not ramp.exact and a.reciprocity_ramp() is not None:
            out.append(_P("Reciprocity (R n = [G:N] n) leaves one choice within the plausible sets:"))
            out.append(_Table(["R"] + labels, _int_matrix_rows(a.reciprocity_ramp(), labels)))
    plateau = a.plateau if a is not None else getattr(result.curves, "plateau_data", None)
    if plateau is not None:
        out += [_H(3, "Plateau"), _Table(["P̃"] + labels, _num_rows(plateau.normalised, labels),
                                          "normalised plateau P̃ ≈ Mᵀ diag(d) M / [G:N]")]
        if plateau.scaled is not None:
            out.append(_Table([f"{plateau.index}·P̃"] + labels, _num_rows(plateau.scaled, labels),
                              f"scaled by the index [G:N] = {plateau.index} from R"))
    if a is not None:
        c = a.census
        out.append(_H(3, "Multiplet census"))
        if c.rows:
            out.append(_Table(labels + ["count"], [[str(x) for x in r] + [str(n)] for r, n in zip(c.rows, c.counts)],
                              "distinct multiplicity vectors of degenerate multiplets across sectors "
                              "(one realisation), with how many multiplets show each"))
        else:
            out.append(_P("no multiplets found"))
        if c.accidental:
            out.append(_Items([f"set aside as accidental: {r} ({n}×)" for r, n in c.accidental]))
    data = {k: v for k, v in result.data.items() if k in ("ramp", "plateau", "census", "index", "max_order")}
    out += [_P("Handed to the bootstrap (a list in place of an entry: its plausible integers):"), _Pre(jsonio.dumps(data))]
    return out


_CAPTIONS = {
    "sector_sff.png": "Sector SFFs K_μμ(t) with the one-block ramp reference; shaded: ramp windows",
    "xsff_matrix.png": "xSFF matrix K_μν(t)/k_β(t) over time; shaded: fit window; red: fitted value",
    "ramp.png": "R as a heat map (fitted values)",
    "gap_ratios.png": "Gap-ratio histograms with the Poisson/GOE/GUE/GSE surmises",
    "xsff_curves.png": "xSFF curves K_μν(t) as given; dashed: plateau level",
    "plateau.png": "Normalised plateau P̃ as a heat map",
}


def _plots_section(result, figures: list[str]) -> list:
    return [_H(2, "Plots")] + [_Img(name, _CAPTIONS.get(name, name)) for name in figures]


def _bootstrap_section(result) -> list:
    sol = result.solution
    items = [f"status: {_STATUS.get(sol.status, sol.status)}"]
    if sol.order:
        items.append(f"reciprocity: [G:N] = {sol.index}, |G| = {sol.order}")
    items += [f"search: {s}" for s in sol.searches]
    ab = sol.abstract
    if ab.get("status") not in (None, "not run"):
        items.append(f"abstract search: {ab['status']}" + (f" ({ab['reason']})" if ab.get("reason") else ""))
    if sol.named.get("status") not in (None, "not run"):
        beyond = sol.named.get("beyond_coverage")
        items.append(f"named search: {sol.named['status']}" + (f"; orders beyond the database: {beyond}" if beyond else "")
                     + "".join(f"; at |G| = {u['order']}: {u['reason']}" for u in sol.named.get("unstored", [])))
    out = [_H(2, "Bootstrap"), _Items(items)]
    if sol.violations:
        out += [_P("Violated constraints:"), _Items([str(v) for v in sol.violations])]
    return out


def _fusion_lines(F: np.ndarray) -> tuple[list[str], str]:
    """``χi ⊗ χj = …`` for 2 ≤ i ≤ j (χ1 is trivial), capped at MAX_FUSION_LINES."""
    k = len(F)
    lines = []
    for i in range(1, k):
        for j in range(i, k):
            terms = [("" if n == 1 else str(int(n))) + f"χ{c + 1}" for c, n in enumerate(F[i, j]) if n]
            lines.append(f"χ{i + 1} ⊗ χ{j + 1} = " + " + ".join(terms))
    total = len(lines)
    note = (f"{MAX_FUSION_LINES} of {total} products shown; the full fusion table N_λλ'^λ'' is in "
            "result.json (candidates[…].fusion)") if total > MAX_FUSION_LINES else ""
    return lines[:MAX_FUSION_LINES], note


def _candidate_blocks(i: int, c, labels: list[str]) -> list:
    names = ", ".join(m.group.name for m in c.groups)
    k = len(c.branching)
    out = [_H(3, f"Candidate {i}: |G| = {c.order}, {k} irreducibles" + (f" — {names}" if names else ""))]
    items = [f"dimensions: {', '.join(map(str, c.dims.tolist()))}",
             "found by: " + " and ".join(_FOUND_BY.get(s, s) for s in c.found_by)]
    if c.groups:
        items.append("named groups: " + ", ".join(f"{m.group.name} [{m.group.id[0]},{m.group.id[1]}]" for m in c.groups))
    if c.note:
        items.append(f"note: {c.note}")
    if k > MAX_TABLE:
        items.append(f"tables cut to the first {MAX_TABLE} rows and columns; complete in result.json")
    out.append(_Items(items))
    dims = c.dims.tolist()
    out.append(_Table(["branching", "dim"] + labels,
                      [[f"χ{r + 1}", str(dims[r])] + [str(int(x)) for x in row] for r, row in enumerate(c.branching)][:MAX_TABLE],
                      "Res^G_N χ = Σ_μ M[χ, μ] μ: rows G's irreducibles, columns N's sectors"))
    if c.table is not None:
        t = c.table
        named = getattr(t, "group", None)  # a stored groupdb table knows its element orders
        names_ = class_names(named.element_orders)[:MAX_TABLE] if named is not None else None
        out.append(_P(f"Character table ({c.table_source or 'exact'}; {ZETA_LEGEND}; columns: classes with their sizes):"))
        out.append(_CharTable([row[:MAX_TABLE] for row in t.values][:MAX_TABLE], list(t.class_sizes)[:MAX_TABLE], names_))
    else:
        out.append(_P("no exact character table (see the note)"))
    lines, note = _fusion_lines(np.asarray(c.fusion))
    out.append(_P("Fusion rules (χ1 is the trivial irreducible):"))
    out.append(_Pre("\n".join(lines) if lines else "(only the trivial irreducible)"))
    if note:
        out.append(_P(note))
    return out


def _candidates_section(result) -> list:
    cands = result.solution.candidates
    labels = _sector_labels(result)
    out = [_H(2, f"Candidates ({len(cands)})")]
    if not cands:
        out.append(_P("none"))
    for i, c in enumerate(cands, 1):
        out += _candidate_blocks(i, c, labels)
    return out


def _groups_section(result) -> list:
    seen = {}
    for i, c in enumerate(result.solution.candidates, 1):
        for m in c.groups:
            seen.setdefault(m.group.id, (m, []))[1].append(i)
    out = [_H(2, f"Named groups ({len(seen)})")]
    if not seen:
        out.append(_P("no group of the database matches"))
    for n, (m, where) in enumerate(seen.values()):
        G = m.group
        props = ", ".join(p for p, ok in (("abelian", G.abelian), ("nilpotent", G.nilpotent),
                                          ("solvable", G.solvable)) if ok) or "non-solvable"
        out.append(_H(3, f"{G.name} [{G.id[0]},{G.id[1]}]"))
        out.append(_Items([
            f"structure: {G.name}; order {G.order}, {G.nclasses} classes, exponent {G.exponent}; {props}",
            f"degrees: {', '.join(map(str, G.degrees))}",
            f"Schur multiplier: {'×'.join(f'C{x}' for x in G.multiplier) or '1'}",
            f"N sits in {len(m.positions)} matching subgroup class(es) {list(m.positions)}; candidate(s) {where}",
        ]))
        if n < MAX_GROUP_TABLES:
            out.append(_Details(f"stored character table of {G.name} (groupdb order, FS indicators)",
                                [_Pre(format_table(G))]))
    if len(seen) > MAX_GROUP_TABLES:
        out.append(_P(f"stored tables shown for the first {MAX_GROUP_TABLES} groups; `symboot groups show NAME` prints any"))
    return out


def _timings_section(result) -> list:
    rows = [[k, f"{v:.3f}"] for k, v in result.seconds.items()]
    rows.append(["total", f"{sum(result.seconds.values()):.3f}"])
    return [_H(2, "Timings"), _Table(["stage", "seconds"], rows)]


# --------------------------------------------------------------------------- Markdown
def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def _markdown(blocks: list) -> str:
    out = []
    for b in blocks:
        if isinstance(b, _H):
            out.append("#" * b.level + " " + b.text)
        elif isinstance(b, _P):
            out.append(f"**{b.text}**" if b.cls.startswith("verdict") else b.text)
        elif isinstance(b, _Items):
            out.append("\n".join(f"- {x}" for x in b.items))
        elif isinstance(b, _Table):
            lines = ["| " + " | ".join(map(_md_cell, b.header)) + " |", "|" + "---|" * len(b.header)]
            lines += ["| " + " | ".join(map(_md_cell, r)) + " |" for r in b.rows]
            out.append("\n".join(lines) + (f"\n\n*{b.caption}*" if b.caption else ""))
        elif isinstance(b, _Pre):
            out.append(f"```\n{b.text}\n```")
        elif isinstance(b, _CharTable):
            out.append(f"```\n{format_character_table(b.values, b.class_sizes, b.names, b.indicators)}\n```")
        elif isinstance(b, _Img):
            out.append(f"![{b.caption}]({b.name})\n\n*{b.caption}*")
        elif isinstance(b, _Details):
            out.append(f"**{b.summary}**\n\n" + _markdown(b.blocks))
    return "\n\n".join(out) + "\n"


# --------------------------------------------------------------------------- HTML
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;max-width:1100px;
 margin:1.5em auto;padding:0 1em;color:#1d1d1f;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.3em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
h3{margin-bottom:.3em}
.verdict{font-size:1.35em;font-weight:600;padding:.6em .9em;border-radius:6px;border-left:6px solid}
.unique{background:#e8f5e9;border-color:#2e7d32}.several{background:#fff8e1;border-color:#f9a825}
.inconsistent,.none{background:#ffebee;border-color:#c62828}.incomplete{background:#eceff1;border-color:#607d8b}
.scroll{overflow-x:auto;max-width:100%;margin:.5em 0}
table{border-collapse:collapse;font-size:.9em}
th,td{border:1px solid #ccc;padding:.2em .55em;text-align:right;white-space:nowrap}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
table.ct{font-size:.78em;font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace}
.caption{font-size:.85em;color:#555;margin:.2em 0 .8em}
pre{background:#f7f7f7;padding:.6em;overflow-x:auto;font-size:.88em;max-height:28em}
figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.85em;color:#555}
details{margin:.4em 0}summary{cursor:pointer;color:#0b57d0}
sub,sup{line-height:0}
"""


def _zeta_html(text: str) -> str:
    """ζ-notation cell as HTML: ``ζ8^3`` → ζ₈³ (sub- and superscripts)."""
    return re.sub(r"ζ(\d+)(?:\^(\d+))?", lambda m: f"ζ<sub>{m[1]}</sub>" + (f"<sup>{m[2]}</sup>" if m[2] else ""),
                  html.escape(text))


def _html_table(header: list[str], rows: list[list[str]], cls: str = "", cell=html.escape) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell(x)}</td>" for x in r) + "</tr>" for r in rows)
    return f'<div class="scroll"><table class="{cls}"><tr>{head}</tr>{body}</table></div>'


def _html_blocks(blocks: list, pngs: dict[str, bytes]) -> str:
    out = []
    for b in blocks:
        if isinstance(b, _H):
            out.append(f"<h{b.level}>{html.escape(b.text)}</h{b.level}>")
        elif isinstance(b, _P):
            out.append(f'<p class="{b.cls}">{html.escape(b.text)}</p>' if b.cls else f"<p>{html.escape(b.text)}</p>")
        elif isinstance(b, _Items):
            out.append("<ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in b.items) + "</ul>")
        elif isinstance(b, _Table):
            out.append(_html_table(b.header, b.rows)
                       + (f'<div class="caption">{html.escape(b.caption)}</div>' if b.caption else ""))
        elif isinstance(b, _Pre):
            out.append(f"<pre>{html.escape(b.text)}</pre>")
        elif isinstance(b, _CharTable):
            names = b.names or [f"c{j + 1}" for j in range(len(b.class_sizes))]
            rows = [["size"] + [str(s) for s in b.class_sizes]]
            rows += [[f"χ{i + 1}"] + r for i, r in enumerate(zeta_cells(b.values))]
            out.append(_html_table(["class"] + names, rows, "ct", _zeta_html))
        elif isinstance(b, _Img):
            data = base64.b64encode(pngs[b.name]).decode("ascii")
            out.append(f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(b.caption)}">'
                       f"<figcaption>{html.escape(b.caption)}</figcaption></figure>")
        elif isinstance(b, _Details):
            out.append(f"<details><summary>{html.escape(b.summary)}</summary>{_html_blocks(b.blocks, pngs)}</details>")
    return "\n".join(out)


def _html(blocks: list, pngs: dict[str, bytes], title: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>symboot: {html.escape(title)}</title><style>{_CSS}</style></head>\n"
            f"<body>\n{_html_blocks(blocks, pngs)}\n</body></html>\n")
