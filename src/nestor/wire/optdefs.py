"""Option definitions as data: the model shared by every option table.

A definition says how the payload of one option code in one option space is
laid out, using Kea's data type names so that ``option-def`` entries in a
Kea configuration map onto it one to one. The standard tables live in
``optdefs4`` (DHCPv4 spaces) and ``optdefs6`` (DHCPv6 spaces); custom
definitions from configuration are layered on top in a :class:`DefinitionSet`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum


class DataType(StrEnum):
    """Kea's option data types, by the names Kea's configuration uses."""

    BINARY = "binary"
    BOOLEAN = "boolean"
    EMPTY = "empty"
    FQDN = "fqdn"
    INT8 = "int8"
    INT16 = "int16"
    INT32 = "int32"
    UINT8 = "uint8"
    UINT16 = "uint16"
    UINT32 = "uint32"
    IPV4_ADDRESS = "ipv4-address"
    IPV6_ADDRESS = "ipv6-address"
    IPV6_PREFIX = "ipv6-prefix"
    PSID = "psid"
    RECORD = "record"
    STRING = "string"
    TUPLE = "tuple"
    INTERNAL = "internal"


@dataclass(frozen=True, slots=True)
class OptionDefinition:
    """How one option code in one space is encoded.

    ``record_types`` is only used when ``type`` is RECORD; with ``array`` set
    on a record, the last field repeats (Kea's rule). ``encapsulate`` names
    the option space whose options follow the fixed fields, if any.
    """

    name: str
    code: int
    type: DataType
    space: str
    array: bool = False
    record_types: tuple[DataType, ...] = ()
    encapsulate: str = ""


class DefinitionSet:
    """Definitions indexed by (space, code) and (space, name).

    Standard tables are loaded once; a configuration's ``option-def`` entries
    are added to a copy so the running configuration is never touched while a
    new one is being checked.
    """

    __slots__ = ("_by_code", "_by_name")

    def __init__(self, defs: Iterable[OptionDefinition] = ()) -> None:
        self._by_code: dict[tuple[str, int], OptionDefinition] = {}
        self._by_name: dict[tuple[str, str], OptionDefinition] = {}
        for d in defs:
            self.add(d)

    def add(self, d: OptionDefinition) -> None:
        self._by_code[(d.space, d.code)] = d
        self._by_name[(d.space, d.name)] = d

    def copy(self) -> DefinitionSet:
        other = DefinitionSet()
        other._by_code = dict(self._by_code)
        other._by_name = dict(self._by_name)
        return other

    def by_code(self, space: str, code: int) -> OptionDefinition | None:
        return self._by_code.get((space, code))

    def by_name(self, space: str, name: str) -> OptionDefinition | None:
        return self._by_name.get((space, name))

    def spaces(self) -> set[str]:
        return {space for space, _ in self._by_code}

    def in_space(self, space: str) -> list[OptionDefinition]:
        return sorted((d for (s, _), d in self._by_code.items() if s == space),
                      key=lambda d: d.code)

    def __iter__(self) -> Iterator[OptionDefinition]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)


# The standard tables (``optdefs4``, ``optdefs6``) are written as rows, one line per
# option: (name, code, type, array, record field types, encapsulated space).
DefinitionRow = tuple[str, int, DataType, bool, tuple[DataType, ...], str]


def row(name: str, code: int, type_: DataType, array: bool = False,
        encapsulate: str = "") -> DefinitionRow:
    """A table row for an option of one data type (or an array of it)."""
    return (name, code, type_, array, (), encapsulate)


def record(name: str, code: int, *fields: DataType, array: bool = False,
           encapsulate: str = "") -> DefinitionRow:
    """A table row for a record option; with ``array`` its last field repeats."""
    return (name, code, DataType.RECORD, array, fields, encapsulate)


def build_space(space: str, rows: Iterable[DefinitionRow]) -> tuple[OptionDefinition, ...]:
    """The definitions of one option space from its table rows."""
    return tuple(
        OptionDefinition(name=name, code=code, type=type_, space=space, array=array,
                         record_types=fields, encapsulate=encap)
        for name, code, type_, array, fields, encap in rows
    )
