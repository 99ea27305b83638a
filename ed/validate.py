"""Input checks shared by the library and the CLI.

Every failure raises :class:`groupdb.errors.SymbootInputError` with a message
that names the problem (which matrix, which property, how far off).

Examples
--------
>>> import numpy as np
>>> from ed.validate import check_hamiltonian
>>> check_hamiltonian(np.array([[0, 1], [1, 0]])).shape
(2, 2)
>>> try:
...     check_hamiltonian(np.array([[0, 1], [0, 0]]))
... except ValueError as e:
...     print(str(e).split(":")[0])
Hamiltonian is not Hermitian
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from groupdb.errors import SymbootInputError

__all__ = ["as_sparse", "check_hamiltonian", "check_generator", "check_commuting", "find_order"]

#: relative tolerance of all exact-symmetry checks (dense LAPACK level is ~1e-13)
TOL = 1e-8


def as_sparse(a, name: str = "matrix") -> sp.csr_matrix:
    """Return ``a`` as a complex CSR matrix after checking it is square and finite."""
    m = sp.csr_matrix(a, dtype=complex) if not sp.issparse(a) else a.tocsr().astype(complex)
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise SymbootInputError(f"{name} is not a square matrix (shape {m.shape})")
    if m.shape[0] == 0:
        raise SymbootInputError(f"{name} is empty")
    if not np.all(np.isfinite(m.data)):
        raise SymbootInputError(f"{name} contains NaN or inf entries")
    m.eliminate_zeros()
    return m


def _scale(m: sp.csr_matrix) -> float:
    return max(1.0, float(abs(m).max()) if m.nnz else 0.0)


def check_hamiltonian(H, name: str = "Hamiltonian") -> sp.csr_matrix:
    """Square, finite, Hermitian to ``TOL`` relative to its largest entry."""
    H = as_sparse(H, name)
    d = H - H.conj().T
    err = float(abs(d).max()) if d.nnz else 0.0
    if err > TOL * _scale(H):
        raise SymbootInputError(f"{name} is not Hermitian: max |H - H^dagger| = {err:.3g}")
    return ((H + H.conj().T) * 0.5).tocsr()


def find_order(U: sp.csr_matrix, max_order: int = 4096) -> int | None:
    """Smallest ``n <= max_order`` with ``U^n = 1`` (``None`` if there is none).

    Monomial matrices (one non-zero per column) are handled in O(D) per power.
    """
    mono = monomial_form(U)
    if mono is not None:
        return _monomial_order(*mono, max_order)
    D = U.shape[0]
    cur = U.copy()
    eye = sp.identity(D, format="csr", dtype=complex)
    for n in range(1, max_order + 1):
        diff = cur - eye
        if diff.nnz == 0 or abs(diff).max() < TOL:
            return n
        cur = (cur @ U).tocsr()
        cur.data[np.abs(cur.data) < 1e-14] = 0
        cur.eliminate_zeros()
    return None


def _monomial_order(perm: np.ndarray, ph: np.ndarray, max_order: int) -> int | None:
    """:func:`find_order` of the monomial matrix ``(perm, ph)``, O(D) per power."""
    ident = np.arange(len(perm))
    cur_p, cur_f = perm, ph
    for n in range(1, max_order + 1):
        if np.array_equal(cur_p, ident) and np.abs(cur_f - 1).max() < TOL:
            return n
        cur_f = cur_f * ph[cur_p]
        cur_p = perm[cur_p]
    return None


def monomial_form(U: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray] | None:
    """``(perm, phase)`` with ``U|s> = phase[s] |perm[s]>`` if ``U`` permutes basis
    states up to phases, else ``None``.

    Read off the CSR rows (one entry each) in O(D): no transpose, no sort.

    Examples
    --------
    >>> perm, phase = monomial_form(sp.csr_matrix(np.array([[0, 1j], [1, 0]])))
    >>> perm.tolist(), phase.tolist()
    ([1, 0], [(1+0j), 1j])
    >>> monomial_form(sp.csr_matrix(np.ones((2, 2)))) is None
    True
    """
    c = sp.csr_matrix(U)
    if np.any(c.data == 0):  # explicit zeros: drop them on a copy, not on the caller's matrix
        c = c.copy()
        c.eliminate_zeros()
    D = c.shape[0]
    if c.nnz != D or np.any(np.diff(c.indptr) != 1):
        return None
    src = c.indices  # row r holds the entry of column src[r]: U|src[r]> = data[r] |r>
    if np.any(np.bincount(src, minlength=D) != 1):
        return None
    perm = np.empty(D, dtype=np.int64)
    perm[src] = np.arange(D)
    phase = np.empty(D, dtype=complex)
    phase[src] = c.data
    return perm, phase


def check_generator(U, name: str = "generator", order: int | None = None,
                    max_order: int = 4096) -> tuple[sp.csr_matrix, int]:
    """Check that ``U`` is unitary of finite order; return ``(U, n)``.

    ``order`` given: ``U^order = 1`` with ``order`` minimal, else an error.
    """
    U = as_sparse(U, name)
    D = U.shape[0]
    mono = monomial_form(U)
    if mono is not None:  # a permutation times phases: unitary iff every |phase| = 1
        err = float(np.abs(np.abs(mono[1]) ** 2 - 1).max())
    else:
        prod = (U @ U.conj().T).tocsr() - sp.identity(D, format="csr")
        err = float(abs(prod).max()) if prod.nnz else 0.0
    if err > TOL:
        raise SymbootInputError(f"{name} is not unitary: max |U U^dagger - 1| = {err:.3g}")
    limit = max_order if order is None else max(order, 1)
    n = _monomial_order(*mono, limit) if mono is not None else find_order(U, max_order=limit)
    if order is not None:
        if n != order:
            got = "no power up to that" if n is None else f"its order is {n}"
            raise SymbootInputError(f"{name} does not have the declared order {order} ({got})")
    elif n is None:
        raise SymbootInputError(f"{name} has no finite order <= {max_order} (U^n != 1)")
    return U, n


def check_commuting(A: sp.csr_matrix, B: sp.csr_matrix, what: str) -> None:
    """Raise unless ``[A, B] = 0`` to ``TOL`` relative to the entries of ``A`` and ``B``."""
    A, B = sp.csr_matrix(A), sp.csr_matrix(B)
    c = (A @ B - B @ A).tocsr()
    err = float(abs(c).max()) if c.nnz else 0.0
    if err > TOL * _scale(A) * _scale(B):
        raise SymbootInputError(f"{what} do not commute: max |[A, B]| = {err:.3g}")
