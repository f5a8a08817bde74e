"""DHCPv6 messages: client/server and relay formats, parse and serialise (sans-I/O).

RFC 8415 section 8: a client/server message is msg-type (1 octet), a 24-bit
transaction-id and options. Section 9: a relay message is msg-type, hop-count,
link-address and peer-address (16 octets each) and options, one of which is
the Relay Message option (section 21.10) holding the message being relayed,
which may itself be a relay message: a relay of a relay of a client message.

:func:`parse6` returns a :class:`Message6` or a :class:`RelayMessage6`; its only
exception is :class:`~nestor.errors.MalformedPacket`. ``serialize()`` gives the
bytes back; for any packet that parses, ``parse6(b).serialize() == b``.
Building a packet from bad values raises :class:`~nestor.errors.OptionDataError`.

This module also re-exports the option classes, so engine code imports from here.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from enum import IntEnum
from ipaddress import IPv6Address
from typing import ClassVar

from nestor.errors import MalformedPacket, OptionDataError
from nestor.wire.opt6base import (
    MAX_NESTING,
    Decoder,
    Option6,
    OptionCode6,
    OptionList,
    RawOption6,
    Status6,
    encode_options,
    pack,
    parse_options,
)
from nestor.wire.options6 import (
    DECODERS,
    IANA,
    IAPD,
    IATA,
    ClientId,
    ElapsedTime,
    IAAddress,
    IAPrefix,
    OptionRequest,
    Preference,
    RapidCommit,
    ReconfigureAccept,
    ReconfigureMessage,
    ServerId,
    ServerUnicast,
    StatusCode,
)
from nestor.wire.options6_ext import (
    ClientLinkLayerAddr,
    InterfaceId,
    RemoteId,
    UserClass,
    VendorClass,
    VendorOpts,
)

__all__ = [
    "IANA", "IAPD", "IATA", "MAX_NESTING", "ClientId", "ClientLinkLayerAddr", "ElapsedTime",
    "IAAddress", "IAPrefix", "InterfaceId", "Message6", "MessageType", "Option6", "OptionCode6",
    "OptionList", "OptionRequest", "Preference", "RapidCommit", "RawOption6",
    "ReconfigureAccept", "ReconfigureMessage", "RelayMessage6", "RelayMsg", "RemoteId",
    "ServerId", "ServerUnicast", "Status6", "StatusCode", "UserClass", "VendorClass",
    "VendorOpts", "innermost", "kea_message_name", "parse6", "relay_chain",
]


class MessageType(IntEnum):
    """DHCPv6 message types (RFC 8415 section 7.3 and the RFCs named).

    Unknown values become pseudo-members named ``UNKNOWN_<n>`` instead of raising,
    so a message type from a newer RFC still parses.
    """

    SOLICIT = 1
    ADVERTISE = 2
    REQUEST = 3
    CONFIRM = 4
    RENEW = 5
    REBIND = 6
    REPLY = 7
    RELEASE = 8
    DECLINE = 9
    RECONFIGURE = 10
    INFORMATION_REQUEST = 11
    RELAY_FORW = 12
    RELAY_REPL = 13
    LEASEQUERY = 14  # RFC 5007
    LEASEQUERY_REPLY = 15
    LEASEQUERY_DONE = 16  # RFC 5460
    LEASEQUERY_DATA = 17
    RECONFIGURE_REQUEST = 18  # RFC 6977
    RECONFIGURE_REPLY = 19
    DHCPV4_QUERY = 20  # RFC 7341
    DHCPV4_RESPONSE = 21
    ACTIVELEASEQUERY = 22  # RFC 7653
    STARTTLS = 23
    BNDUPD = 24  # RFC 8156
    BNDREPLY = 25
    POOLREQ = 26
    POOLRESP = 27
    UPDREQ = 28
    UPDREQALL = 29
    UPDDONE = 30
    CONNECT = 31
    CONNECTREPLY = 32
    DISCONNECT = 33
    STATE = 34
    CONTACT = 35

    @classmethod
    def _missing_(cls, value: object) -> MessageType | None:
        if not isinstance(value, int) or not 0 <= value <= 0xFF:
            return None
        member = int.__new__(cls, value)
        member._name_ = f"UNKNOWN_{value}"
        member._value_ = value
        # At most 256 values exist, so caching pseudo-members is bounded.
        return cls._value2member_map_.setdefault(value, member)  # type: ignore[return-value]


# Names Kea 2.2 prints for message types in its log messages (Pkt6::getName).
_KEA_NAMES: dict[int, str] = {
    MessageType.SOLICIT: "SOLICIT", MessageType.ADVERTISE: "ADVERTISE",
    MessageType.REQUEST: "REQUEST", MessageType.CONFIRM: "CONFIRM",
    MessageType.RENEW: "RENEW", MessageType.REBIND: "REBIND", MessageType.REPLY: "REPLY",
    MessageType.RELEASE: "RELEASE", MessageType.DECLINE: "DECLINE",
    MessageType.RECONFIGURE: "RECONFIGURE",
    MessageType.INFORMATION_REQUEST: "INFORMATION_REQUEST",
    MessageType.RELAY_FORW: "RELAY_FORWARD", MessageType.RELAY_REPL: "RELAY_REPLY",
    MessageType.LEASEQUERY: "LEASEQUERY", MessageType.LEASEQUERY_REPLY: "LEASEQUERY_REPLY",
    MessageType.DHCPV4_QUERY: "DHCPV4_QUERY", MessageType.DHCPV4_RESPONSE: "DHCPV4_RESPONSE",
}


def kea_message_name(msg_type: int) -> str:
    """The message name as Kea's logs spell it, ``UNKNOWN`` for the rest."""
    return _KEA_NAMES.get(msg_type, "UNKNOWN")


