"""Every docstring example in the packages runs and prints what it says (scipy-style examples
are part of the documentation; a stale one misleads a reader)."""
from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

PACKAGES = ("symboot", "bootstrap", "ed", "groupdb", "common")
MODULES = sorted([*PACKAGES, *(
    f"{pkg}.{m.name}" for pkg in PACKAGES
    for m in pkgutil.iter_modules(importlib.import_module(pkg).__path__) if m.name != "build"
)])
README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_readme_python_examples():
    """The README's Python session runs as written (the API's documentation)."""
    result = doctest.testfile(str(README), module_relative=False,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
