"""The identification report's content (SPEC §5): the sections of the page, as
:mod:`symboot.document` blocks, in the order a physicist asks.

The verdict (and, when several groups survive, the measurement that would split them),
the findings, the input, the extracted integers with their confidence, the plots, the
bootstrap's status, every candidate with its branching, character and fusion tables, the
named groups, and the timings. :func:`document` builds them; :mod:`symboot.report` renders
and writes them.
"""
from __future__ import annotations

import numpy as np

from bootstrap.character_table import candidate_indicators
from common import jsonio
from groupdb.cli import format_table
from groupdb.display import FS_LEGEND, ZETA_LEGEND, class_names, fs_symbols
from symboot.document import CharTable, Details, H, Img, Items, P, Pre, Table

__all__ = ["CAPTIONS", "document"]

#: tables wider or longer than this are cut (the complete data are in result.json)
MAX_TABLE = 48
#: at most this many fusion rules χi ⊗ χj are listed per candidate
MAX_FUSION_LINES = 60
#: at most this many named groups get their stored character table printed in full
MAX_GROUP_TABLES = 12

STATUS = {
    "complete": "complete — every group of the allowed orders was examined; the list is exhaustive",
    "incomplete": "incomplete — a solver limit expired before every possibility was examined; more "
                  "candidates may exist (this is not a negative answer)",
    "inconsistent": "inconsistent — no group of the allowed orders reproduces the data",
}
FOUND_BY = {"abstract": "abstract search (SMT, no group assumed)", "named": "named search (groupdb)"}


def _sector_labels(result) -> list[str]:
    if result.analysis is not None:
        return list(result.analysis.spectra.labels)
    return list(result.curves.labels or result.known.sector_names)


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


def document(result, figures: list[str]) -> list:
    """The report as blocks, in reading order."""
    sol, K = result.solution, result.known
    summary = f"N = {K.group.name}"
    if sol.order:
        summary += f", [G:N] = {sol.index}, |G| = {sol.order}"
    summary += f"; {len(sol.candidates)} candidate(s), {len(result.groups)} named group(s). "
    out: list = [H(1, "symboot identification report"), P(result.verdict, _verdict_class(result)),
                 P(summary + f"Bootstrap status: {STATUS.get(sol.status, sol.status)}.")]
    if result.advice:
        out.append(H(2, "Discriminating next measurement"))
        for d in result.advice:
            out += _advice_blocks(d, _sector_labels(result))
    elif len(result.groups) > 1:
        out += [H(2, "Discriminating next measurement"),
                P("none of the measurements symboot can predict (ramp, plateau, census, time reversal, larger "
                   "subgroups) separates these groups")]
    if result.notes:
        out += [H(2, "Findings"), Items(list(result.notes))]
    out += _input_section(result)
    out += _integers_section(result)
    out += _antiunitary_section(result)
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
    out = [P(f"{d.kind}: {d.description}")]
    preds = d.predictions
    keys = [list(p) for p in preds.values() if isinstance(p, dict)]
    if len(keys) == len(preds) and keys and all(k == keys[0] for k in keys):
        corner = "group \\ sector" if set(keys[0]) <= set(labels) else "group"
        out.append(Table([corner] + keys[0], [[g] + [_value_text(p[k]) for k in keys[0]] for g, p in preds.items()]))
    elif preds:
        out.append(Table(["group", "prediction"], [[g, _value_text(p)] for g, p in preds.items()]))
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
        table = Table(["sector", "charges", "dimension", "n_μ", "⟨r⟩", "class"], rows,
                       "⟨r⟩ references: Poisson 0.386, GOE 0.531, GUE 0.600, GSE 0.674. A sector holding several "
                       "G-blocks looks Poisson-like.")
    else:
        xs = result.curves
        items.append(f"ready-made xSFF curves, layout “{xs.layout}”, "
                     f"{len(xs.t)} times from {xs.t[0]:.4g} to {xs.t[-1]:.4g}, {xs.n_realisations} realisations")
        rows = [[lab, str(d), str(n)] for lab, d, n in zip(labels, xs.dims, xs.irrep_dims)]
        table = Table(["sector", "dimension", "n_μ"], rows)
    return [H(2, "Input"), Items(items), table]