_RELAY_TYPES = frozenset((MessageType.RELAY_FORW, MessageType.RELAY_REPL))
_HEADER = struct.Struct("!I")
_RELAY_HEADER = struct.Struct("!BB16s16s")
_RELAY_HEADER_LEN = _RELAY_HEADER.size  # 34 octets, RFC 8415 section 9


@dataclass(slots=True)
class Message6(OptionList):
    """A client/server message (RFC 8415 section 8).

    For DHCPv4-over-DHCPv6 messages (RFC 7341 section 6) the 24 bits hold flags
    rather than a transaction id; they are kept in ``transaction_id`` all the same.
    """

    msg_type: int
    transaction_id: int
    options: list[Option6] = field(default_factory=list)

    def serialize(self) -> bytes:
        if not 0 <= self.msg_type <= 0xFF or not 0 <= self.transaction_id <= 0xFFFFFF:
            raise OptionDataError(
                f"message type {self.msg_type} or transaction id {self.transaction_id:#x} "
                "out of range")
        return (_HEADER.pack((self.msg_type << 24) | self.transaction_id)
                + encode_options(self.options))

    @property
    def client_id(self) -> bytes | None:
        opt = self.get(OptionCode6.CLIENTID)
        return None if opt is None else opt.payload()

    @property
    def server_id(self) -> bytes | None:
        opt = self.get(OptionCode6.SERVERID)
        return None if opt is None else opt.payload()


@dataclass(slots=True)
class RelayMessage6(OptionList):
    """A Relay-forward or Relay-reply message (RFC 8415 section 9)."""

    msg_type: int
    hop_count: int
    link_address: bytes
    peer_address: bytes
    options: list[Option6] = field(default_factory=list)

    @property
    def link_ip(self) -> IPv6Address:
        return IPv6Address(self.link_address)

    @property
    def peer_ip(self) -> IPv6Address:
        return IPv6Address(self.peer_address)

    @property
    def inner(self) -> Message6 | RelayMessage6 | None:
        """The relayed message, from the Relay Message option."""
        opt = self.find(RelayMsg)
        return None if opt is None else opt.message

    def serialize(self) -> bytes:
        for name, addr in (("link-address", self.link_address),
                           ("peer-address", self.peer_address)):
            if len(addr) != 16:
                raise OptionDataError(f"relay {name} must be 16 bytes, got {len(addr)}")
        return (pack("!BB16s16s", self.msg_type, self.hop_count, self.link_address,
                     self.peer_address)
                + encode_options(self.options))


@dataclass(slots=True)
class RelayMsg(Option6):
    """Relay Message option (RFC 8415 section 21.10) holding the relayed message."""

    CODE: ClassVar[int] = OptionCode6.RELAY_MSG
    message: Message6 | RelayMessage6

    def payload(self) -> bytes:
        return self.message.serialize()

    @classmethod
    def decode(cls, data: bytes, depth: int) -> RelayMsg:
        return cls(_parse_message(data, depth + 1))


# Inside a relay message the Relay Message option is decoded too; in a client message
# it has no meaning and stays raw, as Kea keeps it.
_RELAY_DECODERS: dict[int, Decoder] = {**DECODERS, OptionCode6.RELAY_MSG: RelayMsg.decode}


def parse6(data: bytes | bytearray | memoryview) -> Message6 | RelayMessage6:
    """Decode one DHCPv6 message as received in a UDP payload."""
    return _parse_message(bytes(data), 0)


def _parse_message(data: bytes, depth: int) -> Message6 | RelayMessage6:
    if not data:
        raise MalformedPacket("empty DHCPv6 message")
    if data[0] in _RELAY_TYPES:
        return _parse_relay(data, depth)
    if len(data) < 4:
        raise MalformedPacket(f"DHCPv6 message of {len(data)} bytes is shorter than its header")
    (header,) = _HEADER.unpack_from(data)
    return Message6(MessageType(header >> 24), header & 0xFFFFFF,
                    parse_options(data, 4, len(data), depth, DECODERS))


def _parse_relay(data: bytes, depth: int) -> RelayMessage6:
    if len(data) < _RELAY_HEADER_LEN:
        raise MalformedPacket(
            f"relay message of {len(data)} bytes is shorter than its {_RELAY_HEADER_LEN}-byte "
            "header")
    msg_type, hop_count, link, peer = _RELAY_HEADER.unpack_from(data)
    options = parse_options(data, _RELAY_HEADER_LEN, len(data), depth, _RELAY_DECODERS)
    # RFC 8415 section 9: a relay message carries exactly one Relay Message option.
    count = sum(1 for opt in options if isinstance(opt, RelayMsg))
    if count != 1:
        raise MalformedPacket(f"relay message has {count} Relay Message options, needs one")
    return RelayMessage6(MessageType(msg_type), hop_count, link, peer, options)


def relay_chain(msg: Message6 | RelayMessage6) -> list[RelayMessage6]:
    """The relays a message went through, outermost (closest to the server) first.

    This is Kea's ``relay6[nest]`` order: index 0 is the relay that talked to the
    server and index -1 the one closest to the client.
    """
    chain: list[RelayMessage6] = []
    current: Message6 | RelayMessage6 | None = msg
    while isinstance(current, RelayMessage6):
        chain.append(current)
        current = current.inner
    return chain


def innermost(msg: Message6 | RelayMessage6) -> Message6:
    """The client/server message at the bottom of any relay nesting."""
    current: Message6 | RelayMessage6 | None = msg
    while isinstance(current, RelayMessage6):
        current = current.inner
    if current is None:
        raise MalformedPacket("relay message without a Relay Message option")
    return current
