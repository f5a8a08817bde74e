"""The one place the loader calls the option codec for ``option-def`` / ``option-data``.

The schema has already checked key names and value types; the semantics
(names, codes, spaces, data encoding) belong to :mod:`nestor.wire.optdata`.
Its :class:`~nestor.errors.OptionDataError` is turned into a ConfigError
naming the entry's file and line, as Kea does ("... (file:line:col)").
"""

from __future__ import annotations

from nestor.config.source import PList, PMap, error_at
from nestor.errors import OptionDataError
from nestor.wire.optdata import ConfiguredOption, encode_option_data, parse_option_def
from nestor.wire.optdefs import DefinitionSet
from nestor.wire.stddefs import std_definitions

__all__ = ["ConfiguredOption", "build_definitions", "build_options", "standard"]


def standard(universe: int) -> DefinitionSet:
    """The standard definitions a configuration's own ``option-def`` entries extend."""
    return std_definitions(universe)


def build_definitions(entries: object, universe: int, base: DefinitionSet) -> DefinitionSet:
    """``base`` plus the configuration's ``option-def`` entries, each checked in turn."""
    defs = base.copy()
    if not isinstance(entries, PList):
        return defs
    for i, entry in enumerate(entries):
        assert isinstance(entry, PMap)
        try:
            definition = parse_option_def(entry, universe, defs)
        except OptionDataError as exc:
            raise error_at(f"option definition error: {exc}", entries.item_mark(i)) from None
        defs.add(definition)
    return defs


def build_options(entries: object, universe: int, defs: DefinitionSet) -> list[ConfiguredOption]:
    """Encode one scope's ``option-data`` list."""
    if not isinstance(entries, PList):
        return []
    out: list[ConfiguredOption] = []
    for i, entry in enumerate(entries):
        assert isinstance(entry, PMap)
        try:
            out.append(encode_option_data(entry, universe, defs))
        except OptionDataError as exc:
            raise error_at(f"option data configuration error: {exc}",
                           entries.item_mark(i)) from None
    return out
