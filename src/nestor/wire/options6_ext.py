"""Typed DHCPv6 class, vendor and relay-agent options.

User Class and Vendor Class carry lists of length-prefixed opaque items
(RFC 8415 sections 21.15-21.16); Vendor-specific Information carries an
enterprise number and sub-options in the vendor's own code space (section
21.17), kept raw because their meaning is the vendor's; the relay-agent
options Interface-Id, Remote-Id and Client Link-Layer Address identify where
a relayed client sits.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from nestor.errors import MalformedPacket, OptionDataError
from nestor.wire.opt6base import (
    Decoder,
    Option6,
    OptionCode6,
    OptionList,
    encode_options,
    need_length,
    pack,
    parse_options,
)

_U16 = struct.Struct("!H")
_U32 = struct.Struct("!I")
_U32U16 = struct.Struct("!IH")
# Sub-options of a vendor space are not decoded: their codes mean what the vendor says.
_VENDOR_DECODERS: dict[int, Decoder] = {}


def _decode_items(data: bytes, pos: int, name: str) -> list[bytes]:
    """Length-prefixed opaque items filling data[pos:] exactly (RFC 8415 21.15/21.16)."""
    items: list[bytes] = []
    end = len(data)
    while pos < end:
        if end - pos < 2:
            raise MalformedPacket(f"{name} option: truncated item length at offset {pos}")
        (length,) = _U16.unpack_from(data, pos)
        pos += 2
        if length > end - pos:
            raise MalformedPacket(f"{name} option: item of {length} bytes runs past the end")
        items.append(data[pos:pos + length])
        pos += length
    return items


def _enterprise(data: bytes, name: str) -> int:
    """The 4-octet enterprise number leading a vendor or relay option (RFC 8415 21.16,
    21.17; RFC 4649 section 3)."""
    need_length(data, 4, name)
    return int(_U32.unpack_from(data)[0])


def _encode_items(items: Iterable[bytes]) -> bytes:
    parts: list[bytes] = []
    for item in items:
        if len(item) > 0xFFFF:
            raise OptionDataError(f"class data item of {len(item)} bytes exceeds 65535")
        parts.append(_U16.pack(len(item)))
        parts.append(item)
    return b"".join(parts)


@dataclass(slots=True)
class UserClass(Option6):
    """User Class (RFC 8415 section 21.15): a list of opaque user-class items."""

    CODE: ClassVar[int] = OptionCode6.USER_CLASS
    items: list[bytes] = field(default_factory=list)

    def payload(self) -> bytes:
        return _encode_items(self.items)

    @classmethod
    def decode(cls, data: bytes, depth: int) -> UserClass:
        return cls(_decode_items(data, 0, "user-class"))


@dataclass(slots=True)
class VendorClass(Option6):
    """Vendor Class (RFC 8415 section 21.16): enterprise number and opaque items."""

    CODE: ClassVar[int] = OptionCode6.VENDOR_CLASS
    enterprise: int
    items: list[bytes] = field(default_factory=list)

    def payload(self) -> bytes:
        return pack("!I", self.enterprise) + _encode_items(self.items)

    @classmethod
    def decode(cls, data: bytes, depth: int) -> VendorClass:
        return cls(_enterprise(data, "vendor-class"), _decode_items(data, 4, "vendor-class"))


@dataclass(slots=True)
class VendorOpts(OptionList, Option6):
    """Vendor-specific Information (RFC 8415 section 21.17): enterprise number followed by
    sub-options in the vendor's code space."""

    CODE: ClassVar[int] = OptionCode6.VENDOR_OPTS
    enterprise: int
    options: list[Option6] = field(default_factory=list)

    def payload(self) -> bytes:
        return pack("!I", self.enterprise) + encode_options(self.options)

    @classmethod
    def decode(cls, data: bytes, depth: int) -> VendorOpts:
        return cls(_enterprise(data, "vendor-opts"),
                   parse_options(data, 4, len(data), depth + 1, _VENDOR_DECODERS))


@dataclass(slots=True)
class InterfaceId(Option6):
    """Interface-Id (RFC 8415 section 21.18): opaque, set by a relay; the server copies it
    into its Relay-reply so the relay knows which link to answer on."""

    CODE: ClassVar[int] = OptionCode6.INTERFACE_ID
    value: bytes

    def payload(self) -> bytes:
        return self.value

    @classmethod
    def decode(cls, data: bytes, depth: int) -> InterfaceId:
        return cls(data)


@dataclass(slots=True)
class RemoteId(Option6):
    """Relay Agent Remote-ID (RFC 4649 section 3): enterprise number and opaque id."""

    CODE: ClassVar[int] = OptionCode6.REMOTE_ID
    enterprise: int
    remote_id: bytes = b""

    def payload(self) -> bytes:
        return pack("!I", self.enterprise) + self.remote_id

    @classmethod
    def decode(cls, data: bytes, depth: int) -> RemoteId:
        return cls(_enterprise(data, "remote-id"), data[4:])


@dataclass(slots=True)
class ClientLinkLayerAddr(Option6):
    """Client Link-Layer Address (RFC 6939 section 4): hardware type and address, added
    by the relay closest to the client."""

    CODE: ClassVar[int] = OptionCode6.CLIENT_LINKLAYER_ADDR
    hw_type: int
    address: bytes = b""

    def payload(self) -> bytes:
        return pack("!H", self.hw_type) + self.address

    @classmethod
    def decode(cls, data: bytes, depth: int) -> ClientLinkLayerAddr:
        need_length(data, 2, "client-linklayer-addr")
        return cls(_U16.unpack_from(data)[0], data[2:])
