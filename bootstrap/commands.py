"""Click commands of the bootstrap: ``symboot solve``, ``symboot verify``, ``symboot query``.

Exit codes: 0 success (solve: complete; verify: consistent; query: something found),
1 a negative answer (solve: inconsistent; verify: inconsistent; query: nothing),
2 bad input (SymbootInputError, printed as one line by bootstrap.cli), 3 incomplete.

The lead registers ``commands`` in bootstrap/cli.py.
"""
from __future__ import annotations

import json
import sys

import click

from bootstrap.data import load_data, parse_data
from bootstrap.engine import solve as run_solve
from bootstrap.verify import verify as run_verify
from groupdb import store
from groupdb.characters import branching
from groupdb.cli import json_option
from groupdb.errors import SymbootInputError

EXIT_OK, EXIT_NEGATIVE, EXIT_INCOMPLETE = 0, 1, 3
_STATUS_EXIT = {"complete": EXIT_OK, "inconsistent": EXIT_NEGATIVE, "incomplete": EXIT_INCOMPLETE}


def _echo_result(result, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(result.to_json()))
        return
    click.echo(f"status: {result.status}")
    if result.order:
        click.echo(f"reciprocity: [G:N] = {result.index}, |G| = {result.order}")
    for v in result.violations:
        click.echo(f"  violated — {v}")
    for s in result.searches:
        click.echo(f"search: {s}")
    if result.abstract.get("status") not in (None, "not run"):
        click.echo(f"abstract search: {result.abstract['status']}" + (f" ({result.abstract['reason'][:300]})" if result.abstract.get("reason") else ""))
    for i, c in enumerate(result.candidates, 1):
        names = ", ".join(f"{m.group.name} [{m.group.id[0]},{m.group.id[1]}]" for m in c.groups) or c.note
        click.echo(f"candidate {i}: |G| = {c.order}, k = {len(c.branching)}, dims {c.dims.tolist()}; found by {'+'.join(c.found_by)}; groups: {names}")
    if result.groups:
        click.echo("groups: " + " ".join(f"[{o},{i}]" for o, i in result.groups))


@click.command()
@click.argument("data_file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@click.option("--time-limit", type=float, default=10.0, show_default=True, help="seconds for the abstract (SMT) search")
@click.option("--no-abstract", is_flag=True, help="named search only")
@click.option("--max-rank", type=int, default=12, show_default=True, help="largest rank for the abstract fusion-ring search")
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

    Exit code 0 consistent, 1 inconsistent, 2 bad input.
    """
    data = load_data(data_file)
    v = run_verify(data, group, subgroup_class)
    if as_json:
        click.echo(json.dumps(v.to_json()))
    elif v.consistent:
        click.echo(f"consistent: {v.group.name} [{v.group.id[0]},{v.group.id[1]}] reproduces the data "
                   f"(subgroup class{'es' if len(v.positions) > 1 else ''} {', '.join(map(str, v.positions))})")
    else:
        click.echo(f"inconsistent: {v.group.name} [{v.group.id[0]},{v.group.id[1]}]")
        for r in v.reasons:
            click.echo(f"  {r}")
    sys.exit(EXIT_OK if v.consistent else EXIT_NEGATIVE)


@click.command()
@click.option("--cyclic", type=int, help="N = C_n (sectors = charges 0..n-1)")
@click.option("--abelian", help="N = C_n1 x C_n2 ..., e.g. 2x2 (sectors = charge vectors, lexicographic)")
@click.option("--subgroup", help="N by groupdb name or id (sectors = groupdb's irreducibles)")
@click.option("--ramp", help="ramp matrix R as JSON")
@click.option("--plateau", help="normalised plateau matrix P as JSON")
@click.option("--census", help="census rows of M as JSON")
@click.option("--max-index", type=int, help="largest [G:N] (no spectral data: list what G ⊃ N could be)")
@click.option("--max-order", type=int, help="largest |G|")
@click.option("--time-limit", type=float, default=10.0, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def query(cyclic, abelian, subgroup, ramp, plateau, census, max_index, max_order, time_limit, as_json):
    """Constraint queries, e.g. every candidate for N = C3 with index ≤ 8
    (``--cyclic 3 --max-index 8``), or every group up to order 64 containing C2×C2 with
    ramp matrix R (``--abelian 2x2 --ramp '[[...]]' --max-order 64``).
    """
    given = [x is not None for x in (cyclic, abelian, subgroup)]
    if sum(given) != 1:
        raise SymbootInputError("name N with exactly one of --cyclic, --abelian, --subgroup")
    if cyclic is not None:
        spec = {"cyclic": cyclic}
    elif abelian is not None:
        from groupdb.abelian import parse_moduli
        spec = {"abelian": list(parse_moduli(abelian))}
    else:
        spec = {"name": subgroup}
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
    top = min(max_index if max_index is not None else 10**9, (max_order or store.max_order()) // K.order)
    if top * K.order > store.max_order():
        raise SymbootInputError(f"index {top} gives |G| = {top * K.order} beyond the database's coverage ({store.max_order()})")
    rows = []
    for index in range(1, top + 1):
        order = index * K.order
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
        click.echo(json.dumps({"subgroup": K.to_json(), "candidates": rows}))
    else:
        for r in rows:
            click.echo(f"[G:N] = {r['index']}  {r['group']['name']} [{r['group']['id'][0]},{r['group']['id'][1]}]  class {r['subgroup_class']}"
                       f"{' (normal)' if r['normal'] else ''}  dims {r['dims']}  R = {r['ramp']}")
    sys.exit(EXIT_OK if rows else EXIT_NEGATIVE)


commands = [solve, verify, query]
