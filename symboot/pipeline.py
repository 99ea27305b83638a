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
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from bootstrap.data import SpectralData, spectral_data
from bootstrap.constraints import Violation
from bootstrap.engine import AbstractReach, NamedReach, Result, solve
from bootstrap.known import KnownSubgroup, known_subgroup
from common.errors import SymbootInputError
from common.summary import html_summary

if TYPE_CHECKING:  # ed is imported where it is used: `import symboot` stays light
    from ed.analysis import Analysis
    from ed.extract import RampData
    from ed.plateau import PlateauData
    from symboot.antiunitary import AntiunitaryReading
    from ed.xsff import XSFF

__all__ = ["IdentifyResult", "identify_analysis", "identify_matrices", "identify_curves", "identify_unlabelled_curves",
           "label_maps", "sector_map", "subgroup_of_orders"]


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
    ramp, plateau : the integers extracted from the curves with their confidence
        (:class:`ed.extract.RampData`, :class:`ed.plateau.PlateauData`); from spectra they
        are the analysis's own.
    data : the integer data handed to the bootstrap; ``None`` where the spectral data gave none
        (a plateau integral at no index within its confidence: the solution is then
        "incomplete", never a negative answer).
    solution : the bootstrap's result (candidates, named groups, status).
    advice : discriminating next measurements when several groups survive.
    notes : findings worth a reader's attention (census vs xSFF, assumptions made).
    verdict : one line, e.g. ``"G = S3, unique"`` or ``"one of D8, Q8"``.
    seconds : wall time per stage.
    """

    source: dict
    known: KnownSubgroup
    analysis: Analysis | None
    curves: XSFF | None
    data: SpectralData | None
    solution: Result
    advice: list = field(default_factory=list)  # bootstrap.advice.Discriminator
    notes: list[str] = field(default_factory=list)
    verdict: str = ""
    seconds: dict = field(default_factory=dict)
    ramp: RampData | None = None
    plateau: PlateauData | None = None
    #: what the spectra say of anti-unitary symmetries (:mod:`symboot.antiunitary`); None from curves
    antiunitary: AntiunitaryReading | None = None

    @property
    def xsff(self):
        return self.analysis.xsff if self.analysis is not None else self.curves

    @property
    def groups(self) -> list[tuple[int, int]]:
        """The unitary hidden groups: the named groups, or where they were read as magnetic
        groups (:func:`symboot.antiunitary.magnetic_fits`) their unitary halves."""
        au = self.antiunitary
        return au.unitary_groups if au is not None and au.magnetic_changes_groups else self.solution.groups

    def group_names(self) -> list[str]:
        import groupdb

        return [groupdb.load(g).name for g in self.groups]

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
            "data": None if self.data is None else self.data.to_json(),
            "spectral": a.to_json() if a is not None else _curves_json(self.curves),
            "advice": [d.to_json() for d in self.advice],
            "notes": self.notes,
            "solution": self.solution.to_json(),
            "antiunitary": self.antiunitary.to_json() if self.antiunitary is not None and self.antiunitary.detected
            else None,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


def _curves_json(xs) -> dict | None:
    if xs is None:
        return None
    return {"sectors": [{"charges": list(map(int, c)), "dim": int(d), "irrep_dim": int(n)}
                        for c, d, n in zip(xs.charges, xs.dims, xs.irrep_dims)],
            "plateau": np.round(xs.plateau, 4).tolist(), "layout": xs.layout}


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
    unstored = list(result.named.unstored)
    why = (f"groupdb does not store every subgroup class ≅ N at |G| = {', '.join(map(str, unstored))}"
           if unstored else "a solver limit expired")
    if result.status == "incomplete" and not names and not (result.named.ran or result.abstract.ran):
        return f"incomplete: {result.violations[0].message} (not a negative answer)"
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


def _integer_data(analysis, known: KnownSubgroup, max_order: int | None) -> tuple[SpectralData, list[str]]:
    """The bootstrap input from an ED analysis: ramp (with confidence sets) and census."""
    notes = []
    ramp = analysis.ramp.matrix
    if all(x is not None for row in ramp for x in row):
        if not analysis.ramp.exact:
            notes.append("some ramp entries are ambiguous; they are passed on as sets of allowed integers")
    else:
        ramp = None
        notes.append("the ramp matrix could not be fitted in every sector pair; it is not used")
    c = analysis.census
    if c.accidental:
        notes.append(f"census: {len(c.accidental)} multiplicity vector(s) set aside as accidental degeneracies")
    # a cluster census sees distinct restriction rows only (two irreducibles with equal rows merge)
    return spectral_data(known, ramp=ramp, census=c.rows or None, distinct=True, max_order=max_order), notes


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


def _index_cap(known: KnownSubgroup, max_order: int | None) -> int:
    from groupdb.store import max_order as coverage

    return min(max_order or coverage(), coverage()) // known.order


def _solve_minimal(make_data, indices, run: "_Run", why: str) -> tuple[SpectralData | None, Result, list[str]]:
    """Data that do not fix [G:N] (a plateau alone, distinct census rows alone): try the
    indices in increasing order and stop at the first one some group explains.

    Larger groups acting inside the sectors (S3 × C2 for S3, any G × C_k) reproduce the
    same plateau and the same distinct census rows, so the minimal group is the answer a
    physicist means; the note says so, and that the ramp would decide.
    """
    tried, skipped, data, res = [], [], None, None
    for index in indices:
        d = make_data(index)
        if d is None:
            skipped.append(index)
            continue
        run.say(f"bootstrap: [G:N] = {index}")
        data, res = d, solve(d, time_limit=run.time_limit)
        tried.append(index)
        if res.groups or res.status == "incomplete":
            break
    if res is None:
        return None, undecided(f"{why}: no index [G:N] gives integer data within the confidence"), []
    if not res.groups and res.status != "incomplete" and skipped:
        # no group at the indices read, but the others were not read at all: not a negative answer
        return data, undecided(f"{why}: no group at [G:N] = {', '.join(map(str, tried))}, and at the "
                               f"{len(skipped)} other indices up to {max(skipped)} the data are not integral within "
                               "their confidence, so those are not excluded"), []
    notes = []
    if res.groups:
        notes.append(f"{why}: [G:N] = {data.index} is the smallest index some group explains "
                     f"(tried {tried}). Groups that act inside the sectors (e.g. G × C2) leave these data unchanged; "
                     "the ramp matrix would exclude them")
    return data, res, notes


def undecided(why: str) -> Result:
    """The result of valid data that decide nothing: no search ran, so no group is excluded."""
    return Result("incomplete", None, None, [], [Violation("data", why)], AbstractReach(ran=False),
                  NamedReach(ran=False), [], 0.0)


def union(solutions: list[Result]) -> Result:
    """One result from several readings of the same measurement (label maps, squares of T):
    every candidate of each; incomplete if one is, else complete if one is."""
    statuses = [r.status for r in solutions]
    status = ("incomplete" if "incomplete" in statuses else "complete" if "complete" in statuses
              else "inconsistent")
    best = next((r for r in solutions if r.groups), solutions[0])
    return replace(best, status=status, candidates=[c for r in solutions for c in r.candidates])


def _solve_checked(data: SpectralData, run: "_Run") -> tuple[SpectralData, Result, list[str]]:
    """Solve with every datum. When the xSFF ramp and the census disagree, each is solved
    alone (:func:`_ramp_or_census`). A census alone that no group explains is retried
    without one composite row (:func:`_without_composite_row`)."""
    from bootstrap.constraints import reciprocity

    rec = reciprocity(data, run.cap * data.known.order)
    has_ramp, has_census = data.ramp is not None, data.census_rows is not None
    # the minimal index is the answer only where the data are blind to symmetries acting inside
    # the sectors (census rows, plateau); a ramp given as sets leaves several indices open honestly
    if not rec.fixed and not rec.violations and not has_ramp:
        d, res, notes = _solve_minimal(lambda i: replace(data, index=i), rec.indices, run,
                                       "the census does not fix [G:N]")
    else:
        kinds = [k for k, v in (("ramp", data.ramp), ("census", data.census_rows), ("plateau", data.plateau))
                 if v is not None]
        run.say("bootstrap: " + ", ".join(kinds))
        d, res, notes = data, solve(data, time_limit=run.time_limit), []
        if res.status == "inconsistent" and has_ramp and has_census:
            return _ramp_or_census(data, res, run)
    if not res.groups and res.status != "incomplete" and has_census and not has_ramp:
        return _without_composite_row(data, run) or (d, res, notes)
    return d, res, notes


def _ramp_or_census(data: SpectralData, res: Result, run: "_Run"):
    """Each datum alone; an answer from one stands (with a note) when the other explains
    nothing on its own — e.g. a ramp that violates reciprocity (a finite-size Thouless bump)."""
    alone = {"ramp": _solve_checked(data.without_census(), run),
             "census": _solve_checked(replace(data, ramp=None), run)}
    known = data.known
    verdicts = {k: verdict_line(r[1], known) for k, r in alone.items()}
    notes = ["the xSFF ramp and the multiplet census disagree (accidental degeneracy, integrability or too small "
             f"a system): ramp alone → {verdicts['ramp']}; census alone → {verdicts['census']}"]
    usable = [k for k, r in alone.items() if r[1].groups]
    if len(usable) == 1:
        o, r, more = alone[usable[0]]
        return o, r, notes + more + [f"the verdict rests on the {usable[0]} alone: the other datum is explained by no group"]
    return data, res, notes


def _without_composite_row(data: SpectralData, run: "_Run"):
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

    rows = data.census_rows.tolist()
    composite = sorted((r for r in rows if is_sum(r, [o for o in rows if o != r])), key=sum, reverse=True)
    for row in composite:
        reduced = data.census_subset([i for i, r in enumerate(rows) if r != row])
        o, res, notes = _solve_checked(reduced, run)
        if res.groups:
            return o, res, notes + [
                f"no group explains the census with its row {row}, a sum of other rows: it is read as coincidences "
                "between levels of different irreducibles (not a group symmetry: an enlarged symmetry algebra, such as "
                "the Temperley–Lieb commutant of a nearest-neighbour Potts chain, or special states; the census table "
                "says how many) and the verdict rests on the other rows"]
    return None


def _finish(source, known, analysis, curves, data, res, notes, seconds, ramp=None, plateau=None,
            antiunitary=None) -> IdentifyResult:
    t0 = time.monotonic()
    matches = [m for c in res.candidates for m in c.groups]
    advice = []
    if len({m.group.id for m in matches}) > 1:
        from bootstrap.advice import next_measurements

        advice = next_measurements(matches, known)
        seconds["advice"] = time.monotonic() - t0
    if analysis is not None:
        ramp, plateau = analysis.ramp, analysis.plateau
    verdict = verdict_line(res, known)
    # what the anti-unitary reading says goes before the "(incomplete ...)" tail
    cut = verdict.index(" (incomplete") if " (incomplete" in verdict else len(verdict)
    head, tail = verdict[:cut], verdict[cut:]
    if analysis is None and curves is not None:
        from symboot.antiunitary import unread_classes_note, unread_classes_verdict

        notes = notes + [n for n in [unread_classes_note(res)] if n]
        head += unread_classes_verdict(res)
    if antiunitary is not None and antiunitary.magnetic_changes_groups:
        from symboot.antiunitary import magnetic_verdict

        head = magnetic_verdict(antiunitary, known)
    elif antiunitary is not None and antiunitary.magnetic is not None:
        from symboot.antiunitary import automorphism_verdict

        head += automorphism_verdict(antiunitary)
    verdict = head + tail
    return IdentifyResult(source, known, analysis, curves, data, res, advice, notes, verdict,
                          seconds, ramp, plateau, antiunitary)


def identify_analysis(analysis, known: KnownSubgroup, source: dict, *, max_order: int | None = None,
                      time_limit: float = 10.0, seconds: dict | None = None, say=None,
                      time_reversal: bool = False, antiunitary_map=None) -> IdentifyResult:
    """Bootstrap and name the groups from a finished spectral analysis (:func:`ed.analyse`).

    ``say``: called with a one-line message as each bootstrap run starts (progress), or ``None``.
    ``time_reversal``: an anti-unitary T commuting with G is declared (real couplings where G
    acts by real matrices); the sector classes then fix Frobenius–Schur indicators
    (:mod:`symboot.antiunitary`). Kramers sectors are read as such either way.
    ``antiunitary_map``: ``(tau, squares)`` of a given anti-unitary
    (:func:`ed.symclass.antiunitary_sector_map`).
    """
    from symboot.antiunitary import kramers_ramp, magnetic_fits, read_antiunitary, readings

    seconds = dict(seconds or {})
    if known.rank != len(analysis.spectra.dims):
        raise SymbootInputError(f"N = {known.group.name} has {known.rank} irreducibles but the data have "
                                f"{len(analysis.spectra.dims)} sectors")
    t0 = time.monotonic()
    reading = read_antiunitary(analysis.spectra, time_reversal, antiunitary_map)
    analysis = kramers_ramp(analysis, reading)
    seconds["symmetry classes"] = time.monotonic() - t0
    data, notes = _integer_data(analysis, known, max_order)
    notes = list(analysis.ramp.notes) + notes + reading.notes()
    variants, why = readings(reading, data, analysis.spectra)
    if variants and why:
        notes.append(why)
    if not variants:
        return _finish(source, known, analysis, None, None, undecided(why), notes, seconds, antiunitary=reading)
    t0 = time.monotonic()
    run = _Run(time_limit, _index_cap(known, max_order), say)
    runs = [(eps, *_solve_checked(d, run)) for eps, d in variants]
    seconds["bootstrap"] = time.monotonic() - t0
    _, data, res, more = next((r for r in runs if r[2].groups), runs[0])
    reading.squares = [e for e, _, r, _ in runs if e is not None and r.groups]
    if len(runs) > 1:
        named = "; ".join(f"T² = {e:+d}: {', '.join(r.group_labels()) or 'no group'}" for e, _, r, _ in runs)
        more = more + [f"time reversal commuting with G declared, both squares tried — {named}; the verdict is "
                       "the union"]
        res = union([r for _, _, r, _ in runs])
    if not time_reversal and reading.detected and not any(reading.kramers) and res.groups:
        reading.magnetic, reading.magnetic_note = magnetic_fits(reading, res, data, analysis.ramp.beta)
        more = more + [f.describe(list(analysis.spectra.labels)) for f in reading.magnetic] + (
            [reading.magnetic_note] if reading.magnetic_note else [])
    return _finish(source, known, analysis, None, data, res, notes + more, seconds, antiunitary=reading)


def identify_matrices(hamiltonians, generators, orders=None, *, source: dict | None = None,
                      subgroup: dict | None = None, fixed=(), max_order: int | None = None,
                      time_limit: float = 10.0, workers: int | None = None, min_levels: int = 10,
                      progress: bool = True, dec=None, time_reversal: bool = False,
                      antiunitary=None) -> IdentifyResult:
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
    time_reversal : an anti-unitary commuting with G is declared (:func:`identify_analysis`).
    antiunitary : the unitary part A of a given anti-unitary T = A K
        (:func:`ed.validate.check_antiunitary`, :func:`ed.symclass.antiunitary_sector_map`).
    """
    from ed.analysis import analyse
    from ed.sectors import abelian_sectors

    seconds = {}
    t0 = time.monotonic()
    if dec is None:
        dec = abelian_sectors(generators, orders, fixed=fixed)
    given = None
    if antiunitary is not None:
        from ed.symclass import antiunitary_sector_map
        from ed.validate import check_antiunitary

        given = antiunitary_sector_map(check_antiunitary(antiunitary, hamiltonians), dec)
    seconds["sectors"] = time.monotonic() - t0
    t0 = time.monotonic()
    analysis = analyse(hamiltonians, generators, orders, fixed=fixed, min_levels=min_levels, workers=workers,
                       progress=progress, dec=dec)
    seconds["spectra and xSFF"] = time.monotonic() - t0
    known = known_subgroup(subgroup or subgroup_of_orders(analysis.spectra.orders or dec.orders))
    src = source or {"kind": "matrix", "description": f"{len(hamiltonians)} matrices", "params": {}}
    return identify_analysis(analysis, known, src, max_order=max_order, time_limit=time_limit, seconds=seconds,
                             say=stderr_progress if progress else None, time_reversal=time_reversal,
                             antiunitary_map=given)


