"""Access to the bundled database file (SQLite, standard library; no GAP at run time).

The file is data/groupdb/groupdb.sqlite in the source tree, or the path in the
environment variable SYMBOOT_GROUPDB. Tables (written by groupdb/build/pack.py):

* ``meta(key, value)`` — provenance: GAP version, coverage, checksums;
* ``groups(g_order, g_idx, name, name_key, nclasses, degrees, class_sizes, data)`` —
  ``data`` is the zlib-compressed JSON record that :meth:`Group.from_record` reads;
* ``embeddings(s_order, s_idx, g_order, g_idx, ramp_key, positions)`` — for each group G
  and isomorphism type of subgroup, the subgroup classes (positions in G.subgroups)
  grouped by an invariant of their ramp matrix MᵀM (see :func:`ramp_key`);
* ``containment(g_order, g_idx, sub_pos, over_pos, contained)`` — whether stored class
  ``over_pos`` of G contains a conjugate of class ``sub_pos`` (1/0), computed in GAP, only
  where the permutation-character test could err (groupdb/build/containment.py);
* ``containment_undecided(g_order, g_idx, s_order, s_idx)`` — iso types of subgroups of G
  where that test could err and GAP did not decide it.

The last two were added to the packed file by groupdb/build/containment.py; a file
without them reads as having no stored containment.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from common.errors import SymbootInputError
from groupdb.group import Group
from groupdb.names import name_key, parse_id

_DEFAULT = Path(__file__).resolve().parents[1] / "data" / "groupdb" / "groupdb.sqlite"
_local = threading.local()


def database_path() -> Path:
    return Path(os.environ.get("SYMBOOT_GROUPDB", _DEFAULT))


def connection() -> sqlite3.Connection:
    """A read-only connection (one per thread), reopened when SYMBOOT_GROUPDB changes."""
    # compare the raw setting, not a Path: building one per call was a third of a warm query
    setting = os.environ.get("SYMBOOT_GROUPDB")
    con = getattr(_local, "con", None)
    if con is None or getattr(_local, "setting", None) != setting:
        path = database_path()
        if not path.exists():
            raise SymbootInputError(f"group database not found at {path} (run `make groupdb-data`)")
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        _local.con, _local.setting = con, setting
    return con


@lru_cache(maxsize=None)
def meta() -> dict[str, str]:
    return dict(connection().execute("SELECT key, value FROM meta"))


@lru_cache(maxsize=None)
def max_order() -> int:
    return int(meta()["max_order"])


@lru_cache(maxsize=None)
def number_of_groups(order: int) -> int:
    (n,) = connection().execute("SELECT COUNT(*) FROM groups WHERE g_order = ?", (order,)).fetchone()
    return n


@lru_cache(maxsize=8192)
def load_id(order: int, idx: int) -> Group:
    """The group SmallGroup(order, idx)."""
    if order < 1 or order > max_order():
        raise SymbootInputError(f"order {order} is outside the database (1..{max_order()})")
    row = connection().execute(
        "SELECT data FROM groups WHERE g_order = ? AND g_idx = ?", (order, idx)
    ).fetchone()
    if row is None:
        raise SymbootInputError(
            f"there is no group [{order},{idx}]: order {order} has {number_of_groups(order)} groups"
        )
    return Group.from_record(json.loads(zlib.decompress(row[0])))


def load(key) -> Group:
    """A group by id ((6, 1), [6, 1], "[6,1]", "6,1") or by name/alias ("S3", "Z2xZ2").

    Examples
    --------
    >>> load("Z2xZ2").id
    (4, 2)
    >>> load([8, 4]).name
    'Q8'
    """
    if isinstance(key, Group):
        return key
    if isinstance(key, (tuple, list)):
        if len(key) != 2 or not all(isinstance(x, (int, np.integer)) for x in key):
            raise SymbootInputError(f"a group id is [order, index], got {list(key)}")
        return load_id(int(key[0]), int(key[1]))
    if not isinstance(key, str):
        raise SymbootInputError(f"cannot read a group from {key!r}")
    parsed = parse_id(key)
    if parsed:
        return load_id(*parsed)
    rows = _ids_named(name_key(key))
    if not rows:
        raise SymbootInputError(f"unknown group name {key!r} (try an id like [6,1], or `symboot groups list`)")
    if len(rows) > 1:
        ids = ", ".join(f"[{o},{i}]" for o, i in rows)
        raise SymbootInputError(f"the name {key!r} is ambiguous: {ids}; give an id")
    return load_id(*rows[0])


@lru_cache(maxsize=1024)
def _ids_named(key: str) -> tuple[tuple[int, int], ...]:
    # name_key has no index in the file (a scan reads every record, ~1 ms): look each name up once
    return tuple(connection().execute(
        "SELECT g_order, g_idx FROM groups WHERE name_key = ? ORDER BY g_order, g_idx", (key,)).fetchall())


def ids_of_order(order: int) -> list[tuple[int, int]]:
    return [(order, i) for i in range(1, number_of_groups(order) + 1)]


def ids_by_fingerprint(degrees, class_sizes=None) -> list[tuple[int, int]]:
    """Groups whose sorted irreducible degrees (and, if given, sorted class sizes) match."""
    query = "SELECT g_order, g_idx FROM groups WHERE degrees = ?"
    args = [fingerprint(degrees)]
    if class_sizes is not None:
        query += " AND class_sizes = ?"
        args.append(fingerprint(class_sizes))
    return [tuple(r) for r in connection().execute(query + " ORDER BY g_order, g_idx", args)]


def fingerprint(values) -> str:
    return ",".join(str(int(v)) for v in sorted(values))


def ramp_key(R) -> int:
    """An invariant of a symmetric matrix under simultaneous permutation of rows and columns
    (sorted diagonal, sorted off-diagonal entries), hashed to a signed 63-bit integer."""
    R = np.asarray(R, dtype=np.int64)
    text = f"{sorted(np.diag(R).tolist())}|{sorted(R[_upper(len(R))].tolist())}"
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") >> 1


@lru_cache(maxsize=None)
def _upper(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(n, 1)


def embeddings(sub_id, order: int, key: int | None = None) -> list[tuple[tuple[int, int], list[int]]]:
    """[(G id, [subgroup positions]), ...] for groups of this order with a subgroup class
    isomorphic to sub_id (and ramp invariant `key`, if given)."""
    if key is not None:
        hits = _embeddings_by_key(os.environ.get("SYMBOOT_GROUPDB"), sub_id[0], sub_id[1], order).get(key, ())
        return [(gid, list(pos)) for gid, pos in hits]
    query = "SELECT g_order, g_idx, positions FROM embeddings WHERE s_order = ? AND s_idx = ? AND g_order = ?"
    rows = connection().execute(query + " ORDER BY g_idx", [sub_id[0], sub_id[1], order]).fetchall()
    return [((o, i), json.loads(pos)) for o, i, pos in rows]


@lru_cache(maxsize=256)
def _embeddings_by_key(setting, s_order: int, s_idx: int, order: int) -> dict[int, tuple]:
    """The index slice of one (N, |G|), read once per process and database (``setting``):
    queries with other R for the same N and order reuse it."""
    rows = connection().execute(
        "SELECT ramp_key, g_order, g_idx, positions FROM embeddings WHERE s_order = ? AND s_idx = ? AND g_order = ?"
        " ORDER BY g_idx", [s_order, s_idx, order]).fetchall()
    out: dict[int, list] = {}
    for key, o, i, pos in rows:
        out.setdefault(key, []).append(((o, i), tuple(json.loads(pos))))
    return {key: tuple(v) for key, v in out.items()}


def _has_table(name: str) -> bool:
    return connection().execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def stored_containment(order: int, idx: int) -> dict[tuple[int, int], bool]:
    """{(sub position, over position): contained} from the ``containment`` table for G = [order, idx]."""
    if not _has_table("containment"):
        return {}
    rows = connection().execute(
        "SELECT sub_pos, over_pos, contained FROM containment WHERE g_order = ? AND g_idx = ?", (order, idx))
    return {(p, q): bool(c) for p, q, c in rows}


def containment_undecided(order: int, idx: int) -> list[tuple[int, int]]:
    """Iso types of subgroups of G = [order, idx] whose containment groupdb cannot decide."""
    if not _has_table("containment_undecided"):
        return []
    rows = connection().execute(
        "SELECT s_order, s_idx FROM containment_undecided WHERE g_order = ? AND g_idx = ?", (order, idx))
    return [tuple(r) for r in rows]
