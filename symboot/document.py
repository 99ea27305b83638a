"""The report's document model: a list of blocks, rendered once as Markdown and once as
a self-contained HTML page, so both files always say the same.

Blocks are plain records (a heading, a paragraph, a list, a table, preformatted text, a
figure, a character table, a collapsible group of blocks); :mod:`symboot.sections` builds
them from an identification result, :mod:`symboot.report` writes the files. Character
tables use groupdb's ζ notation (:mod:`groupdb.display`): fixed-width text in Markdown,
an HTML table with sub- and superscripts on the page.

Examples
--------
>>> blocks = [H(1, "title"), P("one of D8, Q8", "verdict several"), Table(["a", "b"], [["1", "x|y"]], "cap")]
>>> print(markdown(blocks))
# title
<BLANKLINE>
**one of D8, Q8**
<BLANKLINE>
| a | b |
|---|---|
| 1 | x\\|y |
<BLANKLINE>
*cap*
<BLANKLINE>
>>> html_blocks([P("a < b")], {})
'<p>a &lt; b</p>'
"""
from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field

from groupdb.display import format_character_table, fs_symbols, zeta_cells

__all__ = ["H", "P", "Items", "Table", "Pre", "Img", "CharTable", "Details", "markdown", "html_blocks", "html_page"]


# --------------------------------------------------------------------------- blocks
@dataclass
class H:
    """A heading of the given level (1 = the page title)."""

    level: int
    text: str


@dataclass
class P:
    """A paragraph; ``cls`` is its HTML class (a ``verdict …`` class makes it the verdict box)."""

    text: str
    cls: str = ""


@dataclass
class Items:
    """A bulleted list."""

    items: list[str]


@dataclass
class Table:
    """A table of text cells with an optional caption."""

    header: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass
class Pre:
    """Preformatted text."""

    text: str


@dataclass
class Img:
    """A figure: the PNG of that file name (beside the Markdown, inlined in the HTML)."""

    name: str
    caption: str


@dataclass
class CharTable:
    """A character table: fixed-width ζ text in Markdown, an HTML table on the page.

    ``indicators``: a Frobenius–Schur indicator per row (1, -1, 0, or ``None`` where it is
    not known), or ``None`` for no FS column."""

    values: list
    class_sizes: list[int]
    names: list[str] | None = None
    indicators: list[int | None] | None = None


@dataclass
class Details:
    """Blocks shown collapsed under a summary line on the page."""

    summary: str
    blocks: list = field(default_factory=list)


# --------------------------------------------------------------------------- Markdown
def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(blocks: list) -> str:
    """The blocks as one Markdown document."""
    out = []
    for b in blocks:
        if isinstance(b, H):
            out.append("#" * b.level + " " + b.text)
        elif isinstance(b, P):
            out.append(f"**{b.text}**" if b.cls.startswith("verdict") else b.text)
        elif isinstance(b, Items):
            out.append("\n".join(f"- {x}" for x in b.items))
        elif isinstance(b, Table):
            lines = ["| " + " | ".join(map(_md_cell, b.header)) + " |", "|" + "---|" * len(b.header)]
            lines += ["| " + " | ".join(map(_md_cell, r)) + " |" for r in b.rows]
            out.append("\n".join(lines) + (f"\n\n*{b.caption}*" if b.caption else ""))
        elif isinstance(b, Pre):
            out.append(f"```\n{b.text}\n```")
        elif isinstance(b, CharTable):
            out.append(f"```\n{format_character_table(b.values, b.class_sizes, b.names, b.indicators)}\n```")
        elif isinstance(b, Img):
            out.append(f"![{b.caption}]({b.name})\n\n*{b.caption}*")
        elif isinstance(b, Details):
            out.append(f"**{b.summary}**\n\n" + markdown(b.blocks))
    return "\n\n".join(out) + "\n"


# --------------------------------------------------------------------------- HTML
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;max-width:1100px;
 margin:1.5em auto;padding:0 1em;color:#1d1d1f;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.3em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
