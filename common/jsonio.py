"""JSON at the edges of symboot, strict in both directions.

Python's json module reads and writes the bare constants ``NaN``, ``Infinity`` and
``-Infinity``, which are not JSON: a strict parser (jq, JavaScript, Go) rejects such
output, and on input they are never a number a physicist meant. Here they are refused on
input and written as ``null`` (a missing value) on output; input files must be UTF-8.

>>> dumps({"r": float("nan"), "x": [1.5, float("inf")]})
'{"r": null, "x": [1.5, null]}'
>>> loads('[1, NaN]', "the ramp")
Traceback (most recent call last):
...
common.errors.SymbootInputError: the ramp: NaN is not a number JSON allows
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from common.errors import SymbootInputError

__all__ = ["dumps", "loads", "read"]


def _finite(obj):
    """obj with every non-finite float replaced by None (numpy scalars and arrays too)."""
    if isinstance(obj, (float, np.floating)):
        return float(obj) if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _finite(obj.tolist())
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    return obj


def dumps(obj, **kwargs) -> str:
    """Strict JSON text of obj: non-finite floats become null."""
    return json.dumps(_finite(obj), allow_nan=False, **kwargs)


def _no_constant(name: str):
    raise ValueError(name)


def loads(text: str, what: str):
    """Parse JSON text, refusing NaN/Infinity; errors name ``what``."""
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise SymbootInputError(f"could not read {what} as JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except ValueError as exc:  # from _no_constant
        raise SymbootInputError(f"{what}: {exc} is not a number JSON allows") from None
    except RecursionError:
        raise SymbootInputError(f"{what} is nested too deeply") from None


def read(path, what: str):
    """Read and parse a UTF-8 JSON file; a missing, unreadable or non-UTF-8 file is a named error."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise SymbootInputError(f"cannot read {what} {path}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SymbootInputError(f"{what} {path} is not UTF-8 text (byte {exc.start})") from None
    return loads(text, f"{what} {path}")
