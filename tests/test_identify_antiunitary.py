"""D8 vs Q8 over N = C4 with time reversal (issue 13's showcase, EXAMPLES §6).

Random G-invariant chains built from G's own permutation action (so the truth is G by
construction): with real couplings T = K commutes with G, T² = +1, and the sector classes
decide — sector 1 GOE for D8 (its 2-dimensional irreducible real), Kramers pairs with GSE
statistics for Q8 (quaternionic). Without time reversal both groups stay, as they must (equal
character tables). Before, Q8 with real couplings was named as one of two groups of order 32:
its Kramers pairs read as a 4-dimensional unitary multiplet.
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import groupdb
import symboot
from ed.models import NAMED_GROUPS


def _spec(group: str, real: bool) -> dict:
    gens, _ = NAMED_GROUPS[group]
    return {"model": "random_g_chain", "params": {"group": group, "known": [gens[0]], "L": 4 if group == "Q8" else 6,
                                                  "real": real}, "realisations": 2, "seed": 4}


@pytest.mark.parametrize("group, real, want, classes", [
    ("Q8", True, ["Q8"], ["GSE", "GSE"]),
    ("D8", True, ["D8"], ["GOE", "GOE"]),
    ("Q8", False, ["D8", "Q8"], ["GUE", "GUE"]),
    ("D8", False, ["D8", "Q8"], ["GUE", "GUE"]),
])
def test_time_reversal_tells_d8_from_q8(group, real, want, classes):
    r = symboot.identify(_spec(group, real), workers=1)
    assert sorted(r.group_names()) == want and r.solution.status == "complete"
    au = r.to_json()["antiunitary"]
    got = [au["sector_classes"][1], au["sector_classes"][3]] if au else ["GUE", "GUE"]
    assert got == classes
    if real:
        assert au["kramers"] == [False, group == "Q8", False, group == "Q8"] and au["squares"] == [1]
        assert [1, 3] in au["degenerate_pairs"]


def test_kramers_pairs_are_never_a_unitary_multiplet_even_undeclared():
    """--no-time-reversal: the Kramers sectors are still read as such (rows halved), only the
    indicators are not used — both groups of order 8 stay, none of order 32."""
    r = symboot.identify(_spec("Q8", True), workers=1, time_reversal=False)
    assert sorted(r.group_names()) == ["D8", "Q8"]
    assert any("Kramers" in n for n in r.notes)


def test_time_reversal_with_curves_is_refused(tmp_path):
    from symboot.cli import main

    res = CliRunner().invoke(main, ["identify", "--xsff", str(tmp_path / "x.npz"), "--time-reversal",
                                    "-o", str(tmp_path / "rep")])
    assert res.exit_code == 2 and "time-reversal" in res.output and not (tmp_path / "rep").exists()


# ---- the sector classes as data (symboot solve): the observed β per block as a constraint family

def _q8_or_d8_data(group: str, square: int = 1) -> dict:
    """What a real-coupled G-chain over N = C4 shows (EXAMPLES §6, the chains above): charges 0 and
    2 hold two 1-dimensional blocks each ("mixed"), charges 1 and 3 the 2-dimensional
    irreducible — for Q8 a Kramers sector (every level twice, GSE: row 2 there as observed), for
    D8 one GOE block. The ramp, normalised per block, counts a Kramers pair once."""
    kramers = group == "Q8"
    return {"subgroup": {"cyclic": 4}, "ramp": [[2, 0, 0, 0], [0, 1, 0, 1], [0, 0, 2, 0], [0, 1, 0, 1]],
            "census": {"rows": [[1, 0, 0, 0], [0, 2, 0, 2] if kramers else [0, 1, 0, 1], [0, 0, 1, 0]],
                       "distinct": True},
            "time_reversal": {"square": square,
                              "sector_classes": ["mixed", "GSE" if kramers else "GOE", "mixed",
                                                 "GSE" if kramers else "GOE"]}}


@pytest.mark.parametrize("group", ["D8", "Q8"])
def test_sector_classes_in_the_data_tell_d8_from_q8(tmp_path, group):
    """`symboot solve` with the classes declared: the indicators they imply (GOE with T² = +1:
    ν = 1, real; a Kramers sector: ν = -1, quaternionic) name the one group of the two whose
    2-dimensional irreducible has that indicator (groupdb's, from GAP); without the classes both
    stay."""
    from symboot.cli import main

    path = tmp_path / "d.json"
    path.write_text(json.dumps(_q8_or_d8_data(group)))
    res = CliRunner().invoke(main, ["solve", str(path), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["groups"] == [list(groupdb.load(group).id)]
    plain = _q8_or_d8_data("D8")
    del plain["time_reversal"]
    assert symboot.solve(plain).groups == sorted([groupdb.load("D8").id, groupdb.load("Q8").id])


def test_sector_classes_with_the_wrong_square_name_no_group():
    """T² = -1 with the trivial irreducible's sector "mixed": its type would need ν = -1 (a
    Kramers doublet) or 0, never the trivial irreducible's 1 — inconsistent, named."""
    r = symboot.solve(_q8_or_d8_data("D8", square=-1))
    assert r.status == "inconsistent" and not r.groups
    assert any("indicators" in v.message for v in r.violations), r.violations


@pytest.mark.parametrize("change, message", [
    (lambda d: d["time_reversal"].update(square=2), "must be 1 or -1"),
    (lambda d: d["time_reversal"].update(sector_classes=["GOE"]), "one of GOE, GUE, GSE, mixed or null per sector"),
    (lambda d: d["census"].update(rows=[[1, 0, 0, 0], [0, 1, 0, 1], [0, 0, 1, 0]]), "not Kramers pairs"),
    (lambda d: d.pop("census"), "give the census"),
    (lambda d: d["census"].update(indicators=[1, -1, 1]), "not both"),
])
def test_bad_sector_classes_are_one_named_error(tmp_path, change, message):
    from symboot.cli import main

    d = _q8_or_d8_data("Q8")
    change(d)
    path = tmp_path / "d.json"
    path.write_text(json.dumps(d))
    res = CliRunner().invoke(main, ["solve", str(path)])
    lines = res.output.strip().splitlines()
    assert res.exit_code == 2 and len(lines) == 1 and lines[0].startswith("symboot: error: ") and message in lines[0], \
        res.output
