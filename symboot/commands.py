"""Click commands of the bootstrap: ``symboot solve``, ``symboot verify``, ``symboot query``.

Exit codes: 0 success (solve: complete; verify: consistent; query: something found),
1 a negative answer (solve: inconsistent; verify: inconsistent; query: nothing),
2 bad input (SymbootInputError, printed as one line by symboot.cli), 3 incomplete.

The lead registers ``commands`` in symboot/cli.py.
"""
from __future__ import annotations

import json
import sys

import click

from bootstrap.data import load_data, parse_data
from bootstrap.engine import solve as run_solve
from bootstrap.solver import MAX_RANK, MAX_UNKNOWNS
from bootstrap.verify import verify as run_verify
from groupdb import store
from groupdb.characters import branching
from common import jsonio
from common.options import POSITIVE, POSITIVE_FLOAT, json_option
from groupdb.cli import subgroup_options, subgroup_spec
from groupdb.query import coverage_gap
from common.errors import SymbootInputError

EXIT_OK, EXIT_NEGATIVE, EXIT_INCOMPLETE = 0, 1, 3
_STATUS_EXIT = {"complete": EXIT_OK, "inconsistent": EXIT_NEGATIVE, "incomplete": EXIT_INCOMPLETE}


def _echo_result(result, as_json: bool) -> None:
    if as_json:
        click.echo(jsonio.dumps(result.to_json()))
        return
    click.echo(f"status: {result.status}")
    for order, why in result.named.unstored.items():
        click.echo(f"named search: incomplete at |G| = {order} ({why})")
    if result.order:
        click.echo(f"reciprocity: [G:N] = {result.index}, |G| = {result.order}")
    for v in result.violations:
        click.echo(f"  violated — {v}")
    for s in result.searches:
        click.echo(f"search: {s}")
    ab = result.abstract
    if ab.ran:
        click.echo(f"abstract search: {ab.status}" + (f" ({ab.reason[:300]})" if ab.reason else ""))
    for i, c in enumerate(result.candidates, 1):
        names = ", ".join(f"{m.group.name} [{m.group.id[0]},{m.group.id[1]}]" for m in c.groups) or c.note
        click.echo(f"candidate {i}: |G| = {c.order}, k = {len(c.branching)}, dims {c.dims.tolist()}; found by {'+'.join(c.found_by)}; groups: {names}")
    if result.groups:
        click.echo("groups: " + " ".join(f"[{o},{i}]" for o, i in result.groups))


