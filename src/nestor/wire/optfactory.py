"""Kea's option factory: option bytes from configuration text or hex, as Kea packs them.

:func:`from_text` follows Kea for CSV data: the values are written field by field
(a non-record option takes the first value only, a record ignores extra values
unless it is an array, whose last field then repeats), and the result goes through
:func:`normalise` like hex data does. :func:`normalise` picks the class Kea would use:
a dedicated one for a few standard options (below), else the generic ones of
:mod:`nestor.wire.optclass`.

Dedicated classes, DHCPv4 (``dhcp4`` space):

* 81 client FQDN (RFC 4702): the name is lower-cased; with the E flag it is in wire
  format (a partial name has no root label), without it in ASCII - and Kea then
  re-reads whatever bytes were given as text, escapes and all;
* 124 V-I vendor class (RFC 3925 section 3): enterprise number then data tuples;
  Kea repeats the first enterprise number before each later tuple;
* 125 V-I vendor-specific information (RFC 3925 section 4): enterprise number, one
  data-len byte, then sub-options of space ``vendor-<enterprise number>``;
* 121 classless static routes (RFC 3442, Kea 3.x): text ``prefix/len - router, ...``;
* 143 SZTP redirect (RFC 8572 section 8.3): tuples with two-byte lengths.

DHCPv6 (``dhcp6`` space): IA_NA/IA_PD and IAADDR/IAPREFIX keep their fixed part and
read the rest as sub-options (RFC 8415 21.4-21.6, 21.21, 21.22), client FQDN
(RFC 4704), vendor class and vendor-specific options (RFC 8415 21.16, 21.17) and
status code (21.13).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, replace

from nestor.errors import MalformedPacket, OptionDataError
from nestor.wire import dnsname
from nestor.wire.optclass import Ctx, as_custom, generic, pack_suboptions, suboptions
from nestor.wire.optdefs import DataType, DefinitionSet, OptionDefinition
from nestor.wire.opttypes import (
    FieldContext,
    encode_field,
    field_length,
    field_text,
    split_csv,
    trim,
)
from nestor.wire.stddefs import is_standard

Normaliser = Callable[[OptionDefinition, bytes, Ctx], bytes]


@dataclass(frozen=True, slots=True)
class Special:
    """A dedicated Kea option class: how it re-packs bytes, and optionally how it
    reads the whole configuration text itself (instead of CSV fields)."""

    normalise: Normaliser
    from_text: Callable[[str], bytes] | None = None
    tuple_len: int = 0  # a tuple's length field, when not the universe's usual size


# --- DHCPv4 -------------------------------------------------------------------------

FQDN_FLAG_S, FQDN_FLAG_E, FQDN_FLAG_N = 0x01, 0x04, 0x08


def _check_fqdn_flags(flags: int, option: str) -> None:
    # RFC 4702 section 2.1: "If the N bit is 1, the S bit MUST be 0".
    if flags & FQDN_FLAG_N and flags & FQDN_FLAG_S:
        raise MalformedPacket(f"both N and S flag of the {option} are set")


def _fqdn4(defn: OptionDefinition, raw: bytes, ctx: Ctx) -> bytes:
    if len(raw) < 3:
        raise MalformedPacket("DHCPv4 Client FQDN Option (81) is truncated")
    _check_fqdn_flags(raw[0], "DHCPv4 Client FQDN Option")
    name = raw[3:]
    if not name:
        return raw[:3]
    if raw[0] & FQDN_FLAG_E:
        return raw[:3] + _wire_name(name)
    try:
        wire = dnsname.text_to_wire(name, downcase=True)
    except OptionDataError as exc:
        raise MalformedPacket(f"failed to parse the domain-name: {exc}") from None
    partial = not name.endswith(b".")
    return raw[:3] + dnsname.wire_to_text(wire, omit_final_dot=partial).encode()


def _wire_name(name: bytes) -> bytes:
    """A wire name (partial when it lacks the root label), lower-cased, as Kea packs it."""
    partial = name[-1] != 0
    wire, _ = dnsname.read_wire(name + b"\0" if partial else name)
    wire = wire.lower()
    return wire[:-1] if partial else wire


def _vivco4(defn: OptionDefinition, raw: bytes, ctx: Ctx) -> bytes:
    if len(raw) < 4:
        raise MalformedPacket("truncated V-I Vendor Class option")
    enterprise, tuples, pos = raw[:4], [], 4
    while pos < len(raw):
        size = 1 + raw[pos]
        if pos + size > len(raw):
            raise MalformedPacket("unable to parse the opaque data tuple, the buffer "
                                  f"length is {len(raw) - pos - 1}, but the tuple length "
                                  f"is {raw[pos]}")
        tuples.append(raw[pos:pos + size])
        pos += size
        if pos < len(raw):
            # RFC 3925: each further tuple comes with its own enterprise number;
            # Kea keeps only the first one, and wants a non-empty tuple after it
            # (kea-dhcp4 -t refuses 5 bytes here, accepts 6).
            if len(raw) - pos < 6:
                raise MalformedPacket("truncated DHCPv4 V-I Vendor Class option - it should "
                                      "contain enterprise id followed by opaque data tuple")
            pos += 4
    return enterprise + enterprise.join(tuples)


def _vivso4(defn: OptionDefinition, raw: bytes, ctx: Ctx) -> bytes:
    if len(raw) < 4:
        raise MalformedPacket("Truncated vendor-specific information option, "
                              f"length={len(raw)}")
    options: list[tuple[int, bytes]] = []
    if len(raw) > 4:
        data_len = raw[4]
        if 5 + data_len > len(raw):
            raise MalformedPacket("Attempt to parse truncated vendor option")
        # Only the first enterprise block is read (Kea handles one per option).
        options = _vendor_block(raw[5:5 + data_len], _vendor_space(raw), ctx)
    packed = pack_suboptions(options, 4)
    return raw[:4] + bytes([len(packed) & 0xFF]) + packed


def _vendor_space(raw: bytes) -> str:
    return f"vendor-{int.from_bytes(raw[:4], 'big')}"


def _vendor_block(block: bytes, space: str, ctx: Ctx) -> list[tuple[int, bytes]]:
    options, i = [], 0
    while i < len(block):
        if i + 2 > len(block) or i + 2 + block[i + 1] > len(block):
            raise MalformedPacket("Attempt to parse truncated vendor option")
        code, length = block[i], block[i + 1]
        body = block[i + 2:i + 2 + length]
        defn = ctx.defs.by_code(space, code)
        options.append((code, ctx.normalise(defn, body, ctx) if defn else body))
        i += 2 + length
    return options


def _classless_routes(defn: OptionDefinition, raw: bytes, ctx: Ctx) -> bytes:
    # RFC 3442 section 5: width, significant octets of the destination, router.
    if len(raw) < 5:
        raise MalformedPacket(f"classless static route option has invalid length={len(raw)},"
                              " must be at least 5")
    pos = 0
    while pos < len(raw):
        width = raw[pos]
        if width > 32:
            raise MalformedPacket(f"invalid classless static route mask width {width}")
        pos += 1 + (width + 7) // 8 + 4
        if pos > len(raw):
            raise MalformedPacket("classless static route option is truncated")
    return raw


def _classless_routes_text(data: str) -> bytes:
    out = bytearray()
    # Kea splits the routes on commas without escapes, dropping empty items.
    for route in (item for item in data.split(",") if item):
        parts = [p for p in trim(route).split("-") if p]
        if len(parts) != 2:
            raise OptionDataError("classless static route must be written like "
                                  "'10.229.0.128/25 - 10.229.0.1, 0.0.0.0/0 - 10.229.0.2'")
        network, router = parts[0].replace(" ", "").replace("\t", ""), trim(parts[1])
        address, slash, width_text = network.partition("/")
        width = int(width_text) if slash and width_text.isdigit() else -1
        if not 0 <= width <= 32:
            raise OptionDataError(f"invalid classless static route prefix {parts[0]}")
        out += bytes([width]) + _ipv4(address)[:(width + 7) // 8] + _ipv4(router)
    return bytes(out)


def _ipv4(text: str) -> bytes:
    try:
        return ipaddress.IPv4Address(text).packed
    except ValueError:
        raise OptionDataError(f"{text} is not a valid IPv4 address") from None


def _sztp_redirect(defn: OptionDefinition, raw: bytes, ctx: Ctx) -> bytes:
    return as_custom(defn, raw, replace(ctx, tuple_size=2))


def _field_ctx(defn: OptionDefinition, universe: int) -> FieldContext:
    special = _special(defn, universe)
    tuple_len = special.tuple_len if special and special.tuple_len else (
        1 if universe == 4 else 2)
    return FieldContext(tuple_len, takes_rest=not defn.array)


# --- DHCPv6 -------------------------------------------------------------------------

def _fixed_then_options(size: int) -> Normaliser:
    def normalise(defn: OptionDefinition, raw: bytes, ctx: Ctx) -> bytes:
        if len(raw) < size:
            raise MalformedPacket(f"option {defn.code} is shorter than {size} bytes")
        return raw[:size] + suboptions(raw[size:], "dhcp6", ctx)
    return normalise


def _iaprefix(defn: OptionDefinition, raw: bytes, ctx: Ctx) -> bytes:
    if len(raw) < 25:
        raise MalformedPacket("option 26 is shorter than 25 bytes")
    # RFC 8415 section 21.22: bits of the prefix past its length are zero.
    length = min(raw[8], 128)
    prefix = int.from_bytes(raw[9:25], "big") >> (128 - length) << (128 - length)
    return raw[:9] + prefix.to_bytes(16, "big") + suboptions(raw[25:], "dhcp6", ctx)


def _fqdn6(defn: OptionDefinition, raw: bytes, ctx: Ctx) -> bytes:
    # Unlike its DHCPv4 sibling, kea-dhcp6 2.2 does not check the flags here.
    if not raw:
        raise MalformedPacket("DHCPv6 Client FQDN option is truncated")
    return raw[:1] + (_wire_name(raw[1:]) if len(raw) > 1 else b"")


def _vendor_opts6(defn: OptionDefinition, raw: bytes, ctx: Ctx) -> bytes:
    if len(raw) < 4:
        raise MalformedPacket(f"Truncated vendor-specific information option, length={len(raw)}")
    return raw[:4] + suboptions(raw[4:], _vendor_space(raw), ctx)


def _vendor_class6(defn: OptionDefinition, raw: bytes, ctx: Ctx) -> bytes:
    if len(raw) < 4:
        raise MalformedPacket("truncated vendor class option")
    # RFC 8415 21.16: enterprise number, then opaque data with two-byte lengths.
    fctx = FieldContext(tuple_len=2, takes_rest=False)
    pos = 4
    while pos < len(raw):
        pos += field_length(DataType.TUPLE, raw, pos, fctx)
    return raw


def _status_code6(defn: OptionDefinition, raw: bytes, ctx: Ctx) -> bytes:
    if len(raw) < 2:
        raise MalformedPacket("status code option is truncated")
    return raw


SPECIALS: dict[tuple[int, str, int], Special] = {
    (4, "dhcp4", 81): Special(_fqdn4),
    (4, "dhcp4", 121): Special(_classless_routes, _classless_routes_text),
    (4, "dhcp4", 124): Special(_vivco4),
    (4, "dhcp4", 125): Special(_vivso4),
    (4, "dhcp4", 143): Special(_sztp_redirect, tuple_len=2),
    (6, "dhcp6", 3): Special(_fixed_then_options(12)),
    (6, "dhcp6", 5): Special(_fixed_then_options(24)),
    (6, "dhcp6", 13): Special(_status_code6),
    (6, "dhcp6", 16): Special(_vendor_class6),
    (6, "dhcp6", 17): Special(_vendor_opts6),
    (6, "dhcp6", 25): Special(_fixed_then_options(12)),
    (6, "dhcp6", 26): Special(_iaprefix),
    (6, "dhcp6", 39): Special(_fqdn6),
}


# --- the factory ----------------------------------------------------------------------

def _special(defn: OptionDefinition, universe: int) -> Special | None:
    found = SPECIALS.get((universe, defn.space, defn.code))
    return found if found is not None and is_standard(defn, universe) else None


def _dispatch(defn: OptionDefinition, raw: bytes, ctx: Ctx) -> bytes:
    special = _special(defn, ctx.universe)
    return special.normalise(defn, raw, ctx) if special else generic(defn, raw, ctx)


def context(universe: int, defs: DefinitionSet) -> Ctx:
    return Ctx(universe=universe, defs=defs, normalise=_dispatch)


def normalise(defn: OptionDefinition, raw: bytes, universe: int, defs: DefinitionSet) -> bytes:
    """The bytes Kea sends for an option of ``defn`` configured with ``raw`` (hex data).

    Raises MalformedPacket when Kea would refuse the data.
    """
    return _dispatch(defn, raw, context(universe, defs))


def from_text(defn: OptionDefinition, data: str, universe: int, defs: DefinitionSet) -> bytes:
    """The bytes Kea sends for an option of ``defn`` configured with CSV ``data``.

    Raises OptionDataError (bad value) or MalformedPacket (values that do not make
    an option of this definition).
    """
    ctx = context(universe, defs)
    special = _special(defn, universe)
    if special is not None and special.from_text is not None:
        raw = special.from_text(data)
    else:
        values = [trim(item) for item in split_csv(data)]
        raw = values_to_bytes(defn, values, _field_ctx(defn, universe))
    return _dispatch(defn, raw, ctx)


def values_to_bytes(defn: OptionDefinition, values: list[str], fctx: FieldContext) -> bytes:
    """Kea's optionFactory(values): one field per value, as the definition says."""
    if defn.type == DataType.RECORD:
        fields = defn.record_types
        if len(fields) > len(values):
            raise OptionDataError(f"number of data fields for the option type '{defn.code}' "
                                  "is greater than number of values provided.")
        out = b"".join(encode_field(f, v, fctx) for f, v in zip(fields, values, strict=False))
        if defn.array:
            out += b"".join(encode_field(fields[-1], v, fctx) for v in values[len(fields):])
        return out
    if defn.array:
        return b"".join(encode_field(defn.type, v, fctx) for v in values)
    if not values:
        if defn.type != DataType.EMPTY:
            raise OptionDataError("no option value specified")
        return b""
    # A single-valued option takes the first value; Kea ignores any others.
    return encode_field(defn.type, values[0], fctx)


