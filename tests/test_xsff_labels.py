"""Curves labelled by a named, non-abelian N: which label is which irreducible.

A reading of curves must never depend on an arbitrary label order: without a map every
assignment that preserves the dimensions is tried, one per class under Aut(N) (their
number is checked against GAP's automorphism group), and the verdict is their union; an
explicit ``--sectors`` map is checked against N's dimensions.
"""
from __future__ import annotations

from math import factorial
from pathlib import Path

import pytest
from click.testing import CliRunner

from bootstrap.known import known_subgroup
from symboot.cli import main
from symboot.pipeline import label_maps
from tests.gap_oracle import run_gap

QTC = Path(__file__).resolve().parents[2] / "shared" / "paper-data" / "QTC_L9_th0.7854_n200.npz"
QTC_MAP = "(0,+)=1,(0,-)=2,[0,1]=3,[1,0]=4,[1,1]=5,[1,2]=6"


@pytest.mark.gap
@pytest.mark.parametrize("gid", [(18, 4), (8, 4), (8, 3), (24, 12), (12, 3)])
def test_label_maps_are_the_classes_under_aut_n(gid):
    """Aut(N) acts freely on the dimension-preserving bijections Irr(N) -> sectors, so there
    are (∏ over dimensions of m_d!) / |Aut(N) on Irr(N)| classes; GAP gives the denominator
    as the size of Aut(N)'s image on the conjugacy classes (isomorphic to its image on Irr(N))."""
    (size,), = run_gap(f"""
G := SmallGroup({gid[0]}, {gid[1]});
cc := ConjugacyClasses(G);
img := a -> PermList(List(cc, c -> PositionProperty(cc, d -> Image(a, Representative(c)) in d)));
Emit([Size(Group(List(GeneratorsOfGroup(AutomorphismGroup(G)), img), ()))]);
""")
    K = known_subgroup({"id": list(gid)})
    dims = K.dims.tolist()
    arrangements = 1
    for d in set(dims):
        arrangements *= factorial(dims.count(d))
    maps = label_maps(K, dims)
    assert len(maps) == arrangements // size
    assert all(sorted(m) == list(range(len(dims))) and [dims[i] for i in m] == dims for m in maps)


def test_label_maps_refuse_other_dimensions():
    from common.errors import SymbootInputError

    with pytest.raises(SymbootInputError, match="not those of"):
        label_maps(known_subgroup({"id": [18, 4]}), [1, 1, 1, 2, 2, 2])


def _identify(*args):
    return CliRunner().invoke(main, ["identify", "--xsff", str(QTC), "--subgroup", "[18,4]", "--quiet", "--json",
                                     *args])


@pytest.mark.skipif(not QTC.exists(), reason="../shared/paper-data (the authors' QTC file) is not here")
def test_qtc_curves_without_a_map_report_the_union(tmp_path):
    import json

    r = _identify("-o", str(tmp_path / "a"))
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["groups"] == [[36, 9]]
    assert any("not matched" in n for n in out["notes"])
    r = _identify("-o", str(tmp_path / "b"), "--sectors", QTC_MAP)
    assert r.exit_code == 0 and json.loads(r.stdout)["groups"] == [[36, 9]]
    assert not any("not matched" in n for n in json.loads(r.stdout)["notes"])


@pytest.mark.skipif(not QTC.exists(), reason="../shared/paper-data (the authors' QTC file) is not here")
@pytest.mark.parametrize("sectors, needle", [
    ("(0,+)=3,(0,-)=2,[0,1]=1,[1,0]=4,[1,1]=5,[1,2]=6", "does not fit"),
    ("(0,+)=1,(0,-)=1,[0,1]=3,[1,0]=4,[1,1]=5,[1,2]=6", "once"),
    ("(0,+)=1,(0,-)=2", "all 6 sectors"),
    ("(9,9)=1,(0,-)=2,[0,1]=3,[1,0]=4,[1,1]=5,[1,2]=6", "no sector labelled"),
    ("garbage", "LABEL=INDEX"),
])
def test_a_map_that_does_not_fit_n_is_one_named_error(tmp_path, sectors, needle):
    r = _identify("-o", str(tmp_path / "r"), "--sectors", sectors)
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("symboot: error:") and needle in lines[0]
    assert not (tmp_path / "r").exists()
