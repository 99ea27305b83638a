"""The whole spectral pipeline in one call: sectors → spectra → ⟨r⟩ → xSFF → R, P, census.

Examples
--------
>>> import numpy as np
>>> from ed.models import ensemble, s3_chain
>>> from ed.analysis import analyse
>>> ms = ensemble(s3_chain, 2, seed=0, L=4)
>>> a = analyse([m.H for m in ms], ms[0].generators, min_levels=10, workers=1)
>>> [s["dim"] for s in a.to_json()["sectors"]]
[27, 27, 27]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from common.errors import SymbootInputError

from .census import Census, multiplet_census
from .extract import RampData, extract_ramp, resolve_by_reciprocity
from .plateau import PlateauData, extract_plateau
from .levelstats import GapRatio, gap_ratio
from .sectors import SectorDecomposition, abelian_sectors, common_size
from .spectra import SectorSpectra, compute_spectra
from .validate import check_commuting, check_hamiltonian
from .xsff import XSFF, compute_xsff

__all__ = ["Analysis", "analyse", "analyse_spectra"]


@dataclass
class Analysis:
    """Everything the spectral half produces for one model/ensemble."""

    spectra: SectorSpectra
    ratios: list[GapRatio]
    xsff: XSFF
    ramp: RampData
    plateau: PlateauData
    census: Census

    def reciprocity_ramp(self):
        """R resolved inside the plausible sets by reciprocity (see
        :func:`ed.extract.resolve_by_reciprocity`), or ``None``."""
        if self.ramp.exact:
            return self.ramp.integer_matrix.tolist()
        R = resolve_by_reciprocity(self.ramp, self.spectra.irrep_dims)
        return None if R is None else R.tolist()

    def to_json(self) -> dict:
        """The CLI's JSON (sectors, ramp, ramp_exact, plateau, census, details)."""
        sp_ = self.spectra
        r = self.ramp
        return {
            "sectors": [{"charges": list(map(int, c)), "dim": int(d), "irrep_dim": int(n),
                         "r_mean": round(g.mean, 5), "r_err": round(g.err, 5), "class": g.verdict}
                        for c, d, n, g in zip(sp_.charges, sp_.dims, sp_.irrep_dims, self.ratios)],
            "orders": list(sp_.orders),
            "realisations": sp_.n_realisations,
            "ramp": r.matrix,
            "ramp_exact": bool(r.exact),
            "ramp_fit": np.round(r.fit, 4).tolist(),
            "ramp_err": np.round(r.err, 4).tolist(),
            "ramp_confidence": round(r.confidence, 4),
            "ramp_reciprocity": self.reciprocity_ramp(),
            "beta": r.beta,
            "sector_betas": r.sector_betas(),
            "beta_reason": r.beta_reason,
            "ramp_windows": [list(w) if w else None for w in r.windows],
            "notes": r.notes,
            "plateau": np.round(self.plateau.normalised, 4).tolist(),
            "plateau_index": self.plateau.index,
            "plateau_scaled": None if self.plateau.scaled is None else np.round(self.plateau.scaled, 4).tolist(),
            "census": self.census.to_json(),
        }


def analyse_spectra(spec: SectorSpectra, *, min_levels: int = 10, beta: int | None = None,
                    n_times: int = 2000, filter_width: float = 0.4) -> Analysis:
    """Level statistics, xSFF, R, P and census from ready sector spectra."""
    small = [(c, d) for c, d in zip(spec.charges, spec.dims) if d < min_levels]
    if small:
        raise SymbootInputError(
            f"sector(s) too small for statistics (< {min_levels} levels): "
            + ", ".join(f"charges {list(c)} has {d}" for c, d in small))
    ratios = [gap_ratio(list(e)) for e in spec.eigenvalues]
    xs = compute_xsff(spec, n_times=n_times, filter_width=filter_width)
    ramp = extract_ramp(xs, None, ratios, beta=beta)
    plateau = extract_plateau(xs, ramp)
    census = multiplet_census(spec.realisation(0))
    return Analysis(spec, ratios, xs, ramp, plateau, census)


def analyse(hamiltonians: Sequence, generators: Sequence, orders: Sequence[int] | None = None, *,
            fixed: Sequence = (), min_levels: int = 10, beta: int | None = None, workers: int | None = None,
            n_times: int = 2000, filter_width: float = 0.4, params: dict | None = None,
            progress: bool = False, dec: SectorDecomposition | None = None) -> Analysis:
    """Validate, split into sectors, diagonalise and analyse an ensemble.

    Every realisation is checked (finite, Hermitian, commuting with every generator).
    """
    Hs = [check_hamiltonian(H, f"matrix {k}") for k, H in enumerate(hamiltonians)]
    common_size(Hs, "matrix", "no Hamiltonian given")
    if dec is None:
        dec = abelian_sectors(generators, orders, fixed=fixed)
    for k, H in enumerate(Hs):
        if H.shape[0] != dec.sectors[0].basis.shape[0]:
            raise SymbootInputError(f"matrix {k} has size {H.shape[0]}, generators {dec.sectors[0].basis.shape[0]}")
        for i, U in enumerate(generators):
            check_commuting(H, U if not hasattr(U, "tocsr") else U.tocsr(), f"matrix {k} and generator {i}")
        for j, f in enumerate(fixed):
            check_commuting(H, f[0], f"matrix {k} and fixed symmetry {j}")
    spec = compute_spectra(Hs, dec, workers=workers, params=params, progress=progress)
    return analyse_spectra(spec, min_levels=min_levels, beta=beta, n_times=n_times, filter_width=filter_width)