def add_suboptions(defn: OptionDefinition, payload: bytes, options: list[tuple[int, bytes]],
                   universe: int, defs: DefinitionSet) -> bytes:
    """``payload`` of an encapsulating option with more sub-options added, as Kea packs
    it: its own fields, then all sub-options in code order (for option 125 inside its
    data-len block, RFC 3925 section 4)."""
    packed = pack_suboptions(options, universe)
    if _special(defn, universe) == SPECIALS[(4, "dhcp4", 125)]:
        block = payload[5:] + packed
        return normalise(defn, payload[:4] + bytes([len(block) & 0xFF]) + block, universe, defs)
    return normalise(defn, payload + packed, universe, defs)


# --- back to text ---------------------------------------------------------------------

def to_text(defn: OptionDefinition, payload: bytes, universe: int) -> str:
    """CSV data that encodes back to ``payload``.

    Falls back to hex digits (for ``"csv-format": false``) when the payload is not
    exactly the definition's fields: sub-options follow them, a partial array item,
    or a client FQDN with an ASCII name.
    """
    fctx = _field_ctx(defn, universe)
    try:
        fields = _split_fields(defn, payload, fctx)
        text = ", ".join(field_text(dtype, data, fctx) for dtype, data in fields)
        again = values_to_bytes(defn, [trim(item) for item in split_csv(text)], fctx)
    except (MalformedPacket, OptionDataError):
        return payload.hex()
    # Bytes no text produces (a boolean of 2, stray bits after a prefix) stay hex.
    return text if again == payload else payload.hex()


def _split_fields(defn: OptionDefinition, payload: bytes,
                  fctx: FieldContext) -> list[tuple[DataType, bytes]]:
    if defn.type == DataType.EMPTY:
        return []
    if defn.type == DataType.RECORD:
        layout, repeat = list(defn.record_types), defn.record_types[-1] if defn.array else None
    else:
        layout, repeat = [defn.type], defn.type if defn.array else None
        if repeat is not None:
            layout = []
    fields, pos = [], 0
    while layout or (repeat is not None and pos < len(payload)):
        dtype = layout.pop(0) if layout else repeat
        assert dtype is not None
        size = field_length(dtype, payload, pos, fctx) or len(payload) - pos
        if pos + size > len(payload):
            raise MalformedPacket("option buffer truncated")
        fields.append((dtype, payload[pos:pos + size]))
        pos += size
    if pos != len(payload):
        raise MalformedPacket("sub-options or bytes past the fields")
    return fields
