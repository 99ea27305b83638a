"""`symboot groups …`: look up groups, print character tables, run identification queries;
and the one option block naming the known subgroup N, which every command that takes N uses.
"""
from __future__ import annotations

import click

from common import jsonio
from common.errors import SymbootInputError
from common.options import POSITIVE, json_option
from groupdb import store
from groupdb.abelian import charge_labelling, parse_moduli
from groupdb.display import ZETA_LEGEND, class_names, format_character_table, zeta_cells
from groupdb.group import Group
from groupdb.query import groups_containing


def subgroup_options(f):
    """The one option block naming N: ``--cyclic n``, ``--abelian 2x4`` or ``--subgroup NAME|ID``."""
    for opt in reversed([
        click.option("--cyclic", type=POSITIVE, help="N = C_n, irreducibles labelled by charge q = 0..n-1"),
        click.option("--abelian", help="N = C_n1 x C_n2 x ..., e.g. 2x4; irreducibles are charge vectors "
                                       "in lexicographic order"),
        click.option("--subgroup", help="N by groupdb name or id; irreducibles in groupdb's order"),
    ]):
        f = opt(f)
    return f


def subgroup_spec(cyclic, abelian, subgroup, required: bool = True) -> dict | None:
    """The input-file form of N from the option block ({"cyclic": 3}, {"abelian": [2, 4]},
    {"name": "S3"}), or None when none was given and none is required."""
    given = [(k, v) for k, v in (("cyclic", cyclic), ("abelian", abelian), ("name", subgroup)) if v is not None]
    if len(given) > 1 or (required and not given):
        raise SymbootInputError(f"name N with {'exactly' if required else 'at most'} one of --cyclic, --abelian, --subgroup")
    if not given:
        return None
    (kind, value), = given
    return {kind: list(parse_moduli(value)) if kind == "abelian" else value}


def group_record(G: Group) -> dict:
    """The JSON form of a group: exact values as [[k, c], ...] over ζ_e, and ζ-notation strings."""
    exact = G.table.exact()
    return {
        "id": list(G.id),
        "name": G.name,
        "order": G.order,
        "exponent": G.exponent,
        "abelian": G.abelian,
        "nilpotent": G.nilpotent,
        "solvable": G.solvable,
        "class_sizes": list(G.class_sizes),
        "element_orders": list(G.element_orders),
        "power_maps": {str(p): list(m) for p, m in G.power_maps.items()},
        "degrees": list(G.degrees),
        "character_table": zeta_cells(exact),
        "character_values": [list(row) for row in G.table.values],
        "indicators": list(G.indicators),
        "schur_multiplier": list(G.multiplier),
        "automorphisms_on_classes": G.aut_size,
        "subgroups": [
            {"id": list(s.id), "conjugates": s.length, "normal": s.normal, "class_fusion": list(s.class_fusion)}
            for s in G.subgroups
        ],
    }


def format_table(G: Group) -> str:
    """Character table as text: class sizes and element orders on top, FS indicators at the right."""
    return "\n".join([
        f"{G.name}  id [{G.id[0]},{G.id[1]}]  order {G.order}  classes {G.nclasses}  exponent {G.exponent}"
        f"  Schur multiplier {'x'.join(f'C{m}' for m in G.multiplier) or '1'}",
        "",
        format_character_table(G.table.exact(), G.class_sizes, class_names(G.element_orders), G.indicators),
        "",
        f"{ZETA_LEGEND}; classes named by element order; FS: + real, - quaternionic, o complex",
    ])


@click.group()
def groups() -> None:
    """The bundled database of small groups (SPEC §4)."""


@groups.command()
@click.argument("group")
@click.option("--json", "as_json", is_flag=True, help="print the group's record as JSON")
def show(group: str, as_json: bool) -> None:
    """Print GROUP's character table (GROUP: a name like S4 or an id like [24,12])."""
    G = store.load(group)
    click.echo(jsonio.dumps(group_record(G)) if as_json else format_table(G))