def _ramp_blocks(ramp, labels, title: str) -> list:
    """R with its confidence: each entry's integer (or plausible set) and fit ± error."""
    rows = [[labels[a]] + [f"{_entry(e.to_json())}  ({e.fit:.2f} ± {e.err:.2f})" if np.isfinite(e.fit)
                           else "not fitted" for e in row] for a, row in enumerate(ramp.entries)]
    fitted = [e.confidence for row in ramp.entries for e in row if np.isfinite(e.fit)]
    beta = {1: "GOE", 2: "GUE", 4: "GSE"}.get(ramp.beta, str(ramp.beta))
    items = [(f"confidence: the least certain fitted entry's integer has posterior {min(fitted):.3f}"
              if fitted else "no entry could be fitted")
             + ("" if ramp.exact else "; {a, b} = several integers plausible, passed on as a set"),
             f"RMT class used for the ramp: {beta}" + (f" ({ramp.beta_reason})" if ramp.beta_reason else "")
             + ("" if not ramp.kramers else
                "; Kramers sector(s) " + ", ".join(lab for lab, k in zip(labels, ramp.kramers) if k)
                + " normalised per block by a Kramers GSE block's form factor, 4 k_GSE at half the density "
                "(every level twice), so a Kramers pair counts once; entries between sectors of different "
                "classes share no block and are 0"),
             "ramp windows: " + "; ".join(f"{lab}: {w[0]:.3g}–{w[1]:.3g}" if w else f"{lab}: none"
                                         for lab, w in zip(labels, ramp.windows))]
    return [H(3, title), Table(["R"] + labels, rows, "integer (fit ± error) per sector pair"), Items(items)]


def _integers_section(result) -> list:
    labels = _sector_labels(result)
    out = [H(2, "Extracted integers")]
    a = result.analysis
    ramp = result.ramp
    if ramp is not None:
        out += _ramp_blocks(ramp, labels, "Ramp matrix R")
        if a is not None and not ramp.exact and a.reciprocity_ramp() is not None:
            out.append(P("Reciprocity (R n = [G:N] n) leaves one choice within the plausible sets:"))
            out.append(Table(["R"] + labels, _int_matrix_rows(a.reciprocity_ramp(), labels)))
    plateau = result.plateau
    if plateau is not None:
        out += [H(3, "Plateau"), Table(["P̃"] + labels, _num_rows(plateau.normalised, labels),
                                          "normalised plateau P̃ ≈ Mᵀ diag(d) M / [G:N]")]
        if plateau.scaled is not None:
            out.append(Table([f"{plateau.index}·P̃"] + labels, _num_rows(plateau.scaled, labels),
                              f"scaled by the index [G:N] = {plateau.index} from R"))
    if a is not None:
        c = a.census
        out.append(H(3, "Multiplet census"))
        if c.rows:
            out.append(Table(labels + ["count"], [[str(x) for x in r] + [str(n)] for r, n in zip(c.rows, c.counts)],
                              "distinct multiplicity vectors of degenerate multiplets across sectors "
                              "(one realisation), with how many multiplets show each"))
        else:
            out.append(P("no multiplets found"))
        if c.accidental:
            out.append(Items([f"set aside as accidental: {r} ({n}×)" for r, n in c.accidental]))
    if result.data is None:
        return out + [P("Nothing was handed to the bootstrap: " + str(result.solution.violations[0].message) + ".")]
    data = {k: v for k, v in result.data.to_json().items() if k in ("ramp", "plateau", "census", "index", "max_order")}
    out += [P("Handed to the bootstrap (a list in place of an entry: its plausible integers):"), Pre(jsonio.dumps(data))]
    return out


CAPTIONS = {
    "sector_sff.png": "Sector SFFs K_μμ(t) with the one-block ramp reference; shaded: ramp windows",
    "xsff_matrix.png": "xSFF matrix K_μν(t)/k_β(t) over time; shaded: fit window; red: fitted value",
    "ramp.png": "R as a heat map (fitted values)",
    "gap_ratios.png": "Gap-ratio histograms with the Poisson/GOE/GUE/GSE surmises",
    "xsff_curves.png": "xSFF curves K_μν(t) as given; dashed: plateau level",
    "plateau.png": "Normalised plateau P̃ as a heat map",
}


