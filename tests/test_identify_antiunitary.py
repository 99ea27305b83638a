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
