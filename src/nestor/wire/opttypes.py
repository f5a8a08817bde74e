"""One codec per Kea option data type: configuration text to wire bytes and back.

Kea's ``option-data`` entries give values as text ("csv-format") or as hex. The
rules below are Kea's (checked against Kea 2.2 by ``tests/unit/test_optdata4.py``),
including the lenient ones operators rely on:

* CSV data is split on commas; ``\\,`` keeps a comma and ``\\\\`` a backslash; empty
  items vanish (``"1,,2"`` is two values); each item is trimmed of space, tab, newline;
* integers are decimal with an optional sign, and when that fails hexadecimal with an
  optional ``0x`` (so ``"1e"`` is 30 and ``"ff"`` 255); the value must fit the type;
* booleans are ``true``/``false`` in any case, or the integers 0 and 1;
* ``binary`` items are hex digits, whitespace ignored, no ``0x``;
* IP address fields take either family, and an IPv6 address in an IPv4 field
  writes 16 bytes (Kea does this; its option classes then re-split the bytes);
* ``ipv6-prefix`` is ``addr/len`` and goes on the wire as the length byte followed by
  the minimal number of prefix bytes, unused bits cleared (RFC 8415 style);
* ``psid`` is ``value/len``: the length byte then the PSID left-aligned in 16 bits
  (RFC 7597 section 5.1);
* ``tuple`` is a length-prefixed string: one length byte in DHCPv4, two in DHCPv6
  (RFC 8415 section 21.16 opaque data), except DHCPv4 option 143 which uses two
  (RFC 8572 section 8.3);
* ``fqdn`` is a domain name in wire format with the root label (RFC 1035 3.1).

Whole-option data given with ``"csv-format": false`` is decoded by
:func:`decode_hex_data` (quoted text, ``0x`` prefix, colon- or space-separated octets).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass

from nestor.errors import MalformedPacket, OptionDataError
from nestor.wire import dnsname
from nestor.wire.optdefs import DataType

_BLANKS = " \t\n"
_WHITESPACE = " \t\n\v\f\r"
_DECIMAL = re.compile(r"[+-]?[0-9]+")
_HEXNUM = re.compile(r"[+-]?(?:0[xX])?[0-9a-fA-F]+")
_HEXDIGITS = re.compile(r"[0-9a-fA-F]*")
_INT64 = (-(1 << 63), (1 << 63) - 1)


def trim(text: str) -> str:
    """Kea's trim: only space, tab and newline are removed at both ends."""
    return text.strip(_BLANKS)


def split_csv(text: str) -> list[str]:
    """Split option data on commas the way Kea does (escapes kept, empty items dropped)."""
    if "\\" not in text:
        # Without escapes this is a plain split (the common case, many times faster).
        return [item for item in text.split(",") if item]
    items: list[str] = []
    token: list[str] = []
    escaped = False
    for c in text:
        if escaped:
            # An escaped comma or backslash stands for itself; any other escaped
            # character keeps its backslash.
            token.append(c if c in ",\\" else "\\" + c)
            escaped = False
        elif c == "\\":
            escaped = True
        elif c == ",":
            if token:
                items.append("".join(token))
            token = []
        else:
            token.append(c)
    if escaped:
        token.append("\\")
    if token:
        items.append("".join(token))
    return items


# --- integers and booleans ------------------------------------------------------------

# (smallest, largest, wire size, signed) per integer type.
INTEGER_TYPES: dict[DataType, tuple[int, int, int, bool]] = {
    DataType.UINT8: (0, 0xFF, 1, False),
    DataType.UINT16: (0, 0xFFFF, 2, False),
    DataType.UINT32: (0, 0xFFFF_FFFF, 4, False),
    DataType.INT8: (-0x80, 0x7F, 1, True),
    DataType.INT16: (-0x8000, 0x7FFF, 2, True),
    DataType.INT32: (-0x8000_0000, 0x7FFF_FFFF, 4, True),
}


def _int64(text: str) -> int | None:
    """Decimal first (C++ lexical_cast), then hexadecimal (an istream in hex mode)."""
    for pattern, base in ((_DECIMAL, 10), (_HEXNUM, 16)):
        if pattern.fullmatch(text):
            value = int(text, base)
            if _INT64[0] <= value <= _INT64[1]:
                return value
    return None


