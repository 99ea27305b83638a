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
