"""groupdb: the bundled database of small groups — exact character tables, subgroup classes
with their class fusions, and the identification query (SPEC §4).

>>> import groupdb
>>> groupdb.load("S3").table.degrees
(1, 1, 2)
"""
from common.errors import SymbootInputError
from groupdb.group import CharacterTable, Group, SubgroupClass
from groupdb.store import ids_by_fingerprint, ids_of_order, load, max_order, meta

__all__ = [
    "CharacterTable", "Group", "SubgroupClass", "SymbootInputError",
    "ids_by_fingerprint", "ids_of_order", "load", "max_order", "meta",
]
