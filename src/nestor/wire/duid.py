"""DHCP Unique Identifiers (RFC 8415 section 11; DUID-UUID from RFC 6355).

A DUID is opaque to a server: leases and reservations are keyed by its raw
bytes, so the packet codec keeps Client/Server Identifier payloads as bytes.
This module is for the places that look inside: printing a DUID the way Kea
prints it (lease files, logs, control answers), reading one from Kea's
textual form in configuration, generating a server DUID, and extracting the
link-layer address that DUID-LLT and DUID-LL carry (Kea's ``mac-sources:
duid``).

Errors: :func:`parse_duid` is fed peer data and raises only
:class:`~nestor.errors.MalformedPacket`; :func:`duid_from_text` and
``to_bytes()`` are fed configuration or code and raise :class:`ValueError`,
which the configuration layer turns into a positioned ConfigError.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from string import hexdigits
from uuid import UUID

from nestor.errors import MalformedPacket

# RFC 8415 section 11.1: at most 128 octets of identifier after the 2-octet type.
DUID_MAX_LEN = 130
# The smallest DUID carries at least its type code (RFC 8415 section 11.1).
DUID_MIN_LEN = 2
# RFC 8415 section 11.2: DUID-LLT time counts seconds since midnight UTC, 1 January 2000,
# modulo 2^32.
DUID_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)

_HEXDIGITS = frozenset(hexdigits)


class DuidType(IntEnum):
    """DUID type codes (RFC 8415 section 11.1, RFC 6355 section 4)."""

    LLT = 1
    EN = 2
    LL = 3
    UUID = 4


class _DuidForm:
    """What every DUID form shares: Kea prints them all the same way, as the colon-
    separated hex of their wire bytes (lease files, logs, control answers)."""

    __slots__ = ()

    def to_bytes(self) -> bytes:
        raise NotImplementedError

    def __str__(self) -> str:
        return duid_to_text(self.to_bytes())


@dataclass(frozen=True, slots=True)
class DuidLLT(_DuidForm):
    """Link-layer address plus time (RFC 8415 section 11.2)."""

    hw_type: int
    time: int
    link_layer: bytes

    def to_bytes(self) -> bytes:
        return _build(_pack("!HHI", DuidType.LLT, self.hw_type, self.time) + self.link_layer)

    @property
    def timestamp(self) -> datetime:
        return DUID_EPOCH + timedelta(seconds=self.time)


@dataclass(frozen=True, slots=True)
class DuidEN(_DuidForm):
    """Vendor-assigned unique ID based on enterprise number (RFC 8415 section 11.3)."""

    enterprise: int
    identifier: bytes

    def to_bytes(self) -> bytes:
        return _build(_pack("!HI", DuidType.EN, self.enterprise) + self.identifier)


@dataclass(frozen=True, slots=True)
class DuidLL(_DuidForm):
    """Link-layer address (RFC 8415 section 11.4)."""

    hw_type: int
    link_layer: bytes

    def to_bytes(self) -> bytes:
        return _build(_pack("!HH", DuidType.LL, self.hw_type) + self.link_layer)


@dataclass(frozen=True, slots=True)
class DuidUUID(_DuidForm):
    """A 16-octet UUID (RFC 6355 section 4)."""

    uuid: bytes

    def to_bytes(self) -> bytes:
        if len(self.uuid) != 16:
            raise ValueError(f"DUID-UUID needs 16 octets, got {len(self.uuid)}")
        return _build(_pack("!H", DuidType.UUID) + self.uuid)

    @property
    def as_uuid(self) -> UUID:
        return UUID(bytes=self.uuid)


@dataclass(frozen=True, slots=True)
class DuidOther(_DuidForm):
    """A DUID of a type this module does not know; kept as it came (RFC 8415 11.1
    tells clients and servers to treat DUIDs as opaque)."""

    type: int
    data: bytes

    def to_bytes(self) -> bytes:
        return _build(_pack("!H", self.type) + self.data)


Duid = DuidLLT | DuidEN | DuidLL | DuidUUID | DuidOther


def _pack(fmt: str, *values: int) -> bytes:
    try:
        return struct.pack(fmt, *values)
    except struct.error as exc:
        raise ValueError(f"DUID field out of range: {exc}") from None


def _build(raw: bytes) -> bytes:
    if len(raw) > DUID_MAX_LEN:
        raise ValueError(f"DUID of {len(raw)} octets exceeds the maximum of {DUID_MAX_LEN}")
    return raw


def _parse_llt(raw: bytes) -> Duid:
    hw_type, time = struct.unpack_from("!HI", raw, 2)
    return DuidLLT(hw_type, time, raw[8:])


def _parse_en(raw: bytes) -> Duid:
    (enterprise,) = struct.unpack_from("!I", raw, 2)
    return DuidEN(enterprise, raw[6:])


def _parse_ll(raw: bytes) -> Duid:
    (hw_type,) = struct.unpack_from("!H", raw, 2)
    return DuidLL(hw_type, raw[4:])


def _parse_uuid(raw: bytes) -> Duid:
    return DuidUUID(raw[2:])


# type -> (minimum total length, exact length or None, decoder). Minimums are the fixed
# fields of RFC 8415 sections 11.2-11.4; DUID-UUID is exactly 16 octets (RFC 6355 sec. 4).
_LAYOUTS: dict[int, tuple[int, int | None, Callable[[bytes], Duid]]] = {
    DuidType.LLT: (8, None, _parse_llt),
    DuidType.EN: (6, None, _parse_en),
    DuidType.LL: (4, None, _parse_ll),
    DuidType.UUID: (18, 18, _parse_uuid),
}


def parse_duid(raw: bytes) -> Duid:
    """Decode a DUID from its wire form; unknown types are kept raw."""
    if len(raw) < DUID_MIN_LEN:
        raise MalformedPacket(f"DUID of {len(raw)} octets is shorter than its type code")
    if len(raw) > DUID_MAX_LEN:
        raise MalformedPacket(f"DUID of {len(raw)} octets exceeds the maximum of {DUID_MAX_LEN}")
    dtype = (raw[0] << 8) | raw[1]
    layout = _LAYOUTS.get(dtype)
    if layout is None:
        return DuidOther(dtype, bytes(raw[2:]))
    minimum, exact, decode = layout
    if len(raw) < minimum or (exact is not None and len(raw) != exact):
        raise MalformedPacket(
            f"DUID type {dtype} of {len(raw)} octets does not fit its layout")
    return decode(bytes(raw))


def duid_to_text(raw: bytes) -> str:
    """Kea's textual DUID: two lowercase hex digits per octet, colon separated."""
    return raw.hex(":")


