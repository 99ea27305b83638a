"""Group names as users type them: normalisation and the common aliases.

GAP's naming is kept: Cn cyclic of order n, Dn dihedral of order n (D8 has order 8),
Qn quaternion/dicyclic of order n, Sn/An symmetric/alternating. Users also type Zn for
Cn, products with x, × or *, powers like C2^3, and V4/K4 for the Klein group.

>>> name_key("Z2xZ2") == name_key("C2 x C2") == name_key("C2^2") == name_key("V4")
True
>>> parse_id("[6, 1]"), parse_id("6,1"), parse_id("SmallGroup(6,1)"), parse_id("S3")
((6, 1), (6, 1), (6, 1), None)
"""
from __future__ import annotations

import re

_ALIASES = {
    "V4": "C2xC2",
    "K4": "C2xC2",
    "KLEIN": "C2xC2",
    "D6": "S3",  # GAP's StructureDescription calls the dihedral group of order 6 S3
    "Z1": "1",
    "C1": "1",
    "TRIVIAL": "1",
}


def _expand_powers(text: str) -> str:
    # C2^3 -> C2xC2xC2 (only for simple factors, which is what users write)
    return re.sub(r"([A-Z]\d+)\^(\d+)", lambda m: "x".join([m.group(1)] * int(m.group(2))), text)


def name_key(name: str) -> str:
    """Normalised form of a structure name or alias, for exact lookup."""
    key = name.strip().upper().replace("×", "x").replace("*", "x").replace(" ", "")
    key = key.replace("X", "x")  # product sign (letters are upper case, so x only separates)
    key = re.sub(r"\bZ(\d+)", r"C\1", key)
    key = re.sub(r"(^|[x(:.])Z(\d+)", r"\1C\2", key)
    key = _expand_powers(key)
    return _ALIASES.get(key, key)


def parse_id(text: str) -> tuple[int, int] | None:
    """(order, i) from "[6,1]", "6,1", "(6, 1)" or "SmallGroup(6,1)"; None when it is a name."""
    m = re.fullmatch(r"\s*(?:SmallGroup)?\s*[\[(]?\s*(\d+)\s*,\s*(\d+)\s*[\])]?\s*", text, re.IGNORECASE)
    return (int(m.group(1)), int(m.group(2))) if m else None
