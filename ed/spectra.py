"""Per-sector full spectra: dense LAPACK per sector, sectors in parallel.

:func:`compute_spectra` takes realisations of a Hamiltonian (all sharing the
same symmetry) and a :class:`~ed.sectors.SectorDecomposition`, builds each
dense sector block and diagonalises it with ``scipy.linalg.eigvalsh``.
Blocks go to worker processes (``concurrent.futures``) with BLAS pinned to
``blas_threads`` threads per worker (threadpoolctl), so ``workers x
blas_threads`` never oversubscribes the cores; ``backend="dask"`` sends them
to a ``dask.distributed`` client instead (optional dependency).

Examples
--------
>>> import numpy as np
>>> from ed.models import s3_chain
>>> from ed.sectors import abelian_sectors
>>> from ed.spectra import compute_spectra
>>> m = s3_chain(4, rng=np.random.default_rng(0))
>>> dec = abelian_sectors(m.generators, m.orders)
>>> sp_ = compute_spectra([m.H], dec, workers=1)
>>> sp_.dims, sp_.eigenvalues[0].shape
([27, 27, 27], (1, 27))
"""
from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import scipy.linalg as sla

from common.errors import SymbootInputError

from .atomic import atomic_target
from .sectors import SectorDecomposition

__all__ = ["SectorSpectra", "compute_spectra", "eigvalsh_block", "save_spectra", "load_spectra"]


@dataclass
class SectorSpectra:
    """Full spectra of every sector for every realisation.

    Attributes
    ----------
    charges : charge vector (or irrep label) per sector, lexicographic order.
    dims : block dimension ``D_mu`` per sector (multiplicity space).
    irrep_dims : ``n_mu`` per sector (1 for abelian N).
    orders : generator orders ``n_i`` (abelian N).
    eigenvalues : one ``(n_realisations, D_mu)`` array per sector, ascending.
    labels : display labels per sector.
    params : model parameters / provenance (JSON-serialisable).
    """

    charges: list[tuple[int, ...]]
    dims: list[int]
    eigenvalues: list[np.ndarray]
    irrep_dims: list[int] = field(default_factory=list)
    orders: tuple[int, ...] = ()
    labels: list[str] = field(default_factory=list)
    params: dict = field(default_factory=dict)

    def __post_init__(self):
        if not self.irrep_dims:
            self.irrep_dims = [1] * len(self.dims)
        if not self.labels:
            self.labels = [",".join(map(str, c)) for c in self.charges]

    @property
    def n_realisations(self) -> int:
        return int(self.eigenvalues[0].shape[0]) if self.eigenvalues else 0

    @property
    def n_sectors(self) -> int:
        return len(self.dims)

    def realisation(self, k: int) -> list[np.ndarray]:
        """Spectra of all sectors for realisation ``k``."""
        return [e[k] for e in self.eigenvalues]


def eigvalsh_block(block: np.ndarray, blas_threads: int | None = 1) -> np.ndarray:
    """Eigenvalues of one dense Hermitian block (lower triangle read), BLAS
    limited to ``blas_threads``.

    Examples
    --------
    >>> eigvalsh_block(np.array([[2.0, 1.0], [1.0, 2.0]])).tolist()
    [1.0, 3.0]
    """
    from threadpoolctl import threadpool_limits

    if block.shape[0] == 0:
        return np.zeros(0)
    with threadpool_limits(limits=blas_threads):
        return sla.eigvalsh(block, lower=True, overwrite_a=True, check_finite=False)


def _job(H, sector, blas_threads):
    return eigvalsh_block(sector.block(H), blas_threads)


