"""Command-line values every symboot command shares: JSON options and checked numbers.

click's own ranges let NaN through (every comparison with NaN is false), and a NaN time
limit or filter width is never what a user meant.

>>> POSITIVE_FLOAT.convert("2.5", None, None)
2.5
"""
from __future__ import annotations

import math

import click

from common import jsonio

__all__ = ["Finite", "POSITIVE", "POSITIVE_FLOAT", "json_option"]


def json_option(text: str | None, what: str):
    """A command-line option holding JSON (None when absent), or a SymbootInputError."""
    return None if text is None else jsonio.loads(text, what)


class Finite(click.ParamType):
    """A finite float above ``minimum`` (strictly, when ``open_``) and at most ``maximum``."""

    name = "number"

    def __init__(self, minimum: float = 0.0, open_: bool = True, maximum: float = math.inf):
        self.minimum, self.open, self.maximum = minimum, open_, maximum

    def convert(self, value, param, ctx):
        try:
            x = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not math.isfinite(x) or x < self.minimum or (self.open and x == self.minimum) or x > self.maximum:
            bound = f"{'>' if self.open else '≥'} {self.minimum:g}" + (f" and ≤ {self.maximum:g}" if self.maximum < math.inf else "")
            self.fail(f"{value} is not a finite number {bound}", param, ctx)
        return x


#: positive whole numbers (orders, indices, ranks, counts)
POSITIVE = click.IntRange(min=1)
#: seconds, sizes, widths
POSITIVE_FLOAT = Finite()
