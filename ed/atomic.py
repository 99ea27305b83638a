"""Files written whole or not at all: a uniquely named temporary beside the target,
renamed into place; and the check, made before any work, that an output can be written.

A target that is not a regular file (a device such as ``/dev/null``, a FIFO,
``/dev/stdout``) is written straight through instead, so the node itself survives.

>>> import os, tempfile
>>> from pathlib import Path
>>> target = Path(tempfile.mkdtemp()) / "a.txt"
>>> with atomic_target(target) as tmp:
...     _ = tmp.write_text("done")
>>> target.read_text(), sorted(os.listdir(target.parent))
('done', ['a.txt'])
>>> check_writable(target.parent / "no" / "b.json", "output")
Traceback (most recent call last):
...
common.errors.SymbootInputError: output .../no/b.json: directory .../no does not exist
"""
from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

from common.errors import SymbootInputError

__all__ = ["atomic_target", "check_writable"]


def _via_proc(path) -> bool:
    """Whether resolving ``path`` passes through /proc (``/dev/stdout``, ``/dev/fd/N``).

    Those links name an already open file: replacing what they resolve to would
    detach the shell's redirection from the file it opened, so they are written through.
    """
    p = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on links followed in one lookup
        head = os.path.realpath(os.path.dirname(p))
        if head == "/proc" or head.startswith("/proc/"):
            return True
        p = os.path.join(head, os.path.basename(p))
        if not os.path.islink(p):
            return False
        p = os.path.join(head, os.readlink(p))
    return False


def _written_through(path, st) -> bool:
    """Whether an output is written straight into ``path`` rather than replaced: it
    exists and is not a regular file (a device, a FIFO), or is an open file via /proc."""
    return st is not None and (not stat.S_ISREG(st.st_mode) or _via_proc(path))


def _stat(path, what):
    """``os.stat`` (links followed), ``None`` for a path that does not exist yet."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:  # ENOTDIR (a regular file used as a directory), ELOOP, EACCES
        if exc.errno == errno.ENOTDIR:  # name the culprit: the innermost existing ancestor
            culprit = next((q for q in Path(path).parents if q.exists()), None)
            if culprit is not None:
                raise SymbootInputError(f"{what} {path}: {culprit} is not a directory") from exc
        raise SymbootInputError(f"{what} {path}: {exc.strerror}") from exc


def _probe(directory: Path, what, path) -> None:
    """Create and remove a file of our own in ``directory``: as root, ``os.access``
    says yes to /proc and to read-only bind mounts alike, so only trying tells."""
    try:
        fd, name = tempfile.mkstemp(dir=directory, prefix=".symboot-probe.")
    except OSError as exc:
        raise SymbootInputError(f"{what} {path}: cannot create files in {directory} ({exc.strerror})") from exc
    os.close(fd)
    os.unlink(name)


def check_writable(path, what: str, directory: bool = False) -> Path:
    """Refuse, before any work starts, an output location that cannot be written.

    Parameters
    ----------
    path : str or Path
        The output file (or, with ``directory=True``, the output directory).
    what : str
        How the message names it (``"output"``, ``"--save-xsff"``, ...).
    directory : bool
        ``path`` is a directory that the writer creates, parents included, if missing.

    Returns
    -------
    Path
        ``path``, as a :class:`~pathlib.Path`.

    Raises
    ------
    SymbootInputError
        For an empty path; a file in a directory that is missing, is not a directory or
        where no file can be created (/proc, a read-only mount); a directory where a file
        is asked for or the reverse; a device or FIFO we may not write to. A
        missing *directory* output is fine while its nearest existing ancestor is a
        writable directory.

    Notes
    -----
    Nothing is left behind: the only file created is a uniquely named probe, removed at once.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> check_writable(d / "x.json", "output") == d / "x.json"
    True
    >>> check_writable("", "output")
    Traceback (most recent call last):
    ...
    common.errors.SymbootInputError: output: the path is empty
    >>> _ = (d / "f").write_text("mine")
    >>> check_writable(d / "f" / "x.json", "output")
    Traceback (most recent call last):
    ...
    common.errors.SymbootInputError: output .../f/x.json: .../f is not a directory
    >>> check_writable(d / "new" / "report", "report directory", directory=True) == d / "new" / "report"
    True
    """
    if str(path) == "":  # Path("") would be the current directory
        raise SymbootInputError(f"{what}: the path is empty")
    p = Path(path)
    st = _stat(p, what)
    if directory:
        if st is not None and not stat.S_ISDIR(st.st_mode):
            raise SymbootInputError(f"{what} {path}: exists and is not a directory")
        # a missing directory is made with its parents, inside the nearest existing ancestor
        base = Path(os.path.realpath(p))
        while not base.exists():
            base = base.parent
        _probe(base, what, path)
        return p
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise SymbootInputError(f"{what} {path}: is a directory")
    if _written_through(p, st):
        if not os.access(p, os.W_OK):  # opening a FIFO to find out would block until a reader comes
            raise SymbootInputError(f"{what} {path}: not writable")
        return p
    real = Path(os.path.realpath(p))
    if not real.parent.exists():
        raise SymbootInputError(f"{what} {path}: directory {real.parent} does not exist")
    if st is not None and not os.access(real, os.W_OK):
        raise SymbootInputError(f"{what} {path}: the existing file is read-only")
    _probe(real.parent, what, path)
    return p


def _new_file_mode(st) -> int:
    """The replaced file's permission bits, or what ``open`` would give a new one
    (mkstemp's 0600 would make every output private)."""
    if st is not None:
        return stat.S_IMODE(st.st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def atomic_target(path, suffix: str = ""):
    """Yield a temporary path to write; when the block succeeds it becomes ``path``.

    The temporary has a unique name (:func:`tempfile.mkstemp`) in the directory of the
    file ``path`` resolves to, so a symlink stays a link and the file it points to is
    replaced, and no file of the user's (``out.tmp.npz``, say) is ever touched. A target
    that exists and is not a regular file (``/dev/null``, a FIFO, ``/dev/stdout``) is
    written through: the temporary is then made in the system's temporary directory and
    its bytes appended to the target (opened without truncation) when the block succeeds.
    On failure the temporary is removed and the target is as it was.

    Parameters
    ----------
    path : str or Path
    suffix : str
        Ends the temporary's name, for writers that append their own extension
        (``numpy.savez`` adds ``.npz`` unless the name already ends with it).

    Raises
    ------
    SymbootInputError
        When the target cannot be written (no such directory, ``/dev/full``'s ENOSPC, ...).
    """
    path = Path(path)
    st = _stat(path, "output")
    through = _written_through(path, st)
    real = Path(os.path.realpath(path))
    try:
        fd, name = tempfile.mkstemp(dir=None if through else real.parent, prefix=f".{real.name}.", suffix=suffix)
    except OSError as exc:
        raise SymbootInputError(f"cannot write {path}: {exc.strerror}") from exc
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        try:
            if through:
                # append: behind /dev/stdout may sit a log opened with >>, never to be truncated
                with open(tmp, "rb") as src, open(path, "ab") as dst:
                    shutil.copyfileobj(src, dst)
            else:
                tmp.chmod(_new_file_mode(st))
                os.replace(tmp, real)
        except OSError as exc:
            raise SymbootInputError(f"cannot write {path}: {exc.strerror}") from exc
    finally:
        tmp.unlink(missing_ok=True)  # ours: a unique name no one else uses
