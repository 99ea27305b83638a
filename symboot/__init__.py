"""symboot: find hidden symmetry groups of quantum many-body Hamiltonians (SPEC §5).

The application over the three engines (ed: spectra → integers; bootstrap: integers →
representation theories; groupdb: the group database): the pipeline, the report, the
command line, and this Python API.

>>> import symboot
>>> symboot.solve({"subgroup": {"cyclic": 3}, "ramp": [[2, 0, 0], [0, 1, 1], [0, 1, 1]]}).groups
[(6, 1)]
"""
from symboot.api import identify, model_spec, solve, verify

__all__ = ["identify", "solve", "verify", "model_spec"]
