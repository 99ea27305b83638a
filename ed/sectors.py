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
never a dense diagonalisation of U; the block then needs only the rows of H at
the representatives, and :func:`sector_matrix` builds it straight from local
terms without the full matrix. Otherwise the simultaneous eigenspaces are
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

from common.errors import SymbootInputError

from .operators import local_offsets, local_term
from .validate import check_commuting, check_generator, check_hamiltonian, monomial_form

__all__ = [
    "Sector",
    "SectorDecomposition",
    "abelian_sectors",
    "charge_vectors",
    "sector_blocks",
    "dense_block",
    "sector_matrix",
    "isotypic_sectors",
    "decompose",
    "common_size",
]


@dataclass
class Sector:
    """One symmetry sector: its label and an isometry onto it.

    ``charges``: the charge vector (abelian N) or ``(irrep index,)``
    (non-abelian N); ``basis``: ``D x dim`` matrix with orthonormal columns;
    ``irrep_dim``: ``n_mu`` (1 for abelian N); ``reps``: for bases built from
    orbits, one basis state per column whose projection onto the sector is that
    column (the orbit representative), else ``None``.
    """

    charges: tuple[int, ...]
    basis: sp.csr_matrix
    irrep_dim: int = 1
    label: str = ""
    reps: np.ndarray | None = None

    @property
    def dim(self) -> int:
        return int(self.basis.shape[1])

    def block(self, H) -> np.ndarray:
        """Dense ``V^dagger H V`` (see :func:`dense_block`)."""
        return dense_block(H, self.basis, self.reps)


def _orbit_rows(V) -> tuple[np.ndarray, np.ndarray]:
    """Column and value of the one non-zero in each row of an orbit basis
    (orbits are disjoint); ``-1`` and ``0`` for states outside the sector."""
    V = sp.csr_matrix(V)
    has = np.diff(V.indptr) > 0
    first = V.indptr[:-1][has]
    col = np.full(V.shape[0], -1, dtype=np.int64)
    col[has] = V.indices[first]
    val = np.zeros(V.shape[0], dtype=V.dtype)
    val[has] = V.data[first]
    return col, (val.real if not np.any(val.imag) else val)


def _real_if_real(b):
    """``b`` (sparse, any format) with a real dtype when no entry has an imaginary part."""
    if np.iscomplexobj(b.data) and not np.any(b.data.imag):
        b = b.real
    return b


def dense_block(H, V, reps=None) -> np.ndarray:
    """Dense ``V^dagger H V``, real when it is real (LAPACK's real path is ~2x faster).

    With ``reps`` (orbit representatives, :attr:`Sector.reps`) only the rows of
    ``H`` at the representatives are used: ``P|r_b> = V[r_b, b]^* |b>`` for the
    sector projector ``P``, and ``P`` commutes with ``H``, so
    ``<b|H|a> = <r_b|H|a> / V[r_b, b]`` — |orbit| times fewer products.
    Built sparse, densified once; not symmetrised (LAPACK reads one triangle).

    Examples
    --------
    >>> from ed.operators import onsite_product, site_op
    >>> sx = np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> H = site_op(sx, 0, 2) + site_op(sx, 1, 2)
    >>> s = abelian_sectors([onsite_product(sx, 2)], [2]).sectors[0]
    >>> s.reps.tolist(), np.allclose(dense_block(H, s.basis, s.reps), dense_block(H, s.basis))
    ([0, 1], True)
    """
    H = sp.csr_matrix(H)
    if reps is None:
        b = V.conj().T @ (H @ V)
    else:
        _, val = _orbit_rows(V)
        b = sp.diags(1.0 / val[reps]) @ (H[reps] @ V)
    return _real_if_real(sp.csr_matrix(b)).toarray()


