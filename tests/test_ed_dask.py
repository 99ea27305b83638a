"""ed.spectra's dask.distributed backend: a real local cluster, checked against numpy on sector
blocks built here from dense projectors (not by ed.sectors), and the error without dask."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from ed.models import s3_chain
from ed.sectors import abelian_sectors
from ed.spectra import compute_spectra
from common.errors import SymbootInputError


def _independent_sector_spectra(H, L):
    """Eigenvalues of H in each Z3 charge sector q of P_X = X^(x)L (eigenvalue w^q): an
    orthonormal basis of the range of P_q = (1/3) sum_a w^{-qa} P_X^a from numpy.linalg.eigh."""
    w = np.exp(2j * np.pi / 3)
    PX = np.ones((1, 1))
    for _ in range(L):
        PX = np.kron(PX, np.roll(np.eye(3), 1, axis=0))
    out = []
    for q in range(3):
        P = sum(w ** (-q * a) * np.linalg.matrix_power(PX, a) for a in range(3)) / 3
        lam, vec = np.linalg.eigh(P)
        B = vec[:, lam > 0.5]
        out.append(np.linalg.eigvalsh(B.conj().T @ H @ B))
    return out


@pytest.fixture(scope="module")
def ensemble():
    """Chiral S3 chain (theta, phi != 0: the three sectors differ), L = 5, two realisations."""
    L = 5
    ms = [s3_chain(L, theta=0.4, phi=0.3, rng=np.random.default_rng(k)) for k in range(2)]
    dec = abelian_sectors(ms[0].generators, ms[0].orders, H=ms[0].H)
    truth = [_independent_sector_spectra(m.H.toarray(), L) for m in ms]
    return ms, dec, truth


def _check(spec, dec, truth):
    assert spec.charges == [(0,), (1,), (2,)] and spec.n_realisations == len(truth)
    for s, (q,) in enumerate(spec.charges):
        for r in range(len(truth)):
            np.testing.assert_allclose(spec.eigenvalues[s][r], truth[r][q], atol=1e-10)


def test_dask_backend_on_a_given_client(ensemble):
    """Every (realisation, sector) task on a caller's cluster of two worker processes (the
    tasks are pickled across); the caller's client stays usable afterwards."""
    distributed = pytest.importorskip("distributed", reason="dask.distributed not installed")
    ms, dec, truth = ensemble
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        spec = compute_spectra([m.H for m in ms], dec, backend="dask", dask_client=client)
        assert client.status == "running" and len(client.scheduler_info()["workers"]) == 2
    _check(spec, dec, truth)


def test_dask_backend_own_cluster_is_shut_down(ensemble):
    """Without a client compute_spectra starts a local cluster and shuts it down: no worker
    process outlives the call, no client is left registered."""
    pytest.importorskip("distributed", reason="dask.distributed not installed")
    import psutil
    from distributed.client import _get_global_client

    ms, dec, truth = ensemble
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    spec = compute_spectra([m.H for m in ms], dec, backend="dask", workers=1)
    _check(spec, dec, truth)
    left = [p for p in psutil.Process().children(recursive=True) if p.pid not in before and p.is_running()
            and p.status() != psutil.STATUS_ZOMBIE]
    assert left == [] and _get_global_client() is None


def test_dask_backend_without_dask_says_how_to_install(ensemble, monkeypatch):
    ms, dec, _ = ensemble
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import fails as if not installed
    with pytest.raises(SymbootInputError, match=r"pip install 'dask\[distributed\]'"):
        compute_spectra([ms[0].H], dec, backend="dask")


def test_unknown_backend_is_refused(ensemble):
    ms, dec, _ = ensemble
    with pytest.raises(SymbootInputError, match="unknown backend 'threads'"):
        compute_spectra([ms[0].H], dec, backend="threads")