def identify_curves(xs, known: KnownSubgroup, source: dict, *, max_order: int | None = None,
                    time_limit: float = 10.0, say=None) -> IdentifyResult:
    """Identify G from ready-made xSFF curves (:func:`ed.xsff_io.load_xsff`).

    Curves in symboot's own layout carry the energy filter and the block densities, so
    the ramp matrix is extracted as from spectra; an exact one is used alone, one with
    ambiguous entries goes in as sets together with the plateau. The authors' published layout has no
    filter and starts after the ramp, so only the plateau is used: its normalisation
    fixes Mᵀ diag(d) M up to the unknown index [G:N] (SPEC §2). The indices are tried in
    increasing order and the first that some group explains is reported, with a note:
    extensions that act inside the sectors (e.g. S3 × C2 for S3) leave the plateau
    unchanged, and only the ramp can exclude them.
    """
    from ed.extract import extract_ramp
    from ed.plateau import extract_plateau, plateau_for_index

    seconds = {}
    if known.rank != len(xs.dims):
        raise SymbootInputError(f"N = {known.group.name} has {known.rank} irreducibles but the file has "
                                f"{len(xs.dims)} sectors")
    if not np.array_equal(known.dims, np.asarray(xs.irrep_dims)):
        raise SymbootInputError(f"the file's irrep dimensions {list(xs.irrep_dims)} differ from N = "
                                f"{known.group.name}'s {known.dims.tolist()} in the sectors' order")
    notes = list(xs.notes)
    ramp_sets = None
    if xs.layout == "symboot":
        from ed.levelstats import gap_ratio

        # the same extraction as from spectra, level statistics included: without them the class
        # defaults to GUE, and a GOE chain's ramp (twice GUE's) reads as doubled entries
        ratios = [gap_ratio(list(lv)) for lv in xs.levels] if xs.levels else None
        ramp = extract_ramp(xs, None, ratios)
        notes += ramp.notes
        if ramp.exact:
            data = spectral_data(known, ramp=ramp.matrix, max_order=max_order)
            t0 = time.monotonic()
            data, res, more = _solve_checked(data, _Run(time_limit, _index_cap(known, max_order), say))
            seconds["bootstrap"] = time.monotonic() - t0
            return _finish(source, known, None, xs, data, res, notes + more, seconds, ramp, extract_plateau(xs, ramp))
        if all(x is not None for row in ramp.matrix for x in row):
            # an ambiguous ramp alone names every group one of its sets allows; with the plateau at
            # each index as well, both facts about G constrain the one search
            ramp_sets = ramp.matrix
            notes.append("some ramp entries are ambiguous: they are passed on as sets, with the plateau")
            why = "plateau with the ramp's sets, which do not fix [G:N]"
        else:
            notes.append("the ramp matrix could not be fitted in every sector pair; the plateau is used")
            why = "plateau only (no ramp window in the curves), which does not fix [G:N]"
    else:
        why = ("plateau only (curves in the authors' layout carry no energy filter and begin after the ramp), "
               "which does not fix [G:N]")
    plateau = extract_plateau(xs, None)
    tried = []  # (index, largest distance of index·P̃ from an integer, integral within the confidence)

    def make_data(index):
        P = plateau_for_index(plateau, xs.plateau_err, index)
        x = index * np.asarray(plateau.normalised, float)
        tried.append((index, float(np.max(np.abs(x - np.rint(x)))), P is not None))
        return None if P is None else spectral_data(known, ramp=ramp_sets, plateau=P, index=index)

    t0 = time.monotonic()
    cap = _index_cap(known, max_order)
    data, res, more = _solve_minimal(make_data, range(1, cap + 1), _Run(time_limit, cap, say), why)
    more.append("indices tried, with the largest distance of [G:N]·P̃ from an integer: " + "; ".join(
        f"{i}: {r:.3f}{'' if ok else ' (not integral within the confidence)'}" for i, r, ok in tried))
    if ramp_sets is not None and not res.groups and res.status == "incomplete":
        # the plateau too noisy to read at the indices that matter: the ramp's sets alone
        more.append(f"{verdict_line(res, known)}; the ramp's sets are used alone")
        data, res, alone = _solve_checked(spectral_data(known, ramp=ramp_sets, max_order=max_order),
                                          _Run(time_limit, cap, say))
        more += alone
    seconds["bootstrap"] = time.monotonic() - t0
    return _finish(source, known, None, xs, data, res, notes + more, seconds,
                   ramp if ramp_sets is not None else None, plateau)