def sector_matrix(terms, sector: Sector, L: int, q: int) -> sp.csc_matrix:
    """Sparse sector matrix ``V^dagger H V`` of a sum of local terms, built from the
    orbit representatives without the ``q**L`` matrix (as QuSpin does).

    Each term is applied to the representatives ``r_b``; each image state is
    mapped to its sector column ``a`` and coefficient, and ``<a|H|r_b> / V[r_b, b]^*``
    is entry ``(a, b)`` (see :func:`dense_block`). ``H`` must commute with the
    sector's symmetry: that is checked when the full matrix is given to
    :func:`abelian_sectors`; here it is the caller's promise.

    Parameters
    ----------
    terms : iterable of ``(op, sites)``: ``op`` a ``q**k x q**k`` matrix (dense or
        sparse) whose first tensor factor acts on ``sites[0]`` (the ``numpy.kron``
        / :func:`ed.operators.bond_op` convention) and ``sites`` ``k`` distinct
        sites; site 0 is the most significant digit of the basis index.
    sector : a sector with orbit representatives (monomial generators, :attr:`Sector.reps`).
    L, q : number of sites and local dimension.

    Returns
    -------
    ``dim x dim`` CSC matrix (column ``b`` = the image of ``r_b``, filled in place),
    real when it is real.

    Examples
    --------
    Open transverse-field Ising pair in the spin-flip-even sector, basis
    ``(|00>+|11>)/sqrt 2``, ``(|01>+|10>)/sqrt 2``:

    >>> from ed.operators import onsite_product
    >>> sx, sz = np.array([[0.0, 1.0], [1.0, 0.0]]), np.diag([1.0, -1.0])
    >>> terms = [(np.kron(sz, sz), (0, 1)), (sx, (0,)), (sx, (1,))]
    >>> s = abelian_sectors([onsite_product(sx, 2)], [2]).sectors[0]
    >>> sector_matrix(terms, s, L=2, q=2).toarray().tolist()
    [[1.0, 2.0], [2.0, -1.0]]
    """
    if sector.reps is None:
        raise SymbootInputError("this sector's basis is not built from orbits (non-monomial symmetry): "
                                "build the full matrix and use Sector.block")
    terms = [local_term(op, sites, L, q) for op, sites in terms]
    col, val = _orbit_rows(sector.basis)
    reps, n = sector.reps, sector.dim
    rep_conj = val[reps].conj()
    place = q ** np.arange(L - 1, -1, -1, dtype=np.int64)
    digits: dict[int, np.ndarray] = {}

    def local_config(sites):  # index of each representative's configuration on `sites`
        loc = np.zeros(n, dtype=np.int64)
        for x in sites:
            if x not in digits:  # smallest dtype: up to L of these live at once
                digits[x] = ((reps // place[x]) % q).astype(np.min_scalar_type(q - 1))
            loc = loc * q + digits[x]
        return loc

    offdiag = [op - np.diag(np.diagonal(op)) for op, _ in terms]
    # the entries are the memory peak: count the slots of every column first (the diagonal
    # and one per off-diagonal matrix element that can act on r_b) and fill CSC arrays in
    # place, instead of COO triplets plus a converted copy
    counts = np.ones(n, dtype=np.int64)
    for off, (_, sites) in zip(offdiag, terms):
        counts += np.count_nonzero(off, axis=0)[local_config(sites)]
    idx_t = np.int32 if counts.sum() < 2**31 else np.int64
    indptr = np.zeros(n + 1, dtype=idx_t)
    np.cumsum(counts, out=indptr[1:])
    del counts
    # unused slots (images the projector annihilates) stay zeros on the diagonal
    indices = np.repeat(np.arange(n, dtype=idx_t), np.diff(indptr))
    data = np.zeros(len(indices), dtype=np.result_type(float, val, *[op for op, _ in terms]))
    nxt = indptr[:-1] + 1  # next free slot of each column; the first is the diagonal
    for off, (op, sites) in zip(offdiag, terms):
        loc = local_config(sites)
        d = np.diagonal(op)
        if np.any(d):
            data[indptr[:-1]] += d[loc]
        offset = local_offsets(sites, L, q)
        for c in np.nonzero(np.any(off, axis=0))[0]:
            sel = np.flatnonzero(loc == c)
            base = reps[sel] - offset[c]
            for r in np.nonzero(off[:, c])[0]:
                img = base + offset[r]
                a = col[img]
                keep = a >= 0
                b = sel[keep]  # distinct within one matrix element: one slot per column
                slot = nxt[b]
                indices[slot] = a[keep]
                data[slot] = off[r, c] * val[img[keep]].conj() / rep_conj[b]
                nxt[b] += 1
    h = sp.csc_matrix((data, indices, indptr), shape=(n, n))
    h.sum_duplicates()
    h.eliminate_zeros()
    return _real_if_real(h)


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


def _elements(monos, orders, start, phases=True):
    """Yield every product ``U = prod_i U_i^{a_i}`` as ``(a, p, f)`` with
    ``U|start[j]> = f[j]|p[j]>`` (each ``U_i|s> = phase[s]|perm[s]>``; ``f`` is
    ``None`` without ``phases``).

    One element at a time, on the given states only: memory ``O(len(monos) len(start))``
    whatever the group order.
    """
    def rec(i, a, p, f):
        if i == len(monos):
            yield a, p, f
            return
        perm, ph = monos[i]
        for e in range(orders[i]):
            yield from rec(i + 1, a + (e,), p, f)
            if phases:
                f = f * ph[p]  # left-multiply by U_i
            p = perm[p]

    yield from rec(0, (), np.asarray(start), np.ones(len(start), dtype=complex) if phases else None)


def _snap(z: np.ndarray) -> np.ndarray:
    """Roots of unity with rounding-level real/imaginary parts set to 0 (``e^{i pi} -> -1``),
    real when all are real: real characters and phases then give a real basis (half the memory)."""
    z = z.copy()
    z.real[np.abs(z.real) < 1e-12] = 0
    z.imag[np.abs(z.imag) < 1e-12] = 0
    return z.real if not np.any(z.imag) else z


def _orbit_bases(monos, orders, mask, targets, D):
    """Sector isometries from orbits of the monomial group, for the charge
    vectors ``targets`` of the monomial generators, on the states in ``mask``;
    ``{q: (V_q, representatives of V_q's columns)}``."""
    orbit_min = np.arange(D)
    for _, p, _ in _elements(monos, orders, np.arange(D), phases=False):
        np.minimum(orbit_min, p, out=orbit_min)
    reps = np.nonzero((orbit_min == np.arange(D)) & mask)[0]
    del orbit_min
    images = list(_elements(monos, orders, reps))
    nel, nrep = len(images), len(reps)
    rows = np.concatenate([p for _, p, _ in images])
    cols = np.tile(np.arange(nrep), nel)
    ph = _snap(np.concatenate([f for _, _, f in images]))
    avec = np.array([a for a, _, _ in images], dtype=float).reshape(nel, len(orders))
    del images
    out = {}
    for q in targets:
        # conj(chi_q(a)) projects onto charge q; summed over the orbit (stabiliser terms add up)
        chi = _snap(np.exp(-2j * np.pi * (avec @ (np.asarray(q, float) / np.asarray(orders, float)))))
        V = sp.csr_matrix((np.repeat(chi, nrep) * ph, (rows, cols)), shape=(D, nrep))
        # an orbit sum is either all zero (the character is not trivial on the stabiliser)
        # or all entries of modulus |stabiliser| >= 1: a killed orbit leaves an empty column
        V.data[np.abs(V.data) < 1e-9] = 0
        V.eliminate_zeros()
        norms = np.sqrt(np.bincount(V.indices, np.abs(V.data) ** 2, minlength=nrep))
        V.data /= norms[V.indices]
        keep = norms > 0.5
        new_col = (np.cumsum(keep) - 1).astype(V.indices.dtype)
        V = sp.csr_matrix((V.data, new_col[V.indices], V.indptr), shape=(D, int(keep.sum())))
        out[tuple(q)] = V, reps[keep]
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


def decompose(generators: Sequence, orders: Sequence[int] | None = None, group=None) -> SectorDecomposition:
    """N's sectors from its generators: the joint eigenspaces of commuting generators
    (:func:`abelian_sectors`), or, when ``group`` names a non-abelian N (groupdb name or id),
    its isotypic sectors (:func:`ed.nonabelian.isotypic_sectors`)."""
    if group:
        return isotypic_sectors(generators, group)
    return abelian_sectors(generators, orders)


def common_size(matrices: Sequence, name: str, none: str) -> int:
    """The size D of ``matrices``, all D × D; ``none`` is the error when there are none.

    >>> common_size([np.eye(2), np.eye(3)], "matrix", "no matrix given")
    Traceback (most recent call last):
    ...
    common.errors.SymbootInputError: matrix 1 has size 3, matrix 0 has 2
    """
    if not matrices:
        raise SymbootInputError(none)
    D = matrices[0].shape[0]
    for i, A in enumerate(matrices):
        if A.shape[0] != D:
            raise SymbootInputError(f"{name} {i} has size {A.shape[0]}, {name} 0 has {D}")
    return D


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
    D = common_size(allg, "generator", "no symmetry generator given")
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
                    bases[q] = V, idx
        method = "orbits"
    else:
        bases = {q: (V, None) for q, V in _dense_bases(allg, all_ords, targets, D).items()}
        method = "dense eigenspaces"
    sectors = []
    nfree = len(ords)
    for q in targets:
        V, reps = bases.get(q, (None, None))
        if V is not None and V.shape[1] > 0:
            sectors.append(Sector(charges=tuple(int(x) for x in q[:nfree]), basis=V.tocsr(), reps=reps))
    return SectorDecomposition(sectors=sectors, orders=tuple(ords), group=group,
                               fixed=tuple(zip(fix_ords, fix_q)), method=method)


def sector_blocks(H, dec: SectorDecomposition) -> list[np.ndarray]:
    """Dense sector Hamiltonians ``V^dagger H V`` in the order of ``dec.sectors``."""
    H = sp.csr_matrix(H)
    return [s.block(H) for s in dec.sectors]


from .nonabelian import isotypic_sectors  # noqa: E402  (re-export)
