"""The schema language: what each configuration map may hold, as data.

A :class:`MapSpec` lists the keys one kind of map accepts (Kea's grammar has
one such rule per map: ``global_param``, ``subnet4_param``, ...), each with a
value spec, the Kea generation that knows the key, and for renamed keys the
name it replaces. :func:`check` walks a parsed document against a spec and
refuses, with file, line and column, exactly what Kea's parser refuses:
unknown keywords, wrong value types, empty maps or lists where Kea's grammar
wants at least one entry, values outside an enumeration or a range, and
missing mandatory keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from nestor.config.source import Place, PList, PMap, error_at, mark_at


class Gen(Enum):
    """Which Kea generations accept a key: only 2.x, only 3.x (new), or both."""

    BOTH = "both"
    KEA2 = "2.x"
    KEA3 = "3.x"


class Kind(Enum):
    INT = "integer"
    FLOAT = "floating point"
    BOOL = "boolean"
    STR = "constant string"
    ANY = "any value"


@dataclass(frozen=True, slots=True)
class Scalar:
    """A scalar value; ``choices`` for Kea's string enumerations, ``lo``/``hi`` for ranges."""

    kind: Kind
    choices: frozenset[str] | None = None
    lo: float | None = None
    hi: float | None = None


@dataclass(frozen=True, slots=True)
class ListSpec:
    item: Spec
    non_empty: bool = False  # Kea's grammar needs at least one element
    unique: bool = False  # duplicates refused (e.g. host-reservation-identifiers)


@dataclass(frozen=True, slots=True)
class MapSpec:
    """One kind of map. ``open`` maps take any key (user-context, hook parameters)."""

    name: str
    fields: Mapping[str, Field] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    open: bool = False
    non_empty: bool = False


Spec = Scalar | ListSpec | MapSpec


@dataclass(frozen=True, slots=True)
class Field:
    spec: Spec
    gen: Gen = Gen.BOTH
    alias_of: str = ""  # the other generation's name for the same parameter


def f(spec: Spec, gen: Gen = Gen.BOTH, alias_of: str = "") -> Field:
    return Field(spec, gen, alias_of)


# Common scalars. Kea's unsigned parameters are 32-bit unless said otherwise.
UINT32_MAX = 4294967295
INT = Scalar(Kind.INT)
UINT32 = Scalar(Kind.INT, lo=0, hi=UINT32_MAX)
UINT16 = Scalar(Kind.INT, lo=0, hi=65535)
UINT8 = Scalar(Kind.INT, lo=0, hi=255)
FLOAT = Scalar(Kind.FLOAT)
BOOL = Scalar(Kind.BOOL)
STR = Scalar(Kind.STR)
ANY = Scalar(Kind.ANY)
STRINGS = ListSpec(STR)
OPEN_MAP = MapSpec("JSON", open=True)


def enum(*choices: str) -> Scalar:
    return Scalar(Kind.STR, choices=frozenset(choices))


def kind_of(value: object) -> str:
    """How Kea's parser would name the token of a parsed value."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "floating point"
    if isinstance(value, str):
        return "constant string"
    if value is None:
        return "null"
    return "map" if isinstance(value, dict) else "list"


def _scalar_ok(kind: Kind, value: object) -> bool:
    if kind is Kind.ANY:
        return True
    if kind is Kind.BOOL:
        return isinstance(value, bool)
    if kind is Kind.INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is Kind.FLOAT:
        return isinstance(value, float)
    return isinstance(value, str)


def _check_scalar(spec: Scalar, value: object, name: str, where: str, place: Place) -> None:
    if not _scalar_ok(spec.kind, value):
        raise error_at(f"invalid type for parameter '{name}' in {where} map: expecting "
                       f"{spec.kind.value}, got {kind_of(value)}", mark_at(place))
    if spec.choices is not None and value not in spec.choices:
        allowed = ", ".join(sorted(spec.choices))
        raise error_at(f"unsupported value '{value}' for parameter '{name}' "
                       f"(expecting one of: {allowed})", mark_at(place))
    if spec.lo is not None or spec.hi is not None:
        assert isinstance(value, int | float)
        if (spec.lo is not None and value < spec.lo) or (spec.hi is not None and value > spec.hi):
            raise error_at(f"out of range value ({value}) specified for parameter '{name}' "
                           f"(expected {_fmt(spec.lo)}..{_fmt(spec.hi)})", mark_at(place))


def _fmt(bound: float | None) -> str:
    if bound is None:
        return ""
    return str(int(bound)) if float(bound).is_integer() else str(bound)


# The Python type a value of each kind has when it is plainly right; a bool is an int
# in Python but never an integer in JSON, hence exact types.
_EXACT: dict[Kind, type] = {Kind.INT: int, Kind.FLOAT: float, Kind.BOOL: bool, Kind.STR: str}


def check(spec: Spec, value: object, name: str, where: str, place: Place) -> None:
    """Validate ``value`` (named ``name``, inside a ``where`` map, found at ``place``)
    against ``spec``."""
    if isinstance(spec, Scalar):
        # Most values are a plain scalar of the right type with nothing more to check.
        if type(value) is _EXACT.get(spec.kind) and spec.choices is None \
                and spec.lo is None and spec.hi is None:
            return
        _check_scalar(spec, value, name, where, place)
    elif isinstance(spec, ListSpec):
        if not isinstance(value, PList):
            raise error_at(f"invalid type for parameter '{name}' in {where} map: expecting "
                           f"list, got {kind_of(value)}", mark_at(place))
        check_list(spec, value, name)
    else:
        if not isinstance(value, PMap):
            raise error_at(f"invalid type for parameter '{name}' in {where} map: expecting "
                           f"map, got {kind_of(value)}", mark_at(place))
        check_map(spec, value)


def check_list(spec: ListSpec, items: PList, name: str) -> None:
    if spec.non_empty and not items:
        raise error_at(f"empty '{name}' list: at least one entry is required",
                       items.end or items.mark)
    seen: set[object] = set()
    item_spec = spec.item
    for i, item in enumerate(items):
        check(item_spec, item, name, name, (items, i))
        if spec.unique and isinstance(item, str):
            if item in seen:
                raise error_at(f"duplicate entry '{item}' in '{name}' list", items.item_mark(i))
            seen.add(item)


def check_map(spec: MapSpec, value: PMap) -> None:
    if spec.non_empty and not value:
        raise error_at(f"empty {spec.name} map: at least one parameter is required",
                       value.end or value.mark)
    fields = spec.fields
    for key, item in value.items():
        fld = fields.get(key)
        if fld is None:
            if spec.open:
                continue
            raise error_at(f'got unexpected keyword "{key}" in {spec.name} map.',
                           value.key_mark(key))
        if fld.alias_of and fld.alias_of in value:
            raise error_at(f"'{key}' and '{fld.alias_of}' are the same parameter under two "
                           f"names; use only one", value.key_mark(key))
        check(fld.spec, item, key, spec.name, (value, key))
    for key in spec.required:
        if key not in value and not any(fields[k].alias_of == key and k in value
                                         for k in fields):
            raise error_at(f"missing parameter '{key}' in {spec.name} map", value.mark)
