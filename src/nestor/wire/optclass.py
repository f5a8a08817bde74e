"""Kea's generic option classes, reduced to what they do to an option's bytes.

Kea never sends configured option bytes as they were written: it builds an option
object from them with the definition's class and packs that object again. The
round trip validates, trims and reorders, and the bytes Kea sends depend on it:

* scalar integers (``OptionInt``) keep their value and read what follows it as
  sub-options of the encapsulated space (of no space when none is named);
* integer and address arrays keep everything, but refuse ragged lengths;
* strings (``OptionString``) lose trailing NUL bytes and must not end up empty;
* ``empty`` options without an encapsulated space lose any data given to them;
* everything else (``OptionCustom``) is cut into fields by the definition: fields
  past the record are dropped unless the definition encapsulates a space, in
  which case they are read as sub-options; a partial last array item is dropped;
* sub-options are packed back ordered by code (Kea keeps them in a multimap), a
  truncated one at the end is silently dropped, and in the ``dhcp4`` space codes 0
  and 255 are PAD and END (RFC 2132 section 3.1 and 3.2).

Every function takes the raw bytes and returns the bytes Kea would pack, or raises
MalformedPacket naming the problem (the caller turns it into a configuration error).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nestor.errors import MalformedPacket
from nestor.wire.optdefs import DataType, DefinitionSet, OptionDefinition
from nestor.wire.opttypes import FIXED_SIZES, INTEGER_TYPES, FieldContext, field_length

DHCP4_SPACE = "dhcp4"
MAX_V4_LEN = 255


@dataclass(frozen=True, slots=True)
class Ctx:
    """What normalising an option needs: the universe, the definitions, and the
    function to apply to each sub-option (the special-class dispatcher)."""

    universe: int
    defs: DefinitionSet
    normalise: Callable[[OptionDefinition, bytes, Ctx], bytes]
    tuple_size: int = 0  # a tuple's length field, when not the universe's usual one

    @property
    def tuple_len(self) -> int:
        """Size of a tuple's length field: 1 in DHCPv4, 2 in DHCPv6 (RFC 8415 21.16)."""
        return self.tuple_size or (1 if self.universe == 4 else 2)


# --- sub-options ----------------------------------------------------------------------

def parse_suboptions(data: bytes, space: str, ctx: Ctx) -> list[tuple[int, bytes]]:
    """Options of ``space`` in ``data``, normalised by their definitions, in order."""
    reader = _read_v4 if ctx.universe == 4 else _read_v6
    found = []
    for code, body in reader(data, space == DHCP4_SPACE):
        defn = ctx.defs.by_code(space, code) if space else None
        found.append((code, ctx.normalise(defn, body, ctx) if defn else body))
    return found


def _read_v4(data: bytes, pad_end: bool) -> list[tuple[int, bytes]]:
    out = []
    i = 0
    while i < len(data):
        code = data[i]
        i += 1
        if pad_end and code == 255:
            break
        if pad_end and code == 0:
            continue
        if i >= len(data) or i + 1 + data[i] > len(data):
            break  # truncated: Kea stops parsing and keeps what it has
        length = data[i]
        out.append((code, data[i + 1:i + 1 + length]))
        i += 1 + length
    return out


def _read_v6(data: bytes, pad_end: bool) -> list[tuple[int, bytes]]:
    out = []
    i = 0
    while i + 4 <= len(data):
        code = int.from_bytes(data[i:i + 2], "big")
        length = int.from_bytes(data[i + 2:i + 4], "big")
        if i + 4 + length > len(data):
            break
        out.append((code, data[i + 4:i + 4 + length]))
        i += 4 + length
    return out


def pack_suboptions(options: list[tuple[int, bytes]], universe: int) -> bytes:
    """Options ordered by code (stable), each with its header; DHCPv4 options longer
    than 255 bytes are split into consecutive same-code parts (RFC 3396)."""
    out = bytearray()
    for code, body in sorted(options, key=lambda item: item[0]):
        if universe == 6:
            out += code.to_bytes(2, "big") + len(body).to_bytes(2, "big") + body
            continue
        chunks = [body[i:i + MAX_V4_LEN] for i in range(0, len(body), MAX_V4_LEN)] or [b""]
        for chunk in chunks:
            out += bytes([code, len(chunk)]) + chunk
    return bytes(out)


def suboptions(data: bytes, space: str, ctx: Ctx) -> bytes:
    """Kea's unpack-then-pack of the sub-options in ``data``."""
    return pack_suboptions(parse_suboptions(data, space, ctx), ctx.universe)


# --- the generic classes ----------------------------------------------------------------

def as_empty(defn: OptionDefinition, raw: bytes, ctx: Ctx) -> bytes:
    return suboptions(raw, defn.encapsulate, ctx) if defn.encapsulate else b""


def as_binary(defn: OptionDefinition, raw: bytes, ctx: Ctx) -> bytes:
    return raw


