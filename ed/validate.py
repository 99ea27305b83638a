"""Input checks shared by the library and the CLI.

Every failure raises :class:`common.errors.SymbootInputError` with a message
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

from pathlib import Path

import numpy as np
import scipy.sparse as sp

from common.errors import SymbootInputError

__all__ = ["as_sparse", "check_hamiltonian", "check_generator", "check_antiunitary", "check_commuting", "find_order",
           "check_array", "check_matrix", "read_arrays"]

#: relative tolerance of all exact-symmetry checks (dense LAPACK level is ~1e-13)
TOL = 1e-8


#: dtype kinds that hold numbers: bool, signed and unsigned integers, floats, complex
_NUMERIC = "biufc"
_KIND_NAMES = {"U": "text", "S": "bytes", "O": "Python objects", "V": "raw records", "M": "dates", "m": "time spans"}


def _numeric_dtype(dtype, name: str) -> None:
    if dtype.kind not in _NUMERIC:
        raise SymbootInputError(f"{name} holds {_KIND_NAMES.get(dtype.kind, 'non-numeric data')} "
                                f"(dtype {dtype}), not numbers")


def check_array(a, name: str, *, shape: tuple | None = None, integer: bool = False, positive: bool = False,
                finite: bool = True) -> np.ndarray:
    """Check an array read from a file: real numbers, the expected shape, finite.

    Parameters
    ----------
    a : array_like
        The array (e.g. one entry of an NPZ or HDF5 file).
    name : str
        How the messages name it (file and key).
    shape : tuple of (int or None), optional
        Expected shape; ``None`` entries match any length, ``()`` is a scalar.
    integer : bool
        Require integral values; the result is then ``int64``.
    positive : bool
        Require every value ``> 0``.
    finite : bool
        Refuse NaN and inf.

    Returns
    -------
    numpy.ndarray
        ``a`` as a real array (``int64`` when ``integer``).

    Raises
    ------
    SymbootInputError
        Text or object data, complex values, a wrong shape, NaN/inf, non-integral or
        non-positive values.

    Examples
    --------
    >>> check_array([1, 2], "dims", shape=(None,), integer=True).tolist()
    [1, 2]
    >>> try:
    ...     check_array(np.zeros((2, 3)), "x.npz: K", shape=(2, 2, None))
    ... except ValueError as e:
    ...     print(e)
    x.npz: K has shape (2, 3), expected (2, 2, any)
    """
    try:
        a = np.asarray(a)
    except (ValueError, TypeError):  # ragged nested lists
        raise SymbootInputError(f"{name} is not a regular array (rows of different lengths)") from None
    _numeric_dtype(a.dtype, name)
    if shape is not None and (a.ndim != len(shape) or any(n is not None and n != m for n, m in zip(shape, a.shape))):
        want = "a scalar" if shape == () else "(" + ", ".join("any" if n is None else str(n) for n in shape) + \
            ("," if len(shape) == 1 else "") + ")"
        raise SymbootInputError(f"{name} has shape {a.shape}, expected {want}")
    if finite and not np.all(np.isfinite(a)):
        raise SymbootInputError(f"{name} contains NaN or inf")
    if np.iscomplexobj(a):
        if np.any(a.imag):
            raise SymbootInputError(f"{name} holds complex numbers, expected real ones")
        a = a.real
    if integer:
        if not np.all(a == np.round(a)):
            raise SymbootInputError(f"{name} must hold integers")
        a = a.astype(np.int64)
    if positive and not np.all(a > 0):
        raise SymbootInputError(f"{name} must be positive, got {a.tolist() if a.size <= 8 else 'a value <= 0'}")
    return a


def check_matrix(a, name: str = "matrix"):
    """Check that ``a`` (dense or sparse) is a non-empty square matrix of numbers; return it unchanged.

    Examples
    --------
    >>> check_matrix(np.eye(2)).shape
    (2, 2)
    >>> try:
    ...     check_matrix(np.zeros((2, 2, 2)), "H.npy")
    ... except ValueError as e:
    ...     print(e)
    H.npy is not a square matrix (shape (2, 2, 2))
    """
    if not sp.issparse(a):
        a = np.asarray(a)
    _numeric_dtype(a.dtype, name)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise SymbootInputError(f"{name} is not a square matrix (shape {a.shape})")
    if a.shape[0] == 0:
        raise SymbootInputError(f"{name} is empty")
    return a


def read_arrays(path, what: str) -> dict[str, np.ndarray]:
    """Every array of an NPZ file (or the one array of an NPY file, as ``arr_0``).

    The file kind is told from its first bytes, not its name, and nothing pickled is
    ever loaded: a file that is neither NPY nor NPZ, or that holds Python objects, is refused.

    Parameters
    ----------
    path : str or Path
    what : str
        What the file should hold, for the messages (``"a matrix"``, ``"spectra"``).

    Raises
    ------
    SymbootInputError
        Missing or unreadable file, not NPY/NPZ, pickled content, a damaged archive.
    """
    p = Path(path)
    if not p.exists():
        raise SymbootInputError(f"file not found: {path}")
    try:
        with open(p, "rb") as fh:
            head = fh.read(6)
    except OSError as exc:
        raise SymbootInputError(f"cannot read {what} from {path}: {exc.strerror}") from None
    if not head.startswith((b"\x93NUMPY", b"PK")):
        raise SymbootInputError(f"cannot read {what} from {path}: not an NPY or NPZ file")
    try:
        if head.startswith(b"PK"):
            with np.load(p, allow_pickle=False) as z:
                return {k: z[k] for k in z.files}
        return {"arr_0": np.load(p, allow_pickle=False)}
    except ValueError as exc:
        if "pickle" in str(exc) or "Object arrays" in str(exc):
            raise SymbootInputError(f"cannot read {what} from {path}: it holds Python objects (pickled data), "
                                    "which symboot never loads; save plain numeric arrays") from None
        raise SymbootInputError(f"cannot read {what} from {path}: {exc}") from None
    except Exception as exc:  # a damaged archive: zipfile, zlib and numpy's own errors
        raise SymbootInputError(f"cannot read {what} from {path}: {exc}") from None


def as_sparse(a, name: str = "matrix") -> sp.csr_matrix:
    """Return ``a`` as a complex CSR matrix after checking it is square and finite."""
    a = check_matrix(a, name)
    m = sp.csr_matrix(a, dtype=complex) if not sp.issparse(a) else a.tocsr().astype(complex)
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
    if order is not None and (isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 1):
        raise SymbootInputError(f"{name}: the declared order must be a positive integer, got {order!r}")
    U = as_sparse(U, name)
    mono = _check_unitary(U, name)
    limit = max_order if order is None else order
    n = _monomial_order(*mono, limit) if mono is not None else find_order(U, max_order=limit)
    if order is not None:
        if n != order:
            got = f"no power U^k with k <= {order} is 1" if n is None else f"its order is {n}"
            raise SymbootInputError(f"{name} does not have the declared order {order} ({got})")
    elif n is None:
        raise SymbootInputError(f"{name} has no finite order <= {max_order} (U^n != 1)")
    return U, n


def _check_unitary(U: sp.csr_matrix, name: str):
    """Raise unless ``U U^dagger = 1`` to ``TOL``; return :func:`monomial_form` of ``U``."""
    mono = monomial_form(U)
    if mono is not None:  # a permutation times phases: unitary iff every |phase| = 1
        err = float(np.abs(np.abs(mono[1]) ** 2 - 1).max())
    else:
        prod = (U @ U.conj().T).tocsr() - sp.identity(U.shape[0], format="csr")
        err = float(abs(prod).max()) if prod.nnz else 0.0
    if err > TOL:
        raise SymbootInputError(f"{name} is not unitary: max |U U^dagger - 1| = {err:.3g}")
    return mono


def check_antiunitary(A, hamiltonians, name: str = "anti-unitary") -> sp.csr_matrix:
    """Check the unitary part ``A`` of an anti-unitary ``T = A K`` (``K`` complex conjugation
    in the given basis): unitary, and ``T H = H T``, i.e. ``A conj(H) = H A``, for every
    Hamiltonian. Its square ``T^2 = A conj(A)`` is checked per sector
    (:func:`ed.symclass.antiunitary_sector_map`). Returns ``A`` as CSR.

    >>> import numpy as np
    >>> H = np.array([[1.0, 0.5], [0.5, -1.0]])
    >>> check_antiunitary(np.eye(2), [H]).shape
    (2, 2)
    >>> try:
    ...     check_antiunitary(np.eye(2), [H + 0.3j * np.array([[0, 1], [-1, 0]])])
    ... except ValueError as e:
    ...     print(str(e).split(":")[0])
    anti-unitary does not commute with Hamiltonian 1
    """
    A = as_sparse(A, name)
    _check_unitary(A, name)
    for i, H in enumerate(hamiltonians):
        H = sp.csr_matrix(H)
        if H.shape != A.shape:
            raise SymbootInputError(f"{name} is {A.shape[0]} x {A.shape[1]} but Hamiltonian {i + 1} is "
                                    f"{H.shape[0]} x {H.shape[1]}")
        c = (A @ H.conj() - H @ A).tocsr()
        err = float(abs(c).max()) if c.nnz else 0.0
        if err > TOL * _scale(H):
            raise SymbootInputError(f"{name} does not commute with Hamiltonian {i + 1}: "
                                    f"max |A conj(H) - H A| = {err:.3g}")
    return A


def check_commuting(A: sp.csr_matrix, B: sp.csr_matrix, what: str) -> None:
    """Raise unless ``[A, B] = 0`` to ``TOL`` relative to the entries of ``A`` and ``B``."""
    A, B = sp.csr_matrix(A), sp.csr_matrix(B)
    c = (A @ B - B @ A).tocsr()
    err = float(abs(c).max()) if c.nnz else 0.0
    if err > TOL * _scale(A) * _scale(B):
        raise SymbootInputError(f"{what} do not commute: max |[A, B]| = {err:.3g}")
