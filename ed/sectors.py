"""Symmetry sectors of a known group N.

Abelian N is given by commuting unitary generators ``U_i`` of finite order
``n_i``; a sector is a charge vector ``q`` (eigenvalue ``exp(2 pi i q_i/n_i)``
of ``U_i``), and sectors are listed in lexicographic order of ``q`` (``q_1``
slowest), empty ones dropped. Extra known symmetries (momentum, a parity) can
be fixed first: they are passed as ``fixed=[(U, n, q), ...]`` and only the
states with that charge are kept.

Sector bases are sparse isometries ``V_q`` (``D x D_q``, orthonormal columns);
the block is ``H_q = V_q^dagger H V_q``. When every generator permutes basis
states up to phases (products of on-site operators, diagonal charges) the
basis comes from orbits and representatives as in QuSpin — O(|N| D) work,
never a dense diagonalisation of U. Otherwise the simultaneous eigenspaces are
found densely (fine for D up to a few thousand).

Non-abelian N: :func:`isotypic_sectors` (projectors ``P_mu`` from N's character
table and a reduction to the multiplicity space).

Examples
--------
>>> import numpy as np
>>> from ed.operators import clock_shift, onsite_product
>>> from ed.sectors import abelian_sectors
>>> X, _ = clock_shift(3)
>>> dec = abelian_sectors([onsite_product(X, 4)])
>>> [(s.charges, s.dim) for s in dec.sectors]
[((0,), 27), ((1,), 27), ((2,), 27)]
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import scipy.sparse as sp

from groupdb.errors import SymbootInputError

from .validate import check_commuting, check_generator, check_hamiltonian, monomial_form

__all__ = [
    "Sector",
    "SectorDecomposition",
    "abelian_sectors",
    "charge_vectors",
    "sector_blocks",
    "dense_block",
    "isotypic_sectors",
]


@dataclass
class Sector:
    """One symmetry sector: its label and an isometry onto it.

    ``charges``: the charge vector (abelian N) or ``(irrep index,)``
    (non-abelian N); ``basis``: ``D x dim`` matrix with orthonormal columns;
    ``irrep_dim``: ``n_mu`` (1 for abelian N).
    """

    charges: tuple[int, ...]
    basis: sp.csr_matrix
    irrep_dim: int = 1
    label: str = ""

    @property
    def dim(self) -> int:
        return int(self.basis.shape[1])

    def block(self, H) -> np.ndarray:
        """Dense ``V^dagger H V`` (see :func:`dense_block`)."""
        return dense_block(H, self.basis)


def dense_block(H, V) -> np.ndarray:
    """Dense ``V^dagger H V``, real when it is real (LAPACK's real path is ~2x faster).

    Built sparse, densified once; not symmetrised (LAPACK reads one triangle).
    """
    b = V.conj().T @ (sp.csr_matrix(H) @ V)
    b = sp.csr_matrix(b)
    if b.nnz == 0 or not np.any(b.data.imag):
        b = b.real
    return b.toarray()


@dataclass
class SectorDecomposition:
    """All non-empty sectors of N, in lexicographic order of ``charges``.

    ``orders``: ``n_i`` per generator (empty for non-abelian N);
    ``group``: the groupdb name/id of N when known; ``fixed``: charges of the
    extra symmetries that were fixed first, as ``(order, charge)`` pairs.
    """

    sectors: list[Sector]
    orders: tuple[int, ...] = ()
    group: str = ""
    fixed: tuple[tuple[int, int], ...] = ()
    method: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def charges(self) -> list[tuple[int, ...]]:
        return [s.charges for s in self.sectors]

    @property
    def dims(self) -> list[int]:
        return [s.dim for s in self.sectors]

    @property
    def irrep_dims(self) -> list[int]:
        return [s.irrep_dim for s in self.sectors]

    @property
    def labels(self) -> list[str]:
        return [s.label or ",".join(map(str, s.charges)) for s in self.sectors]


def charge_vectors(orders: Sequence[int]) -> list[tuple[int, ...]]:
    """All charge vectors in lexicographic order (first charge slowest).

    Examples
    --------
    >>> charge_vectors([2, 2])
    [(0, 0), (0, 1), (1, 0), (1, 1)]
    """
    return list(itertools.product(*[range(n) for n in orders]))


def _charge_of_phase(ph: np.ndarray, n: int) -> np.ndarray:
    """Charge ``q`` with ``ph = exp(2 pi i q/n)``, checked to be exact."""
    x = np.angle(ph) * n / (2 * np.pi)
    q = np.rint(x).astype(np.int64)
    if np.abs(x - q).max() > 1e-6 or np.abs(np.abs(ph) - 1).max() > 1e-8:
        raise SymbootInputError("a diagonal generator has eigenvalues that are not n-th roots of 1")
    return q % n


def _elements(monos, orders):
    """All products ``prod_i U_i^{a_i}`` as ``(a, perm, phase)``, U acting as
    ``U|s> = phase[s]|perm[s]>``."""
    D = len(monos[0][0]) if monos else 0
    elems = [((), np.arange(D), np.ones(D, dtype=complex))]
    for (perm, ph), n in zip(monos, orders):
        new = []
        for a, p, f in elems:
            cp, cf = p, f
            for e in range(n):
                new.append((a + (e,), cp, cf))
                cf = cf * ph[cp]  # left-multiply by U_i
                cp = perm[cp]
        elems = new
    return elems


def _orbit_bases(monos, orders, mask, targets, D):
    """Sector isometries from orbits of the monomial group, for the charge
    vectors ``targets`` of the monomial generators, on the states in ``mask``."""
    elems = _elements(monos, orders)
    orbit_min = np.arange(D)
    for _, p, _ in elems:
        np.minimum(orbit_min, p, out=orbit_min)
    reps = np.nonzero((orbit_min == np.arange(D)) & mask)[0]
    out = {}
    nel = len(elems)
    rows = np.concatenate([p[reps] for _, p, _ in elems])
    cols = np.tile(np.arange(len(reps)), nel)
    ph = np.concatenate([f[reps] for _, _, f in elems])
    avec = np.array([a for a, _, _ in elems], dtype=float).reshape(nel, len(orders))
    for q in targets:
        # conj(chi_q(a)) projects onto charge q; summed over the orbit
        chi = np.exp(-2j * np.pi * (avec @ (np.asarray(q, float) / np.asarray(orders, float))))
        vals = np.repeat(chi, len(reps)) * ph
        V = sp.csc_matrix((vals, (rows, cols)), shape=(D, len(reps)))
        V.sum_duplicates()
        V.data[np.abs(V.data) < 1e-9] = 0
        V.eliminate_zeros()
        norms = np.sqrt(np.asarray(abs(V).power(2).sum(axis=0)).ravel())
        keep = np.nonzero(norms > 0.5)[0]  # a surviving orbit sum has norm >= 1
        V = V[:, keep] @ sp.diags(1.0 / norms[keep])
        out[tuple(q)] = V.tocsr()
    return out


def _dense_bases(gens, orders, targets, D):
    """Simultaneous eigenspaces of general commuting unitaries (dense)."""
    blocks = {(): np.eye(D, dtype=complex)}
    for U, n in zip(gens, orders):
        Ud = U.toarray()
        new = {}
        for prefix, B in blocks.items():
            if B.shape[1] == 0:
                continue
            Ub = B.conj().T @ Ud @ B
            powers = [np.eye(B.shape[1], dtype=complex)]
            for _ in range(n - 1):
                powers.append(powers[-1] @ Ub)
            for q in range(n):
                P = sum(np.exp(-2j * np.pi * q * a / n) * powers[a] for a in range(n)) / n
                w, v = np.linalg.eigh(0.5 * (P + P.conj().T))
                new[prefix + (q,)] = B @ v[:, w > 0.5]
        blocks = new
    return {q: sp.csr_matrix(blocks[q]) for q in targets if q in blocks}


def abelian_sectors(generators: Sequence, orders: Sequence[int] | None = None, *,
                    H=None, fixed: Sequence[tuple] = (), group: str = "") -> SectorDecomposition:
    """Sectors of the abelian group generated by commuting unitaries.

    Parameters
    ----------
    generators : list of (sparse or dense) unitary matrices ``U_i``.
    orders : their orders ``n_i``; found (and checked minimal) when omitted.
    H : optional Hamiltonian; checked to commute with every generator.
    fixed : extra commuting symmetries ``(U, n, q)`` whose charge is fixed to ``q``.
    group : a name for N, kept as metadata.

    Returns
    -------
    SectorDecomposition with the non-empty sectors in lexicographic charge order.

    Examples
    --------
    >>> import numpy as np
    >>> from ed.operators import onsite_product
    >>> sx = np.array([[0, 1], [1, 0]])
    >>> dec = abelian_sectors([onsite_product(sx, 3)], fixed=[])
    >>> dec.orders, dec.dims
    ((2,), [4, 4])
    """
    gens, ords = [], []
    for i, U in enumerate(generators):
        Ui, ni = check_generator(U, f"generator {i}", None if orders is None else orders[i])
        gens.append(Ui)
        ords.append(ni)
    fix_gens, fix_ords, fix_q = [], [], []
    for j, (U, n, q) in enumerate(fixed):
        Uj, nj = check_generator(U, f"fixed symmetry {j}", n)
        fix_gens.append(Uj)
        fix_ords.append(nj)
        fix_q.append(int(q) % nj)
    allg = gens + fix_gens
    if not allg:
        raise SymbootInputError("no symmetry generator given")
    D = allg[0].shape[0]
    for i, U in enumerate(allg):
        if U.shape[0] != D:
            raise SymbootInputError(f"generator {i} has size {U.shape[0]}, expected {D}")
    for i, j in itertools.combinations(range(len(allg)), 2):
        check_commuting(allg[i], allg[j], f"generators {i} and {j}")
    if H is not None:
        H = check_hamiltonian(H)
        if H.shape[0] != D:
            raise SymbootInputError(f"Hamiltonian has size {H.shape[0]}, generators {D}")
        for i, U in enumerate(allg):
            check_commuting(H, U, f"Hamiltonian and generator {i}")

    all_ords = ords + fix_ords
    targets = [q + tuple(fix_q) for q in charge_vectors(ords)]
    monos = [monomial_form(U) for U in allg]
    if all(m is not None for m in monos):
        # diagonal generators: charges read off per state, constant on orbits of the rest
        diag = [i for i, (p, _) in enumerate(monos) if np.array_equal(p, np.arange(D))]
        perm_idx = [i for i in range(len(allg)) if i not in diag]
        state_q = {i: _charge_of_phase(monos[i][1], all_ords[i]) for i in diag}
        groups: dict[tuple, list] = {}
        for q in targets:
            groups.setdefault(tuple(q[i] for i in diag), []).append(q)
        bases = {}
        for dq, qs in groups.items():
            mask = np.ones(D, dtype=bool)
            for i, v in zip(diag, dq):
                mask &= state_q[i] == v
            if not mask.any():
                continue
            if perm_idx:
                sub = _orbit_bases([monos[i] for i in perm_idx], [all_ords[i] for i in perm_idx],
                                   mask, sorted({tuple(q[i] for i in perm_idx) for q in qs}), D)
                for q in qs:
                    bases[q] = sub[tuple(q[i] for i in perm_idx)]
            else:
                idx = np.nonzero(mask)[0]
                V = sp.csr_matrix((np.ones(len(idx)), (idx, np.arange(len(idx)))), shape=(D, len(idx)))
                for q in qs:
                    bases[q] = V
        method = "orbits"
    else:
        bases = _dense_bases(allg, all_ords, targets, D)
        method = "dense eigenspaces"
    sectors = []
    nfree = len(ords)
    for q in targets:
        V = bases.get(q)
        if V is not None and V.shape[1] > 0:
            sectors.append(Sector(charges=tuple(int(x) for x in q[:nfree]), basis=V.tocsr()))
    return SectorDecomposition(sectors=sectors, orders=tuple(ords), group=group,
                               fixed=tuple(zip(fix_ords, fix_q)), method=method)


def sector_blocks(H, dec: SectorDecomposition) -> list[np.ndarray]:
    """Dense sector Hamiltonians ``V^dagger H V`` in the order of ``dec.sectors``."""
    H = sp.csr_matrix(H)
    return [s.block(H) for s in dec.sectors]


from .nonabelian import isotypic_sectors  # noqa: E402  (re-export)