def parse_integer(text: str, dtype: DataType) -> int:
    low, high, _, _ = INTEGER_TYPES[dtype]
    value = _int64(text)
    if value is None:
        raise OptionDataError(f"unable to convert the value '{text}' to integer data type")
    if not low <= value <= high:
        raise OptionDataError(f"unable to convert '{text}' to numeric type. This value is "
                              f"expected to be in the range of {low}..{high}")
    return value


def parse_boolean(text: str) -> bool:
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if not _DECIMAL.fullmatch(text):
        raise OptionDataError(f"unable to convert the value '{text}' to boolean data type")
    if int(text) not in (0, 1):
        raise OptionDataError(f"unable to convert '{text}' to boolean data type")
    return int(text) == 1


def _integer_bytes(value: int, dtype: DataType) -> bytes:
    _, _, size, signed = INTEGER_TYPES[dtype]
    return value.to_bytes(size, "big", signed=signed)


# --- hexadecimal ----------------------------------------------------------------------

def decode_hex_field(text: str) -> bytes:
    """A ``binary`` field in CSV data: hex digits, whitespace anywhere is ignored."""
    digits = "".join(c for c in text if c not in _WHITESPACE)
    if not _HEXDIGITS.fullmatch(digits):
        raise OptionDataError(f"unable to cast {text} to binary data type: attempt to "
                              "decode a value not in base16 char set")
    if len(digits) % 2:
        raise OptionDataError(f"unable to cast {text} to binary data type: "
                              f"Incomplete input for base16: {text}")
    return bytes.fromhex(digits)


def decode_hex_data(text: str) -> bytes:
    """Whole-option data with csv-format false: ``'quoted text'`` or hex in Kea's forms.

    Hex may be ``0a0b0c``, ``0x0a0b0c`` (an odd digit count gets a leading zero),
    ``0a:0b:c`` or ``0a 0b c`` (one or two digits per octet, no empty octet).
    """
    stripped = trim(text)
    if len(stripped) > 1 and stripped[0] == stripped[-1] == "'":
        inner = trim(stripped[1:-1])
        if inner:
            return inner.encode()
    try:
        for sep in (":", " "):
            if sep in text:
                return _separated_hex(text, sep)
        return _plain_hex(text)
    except ValueError:
        raise OptionDataError("option data is not a valid string of hexadecimal "
                              f"digits: {text}") from None


def _separated_hex(text: str, sep: str) -> bytes:
    parts = text.split(sep)
    if any(not p or len(p) > 2 or not _HEXDIGITS.fullmatch(p) for p in parts):
        raise ValueError(text)
    return bytes(int(p, 16) for p in parts)


def _plain_hex(text: str) -> bytes:
    # The parity is taken before a "0x" prefix is removed (two characters, so it is
    # the same parity); whitespace inside is skipped by Kea's base16 decoder.
    body = text[2:] if len(text) > 2 and text.startswith("0x") else text
    digits = "0" * (len(text) % 2) + "".join(c for c in body if c not in _WHITESPACE)
    if not _HEXDIGITS.fullmatch(digits) or len(digits) % 2:
        raise ValueError(text)
    return bytes.fromhex(digits)


# --- addresses, prefixes, PSIDs, tuples ------------------------------------------------

_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_DOTTED = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}")


def dotted_quad(text: str) -> tuple[int, int, int, int] | None:
    """The four bytes of ``text`` when it is a dotted quad, else None.

    Exactly the IPv4 text ``ipaddress.IPv4Address`` takes (0-255, no leading zeros),
    several times faster: configurations with thousands of subnets spend much of
    their load time reading IPv4 addresses.
    """
    m = _DOTTED.fullmatch(text)
    if m is None:
        return None
    a, b, c, d = m.groups()
    return int(a), int(b), int(c), int(d)


def parse_address(text: str) -> bytes:
    """IPv4 or IPv6 text (a zone suffix is allowed on IPv6) as 4 or 16 bytes."""
    quad = dotted_quad(text)
    if quad is not None:
        return bytes(quad)
    for family in (ipaddress.IPv4Address, ipaddress.IPv6Address):
        try:
            return family(text).packed
        except ValueError:
            continue
    raise OptionDataError(f"Failed to convert string to address '{text}': Invalid argument")


def _without_blanks(text: str) -> str:
    return text.replace(" ", "").replace("\t", "")


