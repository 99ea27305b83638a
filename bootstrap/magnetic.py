"""Magnetic groups: which half of a group the data name is unitary (SPEC §6, paper example IV).

Sector spectra cannot tell a unitary pairing of N's sectors from an anti-unitary one: both
make the spectra coincide. What the integer data (census rows, the plateau, the ramp counted
in GUE units) name is then the group M of *all* symmetries, as if each were unitary. An
anti-unitary symmetry a makes M = G ∪ aG magnetic, with a unitary half G ⊃ N of index 2, the
kernel of a sign character ε of M trivial on N. Each irreducible λ of M then belongs to one
block of G's corepresentation theory, of Wigner type

* ``"a"``: λ ≠ λ ⊗ ε — λ and λ ⊗ ε restrict to one irreducible ρ of G that a maps to itself:
  one GOE block (the data count it twice, as GOE's ramp is twice GUE's);
* ``"c"``: λ = λ ⊗ ε — λ restricts to ρ + ρ^a with ρ^a ≠ ρ, glued by a into one GUE block
  spread over the sectors of both;

and with no anti-unitary at all every block is GUE, one per irreducible. An anti-unitary
that maps each of M's own sector orbits to itself is the third reading
(:func:`automorphism_reading`): M is then unitary, and not magnetic in the data. Type b (GSE, Kramers doubling) changes the census itself and is read before this
(:func:`bootstrap.data.kramers_halved`). :func:`magnetic_readings` lists these readings of
one named group; :mod:`symboot.antiunitary` keeps those the sectors' classes allow.

Examples
--------
S3 x S3 over N = C3 x C3 (the quantum torus chain's data at θ = π/6) has three sign
characters trivial on N, with kernels (C3 x C3) : C2 [18,4] and twice C3 x S3 [18,3]; the
4-dim irreducible is of type c in each:

>>> import groupdb
>>> from groupdb.characters import branching
>>> M, N = groupdb.load((36, 10)), groupdb.load((9, 2))
>>> sub = M.subgroups_isomorphic_to(N.id)[0]
>>> rs = magnetic_readings(M, branching(M, sub, N))
>>> [(r.kind, r.unitary.id if r.unitary else None, "".join(t or "-" for t in r.types)) for r in rs]
[('none', None, '---------'), ('coset', (18, 4), 'aaaaaaaac'), ('coset', (18, 3), 'aaaaccaac'), ('coset', (18, 3), 'aaaaaaccc')]
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import numpy as np

from groupdb.characters import tensor_coefficients
from groupdb.group import Group, SubgroupClass

@dataclass(frozen=True)
class MagneticReading:
    """One reading of a group M named from the data: its unitary half and the blocks.

    Attributes
    ----------
    group : M, every symmetry counted as unitary.
    kind : ``"none"`` (no anti-unitary: G = M, every block GUE), ``"automorphism"`` (an
        anti-unitary mapping each of G = M's sector orbits to itself, :func:`automorphism_reading`) or ``"coset"`` (the
        anti-unitaries are the coset M - G, G the kernel of ``sign``).
    sign : row of M's sign character ε whose kernel is the unitary half; ``None``: no
        anti-unitary, G = M.
    unitary : the subgroup class of M that is G (``None`` with ``sign=None``, or where
        groupdb does not store it: then only its order |M|/2 is known).
    types : per irreducible of M, its Wigner type ``"a"``/``"c"`` (``None`` without an anti-unitary).
    blocks : the independent spectral blocks: tuples of M's irreducibles (``(λ, λ⊗ε)`` or
        ``(λ,)``) with the class of each, GOE or GUE.
    """

    group: Group
    kind: str
    sign: int | None
    unitary: SubgroupClass | None
    types: tuple
    blocks: tuple[tuple[tuple[int, ...], str], ...]
    glue: tuple[tuple[int, int], ...] = ()  # pairs that may be glued instead (:func:`automorphism_reading`)

    @property
    def unitary_order(self) -> int:
        return self.group.order // 2 if self.kind == "coset" else self.group.order


def sign_characters(G: Group, M: np.ndarray) -> list[int]:
    """Rows of G's non-trivial characters of order 2 that are trivial on N (branching ``M``,
    rows G's irreducibles in table order): the kernels are the index-2 subgroups ⊇ N."""
    F = tensor_coefficients(G)
    return [i for i, d in enumerate(G.degrees)
            if i and d == 1 and F[i, i, 0] == 1 and np.array_equal(M[i], M[0])]


