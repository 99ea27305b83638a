"""Benchmarks of ed/ (plain script; results go to bench/RESULTS_ed.md).

    nice -n 10 .venv/bin/python bench/bench_ed.py [--quick]

(1) time per sector: ed.spectra.eigvalsh_block vs numpy.linalg.eigvalsh and
    scipy.linalg.eigvalsh on the same dense block (D >= 2000), and the whole
    per-sector job (block build + diagonalisation);
(2) basis + Hamiltonian construction vs QuSpin, same model and sector
    (random-coupling open XXZ chain, spin-flip-even sector: dense block at L = 12,
    sparse sector matrix at L = 18); ed builds the sector matrix from the local
    terms (ed.sectors.sector_matrix); at L = 12 also from the full-space matrix
    (Sector.block). Calls alternate between ed and QuSpin, best of n each;
(3) xSFF sums for D = T = 10^4: finufft type 3 vs the dense numpy sum.
BLAS is pinned to one thread (threadpoolctl) everywhere; peak memory is the
tracemalloc peak (numpy buffers) of each step, plus the process max RSS.
"""
from __future__ import annotations

import argparse
import platform
import resource
import sys
import time
import tracemalloc

import numpy as np
import scipy.linalg as sla
from threadpoolctl import threadpool_limits


def best_of(f, n=3):
    ts = []
    for _ in range(n):
        t = time.perf_counter()
        r = f()
        ts.append(time.perf_counter() - t)
    return min(ts), r


def peak_mb(f):
    tracemalloc.start()
    f()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def bench_sector(quick):
    from ed.models import random_g_chain, NAMED_GROUPS
    from ed.sectors import abelian_sectors
    from ed.spectra import _job, eigvalsh_block

    gens, _ = NAMED_GROUPS["S3"]
    L = 7 if quick else 8
    m = random_g_chain(gens, L, known=[[1, 2, 0]], rng=np.random.default_rng(0))
    dec = abelian_sectors(m.generators, m.orders)
    s = dec.sectors[1]
    block = s.block(m.H)
    D = block.shape[0]
    n = 2 if quick else 3
    t_np, e_np = best_of(lambda: np.linalg.eigvalsh(block), n)
    t_sc, e_sc = best_of(lambda: sla.eigvalsh(block), n)
    t_ed, e_ed = best_of(lambda: eigvalsh_block(block.copy(), 1), n)
    t_job, e_job = best_of(lambda: _job(m.H, s, 1), n)
    err = max(np.abs(e_ed - e_np).max(), np.abs(e_job - e_np).max())
    return dict(D=D, numpy=t_np, scipy=t_sc, ed=t_ed, ed_job=t_job, ratio=t_ed / min(t_np, t_sc),
                ratio_job=t_job / min(t_np, t_sc), maxdiff=err,
                mem_ed=peak_mb(lambda: _job(m.H, s, 1)), mem_np=peak_mb(lambda: np.linalg.eigvalsh(block)))


def xxz_terms(L, J, Jz):
    """Random open XXZ chain as local terms (sigma matrices, as QuSpin's ``pauli=True``)."""
    sx = np.array([[0, 1], [1, 0]], dtype=float)
    sy = np.array([[0, -1j], [1j, 0]])
    sz = np.diag([1.0, -1.0])
    xy = (np.kron(sx, sx) + np.kron(sy, sy)).real
    return [(J[j] * xy + Jz[j] * np.kron(sz, sz), (j, j + 1)) for j in range(L - 1)]  # open: no momentum


def xxz_ours(L, J, Jz, dense=True):
    """ed: spin-flip-even basis (the flip fixed to charge 0, one sector as QuSpin's zblock=1),
    then the sector matrix straight from the representatives."""
    from ed.operators import onsite_product
    from ed.sectors import abelian_sectors, sector_matrix

    sx = np.array([[0, 1], [1, 0]], dtype=float)
    s = abelian_sectors([], fixed=[(onsite_product(sx, L), 2, 0)]).sectors[0]
    A = sector_matrix(xxz_terms(L, J, Jz), s, L, 2)
    return (A.toarray() if dense else A), s.dim


