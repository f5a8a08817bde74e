"""The DHCPv6 option model: base class, raw options, option lists, the TLV walk.

RFC 8415 section 21.1: every option is a 2-octet code, a 2-octet length and
that many octets of data. Options may repeat and their order matters to no
one but a byte-exact round trip, so a message keeps them as an ordered list.
Options whose layout the codec knows are decoded into typed classes (see
``options6``); everything else stays a :class:`RawOption6` holding the bytes,
for the option-definition layer to interpret on demand.

The walk is table driven: :func:`parse_options` looks the code up in a
decoder table, so each encapsulation (message, relay, IA, vendor space)
passes the table that applies to it.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import ClassVar, TypeVar

from nestor.errors import MalformedPacket, OptionDataError

# Every level of encapsulation (a relay message, an option inside an option)
# costs a stack frame; a peer must not be able to nest deep enough to exhaust
# the stack. 32 matches Kea's limit on relay encapsulations.
MAX_NESTING = 32

OPTION_HEADER = struct.Struct("!HH")
_MAX_OPTION_LEN = 0xFFFF


class OptionCode6(IntEnum):
    """DHCPv6 option codes the codec and engine refer to (RFC 8415 section 21 and the
    RFCs named). The full set with data layouts is the option-definition table."""

    CLIENTID = 1
    SERVERID = 2
    IA_NA = 3
    IA_TA = 4
    IAADDR = 5
    ORO = 6
    PREFERENCE = 7
    ELAPSED_TIME = 8
    RELAY_MSG = 9
    AUTH = 11
    UNICAST = 12
    STATUS_CODE = 13
    RAPID_COMMIT = 14
    USER_CLASS = 15
    VENDOR_CLASS = 16
    VENDOR_OPTS = 17
    INTERFACE_ID = 18
    RECONF_MSG = 19
    RECONF_ACCEPT = 20
    DNS_SERVERS = 23
    DOMAIN_LIST = 24
    IA_PD = 25
    IAPREFIX = 26
    INFORMATION_REFRESH_TIME = 32
    REMOTE_ID = 37  # RFC 4649
    SUBSCRIBER_ID = 38  # RFC 4580
    CLIENT_FQDN = 39  # RFC 4704
    ERO = 43  # RFC 4994
    RSOO = 66  # RFC 6422
    PD_EXCLUDE = 67  # RFC 6603
    CLIENT_LINKLAYER_ADDR = 79  # RFC 6939
    SOL_MAX_RT = 82
    INF_MAX_RT = 83
    DHCPV4_MSG = 87  # RFC 7341
    DHCP4_O_DHCP6_SERVER = 88  # RFC 7341


class Status6(IntEnum):
    """Status codes carried in the Status Code option (RFC 8415 section 7.5; leasequery
    RFC 5007 and RFC 5460; RFC 7653; failover RFC 8156)."""

    SUCCESS = 0
    UNSPEC_FAIL = 1
    NO_ADDRS_AVAIL = 2
    NO_BINDING = 3
    NOT_ON_LINK = 4
    USE_MULTICAST = 5
    NO_PREFIX_AVAIL = 6
    UNKNOWN_QUERY_TYPE = 7
    MALFORMED_QUERY = 8
    NOT_CONFIGURED = 9
    NOT_ALLOWED = 10
    QUERY_TERMINATED = 11
    DATA_MISSING = 12
    CATCH_UP_COMPLETE = 13
    NOT_SUPPORTED = 14
    TLS_CONNECTION_REFUSED = 15
    ADDRESS_IN_USE = 16
    CONFIGURATION_CONFLICT = 17
    MISSING_BINDING_INFORMATION = 18
    OUTDATED_BINDING_INFORMATION = 19
    SERVER_SHUTTING_DOWN = 20
    DNS_UPDATE_NOT_SUPPORTED = 21
    EXCESSIVE_TIME_SKEW = 22


class Option6:
    """Base of every DHCPv6 option: a code and a payload that serialises.

    Typed subclasses set ``CODE``; :class:`RawOption6` carries its code as a field.
    """

    __slots__ = ()
    CODE: ClassVar[int] = -1

    @property
    def code(self) -> int:
        return self.CODE

    def payload(self) -> bytes:
        """The option data, without the 4-octet header."""
        raise NotImplementedError

    @classmethod
    def decode(cls, data: bytes, depth: int) -> Option6:
        """Build the option from its payload; ``depth`` is the current nesting level."""
        raise NotImplementedError

    def to_bytes(self) -> bytes:
        body = self.payload()
        if len(body) > _MAX_OPTION_LEN:
            raise OptionDataError(
                f"option {self.code} data of {len(body)} bytes exceeds the 65535 limit")
        return pack("!HH", self.code, len(body)) + body


@dataclass(slots=True)
class RawOption6(Option6):
    """An option kept as code plus raw payload, decoded on demand by whoever needs it."""

    code: int
    data: bytes = b""

    def payload(self) -> bytes:
        return self.data


T = TypeVar("T", bound=Option6)

Decoder = Callable[[bytes, int], Option6]


class OptionList:
    """Lookup helpers for anything that carries an ordered ``options`` list."""

    __slots__ = ()
    options: list[Option6]

    def get(self, code: int) -> Option6 | None:
        """The first option with ``code``, or None."""
        for opt in self.options:
            if opt.code == code:
                return opt
        return None

    def get_all(self, code: int) -> list[Option6]:
        return [opt for opt in self.options if opt.code == code]

    def find(self, cls: type[T]) -> T | None:
        """The first option of the typed class ``cls``, or None."""
        for opt in self.options:
            if isinstance(opt, cls):
                return opt
        return None

    def find_all(self, cls: type[T]) -> list[T]:
        return [opt for opt in self.options if isinstance(opt, cls)]

    def has(self, code: int) -> bool:
        return any(opt.code == code for opt in self.options)

    def remove(self, code: int) -> int:
        """Drop every option with ``code``; returns how many were dropped."""
        before = len(self.options)
        self.options[:] = [opt for opt in self.options if opt.code != code]
        return before - len(self.options)


def pack(fmt: str, *values: int | bytes) -> bytes:
    """struct.pack whose range errors surface as OptionDataError: values being
    serialised come from configuration, hooks or code, never from a peer."""
    try:
        return struct.pack(fmt, *values)
    except struct.error as exc:
        raise OptionDataError(f"value out of range for its field: {exc}") from None


def need_length(data: bytes, n: int, name: str) -> None:
    """A peer's option payload must hold at least ``n`` bytes of fixed fields."""
    if len(data) < n:
        raise MalformedPacket(f"{name} option of {len(data)} bytes is shorter than {n}")


