"""Local operators and their embedding into a chain of ``L`` sites.

Everything returned for the full chain is a ``scipy.sparse.csr_matrix`` of
size ``local_dim**L``; site 0 is the *most significant* digit of the basis index
(``index = sum_j s_j local_dim**(L-1-j)``), the convention of ``numpy.kron``.

Examples
--------
>>> import numpy as np
>>> from ed.operators import clock_shift, site_op, onsite_product
>>> X, Z = clock_shift(3)
>>> np.allclose(X @ Z, np.exp(-2j * np.pi / 3) * Z @ X)
True
>>> site_op(Z, 1, L=2).shape
(9, 9)
>>> PX = onsite_product(X, L=4)
>>> np.allclose((PX @ PX @ PX).toarray(), np.eye(81))
True
"""
from __future__ import annotations

import itertools
from functools import reduce
from typing import Sequence

import numpy as np
import scipy.sparse as sp

from common.errors import SymbootInputError

__all__ = [
    "clock_shift",
    "charge_conjugation",
    "permutation_matrix",
    "spin_ops",
    "site_op",
    "local_term",
    "local_offsets",
    "local_op",
    "bond_op",
    "onsite_product",
    "fermion_ops",
]


def clock_shift(local_dim: int) -> tuple[np.ndarray, np.ndarray]:
    """Shift ``X|s> = |s+1 mod local_dim>`` and clock ``Z|s> = w^s |s>``, ``w = e^{2 pi i/local_dim}``.

    Examples
    --------
    >>> X, Z = clock_shift(2)
    >>> X.real.astype(int).tolist(), Z.real.astype(int).tolist()
    ([[0, 1], [1, 0]], [[1, 0], [0, -1]])
    """
    X = np.zeros((local_dim, local_dim), dtype=complex)
    X[(np.arange(local_dim) + 1) % local_dim, np.arange(local_dim)] = 1.0
    Z = np.diag(np.exp(2j * np.pi * np.arange(local_dim) / local_dim))
    return X, Z


def charge_conjugation(local_dim: int) -> np.ndarray:
    """``C|s> = |-s mod local_dim>`` on one site.

    Examples
    --------
    >>> charge_conjugation(3).real.astype(int).tolist()
    [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    """
    return permutation_matrix([(-s) % local_dim for s in range(local_dim)])


def permutation_matrix(perm: Sequence[int]) -> np.ndarray:
    """Matrix ``P`` with ``P|s> = |perm[s]>`` (0-based images).

    Examples
    --------
    >>> permutation_matrix([1, 2, 0]) @ np.array([1.0, 0, 0])
    array([0.+0.j, 1.+0.j, 0.+0.j])
    """
    perm = np.asarray(perm, dtype=int)
    local_dim = len(perm)
    if sorted(perm.tolist()) != list(range(local_dim)):
        raise ValueError(f"not a permutation of 0..{local_dim - 1}: {perm.tolist()}")
    P = np.zeros((local_dim, local_dim), dtype=complex)
    P[perm, np.arange(local_dim)] = 1.0
    return P


