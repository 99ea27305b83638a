"""Exact character theory on groupdb's tables: restriction, induction, inner products,
tensor decomposition, indicators — and the certificate that a stored table is right.

Every quantity here is an algebraic integer identity in Z[ζ_e], decided by reduction
modulo a split prime p > MODULAR_BOUND (groupdb.cyclotomic explains why that is exact).
Quantities the theory guarantees to be rational integers (multiplicities, indicators)
need one embedding; :func:`certify` uses every Galois embedding, which proves the
identities without assuming anything about the stored table.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from groupdb.cyclotomic import centered, matmul_mod, unit_exponents
from groupdb.group import Group, SubgroupClass


@lru_cache(maxsize=4096)
def _modular(group: Group, p: int, w: int) -> np.ndarray:
    return group.table.modular(p, w)


def _embedding(G: Group, H: Group | None = None, galois: int = 1) -> tuple[int, int, int]:
    """(p, w_G, w_H): compatible images of ζ_{e_G} and ζ_{e_H} = ζ_{e_G}^{e_G/e_H}."""
    p, w = G.modular_prime
    w = pow(w, galois, p)
    wH = pow(w, G.exponent // H.exponent, p) if H is not None else w
    return p, w, wH


def branching(G: Group, sub: SubgroupClass, H: Group) -> np.ndarray:
    """Branching matrix M (k_G × k_H): Res^G_H χ_λ = Σ_μ M[λ, μ] ψ_μ, exact integers.

    Parameters
    ----------
    G : Group
    sub : SubgroupClass
        One of ``G.subgroups``.
    H : Group
        The canonical group ``groupdb.load(sub.id)`` whose irreducibles index the columns.

    Examples
    --------
    >>> import groupdb
    >>> G, H = groupdb.load("S3"), groupdb.load("C3")
    >>> branching(G, G.subgroups_isomorphic_to(H.id)[0], H).tolist()
    [[1, 0, 0], [1, 0, 0], [0, 1, 1]]
    """
    if tuple(sub.id) != H.id:
        raise ValueError(f"subgroup class is {sub.id}, table given for {H.id}")
    return branching_batch(G, H, np.array([sub.class_fusion]))[0]


def branching_batch(G: Group, H: Group, fusions: np.ndarray) -> np.ndarray:
    """Branching matrices (s × k_G × k_H) for s class fusions of the same subgroup type H."""
    p, w, wH = _embedding(G, H)
    restricted = _modular(G, p, w)[:, fusions]  # k_G × s × k_H
    weighted_conj = _modular(H, p, pow(wH, -1, p)) * np.array(H.class_sizes, dtype=np.int64) % p
    kG, s, kH = restricted.shape
    sums = matmul_mod(restricted.reshape(kG * s, kH), weighted_conj.T, p).reshape(kG, s, kH)
    return centered(sums * pow(H.order, -1, p) % p, p).transpose(1, 0, 2)


def induced(G: Group, sub: SubgroupClass, H: Group) -> np.ndarray:
    """Decomposition of Ind_H^G ψ_μ into G's irreducibles (k_H × k_G), by Frobenius reciprocity."""
    return branching(G, sub, H).T


def restricted_characters(G: Group, sub: SubgroupClass) -> list[list]:
    """The irreducibles of G restricted to H, as stored values on H's canonical classes."""
    return [[row[c] for c in sub.class_fusion] for row in G.table.values]


def inner_products(G: Group, galois: int = 1) -> np.ndarray:
    """Σ_c h_c χ_i(c) conj χ_j(c) mod p for all i, j (the Gram matrix times |G|)."""
    p, w, _ = _embedding(G, galois=galois)
    A = _modular(G, p, w)
    conj = _modular(G, p, pow(w, -1, p)) * np.array(G.class_sizes, dtype=np.int64) % p
    return matmul_mod(A, conj.T, p)


def tensor_coefficients(G: Group) -> np.ndarray:
    """c[μ, ν, ρ] = multiplicity of χ_ρ in χ_μ ⊗ χ_ν (the fusion coefficients of G)."""
    p, w, _ = _embedding(G)
    k = G.nclasses
    A = _modular(G, p, w)
    conj = _modular(G, p, pow(w, -1, p)) * np.array(G.class_sizes, dtype=np.int64) % p
    products = (A[:, None, :] * A[None, :, :] % p).reshape(k * k, k)
    sums = matmul_mod(products, conj.T, p)
    return centered(sums * pow(G.order, -1, p) % p, p).reshape(k, k, k)


def indicators(G: Group) -> np.ndarray:
    """Frobenius–Schur indicators ν_i = (1/|G|) Σ_c h_c χ_i(c²), from the power map."""
    p, w, _ = _embedding(G)
    A = _modular(G, p, w)
    squares = A[:, list(G.power_maps[2])]
    s = matmul_mod(squares, np.array(G.class_sizes, dtype=np.int64)[:, None] % p, p)[:, 0]
    return centered(s * pow(G.order, -1, p) % p, p)


