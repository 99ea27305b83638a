"""GAP as the independent oracle for tests: run a script, read back integer/list data.

Tests that need GAP call :func:`run_gap`; without GAP they skip, unless the environment sets
SYMBOOT_REQUIRE_GAP=1 (CI does when it installed GAP), in which case they fail.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

GAP = shutil.which("gap")


def require_gap() -> str:
    if GAP is None:
        if os.environ.get("SYMBOOT_REQUIRE_GAP") == "1":
            pytest.fail("gap is not installed but SYMBOOT_REQUIRE_GAP=1")
        pytest.skip("gap (the independent oracle) is not installed")
    return GAP


def run_gap(script: str, timeout: float = 900) -> list:
    """Run `script` in GAP; each line it prints as `@@ <GAP list>` comes back parsed.

    GAP prints lists of integers (nested, with strings in double quotes and true/false) as
    valid JSON once its line wrapping is switched off.
    """
    gap = require_gap()
    prelude = 'SetPrintFormattingStatus("*stdout*", false);\nEmit := function(x) Print("@@ ", x, "\\n"); end;\n'
    proc = subprocess.run(
        [gap, "-q", "-b", "-o", "4g"], input=prelude + script + "\nQUIT;\n",
        capture_output=True, text=True, timeout=timeout,
    )
    if "Error" in proc.stdout or "Error" in proc.stderr or proc.returncode != 0:
        raise RuntimeError(f"GAP failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    out = []
    for line in proc.stdout.splitlines():
        if line.startswith("@@ "):
            out.append(json.loads(line[3:]))
    return out


def match_rows(G, irr) -> list[int]:
    """GAP's irreducible i of G, given as CoeffsCyc lists over ζ_e (e = exp G), is groupdb's row
    match[i]. GAP's order of Irr is not reproducible between sessions (its classes are), so
    every comparison with a live GAP goes through this. Asserts a bijection, i.e. that the
    tables agree exactly up to the order of their rows."""
    from groupdb.cyclotomic import Cyclotomic

    e = G.exponent
    theirs = [[Cyclotomic.from_pairs([[k, c] for k, c in enumerate(v) if c], e) for v in row] for row in irr]
    ours = G.table.exact()
    match = [next((j for j, mine in enumerate(ours) if all(a == b for a, b in zip(mine, row))), -1) for row in theirs]
    assert sorted(match) == list(range(G.nclasses)), f"{G.id}: GAP's table differs from the stored one"
    return match


def relabel_square(R, match) -> list[list[int]]:
    """A matrix indexed by GAP's irreducibles, re-indexed by groupdb's (see match_rows)."""
    out = [[0] * len(match) for _ in match]
    for a, ra in enumerate(R):
        for b, x in enumerate(ra):
            out[match[a]][match[b]] = x
    return out