h3{margin-bottom:.3em}
.verdict{font-size:1.35em;font-weight:600;padding:.6em .9em;border-radius:6px;border-left:6px solid}
.unique{background:#e8f5e9;border-color:#2e7d32}.several{background:#fff8e1;border-color:#f9a825}
.inconsistent,.none{background:#ffebee;border-color:#c62828}.incomplete{background:#eceff1;border-color:#607d8b}
.scroll{overflow-x:auto;max-width:100%;margin:.5em 0}
table{border-collapse:collapse;font-size:.9em}
th,td{border:1px solid #ccc;padding:.2em .55em;text-align:right;white-space:nowrap}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
table.ct{font-size:.78em;font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace}
.caption{font-size:.85em;color:#555;margin:.2em 0 .8em}
pre{background:#f7f7f7;padding:.6em;overflow-x:auto;font-size:.88em;max-height:28em}
figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.85em;color:#555}
details{margin:.4em 0}summary{cursor:pointer;color:#0b57d0}
sub,sup{line-height:0}
"""


def _zeta_html(text: str) -> str:
    """ζ-notation cell as HTML: ``ζ8^3`` → ζ₈³ (sub- and superscripts)."""
    return re.sub(r"ζ(\d+)(?:\^(\d+))?", lambda m: f"ζ<sub>{m[1]}</sub>" + (f"<sup>{m[2]}</sup>" if m[2] else ""),
                  html.escape(text))


def _html_table(header: list[str], rows: list[list[str]], cls: str = "", cell=html.escape) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell(x)}</td>" for x in r) + "</tr>" for r in rows)
    return f'<div class="scroll"><table class="{cls}"><tr>{head}</tr>{body}</table></div>'


def _char_table_html(b: CharTable) -> str:
    """Columns: the classes, then the FS indicators when given (the size row leaves that cell empty)."""
    names = b.names or [f"c{j + 1}" for j in range(len(b.class_sizes))]
    fs = fs_symbols(b.indicators) if b.indicators is not None else None
    rows = [["size"] + [str(s) for s in b.class_sizes] + ([""] if fs else [])]
    rows += [[f"χ{i + 1}"] + r + ([fs[i]] if fs else []) for i, r in enumerate(zeta_cells(b.values))]
    return _html_table(["class"] + names + (["FS"] if fs else []), rows, "ct", _zeta_html)


def html_blocks(blocks: list, pngs: dict[str, bytes]) -> str:
    """The blocks as HTML elements; figures inlined from ``pngs`` (file name → PNG bytes)."""
    out = []
    for b in blocks:
        if isinstance(b, H):
            out.append(f"<h{b.level}>{html.escape(b.text)}</h{b.level}>")
        elif isinstance(b, P):
            out.append(f'<p class="{b.cls}">{html.escape(b.text)}</p>' if b.cls else f"<p>{html.escape(b.text)}</p>")
        elif isinstance(b, Items):
            out.append("<ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in b.items) + "</ul>")
        elif isinstance(b, Table):
            out.append(_html_table(b.header, b.rows)
                       + (f'<div class="caption">{html.escape(b.caption)}</div>' if b.caption else ""))
        elif isinstance(b, Pre):
            out.append(f"<pre>{html.escape(b.text)}</pre>")
        elif isinstance(b, CharTable):
            out.append(_char_table_html(b))
        elif isinstance(b, Img):
            data = base64.b64encode(pngs[b.name]).decode("ascii")
            out.append(f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(b.caption)}">'
                       f"<figcaption>{html.escape(b.caption)}</figcaption></figure>")
        elif isinstance(b, Details):
            out.append(f"<details><summary>{html.escape(b.summary)}</summary>{html_blocks(b.blocks, pngs)}</details>")
    return "\n".join(out)


def html_page(blocks: list, pngs: dict[str, bytes], title: str) -> str:
    """One self-contained HTML page: inline CSS, figures as data URIs, nothing fetched."""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>symboot: {html.escape(title)}</title><style>{_CSS}</style></head>\n"
            f"<body>\n{html_blocks(blocks, pngs)}\n</body></html>\n")
