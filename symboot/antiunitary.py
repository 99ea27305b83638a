"""Anti-unitary symmetries in an identification from spectra (SPEC §6).

What the sector spectra say of an anti-unitary T, and how the integer data are read with it:

* every sector's class (:func:`ed.symclass.sector_classes`) and the sectors whose levels
  coincide (:func:`ed.symclass.forced_degeneracies`: a unitary *or* an anti-unitary map
  forces these; which one is not told apart here);
* **Kramers sectors** (every level twice, the distinct levels GSE: :func:`ed.symclass.kramers_gse`)
  are read as T² = -1 on those blocks, never as a unitary multiplet: the census rows there are
  halved (:func:`bootstrap.data.kramers_halved`) and the ramp is normalised per block
  (:func:`ed.extract.extract_ramp` with ``kramers``: a Kramers sector by a Kramers GSE block's
  form factor, the others by their class), so both count each Kramers pair once;
* with ``time_reversal`` declared (T commutes with G, e.g. real couplings where G acts by
  real matrices), the classes also fix the Frobenius–Schur indicators of the census rows
  (:func:`ed.symclass.sector_indicator_sets`); T² = ±1 are both tried and the verdict is the
  union of what they give. Undeclared, the indicators are not used: for a T that does not
  commute with G the Wigner type is not the indicator's;
* undeclared, with an anti-unitary detected (a sector decided GOE) and no Kramers sector, the
  groups named from the data are the *magnetic* group M of all symmetries, as if each were
  unitary (paper example IV): :func:`magnetic_fits` reads each as M = G ∪ aG over each sign
  character of M trivial on N (:mod:`bootstrap.magnetic`), or with an anti-unitary mapping
  each of M's sector orbits to itself, or with none, and keeps the readings whose predicted block classes every
  sector's statistics allow. The verdict then names the unitary halves G.
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
    #: the readings of the named groups as magnetic groups that the classes allow
    #: (:func:`magnetic_fits`); ``None`` where that reading did not run
    magnetic: list | None = None
    magnetic_note: str = ""
    #: a given anti-unitary (``--antiunitary``): the sector each sector is mapped onto, T² per sector
    given_map: list[int] | None = None
    given_squares: list[int] | None = None

    @property
    def detected(self) -> bool:
        """An anti-unitary maps some sector to itself: a GOE or GSE class, decided."""
        return (any(c.unique and c.candidates[0] in ("GOE", "GSE") for c in self.classes) or any(self.kramers)
                or self.given_map is not None)

    def to_json(self) -> dict:
        out = {"degenerate_pairs": [list(p) for p in self.degenerate_pairs],
               "sector_classes": [c.label for c in self.classes],
               "class_confidence": [round(float(c.confidence), 4) for c in self.classes],
               "kramers": list(self.kramers), "time_reversal": self.time_reversal, "squares": self.squares}
        if self.given_map is not None:
            out.update({"given": True, "given_map": self.given_map, "given_squares": self.given_squares})
        if self.magnetic is not None:
            fits = [f for f in self.magnetic if f.reading.kind == "coset"]
            pairs = (sorted({(m, t) for m, t in enumerate(self.given_map) if m < t}) if self.given_map is not None
                     else sorted({p for f in fits for p in f.pairs}))
            out.update({"pairs": [list(p) for p in pairs],
                        "magnetic_groups": [list(g) for g in sorted({f.reading.group.id for f in fits}
                                                                    | {m for f in self.magnetic for m, *_ in f.extensions})],
                        "types": [list(f.reading.types) for f in self.magnetic],
                        "readings": [f.to_json() for f in self.magnetic]})
        return out

    @property
    def magnetic_changes_groups(self) -> bool:
        """Some reading the classes allow has a unitary half that is not the named group: the
        verdict then names the unitary halves (else it stays the named groups', unchanged)."""
        return self.magnetic is not None and any(f.reading.kind == "coset" for f in self.magnetic)

    @property
    def unitary_groups(self) -> list[tuple[int, int]] | None:
        """The unitary groups G the magnetic readings name (``None`` where they did not run;
        a reading whose unitary half groupdb does not store names none)."""
        if self.magnetic is None:
            return None
        return sorted({f.unitary_id for f in self.magnetic if f.unitary_id is not None})

    def notes(self) -> list[str]:
        out = [f"sector classes from the level statistics: {', '.join(c.label for c in self.classes)}"]
        if any(self.kramers):
            where = ", ".join(str(i + 1) for i, k in enumerate(self.kramers) if k)
            out.append(f"sector(s) {where}: every level twice with GSE statistics — Kramers pairs of an "
                       "anti-unitary symmetry squaring to -1 there, not a larger unitary multiplet: the census "
                       "rows are halved there, and the ramp there is normalised by a Kramers GSE block's form "
                       "factor (4 k_GSE at half the density), the other sectors' by their class, so both count "
                       "each Kramers pair once")
            if not self.time_reversal:
                out.append("how the anti-unitary acts on G is not declared (--time-reversal: it commutes with G), "
                           "so the Frobenius–Schur indicators the classes imply are not used")
        return out


@dataclass
class MagneticFit:
    """A reading of a named group as a magnetic group (:class:`bootstrap.magnetic.MagneticReading`)
    that the sector classes allow, with where it puts the anti-unitary pairings."""

    reading: object
    glued: list[list[int]]  # per GUE block of type c: the sectors it spans (input order)
    #: an automorphism reading's magnetic groups M = G ∪ aG (:func:`bootstrap.magnetic.magnetic_extensions`):
    #: ``(M's id, Dimmock indicators, action on Irr(G))``; empty where groupdb stores no order 2|G|
    extensions: tuple = ()
    #: per glued block, its two unitary halves (:func:`bootstrap.magnetic.glued_halves`), or ``None``
    halves: tuple = ()

    @property
    def unitary_id(self) -> tuple[int, int] | None:
        r = self.reading
        if r.kind != "coset":
            return r.group.id
        return tuple(r.unitary.id) if r.unitary is not None else None

    def _halves(self) -> list:
        """``halves`` per glued block (``None`` where not given)."""
        return [self.halves[k] if k < len(self.halves) else None for k in range(len(self.glued))]

    @property
    def pairs(self) -> list[tuple[int, int]]:
        """Sector pairs an anti-unitary maps onto each other where that is fixed by the data: a
        glued block over two sectors, or over more every sector of one unitary half with every
        one of the other (:func:`bootstrap.magnetic.glued_halves`; where its halves are not fixed,
        none)."""
        out = []
        for g, h in zip(self.glued, self._halves()):
            if h is not None:
                out += [tuple(sorted((i, j))) for i in h[0] for j in h[1]]
            elif len(g) == 2:
                out.append(tuple(g))
        return sorted(set(out))

    def describe(self, labels: list[str] | None = None) -> str:
        """In words, with the sectors named by ``labels`` (default: their 1-based numbers)."""
        r = self.reading
        name = (lambda i: labels[i]) if labels else (lambda i: str(i + 1))
        M = f"{r.group.name} [{r.group.id[0]},{r.group.id[1]}]"
        if r.kind == "none":
            return f"{M}, every symmetry unitary"
        if r.kind == "automorphism":
            return (f"{M} unitary, with an anti-unitary mapping each of its sector orbits to itself"
                    + f" ({_extensions_words(self)})")
        G = _unitary_label(r)
        glued = "; ".join(" ↔ ".join(map(name, g)) if h is None or len(g) == 2 else
                          " ↔ ".join("{" + ", ".join(map(name, x)) + "}" for x in h)
                          for g, h in zip(self.glued, self._halves()))
        return (f"unitary G = {G}, index 2 in the magnetic group M = {M}"
                + (f"; the anti-unitary glues {glued} (each into one GUE block)" if glued else ""))

    def to_json(self) -> dict:
        from bootstrap.magnetic import antiunitary_action
        from groupdb.store import load

        r = self.reading
        return {"kind": r.kind, "magnetic": list(r.group.id),
                "magnetic_groups": [list(m) for m, *_ in self.extensions],
                # how an anti-unitary acts on Irr(G), ρ ↦ conj(ρ^a): the coset's, or one per magnetic group
                "actions": ([list(antiunitary_action(r.group, r.unitary, load(r.unitary.id)))]
                            if r.kind == "coset" and r.unitary is not None else [list(a) for *_, a in self.extensions]),
                "unitary": list(self.unitary_id) if self.unitary_id else None,
                "unitary_order": r.unitary_order, "types": list(r.types), "glued": self.glued,
                "glued_halves": [None if h is None else [list(x) for x in h] for h in self.halves],
                "pairs": [list(p) for p in self.pairs]}


def _extensions_words(fit: MagneticFit) -> str:
    """An automorphism reading's magnetic groups in words."""
    order = 2 * fit.reading.group.order
    if not fit.extensions:
        return f"the magnetic group, of order {order}, lies beyond groupdb's orders"
    names = ", ".join(dict.fromkeys(f"{_name(m)} [{m[0]},{m[1]}]" for m, *_ in fit.extensions))
    return ("magnetic group M = " if len({m for m, *_ in fit.extensions}) == 1 else "magnetic group one of ") + names


def automorphism_verdict(reading: AntiunitaryReading) -> str:
    """The verdict's tail where every kept reading leaves the named group unitary and some has an
    anti-unitary mapping its sector orbits to itself: the magnetic groups (``""`` otherwise)."""
    fits = reading.magnetic or []
    auto = [f for f in fits if f.reading.kind == "automorphism"]
    if not auto or any(f.reading.kind == "coset" for f in fits):
        return ""
    ms = sorted({m for f in auto for m, *_ in f.extensions})
    beyond = sorted({2 * f.reading.group.order for f in auto if not f.extensions})
    what = [f"{_name(m)} [{m[0]},{m[1]}]" for m in ms] + [f"one of order {o} beyond groupdb" for o in beyond]
    anti = "with an anti-unitary symmetry" if all(f.reading.kind != "none" for f in fits) else \
        "with or without an anti-unitary symmetry"
    return f", {anti} (magnetic group {' or '.join(what)})"


def _unitary_label(r) -> str:
    """A coset reading's unitary half G, named as the report names groups."""
    if r.unitary is None:
        return f"a subgroup of order {r.unitary_order} groupdb does not store"
    return f"{_name(r.unitary.id)} [{r.unitary.id[0]},{r.unitary.id[1]}]"


def _name(gid) -> str:
    import groupdb

    return groupdb.load(tuple(gid)).name


def magnetic_fits(reading: AntiunitaryReading, result, data: SpectralData,
                  ramp_beta: int | None = None) -> tuple[list[MagneticFit], str]:
    """Every reading of the named groups of ``result`` (:class:`bootstrap.engine.Result`) as a
    magnetic group (:mod:`bootstrap.magnetic`) whose predicted block classes the sectors'
    classes allow, and a note. A sector holding one block must have that block's class among
    its candidates; one holding k ≥ 2 blocks of one class must show the ``<r~>`` of k
    superposed blocks (:func:`ed.extract.superposition_r`); mixed ones are not tested.
    ``ramp_beta``: the class whose form factor normalised the data's ramp. With
    no reading allowed, every reading is kept and the note says so (never a silent pick)."""
    from bootstrap.magnetic import (automorphism_reading, block_options, block_sectors, glued_halves,
                                    magnetic_extensions, magnetic_readings)
    from groupdb.store import max_order

    out, every = [], []
    for c in result.candidates:
        for m in c.groups:
            options = magnetic_readings(m.group, m.branching)
            # such an anti-unitary doubles the GUE-normalised ramp of every GOE block: only a ramp
            # read with GOE's form factor (``ramp_beta`` 1: one GOE block counted once) carries it
            if data.ramp is None or ramp_beta == 1:
                options.append(automorphism_reading(m.group, m.branching))
            if reading.given_map is not None:
                options = [r for r in options if _respects(r, m.branching, reading.given_map)]
            for r in options:
                glued = [block_sectors(b[0], m.branching) for b in r.blocks if r.kind != "none" and b[1] == "GUE"]
                ext = ()
                if r.kind == "automorphism":
                    ext = tuple(magnetic_extensions(r.group, _dimmock_allowed(r, m.branching, data)))
                fit = MagneticFit(r, glued, ext, tuple(glued_halves(r, m.branching, data.known)))
                tau = reading.given_map
                if tau is not None and any({tau[mu] for mu in h[0]} != set(h[1]) for h in fit.halves if h):
                    continue  # the given anti-unitary does not map one unitary half onto the other
                every.append(fit)
                # no group of order 2|G| within groupdb's has G with these types: no such anti-unitary
                impossible = r.kind == "automorphism" and not ext and 2 * r.group.order <= max_order()
                if not impossible and all(any(_allows(cls, blocks) for blocks in block_options(r, m.branching, mu))
                                          for mu, cls in enumerate(reading.classes)):
                    out.append(fit)
    if not out:
        return every, ("the sector classes fit no reading of the named groups as magnetic groups; every reading "
                       "is kept")
    dropped = len(every) - len(out)
    return out, (f"{dropped} of {len(every)} readings of the named groups as magnetic groups excluded by the sector "
                 "classes" if dropped else "")


def _dimmock_allowed(r, M, data: SpectralData) -> list[set[int]]:
    """Per irreducible of an automorphism reading, the Dimmock indicators the data allow: 1 for
    type a (one GOE block); for "a|c" also 0 (glued with its partner of the same row of M into
    one GUE block) — but only where the census shows that block's levels: every one twice, a
    multiplicity vector twice the row. A census without it excludes the glue."""
    rows = None if data.census_rows is None else {tuple(x) for x in data.census_rows.tolist()}
    out = []
    for i, t in enumerate(r.types):
        doubled = tuple(2 * int(v) for v in M[i])
        out.append({1} if t == "a" or (rows is not None and doubled not in rows) else {1, 0})
    return out


def _respects(r, M, tau) -> bool:
    """A reading is consistent with a given anti-unitary's sector map ``tau``: there is one, it
    maps every block's sectors onto themselves (one irreducible of G, or a glued pair), and a
    glued pair over two sectors is swapped by it."""
    from bootstrap.magnetic import block_sectors

    if r.kind == "none":
        return False
    for irreps, cls in r.blocks:
        S = set(block_sectors(irreps, M))
        if {tau[mu] for mu in S} != S:
            return False
        if r.kind == "coset" and cls == "GUE" and len(S) == 2 and any(tau[mu] == mu for mu in S):
            return False
    return True


def _allows(cls, blocks) -> bool:
    from ed.symclass import BETA

    if not blocks or not cls.n_ratios:
        return True
    kinds = {b[1] for b in blocks}
    if len(blocks) == 1:
        return blocks[0][1] in cls.candidates
    if len(kinds) > 1:
        return True
    return cls.shows_superposition(BETA[kinds.pop()], len(blocks))


def read_antiunitary(spectra, time_reversal: bool = False, given=None) -> AntiunitaryReading:
    """The classes, coinciding sectors and Kramers sectors of sector spectra
    (:class:`ed.spectra.SectorSpectra`); ``given``: ``(tau, squares)`` of a given anti-unitary."""
    from ed.symclass import forced_degeneracies, kramers_gse, sector_classes

    classes = sector_classes(spectra)
    out = AntiunitaryReading(classes, forced_degeneracies(spectra), kramers_gse(spectra, classes), time_reversal)
    if given is not None:
        out.given_map, out.given_squares = list(given[0]), list(given[1])
    return out


def kramers_ramp(analysis, reading: AntiunitaryReading):
    """The analysis with its ramp normalised per block where some sector is a Kramers sector
    (:func:`ed.extract.extract_ramp` with ``kramers``), else as it is. The analysis's own ramp
    read every sector with one class: a Kramers pair's entries were 2–4 times too large."""
    if not any(reading.kramers):
        return analysis
    from ed.extract import extract_ramp
    from ed.plateau import extract_plateau

    ramp = extract_ramp(analysis.xsff, None, analysis.ratios, kramers=reading.kramers)
    return replace(analysis, ramp=ramp, plateau=extract_plateau(analysis.xsff, ramp))


def readings(reading: AntiunitaryReading, data: SpectralData, spectra) -> tuple[list[tuple[int | None, SpectralData]], str]:
    """The data as the anti-unitary reading hands them to the bootstrap: ``([(T², data), ...],
    note)`` (``T²`` ``None`` where the indicators are not used; the note says which square was
    excluded), or ``([], reason)`` where no reading is consistent (census rows that cannot be
    Kramers pairs, no square of T). With Kramers sectors ``data``'s ramp must be normalised
    per block (:func:`kramers_ramp`); the census rows are halved here."""
    from bootstrap.data import kramers_halved, row_indicator_sets
    from ed.symclass import sector_indicator_sets

    if any(reading.kramers) and data.census_rows is not None:
        rows = kramers_halved(data.census_rows.tolist(), reading.kramers)
        if rows is None:
            return [], "Kramers sectors, but census rows that are not Kramers pairs of one irreducible's multiplets"
        data = replace(data, census_rows=_array(rows))
    if not reading.time_reversal or data.census_rows is None:
        return [(None, data)], ""
    out, refuted = [], []
    for eps in (1, -1):
        sets = row_indicator_sets(data.census_rows.tolist(), sector_indicator_sets(spectra, eps, reading.classes))
        variant = replace(data, census_indicators=sets)
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


def unitary_halves(result) -> list[str]:
    """The index-2 subgroups G ⊇ N of the named groups (:func:`bootstrap.magnetic.magnetic_readings`),
    each as "G in M": the unitary group an anti-unitary pairing of sectors would leave."""
    from bootstrap.magnetic import magnetic_readings

    halves = []
    for c in result.candidates:
        for m in c.groups:
            for r in magnetic_readings(m.group, m.branching):
                if r.kind == "coset":
                    halves.append(f"{_unitary_label(r)} in {m.group.name} [{m.group.id[0]},{m.group.id[1]}]")
    return list(dict.fromkeys(halves))


def unread_classes_note(result) -> str:
    """What an identification from curves assumes of anti-unitary symmetries: the curves'
    sector classes are not read, so every pairing of sectors is taken as unitary. Where a
    named group M has index-2 subgroups G ⊇ N (:func:`unitary_halves`), an anti-unitary pairing
    would leave G as the unitary group: the note names them, and so does the verdict
    (:func:`unread_classes_verdict`), so the unitary reading is never a silent pick (``""``
    when no group is named)."""
    if not result.groups:
        return ""
    halves = unitary_halves(result)
    note = ("the sectors' symmetry classes are not read from curves, so every pairing of sectors is read as "
            "unitary (the groups named are the full symmetry groups, all taken unitary)")
    if not halves:
        return note + "; no named group has an index-2 subgroup containing N, so an anti-unitary pairing would not change the group"
    return (note + "; if an anti-unitary symmetry pairs sectors (the level statistics or --antiunitary tell), the "
            "unitary group is an index-2 subgroup containing N: " + "; ".join(halves))


def unread_classes_verdict(result) -> str:
    """The verdict's tail from curves where an anti-unitary pairing would change the unitary
    group (``""`` where none would): the reading it rests on, and the alternative."""
    halves = unitary_halves(result) if result.groups else []
    if not halves:
        return ""
    return ("; read with every pairing of sectors unitary (curves carry no level statistics) — with an "
            "anti-unitary pairing the unitary group would be " + " or ".join(halves))


def magnetic_verdict(reading: AntiunitaryReading, known) -> str:
    """The one-line answer when the named groups were read as magnetic groups: the unitary
    groups G, and how the anti-unitary enters."""
    fits = reading.magnetic
    ids = reading.unitary_groups
    labels = [f"{_name(g)} [{g[0]},{g[1]}]" for g in ids]
    unstored = sorted({f.reading.unitary_order for f in fits if f.unitary_id is None})
    if unstored:
        labels.append("a subgroup of order " + ", ".join(map(str, unstored)) + " groupdb does not store")
    kinds = {f.reading.kind for f in fits}
    anti = ("with an anti-unitary symmetry" if "none" not in kinds
            else "with or without an anti-unitary symmetry")
    if "coset" in kinds:
        Ms = sorted({f.reading.group.id for f in fits if f.reading.kind == "coset"})
        anti += " (magnetic group " + ", ".join(f"{_name(g)} [{g[0]},{g[1]}]" for g in Ms) + ")"
    if len(labels) == 1 and ids and ids[0][0] == known.order:
        return f"G = N = {labels[0]}: no hidden unitary symmetry, {anti}"
    if len(labels) == 1:
        return f"G = {labels[0]} (unitary), unique, {anti}"
    return "unitary G one of " + ", ".join(labels) + f", {anti}"
