"""The identification report (symboot.report): content, self-containment, atomicity,
and how the page renders in a real (headless) browser.

Independent truth: S3's character table in closed form (class sizes 1, 3, 2; rows
(1, 1, 1), (1, -1, 1), (2, 0, -1)), the extracted R of the analysis the report is made
from, and the advice objects the pipeline returns (their sentences must appear verbatim).
"""
from __future__ import annotations

import base64
import dataclasses
import html
import json
import os
import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from symboot.pipeline import identify_curves, identify_matrices, verdict_line
from symboot.report import write_report
from ed.models import NAMED_GROUPS, ensemble, random_g_chain, s3_chain

REPORT_FILES = {"report.md", "report.html", "result.json"}


@pytest.fixture(autouse=True)
def _one_blas_thread():
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def s3():
    ms = ensemble(s3_chain, 4, seed=0, L=5)
    return identify_matrices([m.H for m in ms], ms[0].generators, ms[0].orders, progress=False, workers=1)


@pytest.fixture(scope="module")
def d8():
    gens, _ = NAMED_GROUPS["D8"]
    ms = ensemble(random_g_chain, 3, seed=1, group_gens=gens, L=5, known=[[1, 2, 3, 0]])
    return identify_matrices([m.H for m in ms], ms[0].generators, ms[0].orders, progress=False, workers=1)


@pytest.fixture(scope="module")
def large(s3):
    """C3 with R = 10·1: C3 x D10 (12 irreducibles) or C30 (30), over S3's spectra."""
    from bootstrap.data import parse_data
    from bootstrap.engine import solve

    sol = solve(parse_data({"subgroup": {"cyclic": 3}, "ramp": [[10, 0, 0], [0, 10, 0], [0, 0, 10]]}), abstract=False)
    return dataclasses.replace(s3, solution=sol, verdict=verdict_line(sol, s3.known), advice=[])


class _Tables(HTMLParser):
    """Cells of the HTML tables with a given class, as text."""

    def __init__(self, cls: str):
        super().__init__()
        self.cls, self.tables, self._in, self._cell = cls, [], False, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._in = dict(attrs).get("class") == self.cls
            if self._in:
                self.tables.append([])
        elif self._in and tag == "tr":
            self.tables[-1].append([])
        elif self._in and tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self._in = False
        elif self._in and tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(self._cell)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def _tables(page: str, cls: str) -> list:
    p = _Tables(cls)
    p.feed(page)
    return p.tables


# ------------------------------------------------------------------ content
def test_s3_report_files_and_json(s3, tmp_path):
    page = write_report(s3, tmp_path / "rep")
    d = page.parent
    assert page == (tmp_path / "rep" / "report.html").resolve()
    names = {p.name for p in d.iterdir()}
    assert REPORT_FILES <= names
    assert {"sector_sff.png", "xsff_matrix.png", "ramp.png", "gap_ratios.png"} <= names
    assert json.loads((d / "result.json").read_text()) == json.loads(json.dumps(s3.to_json(report=str(page))))
    md = (d / "report.md").read_text()
    for png in names - REPORT_FILES:
        assert f"]({png})" in md  # the Markdown links every figure beside it
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left behind


def test_s3_verdict_first_and_status(s3, tmp_path):
    d = write_report(s3, tmp_path).parent
    md, page = (d / "report.md").read_text(), (d / "report.html").read_text()
    assert md.splitlines()[2] == "**G = S3, unique**"
    assert page.index("G = S3, unique") < page.index("<h2>")
    assert "status: complete" in md and "status: complete" in page
    for note in s3.notes:
        assert note in md and html.escape(note) in page
    for stage in s3.seconds:
        assert f"| {stage} |" in md
    assert "abstract search (SMT, no group assumed) and named search (groupdb)" in md


def test_s3_ramp_matrix_and_census(s3, tmp_path):
    md = (write_report(s3, tmp_path).parent / "report.md").read_text()
    section = md.split("### Ramp matrix R")[1].split("\n\n")[1].splitlines()[2:]
    R = s3.analysis.ramp.matrix
    for label, line, row in zip(s3.analysis.spectra.labels, section, R):
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[0] == label
        expected = ["{" + ", ".join(map(str, x)) + "}" if isinstance(x, list) else str(x) for x in row]
        assert [c.split("  ")[0] for c in cells[1:]] == expected
    assert f"posterior {s3.analysis.ramp.confidence:.3f}" in md
    assert "### Multiplet census" in md and "| 0 | 1 | 1 | 81 |" in md