@click.command()
@click.argument("data_file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@click.option("--time-limit", type=POSITIVE_FLOAT, default=10.0, show_default=True, help="seconds for the abstract (SMT) search")
@click.option("--no-abstract", is_flag=True, help="named search only")
@click.option("--max-rank", type=POSITIVE, default=None,
              help=f"largest rank for the abstract fusion-ring search (default: above rank {MAX_RANK} only where "
                   f"the action of the 1-dimensional irreducibles leaves at most {MAX_UNKNOWNS} unknowns)")
def solve(data_file, as_json, time_limit, no_abstract, max_rank):
    """Every representation theory of G ⊃ N consistent with DATA_FILE, exact, named.

    Exit code 0 complete, 1 inconsistent, 2 bad input, 3 incomplete (a limit expired).
    """
    data = load_data(data_file)
    result = run_solve(data, time_limit=time_limit, abstract=not no_abstract, max_rank=max_rank)
    _echo_result(result, as_json)
    sys.exit(_STATUS_EXIT[result.status])


@click.command()
@click.argument("data_file", type=click.Path(dir_okay=False))
@click.option("--group", "group", required=True, help="the hypothesis: a name (S3) or id ([6,1])")
@click.option("--subgroup-class", type=int, help="position of N's class in G.subgroups (0-based)")
@click.option("--json", "as_json", is_flag=True)
def verify(data_file, group, subgroup_class, as_json):
    """Is DATA_FILE consistent with GROUP? If not, the violated constraints by name.

    Exit code 0 consistent, 1 inconsistent, 2 bad input, 3 undecided (the database does not
    store every subgroup class ≅ N of GROUP, and none of the stored ones fits).
    """
    data = load_data(data_file)
    v = run_verify(data, group, subgroup_class)
    if as_json:
        click.echo(jsonio.dumps(v.to_json()))
    elif v.undecided:
        click.echo(f"undecided: {v.group.name} [{v.group.id[0]},{v.group.id[1]}]: {v.undecided}")
    elif v.consistent:
        click.echo(f"consistent: {v.group.name} [{v.group.id[0]},{v.group.id[1]}] reproduces the data "
                   f"(subgroup class{'es' if len(v.positions) > 1 else ''} {', '.join(map(str, v.positions))})")
    else:
        click.echo(f"inconsistent: {v.group.name} [{v.group.id[0]},{v.group.id[1]}]")
        for r in v.reasons:
            click.echo(f"  {r}")
    sys.exit(EXIT_OK if v.consistent else (EXIT_INCOMPLETE if v.undecided else EXIT_NEGATIVE))


@click.command()
@subgroup_options
@click.option("--ramp", help="ramp matrix R as JSON")
@click.option("--plateau", help="normalised plateau matrix P as JSON")
@click.option("--census", help="census rows of M as JSON")
@click.option("--max-index", type=POSITIVE, help="largest [G:N] (no spectral data: list what G ⊃ N could be)")
@click.option("--max-order", type=POSITIVE, help="largest |G|")
@click.option("--time-limit", type=POSITIVE_FLOAT, default=10.0, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def query(cyclic, abelian, subgroup, ramp, plateau, census, max_index, max_order, time_limit, as_json):
    """Constraint queries, e.g. every candidate for N = C3 with index ≤ 8
    (``--cyclic 3 --max-index 8``), or every group up to order 64 containing C2×C2 with
    ramp matrix R (``--abelian 2x2 --ramp '[[...]]' --max-order 64``).
    """
    spec = subgroup_spec(cyclic, abelian, subgroup)
    obj = {"subgroup": spec}
    for key, text in (("ramp", ramp), ("plateau", plateau)):
        if text is not None:
            obj[key] = json_option(text, f"--{key}")
    if census is not None:
        obj["census"] = {"rows": json_option(census, "--census")}
    if len(obj) > 1:
        if max_order is not None:
            obj["max_order"] = max_order
        data = parse_data(obj)
        if max_index is not None:
            data = parse_data({**obj, "max_order": min(max_order or 10**9, max_index * data.known.order)})
        result = run_solve(data, time_limit=time_limit)
        _echo_result(result, as_json)
        sys.exit(_STATUS_EXIT[result.status])
    # no spectral data: every group G ⊃ N of small index and its branching
    from bootstrap.known import known_subgroup
    K = known_subgroup(spec)
    if max_index is None and max_order is None:
        raise SymbootInputError("without spectral data give --max-index or --max-order")
    cover = store.max_order()
    if max_index is not None and max_index * K.order > min(max_order or cover, cover):
        raise SymbootInputError(f"--max-index {max_index} gives |G| = {max_index * K.order} beyond "
                                + (f"--max-order {max_order}" if max_order and max_order < cover else
                                   f"the database's coverage (|G| ≤ {cover}); give --max-index ≤ {cover // K.order}"))
    if max_order is not None and max_order > cover:
        raise SymbootInputError(f"--max-order {max_order} exceeds the database's coverage ({cover})")
    top = max_index if max_index is not None else max_order // K.order
    rows, unstored = [], []
    for index in range(1, top + 1):
        order = index * K.order
        gap = coverage_gap(K.order, order)
        if gap:
            unstored.append({"order": order, "reason": gap})
        for gid, positions in store.embeddings(K.group.id, order):
            G = store.load_id(*gid)
            seen = set()
            for j in positions:
                M = branching(G, G.subgroups[j], K.group)[:, list(K.labels)]
                R = M.T @ M
                key = R.tobytes()
                if key in seen:
                    continue
                seen.add(key)
                rows.append({"index": index, "order": order, "group": {"id": list(G.id), "name": G.name},
                             "subgroup_class": j, "normal": G.subgroups[j].normal,
                             "dims": (M @ K.dims).tolist(), "branching": M.tolist(), "ramp": R.tolist()})
    if as_json:
        click.echo(jsonio.dumps({"subgroup": K.to_json(), "candidates": rows, "unstored": unstored}))
    else:
        for r in rows:
            click.echo(f"[G:N] = {r['index']}  {r['group']['name']} [{r['group']['id'][0]},{r['group']['id'][1]}]  class {r['subgroup_class']}"
                       f"{' (normal)' if r['normal'] else ''}  dims {r['dims']}  R = {r['ramp']}")
        for u in unstored:
            click.echo(f"incomplete at |G| = {u['order']}: {u['reason']}")
    sys.exit(EXIT_INCOMPLETE if unstored else (EXIT_OK if rows else EXIT_NEGATIVE))


def _params(params: tuple[str, ...]) -> dict:
    """``--param key=value`` options as a dict, each value read as JSON where it is JSON."""
    out = {}
    for p in params:
        key, sep, value = p.partition("=")
        if not sep or not key:
            raise SymbootInputError(f"--param {p!r}: use key=value")
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


@click.command()
@click.argument("model", required=False)
@click.option("--param", "params", multiple=True, help="zoo-model parameter key=value (repeatable), e.g. L=7")
@click.option("--realisations", type=POSITIVE, help="disorder realisations (overrides the model file)")
@click.option("--seed", type=click.IntRange(min=0), help="random seed, >= 0 (overrides the model file)")
@click.option("--matrix", "matrix", multiple=True, type=click.Path(dir_okay=False),
              help="Hamiltonian (save_npz / .npy / .npz); repeat for an ensemble of realisations")
@click.option("--generator", "generator", multiple=True, type=click.Path(dir_okay=False),
              help="commuting unitary generator of N (finite order); repeat for several")
@click.option("--order", "order", multiple=True, type=POSITIVE, help="declared order of each generator (checked)")
@click.option("--group", "group", default=None,
              help="non-abelian N for --matrix: its groupdb name/id; sectors are its irreducibles")
@click.option("--spectra", "spectra_file", type=click.Path(dir_okay=False), help="sector spectra saved by `symboot spectra`")
@click.option("--xsff", "xsff_file", type=click.Path(dir_okay=False),
              help="ready-made xSFF curves (symboot's layout or the authors' published layout)")
@subgroup_options
@click.option("--sectors", help="for --xsff curves of a named N: LABEL=INDEX,... maps each sector label onto N's "
                                "irreducible χINDEX (see `symboot groups show`); without it every dimension-preserving "
                                "map is tried and the union reported")
@click.option("--max-order", type=POSITIVE, help="largest |G| considered (default: the database's coverage)")
@click.option("--time-limit", type=POSITIVE_FLOAT, default=10.0, show_default=True, help="seconds for the abstract SMT search")
@click.option("--workers", type=POSITIVE, default=None, help="worker processes for the diagonalisation (default: all cores)")
@click.option("--min-levels", type=POSITIVE, default=10, show_default=True, help="smallest sector size accepted")
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False), default="symboot-report", show_default=True,
              help="directory for the report (report.md, report.html, result.json, plots)")
