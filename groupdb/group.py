"""The records groupdb hands out: Group, CharacterTable, SubgroupClass.

Conventions (fixed by the GAP export, groupdb/build/export.g):
classes in the order of GAP's CharacterTable(SmallGroup(n, i)), the identity first;
irreducibles in GAP's order with the trivial character first; indices are 0-based;
a character value is stored as an int or as [[k, c], ...] meaning Σ c ζ_e^k,
e = exponent of the group (so every subgroup's values live in the same Q(ζ_e)).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from groupdb.cyclotomic import Cyclotomic, primitive_root_of_unity, split_prime

#: every exact identity groupdb certifies has all complex conjugates below this bound
#: (|G|² for |G| ≤ 200 with room to spare), so a split prime above it decides it exactly.
MODULAR_BOUND = 2**17


@dataclass(frozen=True)
class SubgroupClass:
    """A conjugacy class of subgroups H ≤ G.

    `class_fusion[c]` is the class of G containing the image of class c of the canonical table of
    SmallGroup(id) under an isomorphism SmallGroup(id) → H chosen by GAP.
    """

    position: int
    id: tuple[int, int]
    length: int  # number of conjugates
    normal: bool
    class_fusion: tuple[int, ...]  # not the fusion ring: the map of H's classes into G's

    @property
    def order(self) -> int:
        return self.id[0]


@dataclass(frozen=True)
class CharacterTable:
    """Exact character table: rows irreducibles, columns classes."""

    exponent: int
    class_sizes: tuple[int, ...]
    values: tuple[tuple, ...]  # stored form, see module docstring

    @property
    def degrees(self) -> tuple[int, ...]:
        return tuple(int(row[0]) for row in self.values)

    def __len__(self) -> int:
        return len(self.values)

    def value(self, i: int, c: int) -> Cyclotomic:
        """χ_i on class c, exactly."""
        return Cyclotomic.from_pairs(self.values[i][c], self.exponent)

    def exact(self) -> list[list[Cyclotomic]]:
        return [[self.value(i, c) for c in range(len(self.class_sizes))] for i in range(len(self))]

    def complex(self) -> np.ndarray:
        """Floating-point copy (for display and numerics only)."""
        e = self.exponent
        z = np.exp(2j * np.pi * np.arange(e) / e)

        def one(v):
            return complex(v) if isinstance(v, int) else complex(sum(c * z[k] for k, c in v))

        return np.array([[one(v) for v in row] for row in self.values], dtype=complex)

    def coefficients(self) -> np.ndarray:
        """Dense integer array C[i, c, k]: χ_i(c) = Σ_k C[i, c, k] ζ_e^k (the stored form)."""
        k, e = len(self.values), self.exponent
        out = np.zeros((k, k, e), dtype=np.int64)
        for i, row in enumerate(self.values):
            for c, v in enumerate(row):
                if isinstance(v, int):
                    out[i, c, 0] = v
                else:
                    for j, coeff in v:
                        out[i, c, j] += coeff
        return out

    def modular(self, p: int, w: int, coefficients: np.ndarray | None = None) -> np.ndarray:
        """Images of all values under ζ_e ↦ w in F_p (p ≡ 1 mod e, w of order e).

        Pass `coefficients` (from :meth:`coefficients`) when reducing under many embeddings.
        """
        C = self.coefficients() if coefficients is None else coefficients
        powers = np.array([pow(w, j, p) for j in range(self.exponent)], dtype=np.int64)
        return (C % p) @ powers % p


@dataclass(frozen=True, eq=False)  # identity hash: records are cached singletons
class Group:
    """One group of the database with its exact character theory.

    Examples
    --------
    >>> import groupdb
    >>> G = groupdb.load("S3")
    >>> G.id, G.order, G.table.degrees
    ((6, 1), 6, (1, 1, 2))
    """

    id: tuple[int, int]
    name: str
    exponent: int
    abelian: bool
    nilpotent: bool
    solvable: bool
    class_sizes: tuple[int, ...]
    element_orders: tuple[int, ...]
    power_maps: dict[int, tuple[int, ...]]
    table: CharacterTable
    indicators: tuple[int, ...]
    multiplier: tuple[int, ...]  # abelian invariants of the Schur multiplier
    aut_class_generators: tuple[tuple[int, ...], ...]  # Aut(G) generators acting on classes
    aut_size: int  # order of Aut(G)'s image on the classes
    subgroups: tuple[SubgroupClass, ...] = field(repr=False)

    @property
    def order(self) -> int:
        return self.id[0]

    @property
    def degrees(self) -> tuple[int, ...]:
        return self.table.degrees

    @property
    def nclasses(self) -> int:
        return len(self.class_sizes)

    @cached_property
    def modular_prime(self) -> tuple[int, int]:
        """(p, w): a split prime for Q(ζ_e) above MODULAR_BOUND and an element of order e."""
        p = split_prime(self.exponent, MODULAR_BOUND)
        return p, primitive_root_of_unity(p, self.exponent)

    def subgroups_isomorphic_to(self, sub_id: tuple[int, int]) -> list[SubgroupClass]:
        return [s for s in self.subgroups if s.id == tuple(sub_id)]

    def contains_conjugate(self, sub_position: int, over_position: int) -> bool | None:
        """Whether stored class `over_position` contains a conjugate of stored class
        `sub_position` (None where the database cannot decide it); see
        :func:`groupdb.lattice.contains_conjugate`, its one home.

        Examples
        --------
        >>> import groupdb
        >>> G = groupdb.load("S4")   # a transposition (class 2) lies in S3 (class 7), not in A4
        >>> [G.subgroups[q].id for q in (7, 9)], G.contains_conjugate(2, 7), G.contains_conjugate(2, 9)
        ([(6, 1), (12, 3)], True, False)
        """
        from groupdb.lattice import contains_conjugate  # lattice imports this module

        return contains_conjugate(self, sub_position, over_position)

    def __str__(self) -> str:
        return f"{self.name} [{self.id[0]},{self.id[1]}]"

    @classmethod
    def from_record(cls, rec: dict) -> "Group":
        """Build from the packed JSON record (see groupdb/build/pack.py)."""
        sizes = tuple(rec["class_sizes"])
        return cls(
            id=tuple(rec["id"]),
            name=rec["name"],
            exponent=rec["exponent"],
            abelian=rec["abelian"],
            nilpotent=rec["nilpotent"],
            solvable=rec["solvable"],
            class_sizes=sizes,
            element_orders=tuple(rec["element_orders"]),
            power_maps={int(p): tuple(m) for p, m in rec["power_maps"].items()},
            table=CharacterTable(rec["exponent"], sizes, tuple(tuple(r) for r in rec["irr"])),
            indicators=tuple(rec["indicators"]),
            multiplier=tuple(rec["multiplier"]),
            aut_class_generators=tuple(tuple(g) for g in rec["aut_gens"]),
            aut_size=rec["aut_size"],
            subgroups=tuple(
                SubgroupClass(j, tuple(s["id"]), s["length"], s["normal"], tuple(s["fusion"]))
                for j, s in enumerate(rec["subgroups"])
            ),
        )