def sector_map(xs, known: KnownSubgroup, sectors) -> list[int]:
    """``order[u]`` = the stored sector of N's irreducible u, from a user's map of the file's
    sector labels onto N's irreducibles (1-based, χ1 … as ``symboot groups show`` prints).

    ``sectors``: ``{"(0,+)": 1, ...}`` or the command line's ``"(0,+)=1,(0,-)=2,..."``.
    """
    import re

    labels = [str(x) for x in (xs.labels or [",".join(map(str, c)) for c in xs.charges])]
    if isinstance(sectors, str):
        pairs = re.findall(r"\s*([^=]+?)\s*=\s*(\S+?)\s*(?:,|$)", sectors)
        if not pairs or len(pairs) != sectors.count("="):
            raise SymbootInputError(f"--sectors {sectors!r}: use LABEL=INDEX pairs separated by commas")
        sectors = dict(pairs)
    k = known.rank
    order = [None] * k
    for label, value in sectors.items():
        if str(label) not in labels:
            raise SymbootInputError(f"--sectors: no sector labelled {label!r} (the file has {', '.join(labels)})")
        try:
            u = int(value) - 1
        except (TypeError, ValueError):
            raise SymbootInputError(f"--sectors: {label}={value}: the irreducible is a number 1..{k}") from None
        if not 0 <= u < k or order[u] is not None:
            raise SymbootInputError(f"--sectors: {label}={value}: each of N's irreducibles 1..{k} once")
        order[u] = labels.index(str(label))
    if None in order or len(sectors) != len(labels):
        raise SymbootInputError(f"--sectors must map all {len(labels)} sectors ({', '.join(labels)}) onto "
                                f"{known.group.name}'s irreducibles 1..{k}")
    dims = known.dims.tolist()
    bad = [f"{labels[order[u]]} (dimension {xs.irrep_dims[order[u]]}) → χ{u + 1} (dimension {dims[u]})"
           for u in range(k) if int(xs.irrep_dims[order[u]]) != dims[u]]
    if bad:
        raise SymbootInputError(f"--sectors does not fit {known.group.name}: {'; '.join(bad)}")
    return order


