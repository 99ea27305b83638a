"""The `symboot` command line: one click group, subcommands contributed by each package.

Exit codes (documented in the README): 0 success, 1 a negative answer (e.g. verify: inconsistent),
2 bad input (a one-line message naming the problem), 3 incomplete (a time limit expired),
130 interrupted (Ctrl-C, as shells expect).
"""
from __future__ import annotations

import sys

import click

from common.errors import SymbootInputError

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def _error(message: str, code: int = EXIT_BAD_INPUT):
    # one line whatever the message holds: a script greps for it, a person reads it
    click.echo("symboot: error: " + " ".join(str(message).split()), err=True)
    sys.exit(code)


class _Group(click.Group):
    """Every failure below as one line on stderr: SymbootInputError and click's usage
    errors (bad option value, missing option) exit 2, Ctrl-C exits 130."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SymbootInputError as exc:
            _error(str(exc))

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # bare `symboot`: the help is the answer
            click.echo(exc.ctx.get_help())
            sys.exit(0)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
            _error(exc.format_message() + hint)
        except click.ClickException as exc:
            _error(exc.format_message(), exc.exit_code)
        except (click.Abort, KeyboardInterrupt):
            click.echo("symboot: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """symboot: find hidden symmetry groups of quantum many-body Hamiltonians."""


def _register() -> None:
    from symboot.commands import commands as bootstrap_commands
    from ed.cli import commands as ed_commands
    from groupdb.cli import groups

    main.add_command(groups)
    for cmd in [*bootstrap_commands, *ed_commands]:
        main.add_command(cmd)


_register()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
