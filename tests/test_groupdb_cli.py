"""`symboot groups …`: the relied-on command forms, JSON output, and bad input."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from symboot.cli import main
from groupdb import store

S3_RAMP = "[[2,0,0],[0,1,1],[0,1,1]]"


def run(*args):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output, result.stderr if hasattr(result, "stderr") else ""


def test_query_cyclic_json():
    code, out, _ = run("groups", "query", "--cyclic", "3", "--ramp", S3_RAMP, "--max-order", "100", "--json")
    assert code == 0
    groups = json.loads(out)["groups"]
    assert [(g["id"], g["name"]) for g in groups] == [([6, 1], "S3")]


def test_query_abelian_json_s4_over_klein():
    # S4's non-normal Klein group <(12),(34)>, charges (a,b) of the two transpositions, by hand:
    # 1 -> 00; sgn -> 11; 2 -> 00+11; 3 -> 00+10+01; 3' -> 10+01+11; so R = MᵀM is
    ramp = "[[3,1,1,1],[1,2,2,1],[1,2,2,1],[1,1,1,3]]"
    code, out, _ = run("groups", "query", "--abelian", "2x2", "--ramp", ramp, "--json")
    assert code == 0
    assert [24, 12] in [g["id"] for g in json.loads(out)["groups"]]


def test_query_subgroup_by_name_and_census():
    code, out, _ = run("groups", "query", "--subgroup", "S3", "--ramp", "[[1,0,0],[0,1,0],[0,0,1]]", "--json")
    assert code == 0 and [g["id"] for g in json.loads(out)["groups"]] == [[6, 1]]
    code, out, _ = run("groups", "query", "--cyclic", "3", "--census", "[[1,0,0],[1,0,0],[0,1,1]]", "--json")
    assert code == 0 and [g["id"] for g in json.loads(out)["groups"]] == [[6, 1]]


def test_query_empty_answer_is_an_empty_list():
    code, out, _ = run("groups", "query", "--cyclic", "3", "--ramp", "[[1,0,0],[0,2,0],[0,0,1]]", "--json")
    assert code == 0 and json.loads(out)["groups"] == []


def test_show_json_and_text():
    code, out, _ = run("groups", "show", "S4", "--json")
    rec = json.loads(out)
    assert code == 0 and rec["id"] == [24, 12] and sorted(rec["degrees"]) == [1, 1, 2, 3, 3]
    code, out, _ = run("groups", "show", "Q8")
    assert code == 0 and "Q8" in out and "-" in out.split("FS")[1]


@pytest.mark.parametrize(
    "args,needle",
    [
        (["groups", "show", "NoSuchGroup"], "unknown group name"),
        (["groups", "show", "[6,9]"], "there is no group [6,9]"),
        (["groups", "show", "[9999,1]"], "outside the database"),
        (["groups", "query", "--cyclic", "3", "--ramp", "[[2,0],[0,1]]"], "must be 3×3"),
        (["groups", "query", "--cyclic", "3", "--ramp", "[[2,1,0],[0,1,1],[0,1,1]]"], "not symmetric"),
        (["groups", "query", "--cyclic", "3", "--ramp", "[[2,0,0],[0,1,-1],[0,-1,1]]"], "negative"),
        (["groups", "query", "--cyclic", "3", "--ramp", "[[2,0,0],[0,1,1],[0,1,1"], "could not read --ramp"),
        (["groups", "query", "--cyclic", "3", "--ramp", "[[2.5,0,0],[0,1,1],[0,1,1]]"], "integer entries"),
        (["groups", "query", "--subgroup", "Foo", "--ramp", "[[1]]"], "unknown group name"),
        (["groups", "query", "--cyclic", "3"], "exactly one of --ramp and --census"),
    ],
)
def test_bad_input_is_one_line_exit_2(args, needle):
    proc = subprocess.run([sys.executable, "-m", "symboot.cli", *args], capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert needle in proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_query_needing_a_subgroup_class_not_stored_is_refused():
    # |N| = 25 and index 6: groups of order 150, where only normal subgroups of order 25 are stored
    ramp = (6 * np.eye(25, dtype=int)).tolist()
    code, out, _ = run("groups", "query", "--abelian", "5x5", "--ramp", json.dumps(ramp))
    assert code == 2 and "stored only when normal" in out


def test_cold_load_of_one_group_is_fast():
    code = "import time, groupdb; t = time.perf_counter(); groupdb.load([192, 1000]); print(time.perf_counter() - t)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert float(proc.stdout) < 0.5


def test_database_size_and_provenance():
    path = store.database_path()
    assert path.stat().st_size < 80 * 2**20
    prov = json.loads((Path(path).parent / "PROVENANCE.json").read_text())
    assert prov["gap"].startswith("4.")
