"""``option-def`` and ``option-data`` configuration entries, with Kea's semantics.

The configuration loader checks key names and JSON types and adds file and line to
the :class:`OptionDataError` raised here; this module decides what the entries mean
and refuses what Kea refuses (checked against ``kea-dhcp4 -t``):

``option-data``
    * ``code`` or ``name`` is required; with a code, the definition is looked up by
      code in ``space`` (default ``dhcp4``/``dhcp6``) and a name given too must be
      that definition's name; without a code, by name;
    * ``csv-format`` defaults to true; CSV data needs a definition, so an option
      without one must be given with ``"csv-format": false`` and its code, and its
      data is sent as written (hex or ``'quoted text'``);
    * ``data`` defaults to the empty string, which suits ``empty`` options and
      address lists (an empty list); other types refuse it;
    * codes 0 and 255 are PAD and END in ``dhcp4`` (RFC 2132 3.1, 3.2), 0 is
      reserved in ``dhcp6`` (RFC 8415 21.1).

``option-def``
    * the name is letters, digits, ``-`` and ``_``, not starting or ending with
      ``-``/``_``; the type is one of Kea's; records have two fields or more,
      string/binary fields only last, no ``empty`` or ``record`` field;
    * arrays may not be of string, binary or empty, nor encapsulate a space;
    * a standard code or name may not be redefined in its standard space (option 43
      and Kea 3.x additions excepted, see ``optdefs4``), nor a code or name twice.

Use: start from ``std_definitions(universe).copy()``, add each ``option-def`` entry
with ``defs.add(parse_option_def(entry, universe, defs))`` (a configuration's
definition then shadows a standard one it may override), and encode every
``option-data`` entry with that set. (Kea allows ``option-def`` inside DHCPv4 client
classes only for codes 43 and 224-254; that scope rule is the loader's.)

The encoded payload is what Kea puts on the wire for the option itself: for an
option encapsulating a space (43, 82, custom containers) it holds only the
sub-options written in its own ``data``; the options configured in that space are
appended by whoever assembles the packet. For option 125 the payload ends with
the data-len byte of its (own) sub-options.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from nestor.errors import MalformedPacket, OptionDataError
from nestor.wire.optclass import parse_suboptions
from nestor.wire.optdefs import DataType, DefinitionSet, OptionDefinition
from nestor.wire.optfactory import add_suboptions, context, from_text, normalise
from nestor.wire.opttypes import decode_hex_data
from nestor.wire.stddefs import is_standard, overridable, std_definitions

_T = TypeVar("_T")
_D = TypeVar("_D")

DEFAULT_SPACE = {4: "dhcp4", 6: "dhcp6"}
MAX_CODE = {4: 0xFF, 6: 0xFFFF}
# (space, code) -> why the code cannot be configured there.
RESERVED_CODES: dict[tuple[str, int], str] = {
    ("dhcp4", 0): "reserved for PAD",
    ("dhcp4", 255): "reserved for END",
    ("dhcp6", 0): "reserved value",
}
_NAME = re.compile(r"[A-Za-z0-9_-]+")
# Types an option-def may name; "internal" is Kea's own, for built-in options only.
_DEFINABLE = {t.value: t for t in DataType if t != DataType.INTERNAL}
_NOT_IN_RECORD = (DataType.EMPTY, DataType.RECORD, DataType.INTERNAL)
_NOT_IN_ARRAY = {
    DataType.STRING: "array of strings is not a valid option definition.",
    DataType.BINARY: "array of binary values is not a valid option definition.",
    DataType.EMPTY: "array of empty value is not a valid option definition.",
}


@dataclass(frozen=True, slots=True)
class ConfiguredOption:
    """One ``option-data`` entry, resolved and encoded."""

    space: str
    code: int
    name: str  # "" when the code has no definition
    payload: bytes  # the option body as it goes on the wire (no code/length header)
    always_send: bool
    never_send: bool
    csv_format: bool
    # Kea 3.x option class-tagging: only for clients in one of these classes (empty: all).
    client_classes: tuple[str, ...] = ()


def valid_name(name: str) -> bool:
    """Kea's rule for option and option space names."""
    return bool(_NAME.fullmatch(name)) and name[0] not in "-_" and name[-1] not in "-_"


# --- option-def --------------------------------------------------------------------------