def label_maps(known: KnownSubgroup, irrep_dims) -> list[list[int]]:
    """Every assignment of N's irreducibles to the stored sectors (``order[u]`` = sector of
    irreducible u) that preserves the dimensions, one per class under Aut(N): maps that
    differ by an automorphism of N relabel the same data and give the same groups."""
    import itertools

    from ed.models import close_permutation_group
    from groupdb.query import automorphism_action

    dims = known.dims.tolist()
    sizes = [int(n) for n in irrep_dims]
    if sorted(dims) != sorted(sizes):
        raise SymbootInputError(f"the file's irrep dimensions {sizes} are not those of {known.group.name} "
                                f"({dims})")
    # Aut(N) on Irr(N) in the user's labelling of N (known.labels: user index -> groupdb index)
    inv = known.inverse
    gens = [[int(inv[g[known.labels[u]]]) for u in range(known.rank)] for g in automorphism_action(known.group)]
    auts = close_permutation_group(gens) if gens else [tuple(range(known.rank))]
    per_dim = {d: [i for i, n in enumerate(sizes) if n == d] for d in set(dims)}
    slots = {d: [u for u, n in enumerate(dims) if n == d] for d in set(dims)}
    seen, out = set(), []
    for choice in itertools.product(*(itertools.permutations(per_dim[d]) for d in sorted(per_dim))):
        order = [0] * known.rank
        for d, images in zip(sorted(per_dim), choice):
            for u, i in zip(slots[d], images):
                order[u] = i
        canonical = min(tuple(order[a[u]] for u in range(known.rank)) for a in auts)
        if canonical not in seen:
            seen.add(canonical)
            out.append(order)
    return out


