"""The known subgroup N of the bootstrap, in the user's labelling of its irreducibles.

The user names N as ``{"cyclic": 3}``, ``{"abelian": [2, 4]}``, ``{"id": [6, 1]}`` or
``{"name": "S3"}``. For cyclic/abelian N the sectors are charge vectors in lexicographic
order (groupdb.abelian); otherwise N's irreducibles in groupdb order. Everything the
engine needs about N — dimensions n_μ, fusion coefficients c_{μν}^ρ, the exact character
table Ψ_N, duals — is kept here in the user's order, so no other module sees groupdb's.

>>> K = known_subgroup({"cyclic": 3})
>>> K.group.name, K.dims.tolist(), K.sector_names
('C3', [1, 1, 1], ('0', '1', '2'))
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np

from groupdb import store
from groupdb.abelian import charge_labelling
from groupdb.characters import tensor_coefficients
from groupdb.cyclotomic import Cyclotomic
from common.errors import SymbootInputError
from groupdb.group import Group


@dataclass(frozen=True, eq=False)
class KnownSubgroup:
    """N with its irreducibles in the user's order.

    ``labels[u]`` is the groupdb index of the irreducible the user calls u.
    """

    group: Group
    labels: tuple[int, ...]
    sector_names: tuple[str, ...]
    spec: dict = field(repr=False)

    @property
    def order(self) -> int:
        return self.group.order

    @property
    def rank(self) -> int:
        return len(self.labels)

    @cached_property
    def dims(self) -> np.ndarray:
        return np.array([self.group.degrees[g] for g in self.labels], dtype=np.int64)

    @cached_property
    def fusion(self) -> np.ndarray:
        """c[μ, ν, ρ]: multiplicity of ρ in μ ⊗ ν (user order)."""
        c = tensor_coefficients(self.group)
        ix = np.array(self.labels)
        return c[np.ix_(ix, ix, ix)]

    @cached_property
    def dual(self) -> np.ndarray:
        """dual[μ] = the sector of the complex-conjugate irreducible μ̄."""
        return np.array([int(np.flatnonzero(self.fusion[u, :, 0])[0]) for u in range(self.rank)])

    @cached_property
    def table(self) -> list[list[Cyclotomic]]:
        """Ψ_N exactly: rows in the user's order, columns N's classes (groupdb order)."""
        exact = self.group.table.exact()
        return [exact[g] for g in self.labels]

    @cached_property
    def inverse(self) -> np.ndarray:
        """inverse[g] = the user's index of groupdb irreducible g."""
        return np.argsort(np.array(self.labels))

    def modular_table(self, p: int, w: int) -> np.ndarray:
        """Ψ_N under ζ_e ↦ w in F_p (e = exponent of N), user row order."""
        return self.group.table.modular(p, w)[np.array(self.labels)]

    def to_json(self) -> dict:
        return {"id": list(self.group.id), "name": self.group.name, "sectors": list(self.sector_names)}


def known_subgroup(spec) -> KnownSubgroup:
    """Build N from the input file's ``"subgroup"`` entry (see module docstring).

    Raises
    ------
    SymbootInputError
        Unknown form or group.
    """
    if not isinstance(spec, dict) or len(spec) != 1:
        raise SymbootInputError(
            'the subgroup must be one of {"cyclic": n}, {"abelian": [n1, n2, ...]}, {"id": [order, i]}, {"name": "..."}'
        )
    (kind, value), = spec.items()
    key = _freeze(value)
    try:
        hash(key)  # the builder is cached by it
    except TypeError:
        raise SymbootInputError(f'the subgroup\'s "{kind}" must be a number, a list of numbers or a name, '
                                f'got {value!r}') from None
    return _build(kind, key)


def _freeze(value):
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value):
    return [_thaw(v) for v in value] if isinstance(value, tuple) else value


@lru_cache(maxsize=256)
def _build(kind: str, value) -> KnownSubgroup:
    spec = {kind: value}
    if kind in ("cyclic", "abelian"):
        moduli = (value,) if kind == "cyclic" else value
        if not isinstance(moduli, tuple) or not all(isinstance(n, int) and not isinstance(n, bool) for n in moduli):
            raise SymbootInputError(f'"{kind}" needs {"a positive integer" if kind == "cyclic" else "a list of positive integers"}, got {_thaw(value)!r}')
        if any(n < 1 for n in moduli):
            raise SymbootInputError(f"cyclic factors must be positive integers, got {list(moduli)}")
        moduli = tuple(n for n in moduli if n > 1) or (1,)
        lab = charge_labelling(moduli)
        names = tuple(",".join(map(str, q)) for q in lab.charges)
        return KnownSubgroup(lab.group, tuple(lab.irreducible), names, spec)
    if kind == "id":
        if not (isinstance(value, tuple) and len(value) == 2
                and all(isinstance(n, int) and not isinstance(n, bool) for n in value)):
            raise SymbootInputError(f'"id" needs a SmallGroups id [order, i] of two integers, got {_thaw(value)!r}')
        G = store.load(list(value))
    elif kind == "name":
        if not isinstance(value, str):
            raise SymbootInputError(f'"name" needs a group name like "S3", got {value!r}')
        G = store.load(value)
    else:
        raise SymbootInputError(f'unknown subgroup form "{kind}" (use cyclic, abelian, id or name)')
    return KnownSubgroup(G, tuple(range(G.nclasses)), tuple(f"χ{i + 1}" for i in range(G.nclasses)), spec)
