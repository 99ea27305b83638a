"""Abelian N given the physicist's way: C_{n1} × … × C_{nk} with chosen generators g_i.

Its irreducibles are the charge vectors q (character g_i ↦ exp(2πi q_i/n_i)), listed in
lexicographic order (q_1 slowest). :func:`charge_labelling` finds the groupdb group
isomorphic to it and an isomorphism from charge vectors to groupdb's irreducibles —
unique up to Aut(N), which is all any query here depends on.

>>> lab = charge_labelling((2, 2))
>>> lab.group.id, lab.charges
((4, 2), ((0, 0), (0, 1), (1, 0), (1, 1)))
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from common.errors import SymbootInputError
from groupdb.group import Group
from groupdb.store import ids_by_fingerprint, load_id, max_order


@dataclass(frozen=True)
class ChargeLabelling:
    """Charge vectors of C_{n1} × … × C_{nk} and the groupdb irreducible each one is."""

    group: Group
    moduli: tuple[int, ...]
    charges: tuple[tuple[int, ...], ...]  # lexicographic order: the user's sector order
    irreducible: tuple[int, ...]  # groupdb index of the irreducible with these charges


def parse_moduli(text: str) -> tuple[int, ...]:
    """"2x4", "2×4", "2,4" or "3" → (2, 4) / (3,)."""
    parts = [p for p in text.replace("×", "x").replace("X", "x").replace(",", "x").split("x") if p.strip()]
    try:
        moduli = tuple(int(p) for p in parts)
    except ValueError:
        raise SymbootInputError(f"cannot read an abelian group from {text!r}; write e.g. 3 or 2x4") from None
    if not moduli or any(n < 1 for n in moduli):
        raise SymbootInputError(f"cyclic factors must be positive integers, got {text!r}")
    return moduli


def _element_orders(moduli) -> list[int]:
    orders = []
    for q in itertools.product(*(range(n) for n in moduli)):
        o = 1
        for a, n in zip(q, moduli):
            o = math.lcm(o, n // math.gcd(a, n))
        orders.append(o)
    return sorted(orders)


@lru_cache(maxsize=256)
def charge_labelling(moduli: tuple[int, ...]) -> ChargeLabelling:
    moduli = tuple(int(n) for n in moduli)
    order = math.prod(moduli)
    if order > max_order():
        raise SymbootInputError(f"|N| = {order} exceeds the database's coverage (order ≤ {max_order()})")
    orders = _element_orders(moduli)
    matches = [
        load_id(*gid) for gid in ids_by_fingerprint([1] * order) if sorted(load_id(*gid).element_orders) == orders
    ]
    if len(matches) != 1:  # pragma: no cover - the database has every abelian group once
        raise SymbootInputError(f"no unique abelian group of order {order} with these invariants")
    S = matches[0]

    # The dual group: characters multiply pointwise; under ζ_e ↦ w (order e mod p) roots of
    # unity stay distinct, so residue vectors identify characters exactly.
    p, w = S.modular_prime
    rows = [tuple(r) for r in S.table.modular(p, w).tolist()]
    index = {r: i for i, r in enumerate(rows)}
    trivial = rows[0]

    def mul(a: int, b: int) -> int:
        return index[tuple(x * y % p for x, y in zip(rows[a], rows[b]))]

    def power(a: int, t: int) -> int:
        out = 0
        for _ in range(t):
            out = mul(out, a)
        return out

    def dual_order(a: int) -> int:
        t, x = 1, a
        while rows[x] != trivial:
            x, t = mul(x, a), t + 1
        return t

    dual_orders = [dual_order(a) for a in range(len(rows))]

    def extend(chosen: list[int], generated: set[int]):
        j = len(chosen)
        if j == len(moduli):
            return chosen
        for a in range(len(rows)):
            if dual_orders[a] != moduli[j]:
                continue
            span = {mul(g, power(a, t)) for g in generated for t in range(moduli[j])}
            if len(span) == len(generated) * moduli[j]:
                found = extend(chosen + [a], span)
                if found:
                    return found
        return None

    gens = extend([], {0})
    if gens is None:  # pragma: no cover - guaranteed by the element-order match
        raise SymbootInputError(f"C{' x C'.join(map(str, moduli))} has no basis of these orders")
    charges = tuple(itertools.product(*(range(n) for n in moduli)))
    irreducible = []
    for q in charges:
        x = 0
        for g, t in zip(gens, q):
            x = mul(x, power(g, t))
        irreducible.append(x)
    # Convention check: charge q of generator i is the eigenvalue exp(2πi q_i/n_i) of g_i;
    # the basis chosen above realises some automorphic image of that, which queries mod out.
    return ChargeLabelling(S, moduli, charges, tuple(irreducible))


def relabel(matrix: np.ndarray, irreducible: tuple[int, ...]) -> np.ndarray:
    """A matrix indexed by charge vectors (both axes) re-indexed by groupdb irreducibles."""
    out = np.zeros_like(matrix)
    idx = np.array(irreducible)
    out[np.ix_(idx, idx)] = matrix
    return out