def encode_prefix(text: str) -> bytes:
    compact = _without_blanks(text)
    address, slash, length_text = compact.partition("/")
    if not slash:
        raise OptionDataError(f"provided address/prefix {text} is not valid.")
    packed = parse_address(address)
    if len(packed) != 16:
        raise OptionDataError(f"provided address {address} is not a valid IPv4 or "
                              "IPv6 address.")
    try:
        length = parse_integer(length_text, DataType.UINT8)
    except OptionDataError:
        raise OptionDataError(f"provided prefix {length_text} is not valid.") from None
    if length > 128:
        # Kea 2.2 accepts this and reads past the address (undefined behaviour);
        # a prefix longer than the address is refused here.
        raise OptionDataError(f"invalid prefix length {length}, expected 0..128")
    return bytes([length]) + prefix_bytes(packed, length)


def prefix_bytes(packed: bytes, length: int) -> bytes:
    """The minimal prefix bytes for ``length`` bits, bits after the prefix cleared."""
    nbytes = (length + 7) // 8
    body = bytearray(packed[:nbytes])
    if length % 8:
        body[-1] &= (0xFF << (8 - length % 8)) & 0xFF
    return bytes(body)


def encode_psid(text: str) -> bytes:
    compact = _without_blanks(text)
    psid_text, slash, length_text = compact.partition("/")
    if not slash:
        raise OptionDataError(f"provided PSID value {text} is not valid")
    try:
        psid = parse_integer(psid_text, DataType.UINT16)
    except OptionDataError:
        raise OptionDataError(f"provided PSID {psid_text} is not valid") from None
    try:
        length = parse_integer(length_text, DataType.UINT8)
    except OptionDataError:
        raise OptionDataError(f"provided PSID length {length_text} is not valid") from None
    if length > 16:
        raise OptionDataError(f"invalid value {length} of PSID length")
    if length and psid >> length:
        raise OptionDataError(f"invalid PSID value {psid} for a specified PSID "
                              f"length {length}")
    # RFC 7597 section 5.1: the PSID is left-aligned in a 16-bit field.
    return bytes([length]) + ((psid << (16 - length)) & 0xFFFF).to_bytes(2, "big")


def encode_tuple(text: str, len_size: int) -> bytes:
    data = text.encode()
    limit = (1 << (8 * len_size)) - 1
    if len(data) > limit:
        raise OptionDataError(f"invalid tuple value (size {len(data)} larger than {limit})")
    return len(data).to_bytes(len_size, "big") + data


# --- one codec per type ---------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FieldContext:
    """What a field's encoding depends on besides its text."""

    tuple_len: int = 1  # size of a tuple's length field: 1 (DHCPv4) or 2 (DHCPv6)
    takes_rest: bool = True  # string/binary take the rest of the buffer (not in arrays)


Encoder = Callable[[str, FieldContext], bytes]

FIXED_SIZES: dict[DataType, int] = {
    DataType.BOOLEAN: 1, DataType.INT8: 1, DataType.UINT8: 1,
    DataType.INT16: 2, DataType.UINT16: 2, DataType.INT32: 4, DataType.UINT32: 4,
    DataType.IPV4_ADDRESS: 4, DataType.IPV6_ADDRESS: 16, DataType.PSID: 3,
}


def _encode_int(dtype: DataType) -> Encoder:
    return lambda text, ctx: _integer_bytes(parse_integer(text, dtype), dtype)


ENCODERS: dict[DataType, Encoder] = {
    DataType.BINARY: lambda text, ctx: decode_hex_field(text),
    DataType.BOOLEAN: lambda text, ctx: bytes([parse_boolean(text)]),
    DataType.IPV4_ADDRESS: lambda text, ctx: parse_address(text),
    DataType.IPV6_ADDRESS: lambda text, ctx: parse_address(text),
    DataType.IPV6_PREFIX: lambda text, ctx: encode_prefix(text),
    DataType.PSID: lambda text, ctx: encode_psid(text),
    DataType.STRING: lambda text, ctx: text.encode(),
    DataType.FQDN: lambda text, ctx: dnsname.text_to_wire(text),
    DataType.TUPLE: lambda text, ctx: encode_tuple(text, ctx.tuple_len),
    **{dtype: _encode_int(dtype) for dtype in INTEGER_TYPES},
}


def encode_field(dtype: DataType, text: str, ctx: FieldContext) -> bytes:
    """One value of type ``dtype`` from its (already trimmed) text."""
    encoder = ENCODERS.get(dtype)
    if encoder is None:
        raise OptionDataError("attempt to write invalid option data field type into the "
                              f"option buffer: {dtype.value}")
    return encoder(text, ctx)


