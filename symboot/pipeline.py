"""``symboot identify``: the whole pipeline (SPEC §5) — sectors → spectra → level
statistics → xSFF → integers → bootstrap → named groups → verdict and advice.

The spectral half lives in :mod:`ed` and hands over integers only (ramp and plateau
with their confidence sets, the multiplet census); this module turns them into the
bootstrap's input, runs :func:`bootstrap.engine.solve`, names the verdict and asks
:mod:`bootstrap.advice` what would separate surviving groups. The report is written by
:mod:`symboot.report`.

Examples
--------
>>> from ed.models import ensemble, s3_chain
>>> ms = ensemble(s3_chain, 4, seed=0, L=5)
>>> r = identify_matrices([m.H for m in ms], ms[0].generators, ms[0].orders, progress=False)
>>> r.verdict
'G = S3, unique'
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from bootstrap.data import SpectralData, parse_data
from bootstrap.engine import Result, solve
from bootstrap.known import KnownSubgroup, known_subgroup
from common.errors import SymbootInputError
from common.summary import html_summary

__all__ = ["IdentifyResult", "identify_analysis", "identify_matrices", "identify_curves", "subgroup_of_orders"]


@dataclass
class IdentifyResult:
    """Everything one identification produced (what the report and ``--json`` show).

    Attributes
    ----------
    source : ``{"kind": "model" | "matrix" | "spectra" | "xsff", "description": str, "params": dict}``.
    known : N, with its irreducibles in the sectors' order.
    analysis : :class:`ed.analysis.Analysis` (spectra, gap ratios, xSFF, ramp, plateau,
        census) when spectra were available; ``None`` for ready-made xSFF curves.
    curves : :class:`ed.xsff.XSFF` read from a file (``--xsff``), else ``None``.
    data : the integer data handed to the bootstrap, as its JSON input object.
    solution : the bootstrap's result (candidates, named groups, status).
    advice : discriminating next measurements when several groups survive.
    notes : findings worth a reader's attention (census vs xSFF, assumptions made).
    verdict : one line, e.g. ``"G = S3, unique"`` or ``"one of D8, Q8"``.
    seconds : wall time per stage.
    """

    source: dict
    known: KnownSubgroup
    analysis: object | None
    curves: object | None
    data: dict
    solution: Result
    advice: list = field(default_factory=list)  # bootstrap.advice.Discriminator
    notes: list[str] = field(default_factory=list)
    verdict: str = ""
    seconds: dict = field(default_factory=dict)

    @property
    def xsff(self):
        return self.analysis.xsff if self.analysis is not None else self.curves

    @property
    def groups(self) -> list[tuple[int, int]]:
        return self.solution.groups

    def group_names(self) -> list[str]:
        names = {m.group.id: m.group.name for c in self.solution.candidates for m in c.groups}
        return [names[g] for g in self.groups]

    def __repr__(self) -> str:
        return (f"IdentifyResult(verdict={self.verdict!r}, groups=[{', '.join(self.solution.group_labels())}], "
                f"status={self.solution.status!r})")

    def _repr_html_(self) -> str:
        return html_summary("symboot.identify", [
            ("verdict", self.verdict), ("N", f"{self.known.group.name}, sectors {', '.join(self.known.sector_names)}"),
            ("groups", ", ".join(self.solution.group_labels()) or "none"), ("status", self.solution.status),
            *[("next measurement", d.description) for d in self.advice[:3]], *[("note", n) for n in self.notes]])

    def to_json(self, report: str | None = None) -> dict:
        a = self.analysis
        return {
            "verdict": self.verdict,
            "groups": [list(g) for g in self.groups],
            "group_names": self.group_names(),
            "status": self.solution.status,
            "candidates": [c.to_json() for c in self.solution.candidates],
            "report": report,
            "subgroup": self.known.to_json(),
            "source": self.source,
            "data": self.data,
            "spectral": a.to_json() if a is not None else _curves_json(self.curves),
            "advice": [d.to_json() for d in self.advice],
            "notes": self.notes,
            "solution": self.solution.to_json(),
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


def _curves_json(xs) -> dict | None:
    if xs is None:
        return None
    return {"sectors": [{"charges": list(map(int, c)), "dim": int(d), "irrep_dim": int(n)}
                        for c, d, n in zip(xs.charges, xs.dims, xs.irrep_dims)],
            "plateau": np.round(xs.plateau, 4).tolist(), "layout": getattr(xs, "layout", "symboot")}


def subgroup_of_orders(orders) -> dict:
    """N's input form for commuting generators of the given orders (charge vectors, lexicographic).

    >>> subgroup_of_orders((3,)), subgroup_of_orders((2, 2))
    ({'cyclic': 3}, {'abelian': [2, 2]})
    """
    orders = [int(n) for n in orders]
    return {"cyclic": orders[0]} if len(orders) == 1 else {"abelian": orders}


def verdict_line(result: Result, known: KnownSubgroup) -> str:
    """The one-line answer: unique group, several, none, or incomplete."""
    names = []
    for c in result.candidates:
        for m in c.groups:
            if m.group.name not in names:
                names.append(m.group.name or str(list(m.group.id)))
    unstored = [u["order"] for u in result.named.get("unstored", [])]
    why = (f"groupdb does not store every subgroup class ≅ N at |G| = {', '.join(map(str, unstored))}"
           if unstored else "a solver limit expired")
    if result.status == "incomplete" and not names:
        return f"incomplete: no group found, but {why} (not a negative answer)"
    if result.status == "inconsistent" or not names:
        return "no group G ⊃ N within the database reproduces the data"
    tail = f" (incomplete: {why}; more candidates may exist)" if result.status == "incomplete" else ""
    if len(names) == 1:
        if result.order == known.order:
            return f"G = N = {names[0]}: no hidden unitary symmetry" + tail
        return f"G = {names[0]}, unique" + tail
    return "one of " + ", ".join(names) + tail


def _integer_data(analysis, known: KnownSubgroup, max_order: int | None) -> tuple[dict, list[str]]:
    """The bootstrap input from an ED analysis: ramp (with confidence sets) and census."""
    notes = []
    obj: dict = {"subgroup": known.spec}
    ramp = analysis.ramp.matrix
    if all(x is not None for row in ramp for x in row):
        obj["ramp"] = ramp
        if not analysis.ramp.exact:
            notes.append("some ramp entries are ambiguous; they are passed on as sets of allowed integers")
    else:
        notes.append("the ramp matrix could not be fitted in every sector pair; it is not used")
    c = analysis.census
    if c.rows:
        # a cluster census sees distinct restriction rows only (two irreducibles with equal rows merge)
        obj["census"] = {"rows": c.rows, "distinct": True}
        if c.accidental:
            notes.append(f"census: {len(c.accidental)} multiplicity vector(s) set aside as accidental degeneracies")
    if max_order is not None:
        obj["max_order"] = max_order
    return obj, notes


def stderr_progress(message: str) -> None:
    import click

    click.echo(f"symboot: {message}", err=True)


@dataclass(frozen=True)
class _Run:
    """What every solve of one identification shares: the SMT time limit, the largest
    index [G:N] within the database, and where progress goes (``None``: nowhere)."""

    time_limit: float
    cap: int
    progress: object = None

    def say(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)


def _solve(obj: dict, time_limit: float) -> tuple[SpectralData, Result]:
    data = parse_data(obj)
    return data, solve(data, time_limit=time_limit)


def _index_cap(known: KnownSubgroup, max_order: int | None) -> int:
    from groupdb.store import max_order as coverage

    return min(max_order or coverage(), coverage()) // known.order


def _solve_minimal(make_obj, indices, run: "_Run", why: str) -> tuple[dict, Result, list[str]]:
    """Data that do not fix [G:N] (a plateau alone, distinct census rows alone): try the
    indices in increasing order and stop at the first one some group explains.

    Larger groups acting inside the sectors (S3 × C2 for S3, any G × C_k) reproduce the
    same plateau and the same distinct census rows, so the minimal group is the answer a
    physicist means; the note says so, and that the ramp would decide.
    """
    tried, obj, res = [], None, None
    for index in indices:
        o = make_obj(index)
        if o is None:
            continue
        run.say(f"bootstrap: [G:N] = {index}")
        obj, (_, res) = o, _solve(o, run.time_limit)
        tried.append(index)
        if res.groups or res.status == "incomplete":
            break
    if res is None:
        raise SymbootInputError(f"{why}: no index [G:N] gives integer data")
    notes = []
    if res.groups:
        notes.append(f"{why}: [G:N] = {obj['index']} is the smallest index some group explains "
                     f"(tried {tried}). Groups that act inside the sectors (e.g. G × C2) leave these data unchanged; "
                     "the ramp matrix would exclude them")
    return obj, res, notes


def _solve_checked(obj: dict, run: "_Run") -> tuple[dict, Result, list[str]]:
    """Solve with every datum. When the xSFF ramp and the census disagree, each is solved
    alone (:func:`_ramp_or_census`). A census alone that no group explains is retried
    without one composite row (:func:`_without_composite_row`)."""
    from bootstrap.constraints import reciprocity

    data = parse_data(obj)
    rec = reciprocity(data, run.cap * data.known.order)
    # the minimal index is the answer only where the data are blind to symmetries acting inside
    # the sectors (census rows, plateau); a ramp given as sets leaves several indices open honestly
    if not rec.fixed and not rec.violations and "ramp" not in obj:
        o, res, notes = _solve_minimal(lambda i: {**obj, "index": i}, rec.indices, run,
                                       "the census does not fix [G:N]")
    else:
        run.say("bootstrap: " + ", ".join(k for k in ("ramp", "census", "plateau") if k in obj))
        o, res, notes = obj, solve(data, time_limit=run.time_limit), []
        if res.status == "inconsistent" and "ramp" in obj and "census" in obj:
            return _ramp_or_census(obj, res, data.known, run)
    if not res.groups and res.status != "incomplete" and "census" in obj and "ramp" not in obj:
        return _without_composite_row(obj, run) or (o, res, notes)
    return o, res, notes


def _ramp_or_census(obj: dict, res: Result, known: KnownSubgroup, run: "_Run"):
    """Each datum alone; an answer from one stands (with a note) when the other explains
    nothing on its own — e.g. a ramp that violates reciprocity (a finite-size Thouless bump)."""
    alone = {key: _solve_checked({k: v for k, v in obj.items() if k != other}, run)
             for key, other in (("ramp", "census"), ("census", "ramp"))}
    verdicts = {k: verdict_line(r[1], known) for k, r in alone.items()}
    notes = ["the xSFF ramp and the multiplet census disagree (accidental degeneracy, integrability or too small "
             f"a system): ramp alone → {verdicts['ramp']}; census alone → {verdicts['census']}"]
    usable = [k for k, r in alone.items() if r[1].groups]
    if len(usable) == 1:
        o, r, more = alone[usable[0]]
        return o, r, notes + more + [f"the verdict rests on the {usable[0]} alone: the other datum is explained by no group"]
    return obj, res, notes


def _without_composite_row(obj: dict, run: "_Run"):
    """A census no group explains, retried without one composite row (a sum of other rows),
    the largest first; ``None`` when that explains nothing either.

    A composite row is what coincidences between levels of different irreducibles look
    like. No group predicts a row that is only such a sum, while a systematic family of
    coincidences is a real property of some models: an algebra larger than any group
    commuting with H (the Temperley–Lieb commutant of a nearest-neighbour Potts chain,
    :func:`ed.models.ashkin_teller_potts`), or special states. The largest row is the one
    the most levels would have to share.
    """
    from ed.census import is_sum

    rows = obj["census"]["rows"]
    composite = sorted((r for r in rows if is_sum(r, [o for o in rows if o != r])), key=sum, reverse=True)
    for row in composite:
        reduced = {**obj, "census": {**obj["census"], "rows": [r for r in rows if r != row]}}
        o, res, notes = _solve_checked(reduced, run)
        if res.groups:
            return o, res, notes + [
                f"no group explains the census with its row {row}, a sum of other rows: it is read as coincidences "
                "between levels of different irreducibles (not a group symmetry: an enlarged symmetry algebra, such as "
                "the Temperley–Lieb commutant of a nearest-neighbour Potts chain, or special states; the census table "
                "says how many) and the verdict rests on the other rows"]
    return None


def _finish(source, known, analysis, curves, obj, res, notes, seconds) -> IdentifyResult:
    t0 = time.monotonic()
    matches = [m for c in res.candidates for m in c.groups]
    advice = []
    if len({m.group.id for m in matches}) > 1:
        from bootstrap.advice import next_measurements

        advice = next_measurements(matches, known)
        seconds["advice"] = time.monotonic() - t0
    return IdentifyResult(source, known, analysis, curves, obj, res, advice, notes, verdict_line(res, known), seconds)


def identify_analysis(analysis, known: KnownSubgroup, source: dict, *, max_order: int | None = None,
                      time_limit: float = 10.0, seconds: dict | None = None, say=None) -> IdentifyResult:
    """Bootstrap and name the groups from a finished spectral analysis (:func:`ed.analyse`).

    ``say``: called with a one-line message as each bootstrap run starts (progress), or ``None``.
    """
    seconds = dict(seconds or {})
    if known.rank != len(analysis.spectra.dims):
        raise SymbootInputError(f"N = {known.group.name} has {known.rank} irreducibles but the data have "
                                f"{len(analysis.spectra.dims)} sectors")
    obj, notes = _integer_data(analysis, known, max_order)
    notes = list(analysis.ramp.notes) + notes
    t0 = time.monotonic()
    obj, res, more = _solve_checked(obj, _Run(time_limit, _index_cap(known, max_order), say))
    seconds["bootstrap"] = time.monotonic() - t0
    return _finish(source, known, analysis, None, obj, res, notes + more, seconds)


def identify_matrices(hamiltonians, generators, orders=None, *, source: dict | None = None,
                      subgroup: dict | None = None, fixed=(), max_order: int | None = None,
                      time_limit: float = 10.0, workers: int | None = None, min_levels: int = 10,
                      progress: bool = True, dec=None) -> IdentifyResult:
    """Identify G from an ensemble of Hamiltonians and the generators of N.

    Parameters
    ----------
    hamiltonians : matrices (sparse or dense), one per disorder realisation.
    generators : commuting unitaries generating abelian N (or, with ``dec`` and
        ``subgroup``, any N whose isotypic sectors ``dec`` holds).
    orders : declared generator orders (checked; found when omitted).
    subgroup : N's input form (default: from the orders, see :func:`subgroup_of_orders`).
    max_order : bound on |G| (default: the database's coverage).
    time_limit : seconds for the abstract SMT search.
    """
    from ed.analysis import analyse
    from ed.sectors import abelian_sectors

    seconds = {}
    t0 = time.monotonic()
    if dec is None:
        dec = abelian_sectors(generators, orders, fixed=fixed)
    seconds["sectors"] = time.monotonic() - t0
    t0 = time.monotonic()
    analysis = analyse(hamiltonians, generators, orders, fixed=fixed, min_levels=min_levels, workers=workers,
                       progress=progress, dec=dec)
    seconds["spectra and xSFF"] = time.monotonic() - t0
    known = known_subgroup(subgroup or subgroup_of_orders(analysis.spectra.orders or dec.orders))
    src = source or {"kind": "matrix", "description": f"{len(hamiltonians)} matrices", "params": {}}
    return identify_analysis(analysis, known, src, max_order=max_order, time_limit=time_limit, seconds=seconds,
                             say=stderr_progress if progress else None)


def identify_curves(xs, known: KnownSubgroup, source: dict, *, max_order: int | None = None,
                    time_limit: float = 10.0, say=None) -> IdentifyResult:
    """Identify G from ready-made xSFF curves (:func:`ed.xsff_io.load_xsff`).

    Curves in symboot's own layout carry the energy filter and the block densities, so
    the ramp matrix is extracted as from spectra. The authors' published layout has no
    filter and starts after the ramp, so only the plateau is used: its normalisation
    fixes Mᵀ diag(d) M up to the unknown index [G:N] (SPEC §2). The indices are tried in
    increasing order and the first that some group explains is reported, with a note:
    extensions that act inside the sectors (e.g. S3 × C2 for S3) leave the plateau
    unchanged, and only the ramp can exclude them.
    """
    from ed.extract import extract_plateau, extract_ramp, plateau_for_index

    seconds = {}
    if known.rank != len(xs.dims):
        raise SymbootInputError(f"N = {known.group.name} has {known.rank} irreducibles but the file has "
                                f"{len(xs.dims)} sectors")
    if not np.array_equal(known.dims, np.asarray(xs.irrep_dims)):
        raise SymbootInputError(f"the file's irrep dimensions {list(xs.irrep_dims)} differ from N = "
                                f"{known.group.name}'s {known.dims.tolist()} in the sectors' order")
    notes = []
    if xs.layout == "symboot":
        ramp = extract_ramp(xs)  # the same extraction as from spectra
        xs.ramp = ramp
        xs.plateau_data = extract_plateau(xs, ramp)
        notes += ramp.notes
        if all(x is not None for row in ramp.matrix for x in row):
            obj = {"subgroup": known.spec, "ramp": ramp.matrix}
            if max_order is not None:
                obj["max_order"] = max_order
            t0 = time.monotonic()
            obj, res, more = _solve_checked(obj, _Run(time_limit, _index_cap(known, max_order), say))
            seconds["bootstrap"] = time.monotonic() - t0
            return _finish(source, known, None, xs, obj, res, notes + more, seconds)
        notes.append("the ramp matrix could not be fitted in every sector pair; the plateau is used")
        why = "plateau only (no ramp window in the curves), which does not fix [G:N]"
    else:
        why = ("plateau only (the authors' curves carry no energy filter and begin after the ramp), "
               "which does not fix [G:N]")
    plateau = extract_plateau(xs, None)
    xs.plateau_data = plateau

    def make_obj(index):
        P = plateau_for_index(plateau, xs.plateau_err, index)
        return None if P is None else {"subgroup": known.spec, "plateau": P, "index": index}

    t0 = time.monotonic()
    cap = _index_cap(known, max_order)
    obj, res, more = _solve_minimal(make_obj, range(1, cap + 1), _Run(time_limit, cap, say), why)
    seconds["bootstrap"] = time.monotonic() - t0
    return _finish(source, known, None, xs, obj, res, notes + more, seconds)
