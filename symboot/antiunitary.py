"""Anti-unitary symmetries in an identification from spectra (SPEC §6).

What the sector spectra say of an anti-unitary T, and how the integer data are read with it:

* every sector's class (:func:`ed.symclass.sector_classes`) and the sectors whose levels
  coincide (:func:`ed.symclass.forced_degeneracies`: a unitary *or* an anti-unitary map
  forces these; which one is not told apart here);
* **Kramers sectors** (every level twice, the distinct levels GSE: :func:`ed.symclass.kramers_gse`)
  are read as T² = -1 on those blocks, never as a unitary multiplet: the census rows there are
  halved (:func:`ed.symclass.kramers_halved`) and the ramp is not handed over (its
  normalisation per block of another class is not implemented, so with mixed classes it
  would be read wrongly);
* with ``time_reversal`` declared (T commutes with G, e.g. real couplings where G acts by
  real matrices), the classes also fix the Frobenius–Schur indicators of the census rows
  (:func:`ed.symclass.sector_indicator_sets`); T² = ±1 are both tried and the verdict is the
  union of what they give. Undeclared, the indicators are not used: for a T that does not
  commute with G the Wigner type is not the indicator's.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from bootstrap.data import SpectralData


@dataclass
class AntiunitaryReading:
    """What the spectra say of anti-unitary symmetries (``IdentifyResult.antiunitary``).

    Attributes
    ----------
    classes : per sector, :class:`ed.symclass.SymmetryClass` (a set of classes while undecided).
    degenerate_pairs : sector pairs (input order) with coinciding spectra.
    kramers : per sector, whether it is a Kramers sector.
    time_reversal : whether T commuting with G was declared.
    squares : T² values whose reading some group explains (with ``time_reversal``).
    """

    classes: list
    degenerate_pairs: list[tuple[int, int]]
    kramers: list[bool]
    time_reversal: bool = False
    squares: list[int] = field(default_factory=list)

    @property
    def detected(self) -> bool:
        """An anti-unitary maps some sector to itself: a GOE or GSE class, decided."""
        return any(c.unique and c.best in ("GOE", "GSE") for c in self.classes) or any(self.kramers)

    def to_json(self) -> dict:
        return {"degenerate_pairs": [list(p) for p in self.degenerate_pairs],
                "sector_classes": [c.label for c in self.classes],
                "class_confidence": [round(float(c.confidence), 4) for c in self.classes],
                "kramers": list(self.kramers), "time_reversal": self.time_reversal, "squares": self.squares}

    def notes(self) -> list[str]:
        out = [f"sector classes from the level statistics: {', '.join(c.label for c in self.classes)}"]
        if any(self.kramers):
            where = ", ".join(str(i + 1) for i, k in enumerate(self.kramers) if k)
            out.append(f"sector(s) {where}: every level twice with GSE statistics — Kramers pairs of an "
                       "anti-unitary symmetry squaring to -1 there, not a larger unitary multiplet: the census "
                       "rows are halved there and the ramp is not used (its normalisation with mixed classes "
                       "is not implemented)")
            if not self.time_reversal:
                out.append("how the anti-unitary acts on G is not declared (--time-reversal: it commutes with G), "
                           "so the Frobenius–Schur indicators the classes imply are not used")
        return out


def read_antiunitary(spectra, time_reversal: bool = False) -> AntiunitaryReading:
    """The classes, coinciding sectors and Kramers sectors of sector spectra
    (:class:`ed.spectra.SectorSpectra`)."""
    from ed.symclass import forced_degeneracies, kramers_gse, sector_classes

    classes = sector_classes(spectra)
    return AntiunitaryReading(classes, forced_degeneracies(spectra), kramers_gse(spectra, classes),
                              time_reversal)


def readings(reading: AntiunitaryReading, data: SpectralData, spectra) -> tuple[list[tuple[int | None, SpectralData]], str]:
    """The data as the anti-unitary reading hands them to the bootstrap: ``([(T², data), ...],
    note)`` (``T²`` ``None`` where the indicators are not used; the note says which square was
    excluded), or ``([], reason)`` where no reading is consistent (census rows that cannot be
    Kramers pairs, no square of T)."""
    from ed.symclass import ALL_INDICATORS, kramers_halved, sector_indicator_sets

    if any(reading.kramers):
        if data.census_rows is None:
            return [], "Kramers sectors, and no census to read them with (the ramp is not used there)"
        rows = kramers_halved(data.census_rows.tolist(), reading.kramers)
        if rows is None:
            return [], "Kramers sectors, but census rows that are not Kramers pairs of one irreducible's multiplets"
        data = replace(data, ramp=None, census_rows=_array(rows))
    if not reading.time_reversal or data.census_rows is None:
        return [(None, data)], ""
    out, refuted = [], []
    for eps in (1, -1):
        per_sector = sector_indicator_sets(spectra, eps, reading.classes)
        sets = []
        for row in data.census_rows.tolist():
            allowed = ALL_INDICATORS
            for x, s in zip(row, per_sector):
                if x:
                    allowed = allowed & s
            sets.append(allowed)
        variant = replace(data, census_indicators=tuple(sets))
        if all(sets) and not _refuted(variant):
            out.append((eps, variant))
        else:
            refuted.append(f"T² = {eps:+d}")
    if not out:
        return [], "no square of T fits: with either, the sector classes give indicators no group has"
    why = (f"{' and '.join(refuted)} excluded by the sector classes (G's trivial irreducible would be Kramers-doubled, "
           "or a row's classes disagree)") if refuted else ""
    return out, why


def _refuted(data: SpectralData) -> bool:
    """A square of T is refuted when the row of G's trivial irreducible — N's trivial
    character alone, a row every G has, with ν = 1 — is not allowed ν = 1 (with T² = -1 the
    trivial block would be Kramers-doubled). Decided here, not by the bootstrap: the pipeline's
    fallback to the ramp alone, meant for a census spoilt by coincidences, would drop the
    indicators with the census and let a refuted T² through."""
    K = data.known
    trivial = [0] * K.rank
    trivial[K.inverse[0]] = 1  # groupdb's irreducible 0 of N is the trivial one
    rows = data.census_rows.tolist()
    return trivial in rows and 1 not in data.census_indicators[rows.index(trivial)]


def _array(rows):
    import numpy as np

    return np.array(rows, dtype=np.int64)