def field_length(dtype: DataType, buf: bytes, pos: int, ctx: FieldContext) -> int:
    """How many bytes at ``buf[pos:]`` Kea takes for one field of ``dtype``.

    Raises MalformedPacket when the bytes cannot hold the field. For ``fqdn`` this is
    Kea's own rule, the length of the name's text form plus one: right for plain
    names, too long for names whose text needs escapes (Kea then mis-splits or
    refuses the option, and so do we).
    """
    fixed = FIXED_SIZES.get(dtype)
    if fixed is not None:
        return fixed
    rest = len(buf) - pos
    if dtype == DataType.FQDN:
        if rest <= 0:
            raise MalformedPacket("unable to read FQDN from a buffer. The buffer is empty.")
        wire, _ = dnsname.read_wire(buf, pos)
        return len(dnsname.wire_to_text(wire)) + 1
    if dtype == DataType.IPV6_PREFIX:
        return _prefix_length(buf, pos)
    if dtype == DataType.TUPLE:
        return _tuple_length(buf, pos, ctx.tuple_len)
    if dtype in (DataType.STRING, DataType.BINARY) and ctx.takes_rest:
        return rest
    return 0


def _prefix_length(buf: bytes, pos: int) -> int:
    if pos >= len(buf):
        raise MalformedPacket("unable to read prefix length from a truncated buffer")
    bits = buf[pos]
    if len(buf) - pos - 1 < (bits + 7) // 8:
        raise MalformedPacket(f"unable to read a prefix having length of {bits} from a "
                              "truncated buffer")
    return 1 + (bits + 7) // 8


def _tuple_length(buf: bytes, pos: int, len_size: int) -> int:
    rest = len(buf) - pos
    if rest < len_size:
        raise MalformedPacket("unable to read data from the buffer as tuple (length). "
                              f"Invalid buffer size: {rest}")
    size = int.from_bytes(buf[pos:pos + len_size], "big")
    if rest < len_size + size:
        raise MalformedPacket(f"unable to read data from the buffer as tuple (length {size})."
                              f" Invalid buffer size: {rest}")
    return len_size + size


# --- back to text ---------------------------------------------------------------------

def _text_int(dtype: DataType) -> Callable[[bytes], str]:
    signed = INTEGER_TYPES[dtype][3]
    return lambda data: str(int.from_bytes(data, "big", signed=signed))


def _text_bool(data: bytes) -> str:
    if data[0] > 1:
        raise MalformedPacket(f"invalid boolean value {data[0]}")
    return "true" if data[0] else "false"


def _text_prefix(data: bytes) -> str:
    length = data[0]
    if length > 128:
        raise MalformedPacket(f"invalid prefix length {length}")
    packed = (data[1:] + bytes(16))[:16]
    return f"{ipaddress.IPv6Address(packed)}/{length}"


def _text_psid(data: bytes) -> str:
    length = data[0]
    if length > 16:
        raise MalformedPacket(f"invalid PSID length {length}")
    value = int.from_bytes(data[1:3], "big")
    return f"{value >> (16 - length) if length else 0}/{length}"




def escape_csv(text: str) -> str:
    """Text that :func:`split_csv` turns back into ``text`` (one item)."""
    return text.replace("\\", "\\\\").replace(",", "\\,")


_DECODERS: dict[DataType, Callable[[bytes], str]] = {
    DataType.BINARY: lambda data: data.hex(),
    DataType.BOOLEAN: _text_bool,
    DataType.IPV4_ADDRESS: lambda data: str(ipaddress.ip_address(data)),
    DataType.IPV6_ADDRESS: lambda data: str(ipaddress.ip_address(data)),
    DataType.IPV6_PREFIX: _text_prefix,
    DataType.PSID: _text_psid,
    DataType.STRING: lambda data: escape_csv(data.decode("utf-8", "replace")),
    DataType.FQDN: lambda data: escape_csv(dnsname.wire_to_text(data)),
    **{dtype: _text_int(dtype) for dtype in INTEGER_TYPES},
}


def field_text(dtype: DataType, data: bytes, ctx: FieldContext) -> str:
    """CSV text for one field's bytes (as cut by :func:`field_length`)."""
    if dtype == DataType.TUPLE:
        return escape_csv(data[ctx.tuple_len:].decode("utf-8", "replace"))
    decoder = _DECODERS.get(dtype)
    return decoder(data) if decoder is not None else data.hex()
