"""Ready-made xSFF curves on disk: symboot's own NPZ layout and the authors' published one.

**symboot layout** (written by :func:`save_xsff`, ``symboot xsff --save-xsff F.npz``):
``format = "symboot-xsff"``, ``version = 1``; ``t`` (T,), ``K`` (S, S, T) connected
filtered xSFF on log time bins, ``plateau`` (S, S), ``g2`` (S, n_real), ``rho_center``
(S,), ``center``, ``width`` (the Gaussian filter), ``n_realisations``, ``connected``,
``charges`` (S, k), ``dims``, ``irrep_dims``, ``labels``, ``counts``, ``t_edges`` and the
standardised spectra ``levels_<m>`` (n_real, D_m) the block densities of the ramp fit
come from. Reading it back gives the same :class:`~ed.xsff.XSFF` and the same ramp.

**Authors' layout** (SPEC §2, EXAMPLES.md): ``t_calc`` (T,) linear times,
``sector_keys`` (S, k), ``sector_dims`` (isotypic dimensions n_mu D_mu), ``d_irreps``
(n_mu), optional ``sector_labels``, and per unordered sector pair ``K_<a>_<b>`` (raw)
and ``Ks_<a>_<b>`` (display smoothing), where ``<a>`` is the sector's token: its key
(``0``, ``1``) or its label with brackets dropped, ``,`` → ``_``, ``+`` → ``p``, ``-`` →
``m`` (``(0,+)`` → ``0_p``). K is ``<Re Z_mu Z_nu*>/(n_mu n_nu)`` without filter, so its
late-time value is the plateau P of SPEC §2 directly; the ramp is not universal at the
stored times and is not extracted (see :func:`symboot.pipeline.identify_curves`).

Examples
--------
>>> import numpy as np, tempfile, os
>>> from ed.spectra import SectorSpectra
>>> from ed.xsff import compute_xsff
>>> rng = np.random.default_rng(0)
>>> s = SectorSpectra([(0,), (1,)], [200, 200], [np.sort(rng.standard_normal((2, 200)), 1)] * 2)
>>> xs = compute_xsff(s, n_times=50)
>>> p = os.path.join(tempfile.mkdtemp(), "x.npz")
>>> _ = save_xsff(xs, p)
>>> bool(np.allclose(load_xsff(p).K, xs.K))
True
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from common.errors import SymbootInputError

from .atomic import atomic_target
from .validate import check_array, read_arrays
from .xsff import XSFF

__all__ = ["save_xsff", "load_xsff", "abelian_orders", "PLATEAU_FRACTION"]

FORMAT = "symboot-xsff"
#: the version of symboot's layout this code writes and reads
VERSION = 1
#: the authors' plateau is the mean over this last fraction of the stored times
PLATEAU_FRACTION = 0.4
_BLOCKS = 8


def save_xsff(xs: XSFF, path: str | Path) -> Path:
    """Write ``xs`` in symboot's layout (atomically: a temporary name, then rename)."""
    path = Path(path)
    arrays = dict(format=np.array(FORMAT), version=np.array(VERSION), t=xs.t, K=xs.K, plateau=xs.plateau, g2=xs.g2,
                  rho_center=xs.rho_center, center=np.array(xs.center), width=np.array(xs.width),
                  n_realisations=np.array(xs.n_realisations), connected=np.array(xs.connected),
                  charges=np.array(xs.charges, dtype=np.int64), dims=np.array(xs.dims, dtype=np.int64),
                  irrep_dims=np.array(xs.irrep_dims, dtype=np.int64), labels=np.array(xs.labels or [""] * len(xs.dims)),
                  counts=np.zeros(0) if xs.counts is None else xs.counts,
                  t_edges=np.zeros(0) if xs.t_edges is None else xs.t_edges)
    for m, lv in enumerate(xs.levels):
        arrays[f"levels_{m}"] = np.asarray(lv, dtype=float)
    with atomic_target(path, ".npz") as tmp:
        np.savez_compressed(tmp, **arrays)
    return path


def load_xsff(path: str | Path) -> XSFF:
    """Read xSFF curves in either layout (detected from the keys).

    Raises
    ------
    SymbootInputError
        Missing file, not an NPZ, unknown layout or version, missing arrays, arrays of the
        wrong shape or kind (text, NaN), times that are not increasing, metadata that
        disagree with the curves.
    """
    arrays = read_arrays(path, "xSFF curves")
    if "format" in arrays and str(arrays["format"]) == FORMAT:
        return _symboot(arrays, path)
    if "t_calc" in arrays:
        return _authors(arrays, path)
    raise SymbootInputError(f"{path}: not an xSFF file (neither symboot's layout, format={FORMAT!r}, nor the "
                            "authors' layout with t_calc, sector_keys, sector_dims, d_irreps, K_<a>_<b>)")


