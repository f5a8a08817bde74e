"""Kea's memfile CSV conventions: escaping, field codecs and versioned headers.

Facts taken from Kea (``util/csv_file.cc``, ``util/versioned_csv_file.cc``,
``dhcpsrv/csv_lease_file4.cc``/``6.cc``) and checked against Kea 2.2's files:

* Rows are comma separated with no quoting. Free-text fields (hostname, user
  context) escape a byte as ``&#x`` plus two lowercase hex digits. Kea 2.2
  escapes only ``,`` and ``&``, so a hostname with a newline breaks its file;
  Kea 3.x also escapes control bytes and bytes above 0x7e. Nestor writes the
  3.x form, which Kea 2.2 reads back correctly (its unescaping takes any
  ``&#xHH``). A tag not followed by two hex digits stays literal.
* Identifiers are colon separated hex (``1a:2b``), one or two digits per byte.
* Numbers are unsigned decimal; booleans are ``0``/``1`` and nothing else.
* User context is a JSON map, written the way Kea prints JSON (``{ "a": 1 }``).
* A file's header names its columns. Known columns grow at the end from one
  Kea release to the next; a header that is a prefix of ours (an older file)
  is upgraded row by row with column defaults, one longer than ours (a newer
  file) has its extra columns dropped, anything else is refused.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

import orjson

ESCAPE_TAG = "&#x"
SEPARATOR = ","

# Kea 3.x CSVRow::escapeCharacters: controls, the separator, '&' and bytes above '~'.
_NEEDS_ESCAPE = re.compile("[\x00-\x1f,&\x7f-\U0010ffff]")
_ESCAPED = re.compile(rb"&#x([0-9a-fA-F]{2})")
_HEX_ID = re.compile(r"[0-9a-fA-F]{1,2}(?::[0-9a-fA-F]{1,2})*")
# Parsed numbers that repeat across rows (lifetimes, subnet ids, states) share one int
# object: fewer allocations while loading and less memory per lease afterwards.
_NUMBER_CACHE: dict[str, int] = {}
_NUMBER_CACHE_MAX = 4096
_BOOLS = {"0": False, "1": True}


class RowError(ValueError):
    """A lease file row that cannot be read; the message says why."""


def escape(text: str) -> str:
    """Escape a free-text field for a CSV row (Kea 3.x rules, readable by 2.2)."""
    if not text or _NEEDS_ESCAPE.search(text) is None:
        return text
    out = []
    for byte in text.encode("utf-8", "surrogateescape"):
        if byte < 0x20 or byte > 0x7E or byte in (0x2C, 0x26):
            out.append(f"{ESCAPE_TAG}{byte:02x}")
        else:
            out.append(chr(byte))
    return "".join(out)


def unescape(text: str) -> str:
    """Undo :func:`escape`; bytes that are not UTF-8 survive as surrogate escapes."""
    if ESCAPE_TAG not in text:
        return text
    raw = _ESCAPED.sub(lambda m: bytes((int(m[1], 16),)),
                       text.encode("utf-8", "surrogateescape"))
    return raw.decode("utf-8", "surrogateescape")


def hex_id(data: bytes) -> str:
    """Kea's text form of an identifier: ``1a:2b:3c`` (empty for no bytes)."""
    return data.hex(":")


