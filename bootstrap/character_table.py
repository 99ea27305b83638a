"""From a fusion ring to its exact character table (SPEC §3 'character table').

The fusion matrices (L_λ)_{λ'λ''} = N_{λλ'}^{λ''} commute; a joint eigenvector w with
w_0 = 1 is a column: L_λ w = χ_λ(c) w, w_λ = χ_λ(c). Three exact steps:

1. **formal codegrees**: the integer matrix C = Σ_λ L_λ L_λ* has eigenvalue
   f_c = Σ_λ |χ_λ(c)|² on column c. Its characteristic polynomial (exact, flint) must
   split into linear factors x − f with f | |G|; class sizes are h_c = |G|/f_c, summing
   to |G|. No floating point is involved.
2. **N's columns**: for every class κ of N, w = M Ψ_N[:, κ] must be a joint eigenvector,
   checked exactly in every Galois embedding modulo a split prime.
3. **values**: columns are found numerically, each value is refined to 60+ digits as a
   root of an irreducible factor of charpoly(L_λ) and recognised in Q(ζ_m), m | |G|, by
   LLL; then the whole table is VERIFIED exactly (L_λ w = χ_λ(c) w in every embedding
   ζ_m ↦ w^a mod p, which proves it as in groupdb.cyclotomic). The numerics only propose.

>>> import numpy as np
>>> F = np.zeros((2, 2, 2), dtype=np.int64); F[0] = np.eye(2); F[1] = [[0, 1], [1, 0]]
>>> t = character_table(F, 2)
>>> [[str(v) for v in row] for row in t.values], t.class_sizes
([['1', '1'], ['1', '-1']], [1, 1])
"""
from __future__ import annotations

import cmath
import math
from dataclasses import dataclass, field

import flint
import numpy as np

from bootstrap.constraints import CHARACTER_TABLE, Violation
from bootstrap.linear import group_ring_values, is_group_ring
from bootstrap.naming import IsomorphismUndecided, ring_isomorphism
from groupdb.characters import tensor_coefficients
from groupdb.cyclotomic import (
    Cyclotomic, euler_phi, matmul_mod, primitive_root_of_unity, split_prime, unit_exponents,
)
from groupdb.display import zeta_cells

MODULAR_BOUND = 2**20


@dataclass
class ExactTable:
    """An exact character table of a fusion ring: rows irreducibles, columns classes."""

    values: list[list[Cyclotomic]]
    class_sizes: list[int]
    conductor: int  # every value lies in Q(ζ_conductor)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        m = self.conductor
        return {
            "character_table": zeta_cells(self.values),
            "character_values": [[_pairs(v, m) for v in row] for row in self.values],
            "conductor": m,
            "class_sizes": list(self.class_sizes),
        }


def _pairs(v: Cyclotomic, m: int):
    x = v.lift(m) if m % v.m == 0 else v
    coeffs = [int(c) for c in x.poly.coeffs()]
    if len(coeffs) <= 1:
        return coeffs[0] if coeffs else 0
    return [[j, c] for j, c in enumerate(coeffs) if c]


def duals(F: np.ndarray) -> np.ndarray:
    return F[:, :, 0].argmax(axis=1)