def parse_option_def(entry: Mapping[str, object], universe: int,
                     defs: DefinitionSet) -> OptionDefinition:
    """The definition an ``option-def`` entry describes.

    ``defs`` holds the definitions known so far: the standard ones plus the earlier
    ``option-def`` entries of the same configuration (used to refuse duplicates).
    """
    name = _required(entry, "name", str)
    code = _required(entry, "code", int)
    type_name = _required(entry, "type", str)
    space = _optional(entry, "space", str, DEFAULT_SPACE[universe])
    array = _optional(entry, "array", bool, False)
    encapsulate = _optional(entry, "encapsulate", str, "")
    record_text = _optional(entry, "record-types", str, "")
    _check_code(code, space, universe)
    if not valid_name(space):
        raise OptionDataError(f"invalid option space name '{space}'")
    if encapsulate and array:
        raise OptionDataError(f"option '{space}.{name}', comprising an array of data fields "
                              "may not encapsulate any option space")
    if encapsulate and encapsulate == space:
        raise OptionDataError("option must not encapsulate an option space it belongs to: "
                              f"'{space}.{name}' is set to encapsulate '{space}'")
    fields = _record_fields(record_text, type_name)
    dtype = _validate(name, type_name, array, fields, encapsulate)
    defn = OptionDefinition(name=name, code=code, type=dtype, space=space, array=array,
                            record_types=fields, encapsulate=encapsulate)
    _check_conflicts(defn, universe, defs)
    return defn


def _check_code(code: int, space: str, universe: int) -> None:
    _check_code_range(code, universe)
    reason = RESERVED_CODES.get((space, code))
    if reason:
        raise OptionDataError(f"invalid option code '{code}': {reason}")


def _record_fields(text: str, type_name: str) -> tuple[DataType, ...]:
    fields = []
    for item in text.split(","):
        field_name = item.strip()
        if not field_name:
            continue
        if type_name != DataType.RECORD.value:
            raise OptionDataError("invalid record type values specified for the option "
                                  f"definition: 'record' option type must be used instead "
                                  f"of '{type_name}' to add data fields to the record")
        field = _DEFINABLE.get(field_name)
        if field is None or field in _NOT_IN_RECORD:
            shown = field.value if field is not None else "unknown"
            raise OptionDataError("invalid record type values specified for the option "
                                  f"definition: attempted to add invalid data type "
                                  f"'{shown}' to the record.")
        fields.append(field)
    return tuple(fields)


def _validate(name: str, type_name: str, array: bool, fields: tuple[DataType, ...],
              encapsulate: str) -> DataType:
    """Kea's OptionDefinition::validate(), in its order; returns the option's type."""
    dtype = _DEFINABLE.get(type_name)
    if not valid_name(name):
        raise OptionDataError(f"invalid option name '{name}'")
    if encapsulate and not valid_name(encapsulate):
        raise OptionDataError(f"invalid encapsulated option space name: '{encapsulate}'")
    if dtype is None:
        raise OptionDataError(f"option type '{type_name}' not supported.")
    if dtype == DataType.RECORD:
        if len(fields) < 2:
            raise OptionDataError(f"invalid number of data fields: {len(fields)} specified "
                                  "for the option of type 'record'. Expected at least 2 "
                                  "fields.")
        for field in fields[:-1]:
            if field in (DataType.STRING, DataType.BINARY):
                raise OptionDataError(f"{field.value} data field can't be laid before data "
                                      "fields of other types.")
    last = fields[-1] if dtype == DataType.RECORD else dtype
    if array and last in _NOT_IN_ARRAY:
        raise OptionDataError(_NOT_IN_ARRAY[last])
    return dtype


def _check_conflicts(defn: OptionDefinition, universe: int, defs: DefinitionSet) -> None:
    std = std_definitions(universe)
    protected = _protected_space(defn.space)
    free = overridable(universe)
    for key, found in (("code", std.by_code(defn.space, defn.code)),
                       ("name", std.by_name(defn.space, defn.name))):
        if protected and found is not None and (found.space, found.code) not in free:
            shown = defn.code if key == "code" else defn.name
            raise OptionDataError(f"unable to override definition of option '{shown}' in "
                                  f"standard option space '{defn.space}'")
    for key, found in (("code", defs.by_code(defn.space, defn.code)),
                       ("name", defs.by_name(defn.space, defn.name))):
        if found is not None and not is_standard(found, universe):
            shown = defn.code if key == "code" else defn.name
            raise OptionDataError(f"option definition with {key} '{shown}' already exists "
                                  f"in option space '{defn.space}'")


def _protected_space(space: str) -> bool:
    # Kea keeps vendor definitions apart from its standard spaces: a configuration
    # may define "vendor-<number>" options, even for vendors Kea knows.
    return not space.startswith("vendor-")


# --- option-data -------------------------------------------------------------------------