def as_int(defn: OptionDefinition, raw: bytes, ctx: Ctx) -> bytes:
    size = INTEGER_TYPES[defn.type][2]
    if len(raw) < size:
        raise MalformedPacket(f"OptionInt {defn.code} truncated")
    return raw[:size] + suboptions(raw[size:], defn.encapsulate, ctx)


def as_int_array(defn: OptionDefinition, raw: bytes, ctx: Ctx) -> bytes:
    if not raw:
        raise MalformedPacket(f"option {defn.code} empty")
    if len(raw) % INTEGER_TYPES[defn.type][2]:
        raise MalformedPacket(f"OptionIntArray {defn.code} truncated")
    return raw


def as_address_list(defn: OptionDefinition, raw: bytes, ctx: Ctx) -> bytes:
    size = FIXED_SIZES[defn.type]
    if len(raw) % size:
        raise MalformedPacket(f"option {defn.code} has invalid length={len(raw)}, "
                              f"must be divisible by {size}")
    return raw


def as_string(defn: OptionDefinition, raw: bytes, ctx: Ctx) -> bytes:
    # RFC 2132 section 2: trailing NULs are not part of a string option.
    text = raw.rstrip(b"\0")
    if not text:
        raise MalformedPacket(f"string value of option {defn.code} is empty or "
                              "contains only NULs")
    return text


def as_custom(defn: OptionDefinition, raw: bytes, ctx: Ctx) -> bytes:
    """Kea's OptionCustom: split into the definition's fields, then sub-options."""
    if defn.type == DataType.RECORD:
        out, pos = _record_fields(defn, raw, ctx)
        if defn.array:
            return out + _array_items(defn.record_types[-1], raw, pos, ctx)
    elif defn.array:
        if len(raw) < FIXED_SIZES.get(defn.type, 0):
            raise MalformedPacket("option buffer truncated")
        if not raw and defn.type in _EMPTY_ARRAY_ERRORS:
            raise MalformedPacket(_EMPTY_ARRAY_ERRORS[defn.type])
        return _array_items(defn.type, raw, 0, ctx)
    else:
        out, pos = _single_field(defn, raw, ctx)
    if pos < len(raw) and defn.encapsulate:
        out += suboptions(raw[pos:], defn.encapsulate, ctx)
    return out


# Arrays of these types may not be empty (Kea refuses with these words).
_EMPTY_ARRAY_ERRORS: dict[DataType, str] = {
    DataType.FQDN: "FQDN list option has invalid length of 0",
    DataType.TUPLE: "tuple list option has invalid length of 0",
}


def _field_ctx(defn: OptionDefinition, ctx: Ctx) -> FieldContext:
    return FieldContext(tuple_len=ctx.tuple_len, takes_rest=not defn.array)


def _record_fields(defn: OptionDefinition, raw: bytes, ctx: Ctx) -> tuple[bytes, int]:
    fctx = _field_ctx(defn, ctx)
    pos = 0
    for dtype in defn.record_types:
        size = field_length(dtype, raw, pos, fctx)
        if len(raw) - pos < size:
            raise MalformedPacket("option buffer truncated")
        pos += size
    return raw[:pos], pos


def _single_field(defn: OptionDefinition, raw: bytes, ctx: Ctx) -> tuple[bytes, int]:
    if defn.type == DataType.EMPTY:
        return b"", 0
    size = field_length(defn.type, raw, 0, _field_ctx(defn, ctx))
    if size == 0 or len(raw) < size:
        raise MalformedPacket("option buffer truncated")
    return raw[:size], size


def _array_items(dtype: DataType, raw: bytes, pos: int, ctx: Ctx) -> bytes:
    """Items of ``dtype`` from ``pos`` on; an incomplete last item is dropped."""
    fctx = FieldContext(tuple_len=ctx.tuple_len, takes_rest=False)
    start = pos
    while pos < len(raw):
        size = field_length(dtype, raw, pos, fctx)
        if size == 0:
            raise MalformedPacket(f"{dtype.value} data cannot be an array item")
        if len(raw) - pos < size:
            break
        pos += size
    return raw[start:pos]


# Integer types: scalars and arrays have their own Kea classes.
_GENERIC: dict[tuple[DataType, bool], Callable[[OptionDefinition, bytes, Ctx], bytes]] = {
    (DataType.EMPTY, False): as_empty,
    (DataType.BINARY, False): as_binary,
    # An "internal" type without a dedicated class: the bytes are taken as given.
    (DataType.INTERNAL, False): as_binary,
    (DataType.STRING, False): as_string,
    (DataType.IPV4_ADDRESS, True): as_address_list,
    (DataType.IPV6_ADDRESS, True): as_address_list,
    **{(dtype, False): as_int for dtype in INTEGER_TYPES},
    **{(dtype, True): as_int_array for dtype in INTEGER_TYPES},
}


def generic(defn: OptionDefinition, raw: bytes, ctx: Ctx) -> bytes:
    """The bytes Kea packs for an option of ``defn`` built from ``raw``."""
    handler = _GENERIC.get((defn.type, defn.array), as_custom)
    return handler(defn, raw, ctx)
