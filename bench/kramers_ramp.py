"""The ramp with Kramers sectors, normalised per block vs one class for every sector (issue 13).

Synthetic sector spectra from Q8's rows over C4 (``tests/test_ed_kramers.py::_q8_like_spectra``:
two 1-dimensional GOE or GUE blocks in charges 0 and 2, one Kramers GSE block shared by
charges 1 and 3), five seeds each; the truth is MᵀM of those rows. Usage:

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.kramers_ramp
"""
from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_limits

from ed.extract import extract_ramp
from ed.levelstats import gap_ratio
from ed.symclass import kramers_gse
from ed.xsff import compute_xsff
from tests.test_ed_kramers import _q8_like_spectra, _q8_over_c4_ramp


def main() -> None:
    truth = _q8_over_c4_ramp()
    with threadpool_limits(1):
        for other in ("GOE", "GUE"):
            per_block = one_class = 0
            entries = []
            for seed in range(5):
                sp = _q8_like_spectra(other, 300, 24, seed)
                xs = compute_xsff(sp, n_times=2000)
                ratios = [gap_ratio(list(e)) for e in sp.eigenvalues]
                r = extract_ramp(xs, None, ratios, kramers=kramers_gse(sp))
                u = extract_ramp(xs, None, ratios)
                per_block += bool(r.exact and r.integer_matrix.tolist() == truth)
                one_class += bool(u.exact and u.integer_matrix.tolist() == truth)
                entries.append(round(float(r.fit[1, 1]), 2))
            print(f"{other}: per block exact {per_block}/5, one class {one_class}/5, Kramers R_11 {entries}")


if __name__ == "__main__":
    main()