def kernel(G: Group, sign: int) -> SubgroupClass | None:
    """The stored subgroup class that is the kernel of the linear character ``sign``."""
    chi = G.table
    ones = {c for c in range(G.nclasses) if chi.value(sign, c) == chi.value(0, c)}
    return next((s for s in G.subgroups if s.order * 2 == G.order and s.normal and set(s.class_fusion) == ones),
                None)


def magnetic_readings(G: Group, M: np.ndarray) -> list[MagneticReading]:
    """Every reading of G (branching ``M`` over N) as a magnetic group: no anti-unitary, then
    one per sign character trivial on N (:func:`sign_characters`), in row order."""
    k = len(G.degrees)
    out = [MagneticReading(G, "none", None, None, (None,) * k, tuple(((i,), "GUE") for i in range(k)))]
    F = tensor_coefficients(G)
    for s in sign_characters(G, M):
        partner = [int(np.flatnonzero(F[i, s])[0]) for i in range(k)]  # λ ⊗ ε, irreducible as ε is linear
        types = tuple("c" if partner[i] == i else "a" for i in range(k))
        blocks = tuple(((i,), "GUE") if partner[i] == i else ((i, partner[i]), "GOE")
                       for i in range(k) if partner[i] >= i)
        out.append(MagneticReading(G, "coset", s, kernel(G, s), types, blocks))
    return out


def dimmock_indicators(M: Group, sub: SubgroupClass, G: Group) -> tuple[int, ...]:
    """Per irreducible ρ of G (``G`` the canonical group of the index-2 class ``sub`` of ``M``),
    Wigner's type of ρ when the coset ``M - G`` is anti-unitary: the Dimmock indicator
    ``D(ρ) = (1/|G|) Σ_{b ∈ M - G} χ_ρ(b²)``, 1 (type a, one GOE block), -1 (type b, GSE with
    Kramers doubling) or 0 (type c, ρ glued with its conjugate into one GUE block).

    Read from tables alone: with ``ψ = Ind ρ``, ``ν_M(ψ) = ν_G(ρ) + D(ρ)`` (the sum over ``M`` of
    ``ψ(m²)`` splits over G and the coset, each twice ρ's), and ``Ind ρ = Σ_λ m_λρ λ`` by
    Frobenius reciprocity with the branching of M over G.

    Examples
    --------
    Over C4 ⊃ C2 the coset squares to the generator of C2: its sign character is type b;
    over C2 × C2 ⊃ C2 it squares to 1, both characters type a.

    >>> import groupdb
    >>> C2 = groupdb.load((2, 1))
    >>> [dimmock_indicators(groupdb.load(m), groupdb.load(m).subgroups_isomorphic_to((2, 1))[0], C2)
    ...  for m in [(4, 1), (4, 2)]]
    [(1, -1), (1, 1)]
    """
    from groupdb.characters import branching

    if 2 * sub.order != M.order or tuple(sub.id) != G.id:
        raise ValueError(f"{sub.id} is not an index-2 subgroup class of {M.id} given as {G.id}")
    B = np.asarray(branching(M, sub, G), dtype=np.int64)
    return tuple(int(x) for x in B.T @ np.asarray(M.indicators, dtype=np.int64) - np.asarray(G.indicators))


def antiunitary_action(M: Group, sub: SubgroupClass, G: Group) -> tuple[int, ...]:
    """How an anti-unitary a of the coset ``M - G`` acts on Irr(G) (``G`` the canonical group of
    the index-2 class ``sub``): ρ ↦ conj(ρ^a), ρ^a(g) = ρ(a⁻¹ g a) — the irreducible T maps a
    ρ-block onto. ρ^a is read from the branching of M over G (``Res_G Ind ρ = ρ + ρ^a``: the
    other constituent of a row reaching ρ, or ρ itself where Ind ρ splits), conj from G's
    tensor coefficients (the dual). Fixed points are Wigner's types a and b, the 2-cycles type c
    (:func:`dimmock_indicators` is then 0).

    >>> import groupdb
    >>> M, G = groupdb.load((6, 1)), groupdb.load((3, 1))   # S3 over C3: a inverts, conj inverts back
    >>> antiunitary_action(M, M.subgroups_isomorphic_to(G.id)[0], G)
    (0, 1, 2)
    """
    from bootstrap.character_table import duals
    from groupdb.characters import branching

    B = np.asarray(branching(M, sub, G))
    dual = duals(tensor_coefficients(G))
    out = []
    for rho in range(len(G.degrees)):
        lam = int(np.flatnonzero(B[:, rho])[0])
        other = [int(x) for x in np.flatnonzero(B[lam]) if x != rho]
        out.append(int(dual[other[0] if other else rho]))
    return tuple(out)