def _need(arrays: dict, keys, path) -> None:
    missing = [k for k in keys if k not in arrays]
    if missing:
        raise SymbootInputError(f"{path}: missing array(s) {', '.join(missing)}")


def _get(a: dict, key: str, path, **kw) -> np.ndarray:
    return check_array(a[key], f"{path}: {key}", **kw)


def _times(a: dict, key: str, path, positive: bool) -> np.ndarray:
    t = _get(a, key, path, shape=(None,)).astype(float)
    if len(t) < 2:
        raise SymbootInputError(f"{path}: {key} has {len(t)} time(s); curves need at least 2")
    if not np.all(np.diff(t) > 0):
        raise SymbootInputError(f"{path}: the times {key} must be strictly increasing")
    if t[0] < 0 or (positive and t[0] == 0):
        raise SymbootInputError(f"{path}: the times {key} must be {'positive (log bins)' if positive else '>= 0'}, "
                                f"got {t[0]:g}")
    return t


def _labels(a: dict, key: str, path, S: int) -> list[str]:
    lab = np.asarray(a[key])
    if lab.dtype.kind not in "US" or lab.shape != (S,):
        raise SymbootInputError(f"{path}: {key} must be {S} strings, one per sector (got dtype {lab.dtype}, "
                                f"shape {lab.shape})")
    return [str(x) for x in lab]


def _symboot(a: dict, path) -> XSFF:
    _need(a, ["t", "K", "plateau", "g2", "rho_center", "center", "width", "charges", "dims", "irrep_dims"], path)
    version = int(_get(a, "version", path, shape=(), integer=True)) if "version" in a else VERSION
    if version != VERSION:
        raise SymbootInputError(f"{path}: symboot xSFF layout version {version}; this symboot reads version {VERSION}")
    dims = _get(a, "dims", path, shape=(None,), integer=True, positive=True)
    S = len(dims)
    t = _times(a, "t", path, positive=True)
    T = len(t)
    n_real = (int(_get(a, "n_realisations", path, shape=(), integer=True, positive=True)) if "n_realisations" in a
              else None)
    g2 = _get(a, "g2", path, shape=(S, n_real))
    n_real = g2.shape[1]
    _need(a, [f"levels_{m}" for m in range(S)], path)
    levels = [list(_get(a, f"levels_{m}", path, shape=(n_real, int(dims[m])))) for m in range(S)]
    width = float(_get(a, "width", path, shape=(), positive=True))
    counts = _get(a, "counts", path, shape=(T,), integer=True, positive=True) if "counts" in a and a["counts"].size else None
    t_edges = _get(a, "t_edges", path, shape=(T + 1,)) if "t_edges" in a and a["t_edges"].size else None
    K = _get(a, "K", path, shape=(S, S, T))
    return XSFF(t=t, K=K, K_smooth=K, center=float(_get(a, "center", path, shape=())), width=width,
                g2=g2, plateau=_get(a, "plateau", path, shape=(S, S)), rho_center=_get(a, "rho_center", path, shape=(S,)),
                n_realisations=n_real,
                connected=bool(_get(a, "connected", path, shape=())) if "connected" in a else False,
                charges=[tuple(map(int, c)) for c in _get(a, "charges", path, shape=(S, None), integer=True)],
                dims=dims.tolist(), irrep_dims=_get(a, "irrep_dims", path, shape=(S,), integer=True, positive=True).tolist(),
                levels=levels, counts=counts, t_edges=t_edges,
                labels=_labels(a, "labels", path, S) if "labels" in a else [])


def _token(label: str) -> str:
    """``(0,+)`` → ``0_p``, ``[1,2]`` → ``1_2`` (the authors' key spelling)."""
    t = re.sub(r"[()\[\]\s]", "", label).replace(",", "_")
    return t.replace("+", "p").replace("-", "m")