def _dask_jobs(client, Hs, sectors, jobs, blas_threads, done):
    """Run job ``k`` (realisation ``k // len(sectors)``, sector ``k % len(sectors)``) for each
    ``k`` in ``jobs`` on a dask client; ``done(k, eigenvalues)`` as each finishes."""
    from dask.distributed import as_completed

    ns = len(sectors)
    # every Hamiltonian and basis goes to the cluster once, not once per job
    h_fut, s_fut = client.scatter(Hs), client.scatter(list(sectors))
    futs = {client.submit(_job, h_fut[k // ns], s_fut[k % ns], blas_threads, pure=False): k for k in jobs}
    for f in as_completed(futs):
        done(futs[f], f.result())


def _progress(total: int, desc: str, enabled: bool):
    if not enabled:
        return None
    try:
        from rich.progress import Progress
        from rich.console import Console

        p = Progress(console=Console(stderr=True), transient=True)
        p.start()
        task = p.add_task(desc, total=total)
        return p, task
    except Exception:  # pragma: no cover - progress is cosmetic
        return None


def compute_spectra(hamiltonians: Sequence, dec: SectorDecomposition, *, workers: int | None = None,
                    blas_threads: int = 1, backend: str = "process", params: dict | None = None,
                    progress: bool = False, dask_client=None) -> SectorSpectra:
    """Diagonalise every sector block of every realisation.

    Parameters
    ----------
    hamiltonians : realisations (sparse or dense), all commuting with ``dec``'s generators.
    dec : the sector decomposition (bases are shared by all realisations).
    workers : processes (default: ``os.cpu_count() // blas_threads``; 1 = in-process).
    blas_threads : BLAS threads per worker (pinned with threadpoolctl).
    backend : ``"process"`` or ``"dask"`` (needs dask.distributed): every (realisation, sector)
        block is one task on ``dask_client``, or on a local cluster of ``workers`` processes that
        is started for this call and shut down again.
    dask_client : a ``dask.distributed.Client`` to use (left open: the caller owns it).
    params : metadata stored with the result.
    progress : show a progress bar on stderr.
    """
    import scipy.sparse as sp

    if backend not in ("process", "dask"):
        raise SymbootInputError(f"unknown backend {backend!r}: use 'process' or 'dask'")
    Hs = [sp.csr_matrix(H) for H in hamiltonians]
    if not Hs:
        raise SymbootInputError("no Hamiltonian given")
    ns = len(dec.sectors)
    # job k = realisation k // ns, sector k % ns; biggest blocks first so that the pool's tail is short
    order = sorted(range(len(Hs) * ns), key=lambda k: -dec.sectors[k % ns].dim)
    results: list = [None] * (len(Hs) * ns)
    if workers is None:
        workers = max(1, (os.cpu_count() or 1) // max(1, blas_threads))
    bar = _progress(len(results), "diagonalising sectors", progress)

    def done(k, eigenvalues):
        results[k] = eigenvalues
        if bar:
            bar[0].advance(bar[1])

    try:
        if backend == "dask":
            try:
                from dask.distributed import Client
            except ImportError as exc:
                raise SymbootInputError("backend 'dask' needs dask.distributed (pip install 'dask[distributed]')") from exc
            if dask_client is not None:
                _dask_jobs(dask_client, Hs, dec.sectors, order, blas_threads, done)
            else:  # a local cluster of our own, shut down (workers joined) when done or on error
                with Client(processes=True, n_workers=workers, threads_per_worker=1, dashboard_address=None) as client:
                    _dask_jobs(client, Hs, dec.sectors, order, blas_threads, done)
        elif workers <= 1 or len(results) == 1:
            for k in order:
                done(k, _job(Hs[k // ns], dec.sectors[k % ns], blas_threads))
        else:
            with ProcessPoolExecutor(max_workers=workers) as ex:
                futs = {ex.submit(_job, Hs[k // ns], dec.sectors[k % ns], blas_threads): k for k in order}
                for f in as_completed(futs):
                    done(futs[f], f.result())
    finally:
        if bar:
            bar[0].stop()
    eig = [np.stack([results[r * ns + s] for r in range(len(Hs))]) for s in range(ns)]
    return SectorSpectra(charges=list(dec.charges), dims=list(dec.dims), eigenvalues=eig,
                         irrep_dims=list(dec.irrep_dims), orders=tuple(dec.orders),
                         labels=list(dec.labels), params=dict(params or {}))


def _meta(s: SectorSpectra) -> str:
    return json.dumps(dict(charges=[list(c) for c in s.charges], dims=s.dims, irrep_dims=s.irrep_dims,
                           orders=list(s.orders), labels=s.labels, params=s.params))


def save_spectra(s: SectorSpectra, path: str | Path) -> Path:
    """Write to HDF5 (``.h5``/``.hdf5``) or NPZ (anything else), atomically
    (a temporary file renamed into place, so no half-written file remains).

    Examples
    --------
    >>> import tempfile, os
    >>> s = SectorSpectra([(0,), (1,)], [2, 1], [np.array([[0.0, 1.0]]), np.array([[0.5]])])
    >>> p = save_spectra(s, os.path.join(tempfile.mkdtemp(), "x.npz"))
    >>> load_spectra(p).eigenvalues[1].tolist()
    [[0.5]]
    """
    path = Path(path)
    with atomic_target(path, path.suffix) as tmp:
        if path.suffix in (".h5", ".hdf5"):
            import h5py

            with h5py.File(tmp, "w") as f:
                f.attrs["symboot_spectra"] = _meta(s)
                for k, e in enumerate(s.eigenvalues):
                    f.create_dataset(f"sector_{k}", data=e)
        else:
            with open(tmp, "wb") as fh:
                np.savez(fh, __meta__=np.array(_meta(s)),
                         **{f"sector_{k}": e for k, e in enumerate(s.eigenvalues)})
    return path


def load_spectra(path: str | Path) -> SectorSpectra:
    """Read a file written by :func:`save_spectra`.

    Raises
    ------
    SymbootInputError
        The file is missing or is not a spectra file; its metadata are malformed or
        disagree with the data (number of sectors, their dimensions, the realisations);
        a dataset holds text, NaN or has the wrong shape.
    """
    path = Path(path)
    if not path.exists():
        raise SymbootInputError(f"file not found: {path}")
    try:
        meta, data = _read_spectra(path)
    except SymbootInputError:
        raise
    except Exception as exc:  # h5py's, zlib's and json's own errors: their messages name the damage
        raise SymbootInputError(f"cannot read spectra from {path}: {exc}") from None
    return _checked_spectra(meta, data, path)


_NOT_SPECTRA = "not a spectra file written by `symboot spectra` (no {} metadata)"


def _read_spectra(path: Path) -> tuple[str, dict]:
    """The metadata (JSON text) and every ``sector_<k>`` dataset, unchecked."""
    if path.suffix in (".h5", ".hdf5"):
        import h5py

        with h5py.File(path, "r") as f:
            if "symboot_spectra" not in f.attrs:
                raise SymbootInputError(f"{path}: {_NOT_SPECTRA.format('symboot_spectra')}")
            return f.attrs["symboot_spectra"], {k: np.asarray(v) for k, v in f.items()
                                                if k.startswith("sector_") and isinstance(v, h5py.Dataset)}
    from .validate import read_arrays

    arrays = read_arrays(path, "spectra")
    if "__meta__" not in arrays:
        raise SymbootInputError(f"{path}: {_NOT_SPECTRA.format('__meta__')}")
    return str(arrays.pop("__meta__")), arrays


def _checked_spectra(text, data: dict, path: Path) -> SectorSpectra:
    """:class:`SectorSpectra` from a file's metadata and datasets, every field checked."""
    from .validate import check_array

    try:
        meta = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise SymbootInputError(f"{path}: the spectra metadata are not valid JSON ({exc})") from None
    if not isinstance(meta, dict) or not {"charges", "dims"} <= set(meta):
        raise SymbootInputError(f"{path}: the spectra metadata must be a JSON object with charges and dims")
    dims = check_array(meta["dims"], f"{path}: metadata dims", shape=(None,), integer=True, positive=True).tolist()
    S = len(dims)
    if S == 0:
        raise SymbootInputError(f"{path}: the metadata name no sector")
    charges = check_array(meta["charges"], f"{path}: metadata charges", shape=(S, None), integer=True)
    irrep_dims = check_array(meta.get("irrep_dims", [1] * S), f"{path}: metadata irrep_dims", shape=(S,),
                             integer=True, positive=True).tolist()
    orders = check_array(meta.get("orders", []), f"{path}: metadata orders", shape=(None,), integer=True,
                         positive=True).tolist()
    labels = meta.get("labels", [])
    if not (isinstance(labels, list) and all(isinstance(x, str) for x in labels) and len(labels) in (0, S)):
        raise SymbootInputError(f"{path}: metadata labels must be {S} strings, one per sector")
    params = meta.get("params", {})
    if not isinstance(params, dict):
        raise SymbootInputError(f"{path}: metadata params must be a JSON object")
    extra = sorted(set(data) - {f"sector_{k}" for k in range(S)}, key=str)
    if extra:
        raise SymbootInputError(f"{path}: datasets {', '.join(extra)} beyond the {S} sectors the metadata name")
    missing = [f"sector_{k}" for k in range(S) if f"sector_{k}" not in data]
    if missing:
        raise SymbootInputError(f"{path}: missing dataset(s) {', '.join(missing)} for the {S} sectors the metadata name")
    first = check_array(data["sector_0"], f"{path}: sector_0", shape=(None, dims[0]))
    if first.shape[0] == 0:
        raise SymbootInputError(f"{path}: no realisation stored")
    # levels are a set: the order in the file carries no meaning, the analysis wants them ascending
    eig = [np.sort(check_array(data[f"sector_{k}"], f"{path}: sector_{k}", shape=(first.shape[0], d)).astype(float),
                   axis=1) for k, d in enumerate(dims)]
    return SectorSpectra(charges=[tuple(c) for c in charges.tolist()], dims=dims, eigenvalues=eig,
                         irrep_dims=irrep_dims, orders=tuple(orders), labels=labels, params=params)
