"""How a result shows itself in a notebook: a titled two-column HTML table (``_repr_html_``).

>>> html_summary("Result", [("status", "complete"), ("groups", "S3 [6,1]")])[:30]
'<table><caption><b>Result</b><'
"""
from __future__ import annotations

import html

__all__ = ["html_summary", "group_label"]


def group_label(group) -> str:
    """``S3 [6,1]``: a groupdb group's name with its SmallGroups id."""
    return f"{group.name} [{group.id[0]},{group.id[1]}]"


def html_summary(title: str, rows) -> str:
    """A table with one (label, value) row each; values are escaped text."""
    body = "".join(f"<tr><th style='text-align:left'>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
                   for k, v in rows)
    return f"<table><caption><b>{html.escape(title)}</b></caption>{body}</table>"