def certify(G: Group) -> list[str]:
    """Check the stored table exactly; returns the violated properties (empty: certified).

    Row and column orthogonality in every Galois embedding (exact, see module docstring),
    Σ d² = |G|, class sizes sum to |G| and divide it, the identity column holds the degrees,
    the trivial character first, and the stored Frobenius–Schur indicators.
    """
    problems = []
    n, k = G.order, G.nclasses
    sizes = np.array(G.class_sizes, dtype=np.int64)
    if len(G.table) != k:
        return [f"{k} classes but {len(G.table)} irreducibles"]
    if sum(G.class_sizes) != n or any(n % h for h in G.class_sizes):
        problems.append("class sizes do not sum to |G| or do not divide it")
    if G.class_sizes[0] != 1 or G.element_orders[0] != 1:
        problems.append("the first class is not the identity")
    if sum(d * d for d in G.degrees) != n:
        problems.append("sum of squared degrees differs from |G|")
    if any(v != 1 for v in G.table.values[0]):
        problems.append("the first irreducible is not the trivial character")
    p, w0 = G.modular_prime
    C = G.table.coefficients()
    expected_rows = n * np.eye(k, dtype=np.int64) % p
    centralizers = np.diag(n // sizes) % p
    for a in unit_exponents(G.exponent):
        w = pow(w0, a, p)
        A = G.table.modular(p, w, C)
        conj = G.table.modular(p, pow(w, -1, p), C)
        if not np.array_equal(matmul_mod(A, (conj * sizes % p).T, p), expected_rows):
            problems.append(f"row orthogonality fails (embedding ζ ↦ ζ^{a})")
            break
        if not np.array_equal(matmul_mod(A.T, conj, p), centralizers):
            problems.append(f"column orthogonality fails (embedding ζ ↦ ζ^{a})")
            break
    if not problems and tuple(indicators(G).tolist()) != tuple(G.indicators):
        problems.append("stored Frobenius–Schur indicators differ from (1/|G|) Σ χ(g²)")
    return problems


def certify_subgroups(G: Group, load) -> dict[int, list[str]]:
    """Check every stored class fusion of G; returns {position: problems} for the failing ones.

    For each subgroup class: identity into identity, element orders kept, no G-class
    overfilled, and every restricted irreducible a non-negative integer combination of the
    subgroup's irreducibles (Σ_μ M ψ_μ = Res χ checked in every Galois embedding, exact)
    whose degrees add up. `load` maps a SmallGroups id to its Group. Classes of the same
    isomorphism type are checked together (one array operation per type).
    """
    failures: dict[int, list[str]] = {}
    p, w0 = G.modular_prime
    CG = G.table.coefficients()
    exps = unit_exponents(G.exponent)
    G_images = [G.table.modular(p, pow(w0, a, p), CG) for a in exps]
    orders_G, sizes_G = np.array(G.element_orders), np.array(G.class_sizes)
    degrees_G = np.array(G.degrees)
    by_type: dict[tuple[int, int], list[SubgroupClass]] = {}
    for sub in G.subgroups:
        by_type.setdefault(sub.id, []).append(sub)

    def fail(sub, text):
        failures.setdefault(sub.position, []).append(text)

    for sid, subs in by_type.items():
        H = load(sid)
        good = [s for s in subs if len(s.class_fusion) == H.nclasses]
        for s in subs:
            if len(s.class_fusion) != H.nclasses:
                fail(s, f"fusion has {len(s.class_fusion)} entries for {H.nclasses} classes")
        if not good:
            continue
        F = np.array([s.class_fusion for s in good])  # s × k_H
        filled = np.zeros((len(good), G.nclasses))
        np.add.at(filled, (np.arange(len(good))[:, None], F), np.array(H.class_sizes)[None, :])
        M = branching_batch(G, H, F)  # s × k_G × k_H
        flags = {
            "identity does not fuse into the identity class": F[:, 0] != 0,
            "fusion changes element orders": (orders_G[F] != np.array(H.element_orders)).any(axis=1),
            "more elements fuse into a class than it has": (filled > sizes_G).any(axis=1),
            "a restriction has a negative multiplicity": (M < 0).any(axis=(1, 2)),
            "restricted degrees do not add up": (M @ np.array(H.degrees) != degrees_G).any(axis=1),
        }
        CH = H.table.coefficients()
        step = G.exponent // H.exponent
        Mp = M % p
        exact = np.zeros(len(good), dtype=bool)
        for a, A_G in zip(exps, G_images):
            A_H = H.table.modular(p, pow(w0, a * step, p), CH)
            lhs = matmul_mod(Mp.reshape(-1, H.nclasses), A_H, p).reshape(M.shape)
            exact |= (lhs != A_G[:, F].transpose(1, 0, 2)).any(axis=(1, 2))
        flags["restrictions are not integer combinations of the subgroup's irreducibles"] = exact
        for text, bad in flags.items():
            for j in np.flatnonzero(bad):
                fail(good[j], text)
    return failures
