"""Files written whole or not at all: a temporary name beside the target, renamed into place.

>>> import os, tempfile
>>> from pathlib import Path
>>> target = Path(tempfile.mkdtemp()) / "a.txt"
>>> with atomic_target(target) as tmp:
...     _ = tmp.write_text("done")
>>> target.read_text(), sorted(os.listdir(target.parent))
('done', ['a.txt'])
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_target(path: Path, suffix: str = ""):
    """Yield a temporary path beside ``path``; it replaces ``path`` when the block succeeds
    and is removed when it fails, so no half-written file is ever left.

    ``suffix`` ends the temporary name, for writers that append their own extension
    (``numpy.savez`` adds ``.npz`` unless the name already ends with it).
    """
    tmp = path.with_name(path.name + ".tmp" + suffix)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