@click.option("--json", "as_json", is_flag=True, help="print the machine-readable result on stdout")
@click.option("--quiet", is_flag=True, help="no progress display")
@click.option("--time-reversal/--no-time-reversal", default=None,
              help="declare an anti-unitary commuting with G (real couplings, G acting by real matrices): the "
                   "sector classes then fix Frobenius-Schur indicators (default: on for a random_g_chain with "
                   "real couplings, else off)")
@click.option("--antiunitary", "antiunitary_file", type=click.Path(dir_okay=False),
              help="for --matrix: the unitary part A of an anti-unitary symmetry T = A K (K complex conjugation "
                   "in the given basis); checked, and the sectors it pairs are then known, not inferred")
@click.option("--model-antiunitary", is_flag=True,
              help="for MODEL: use the model's own anti-unitary symmetry (complex conjugation where its "
                   "Hamiltonian is real by construction) as a given one, as --antiunitary does")
def identify(model, params, realisations, seed, matrix, generator, order, group, spectra_file, xsff_file, cyclic,
             abelian, subgroup, sectors, max_order, time_limit, workers, min_levels, outdir, as_json, quiet,
             time_reversal, antiunitary_file, model_antiunitary):
    """The whole pipeline: sectors → spectra → level statistics → xSFF → R and census →
    bootstrap → named groups → report.

    Give exactly one input: MODEL (a model file from data/models or a zoo name with
    --param), --matrix/--generator files, --spectra FILE or --xsff FILE.
    Exit code 0 groups found, 1 none, 2 bad input, 3 incomplete (a solver limit expired).
    """
    from symboot import api
    from symboot.pipeline import stderr_progress
    from symboot.report import check_report_dir, write_report

    sources = [x for x in (model, matrix or None, spectra_file, xsff_file) if x]
    if len(sources) != 1:
        raise SymbootInputError("give exactly one input: MODEL, --matrix/--generator, --spectra or --xsff")
    if sectors is not None and not xsff_file:
        raise SymbootInputError("--sectors maps the sector labels of --xsff curves; give it with --xsff")
    check_report_dir(outdir)  # now, not after minutes of diagonalisation
    declared = subgroup_spec(cyclic, abelian, subgroup, required=False)
    progress = not quiet
    if antiunitary_file and not matrix:
        raise SymbootInputError("--antiunitary goes with --matrix/--generator input (with MODEL: --model-antiunitary)")
    if model_antiunitary and not model:
        raise SymbootInputError("--model-antiunitary goes with a MODEL input")
    if time_reversal is not None and xsff_file:
        raise SymbootInputError("--time-reversal reads the level statistics of spectra; curves (--xsff) carry none")
    common = dict(subgroup=declared, max_order=max_order, time_limit=time_limit, progress=progress,
                  time_reversal=time_reversal)
    if model:
        spec = api.model_spec(model, _params(params), realisations, seed)
        result = api.identify(spec, workers=workers, min_levels=min_levels,
                              antiunitary="model" if model_antiunitary else None, **common)
    elif matrix:
        from ed.cli import _load_inputs, load_matrix

        Hs, Us, ords = _load_inputs(matrix, generator, order)
        A = load_matrix(antiunitary_file) if antiunitary_file else None
        src = {"kind": "matrix", "description": f"{len(Hs)} matrix file(s)",
               "params": {"matrices": list(matrix), "generators": list(generator),
                          **({"antiunitary": antiunitary_file} if antiunitary_file else {})}}
        result = api.identify(Hs, Us, orders=ords, group=group, workers=workers, min_levels=min_levels,
                              source=src, antiunitary=A, **common)
    elif spectra_file:
        result = api.identify(spectra=spectra_file, min_levels=min_levels, **common)
    else:
        result = api.identify(xsff=xsff_file, sectors=sectors, **common)
    if progress:
        stderr_progress("writing the report")
    report = write_report(result, outdir)
    if as_json:
        click.echo(jsonio.dumps(result.to_json(report=str(report))))
    else:
        click.echo(f"verdict: {result.verdict}")
        for d in result.advice[:3]:
            click.echo(f"next measurement: {d.description}")
        click.echo(f"report: {report}")
    status = result.solution.status
    sys.exit(EXIT_INCOMPLETE if status == "incomplete" else (EXIT_OK if result.groups else EXIT_NEGATIVE))


commands = [solve, verify, query, identify]
