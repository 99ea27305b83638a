"""The one error type for bad input, shared by every symboot package.

Library code raises :class:`SymbootInputError` with a message that names the problem;
the CLI prints it as one line and exits with code 2 (see symboot/cli.py).
"""


class SymbootInputError(ValueError):
    """Bad or inconsistent input: the message names the problem in words a physicist reads."""
