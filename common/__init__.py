"""What every symboot package shares, and nothing else: the bad-input error, strict JSON at
the edges, and the command-line value types. ed, bootstrap and groupdb are siblings over it;
it imports none of them.
"""
from common.errors import SymbootInputError

__all__ = ["SymbootInputError"]
