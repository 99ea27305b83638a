"""Stored subgroup containment: which (G, N) the permutation-character test cannot decide.

Usage::

    python groupdb/build/containment.py survey              # counts only
    python groupdb/build/containment.py request OUT.g [MAXORDER]  # GAP input for containment.g
    python groupdb/build/containment.py pack REQUESTS.g DB RESULT.jsonl...  # add the tables

groupdb stores no subgroup lattice. Whether a stored class N' of G contains a conjugate of
a stored class N is decided by :func:`groupdb.lattice.contains_conjugate` from class counts
(permutation characters); that is exact unless two G-classes of subgroups ≅ N have equal
class counts ("ambiguous" iso types, see :func:`ambiguous`). For those, GAP computes the
truth (groupdb/build/containment.g) and :func:`cmd_pack` stores it in the table

``containment(g_order, g_idx, sub_pos, over_pos, contained)`` (0-based positions). GAP is
asked about every ambiguous class N (``sub_pos``) and stored class N' (``over_pos``) with
|N| < |N'| < |G|, |N| dividing |N'|, for which the class-count test answers True (where it
answers False it is exact); only the answers that differ from the test are stored
(``contained`` = 0: N' contains no conjugate of N although the counts allowed it), so the
table stays small. A (G, iso type) that GAP did not cover is recorded in
``containment_undecided(g_order, g_idx, s_order, s_idx)``.

The test also needs every class H ≅ N of SmallGroup(N'.id) stored. It always is: a proper
subgroup N' of G (|G| ≤ 200) has order ≤ 100, where every class is stored, and N' = G
needs no test; :func:`survey` checks this (``missing``).

The full run (see :func:`cmd_request`, containment.g, :func:`cmd_pack`)::

    python groupdb/build/containment.py request build/containment/requests.g
    echo 'EXPORT_G := "groupdb/build/export.g"; OUTFILE := "build/containment/out.jsonl";' > p.g
    gap -q -o 6g p.g build/containment/requests.g groupdb/build/containment.g
    python groupdb/build/containment.py pack build/containment/requests.g \
        data/groupdb/groupdb.sqlite build/containment/out.jsonl

The database is changed in place (a copy is written and renamed), and
data/groupdb/PROVENANCE.json gets the new SHA-256 and a note of this step.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import sqlite3
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

from groupdb.lattice import class_counts, counts_test
from groupdb.query import FULL_LATTICE_ORDER
from groupdb.store import ids_of_order, load_id, max_order


def ambiguous(G) -> dict[tuple[int, int], list[int]]:
    """{iso type: positions of its stored classes} for the iso types of G with two stored
    classes of equal class counts (their positions are all returned, also the unique ones)."""
    by_type = defaultdict(list)
    for s in G.subgroups:
        by_type[s.id].append(s)
    out = {}
    for sid, subs in by_type.items():
        if len(subs) < 2:
            continue
        keys = Counter(class_counts(G, s).tobytes() for s in subs)
        if max(keys.values()) > 1:
            out[sid] = [s.position for s in subs]
    return out


def pairs(G, positions) -> list[tuple[int, int]]:
    """The (N, N') pairs to decide in GAP: N' stored, |N| < |N'| < |G|, |N| divides |N'| and the
    class-count test says True (a False is exact)."""
    out = []
    for p in positions:
        sub = G.subgroups[p]
        for q in G.subgroups:
            if sub.order < q.order < G.order and q.order % sub.order == 0 and counts_test(G, sub, q):
                out.append((p, q.position))
    return out


def survey(top: int | None = None, missing: list | None = None):
    """{G id: :func:`ambiguous`(G)} over the groups of order ≤ top with an ambiguous iso type.
    Appends to `missing` the (G id, position) of each proper stored class N' whose
    SmallGroup(N'.id) lacks stored classes (order > 100; none exist)."""
    top = top or max_order()
    amb = {}
    for n in range(1, top + 1):
        for gid in ids_of_order(n):
            G = load_id(*gid)
            a = ambiguous(G)
            if a:
                amb[gid] = a
            if missing is not None:
                missing += [(gid, s.position) for s in G.subgroups if FULL_LATTICE_ORDER < s.order < G.order]
    return amb


def cmd_survey(top=None):
    missing = []
    amb = survey(top, missing)
    print(f"proper stored classes N' whose SmallGroup(N') lacks stored classes: {len(missing)}")
    by_order = Counter(gid[0] for gid in amb)
    ntypes = sum(len(a) for a in amb.values())
    print(f"ambiguous groups: {len(amb)}, (G, iso type) pairs: {ntypes}")
    print("by order:", dict(sorted(by_order.items())))
    return amb


def cmd_request(out: Path, top=None):
    amb = survey(top)
    lines, total = [], 0
    for gid, a in sorted(amb.items()):
        G = load_id(*gid)
        todo = pairs(G, [p for ps in a.values() for p in ps])
        total += len(todo)
        stored = [[list(s.id), s.length] for s in G.subgroups]
        lines.append(f"[{list(gid)}, {json.dumps(stored)}, {json.dumps([[p + 1, q + 1] for p, q in todo])}]")
    out.write_text("REQUESTS := [\n" + ",\n".join(lines) + "];\n")
    print(f"{len(amb)} groups, {total} pairs -> {out}", file=sys.stderr)


def read_requests(path: Path) -> list:
    text = path.read_text()
    head = "REQUESTS := "
    if not text.startswith(head):
        raise SystemExit(f"containment: {path} is not a request file")
    return json.loads(text[len(head):].rstrip().rstrip(";"))


def read_results(paths) -> tuple[dict, dict]:
    results, sums = {}, {}
    for path in paths:
        data = path.read_bytes()
        sums[path.name] = hashlib.sha256(data).hexdigest()
        for line in data.decode().splitlines():
            if line.strip():
                gid, rows = json.loads(line)
                results[tuple(gid)] = rows
    return results, sums


def gap_version() -> str:
    script = 'Print(GAPInfo.Version, "\\n"); Print("smallgrp ", InstalledPackageVersion("smallgrp"), "\\n"); QUIT;'
    try:
        return subprocess.run(["gap", "-q"], input=script, capture_output=True, text=True, timeout=120).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def cmd_pack(requests_path: Path, result_paths: list[Path], db: Path, gap_seconds: str = "") -> None:
    """Add the containment tables to `db` (rewritten through a copy) and note the step in
    PROVENANCE.json next to it.

    Stored: for the groups GAP decided, every requested pair whose truth differs from the
    class-count test (contained = 0: the test said True); pairs the test gets right are left
    out, so the table stays small. Groups GAP did not reach: their iso types go to
    ``containment_undecided``.
    """
    requests = read_requests(requests_path)
    results, sums = read_results(result_paths)
    rows, undecided, npairs, decided_groups = [], [], 0, 0
    for gid, stored, todo in requests:
        gid = tuple(gid)
        asked = {(p, q) for p, q in todo}
        npairs += len(asked)
        if gid in results:
            got = {(p, q): c for p, q, c in results[gid]}
            if set(got) != asked:
                raise SystemExit(f"containment: GAP's answer for {list(gid)} is not for the pairs asked")
            rows += [(gid[0], gid[1], p - 1, q - 1, c) for (p, q), c in sorted(got.items()) if c != 1]
            decided_groups += 1
        else:
            types = sorted({tuple(stored[p - 1][0]) for p, _ in todo})
            undecided += [(gid[0], gid[1], t[0], t[1]) for t in types]
    extra = set(results) - {tuple(r[0]) for r in requests}
    if extra:
        raise SystemExit(f"containment: answers for groups not asked about: {sorted(extra)[:5]}")

    tmp = db.with_suffix(".sqlite.tmp")
    tmp.unlink(missing_ok=True)
    shutil.copyfile(db, tmp)
    con = sqlite3.connect(tmp)
    con.executescript(
        """
        DROP TABLE IF EXISTS containment;
        DROP TABLE IF EXISTS containment_undecided;
        CREATE TABLE containment(g_order INTEGER, g_idx INTEGER, sub_pos INTEGER, over_pos INTEGER,
            contained INTEGER, PRIMARY KEY(g_order, g_idx, sub_pos, over_pos)) WITHOUT ROWID;
        CREATE TABLE containment_undecided(g_order INTEGER, g_idx INTEGER, s_order INTEGER, s_idx INTEGER,
            PRIMARY KEY(g_order, g_idx, s_order, s_idx)) WITHOUT ROWID;
        """
    )
    con.executemany("INSERT INTO containment VALUES (?,?,?,?,?)", rows)
    con.executemany("INSERT INTO containment_undecided VALUES (?,?,?,?)", undecided)
    note = {
        "generator": "groupdb/build/containment.py + groupdb/build/containment.g",
        "gap": gap_version(),
        "built": datetime.date.today().isoformat(),
        "ambiguous_groups": len(requests),
        "decided_groups": decided_groups,
        "pairs_asked": npairs,
        "rows": len(rows),
        "undecided_types": len(undecided),
        "results_sha256": sums,
    }
    if gap_seconds:
        note["gap_wall_seconds"] = gap_seconds
    con.execute("INSERT OR REPLACE INTO meta VALUES (?,?)", ("containment", json.dumps(note, sort_keys=True)))
    con.commit()
    con.execute("VACUUM")
    con.close()
    tmp.replace(db)
    prov_path = db.parent / "PROVENANCE.json"
    prov = json.loads(prov_path.read_text())
    prov["containment"] = note
    prov["groupdb.sqlite_sha256"] = hashlib.sha256(db.read_bytes()).hexdigest()
    prov_path.write_text(json.dumps(prov, indent=1, sort_keys=True) + "\n")
    print(f"containment: {decided_groups}/{len(requests)} groups decided, {len(rows)} rows, "
          f"{len(undecided)} undecided (G, type) pairs -> {db}", file=sys.stderr)


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "survey"
    if cmd == "survey":
        cmd_survey(int(sys.argv[2]) if len(sys.argv) > 2 else None)
    elif cmd == "request":
        cmd_request(Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else None)
    elif cmd == "pack":  # pack REQUESTS.g DB RESULT.jsonl... [--gap-seconds S]
        args = sys.argv[2:]
        secs = ""
        if "--gap-seconds" in args:
            k = args.index("--gap-seconds")
            secs = args[k + 1]
            del args[k:k + 2]
        cmd_pack(Path(args[0]), [Path(a) for a in args[2:]], Path(args[1]), secs)
    else:
        raise SystemExit(__doc__)