def test_s3_character_table_is_s3(s3, tmp_path):
    page = (write_report(s3, tmp_path).parent / "report.html").read_text()
    tables = _tables(page, "ct")
    assert tables, "no character table on the page"
    rows = tables[0]
    assert rows[0][-1] == "FS" and [r[-1] for r in rows[2:]] == ["+", "+", "+"]  # S3's irreducibles are real
    sizes = [int(x) for x in rows[1][1:-1]]
    values = [[int(x) for x in r[1:-1]] for r in rows[2:]]
    assert sorted(sizes) == [1, 2, 3] and sorted(r[0] for r in values) == [1, 1, 2]
    # compare with S3's table in closed form, column by class size (1: identity, 3: transpositions, 2: 3-cycles)
    known = sorted([{1: 1, 3: 1, 2: 1}, {1: 1, 3: -1, 2: 1}, {1: 2, 3: 0, 2: -1}], key=lambda r: sorted(r.items()))
    got = sorted([dict(zip(sizes, r)) for r in values], key=lambda r: sorted(r.items()))
    assert got == known
    md = (tmp_path / "report.md").read_text()
    assert "ζn = exp(2πi/n)" in md and "χ3 ⊗ χ3 = χ1 + χ2 + χ3" in md


def test_d8_q8_advice_and_zeta(d8, tmp_path):
    assert d8.verdict == "one of D8, Q8" and d8.advice
    d = write_report(d8, tmp_path).parent
    md, page = (d / "report.md").read_text(), (d / "report.html").read_text()
    assert "**one of D8, Q8**" in md and 'class="verdict several"' in page
    assert "Discriminating next measurement" in md
    for a in d8.advice:
        assert a.description in md and html.escape(a.description) in page
        for g in a.predictions:
            assert g in md
    assert "GSE" in md  # Q8's quaternionic irreducible under time reversal
    # the not-group-like ring's table has ζ4 entries: text in Markdown, sub/superscripts on the page
    assert "ζ4" in md and "ζ<sub>4</sub>" in page
    assert "### D8 [8,3]" in md and "### Q8 [8,4]" in md and "Schur multiplier: C2" in md


def test_fs_column_d8_q8(d8, tmp_path):
    """The FS column: D8 and Q8 disagree on the 2-dimensional irreducible (groupdb's
    indicators, from GAP: Q8's is quaternionic), so it is ± with each group's column beside;
    the ring no group realises leaves that sign open and marks its complex pair o."""
    d = write_report(d8, tmp_path).parent
    md, page = (d / "report.md").read_text(), (d / "report.html").read_text()
    fs_columns = [[r[-1] for r in t[2:]] for t in _tables(page, "ct")]
    assert all(t[0][-1] == "FS" for t in _tables(page, "ct"))
    named, abstract = (c for c in d8.solution.candidates if c.groups), (c for c in d8.solution.candidates if not c.groups)
    named, abstract = next(named), next(abstract)
    two = [int(x) for x in named.dims].index(2)
    expected = ["±" if i == two else "+" for i in range(5)]
    assert expected in fs_columns
    assert "D8 [8,3]: + + + + +" in md and "Q8 [8,4]: " + " ".join(expected[:two] + ["-"] + expected[two + 1:]) in md
    assert sorted(fs_columns[d8.solution.candidates.index(abstract)]) == ["+", "+", "o", "o", "±"]
    assert "± self-dual, sign not fixed" in md and "FS indicators from the fusion ring" in md
    cands = json.loads((d / "result.json").read_text())["solution"]["candidates"]
    assert [c["indicators"][two] for c in cands] == [None, None]


