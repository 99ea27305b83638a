"""The `symboot` command line: one click group, subcommands contributed by each package.

Exit codes (documented in the README): 0 success, 1 a negative answer (e.g. verify: inconsistent),
2 bad input (a one-line message naming the problem), 3 incomplete (a time limit expired).
"""
from __future__ import annotations

import sys

import click

from groupdb.errors import SymbootInputError

EXIT_BAD_INPUT = 2


class _Group(click.Group):
    """Turns SymbootInputError anywhere below into one line on stderr and exit code 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SymbootInputError as exc:
            click.echo(f"symboot: error: {exc}", err=True)
            ctx.exit(EXIT_BAD_INPUT)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """symboot: find hidden symmetry groups of quantum many-body Hamiltonians."""


def _register() -> None:
    from bootstrap.commands import commands as bootstrap_commands
    from ed.cli import commands as ed_commands
    from groupdb.cli import groups

    main.add_command(groups)
    for cmd in [*bootstrap_commands, *ed_commands]:
        main.add_command(cmd)


_register()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