def _antiunitary_section(result) -> list:
    """The class of every sector's block and what it says of anti-unitary symmetries (SPEC §6)."""
    au = result.antiunitary
    if au is None:
        return []
    labels = _sector_labels(result)
    rows = [[lab, c.label, f"{c.confidence:.3f}", f"{c.r_mean:.4f} ± {c.r_err:.4f}", str(c.n_ratios),
             "yes" if k else "no"] for lab, c, k in zip(labels, au.classes, au.kramers)]
    out = [H(3, "Symmetry classes and anti-unitary symmetries"),
           Table(["sector", "class", "confidence", "⟨r̃⟩", "ratios", "Kramers"], rows,
                 "from the spacing-ratio distribution of each sector's levels (ed.symclass; a class stays a set "
                 "while the statistics cannot decide)")]
    words = []
    if au.degenerate_pairs:
        words.append("sectors with coinciding spectra (a unitary or an anti-unitary map forces these): "
                     + ", ".join(f"{labels[a]} ↔ {labels[b]}" for a, b in au.degenerate_pairs))
    if any(au.kramers):
        words.append("every level of the Kramers sectors appears twice with GSE statistics: an anti-unitary "
                     "symmetry squares to -1 on those blocks, so their multiplets are Kramers pairs, not a larger "
                     "unitary multiplet")
    if au.time_reversal:
        words.append("time reversal commuting with G was declared: a GOE block is a real irreducible (εν = 1), a "
                     "Kramers one εν = -1, a GUE one complex (ν = 0); " + (
                         f"T² = {', '.join(f'{e:+d}' for e in au.squares)} explains the data" if au.squares
                         else "no square of T explains the data"))
    elif au.magnetic is not None:
        words.append("an anti-unitary symmetry maps some sector to itself (GOE); a unitary and an anti-unitary "
                     "pairing of sectors look alike in spectra, so each named group M is read as M = G ∪ aG "
                     "(G its unitary half, over each sign character of M trivial on N), with every symmetry "
                     "unitary, or with an anti-unitary mapping each sector orbit to itself; a reading stays while "
                     "every sector's class is the one it predicts (a type-a irreducible: one GOE block; type c: "
                     "two glued into one GUE block; k blocks: the ⟨r̃⟩ of k superposed ones). Kept: "
                     + "; ".join(f.describe(labels) for f in au.magnetic)
                     + (f" ({au.magnetic_note})" if au.magnetic_note else ""))
    elif au.detected:
        words.append("an anti-unitary symmetry maps some sector to itself (GOE or GSE); how it acts on G is not "
                     "declared (--time-reversal), so the classes constrain no indicator")
    return out + ([Items(words)] if words else [])


def _plots_section(result, figures: list[str]) -> list:
    return [H(2, "Plots")] + [Img(name, CAPTIONS.get(name, name)) for name in figures]


def _bootstrap_section(result) -> list:
    sol = result.solution
    items = [f"status: {STATUS.get(sol.status, sol.status)}"]
    if sol.order:
        items.append(f"reciprocity: [G:N] = {sol.index}, |G| = {sol.order}")
    items += [f"search: {s}" for s in sol.searches]
    ab, named = sol.abstract, sol.named
    if ab.ran:
        items.append(f"abstract search: {ab.status}" + (f" ({ab.reason})" if ab.reason else ""))
    if named.ran:
        beyond = named.beyond_coverage
        items.append(f"named search: {named.status}" + (f"; orders beyond the database: {beyond}" if beyond else "")
                     + "".join(f"; at |G| = {o}: {r}" for o, r in named.unstored.items()))
    out = [H(2, "Bootstrap"), Items(items)]
    if sol.violations:
        out += [P("Violated constraints:"), Items([str(v) for v in sol.violations])]
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
    out = [H(3, f"Candidate {i}: |G| = {c.order}, {k} irreducibles" + (f" — {names}" if names else ""))]
    items = [f"dimensions: {', '.join(map(str, c.dims.tolist()))}",
             "found by: " + " and ".join(FOUND_BY.get(s, s) for s in c.found_by)]
    if c.groups:
        items.append("named groups: " + ", ".join(f"{m.group.name} [{m.group.id[0]},{m.group.id[1]}]" for m in c.groups))
    if c.note:
        items.append(f"note: {c.note}")
    if k > MAX_TABLE:
        items.append(f"tables cut to the first {MAX_TABLE} rows and columns; complete in result.json")
    out.append(Items(items))
    dims = c.dims.tolist()
    out.append(Table(["branching", "dim"] + labels,
                      [[f"χ{r + 1}", str(dims[r])] + [str(int(x)) for x in row] for r, row in enumerate(c.branching)][:MAX_TABLE],
                      "Res^G_N χ = Σ_μ M[χ, μ] μ: rows G's irreducibles, columns N's sectors"))
    out += _character_table_blocks(c)
    lines, note = _fusion_lines(np.asarray(c.fusion))
    out.append(P("Fusion rules (χ1 is the trivial irreducible):"))
    out.append(Pre("\n".join(lines) if lines else "(only the trivial irreducible)"))
    if note:
        out.append(P(note))
    return out


