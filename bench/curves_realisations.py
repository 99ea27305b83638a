"""How many disorder realisations give an exact ramp matrix R from symboot-layout curves alone.

For the S3 chain (``data/models/s3_chain.json``'s parameters, or ``--model``; size ``--L``):
draw ``n`` realisations, diagonalise (one worker), write the xSFF curves in symboot's layout
(``ed.xsff_io.save_xsff``), read them back and identify from the curves alone
(``symboot.identify(xsff=...)``, no census, no spectra). Prints one JSON line per ``n``:
whether a ramp window was found in every sector, whether R is exact (every entry a single
integer, ``RampData.exact``), the ramp entries, the named groups, and the full pipeline's
groups on the same realisations. Also reports what the curves' ramp would be with the
gap ratios recomputed from the levels the file stores (``ratios_exact``; the curves route
does so since). Where the curves answer from the plateau: the index used, ``index * P~``
(or at ``--report-index``) with ``index * plateau_err`` (the standard error from the
realisations' scatter, ``XSFF.plateau_err``) and the floor's sector spread. ``--model`` runs
another model file (the Ashkin-Teller chain with K: ``data/models/ashkin_teller_potts_nnn.json
--seed 3``; ``--param theta=...`` sets a model parameter). Stops before a run whose predicted
time exceeds ``--max-seconds``. Not run by the tests; see bench/RESULTS.md.

    .venv/bin/python -m bench.curves_realisations --L 8 --realisations 8 16 32 64
    .venv/bin/python -m bench.curves_realisations --model data/models/ashkin_teller_potts_nnn.json --L 5 --realisations 3 5 10 20 --seed 3 --report-index 6
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np


def one(L: int, n: int, seed: int, model: str = "data/models/s3_chain.json", report_index: int | None = None,
        params: dict | None = None) -> dict:
    import symboot
    from bootstrap.known import known_subgroup
    from ed import modelspec
    from ed.analysis import analyse
    from ed.extract import extract_ramp
    from ed.levelstats import gap_ratio
    from ed.xsff_io import save_xsff
    from symboot import pipeline

    spec = symboot.model_spec(model, {"L": L, **(params or {})}, n, seed)
    t0 = time.monotonic()
    ms = modelspec.ensemble_from_spec(spec)
    a = analyse([m.H for m in ms], ms[0].generators, ms[0].orders, fixed=ms[0].fixed, workers=1)
    t_ed = time.monotonic() - t0
    known = known_subgroup(pipeline.subgroup_of_orders(a.spectra.orders))
    full = pipeline.identify_analysis(a, known, {"kind": "model", "description": model, "params": spec})
    with tempfile.TemporaryDirectory() as d:
        path = save_xsff(a.xsff, Path(d) / "curves.npz")
        t1 = time.monotonic()
        cur = symboot.identify(xsff=path)
        t_cur = time.monotonic() - t1
    xs = cur.curves
    ramp = cur.ramp
    with_ratios = extract_ramp(xs, None, [gap_ratio(list(lv)) for lv in xs.levels])
    index = cur.data.index if cur.data is not None and cur.groups else None
    k = report_index or index or 1
    pl = cur.plateau
    plateau = None if pl is None else {
        "index": index, "scaled_by": k, "scaled": np.round(k * pl.normalised, 3).tolist(),
        "scaled_err": None if pl.err is None else np.round(k * pl.err, 4).tolist(), "dof": pl.dof,
        "per_copy_spread": round(float((pl.per_copy.max() - pl.per_copy.min()) / pl.per_copy.mean()), 4)}
    return {"L": L, "realisations": n, "seed": seed, "sector_dims": [int(x) for x in a.spectra.dims],
            "windows_all_found": ramp is not None, "exact": bool(ramp is not None and ramp.exact),
            "ramp": None if ramp is None else ramp.matrix,
            "beta": None if ramp is None else ramp.beta,
            "curves_groups": cur.groups, "curves_verdict": cur.verdict,
            "full_groups": full.groups, "full_verdict": full.verdict,
            "ed_ramp": a.ramp.matrix, "ed_exact": bool(a.ramp.exact),
            "ratios_ramp": with_ratios.matrix, "ratios_exact": bool(with_ratios.exact),
            "plateau": plateau, "seconds_ed": round(t_ed, 1), "seconds_curves": round(t_cur, 2)}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--L", type=int, default=8)
    ap.add_argument("--realisations", type=int, nargs="+", default=[8, 16, 32, 64])
    ap.add_argument("--seed", type=int, nargs="+", default=[1], help="one run per seed and realisation count")
    ap.add_argument("--model", default="data/models/s3_chain.json", help="model file (default: the S3 chain)")
    ap.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                    help="a model parameter (repeatable), e.g. --model quantum_torus_chain --param theta=0.7853981633974483")
    ap.add_argument("--report-index", type=int, default=None,
                    help="print index * P~ at this index (default: the index the curves answered with)")
    ap.add_argument("--max-seconds", type=float, default=180.0,
                    help="skip a run whose time, extrapolated linearly in n from the last, exceeds this")
    args = ap.parse_args(argv)
    params = {k: float(v) for k, v in (p.split("=", 1) for p in args.param)}
    for seed in args.seed:
        per = None
        for n in sorted(args.realisations):
            if per is not None and per * n > args.max_seconds:
                print(json.dumps({"L": args.L, "realisations": n, "seed": seed, "skipped": f"predicted {per * n:.0f} s "
                                  f"> {args.max_seconds:.0f} s"}), flush=True)
                continue
            r = one(args.L, n, seed, args.model, args.report_index, params)
            per = r["seconds_ed"] / n
            print(json.dumps(r), flush=True)


if __name__ == "__main__":
    main()