def parse_hex_id(text: str, what: str) -> bytes:
    """Colon separated hex with one or two digits per byte; empty text is no bytes."""
    if not text:
        return b""
    if _HEX_ID.fullmatch(text) is None:
        raise RowError(f"invalid format of the {what} '{text}'")
    size = len(text)
    if size % 3 == 2 and text[2::3] == ":" * (size // 3):  # every byte has two digits
        return bytes.fromhex(text.replace(":", ""))
    return bytes(int(part, 16) for part in text.split(":"))


def parse_uint(text: str, limit: int, what: str) -> int:
    """An unsigned decimal no larger than ``limit``; common values share one int."""
    value = _NUMBER_CACHE.get(text)
    if value is None:
        if not (text.isascii() and text.isdigit()):
            raise RowError(f"{what} '{text}' is not an unsigned number")
        value = int(text)
        if len(_NUMBER_CACHE) < _NUMBER_CACHE_MAX:
            _NUMBER_CACHE[text] = value
    if value > limit:
        raise RowError(f"{what} {value} is out of range (at most {limit})")
    return value


def parse_bool(text: str, what: str) -> bool:
    value = _BOOLS.get(text)
    if value is None:
        raise RowError(f"{what} '{text}' is not 0 or 1")
    return value


def parse_user_context(text: str) -> dict[str, Any] | None:
    """The (unescaped) user context column: empty, or a JSON map."""
    if not text:
        return None
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        try:  # orjson refuses strings holding non-UTF-8 bytes; the stdlib takes them
            value = json.loads(text)
        except ValueError as exc:
            raise RowError(f"user context '{text}' is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise RowError(f"user context '{text}' is not a JSON map")
    return value


def kea_json(value: Any) -> str:
    """JSON the way Kea's ``Element::str()`` prints it: ``{ "a": [ 1, 2 ] }``, map keys
    sorted (Kea keeps maps in a ``std::map``)."""
    if isinstance(value, dict):
        items = ", ".join(f"{_json_string(str(k))}: {kea_json(value[k])}"
                          for k in sorted(value))
        return "{ " + items + " }"
    if isinstance(value, list | tuple):
        return "[ " + ", ".join(kea_json(v) for v in value) + " ]"
    if isinstance(value, str):
        return _json_string(value)
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "null"
    if isinstance(value, int):
        return str(value)
    raise TypeError(f"user context holds a {type(value).__name__}, which JSON cannot carry")


def _json_string(text: str) -> str:
    # ensure_ascii=False keeps non-ASCII characters as they are, like Kea; the CSV
    # escaping then takes care of them.
    return json.dumps(text, ensure_ascii=False)


def render_user_context(context: dict[str, Any] | None) -> str:
    return "" if context is None else escape(kea_json(context))


@dataclass(frozen=True)
class Column:
    """One lease file column: its name, the schema version that added it and the value
    an older file's rows get for it."""

    name: str
    version: str
    default: str | None = None


class SchemaState(Enum):
    CURRENT = "current"
    NEEDS_UPGRADE = "needs upgrade"  # an older Kea wrote it: fewer columns than ours
    NEEDS_DOWNGRADE = "needs downgrade"  # a newer Kea wrote it: more columns than ours


@dataclass(frozen=True)
class Header:
    """What a file's header line says about its rows, against our column list."""

    names: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def valid_count(self) -> int:
        return min(len(self.names), len(self.columns))

    @property
    def state(self) -> SchemaState:
        if len(self.names) < len(self.columns):
            return SchemaState.NEEDS_UPGRADE
        if len(self.names) > len(self.columns):
            return SchemaState.NEEDS_DOWNGRADE
        return SchemaState.CURRENT

    @property
    def version(self) -> str:
        """Schema version of the file (the version of its last column we know)."""
        return self.columns[self.valid_count - 1].version

    def adapt(self, fields: list[str]) -> list[str]:
        """Fit a row of this file to our column list (Kea's VersionedCSVFile::next)."""
        count, ours = len(fields), len(self.columns)
        if count == ours:
            return fields
        state = self.state
        if state is SchemaState.NEEDS_UPGRADE and self.valid_count <= count < ours:
            return fields + [c.default or "" for c in self.columns[count:]]
        if state is SchemaState.NEEDS_DOWNGRADE and ours < count <= len(self.names):
            return fields[:ours]
        raise RowError(f"invalid number of columns: {count} (the header has "
                       f"{len(self.names)}, Nestor knows {ours})")


def read_header(line: str, columns: tuple[Column, ...], minimum: int) -> Header:
    """Check a header line against our columns; RowError says what is wrong."""
    names = tuple(line.split(SEPARATOR))
    for ours, theirs in zip(columns, names, strict=False):
        if ours.name != theirs:
            raise RowError(f"header contains an invalid column: '{theirs}'")
    header = Header(names, columns)
    if header.valid_count < minimum:
        raise RowError(f"header has only {header.valid_count} valid column(s), "
                       f"it must have at least {minimum}")
    return header


def header_line(columns: tuple[Column, ...]) -> str:
    return SEPARATOR.join(c.name for c in columns)
