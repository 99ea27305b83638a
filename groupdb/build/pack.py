"""Pack GAP's raw export (order_<n>.jsonl, see export.g) into data/groupdb/groupdb.sqlite.

Usage: python groupdb/build/pack.py RAWDIR OUTDIR

Converts GAP's 1-based class indices to 0-based, computes every stored subgroup class's
branching matrix exactly (groupdb.characters.branching) to index it by its ramp invariant,
and writes provenance (GAP version, coverage, SHA-256 of every raw file and of the
database) into the database's meta table and OUTDIR/PROVENANCE.json. The database is
written to a temporary file and renamed, so a failed run leaves the old one intact.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import sqlite3
import sys
import zlib
from collections import defaultdict
from pathlib import Path

import numpy as np

from groupdb.characters import branching_batch
from groupdb.group import Group
from groupdb.names import name_key
from groupdb.store import fingerprint, ramp_key

COVERAGE = (
    "all groups of order <= {max_order} (SmallGroups library); subgroup classes: all of them for "
    "|G| <= 100, and for 100 < |G| <= {max_order} every class of subgroups of order <= 24 and every "
    "normal subgroup"
)


def _zero_based(rec: dict) -> dict:
    rec["power_maps"] = {p: [c - 1 for c in m] for p, m in rec["power_maps"].items()}
    rec["aut_gens"] = [[c - 1 for c in g] for g in rec["aut_gens"]]
    for s in rec["subgroups"]:
        s["fusion"] = [c - 1 for c in s["fusion"]]
    return rec


def read_names(rawdir: Path, sums: dict[str, str]) -> dict[tuple[int, int], str]:
    """Structure names from names.g's output (orders export.g left nameless)."""
    names = {}
    for path in sorted(rawdir.glob("names_*.jsonl")):
        data = path.read_bytes()
        sums[path.name] = hashlib.sha256(data).hexdigest()
        for line in data.decode().splitlines():
            if line.strip():
                gid, name = json.loads(line)
                names[tuple(gid)] = name
    return names


def read_raw(rawdir: Path) -> tuple[dict[int, list[dict]], dict[str, str]]:
    records, sums = {}, {}
    for path in sorted(rawdir.glob("order_*.jsonl"), key=lambda p: int(p.stem.split("_")[1])):
        n = int(path.stem.split("_")[1])
        data = path.read_bytes()
        sums[path.name] = hashlib.sha256(data).hexdigest()
        recs = [_zero_based(json.loads(line)) for line in data.decode().splitlines() if line.strip()]
        if [r["id"] for r in recs] != [[n, i] for i in range(1, len(recs) + 1)]:
            raise SystemExit(f"pack: {path.name} does not list groups [{n},1..] in order")
        records[n] = recs
    names = read_names(rawdir, sums)
    for recs in records.values():
        for rec in recs:
            if not rec["name"]:
                rec["name"] = names.get(tuple(rec["id"]), "")
    return records, sums


def contiguous_max_order(orders) -> int:
    n = 0
    while n + 1 in orders:
        n += 1
    return n


def pack(rawdir: Path, outdir: Path) -> Path:
    records, sums = read_raw(rawdir)
    top = contiguous_max_order(records)
    if top == 0:
        raise SystemExit(f"pack: no order_1.jsonl in {rawdir}")
    groups = {tuple(r["id"]): Group.from_record(r) for n in range(1, top + 1) for r in records[n]}
    nameless = sorted(gid for gid, G in groups.items() if not G.name)

    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / "groupdb.sqlite"
    tmp = target.with_suffix(".sqlite.tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    con.executescript(
        """
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
        CREATE TABLE groups(g_order INTEGER, g_idx INTEGER, name TEXT, name_key TEXT,
            nclasses INTEGER, degrees TEXT, class_sizes TEXT, data BLOB,
            PRIMARY KEY(g_order, g_idx)) WITHOUT ROWID;
        CREATE TABLE embeddings(s_order INTEGER, s_idx INTEGER, g_order INTEGER, g_idx INTEGER,
            ramp_key INTEGER, positions TEXT,
            PRIMARY KEY(s_order, s_idx, g_order, ramp_key, g_idx)) WITHOUT ROWID;
        """
    )
    nsub = 0
    for n in range(1, top + 1):
        for rec in records[n]:
            G = groups[tuple(rec["id"])]
            con.execute(
                "INSERT INTO groups VALUES (?,?,?,?,?,?,?,?)",
                (n, G.id[1], G.name, name_key(G.name), G.nclasses, fingerprint(G.degrees),
                 fingerprint(G.class_sizes), zlib.compress(json.dumps(rec, separators=(",", ":")).encode(), 9)),
            )
            classes = defaultdict(list)
            by_type = defaultdict(list)
            for sub in G.subgroups:
                by_type[sub.id].append(sub)
            for sid, subs in by_type.items():
                Ms = branching_batch(G, groups[sid], np.array([s.class_fusion for s in subs]))
                for sub, M in zip(subs, Ms):
                    classes[(sid, ramp_key(M.T @ M))].append(sub.position)
            con.executemany(
                "INSERT INTO embeddings VALUES (?,?,?,?,?,?)",
                [(sid[0], sid[1], n, G.id[1], key, json.dumps(pos)) for (sid, key), pos in classes.items()],
            )
            nsub += len(G.subgroups)
        print(f"pack: order {n}: {len(records[n])} groups", file=sys.stderr, flush=True)

    version = (rawdir / "gap-version.txt").read_text().strip() if (rawdir / "gap-version.txt").exists() else "unknown"
    meta = {
        "max_order": str(top),
        "groups": str(len(groups)),
        "subgroup_classes": str(nsub),
        "coverage": COVERAGE.format(max_order=top),
        "gap": version,
        "built": datetime.date.today().isoformat(),
        "generator": "groupdb/build/export.g + groupdb/build/pack.py",
        "raw_sha256": json.dumps(sums, sort_keys=True),
        "nameless": json.dumps(nameless),
    }
    con.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
    con.commit()
    con.execute("VACUUM")
    con.close()
    tmp.replace(target)
    provenance = {k: v for k, v in meta.items() if k not in ("raw_sha256", "nameless")}
    provenance["nameless_groups"] = len(nameless)
    provenance["raw_sha256"] = sums
    provenance["groupdb.sqlite_sha256"] = hashlib.sha256(target.read_bytes()).hexdigest()
    (outdir / "PROVENANCE.json").write_text(json.dumps(provenance, indent=1, sort_keys=True) + "\n")
    return target


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: pack.py RAWDIR OUTDIR")
    print(pack(Path(sys.argv[1]), Path(sys.argv[2])))