@groups.command("list")
@click.option("--order", type=POSITIVE, required=True, help="list every group of this order")
@click.option("--json", "as_json", is_flag=True)
def list_(order: int, as_json: bool) -> None:
    """List the groups of one order."""
    if not 1 <= order <= store.max_order():
        raise SymbootInputError(f"order {order} is outside the database (1..{store.max_order()})")
    rows = [store.load_id(*gid) for gid in store.ids_of_order(order)]
    if as_json:
        click.echo(jsonio.dumps({"groups": [{"id": list(G.id), "name": G.name} for G in rows]}))
    else:
        for G in rows:
            click.echo(f"[{G.id[0]},{G.id[1]}]  {G.name}  degrees {','.join(map(str, G.degrees))}")


@groups.command()
@click.option("--degrees", required=True, help="irreducible degrees, comma separated (any order)")
@click.option("--class-sizes", help="class sizes, comma separated (any order)")
@click.option("--json", "as_json", is_flag=True)
def fingerprint(degrees: str, class_sizes: str | None, as_json: bool) -> None:
    """Groups with this character-table fingerprint (degrees, and optionally class sizes)."""
    try:
        degs = [int(x) for x in degrees.split(",")]
        sizes = [int(x) for x in class_sizes.split(",")] if class_sizes else None
    except ValueError:
        raise SymbootInputError("degrees and class sizes are comma-separated integers") from None
    if min(degs) < 1 or (sizes and min(sizes) < 1):
        raise SymbootInputError("degrees and class sizes are positive integers")
    ids = store.ids_by_fingerprint(degs, sizes)
    found = [{"id": list(i), "name": store.load_id(*i).name} for i in ids]
    if as_json:
        click.echo(jsonio.dumps({"groups": found}))
    else:
        for g in found:
            click.echo(f"[{g['id'][0]},{g['id'][1]}]  {g['name']}")


@groups.command()
@subgroup_options
@click.option("--ramp", help="ramp matrix R as JSON, e.g. '[[2,0,0],[0,1,1],[0,1,1]]'")
@click.option("--census", help="branching matrix M (rows = multiplet types, any order) as JSON")
@click.option("--max-order", type=POSITIVE, help="largest |G| to consider (default: the database's coverage)")
@click.option("--json", "as_json", is_flag=True)
def query(cyclic, abelian, subgroup, ramp, census, max_order, as_json) -> None:
    """Every group G containing N whose branching gives the ramp matrix (or branching matrix),
    up to relabelling N's irreducibles by automorphisms of N."""
    spec = subgroup_spec(cyclic, abelian, subgroup)
    if "name" in spec:
        N, labels = store.load(spec["name"]), None
    else:
        lab = charge_labelling(tuple(spec.get("abelian") or (spec["cyclic"],)))
        N, labels = lab.group, lab.irreducible
    if (ramp is None) == (census is None):
        raise SymbootInputError("give exactly one of --ramp and --census")
    matches = groups_containing(
        N,
        ramp=json_option(ramp, "--ramp"),
        census=json_option(census, "--census"),
        labels=labels,
        max_group_order=max_order,
    )
    result = {"subgroup": {"id": list(N.id), "name": N.name}, "groups": [m.to_json() for m in matches]}
    if as_json:
        click.echo(jsonio.dumps(result))
        return
    if not matches:
        click.echo(f"no group of order ≤ {max_order or store.max_order()} contains {N.name} with this data")
    for m in matches:
        G = m.group
        click.echo(f"[{G.id[0]},{G.id[1]}]  {G.name}   ({len(m.positions)} matching subgroup class(es))")


@groups.command()
def info() -> None:
    """Coverage and provenance of the bundled database."""
    meta = store.meta()
    for key in ("coverage", "groups", "subgroup_classes", "gap", "built", "generator"):
        click.echo(f"{key}: {meta.get(key, '?')}")
    nameless = jsonio.loads(meta.get("nameless", "[]"), "the database's metadata")
    if nameless:
        click.echo(f"structure names pending (groupdb/build/names.g): {len(nameless)} groups, e.g. {nameless[:3]}")
    click.echo(f"file: {store.database_path()}")