def codegrees(F: np.ndarray, order: int) -> list[int] | Violation:
    """Formal codegrees f_c (with multiplicity), or the violated class-size condition."""
    k = len(F)
    star = duals(F)
    C = np.einsum("iab,ibc->ac", F, F[star]).astype(object)
    poly = flint.fmpz_mat([[int(x) for x in row] for row in C]).charpoly()
    _, factors = poly.factor()
    out = []
    for f, e in factors:
        if f.degree() != 1 or abs(int(f.coeffs()[1])) != 1:
            return Violation(CHARACTER_TABLE, f"a formal codegree Σ_λ|χ_λ(c)|² is a root of {f}, not an integer, so |G|/f_c is no class size")
        root = -int(f.coeffs()[0]) * int(f.coeffs()[1])
        if root <= 0 or order % root:
            return Violation(CHARACTER_TABLE, f"formal codegree {root} does not divide |G| = {order} (class size {order}/{root} not an integer)")
        out.extend([root] * e)
    if len(out) != k:  # pragma: no cover - charpoly has degree k
        return Violation(CHARACTER_TABLE, "codegree count mismatch")
    if sum(order // f for f in out) != order:
        return Violation(CHARACTER_TABLE, f"class sizes {sorted(order // f for f in out)} do not sum to |G| = {order}")
    return sorted(out, reverse=True)


def check_n_columns(known, M: np.ndarray, F: np.ndarray) -> Violation | None:
    """N's columns M·Ψ_N must be joint eigenvectors: L_λ w = w_λ w, exactly."""
    e = known.group.exponent
    p = split_prime(e, MODULAR_BOUND)
    w0 = primitive_root_of_unity(p, e)
    # One embedding ζ ↦ w0 suffices for exactness: the other embeddings ζ ↦ w0^a give the
    # columns of the classes g^a, which are checked too, so the identity holds modulo every
    # prime above p, hence modulo p, and its values are far below p.
    Psi = known.modular_table(p, w0)
    W = matmul_mod(M % p, Psi, p)  # k × classes(N)
    lhs = _fusion_times(F % p, W, p)
    rhs = W[:, None, :] * W[None, :, :] % p
    if not np.array_equal(lhs, rhs):
        bad = int(np.argwhere(lhs != rhs)[0][2])
        return Violation(CHARACTER_TABLE, f"the column of N's class {bad + 1} (M·Ψ_N) is not a column of the ring's character table")
    return None


def _fusion_times(Fm: np.ndarray, W: np.ndarray, p: int) -> np.ndarray:
    """(Σ_l F[i, j, l] W[l, c]) mod p as one exact matrix product (BLAS when it fits 2^53)."""
    k = Fm.shape[0]
    return matmul_mod(Fm.reshape(k * k, k), W, p).reshape(k, k, W.shape[1])


# ---------------------------------------------------------------------------
# exact values
# ---------------------------------------------------------------------------
def _numeric_columns(F: np.ndarray, seed: int = 1) -> np.ndarray:
    """W[λ, c] = χ_λ(c) numerically (columns normalised to W[0, c] = 1)."""
    k = len(F)
    rng = np.random.default_rng(seed)
    for _ in range(5):
        coef = rng.normal(size=k) + 1j * rng.normal(size=k)
        A = np.einsum("i,iab->ab", coef, F.astype(float))
        vals, vecs = np.linalg.eig(A)
        gaps = np.abs(vals[:, None] - vals[None, :]) + np.eye(k) * 1e9
        if gaps.min() > 1e-6:
            return vecs / vecs[0]
    raise ArithmeticError("no generic combination with distinct eigenvalues")


class _Recogniser:
    """Exact value of a numerically known eigenvalue of an integer matrix L_λ."""

    def __init__(self, F: np.ndarray, order: int):
        self.F = F
        self.order = order
        self.roots: dict[int, list] = {}
        self.cache: dict = {}

    def _roots(self, lam: int):
        if lam not in self.roots:
            mat = flint.fmpz_mat([[int(x) for x in row] for row in self.F[lam]])
            _, factors = mat.charpoly().factor()
            out = []
            old = flint.ctx.prec
            flint.ctx.prec = 128
            try:
                for f, _e in factors:
                    for z, _mult in f.complex_roots():
                        out.append((f, complex(float(z.real.mid()), float(z.imag.mid()))))
            finally:
                flint.ctx.prec = old
            self.roots[lam] = out
        return self.roots[lam]

    def value(self, lam: int, x: complex, degree: int) -> Cyclotomic:
        if degree == 1:  # a root of unity of order dividing |G|
            n = self.order
            k = round(cmath.phase(x) / (2 * math.pi) * n) % n
            return Cyclotomic.root_of_unity(n, k)
        if abs(x.imag) < 1e-9 and abs(x.real - round(x.real)) < 1e-9:
            cand = Cyclotomic.integer(int(round(x.real)))
            f, _ = min(self._roots(lam), key=lambda t: abs(t[1] - x))
            if f.degree() == 1:
                return cand
        f, _ = min(self._roots(lam), key=lambda t: abs(t[1] - x))
        if f.degree() == 1:
            c = f.coeffs()
            return Cyclotomic.integer(-int(c[0]) // int(c[1]))
        key = (str(f), round(x.real, 6), round(x.imag, 6))
        if key not in self.cache:
            self.cache[key] = _recognise_root(f, x, self.order)
        return self.cache[key]


def _recognise_root(f, x: complex, order: int) -> Cyclotomic:
    """The root of the irreducible integer polynomial f nearest x, as an element of Q(ζ_m)."""
    deg = f.degree()
    for m in (m for m in range(3, order + 1) if order % m == 0):
        phi = euler_phi(m)
        if phi % deg:
            continue
        prec = 64 + 24 * phi
        old = flint.ctx.prec
        flint.ctx.prec = prec
        try:
            roots = [z for z, _ in f.complex_roots()]
            z = min(roots, key=lambda r: abs(complex(float(r.real.mid()), float(r.imag.mid())) - x))
            scale = flint.arb(2) ** (prec - 32)
            twopi = 2 * flint.arb.pi()
            rows = []
            for j in range(phi):
                t = flint.acb(0, twopi * j / m).exp()
                rows.append([1 if a == j else 0 for a in range(phi + 1)]
                            + [int((t.real * scale).mid().floor().unique_fmpz()), int((t.imag * scale).mid().floor().unique_fmpz())])
            rows.append([1 if a == phi else 0 for a in range(phi + 1)]
                        + [int((-z.real * scale).mid().floor().unique_fmpz()), int((-z.imag * scale).mid().floor().unique_fmpz())])
            B = flint.fmpz_mat(rows).lll()
        finally:
            flint.ctx.prec = old
        for row in B.tolist():
            s = int(row[phi])
            if abs(s) != 1:
                continue
            coeffs = [s * int(c) for c in row[:phi]]
            cand = Cyclotomic(m, coeffs)
            if abs(complex(cand) - x) > 1e-6:
                continue
            val = Cyclotomic.integer(0)
            for c in reversed(f.coeffs()):
                val = val * cand + int(c)
            if val.is_zero():
                return cand
    raise ArithmeticError(f"could not recognise a root of {f} near {x} in Q(ζ_m), m | {order}")


def _coefficients(values: list[list[Cyclotomic]], m: int) -> np.ndarray:
    k, n = len(values), len(values[0])
    phi = euler_phi(m)
    C = np.zeros((k, n, phi), dtype=np.int64)
    for i, row in enumerate(values):
        for c, v in enumerate(row):
            x = v.lift(m)
            for j, co in enumerate(x.poly.coeffs()):
                if co.denominator != 1:
                    raise ArithmeticError("not an algebraic integer")
                C[i, c, j] = int(co.numerator)
    return C


def verify_table(F: np.ndarray, values: list[list[Cyclotomic]], m: int) -> bool:
    """Exactly: the columns are k distinct vectors w with L_λ w = w_λ w in every embedding ζ_m ↦ w^a mod p.

    The eigen-relation is checked in one embedding; every other embedding must give the same
    set of columns (the Galois group permutes them), so the relation holds modulo every prime
    above p, hence modulo p, and its values are far below p: it holds in Z[ζ_m].
    """
    C = _coefficients(values, m)
    p = split_prime(m, MODULAR_BOUND + int(np.abs(C).sum(axis=2).max(initial=1)) * len(F) ** 2)
    w0 = primitive_root_of_unity(p, m)

    def embedded(w):
        powers = np.array([pow(w, j, p) for j in range(C.shape[2])], dtype=np.int64)
        return (C % p) @ powers % p

    W = embedded(w0)
    columns = sorted(map(tuple, W.T.tolist()))
    if len(set(columns)) != len(F):  # k distinct joint eigenvectors are the whole table
        return False
    if any(sorted(map(tuple, embedded(pow(w0, a, p)).T.tolist())) != columns for a in unit_exponents(m)):
        return False
    lhs = _fusion_times(F % p, W, p)
    return np.array_equal(lhs, W[:, None, :] * W[None, :, :] % p)


def character_table(F: np.ndarray, order: int) -> ExactTable | Violation:
    """Exact character table of the commutative fusion ring F (F[0] the unit), or the
    violated character-table condition.

    Columns are ordered by decreasing codegree (the identity first); class sizes are
    h_c = |G| / Σ_λ |χ_λ(c)|², computed from the exact values.
    """
    cod = codegrees(F, order)
    if isinstance(cod, Violation):
        return cod
    k = len(F)
    if k == order and is_group_ring(F):
        # an abelian group's ring (every d = 1): the table in closed form, verified exactly
        got = group_ring_values(F)
        if got is not None and verify_table(F, got[0], got[1]):
            values, m = got
            m = math.lcm(*(v.m for row in values for v in row))
            return ExactTable(values, [1] * k, m)
    W = _numeric_columns(F)
    rec = _Recogniser(F, order)
    degrees = np.rint(np.abs(W).max(axis=1)).astype(int)
    values = [[rec.value(lam, complex(W[lam, c]), int(degrees[lam])) for c in range(k)] for lam in range(k)]
    m = math.lcm(*(v.m for row in values for v in row))
    if not verify_table(F, values, m):
        raise ArithmeticError("recognised character values failed the exact verification")
    # f_c = Σ_λ|χ_λ(c)|² is the eigenvalue of the integer Casimir matrix on the (now exactly
    # verified) column c, one of the exact integer roots in `cod`; distinct integers are ≥ 1
    # apart, so the numerical value picks it unambiguously.
    sizes = []
    roots = sorted(set(cod))
    for c in range(k):
        x = float(np.sum(np.abs(W[:, c]) ** 2))
        fc = min(roots, key=lambda f: abs(f - x))
        if abs(fc - x) > 0.25:
            raise ArithmeticError(f"column {c}: Σ|χ|² ≈ {x:.6f} is not one of the exact codegrees {roots}")
        sizes.append(order // fc)
    if sum(sizes) != order:
        return Violation(CHARACTER_TABLE, f"class sizes {sizes} do not sum to |G| = {order}")
    # identity column first, then by class size
    ident = [c for c in range(k) if all(values[lam][c] == int(round(abs(W[lam, c]))) and sizes[c] == 1 for lam in range(k))]
    first = ident[0] if ident else 0
    order_cols = [first] + sorted((c for c in range(k) if c != first), key=lambda c: (sizes[c], c))
    values = [[row[c] for c in order_cols] for row in values]
    sizes = [sizes[c] for c in order_cols]
    return ExactTable(values, sizes, m)


# ---------------------------------------------------------------------------
# Frobenius–Schur indicators of a candidate
# ---------------------------------------------------------------------------
#: nodes the isomorphism search may use when it has to decide which rows correspond (as
#: many as solve's merge of named groups into candidates); beyond it a sign stays open
ISOMORPHISM_NODES = 20000


def ring_indicators(F: np.ndarray, dims) -> list[int | None]:
    """What the fusion ring and the degrees fix of the Frobenius–Schur indicators: ``0`` for
    an irreducible that is not self-dual (N_{λλ}^1 = 0), ``1`` for a self-dual one of odd
    degree (a quaternionic representation has even degree; the trivial one is real), and
    ``None`` for a self-dual one of even degree: ``+1`` or ``-1``, which the ring cannot
    tell (D8 and Q8 share their ring; Q8's 2-dimensional irreducible is quaternionic).

    >>> F = np.zeros((2, 2, 2), dtype=np.int64); F[0] = np.eye(2); F[1] = [[0, 1], [1, 0]]
    >>> ring_indicators(F, [1, 1])
    [1, 1]
    """
    return [0 if F[i, i, 0] == 0 else 1 if int(dims[i]) % 2 else None for i in range(len(F))]


@dataclass
class Indicators:
    """Frobenius–Schur indicators of a candidate's irreducibles, in its row order.

    ``values[i]``: 1, -1 or 0 where what is known fixes it, ``None`` where not (a self-dual
    row whose sign the ring leaves open, or one on which the named groups disagree);
    ``by_group[j]``: the same for the candidate's j-th named group alone (``None`` where a
    symmetry of the data could exchange the row with one of the other sign)."""

    values: list[int | None]
    by_group: list[list[int | None]] = field(default_factory=list)

    @property
    def groups_differ(self) -> bool:
        """Whether the named groups' indicators are not the same list."""
        return any(g != self.by_group[0] for g in self.by_group)


def candidate_indicators(candidate) -> Indicators:
    """The Frobenius–Schur indicators of a candidate (:class:`bootstrap.engine.Candidate`).

    Without named groups: :func:`ring_indicators`. With them, each group's stored indicators
    (groupdb, from GAP), carried to the candidate's rows: directly where the candidate was
    built from that group (its rows are the group's irreducibles), else through an
    isomorphism of (branching, fusion ring). Such a correspondence is fixed only up to the
    symmetries of those data, so a row gets a group's indicator only where every
    correspondence gives the same one. Where the groups disagree the row is ``None``.
    """
    by_group = [_group_indicators(candidate, j) for j in range(len(candidate.groups))]
    if not by_group:
        return Indicators(ring_indicators(candidate.fusion, candidate.dims))
    first = by_group[0]
    return Indicators([x if all(b[i] == x for b in by_group) else None for i, x in enumerate(first)], by_group)


def _group_indicators(candidate, j: int) -> list[int | None]:
    m = candidate.groups[j]
    ind = [int(x) for x in m.group.indicators]
    M1, F1 = candidate.branching, candidate.fusion
    if j == 0 and candidate.found_by[:1] == ["named"] and np.array_equal(M1, m.branching):
        return ind  # the candidate is this group: its rows are the group's irreducibles, in order
    M2, F2 = m.branching, tensor_coefficients(m.group)
    try:
        pi = ring_isomorphism(M1, F1, M2, F2, ISOMORPHISM_NODES)
    except IsomorphismUndecided:  # pragma: no cover - the merge decided it within as many nodes
        pi = None
    if pi is None:  # pragma: no cover - the group was merged into this candidate by an isomorphism
        return ring_indicators(F1, candidate.dims)
    open_ = _sign_open(M2, F2, ind)
    out: list[int | None] = [None] * len(ind)
    for g, row in enumerate(pi):
        out[row] = None if g in open_ else ind[g]
    return out


def _sign_open(M: np.ndarray, F: np.ndarray, ind: list[int]) -> set[int]:
    """The group's irreducibles whose match with a candidate's row is fixed only up to a
    symmetry of (M, F) — a permutation of the irreducibles keeping both — that could trade
    it for one of the other sign: the data do not tell which of the two the row is. (Only
    self-dual irreducibles with equal restrictions to N can be traded for each other.)"""
    out: set[int] = set()
    for g in range(len(M)):
        for h in range(g + 1, len(M)):
            if ind[h] != ind[g] and np.array_equal(M[g], M[h]) and not {g, h} <= out and _exchangeable(M, F, g, h):
                out |= {g, h}
    return out


def _exchangeable(M: np.ndarray, F: np.ndarray, g: int, h: int) -> bool:
    """Whether a symmetry of (M, F) may take h to g: a marker column pins h to g in
    ring_isomorphism's search; undecided within ISOMORPHISM_NODES counts as may."""
    A = np.column_stack([M, np.arange(len(M)) == g]).astype(M.dtype)
    B = np.column_stack([M, np.arange(len(M)) == h]).astype(M.dtype)
    try:
        return ring_isomorphism(A, F, B, F, ISOMORPHISM_NODES) is not None
    except IsomorphismUndecided:
        return True
