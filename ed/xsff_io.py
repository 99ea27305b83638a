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
stored times and is not extracted (see :func:`bootstrap.pipeline.identify_curves`).

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

from groupdb.errors import SymbootInputError

from .atomic import atomic_target
from .xsff import XSFF

__all__ = ["save_xsff", "load_xsff", "abelian_orders", "PLATEAU_FRACTION"]

FORMAT = "symboot-xsff"
#: the authors' plateau is the mean over this last fraction of the stored times
PLATEAU_FRACTION = 0.4
_BLOCKS = 8


def save_xsff(xs: XSFF, path: str | Path) -> Path:
    """Write ``xs`` in symboot's layout (atomically: a temporary name, then rename)."""
    path = Path(path)
    arrays = dict(format=np.array(FORMAT), version=np.array(1), t=xs.t, K=xs.K, plateau=xs.plateau, g2=xs.g2,
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
        Missing file, not an NPZ, unknown layout, missing or malformed arrays, NaN.
    """
    p = Path(path)
    if not p.exists():
        raise SymbootInputError(f"file not found: {path}")
    try:
        z = np.load(p, allow_pickle=False)
        arrays = {k: z[k] for k in z.files}
    except Exception as exc:
        raise SymbootInputError(f"cannot read {path} as an NPZ file: {exc}") from None
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


def _symboot(a: dict, path) -> XSFF:
    _need(a, ["t", "K", "plateau", "g2", "rho_center", "center", "width", "charges", "dims", "irrep_dims"], path)
    S = len(a["dims"])
    if a["K"].shape[:2] != (S, S) or a["K"].shape[2] != len(a["t"]):
        raise SymbootInputError(f"{path}: K has shape {a['K'].shape}, expected ({S}, {S}, {len(a['t'])})")
    if not (np.all(np.isfinite(a["K"])) and np.all(np.isfinite(a["plateau"]))):
        raise SymbootInputError(f"{path}: the curves contain NaN or inf")
    levels = [list(a[f"levels_{m}"]) for m in range(S) if f"levels_{m}" in a]
    return XSFF(t=a["t"], K=a["K"], K_smooth=a["K"], center=float(a["center"]), width=float(a["width"]),
                g2=a["g2"], plateau=a["plateau"], rho_center=a["rho_center"],
                n_realisations=int(a.get("n_realisations", 1)), connected=bool(a.get("connected", False)),
                charges=[tuple(map(int, c)) for c in a["charges"]], dims=a["dims"].tolist(),
                irrep_dims=a["irrep_dims"].tolist(), levels=levels if len(levels) == S else [],
                counts=a["counts"] if a.get("counts") is not None and len(a["counts"]) else None,
                t_edges=a["t_edges"] if a.get("t_edges") is not None and len(a["t_edges"]) else None,
                labels=[str(x) for x in a.get("labels", [])])


def _token(label: str) -> str:
    """``(0,+)`` → ``0_p``, ``[1,2]`` → ``1_2`` (the authors' key spelling)."""
    t = re.sub(r"[()\[\]\s]", "", label).replace(",", "_")
    return t.replace("+", "p").replace("-", "m")


def _authors(a: dict, path) -> XSFF:
    _need(a, ["t_calc", "sector_keys", "sector_dims", "d_irreps"], path)
    t = np.asarray(a["t_calc"], float)
    keys = np.asarray(a["sector_keys"]).reshape(len(a["sector_dims"]), -1)
    S = len(keys)
    labels = ([str(x) for x in a["sector_labels"]] if "sector_labels" in a
              else [",".join(map(str, k)) for k in keys])
    tokens = [_token(x) for x in labels] if "sector_labels" in a else ["_".join(map(str, k)) for k in keys]
    K = np.zeros((S, S, len(t)))
    Ks = np.zeros_like(K)
    for i in range(S):
        for j in range(i, S):
            name = next((f"K_{x}_{y}" for x, y in ((tokens[i], tokens[j]), (tokens[j], tokens[i]))
                         if f"K_{x}_{y}" in a), None)
            if name is None:
                raise SymbootInputError(f"{path}: no curve K_{tokens[i]}_{tokens[j]} for sectors {labels[i]}, {labels[j]}")
            y = np.asarray(a[name], float)
            if y.shape != t.shape:
                raise SymbootInputError(f"{path}: {name} has {y.shape[0]} points, t_calc {t.shape[0]}")
            if not np.all(np.isfinite(y)):
                raise SymbootInputError(f"{path}: {name} contains NaN or inf")
            K[i, j] = K[j, i] = y
            sm = a.get("Ks" + name[1:])
            Ks[i, j] = Ks[j, i] = y if sm is None else np.asarray(sm, float)
    n = np.asarray(a["d_irreps"], dtype=np.int64)
    iso = np.asarray(a["sector_dims"], dtype=np.int64)
    if np.any(iso % n):
        raise SymbootInputError(f"{path}: sector_dims {iso.tolist()} not divisible by d_irreps {n.tolist()}")
    plateau, err = _late_average(K, t)
    # K is per copy of mu already, so the normalisation uses the reduced dimensions D_mu = iso / n
    D = iso / n
    return XSFF(t=t, K=K, K_smooth=Ks, center=float("nan"), width=float("nan"),
                g2=iso[:, None].astype(float), plateau=plateau, rho_center=np.full(S, np.nan),
                n_realisations=int(a.get("n_samples", 1)), connected=False,
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