def _authors(a: dict, path) -> XSFF:
    _need(a, ["t_calc", "sector_keys", "sector_dims", "d_irreps"], path)
    t = _times(a, "t_calc", path, positive=False)
    if np.count_nonzero(t >= t[0] + (1 - PLATEAU_FRACTION) * (t[-1] - t[0])) < _BLOCKS:
        raise SymbootInputError(f"{path}: t_calc has {len(t)} times; the plateau (the last {PLATEAU_FRACTION:.0%} "
                                f"of them) needs at least {_BLOCKS} there")
    iso = _get(a, "sector_dims", path, shape=(None,), integer=True, positive=True)
    n = _get(a, "d_irreps", path, shape=(None,), integer=True, positive=True)
    keys = _get(a, "sector_keys", path, integer=True)
    keys = keys[:, None] if keys.ndim == 1 else keys
    if keys.ndim != 2:
        raise SymbootInputError(f"{path}: sector_keys has shape {keys.shape}, expected (sectors, k)")
    counts = {"sector_dims": len(iso), "d_irreps": len(n), "sector_keys": len(keys)}
    if len(set(counts.values())) > 1:
        raise SymbootInputError(f"{path}: one entry per sector expected, but "
                                + ", ".join(f"{k} has {v}" for k, v in counts.items()))
    S = len(iso)
    labels = (_labels(a, "sector_labels", path, S) if "sector_labels" in a
              else [",".join(map(str, k)) for k in keys])
    # a multi-component key is spelt with "_" between its charges or, in the authors' D4 file, without
    tokens = ([[_token(x)] for x in labels] if "sector_labels" in a
              else [["_".join(map(str, k)), "".join(map(str, k))] for k in keys])
    K = np.zeros((S, S, len(t)))
    Ks = np.zeros_like(K)
    for i in range(S):
        for j in range(i, S):
            name = next((f"K_{x}_{y}" for u, v in ((i, j), (j, i)) for x in tokens[u] for y in tokens[v]
                         if f"K_{x}_{y}" in a), None)
            if name is None:
                raise SymbootInputError(f"{path}: no curve K_{tokens[i][0]}_{tokens[j][0]} for sectors {labels[i]}, {labels[j]}")
            y = _get(a, name, path, shape=t.shape)
            K[i, j] = K[j, i] = y
            smooth = "Ks" + name[1:]
            Ks[i, j] = Ks[j, i] = y if smooth not in a else _get(a, smooth, path, shape=t.shape)
    if np.any(iso % n):
        raise SymbootInputError(f"{path}: sector_dims {iso.tolist()} not divisible by d_irreps {n.tolist()}")
    plateau, err = _late_average(K, t)
    # K is per copy of mu already, so the normalisation uses the reduced dimensions D_mu = iso / n
    D = iso / n
    return XSFF(t=t, K=K, K_smooth=Ks, center=float("nan"), width=float("nan"),
                g2=iso[:, None].astype(float), plateau=plateau, rho_center=np.full(S, np.nan),
                n_realisations=int(_get(a, "n_samples", path, shape=(), integer=True, positive=True))
                if "n_samples" in a else 1, connected=False,
                charges=[tuple(int(v) for v in k) for k in keys], dims=(iso // n).tolist(), irrep_dims=n.tolist(),
                levels=[], labels=labels, layout="authors", plateau_err=err / np.sqrt(np.outer(D, D)))


def _late_average(K: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean of the last ``PLATEAU_FRACTION`` of the times and its standard error from
    block means (neighbouring times are correlated, single points are not independent)."""
    late = K[:, :, t >= t[0] + (1 - PLATEAU_FRACTION) * (t[-1] - t[0])]
    blocks = np.array_split(late, _BLOCKS, axis=2)
    means = np.stack([b.mean(axis=2) for b in blocks], axis=2)
    return late.mean(axis=2), means.std(axis=2, ddof=1) / np.sqrt(_BLOCKS)


def abelian_orders(xs: XSFF) -> tuple[int, ...] | None:
    """The orders n_i when the sectors are all 1-dimensional and their keys are the charge
    vectors of C_{n1} × … in lexicographic order (then N can be inferred), else ``None``.

    >>> xs = XSFF(np.zeros(1), np.zeros((3, 3, 1)), None, 0.0, 1.0, None, None, None, 1, False,
    ...           charges=[(0,), (1,), (2,)], dims=[5, 5, 5], irrep_dims=[1, 1, 1])
    >>> abelian_orders(xs)
    (3,)
    """
    if any(int(n) != 1 for n in xs.irrep_dims) or not xs.charges:
        return None
    from .sectors import charge_vectors

    orders = tuple(int(max(c[i] for c in xs.charges)) + 1 for i in range(len(xs.charges[0])))
    if [tuple(c) for c in xs.charges] != [tuple(c) for c in charge_vectors(orders)]:
        return None
    return orders