def magnetic_extensions(G: Group, allowed) -> list[tuple[tuple[int, int], tuple[int, ...], tuple[int, ...]]]:
    """Every magnetic group M = G ∪ aG that groupdb stores (|M| = 2|G| within its orders): each
    group of order 2|G| with an index-2 subgroup class isomorphic to G whose Dimmock indicators
    (:func:`dimmock_indicators`) fit ``allowed`` (per irreducible of G, the set of D values the
    data allow). Returns ``[(M's id, D, action), ...]`` (action: :func:`antiunitary_action`), one
    per group and distinct D; ``[]`` where
    groupdb stores no group of that order (say so: the magnetic group is then not named).

    Which of G's irreducibles is which inside M is fixed only up to an automorphism of G, so
    ``allowed`` is compared degree by degree as multisets: every irreducible with ``D`` ∉
    ``allowed`` of its own must be matched by another of its degree that allows it (never
    fewer groups than the data admit).
    """
    from groupdb.store import ids_of_order, load, max_order

    if 2 * G.order > max_order():
        return []
    want = _by_degree(G.degrees, allowed)
    out = []
    for mid in ids_of_order(2 * G.order):
        M = load(mid)
        seen = set()
        for sub in M.subgroups_isomorphic_to(G.id):
            if not sub.normal:
                continue
            D = dimmock_indicators(M, sub, G)
            if D not in seen and _fits(_by_degree(G.degrees, [{d} for d in D]), want):
                seen.add(D)
                out.append((mid, D, antiunitary_action(M, sub, G)))
    return out


def _by_degree(degrees, sets) -> dict:
    out = {}
    for d, a in zip(degrees, sets):
        out.setdefault(d, []).append(frozenset(a))
    return out


def _fits(have: dict, want: dict) -> bool:
    """Each degree's singletons ``have`` can be matched one-to-one to ``want``'s sets holding
    them (bipartite matching by augmenting paths)."""
    for d, hs in have.items():
        ws = want[d]
        match = [-1] * len(ws)  # want set -> the have entry assigned to it

        def augment(i, seen):
            for j, w in enumerate(ws):
                if j not in seen and hs[i] <= w:
                    seen.add(j)
                    if match[j] < 0 or augment(match[j], seen):
                        match[j] = i
                        return True
            return False

        if not all(augment(i, set()) for i in range(len(hs))):
            return False
    return True


def glued_halves(reading: MagneticReading, M: np.ndarray, known) -> list[tuple[tuple[int, ...], ...] | None]:
    """Per GUE block of a coset reading (type c: λ = λ ⊗ ε, ``Res_G λ = ρ + ρ^a``), the two
    unitary halves — the sectors (columns of the data's branching ``M`` of the named group, in
    the order of ``known``, :class:`bootstrap.known.KnownSubgroup`) that ρ and ρ^a each reach —
    which the anti-unitary coset maps onto each other (each sector of one half onto each of the
    other, by some anti-unitary element); ``None`` where groupdb's tables do not fix them (G or
    N's class in G not stored, ρ and ρ^a reaching the same sectors, or readings that give the
    data's columns but disagree).

    Read as ``Res_N = Res_N ∘ Res_G``: for every stored class of N in G and every automorphism α
    of N (the data's N is groupdb's up to one), ``B C`` (B the named group's branching over G, C
    G's over N, columns relabelled by α) must be ``M``; every such reading must put ρ and ρ^a on
    the same two sets of sectors.

    Examples
    --------
    S3 x S3 over C3 x C3 read with unitary half (C3 x C3) : C2 [18,4]: the 4-dim irreducible's
    block over the four sectors (±1, ±1) splits into the two orbits of C's inversion, μ and -μ.

    >>> import groupdb
    >>> from bootstrap.known import known_subgroup
    >>> from groupdb.characters import branching
    >>> Mg, K = groupdb.load((36, 10)), known_subgroup({"abelian": [3, 3]})
    >>> Br = branching(Mg, Mg.subgroups_isomorphic_to((9, 2))[0], K.group)[:, list(K.labels)]
    >>> r = next(r for r in magnetic_readings(Mg, Br) if r.unitary is not None and r.unitary.id == (18, 4))
    >>> [[K.sector_names[mu] for mu in h] for h in glued_halves(r, Br, K)[0]]
    [['1,1', '2,2'], ['1,2', '2,1']]
    """
    glued = [b[0] for b in reading.blocks if b[1] == "GUE"]
    if reading.kind != "coset" or reading.unitary is None:
        return [None] * len(glued)
    from groupdb.characters import branching
    from groupdb.query import automorphism_action
    from groupdb.store import load

    G, N = load(reading.unitary.id), known.group
    B = np.asarray(branching(reading.group, reading.unitary, G))
    M = np.asarray(M)
    autos = _closure(automorphism_action(N), N.nclasses)
    found = [set() for _ in glued]
    for sub in (autos and G.subgroups_isomorphic_to(N.id)) or []:
        C = np.asarray(branching(G, sub, N))
        BC = B @ C
        for alpha in autos:
            cols = [alpha[known.labels[u]] for u in range(M.shape[1])]  # data sector u: canonical irreducible
            if not np.array_equal(BC[:, cols], M):
                continue
            for k, irreps in enumerate(glued):
                rhos = np.flatnonzero(B[irreps[0]])
                found[k].add(frozenset(tuple(u for u in range(M.shape[1]) if C[r, cols[u]] > 0) for r in rhos))
    out = []
    for f in found:
        halves = f.pop() if len(f) == 1 else None
        out.append(tuple(sorted(halves)) if halves is not None and len(halves) == 2 else None)
    return out