def duid_from_text(text: str) -> bytes:
    """Read a DUID written as Kea accepts it in configuration.

    Kea's rule: either colon-separated tokens of one or two hex digits each
    (``0:1:a:0b``) or one run of hex digits without separators, an odd count
    getting a leading zero. Empty results and DUIDs over 130 octets are refused.
    """
    tokens = text.split(":")
    parts: list[str] = []
    for token in tokens:
        if not all(ch in _HEXDIGITS for ch in token):
            raise ValueError(f"invalid character in DUID '{text}'")
        if len(tokens) > 1 and not 1 <= len(token) <= 2:
            raise ValueError(
                f"invalid DUID '{text}': tokens must be 1 or 2 hex digits "
                "separated by a single colon")
        parts.append(token.zfill(len(token) + len(token) % 2))
    raw = bytes.fromhex("".join(parts))
    if not raw:
        raise ValueError("empty DUIDs are not allowed")
    return _build(raw)


# Where the link-layer address starts in the DUID types that carry one
# (RFC 8415 sections 11.2 and 11.4).
_LINK_LAYER_OFFSET: dict[int, int] = {DuidType.LLT: 8, DuidType.LL: 4}


def link_layer_address(raw: bytes) -> tuple[int, bytes] | None:
    """(hardware type, address) carried by a DUID-LLT or DUID-LL, else None.

    Like Kea, at least one octet of address must follow the fixed fields.
    """
    if len(raw) < 2 or len(raw) > DUID_MAX_LEN:
        return None
    dtype = (raw[0] << 8) | raw[1]
    offset = _LINK_LAYER_OFFSET.get(dtype)
    if offset is None or len(raw) <= offset:
        return None
    return (raw[2] << 8) | raw[3], bytes(raw[offset:])


def llt_time(when: datetime) -> int:
    """The DUID-LLT time field for ``when`` (RFC 8415 section 11.2: modulo 2^32)."""
    return int((when - DUID_EPOCH).total_seconds()) % (1 << 32)


def make_llt(hw_type: int, link_layer: bytes, when: datetime | None = None) -> bytes:
    """A new DUID-LLT, the type RFC 8415 section 11.2 recommends for servers."""
    stamp = llt_time(when if when is not None else datetime.now(UTC))
    return DuidLLT(hw_type, stamp, link_layer).to_bytes()
