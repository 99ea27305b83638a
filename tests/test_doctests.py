"""Every docstring example in the packages runs and prints what it says (scipy-style examples
are part of the documentation; a stale one misleads a reader)."""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

MODULES = sorted(
    f"{pkg}.{m.name}" for pkg in ("bootstrap", "ed", "groupdb")
    for m in pkgutil.iter_modules(importlib.import_module(pkg).__path__) if m.name != "build"
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
