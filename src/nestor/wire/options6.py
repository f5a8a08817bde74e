"""Typed DHCPv6 options whose layout is part of the protocol itself.

These are the options a server reasons about (identity associations and
their leases, status codes, identifiers, relay information); data options
configured by operators (DNS servers, domain lists, ...) stay raw here and
are encoded by the option-definition layer. Each class decodes exactly its
RFC layout: a wrong length is a malformed packet, never a silent truncation,
so every packet that parses serialises back to the same bytes.

:data:`DECODERS` maps codes to decoders for the main DHCPv6 space (also used
inside IA_NA, IA_TA, IA_PD, IAADDR and IAPREFIX); vendor sub-options stay raw.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from ipaddress import IPv6Address, IPv6Network
from typing import ClassVar, Self

from nestor.errors import MalformedPacket, OptionDataError
from nestor.wire.opt6base import (
    Decoder,
    Option6,
    OptionCode6,
    OptionList,
    encode_options,
    exact_length,
    need_length,
    pack,
    parse_options,
)
from nestor.wire.options6_ext import (
    ClientLinkLayerAddr,
    InterfaceId,
    RemoteId,
    UserClass,
    VendorClass,
    VendorOpts,
)

_U16 = struct.Struct("!H")
_U32 = struct.Struct("!I")
_IA = struct.Struct("!III")
_IAADDR = struct.Struct("!16sII")
_IAPREFIX = struct.Struct("!IIB16s")


def _address(raw: bytes, name: str) -> bytes:
    if len(raw) != 16:
        raise OptionDataError(f"{name} needs a 16-byte IPv6 address, got {len(raw)} bytes")
    return raw


# --- identity associations (RFC 8415 sections 21.4-21.6, 21.21-21.22) ---------------------


@dataclass(slots=True)
class _IAWithTimers(OptionList, Option6):
    """The layout IA_NA and IA_PD share: IAID, T1, T2, then the IA's options (RFC 8415
    sections 21.4 and 21.21); subclasses set ``CODE`` and ``_NAME`` (for errors)."""

    _NAME: ClassVar[str] = ""
    iaid: int
    t1: int = 0
    t2: int = 0
    options: list[Option6] = field(default_factory=list)

    def payload(self) -> bytes:
        return pack("!III", self.iaid, self.t1, self.t2) + encode_options(self.options)

    @classmethod
    def decode(cls, data: bytes, depth: int) -> Self:
        need_length(data, 12, cls._NAME)
        iaid, t1, t2 = _IA.unpack_from(data)
        return cls(iaid, t1, t2, parse_options(data, 12, len(data), depth + 1, DECODERS))


@dataclass(slots=True)
class IANA(_IAWithTimers):
    """Identity Association for Non-temporary Addresses (RFC 8415 section 21.4)."""

    CODE: ClassVar[int] = OptionCode6.IA_NA
    _NAME: ClassVar[str] = "IA_NA"


@dataclass(slots=True)
class IATA(OptionList, Option6):
    """Identity Association for Temporary Addresses (RFC 8415 section 21.5)."""

    CODE: ClassVar[int] = OptionCode6.IA_TA
    iaid: int
    options: list[Option6] = field(default_factory=list)

    def payload(self) -> bytes:
        return pack("!I", self.iaid) + encode_options(self.options)

    @classmethod
    def decode(cls, data: bytes, depth: int) -> IATA:
        need_length(data, 4, "IA_TA")
        (iaid,) = _U32.unpack_from(data)
        return cls(iaid, parse_options(data, 4, len(data), depth + 1, DECODERS))


@dataclass(slots=True)
class IAAddress(OptionList, Option6):
    """IA Address (RFC 8415 section 21.6): 16-byte address, lifetimes, sub-options."""

    CODE: ClassVar[int] = OptionCode6.IAADDR
    address: bytes
    preferred: int = 0
    valid: int = 0
    options: list[Option6] = field(default_factory=list)

    @property
    def ip(self) -> IPv6Address:
        return IPv6Address(self.address)

    def payload(self) -> bytes:
        return (pack("!16sII", _address(self.address, "IAADDR"), self.preferred, self.valid)
                + encode_options(self.options))

    @classmethod
    def decode(cls, data: bytes, depth: int) -> IAAddress:
        need_length(data, 24, "IAADDR")
        address, preferred, valid = _IAADDR.unpack_from(data)
        return cls(address, preferred, valid,
                   parse_options(data, 24, len(data), depth + 1, DECODERS))


@dataclass(slots=True)
class IAPD(_IAWithTimers):
    """Identity Association for Prefix Delegation (RFC 8415 section 21.21)."""

    CODE: ClassVar[int] = OptionCode6.IA_PD
    _NAME: ClassVar[str] = "IA_PD"


@dataclass(slots=True)
class IAPrefix(OptionList, Option6):
    """IA Prefix (RFC 8415 section 21.22): lifetimes, prefix length, 16-byte prefix."""

    CODE: ClassVar[int] = OptionCode6.IAPREFIX
    preferred: int
    valid: int
    prefix_len: int
    prefix: bytes
    options: list[Option6] = field(default_factory=list)

    @property
    def network(self) -> IPv6Network:
        """The prefix as a network; host bits a client set in a hint are dropped."""
        return IPv6Network((IPv6Address(self.prefix), self.prefix_len), strict=False)

    def payload(self) -> bytes:
        if self.prefix_len > 128:
            raise OptionDataError(f"IAPREFIX prefix length {self.prefix_len} exceeds 128")
        return (pack("!IIB16s", self.preferred, self.valid, self.prefix_len,
                     _address(self.prefix, "IAPREFIX"))
                + encode_options(self.options))

    @classmethod
    def decode(cls, data: bytes, depth: int) -> IAPrefix:
        need_length(data, 25, "IAPREFIX")
        preferred, valid, prefix_len, prefix = _IAPREFIX.unpack_from(data)
        if prefix_len > 128:
            raise MalformedPacket(f"IAPREFIX prefix length {prefix_len} exceeds 128")
        return cls(preferred, valid, prefix_len, prefix,
                   parse_options(data, 25, len(data), depth + 1, DECODERS))


# --- status, identifiers, request and timing options ---------------------------------------


@dataclass(slots=True)
class StatusCode(Option6):
    """Status Code (RFC 8415 section 21.13): 2-octet code and a UTF-8 message.

    The message is decoded with ``surrogateescape`` so a peer's invalid UTF-8
    still round-trips byte for byte.
    """

    CODE: ClassVar[int] = OptionCode6.STATUS_CODE
    status: int
    message: str = ""

    def payload(self) -> bytes:
        try:
            text = self.message.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError as exc:
            raise OptionDataError(f"status message is not encodable: {exc}") from None
        return pack("!H", self.status) + text

    @classmethod
    def decode(cls, data: bytes, depth: int) -> StatusCode:
        need_length(data, 2, "status-code")
        (status,) = _U16.unpack_from(data)
        return cls(status, data[2:].decode("utf-8", "surrogateescape"))


@dataclass(slots=True)
class _DuidOption(Option6):
    """An identifier option whose whole payload is a DUID, kept as raw bytes: servers
    key on the bytes and never need to look inside (RFC 8415 section 11)."""

    duid: bytes

    def payload(self) -> bytes:
        return self.duid

    @classmethod
    def decode(cls, data: bytes, depth: int) -> Self:
        return cls(data)


@dataclass(slots=True)
class ClientId(_DuidOption):
    """Client Identifier (RFC 8415 section 21.2): a DUID, kept as raw bytes."""

    CODE: ClassVar[int] = OptionCode6.CLIENTID


@dataclass(slots=True)
class ServerId(_DuidOption):
    """Server Identifier (RFC 8415 section 21.3): a DUID, kept as raw bytes."""

    CODE: ClassVar[int] = OptionCode6.SERVERID


@dataclass(slots=True)
class OptionRequest(Option6):
    """Option Request Option (RFC 8415 section 21.7): a list of 2-octet codes."""

    CODE: ClassVar[int] = OptionCode6.ORO
    codes: list[int] = field(default_factory=list)

    def payload(self) -> bytes:
        return pack(f"!{len(self.codes)}H", *self.codes)

    @classmethod
    def decode(cls, data: bytes, depth: int) -> OptionRequest:
        if len(data) % 2:
            raise MalformedPacket(f"ORO option has odd length {len(data)}")
        return cls(list(struct.unpack(f"!{len(data) // 2}H", data)))


@dataclass(slots=True)
class Preference(Option6):
    """Preference (RFC 8415 section 21.8): one octet, 255 meaning 'pick me now'."""

    CODE: ClassVar[int] = OptionCode6.PREFERENCE
    value: int

    def payload(self) -> bytes:
        return pack("!B", self.value)

    @classmethod
    def decode(cls, data: bytes, depth: int) -> Preference:
        exact_length(data, 1, "preference")
        return cls(data[0])


@dataclass(slots=True)
class ElapsedTime(Option6):
    """Elapsed Time (RFC 8415 section 21.9) in hundredths of a second."""

    CODE: ClassVar[int] = OptionCode6.ELAPSED_TIME
    value: int

    def payload(self) -> bytes:
        return pack("!H", self.value)

    @classmethod
    def decode(cls, data: bytes, depth: int) -> ElapsedTime:
        exact_length(data, 2, "elapsed-time")
        return cls(_U16.unpack(data)[0])


@dataclass(slots=True)
class ServerUnicast(Option6):
    """Server Unicast (RFC 8415 section 21.12): the address clients may unicast to."""

    CODE: ClassVar[int] = OptionCode6.UNICAST
    address: bytes

    @property
    def ip(self) -> IPv6Address:
        return IPv6Address(self.address)

    def payload(self) -> bytes:
        return _address(self.address, "unicast")

    @classmethod
    def decode(cls, data: bytes, depth: int) -> ServerUnicast:
        exact_length(data, 16, "unicast")
        return cls(data)


@dataclass(slots=True)
class _EmptyOption(Option6):
    """An option whose presence is all it says: it carries no data (RFC 8415 sections
    21.14 and 21.20); ``_NAME`` names it in errors."""

    _NAME: ClassVar[str] = ""

    def payload(self) -> bytes:
        return b""

    @classmethod
    def decode(cls, data: bytes, depth: int) -> Self:
        exact_length(data, 0, cls._NAME)
        return cls()


@dataclass(slots=True)
class RapidCommit(_EmptyOption):
    """Rapid Commit (RFC 8415 section 21.14): no data."""

    CODE: ClassVar[int] = OptionCode6.RAPID_COMMIT
    _NAME: ClassVar[str] = "rapid-commit"


@dataclass(slots=True)
class ReconfigureMessage(Option6):
    """Reconfigure Message (RFC 8415 section 21.19): which message the client should send."""

    CODE: ClassVar[int] = OptionCode6.RECONF_MSG
    msg_type: int

    def payload(self) -> bytes:
        return pack("!B", self.msg_type)

    @classmethod
    def decode(cls, data: bytes, depth: int) -> ReconfigureMessage:
        exact_length(data, 1, "reconfigure-message")
        return cls(data[0])


@dataclass(slots=True)
class ReconfigureAccept(_EmptyOption):
    """Reconfigure Accept (RFC 8415 section 21.20): no data."""

    CODE: ClassVar[int] = OptionCode6.RECONF_ACCEPT
    _NAME: ClassVar[str] = "reconfigure-accept"


_TYPED: tuple[type[Option6], ...] = (
    ClientId, ServerId, IANA, IATA, IAAddress, OptionRequest, Preference, ElapsedTime,
    ServerUnicast, StatusCode, RapidCommit, UserClass, VendorClass, VendorOpts, InterfaceId,
    ReconfigureMessage, ReconfigureAccept, IAPD, IAPrefix, RemoteId, ClientLinkLayerAddr,
)

# The decoder table of the main "dhcp6" option space. The Relay Message option (9) is
# added only inside relay messages (see packet6): in a client message it stays raw.
DECODERS: dict[int, Decoder] = {cls.CODE: cls.decode for cls in _TYPED}
