"""ed: sector-resolved exact diagonalization, level statistics, xSFF and integer extraction.

Pipeline (SPEC §1–2): Hamiltonian + known symmetry N → sectors (:mod:`ed.sectors`,
:mod:`ed.nonabelian`) → full sector spectra (:mod:`ed.spectra`) → gap ratios
(:mod:`ed.levelstats`) → xSFF (:mod:`ed.xsff`) → ramp matrix R and plateau P with
confidence (:mod:`ed.extract`) and the exact multiplet census (:mod:`ed.census`).
:func:`ed.analysis.analyse` runs it all; :mod:`ed.models` holds the model zoo;
:mod:`ed.plots` the figures; :mod:`ed.cli` the ``symboot spectra`` / ``symboot xsff`` commands.

Examples
--------
>>> import numpy as np
>>> from ed import analyse, ensemble, s3_chain
>>> ms = ensemble(s3_chain, 2, seed=0, L=4)
>>> analyse([m.H for m in ms], ms[0].generators, workers=1).census.rows
[[1, 0, 0], [0, 1, 1]]
"""
from .analysis import Analysis, analyse, analyse_spectra
from .census import Census, multiplet_census
from .extract import RampData, extract_ramp
from .plateau import PlateauData, extract_plateau
from .levelstats import GapRatio, gap_ratio
from .models import Model, ensemble, random_g_chain, s3_chain
from .sectors import Sector, SectorDecomposition, abelian_sectors, isotypic_sectors
from .spectra import SectorSpectra, compute_spectra, load_spectra, save_spectra
from .xsff import XSFF, compute_xsff

__all__ = [
    "Analysis", "analyse", "analyse_spectra", "Census", "multiplet_census", "RampData", "PlateauData",
    "extract_plateau", "extract_ramp", "GapRatio", "gap_ratio", "Model", "ensemble", "random_g_chain",
    "s3_chain", "Sector", "SectorDecomposition", "abelian_sectors", "isotypic_sectors", "SectorSpectra",
    "compute_spectra", "load_spectra", "save_spectra", "XSFF", "compute_xsff",
]
