"""SPEC §3's constraint families, by name, and the checks that need no solver.

Every failure the engine reports is a :class:`Violation` carrying one of the names in
:data:`FAMILIES`, so a z3 unsat core (one tracking literal per family) or a direct check
maps back to the words of the SPEC.

>>> from bootstrap.data import parse_data
>>> d = parse_data({"subgroup": {"cyclic": 3}, "ramp": [[2, 0, 0], [0, 1, 1], [0, 1, 1]]})
>>> reciprocity(d).indices
(2,)
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bootstrap.data import SpectralData
from groupdb.query import reciprocity_index, reciprocity_index_range

DATA = "data"
TRIVIAL = "trivial"
RECIPROCITY = "reciprocity"
DIVISIBILITY = "divisibility"
FUSION_RESTRICTION = "fusion restriction"
FUSION_AXIOMS = "fusion ring axioms"
CHARACTER_TABLE = "character table"
ORDER_BOUND = "order bound"

FAMILIES = {
    DATA: "MᵀM = R (ramp), Mᵀ diag(d) M = P (plateau), M's rows = the census",
    TRIVIAL: "G's trivial irreducible restricts to N's trivial one; no row of M is zero",
    RECIPROCITY: "Σ_λ m_λμ d_λ = [G:N] n_μ (R n = [G:N] n), hence Σ d_λ² = |G|",
    DIVISIBILITY: "d_λ divides |G|; the number of 1-dimensional irreducibles divides |G|",
    FUSION_RESTRICTION: "Res(λ⊗λ') = Res(λ)⊗Res(λ')",
    FUSION_AXIOMS: "unit, commutativity, duality, associativity of the fusion ring",
    CHARACTER_TABLE: "class sizes |G|/Σ|χ(c)|² positive integers summing to |G|; N's columns = M·Ψ_N; algebraic integers",
    ORDER_BOUND: "|G| within the requested max_order",
}


@dataclass(frozen=True)
class Violation:
    """One failed constraint: its family name and a sentence a physicist reads."""

    constraint: str
    message: str

    def __str__(self) -> str:
        return f"{self.constraint}: {self.message}"

    def to_json(self) -> dict:
        return {"constraint": self.constraint, "message": self.message}


@dataclass(frozen=True)
class Reciprocity:
    """The indices [G:N] the data allow (SPEC §3 'reciprocity first')."""

    indices: tuple[int, ...]
    violations: tuple[Violation, ...] = field(default=())
    fixed: bool = False  # the index is determined by the data


def _vec(x) -> str:
    return "(" + ", ".join(str(int(v)) for v in x) + ")"


SECTION7 = (
    "either the data are wrong, or not every irreducible of G occurs in the Hilbert space "
    "(a projective representation / fixed central charge, SPEC §7)"
)


def reciprocity(data: SpectralData, max_order: int | None = None) -> Reciprocity:
    """Indices [G:N] allowed by R n = [G:N] n (ramp) and Mᵀ M n = [G:N] n (census).

    Without ramp or exact census the index is only bounded by max_order / |N|.
    """
    K = data.known
    n = K.dims
    cap = max_order if max_order is not None else data.max_order
    hi_cap = cap // K.order if cap else None
    violations = []
    fixed = False
    allowed: set[int] | None = None

    if data.ramp is not None:
        R = data.ramp_exact
        if R is not None:
            idx = reciprocity_index(R, n)
            if idx is None:
                violations.append(Violation(
                    RECIPROCITY,
                    f"R n = {_vec(R @ n)} is not a multiple of n = {_vec(n)} (N's irreducible dimensions), "
                    f"so R is not MᵀM for any group G ⊃ N with all irreducibles present; {SECTION7}",
                ))
                allowed = set()
            else:
                allowed = {int(idx)}
                fixed = True
        else:
            allowed = set(reciprocity_index_range(data.ramp, n))
            if not allowed:
                violations.append(Violation(RECIPROCITY, f"no integer [G:N] satisfies R n = [G:N] n for any choice in the confidence sets; {SECTION7}"))

    if data.census_exact:
        M = data.census_rows
        # Σ_λ m_λμ d_λ with d = M n is (MᵀM) n: reciprocity of the census's own ramp matrix
        # (no census row is zero, so whenever n is an eigenvector its eigenvalue is ≥ 1)
        idx = reciprocity_index(M.T @ M, n)
        if idx is None:
            violations.append(Violation(
                RECIPROCITY,
                f"the census rows give Σ_λ m_λμ d_λ = {_vec(M.T @ (M @ n))}, not a multiple of n = {_vec(n)}; {SECTION7}",
            ))
            allowed = set()
        else:
            fixed = True
            if allowed is not None and int(idx) not in allowed:
                violations.append(Violation(
                    DATA, f"the census rows give [G:N] = {idx} but the ramp matrix allows {sorted(allowed) or 'none'}"))
            allowed = {int(idx)} if allowed is None else allowed & {int(idx)}

    if data.index is not None:
        if allowed is not None and data.index not in allowed:
            violations.append(Violation(
                RECIPROCITY, f"the given index [G:N] = {data.index} but the data allow {sorted(allowed) or 'none'}"))
        allowed = {data.index} if allowed is None else allowed & {data.index}
        fixed = True
    if allowed is None:
        if hi_cap is None:
            raise AssertionError("an order cap is needed without ramp or exact census")
        allowed = set(range(1, hi_cap + 1))
    out = sorted(allowed)
    if hi_cap is not None and out and all(i > hi_cap for i in out):
        violations.append(Violation(
            ORDER_BOUND,
            f"reciprocity gives [G:N] = {out[0] if len(out) == 1 else out}, so |G| = {out[0] * K.order}"
            f"{'' if len(out) == 1 else '…'} exceeds max_order {cap}",
        ))
    if hi_cap is not None:
        out = [i for i in out if i <= hi_cap]
    return Reciprocity(tuple(out), tuple(violations), fixed)


def check_branching_data(data: SpectralData, M: np.ndarray) -> list[Violation]:
    """Does a branching matrix M (rows = G's irreducibles, user's columns) reproduce the data?"""
    out = []
    K = data.known
    d = M @ K.dims
    if data.ramp is not None:
        R = M.T @ M
        bad = [(a, b) for a in range(K.rank) for b in range(K.rank) if int(R[a, b]) not in data.ramp[a][b]]
        if bad:
            a, b = bad[0]
            out.append(Violation(DATA, f"ramp: (MᵀM)[{a}][{b}] = {R[a, b]} but the data say {_fmt_set(data.ramp[a][b])}"
                                       f" ({len(bad)} entr{'y' if len(bad) == 1 else 'ies'} differ)"))
    if data.plateau is not None:
        P = M.T @ (d[:, None] * M)
        bad = [(a, b) for a in range(K.rank) for b in range(K.rank) if int(P[a, b]) not in data.plateau[a][b]]
        if bad:
            a, b = bad[0]
            out.append(Violation(DATA, f"plateau: (Mᵀ diag(d) M)[{a}][{b}] = {P[a, b]} but the data say {_fmt_set(data.plateau[a][b])}"))
    if data.census_rows is not None:
        have = sorted(map(tuple, M.tolist()))
        want = sorted(map(tuple, data.census_rows.tolist()))
        if data.census_distinct:
            if sorted(set(have)) != sorted(set(want)):
                out.append(Violation(DATA, "census: the distinct rows of M differ from the census rows"))
        elif have != want:
            out.append(Violation(DATA, f"census: M has rows {have}, the census {want}"))
    return out


def _fmt_set(s: frozenset) -> str:
    return str(next(iter(s))) if len(s) == 1 else "{" + ", ".join(map(str, sorted(s))) + "}"


def check_divisibility(d: np.ndarray, order: int) -> list[Violation]:
    out = []
    bad = sorted({int(x) for x in d if order % int(x)})
    if bad:
        out.append(Violation(DIVISIBILITY, f"irreducible dimension(s) {bad} do not divide |G| = {order}"))
    linear = int((d == 1).sum())
    if order % linear:
        out.append(Violation(DIVISIBILITY, f"{linear} one-dimensional irreducibles, which does not divide |G| = {order} (it must be |G/G'|)"))
    return out


def restricted_products(known, M: np.ndarray) -> np.ndarray:
    """T[i, j, ρ] = multiplicity of ρ in Res(λ_i) ⊗ Res(λ_j)."""
    # contracted pairwise (k·r³ + k²·r²), not as one k²·r³ sum: r = 61 took 0.7 s
    return np.einsum("im,jn,mnr->ijr", M, M, known.fusion, optimize=True)


def check_fusion_restriction(known, M: np.ndarray, F: np.ndarray) -> list[Violation]:
    """The part of the fusion checks that involves N: Res(λ⊗λ') = Res(λ)⊗Res(λ') and Res(λ*) = Res(λ)*."""
    out = []
    if not np.array_equal(np.einsum("ijl,lr->ijr", F, M), restricted_products(known, M)):
        out.append(Violation(FUSION_RESTRICTION, "Res(λ⊗λ') ≠ Res(λ)⊗Res(λ') for some pair"))
    duals = F[:, :, 0]
    if duals.sum(axis=1).tolist() == [1] * len(F) and not np.array_equal(M[duals.argmax(axis=1)], M[:, known.dual]):
        out.append(Violation(FUSION_AXIOMS, "duality: λ* does not restrict to the dual of Res(λ)"))
    return out


def check_fusion_axioms(F: np.ndarray) -> list[Violation]:
    """The ring's own axioms (no N): non-negative, unit, commutative, unique duals, rigidity, associativity."""
    out = []
    k = len(F)
    if (F < 0).any():
        out.append(Violation(FUSION_AXIOMS, "a negative fusion coefficient"))
    if not np.array_equal(F[0], np.eye(k, dtype=F.dtype)):
        out.append(Violation(FUSION_AXIOMS, "the trivial irreducible is not the unit"))
    if not np.array_equal(F, F.transpose(1, 0, 2)):
        out.append(Violation(FUSION_AXIOMS, "fusion is not commutative"))
    duals = F[:, :, 0]
    if not (np.array_equal(duals.sum(axis=1), np.ones(k)) and np.array_equal(duals, duals.T)):
        out.append(Violation(FUSION_AXIOMS, "duality: some irreducible has no unique dual"))
    else:
        # Frobenius reciprocity N_ij^l = N_{j* l}^i
        rhs = np.transpose(F[duals.argmax(axis=1)], (2, 0, 1))  # rhs[i, j, l] = F[j*, l, i]
        if not np.array_equal(F, rhs):
            out.append(Violation(FUSION_AXIOMS, "rigidity N_λλ'^λ'' = N_λ'*λ''^λ fails"))
    L = F.astype(object) if F.max(initial=0) > 2**20 else F
    A = np.einsum("ijm,mkl->ijkl", L, L)
    if not np.array_equal(A, A.transpose(2, 1, 0, 3)):
        out.append(Violation(FUSION_AXIOMS, "associativity fails"))
    return out
