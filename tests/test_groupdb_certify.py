"""The certificates must reject corrupted data (otherwise the full sweep proves nothing)."""
from __future__ import annotations

import dataclasses

import groupdb
from groupdb import store
from groupdb.characters import certify, certify_subgroups


def _with_values(G, values):
    return dataclasses.replace(G, table=dataclasses.replace(G.table, values=values))


def test_stored_tables_pass():
    for name in ["S3", "Q8", "A4", "SL(2,3)", "C3 x S3"]:
        G = groupdb.load(name)
        assert certify(G) == []
        assert certify_subgroups(G, lambda i: store.load_id(*i)) == {}


def test_swapped_values_break_orthogonality():
    G = groupdb.load("A4")  # a table with irrational values
    rows = [list(r) for r in G.table.values]
    rows[1][2], rows[1][3] = rows[1][3], rows[1][2]  # ω and ω² exchanged in one row only
    problems = certify(_with_values(G, tuple(map(tuple, rows))))
    assert any("orthogonality" in p for p in problems)


def test_galois_conjugate_row_duplicated_is_caught():
    G = groupdb.load("C5")
    rows = [list(r) for r in G.table.values]
    rows[2] = rows[1]  # a repeated irreducible: orthogonal to nothing new
    assert any("orthogonality" in p for p in certify(_with_values(G, tuple(map(tuple, rows)))))


def test_wrong_indicator_is_caught():
    G = groupdb.load("Q8")
    bad = dataclasses.replace(G, indicators=tuple(1 for _ in G.indicators))
    assert any("indicators" in p for p in certify(bad))


def test_wrong_fusion_is_caught():
    G = groupdb.load("S4")
    subs = []
    for s in G.subgroups:
        if s.id == (4, 2) and not s.normal:
            # all three involutions sent to transpositions; but (12)(34) is not one.
            # (Permuting the three would be an automorphism of V4 and rightly pass.)
            transposition = next(c for c in s.class_fusion[1:] if G.class_sizes[c] == 6)
            s = dataclasses.replace(s, class_fusion=(0, transposition, transposition, transposition))
        subs.append(s)
    bad = dataclasses.replace(G, subgroups=tuple(subs))
    failures = certify_subgroups(bad, lambda i: store.load_id(*i))
    assert failures and all(G.subgroups[j].id == (4, 2) for j in failures)
