"""The layering the README's layout promises, read from the source (every import, lazy ones
inside functions included): the engines are siblings over common/, the application on top.

    symboot  →  bootstrap, ed, groupdb, common
    bootstrap →  groupdb, common          (the engine never imports ed)
    ed        →  groupdb, common
    groupdb   →  common
    common    →  nothing of symboot's
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("symboot", "bootstrap", "ed", "groupdb", "common")
ALLOWED = {
    "symboot": {"symboot", "bootstrap", "ed", "groupdb", "common"},
    "bootstrap": {"bootstrap", "groupdb", "common"},
    "ed": {"ed", "groupdb", "common"},
    "groupdb": {"groupdb", "common"},
    "common": {"common"},
}


def _imports(path: Path, package: str) -> set[str]:
    """The symboot packages a module imports (relative imports stay in its package)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            out.add(package if node.level else (node.module or "").split(".")[0])
    return out & set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_package_imports_only_what_its_layer_allows(package):
    bad = {str(p.relative_to(ROOT)): sorted(_imports(p, package) - ALLOWED[package])
           for p in (ROOT / package).rglob("*.py")}
    assert not {k: v for k, v in bad.items() if v}


def test_the_package_import_graph_has_no_circle():
    graph = {pkg: set().union(*(_imports(p, pkg) for p in (ROOT / pkg).rglob("*.py"))) - {pkg} for pkg in PACKAGES}
    assert graph["symboot"] >= {"bootstrap", "ed", "groupdb"}  # the graph was read at all
    left = dict(graph)
    while left:  # peel off packages that import nothing left: a circle is what cannot be peeled
        free = [p for p, deps in left.items() if not deps & set(left)]
        assert free, f"import circle among {sorted(left)}"
        for p in free:
            del left[p]
