"""The authors' published S3-chain xSFF file, read with ``symboot identify --xsff``, must give S3.

Runs when ``../shared/paper-data/S3_Chain_L8_th0.00_n200.npz`` is present beside the
repository (the file is never committed); prints the verdict, the integer plateau
handed to the bootstrap and the time, and exits non-zero when the answer is not S3.

    .venv/bin/python -m bench.paper_s3_xsff [path/to/S3_Chain_L8_th0.00_n200.npz]
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "paper-data" / "S3_Chain_L8_th0.00_n200.npz"


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else DEFAULT
    if not path.exists():
        print(f"skipped: {path} not present (the authors' data are not part of the repository)")
        return 0
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        p = subprocess.run([sys.executable, "-m", "symboot.cli", "identify", "--xsff", str(path), "--json",
                            "--quiet", "-o", out], capture_output=True, text=True)
        wall = time.perf_counter() - t0
    if p.returncode not in (0, 1):
        print(p.stderr.strip())
        return 1
    res = json.loads(p.stdout)
    print(f"file: {path.name}")
    print(f"verdict: {res['verdict']}   groups: {res['groups']}   wall {wall:.2f} s (process start included)")
    print(f"integer data: plateau {res['data'].get('plateau')}  index {res['data'].get('index')}")
    for n in res["notes"]:
        print(f"note: {n}")
    return 0 if res["groups"] == [[6, 1]] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