#: the most automorphisms of N :func:`glued_halves` walks (each against every class of N in G;
#: C2^3's GL(3, 2) has 168, C2^4's GL(4, 2) 20160: past the limit the halves are not fixed)
AUT_LIMIT = 5040


@lru_cache(maxsize=64)
def _closure(gens, n: int) -> list[tuple[int, ...]]:
    """The permutation group the generators ``gens`` (on ``range(n)``) generate, or ``[]`` past
    ``AUT_LIMIT`` elements."""
    ident = tuple(range(n))
    seen, frontier = {ident}, [ident]
    while frontier:
        nxt = []
        for p in frontier:
            for g in gens:
                q = tuple(g[i] for i in p)
                if q not in seen:
                    seen.add(q)
                    nxt.append(q)
                    if len(seen) > AUT_LIMIT:
                        return []
        frontier = nxt
    return sorted(seen)


def automorphism_reading(G: Group, M: np.ndarray) -> MagneticReading:
    """The reading of G with an anti-unitary a that maps every one of G's sector orbits to
    itself: a G a⁻¹ = G, acting on Irr(G) as ρ ↦ conj(ρ ∘ α) for some automorphism α (α = 1:
    a commutes with G). Which α is not read from the data, so each irreducible ρ is of type
    a (one GOE block) or, where another irreducible of its degree has ρ's restriction to N,
    possibly glued with it into one GUE block (type c; ``types`` says ``"a|c"``;
    ``glue`` lists the pairs). Type b (Kramers doubling) is read before this.

    Only a census or a plateau can carry this reading: a doubles every type-a block's ramp,
    which the data's ramp (counted with G's rows) would show."""
    k = len(G.degrees)
    glue = tuple((i, j) for i in range(k) for j in range(i + 1, k)
                 if G.degrees[i] == G.degrees[j] and np.array_equal(M[i], M[j]))
    glued = {i for p in glue for i in p}
    types = tuple("a|c" if i in glued else "a" for i in range(k))
    return MagneticReading(G, "automorphism", None, None, types, tuple(((i,), "GOE") for i in range(k)), glue)


def block_sectors(irreducibles, M: np.ndarray) -> list[int]:
    """The sectors (columns of the branching ``M``) a block of these irreducibles spans."""
    return [mu for mu in range(M.shape[1]) if any(M[i, mu] > 0 for i in irreducibles)]


def block_options(reading: MagneticReading, M: np.ndarray, mu: int) -> list[list[tuple[tuple[int, ...], str]]]:
    """The block configurations the reading allows in sector ``mu`` (column of ``M``): one,
    or with ``glue`` every way of gluing pairs of the irreducibles present."""
    present = [b for b in reading.blocks if mu in block_sectors(b[0], M)]
    pairs = [p for p in reading.glue if M[p[0], mu] > 0]
    out = [present]
    for r in range(1, min(len(pairs), 3) + 1):  # a sector holds few glueable pairs; 3 bounds the work
        for chosen in combinations(pairs, r):
            used = [i for p in chosen for i in p]
            if len(set(used)) == len(used):
                out.append([b for b in present if b[0][0] not in used] + [(p, "GUE") for p in chosen])
    return out
