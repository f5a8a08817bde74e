"""The standard option definitions of one universe (4 or 6), built once.

Callers get a :class:`DefinitionSet` they may read but must not change; to add a
configuration's ``option-def`` entries, take ``.copy()`` first.
"""

from __future__ import annotations

from functools import cache

from nestor.wire.optdefs import DefinitionSet, OptionDefinition
from nestor.wire.optdefs4 import OVERRIDABLE_V4, STANDARD_V4


def _table(universe: int) -> tuple[OptionDefinition, ...]:
    if universe == 4:
        return STANDARD_V4
    if universe == 6:
        from nestor.wire.optdefs6 import STANDARD_V6
        return STANDARD_V6
    raise ValueError(f"universe must be 4 or 6, not {universe!r}")


@cache
def std_definitions(universe: int) -> DefinitionSet:
    """Every standard definition of DHCPv4 (4) or DHCPv6 (6), all spaces."""
    return DefinitionSet(_table(universe))


def is_standard(defn: OptionDefinition, universe: int) -> bool:
    """True when ``defn`` is exactly the standard definition of its space and code."""
    return std_definitions(universe).by_code(defn.space, defn.code) == defn


def overridable(universe: int) -> frozenset[tuple[str, int]]:
    """(space, code) pairs whose standard definition a configuration may replace."""
    return OVERRIDABLE_V4 if universe == 4 else frozenset()