def xxz_ours_full(L, J, Jz):
    """ed from the full-space matrix (what compute_spectra gets): bond_op sum, then Sector.block."""
    from ed.operators import bond_op, onsite_product
    from ed.sectors import abelian_sectors

    sx = np.array([[0, 1], [1, 0]], dtype=float)
    H = sum(bond_op(op, j, L, 2) for op, (j, _) in xxz_terms(L, J, Jz))
    s = abelian_sectors([], fixed=[(onsite_product(sx, L), 2, 0)]).sectors[0]
    return s.block(H), s.dim


def xxz_quspin(L, J, Jz, dense=True):
    from quspin.basis import spin_basis_1d
    from quspin.operators import hamiltonian

    basis = spin_basis_1d(L, zblock=1, pauli=True)
    static = [["xx", [[J[j], j, j + 1] for j in range(L - 1)]], ["yy", [[J[j], j, j + 1] for j in range(L - 1)]],
              ["zz", [[Jz[j], j, j + 1] for j in range(L - 1)]]]
    H = hamiltonian(static, [], basis=basis, dtype=np.float64, check_symm=False, check_herm=False,
                    check_pcon=False)
    return (H.toarray() if dense else H.tocsr()), basis.Ns


def best_of_interleaved(funcs, n):
    """Best of ``n`` for each function, calls interleaved so that load from other jobs on
    a shared machine hits all alike; ``[(time, result), ...]``."""
    ts = [[] for _ in funcs]
    res = [None] * len(funcs)
    for _ in range(n):
        for k, fun in enumerate(funcs):
            t = time.perf_counter()
            res[k] = fun()
            ts[k].append(time.perf_counter() - t)
    return [(min(t), r) for t, r in zip(ts, res)]


def _construction_inputs(L, dense=True):
    """Random couplings (J, Jz) for the construction benchmarks, QuSpin's numba JIT warmed up
    for that format; None when QuSpin is not installed."""
    try:
        import quspin  # noqa: F401
    except ImportError:
        return None
    rng = np.random.default_rng(1)
    J, Jz = 1 + 0.3 * rng.standard_normal(L), 0.7 + 0.3 * rng.standard_normal(L)
    xxz_quspin(L, J, Jz, dense=dense)  # numba JIT warm-up
    return J, Jz


def bench_construction(quick):
    """Dense sector block, L = 12 (D = 2048): ed from terms, ed from the full matrix, QuSpin."""
    L = 10 if quick else 12
    if (inputs := _construction_inputs(L)) is None:
        return dict(L=L, skipped="quspin not installed")
    J, Jz = inputs
    n = 5 if quick else 15
    (t_ours, (Bo, Do)), (t_full, (Bf, _)), (t_qs, (Bq, _)) = best_of_interleaved(
        [lambda: xxz_ours(L, J, Jz), lambda: xxz_ours_full(L, J, Jz), lambda: xxz_quspin(L, J, Jz)], n)
    eq = np.linalg.eigvalsh(Bq)
    diff = max(np.abs(np.linalg.eigvalsh(Bo) - eq).max(), np.abs(np.linalg.eigvalsh(Bf) - eq).max())
    return dict(L=L, D=Do, ours=t_ours, quspin=t_qs, ratio=t_ours / t_qs, full=t_full, ratio_full=t_full / t_qs,
                maxdiff=float(diff), mem_ours=peak_mb(lambda: xxz_ours(L, J, Jz)),
                mem_full=peak_mb(lambda: xxz_ours_full(L, J, Jz)), mem_qs=peak_mb(lambda: xxz_quspin(L, J, Jz)))


def bench_construction_sparse(quick):
    """Same model, sparse sector matrix (no densification), L = 18 (D = 131072)."""
    L = 14 if quick else 18
    if (inputs := _construction_inputs(L, dense=False)) is None:
        return dict(L=L, skipped="quspin not installed")
    J, Jz = inputs
    (t_ours, (Ao, Do)), (t_qs, (Aq, _)) = best_of_interleaved(
        [lambda: xxz_ours(L, J, Jz, dense=False), lambda: xxz_quspin(L, J, Jz, dense=False)], 3 if quick else 5)
    # basis orders may differ: compare order-free invariants (trace of A and A^2, sorted diagonal)
    inv = float(max(abs(Ao.diagonal().sum() - Aq.diagonal().sum()), abs(abs(Ao).power(2).sum() - abs(Aq).power(2).sum()),
                    np.abs(np.sort(Ao.diagonal()) - np.sort(Aq.diagonal())).max()))
    return dict(L=L, D=Do, ours=t_ours, quspin=t_qs, ratio=t_ours / t_qs, nnz=(Ao.nnz, Aq.nnz), invdiff=inv,
                mem_ours=peak_mb(lambda: xxz_ours(L, J, Jz, dense=False)),
                mem_qs=peak_mb(lambda: xxz_quspin(L, J, Jz, dense=False)))


