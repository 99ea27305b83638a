"""Ready-made xSFF curves on disk: symboot's own NPZ layout, the authors' published curve layout
(NPZ) and the same curve layout in HDF5 for measured curves with error bars.

**symboot layout** (written by :func:`save_xsff`, ``symboot xsff --save-xsff F.npz``):
``format = "symboot-xsff"``, ``version = 1``; ``t`` (T,), ``K`` (S, S, T) connected
filtered xSFF on log time bins, ``plateau`` (S, S), ``g2`` (S, n_real), ``rho_center``
(S,), ``center``, ``width`` (the Gaussian filter), ``n_realisations``, ``connected``,
``charges`` (S, k), ``dims``, ``irrep_dims``, ``labels``, ``counts``, ``t_edges`` and the
standardised spectra ``levels_<m>`` (n_real, D_m) the block densities of the ramp fit
come from; optional ``plateau_err`` (S, S), the standard error of the normalised plateau from
the scatter of the realisations' plateaus (:func:`~ed.xsff.plateau_standard_error`), with
``plateau_dof`` (realisations − 1), written whenever there were at least two realisations.
A file without them (one realisation, or written before they existed) reads with
``plateau_err = None``: the plateau is then judged with the 4 % floor alone. Reading it back
gives the same :class:`~ed.xsff.XSFF`, the same ramp and the same plateau integers.

The dimensions are always those of the *reduced* blocks H_mu (``dims`` = D_mu, ``g2`` sums
over their levels once), so the plateau normalisation ``D_mu / n_mu``
(:attr:`~ed.xsff.XSFF.per_copy`) is the same for every layout.

**Curve layout** (the authors' published files, SPEC §2; NPZ, or the same keys in HDF5):

* ``t_calc`` (T,) times, increasing, >= 0 (linear in the authors' files); the plateau is the
  mean over the last ``PLATEAU_FRACTION`` of the time range, its error from block means;
* ``sector_dims`` (S,): *isotypic* dimensions n_mu D_mu; ``d_irreps`` (S,): n_mu. The reduced
  dimension D_mu = sector_dims / d_irreps is what the plateau is compared with;
* the sectors named by ``sector_keys`` — integer charge vectors (S,) or (S, k), or strings
  (S,) — and/or ``sector_labels`` (S,) strings; the sectors' order is the order stored,
  never assumed lexicographic (:func:`abelian_charge_order` maps charge vectors onto N's
  lexicographic order, :meth:`~ed.xsff.XSFF.reordered` permutes);
* per unordered sector pair ``K_<a>_<b>`` (raw) and/or ``Ks_<a>_<b>`` (smoothed, for display;
  used only where the raw curve is absent), either order of the pair, where ``<a>`` spells
  a sector's label from ``sector_labels`` or ``sector_keys`` with its components (brackets
  dropped, split at ``,``) *joined by _* (``[0, 1]`` → ``0_1``, ``(0,+)`` → ``0_p``),
  *concatenated* (``00``, ``01``: the D4 file) or *as given* (``4_m``); ``+`` → ``p``,
  ``-`` → ``m`` throughout. The convention is discovered by matching the keys present:
  the one under which every pair has a curve (a convention under which two sectors or two
  pairs would be spelt alike is not used); with none, the error lists the keys found and
  the conventions tried;
* K is ``<Re Z_mu Z_nu*>/(n_mu n_nu)`` without filter: per copy of each sector, so its
  late-time value is the plateau P_{mu nu} of SPEC §2 directly, normalised as
  ``[G:N] P / (D_mu / n_mu)``; the ramp is not universal at the stored times and is not
  extracted (see :func:`symboot.pipeline.identify_curves`);
* optional ``n_samples`` (realisations averaged);
* optional ``K_err_<a>_<b>`` (T,): the standard error of that curve at each time (measured
  curves), for every pair or for none. The plateau error is then never below what these
  allow (taken as correlated within a block of neighbouring times, independent between
  blocks), so a noisy measurement yields sets of plausible integers, not a false integer.
  Either way it becomes :attr:`~ed.xsff.XSFF.plateau_err` (with ``plateau_dof`` = blocks − 1),
  the same field symboot's layout carries, and the extraction judges both alike.

**HDF5** (``h5py``; told from the file's first bytes, not its name): the same keys as root
datasets (strings as HDF5 strings; scalars may also be root attributes), written by
:func:`save_curves` with a ``format = "xsff-curves"`` attribute: the layout for measured
curves with error bars. Read back with ``layout = "hdf5"``; like the authors' curves, only
the plateau is extracted.

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

__all__ = ["save_xsff", "load_xsff", "save_curves", "abelian_orders", "abelian_charge_order", "PLATEAU_FRACTION"]

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
    if xs.plateau_err is not None:
        arrays["plateau_err"] = np.asarray(xs.plateau_err, float)
        if xs.plateau_dof is not None:
            arrays["plateau_dof"] = np.array(int(xs.plateau_dof))
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
    p = Path(path)
    head = b""
    if p.is_file():
        try:
            with open(p, "rb") as fh:
                head = fh.read(len(_HDF5_MAGIC))
        except OSError as exc:
            raise SymbootInputError(f"cannot read xSFF curves from {path}: {exc.strerror}") from None
    if head == _HDF5_MAGIC:
        arrays, layout = _read_hdf5(p), "hdf5"
    else:
        arrays, layout = read_arrays(path, "xSFF curves"), "authors"
    if "format" in arrays and str(arrays["format"]) == FORMAT:
        return _symboot(arrays, path)
    if "t_calc" in arrays:
        return _curves(arrays, path, layout)
    raise SymbootInputError(f"{path}: not an xSFF file (neither symboot's layout, format={FORMAT!r}, nor the "
                            "authors' curve layout with t_calc, sector_keys, sector_dims, d_irreps, K_<a>_<b>)")


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
    plateau_err, plateau_dof = None, None
    if "plateau_err" in a:  # optional: files of one realisation, and older files, have none
        plateau_err = _get(a, "plateau_err", path, shape=(S, S))
        if np.any(plateau_err < 0):
            raise SymbootInputError(f"{path}: plateau_err holds negative standard errors")
        plateau_dof = (int(_get(a, "plateau_dof", path, shape=(), integer=True, positive=True)) if "plateau_dof" in a
                       else n_real - 1 if n_real >= 2 else None)
    return XSFF(t=t, K=K, K_smooth=K, center=float(_get(a, "center", path, shape=())), width=width,
                g2=g2, plateau=_get(a, "plateau", path, shape=(S, S)), rho_center=_get(a, "rho_center", path, shape=(S,)),
                n_realisations=n_real,
                connected=bool(_get(a, "connected", path, shape=())) if "connected" in a else False,
                charges=[tuple(map(int, c)) for c in _get(a, "charges", path, shape=(S, None), integer=True)],
                dims=dims.tolist(), irrep_dims=_get(a, "irrep_dims", path, shape=(S,), integer=True, positive=True).tolist(),
                levels=levels, counts=counts, t_edges=t_edges,
                labels=_labels(a, "labels", path, S) if "labels" in a else [],
                plateau_err=plateau_err, plateau_dof=plateau_dof)


# ------------------------------------------------------------------ curve layout (authors', HDF5)
_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"


def _read_hdf5(path) -> dict[str, np.ndarray]:
    """Every dataset at the root of an HDF5 file, and its root attributes (where no dataset
    has the name), as numpy arrays; strings as ``str`` arrays."""
    import h5py

    out = {}
    try:
        with h5py.File(path, "r") as f:
            for k, v in f.items():
                if isinstance(v, h5py.Dataset):
                    out[k] = np.array(v.asstr()[()], dtype=str) if h5py.check_string_dtype(v.dtype) else np.asarray(v[()])
            for k, v in f.attrs.items():
                if k not in out:
                    v = np.asarray(v)
                    out[k] = v.astype(str) if v.dtype.kind in "OS" else v
    except SymbootInputError:
        raise
    except Exception as exc:  # h5py's own errors name the damage
        raise SymbootInputError(f"cannot read xSFF curves from {path}: {exc}") from None
    return out


def _spell(part: str) -> str:
    """One component as curve names write it: no blanks, ``+`` → ``p``, ``-`` → ``m``."""
    return re.sub(r"\s", "", part).replace("+", "p").replace("-", "m")


def _parts(label: str) -> list[str]:
    """A string label's components: brackets dropped, split at ``,`` (else at ``_``);
    ``(0,+)`` → ``['0', '+']``, ``4_m`` → ``['4', 'm']``, ``A1`` → ``['A1']``."""
    s = re.sub(r"[()\[\]{}\s]", "", label)
    return [p for p in re.split(r"[,_]" if "," not in s else ",", s) if p != ""] or [s]


def _sectors(a: dict, path, S: int):
    """Per sector: its components (strings), its charge tuple and its label, from
    ``sector_keys`` (integer vectors or strings) and ``sector_labels``; plus the spellings
    ``{source: raw strings}`` for the "as given" convention."""
    raw = {}
    labels = _labels(a, "sector_labels", path, S) if "sector_labels" in a else None
    comps = {}
    charges = [(m,) for m in range(S)]
    if labels is not None:
        comps["sector_labels"] = [_parts(x) for x in labels]
        raw["sector_labels"] = labels
    if "sector_keys" in a:
        keys = np.asarray(a["sector_keys"])
        if keys.dtype.kind in "US":
            ks = _labels(a, "sector_keys", path, S)
            raw["sector_keys"] = ks
            parts = [_parts(x) for x in ks]
            digits = all(re.fullmatch(r"\d+", x) for x in ks)
            if digits and len({len(x) for x in ks}) == 1 and len(ks[0]) > 1:
                parts = [list(x) for x in ks]  # "01": the authors' concatenated charges
            comps["sector_keys"] = parts
            if all(re.fullmatch(r"\d+", p) for q in parts for p in q) and len({len(q) for q in parts}) == 1:
                charges = [tuple(int(p) for p in q) for q in parts]
            labels = labels or ks
        else:
            k = check_array(keys, f"{path}: sector_keys", integer=True)
            k = k[:, None] if k.ndim == 1 else k
            if k.ndim != 2 or len(k) != S:
                raise SymbootInputError(f"{path}: sector_keys has shape {keys.shape}, expected ({S}, k): one "
                                        f"key per sector")
            charges = [tuple(int(v) for v in row) for row in k]
            comps["sector_keys"] = [[str(v) for v in row] for row in charges]
            labels = labels or [",".join(map(str, c)) for c in charges]
    return comps, raw, charges, labels


def _conventions(comps: dict, raw: dict) -> list[tuple[str, list[str]]]:
    """Every spelling of the sectors in curve names, as ``(name, tokens)``, in the order tried:
    labels before keys; components joined by ``_``, concatenated, the string as given."""
    out, seen = [], set()
    for src in ("sector_labels", "sector_keys"):
        if src not in comps:
            continue
        styles = [("joined by _", ["_".join(map(_spell, c)) for c in comps[src]]),
                  ("concatenated", ["".join(map(_spell, c)) for c in comps[src]])]
        if src in raw:
            styles.append(("as given", [_spell(x) for x in raw[src]]))
        for style, tokens in styles:
            if tuple(tokens) not in seen:
                seen.add(tuple(tokens))
                out.append((f"{src} {style}", tokens))
    return out


def _pair_names(tokens: list[str], prefix: str, i: int, j: int) -> list[str]:
    return list(dict.fromkeys([f"{prefix}_{tokens[i]}_{tokens[j]}", f"{prefix}_{tokens[j]}_{tokens[i]}"]))


def _match(a: dict, tokens: list[str]):
    """``{(i, j): (raw name or None, smoothed name or None)}`` for the pairs found under one
    spelling, or a reason why the spelling cannot be used (two sectors or pairs spelt alike)."""
    S = len(tokens)
    if len(set(tokens)) < S:
        return f"two sectors spelt alike ({', '.join(sorted({x for x in tokens if tokens.count(x) > 1}))})"
    owner, found = {}, {}
    for i in range(S):
        for j in range(i, S):
            for name in _pair_names(tokens, "K", i, j):
                if owner.setdefault(name, (i, j)) != (i, j):
                    return f"{name} would name two sector pairs"
            raw = next((n for n in _pair_names(tokens, "K", i, j) if n in a), None)
            smooth = next((n for n in _pair_names(tokens, "Ks", i, j) if n in a), None)
            if raw or smooth:
                found[(i, j)] = (raw, smooth)
    return found


def _some(names, n: int = 12) -> str:
    names = list(names)
    return ", ".join(names[:n]) + (f", … ({len(names)} in all)" if len(names) > n else "")


def _curve_names(a: dict, path, labels: list[str], conventions) -> tuple[str, list[str], dict]:
    """The convention whose names cover every unordered sector pair (discovered from the keys
    present) and its pair → names map; one-line :class:`SymbootInputError` otherwise."""
    S = len(labels)
    pairs = [(i, j) for i in range(S) for j in range(i, S)]
    results = [(name, tokens, _match(a, tokens)) for name, tokens in conventions]
    full = [(n, t, m) for n, t, m in results if isinstance(m, dict) and len(m) == len(pairs)]
    if full:
        picks = {tuple(sorted(m.items())) for _, _, m in full}
        if len(picks) > 1:
            raise SymbootInputError(f"{path}: the curve names fit several sector spellings that pick different curves "
                                    f"({', '.join(n for n, _, _ in full)}); rename the curves or the sectors")
        return full[0]
    curves = sorted(k for k in a if k.startswith("K"))
    tried = "; ".join(f"{n} (e.g. K_{t[0]}_{t[min(1, S - 1)]}" + (f": {m}" if isinstance(m, str) else
                                                                  f", {len(m)} of {len(pairs)} pairs found") + ")"
                      for n, t, m in results) or "none (no sector_keys or sector_labels)"
    usable = [(n, t, m) for n, t, m in results if isinstance(m, dict) and m]
    if usable:
        n, t, m = max(usable, key=lambda r: len(r[2]))
        missing = [(i, j) for i, j in pairs if (i, j) not in m]
        raise SymbootInputError(
            f"{path}: no curve for the sector pair(s) "
            + "; ".join(f"{labels[i]} × {labels[j]} (K_{t[i]}_{t[j]})" for i, j in missing[:6])
            + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
            + f" under the closest key convention, {n} ({len(m)} of {len(pairs)} pairs); "
            f"curves found: {_some(curves) or 'none'}; conventions tried: {tried}")
    raise SymbootInputError(f"{path}: no key convention matches the curves; keys found: "
                            f"{_some(curves or sorted(a)) or 'none'}; conventions tried: {tried}")


def _curves(a: dict, path, layout: str) -> XSFF:
    """The authors' layout (NPZ) and the same keys in HDF5 (with optional ``K_err_<a>_<b>``)."""
    _need(a, ["t_calc", "sector_dims", "d_irreps"], path)
    if "sector_keys" not in a and "sector_labels" not in a:
        raise SymbootInputError(f"{path}: missing array sector_keys (or sector_labels): the sectors are not named")
    t = _times(a, "t_calc", path, positive=False)
    if np.count_nonzero(t >= t[0] + (1 - PLATEAU_FRACTION) * (t[-1] - t[0])) < _BLOCKS:
        raise SymbootInputError(f"{path}: t_calc has {len(t)} times; the plateau (the last {PLATEAU_FRACTION:.0%} "
                                f"of them) needs at least {_BLOCKS} there")
    iso = _get(a, "sector_dims", path, shape=(None,), integer=True, positive=True)
    n = _get(a, "d_irreps", path, shape=(None,), integer=True, positive=True)
    counts = {"sector_dims": len(iso), "d_irreps": len(n)}
    for key in ("sector_keys", "sector_labels"):
        if key in a:
            counts[key] = len(np.atleast_1d(a[key]))
    if len(set(counts.values())) > 1:
        raise SymbootInputError(f"{path}: one entry per sector expected, but "
                                + ", ".join(f"{k} has {v}" for k, v in counts.items()))
    S = len(iso)
    if np.any(iso % n):
        raise SymbootInputError(f"{path}: sector_dims {iso.tolist()} (isotypic, n_mu D_mu) not divisible by "
                                f"d_irreps {n.tolist()} (n_mu)")
    comps, raw, charges, labels = _sectors(a, path, S)
    convention, tokens, names = _curve_names(a, path, labels, _conventions(comps, raw))
    K = np.zeros((S, S, len(t)))
    Ks = np.zeros_like(K)
    errs = {}
    smoothed = []
    for (i, j), (rname, sname) in names.items():
        y = _get(a, rname or sname, path, shape=t.shape)
        K[i, j] = K[j, i] = y
        Ks[i, j] = Ks[j, i] = y if sname is None else _get(a, sname, path, shape=t.shape)
        if rname is None:
            smoothed.append(f"{labels[i]} × {labels[j]}")
        ename = next((e for e in _pair_names(tokens, "K_err", i, j) if e in a), None)
        if ename is not None:
            e = _get(a, ename, path, shape=t.shape)
            if np.any(e < 0):
                raise SymbootInputError(f"{path}: {ename} holds negative standard errors")
            errs[(i, j)] = e
    K_err = None
    if errs:
        missing = [f"K_err_{tokens[i]}_{tokens[j]}" for i, j in names if (i, j) not in errs]
        if missing:
            raise SymbootInputError(f"{path}: error curves for some pairs only; missing {_some(missing, 6)} "
                                    "(give a K_err curve for every K curve, or none)")
        K_err = np.zeros_like(K)
        for (i, j), e in errs.items():
            K_err[i, j] = K_err[j, i] = e
    plateau, sem = _late_average(K, t, K_err)
    notes = [f"curve names: {convention} (K_{tokens[0]}_{tokens[min(1, S - 1)]}, …)"]
    if smoothed:
        notes.append("no raw K_ curve for " + _some(smoothed, 6) + ": the smoothed Ks_ curves are extracted there")
    D = iso // n  # the reduced dimension D_mu: the authors' K is per copy of mu (normalised by n_mu n_nu)
    per_copy = D / n  # XSFF.per_copy of these curves (g2 = D_mu): exact, no filter
    xs = XSFF(t=t, K=K, K_smooth=Ks, center=float("nan"), width=float("nan"),
              g2=D[:, None].astype(float), plateau=plateau, rho_center=np.full(S, np.nan),
              n_realisations=int(_get(a, "n_samples", path, shape=(), integer=True, positive=True))
              if "n_samples" in a else 1, connected=False,
              charges=charges, dims=D.tolist(), irrep_dims=n.tolist(),
              levels=[], labels=list(labels), layout=layout, K_err=K_err, notes=notes,
              plateau_err=sem / np.sqrt(np.outer(per_copy, per_copy)), plateau_dof=_BLOCKS - 1)
    return xs