def spin_ops(s: float = 0.5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Spin-``s`` matrices ``(Sx, Sy, Sz)`` in the basis ``m = s, s-1, ..., -s``.

    Examples
    --------
    >>> Sx, Sy, Sz = spin_ops(1)
    >>> np.allclose(Sx @ Sy - Sy @ Sx, 1j * Sz)
    True
    """
    m = np.arange(s, -s - 1, -1)
    # <m+1|S+|m> = sqrt(s(s+1) - m(m+1)); S+ is strictly upper diagonal here
    sp_ = np.diag(np.sqrt(s * (s + 1) - m[1:] * (m[1:] + 1)), 1).astype(complex)
    sx = (sp_ + sp_.conj().T) / 2
    sy = (sp_ - sp_.conj().T) / (2j)
    return sx, sy, np.diag(m).astype(complex)


def site_op(op, site: int, L: int) -> sp.csr_matrix:
    """Embed a one-site operator at ``site`` of an ``L``-site chain.

    Examples
    --------
    >>> X, _ = clock_shift(2)
    >>> site_op(X, 0, 2).toarray().real.astype(int)[0].tolist()
    [0, 0, 1, 0]
    """
    op = sp.csr_matrix(op)
    local_dim = op.shape[0]
    return sp.kron(
        sp.kron(sp.identity(local_dim**site, format="csr"), op, format="csr"),
        sp.identity(local_dim ** (L - site - 1), format="csr"),
        format="csr",
    )


def local_term(op, sites: Sequence[int], L: int, local_dim: int) -> tuple[np.ndarray, list[int]]:
    """``(op, sites)`` as a dense array and a list of ints, checked to be a ``local_dim^k x local_dim^k``
    operator on ``k`` distinct sites of ``0..L-1`` (``SymbootInputError`` otherwise)."""
    op = op.toarray() if sp.issparse(op) else np.asarray(op)
    sites = [int(x) for x in sites]
    k = len(sites)
    if len(set(sites)) != k or not all(0 <= x < L for x in sites):
        raise SymbootInputError(f"term on sites {sites}: expected distinct sites < {L} (a chain of L = {L} site(s))")
    if op.shape != (local_dim**k, local_dim**k):
        raise SymbootInputError(f"term on sites {sites}: expected a {local_dim**k}x{local_dim**k} matrix, got shape {op.shape}")
    return op, sites


def local_offsets(sites: Sequence[int], L: int, local_dim: int) -> np.ndarray:
    """``offset[l]``: the part of the basis index carried by local configuration ``l`` of
    ``sites`` (``l`` read with ``sites[0]`` most significant, as ``numpy.kron`` orders it).

    Examples
    --------
    >>> local_offsets([2, 0], 3, 2).tolist()  # l = 2 s_2 + s_0 -> index s_0 * 4 + s_2
    [0, 4, 1, 5]
    """
    place = local_dim ** np.arange(L - 1, -1, -1, dtype=np.int64)
    configs = np.array(list(itertools.product(range(local_dim), repeat=len(sites))), dtype=np.int64)
    return configs.reshape(-1, len(sites)) @ place[list(sites)]


def local_op(op, sites: Sequence[int], L: int, local_dim: int) -> sp.csr_matrix:
    """Embed a ``k``-site operator (``local_dim^k x local_dim^k``, first tensor factor on ``sites[0]``)
    on any ``k`` distinct sites of an ``L``-site chain.

    Index arithmetic, not Kronecker products, so the sites need not be adjacent or
    in increasing order (a periodic bond, a next-nearest-neighbour coupling); the
    convention is that of :func:`ed.sectors.sector_matrix`.

    Examples
    --------
    >>> X, Z = clock_shift(3)
    >>> a = local_op(np.kron(Z, Z.conj()), (2, 0), 3, 3)
    >>> b = site_op(Z, 2, 3) @ site_op(Z.conj(), 0, 3)
    >>> bool(abs(a - b).max() < 1e-14)
    True
    """
    op, sites = local_term(op, sites, L, local_dim)
    offset = local_offsets(sites, L, local_dim)
    states = np.arange(local_dim**L, dtype=np.int64)
    loc = np.zeros(local_dim**L, dtype=np.int64)
    for x in sites:
        loc = loc * local_dim + (states // local_dim ** (L - 1 - x)) % local_dim
    rest = states - offset[loc]
    rows, cols, vals = [], [], []
    for c in np.nonzero(np.any(op, axis=0))[0]:
        sel = np.flatnonzero(loc == c)
        for r in np.nonzero(op[:, c])[0]:
            rows.append(rest[sel] + offset[r])
            cols.append(sel)
            vals.append(np.full(len(sel), op[r, c]))
    if not rows:
        return sp.csr_matrix((local_dim**L, local_dim**L), dtype=op.dtype)
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(local_dim**L, local_dim**L))


def bond_op(op2, i: int, L: int, local_dim: int) -> sp.csr_matrix:
    """Embed a two-site operator (``local_dim^2 x local_dim^2``, first factor = site ``i``) on
    sites ``(i, i+1 mod L)`` (:func:`local_op`).

    Examples
    --------
    >>> X, Z = clock_shift(3)
    >>> a = bond_op(np.kron(Z, Z.conj()), 2, 3, 3)
    >>> b = site_op(Z, 2, 3) @ site_op(Z.conj(), 0, 3)
    >>> bool(abs(a - b).max() < 1e-14)
    True
    """
    return local_op(op2, (i, (i + 1) % L), L, local_dim)


def onsite_product(op, L: int) -> sp.csr_matrix:
    """``op ⊗ op ⊗ ... ⊗ op`` on all ``L`` sites (a global on-site symmetry).

    Examples
    --------
    >>> X, _ = clock_shift(2)
    >>> onsite_product(X, 3).nnz
    8
    """
    if L < 1:
        raise ValueError(f"need at least one site, got L = {L}")
    # binary powering of the Kronecker product: O(log L) krons instead of L - 1
    out, power = None, sp.csr_matrix(op)
    while True:
        if L & 1:
            out = power if out is None else sp.kron(out, power, format="csr")
        L >>= 1
        if not L:
            return out.tocsr()
        power = sp.kron(power, power, format="csr")


def fermion_ops(n_modes: int) -> list[sp.csr_matrix]:
    """Annihilation operators ``c_k`` on the Fock space of ``n_modes`` modes,
    with Jordan–Wigner strings (mode 0 = most significant qubit).

    ``c_k = Z ⊗ ... ⊗ Z ⊗ a ⊗ 1 ⊗ ... ⊗ 1`` with ``a = |0><1|`` and
    ``Z = diag(1, -1)``, so ``{c_k, c_l^†} = δ_kl``.

    Examples
    --------
    >>> c = fermion_ops(3)
    >>> acomm = c[0] @ c[2].conj().T + c[2].conj().T @ c[0]
    >>> bool(abs(acomm).max() == 0)
    True
    """
    a = sp.csr_matrix(np.array([[0.0, 1.0], [0.0, 0.0]]))
    z = sp.csr_matrix(np.diag([1.0, -1.0]))
    eye = sp.identity(2, format="csr")
    ops = []
    for k in range(n_modes):
        factors = [z] * k + [a] + [eye] * (n_modes - k - 1)
        ops.append(reduce(lambda x, y: sp.kron(x, y, format="csr"), factors).tocsr())
    return ops