def encode_option_data(entry: Mapping[str, object], universe: int,
                       defs: DefinitionSet) -> ConfiguredOption:
    """Resolve and encode one ``option-data`` entry as Kea would."""
    code = _optional(entry, "code", int, None)
    name = _optional(entry, "name", str, None)
    data = _optional(entry, "data", str, "")
    csv_given = _optional(entry, "csv-format", bool, None)
    if code is not None:
        _check_code_range(code, universe)
    if name is not None and " " in name:
        raise OptionDataError(f"invalid option name '{name}', space character is not allowed")
    space = _option_space(entry, universe)
    if code is None and name is None:
        raise OptionDataError("option data configuration requires one of 'code' or 'name' "
                              "parameters to be specified")
    defn = defs.by_code(space, code) if code is not None else defs.by_name(space, name or "")
    csv = True if csv_given is None else csv_given
    if defn is None:
        code, payload = _undefined(space, code, name or "", data, csv)
    else:
        if name is not None and name != defn.name:
            raise OptionDataError(f"specified option name '{name}' does not match the option "
                                  f"definition: '{space}.{defn.name}'")
        code, payload = defn.code, _encode(defn, data, csv, universe, defs)
    reason = RESERVED_CODES.get((space, code))
    if reason:
        raise OptionDataError(f"invalid option code '{code}': {reason}")
    return ConfiguredOption(
        space=space, code=code, name=defn.name if defn else "", payload=payload,
        always_send=_optional(entry, "always-send", bool, False),
        never_send=_optional(entry, "never-send", bool, False), csv_format=csv,
        client_classes=tuple(str(c) for c in _optional(entry, "client-classes", list, [])))


def _option_space(entry: Mapping[str, object], universe: int) -> str:
    space = _optional(entry, "space", str, DEFAULT_SPACE[universe])
    if not valid_name(space):
        raise OptionDataError(f"invalid option space name '{space}'")
    other = DEFAULT_SPACE[10 - universe]
    if space == other:
        raise OptionDataError(f"'{other}' option space name is reserved for DHCPv"
                              f"{10 - universe} server")
    return space


def _check_code_range(code: int, universe: int) -> None:
    limit = MAX_CODE[universe]
    if not 0 <= code <= limit:
        relation = "be greater than" if universe == 4 else "exceed"
        raise OptionDataError(f"invalid option code '{code}', it must not {relation} "
                              f"'{limit}'")


def _undefined(space: str, code: int | None, name: str, data: str,
               csv: bool) -> tuple[int, bytes]:
    """An option without a definition: only raw data, and only with a code."""
    if csv:
        raise OptionDataError(f"definition for the option '{space}.{name}' having code "
                              f"'{code or 0}' does not exist")
    if code is None:
        raise OptionDataError(f"definition for the option '{space}.{name}' does not exist")
    return code, decode_hex_data(data)


def _encode(defn: OptionDefinition, data: str, csv: bool, universe: int,
            defs: DefinitionSet) -> bytes:
    raw = None if csv else decode_hex_data(data)
    try:
        if raw is None:
            return from_text(defn, data, universe, defs)
        return normalise(defn, raw, universe, defs)
    except (OptionDataError, MalformedPacket) as exc:
        raise OptionDataError(f"option data does not match option definition (space: "
                              f"{defn.space}, code: {defn.code}): {exc}") from None


def encapsulate(parent: OptionDefinition, payload: bytes, children: list[ConfiguredOption],
                universe: int, defs: DefinitionSet) -> bytes:
    """The payload of ``parent`` once the options configured in the space it
    encapsulates are added (what Kea does when it assembles a reply).

    ``children`` are options of ``parent.encapsulate`` (or, for option 125, of
    ``vendor-<enterprise number>``); the result keeps ``parent``'s own fields and
    orders all sub-options by code.
    """
    present = _present_codes(parent, payload, universe, defs)
    # Kea adds a configured sub-option only when the parent does not hold one of that
    # code already (CfgOption::encapsulateInternal), so sub-options written in the
    # parent's own data win over, and are never sent next to, configured ones.
    options = [(child.code, child.payload) for child in children if child.code not in present]
    try:
        return add_suboptions(parent, payload, options, universe, defs)
    except MalformedPacket as exc:
        raise OptionDataError(f"cannot add sub-options to option {parent.space}."
                              f"{parent.name}: {exc}") from None


def _present_codes(parent: OptionDefinition, payload: bytes, universe: int,
                   defs: DefinitionSet) -> set[int]:
    """Codes of the sub-options ``parent``'s own data holds: all of an empty-typed
    option's data (43, 82) is sub-options. Other types carry fields first; sub-options
    written after them are not looked for (not compared with Kea yet)."""
    if parent.type != DataType.EMPTY:
        return set()
    return {code for code, _ in parse_suboptions(payload, "", context(universe, defs))}


# --- entry access --------------------------------------------------------------------------

def _required(entry: Mapping[str, object], key: str, kind: type[_T]) -> _T:
    if key not in entry:
        raise OptionDataError(f"missing parameter '{key}'")
    return _typed(entry, key, kind)


def _optional(entry: Mapping[str, object], key: str, kind: type[_T], default: _D) -> _T | _D:
    return _typed(entry, key, kind) if key in entry else default


def _typed(entry: Mapping[str, object], key: str, kind: type[_T]) -> _T:
    value = entry[key]
    # bool is an int in Python; JSON true is not a code.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise OptionDataError(f"'{key}' must be of type {kind.__name__}")
    return value