def _character_table_blocks(c) -> list:
    """The candidate's character table with its FS column, and where the indicators come from."""
    t = c.table
    if t is None:
        return [P("no exact character table (see the note)")]
    named = getattr(t, "group", None)  # a stored groupdb table knows its element orders
    names = class_names(named.element_orders)[:MAX_TABLE] if named is not None else None
    fs = candidate_indicators(c)
    return [P(f"Character table ({c.table_source or 'exact'}; {ZETA_LEGEND}; columns: classes with their sizes; "
              f"{FS_LEGEND}):"),
            CharTable([row[:MAX_TABLE] for row in t.values][:MAX_TABLE], list(t.class_sizes)[:MAX_TABLE], names,
                      fs.values[:MAX_TABLE]),
            P(_indicators_note(c, fs))]


def _indicators_note(c, fs) -> str:
    """Where the FS column comes from, and each group's own column where the groups differ."""
    if not c.groups:
        return ("FS indicators from the fusion ring: it fixes which irreducibles are self-dual; a self-dual one of "
                "odd degree is real, and for one of even degree the ring leaves the sign open (± — D8 and Q8 share "
                "a ring, Q8's 2-dimensional irreducible is quaternionic).")
    groups = ", ".join(f"{m.group.name} [{m.group.id[0]},{m.group.id[1]}]" for m in c.groups)
    if not fs.groups_differ:
        return f"FS indicators from groupdb (computed by GAP) for {groups}" + (
            "; ± where a symmetry of the data could exchange the irreducible with one of the other sign."
            if None in fs.values else ".")
    per_group = "; ".join(f"{m.group.name} [{m.group.id[0]},{m.group.id[1]}]: {' '.join(fs_symbols(g[:MAX_TABLE]))}"
                          for m, g in zip(c.groups, fs.by_group))
    return ("FS indicators from groupdb (computed by GAP) differ between the named groups, so the column shows ± "
            f"where they do: {per_group}.")


def _candidates_section(result) -> list:
    cands = result.solution.candidates
    labels = _sector_labels(result)
    out = [H(2, f"Candidates ({len(cands)})")]
    if not cands:
        out.append(P("none"))
    for i, c in enumerate(cands, 1):
        out += _candidate_blocks(i, c, labels)
    return out


def _groups_section(result) -> list:
    seen = {}
    for i, c in enumerate(result.solution.candidates, 1):
        for m in c.groups:
            seen.setdefault(m.group.id, (m, []))[1].append(i)
    out = [H(2, f"Named groups ({len(seen)})")]
    if not seen:
        out.append(P("no group of the database matches"))
    for n, (m, where) in enumerate(seen.values()):
        G = m.group
        props = ", ".join(p for p, ok in (("abelian", G.abelian), ("nilpotent", G.nilpotent),
                                          ("solvable", G.solvable)) if ok) or "non-solvable"
        out.append(H(3, f"{G.name} [{G.id[0]},{G.id[1]}]"))
        out.append(Items([
            f"structure: {G.name}; order {G.order}, {G.nclasses} classes, exponent {G.exponent}; {props}",
            f"degrees: {', '.join(map(str, G.degrees))}",
            f"Schur multiplier: {'×'.join(f'C{x}' for x in G.multiplier) or '1'}",
            f"N sits in {len(m.positions)} matching subgroup class(es) {list(m.positions)}; candidate(s) {where}",
        ]))
        if n < MAX_GROUP_TABLES:
            out.append(Details(f"stored character table of {G.name} (groupdb order, FS indicators)",
                                [Pre(format_table(G))]))
    if len(seen) > MAX_GROUP_TABLES:
        out.append(P(f"stored tables shown for the first {MAX_GROUP_TABLES} groups; `symboot groups show NAME` prints any"))
    return out


def _timings_section(result) -> list:
    rows = [[k, f"{v:.3f}"] for k, v in result.seconds.items()]
    rows.append(["total", f"{sum(result.seconds.values()):.3f}"])
    return [H(2, "Timings"), Table(["stage", "seconds"], rows)]