def exact_length(data: bytes, n: int, name: str) -> None:
    """A peer's fixed-size option payload must be exactly ``n`` bytes."""
    if len(data) != n:
        raise MalformedPacket(f"{name} option must be {n} bytes, got {len(data)}")


def encode_options(options: Iterable[Option6]) -> bytes:
    return b"".join([opt.to_bytes() for opt in options])


def parse_options(data: bytes, start: int, end: int, depth: int,
                  decoders: Mapping[int, Decoder]) -> list[Option6]:
    """Walk the options in ``data[start:end]`` (RFC 8415 section 21.1).

    The region must hold whole options exactly: a header cut short or a
    length running past ``end`` makes the packet malformed.
    """
    if depth > MAX_NESTING:
        raise MalformedPacket(f"options nested deeper than {MAX_NESTING} levels")
    options: list[Option6] = []
    unpack_header = OPTION_HEADER.unpack_from
    pos = start
    while pos < end:
        if end - pos < 4:
            raise MalformedPacket(
                f"truncated option header: {end - pos} bytes left at offset {pos}")
        code, length = unpack_header(data, pos)
        pos += 4
        if length > end - pos:
            raise MalformedPacket(
                f"option {code} length {length} runs past the end ({end - pos} bytes left)")
        body = data[pos:pos + length]
        pos += length
        decoder = decoders.get(code)
        options.append(RawOption6(code, body) if decoder is None else decoder(body, depth))
    return options