def bench_xsff(quick):
    from ed.xsff import filtered_z

    D = T = 10**4
    rng = np.random.default_rng(2)
    E = np.sort(rng.standard_normal(D))
    t = np.geomspace(0.5, 2 * np.pi * D / 2, T)
    c, w = 0.0, 0.4

    def dense():
        g = np.exp(-((E - c) ** 2) / (2 * w * w))
        out = np.empty(T, dtype=complex)
        for a in range(0, T, 1000):  # 1000 x D chunks: 160 MB at a time
            out[a:a + 1000] = np.exp(-1j * np.outer(t[a:a + 1000], E)) @ g
        return out

    t_nu, z_nu = best_of(lambda: filtered_z(E, t, c, w, eps=1e-12), 3)
    t_de, z_de = best_of(dense, 1 if quick else 2)
    err = float(np.abs(z_nu - z_de).max() / max(1.0, np.abs(z_de).max()))
    return dict(D=D, T=T, nufft=t_nu, dense=t_de, speedup=t_de / t_nu, maxrelerr=err,
                mem_nufft=peak_mb(lambda: filtered_z(E, t, c, w, eps=1e-12)), mem_dense=peak_mb(dense))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller sizes (smoke run)")
    a = ap.parse_args()
    print(f"# machine: {platform.machine()}, {platform.processor() or platform.platform()}, "
          f"python {platform.python_version()}, numpy {np.__version__}")
    with threadpool_limits(1):
        r1 = bench_sector(a.quick)
        print(f"(1) sector D={r1['D']}: numpy {r1['numpy']:.3f}s  scipy {r1['scipy']:.3f}s  "
              f"ed.eigvalsh_block {r1['ed']:.3f}s  (ratio {r1['ratio']:.3f}); whole job incl. block build "
              f"{r1['ed_job']:.3f}s (ratio {r1['ratio_job']:.3f}); max |diff| {r1['maxdiff']:.1e}; "
              f"peak numpy MB: ed job {r1['mem_ed']:.0f}, numpy {r1['mem_np']:.0f}")
        r2 = bench_construction(a.quick)
        if "skipped" in r2:
            print(f"(2) skipped: {r2['skipped']}")
        else:
            print(f"(2) XXZ L={r2['L']} even sector D={r2['D']}, dense block: ed basis+H from terms {r2['ours']:.4f}s  "
                  f"QuSpin {r2['quspin']:.4f}s  (ratio {r2['ratio']:.2f}); ed from the full matrix "
                  f"{r2['full']:.4f}s (ratio {r2['ratio_full']:.2f}); spectra agree to {r2['maxdiff']:.1e}; "
                  f"peak MB: ed {r2['mem_ours']:.0f} (full matrix {r2['mem_full']:.0f}), QuSpin {r2['mem_qs']:.0f}")
        r2s = bench_construction_sparse(a.quick)
        if "skipped" not in r2s:
            print(f"(2b) XXZ L={r2s['L']} even sector D={r2s['D']}, sparse sector matrix: ed {r2s['ours']:.3f}s  "
                  f"QuSpin {r2s['quspin']:.3f}s  (ratio {r2s['ratio']:.2f}); nnz {r2s['nnz']}, invariants agree to "
                  f"{r2s['invdiff']:.1e}; peak MB: ed {r2s['mem_ours']:.0f}, QuSpin {r2s['mem_qs']:.0f}")
        r3 = bench_xsff(a.quick)
        print(f"(3) xSFF D=T={r3['D']}: finufft {r3['nufft']:.3f}s  dense {r3['dense']:.3f}s  "
              f"speedup {r3['speedup']:.0f}x  max rel err {r3['maxrelerr']:.1e}; "
              f"peak MB: finufft {r3['mem_nufft']:.1f}, dense {r3['mem_dense']:.0f}")
    print(f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