def _late_average(K: np.ndarray, t: np.ndarray, K_err: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Mean of the last ``PLATEAU_FRACTION`` of the times and its standard error.

    The error is the scatter of ``_BLOCKS`` block means (neighbouring times are correlated,
    single points are not independent); with given errors ``K_err`` it is never below what
    they allow, taken as correlated within a block and independent between blocks:
    ``sqrt(sum_b mean_b(K_err)^2) / _BLOCKS``.
    """
    sel = t >= t[0] + (1 - PLATEAU_FRACTION) * (t[-1] - t[0])
    late = K[:, :, sel]
    means = np.stack([b.mean(axis=2) for b in np.array_split(late, _BLOCKS, axis=2)], axis=2)
    sem = means.std(axis=2, ddof=1) / np.sqrt(_BLOCKS)
    if K_err is not None:
        eb = np.stack([b.mean(axis=2) for b in np.array_split(K_err[:, :, sel], _BLOCKS, axis=2)], axis=2)
        sem = np.maximum(sem, np.sqrt((eb**2).sum(axis=2)) / _BLOCKS)
    return late.mean(axis=2), sem


def save_curves(path: str | Path, t, K, sector_dims, d_irreps=None, *, K_err=None, sector_keys=None,
                sector_labels=None, n_samples: int | None = None) -> Path:
    """Write curves in the curve layout: HDF5 for ``.h5``/``.hdf5``, else NPZ (the authors' keys).

    ``K`` ``(S, S, T)`` per copy of each sector (normalised by ``n_mu n_nu``, late value = P);
    ``sector_dims`` isotypic ``n_mu D_mu``; ``d_irreps`` ``n_mu`` (default 1); ``K_err`` the
    standard errors, same shape; sectors named by ``sector_keys`` (default ``0, 1, ...``) and
    optionally ``sector_labels``; curves written once per unordered pair as ``K_<a>_<b>``
    with the keys' components joined by ``_``.
    """
    path = Path(path)
    K = np.asarray(K, float)
    S = K.shape[0]
    n = np.ones(S, dtype=np.int64) if d_irreps is None else np.asarray(d_irreps, dtype=np.int64)
    keys = np.arange(S)[:, None] if sector_keys is None else np.asarray(sector_keys)
    arrays = {"t_calc": np.asarray(t, float), "sector_keys": keys,
              "sector_dims": np.asarray(sector_dims, dtype=np.int64), "d_irreps": n}
    if sector_labels is not None:
        arrays["sector_labels"] = np.asarray(sector_labels, dtype=str)
    if n_samples is not None:
        arrays["n_samples"] = np.array(int(n_samples))
    comps, raw, _, _ = _sectors(arrays, path, S)
    tokens = ["_".join(map(_spell, c)) for c in comps["sector_labels" if sector_labels is not None else "sector_keys"]]
    for i in range(S):
        for j in range(i, S):
            arrays[f"K_{tokens[i]}_{tokens[j]}"] = K[i, j]
            if K_err is not None:
                arrays[f"K_err_{tokens[i]}_{tokens[j]}"] = np.asarray(K_err, float)[i, j]
    with atomic_target(path, path.suffix or ".npz") as tmp:
        if path.suffix in (".h5", ".hdf5"):
            import h5py

            with h5py.File(tmp, "w") as f:
                f.attrs["format"] = "xsff-curves"
                for k, v in arrays.items():
                    f.create_dataset(k, data=v.astype(h5py.string_dtype()) if v.dtype.kind == "U" else v)
        else:
            with open(tmp, "wb") as fh:
                np.savez_compressed(fh, **arrays)
    return path


# ------------------------------------------------------------------ sectors → N's irreducibles
def abelian_charge_order(xs: XSFF) -> tuple[tuple[int, ...], list[int]] | None:
    """``(orders, order)`` when the sectors are all 1-dimensional and their keys are the charge
    vectors of C_{n1} × … in *any* order, else ``None``: ``xs.reordered(order)`` has them in
    lexicographic order, the order :func:`bootstrap.known.known_subgroup` gives N's irreducibles.

    >>> xs = XSFF(np.zeros(1), np.zeros((4, 4, 1)), None, 0.0, 1.0, None, None, None, 1, False,
    ...           charges=[(0, 0), (1, 0), (0, 1), (1, 1)], dims=[5] * 4, irrep_dims=[1] * 4)
    >>> abelian_charge_order(xs)
    ((2, 2), [0, 2, 1, 3])
    """
    if any(int(n) != 1 for n in xs.irrep_dims) or not xs.charges or len({len(c) for c in xs.charges}) != 1:
        return None
    from .sectors import charge_vectors

    charges = [tuple(int(v) for v in c) for c in xs.charges]
    if min(min(c) for c in charges) < 0:
        return None
    orders = tuple(max(c[i] for c in charges) + 1 for i in range(len(charges[0])))
    lex = [tuple(c) for c in charge_vectors(orders)]
    if sorted(charges) != lex:
        return None
    return orders, [charges.index(c) for c in lex]


def abelian_orders(xs: XSFF) -> tuple[int, ...] | None:
    """The orders n_i when the sectors are all 1-dimensional and their keys are the charge
    vectors of C_{n1} × … in lexicographic order (then N can be inferred and the sectors are
    in N's order as they stand), else ``None``; any other order: :func:`abelian_charge_order`.

    >>> xs = XSFF(np.zeros(1), np.zeros((3, 3, 1)), None, 0.0, 1.0, None, None, None, 1, False,
    ...           charges=[(0,), (1,), (2,)], dims=[5, 5, 5], irrep_dims=[1, 1, 1])
    >>> abelian_orders(xs)
    (3,)
    """
    found = abelian_charge_order(xs)
    return found[0] if found is not None and found[1] == sorted(found[1]) else None
