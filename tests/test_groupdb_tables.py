"""Every stored table and every stored class fusion, certified exactly (groupdb.characters)."""
from __future__ import annotations

import pytest

from groupdb import store
from groupdb.characters import certify, certify_subgroups

pytestmark = pytest.mark.slow


def _orders():
    return list(range(1, store.max_order() + 1))


@pytest.mark.parametrize("order", _orders())
def test_every_table_and_fusion_of_this_order(order):
    n_groups = store.number_of_groups(order)
    assert n_groups >= 1
    failures = {}
    for gid in store.ids_of_order(order):
        G = store.load_id(*gid)
        problems = certify(G)
        subs = certify_subgroups(G, lambda sid: store.load_id(*sid))
        if problems or subs:
            failures[gid] = (problems, subs)
    assert not failures, failures
    store.load_id.cache_clear()  # keep the sweep's memory flat