def identify_unlabelled_curves(xs, known: KnownSubgroup, source: dict, *, max_order: int | None = None,
                               time_limit: float = 10.0, say=None, notes=()) -> IdentifyResult:
    """Curves whose sector labels are not matched to N's irreducibles: every map that preserves
    the dimensions is tried (:func:`label_maps`) and the verdict is the union of what they give —
    a reading of curves must never depend on an arbitrary label order."""
    maps = label_maps(known, xs.irrep_dims)
    runs = []
    for k, order in enumerate(maps, 1):
        if say:
            say(f"sector map {k} of {len(maps)}")
        runs.append(identify_curves(xs.reordered(order), known, source, max_order=max_order,
                                    time_limit=time_limit))
    best = next((r for r in runs if r.groups), runs[0])
    solution = union([r.solution for r in runs])
    labels = xs.labels or [",".join(map(str, c)) for c in xs.charges]
    found = {}
    for order, r in zip(maps, runs):
        for name in r.group_names():
            found.setdefault(name, []).append(", ".join(f"{labels[order[u]]}→χ{u + 1}" for u in range(known.rank)))
    say_maps = "; ".join(f"{name} (e.g. {ms[0]})" for name, ms in found.items()) or "no group"
    note = (f"the file's sector labels were not matched to {known.group.name}'s irreducibles: {len(maps)} "
            f"map(s) preserving the dimensions (up to automorphisms of N) were tried and the verdict is the "
            f"union — {say_maps}; --sectors LABEL=INDEX,… fixes the map (the data shown are for the first "
            "map that some group explains)")
    return replace(best, solution=solution, notes=[*notes, note, *best.notes],
                   verdict=verdict_line(solution, known))