def test_html_is_self_contained(d8, tmp_path):
    page = write_report(d8, tmp_path).read_text()
    assert "<link" not in page and "http://" not in page and "https://" not in page
    srcs = re.findall(r'src="([^"]*)"', page)
    assert len(srcs) == 4
    for s in srcs:
        assert s.startswith("data:image/png;base64,")
        assert base64.b64decode(s.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"


def test_large_candidate_is_capped(large, tmp_path):
    assert large.verdict == "one of C3 x D10, C30"
    d = write_report(large, tmp_path).parent
    md, page = (d / "report.md").read_text(), (d / "report.html").read_text()
    assert "30 irreducibles — C30" in md and "60 of 435 products shown" in md
    ct = _tables(page, "ct")
    assert [len(t) - 2 for t in ct] == [12, 30]  # header and size rows, then one row per irreducible
    assert 'class="scroll"' in page and "overflow-x:auto" in page
    assert re.search(r"ζ<sub>15</sub>(<sup>\d+</sup>)?", page)


def _curves(s3, layout: str):
    xs = dataclasses.replace(s3.analysis.xsff, layout=layout)
    return identify_curves(xs, s3.known, {"kind": "xsff", "description": f"{layout} curves", "params": {}})


@pytest.mark.parametrize("layout, figures", [
    ("authors", {"xsff_curves.png", "plateau.png"}),
    ("symboot", {"xsff_curves.png", "plateau.png", "xsff_matrix.png", "ramp.png"}),
])
def test_curves_report(s3, tmp_path, layout, figures):
    r = _curves(s3, layout)
    assert r.analysis is None and (6, 1) in r.groups
    # plateau + smallest index; the symboot layout's ramp at L = 5 is sets, which go in with the plateau
    assert r.verdict.startswith("G = S3, unique; read with every pairing of sectors unitary")
    assert any(n.startswith("plateau with the ramp's sets") for n in r.notes) == (layout == "symboot")
    d = write_report(r, tmp_path).parent
    assert {p.name for p in d.iterdir()} == REPORT_FILES | figures
    md = (d / "report.md").read_text()
    assert f"layout “{layout}”" in md and "### Plateau" in md
    assert "### Multiplet census" not in md and "gap_ratios.png" not in md and "⟨r⟩" not in md


# ------------------------------------------------------------------ atomicity
def test_failure_leaves_nothing(s3, tmp_path, monkeypatch):
    import ed.plots

    def broken(*a, **k):
        raise RuntimeError("plotting failed")

    monkeypatch.setattr(ed.plots, "gap_ratio_histograms", broken)  # the last figure: the others were made
    with pytest.raises(RuntimeError, match="plotting failed"):
        write_report(s3, tmp_path / "rep")
    assert list(tmp_path.iterdir()) == []


def test_failure_keeps_the_old_report(s3, tmp_path, monkeypatch):
    import symboot.report

    d = write_report(s3, tmp_path / "rep").parent
    before = {p.name: p.read_bytes() for p in d.iterdir()}
    monkeypatch.setattr(symboot.report, "_html", lambda *a: 1 / 0)  # after every figure and the Markdown
    with pytest.raises(ZeroDivisionError):
        write_report(s3, d)
    assert {p.name: p.read_bytes() for p in d.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["rep"]


def test_existing_report_is_replaced(s3, tmp_path):
    d = write_report(s3, tmp_path / "rep").parent
    (d / "notes.txt").write_text("mine")
    write_report(_curves(s3, "authors"), d)
    names = {p.name for p in d.iterdir()}
    assert names == REPORT_FILES | {"xsff_curves.png", "plateau.png", "notes.txt"}  # old figures gone, ours kept
    assert json.loads((d / "result.json").read_text())["source"]["kind"] == "xsff"


@pytest.mark.slow
def test_six_sectors_fast(tmp_path):
    # C6 ⊂ D12 on six local states: 6 sectors, a 6 x 6 xSFF grid
    ms = ensemble(random_g_chain, 3, seed=0, group_gens=[[1, 2, 3, 4, 5, 0], [5, 4, 3, 2, 1, 0]], L=4,
                  known=[[1, 2, 3, 4, 5, 0]])
    r = identify_matrices([m.H for m in ms], ms[0].generators, ms[0].orders, progress=False, workers=1)
    assert len(r.analysis.spectra.dims) == 6
    t0 = time.monotonic()
    write_report(r, tmp_path)
    assert time.monotonic() - t0 < 10


# ------------------------------------------------------------------ a real browser
_CHECK = """<script>
window.addEventListener("load", () => {
  const out = document.createElement("pre");
  out.id = "symboot-check";
  out.textContent = JSON.stringify({
    images: [...document.images].map(i => i.complete ? i.naturalWidth : 0),
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    verdict: document.querySelector(".verdict").getBoundingClientRect().height,
  });
  document.body.appendChild(out);
});
</script>"""


def _chromium() -> str:
    for name in (os.environ.get("SYMBOOT_CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    if os.environ.get("SYMBOOT_REQUIRE_BROWSER") == "1":
        pytest.fail("SYMBOOT_REQUIRE_BROWSER=1 but no chromium binary was found (apt-get install chromium)")
    pytest.skip("no chromium binary found (apt-get install chromium; SYMBOOT_REQUIRE_BROWSER=1 makes this fail)")


def _headless(browser: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           f"--user-data-dir={tmp_path / 'profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.mark.browser
def test_page_renders_in_chromium(large, tmp_path):
    """Every figure decodes, wide tables scroll inside their boxes (the page itself is no
    wider than the window), the verdict box is styled, and the screenshot is not blank."""
    from PIL import Image

    browser = _chromium()
    page = write_report(large, tmp_path / "rep")
    probe = page.with_name("probe.html")  # the same page with a script that reports what it sees
    probe.write_text(page.read_text().replace("</body>", _CHECK + "</body>"))
    r = _headless(browser, tmp_path, "--window-size=1200,2000", "--virtual-time-budget=10000", "--dump-dom",
                  probe.as_uri())
    found = re.search(r'<pre id="symboot-check">(.*?)</pre>', r.stdout)
    assert found, f"the page's script did not run:\n{r.stderr[-2000:]}"
    seen = json.loads(html.unescape(found[1]))
    assert len(seen["images"]) == 4 and all(w > 0 for w in seen["images"]), seen
    assert seen["scrollWidth"] <= seen["innerWidth"], seen
    assert seen["verdict"] > 30, seen  # a padded box, not bare text

    shot = tmp_path / "shot.png"
    _headless(browser, tmp_path, "--window-size=1200,3000", f"--screenshot={shot}", page.as_uri())
    assert shot.exists(), "chromium wrote no screenshot"
    px = np.asarray(Image.open(shot).convert("RGB"), dtype=float)
    assert px.std() > 20  # text, tables and plots, not a blank page
    # the 'several groups' verdict box (#fff8e1) is near the top: the inline CSS was applied
    top = px[:400].reshape(-1, 3)
    assert (np.abs(top - [255, 248, 225]).max(axis=1) <= 3).sum() > 5000
