"""DHCPv4 option codes, message types and the structures nested in some options.

Options travel raw in :class:`nestor.wire.packet4.Packet4`; the functions here
decode (and build) the few payloads that carry their own inner layout:

* relay agent information (82) sub-options, RFC 3046 section 2.0;
* vendor-encapsulated options (43), RFC 2132 section 8.4;
* V-I vendor class (124) and V-I vendor-specific information (125),
  RFC 3925 sections 3 and 4;
* client identifier (61), RFC 2132 section 9.14 and RFC 4361 section 6.1.

Decoders raise :class:`MalformedPacket` (the payload came from a peer);
builders raise :class:`OptionDataError` (the payload came from us).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from enum import IntEnum

from nestor.errors import MalformedPacket, OptionDataError

_U16 = struct.Struct("!H")
_U32 = struct.Struct("!I")

SubOptions = list[tuple[int, bytes]]


class OptionCode(IntEnum):
    """DHCPv4 option codes the server itself reads or writes (IANA registry)."""

    PAD = 0
    SUBNET_MASK = 1
    TIME_OFFSET = 2
    ROUTERS = 3
    DOMAIN_NAME_SERVERS = 6
    HOST_NAME = 12
    DOMAIN_NAME = 15
    INTERFACE_MTU = 26
    BROADCAST_ADDRESS = 28
    NTP_SERVERS = 42
    VENDOR_ENCAPSULATED_OPTIONS = 43
    REQUESTED_ADDRESS = 50
    LEASE_TIME = 51
    OPTION_OVERLOAD = 52
    MESSAGE_TYPE = 53
    SERVER_ID = 54
    PARAMETER_REQUEST_LIST = 55
    MESSAGE = 56
    MAX_MESSAGE_SIZE = 57
    RENEWAL_TIME = 58
    REBINDING_TIME = 59
    VENDOR_CLASS_ID = 60
    CLIENT_ID = 61
    TFTP_SERVER_NAME = 66
    BOOT_FILE_NAME = 67
    USER_CLASS = 77
    RAPID_COMMIT = 80
    CLIENT_FQDN = 81
    RELAY_AGENT_INFORMATION = 82
    CLIENT_LAST_TRANSACTION_TIME = 91
    ASSOCIATED_IP = 92
    CLIENT_SYSTEM = 93
    CLIENT_NDI = 94
    UUID_GUID = 97
    V6_ONLY_PREFERRED = 108
    AUTO_CONFIG = 116
    SUBNET_SELECTION = 118
    DOMAIN_SEARCH = 119
    CLASSLESS_STATIC_ROUTE = 121
    VIVCO = 124
    VIVSO = 125
    STATUS_CODE = 151
    BASE_TIME = 152
    START_TIME_OF_STATE = 153
    QUERY_START_TIME = 154
    QUERY_END_TIME = 155
    DHCP_STATE = 156
    DATA_SOURCE = 157
    END = 255


class MessageType(IntEnum):
    """DHCP message type (option 53); unknown values become UNKNOWN_<n> members."""

    DISCOVER = 1
    OFFER = 2
    REQUEST = 3
    DECLINE = 4
    ACK = 5
    NAK = 6
    RELEASE = 7
    INFORM = 8
    FORCERENEW = 9  # RFC 3203
    LEASEQUERY = 10  # RFC 4388
    LEASEUNASSIGNED = 11  # RFC 4388
    LEASEUNKNOWN = 12  # RFC 4388
    LEASEACTIVE = 13  # RFC 4388
    BULKLEASEQUERY = 14  # RFC 6926
    LEASEQUERYDONE = 15  # RFC 6926
    ACTIVELEASEQUERY = 16  # RFC 7724
    LEASEQUERYSTATUS = 17  # RFC 7724
    TLS = 18  # RFC 7724

    @classmethod
    def _missing_(cls, value: object) -> MessageType | None:
        # Peers send anything; an unknown type must still be a value the
        # engine can log and drop, not a ValueError (dnspython's habit).
        if isinstance(value, int) and 0 <= value <= 255:
            member = int.__new__(cls, value)
            member._name_ = f"UNKNOWN_{value}"
            member._value_ = value
            return member
        return None


# Indexed by the octet of option 53: no enum call on the hot path.
MESSAGE_TYPES = tuple(MessageType(i) for i in range(256))


class RaiSubOption(IntEnum):
    """Relay agent information (82) sub-option codes (IANA registry)."""

    CIRCUIT_ID = 1  # RFC 3046
    REMOTE_ID = 2  # RFC 3046
    DOCSIS_DEVICE_CLASS = 4  # RFC 3256
    LINK_SELECTION = 5  # RFC 3527
    SUBSCRIBER_ID = 6  # RFC 3993
    RADIUS_ATTRIBUTES = 7  # RFC 4014
    AUTHENTICATION = 8  # RFC 4030
    VENDOR_SPECIFIC = 9  # RFC 4243
    RELAY_AGENT_FLAGS = 10  # RFC 5010
    SERVER_ID_OVERRIDE = 11  # RFC 5107
    RELAY_ID = 12  # RFC 6925
    ACCESS_TECHNOLOGY_TYPE = 13  # RFC 7839
    ACCESS_NETWORK_NAME = 14  # RFC 7839
    ACCESS_POINT_NAME = 15  # RFC 7839
    ACCESS_POINT_BSSID = 16  # RFC 7839
    OPERATOR_ID = 17  # RFC 7839
    OPERATOR_REALM = 18  # RFC 7839
    RELAY_SOURCE_PORT = 19  # RFC 8357
    VIRTUAL_SUBNET_SELECTION = 151  # RFC 6607
    VIRTUAL_SUBNET_SELECTION_CONTROL = 152  # RFC 6607


# --- code/length/value sequences -------------------------------------------------

def parse_suboptions(data: bytes, what: str = "sub-option", *,
                     pad_end: bool = False) -> SubOptions:
    """Split a code/length/value sequence into ``(code, payload)`` pairs in order.

    Relay agent sub-options have no pad or end (RFC 3046 section 2.0); the
    vendor-encapsulated area of option 43 uses the syntax of the options
    field itself (RFC 2132 section 8.4), so ``pad_end`` skips code 0 and stops
    at code 255 there.
    """
    out: SubOptions = []
    pos, end = 0, len(data)
    while pos < end:
        code = data[pos]
        if pad_end:
            if code == 0:
                pos += 1
                continue
            if code == 255:
                break
        if pos + 1 >= end:
            raise MalformedPacket(f"truncated {what} {code}: no length octet")
        nxt = pos + 2 + data[pos + 1]
        if nxt > end:
            raise MalformedPacket(
                f"{what} {code} length {data[pos + 1]} runs past the end "
                f"({end - pos - 2} octets left)")
        out.append((code, bytes(data[pos + 2:nxt])))
        pos = nxt
    return out


def build_suboptions(items: Iterable[tuple[int, bytes]], what: str = "sub-option") -> bytes:
    """Encode ``(code, payload)`` pairs as one code/length/value sequence."""
    buf = bytearray()
    for code, value in items:
        if not 0 <= code <= 255:
            raise OptionDataError(f"{what} code {code} is not in 0..255")
        if len(value) > 255:
            raise OptionDataError(f"{what} {code} is {len(value)} octets, at most 255 fit")
        buf.append(code)
        buf.append(len(value))
        buf += value
    return bytes(buf)


def parse_rai(data: bytes) -> SubOptions:
    """Sub-options of a relay agent information option (82), RFC 3046 section 2.0."""
    return parse_suboptions(data, "relay agent sub-option")


def build_rai(items: Iterable[tuple[int, bytes]]) -> bytes:
    return build_suboptions(items, "relay agent sub-option")


def rai_get(items: SubOptions, code: int) -> bytes | None:
    """First sub-option ``code`` of a parsed option 82, or None."""
    for c, v in items:
        if c == code:
            return v
    return None


def parse_vendor_encapsulated(data: bytes) -> SubOptions:
    """Sub-options of option 43 (RFC 2132 section 8.4): options-field syntax."""
    return parse_suboptions(data, "vendor-encapsulated sub-option", pad_end=True)


# --- RFC 3925 vendor-identifying options ------------------------------------------

def _vendor_blocks(data: bytes, what: str) -> list[tuple[int, bytes]]:
    """Split 124/125 payloads into (enterprise-number, data) blocks.

    Both options are a sequence of enterprise-number (4 octets), data-len
    (1 octet) and that many octets of data (RFC 3925 sections 3 and 4).
    """
    out: list[tuple[int, bytes]] = []
    pos, end = 0, len(data)
    while pos < end:
        if pos + 5 > end:
            raise MalformedPacket(f"truncated {what}: {end - pos} octets left, "
                                  "enterprise number and data-len need 5")
        (enterprise,) = _U32.unpack_from(data, pos)
        nxt = pos + 5 + data[pos + 4]
        if nxt > end:
            raise MalformedPacket(f"{what} data-len {data[pos + 4]} for enterprise "
                                  f"{enterprise} runs past the end")
        out.append((enterprise, bytes(data[pos + 5:nxt])))
        pos = nxt
    return out


def parse_vivco(data: bytes) -> list[tuple[int, list[bytes]]]:
    """V-I vendor class (124): enterprise numbers with their vendor-class-data items.

    Each item is one length octet and that many octets (RFC 3925 section 3).
    """
    out: list[tuple[int, list[bytes]]] = []
    for enterprise, block in _vendor_blocks(data, "V-I vendor class (124)"):
        items: list[bytes] = []
        pos, end = 0, len(block)
        while pos < end:
            nxt = pos + 1 + block[pos]
            if nxt > end:
                raise MalformedPacket(
                    f"V-I vendor class (124) item of {block[pos]} octets runs past "
                    f"the data of enterprise {enterprise}")
            items.append(block[pos + 1:nxt])
            pos = nxt
        out.append((enterprise, items))
    return out


def build_vivco(entries: Iterable[tuple[int, Iterable[bytes]]]) -> bytes:
    buf = bytearray()
    for enterprise, items in entries:
        data = bytearray()
        for item in items:
            if len(item) > 255:
                raise OptionDataError(f"vendor class item of {len(item)} octets (max 255)")
            data.append(len(item))
            data += item
        _put_vendor_block(buf, enterprise, bytes(data))
    return bytes(buf)


def parse_vivso(data: bytes) -> list[tuple[int, SubOptions]]:
    """V-I vendor-specific information (125): enterprise numbers with sub-options.

    The data of each enterprise is a code/length/value sequence (RFC 3925
    section 4).
    """
    return [(enterprise, parse_suboptions(block, f"vendor {enterprise} sub-option"))
            for enterprise, block in _vendor_blocks(data, "V-I vendor-specific (125)")]


def build_vivso(entries: Iterable[tuple[int, Iterable[tuple[int, bytes]]]]) -> bytes:
    buf = bytearray()
    for enterprise, subs in entries:
        _put_vendor_block(buf, enterprise, build_suboptions(subs, f"vendor {enterprise} "
                                                                  "sub-option"))
    return bytes(buf)


def _put_vendor_block(buf: bytearray, enterprise: int, data: bytes) -> None:
    if not 0 <= enterprise <= 0xFFFFFFFF:
        raise OptionDataError(f"enterprise number {enterprise} is not a 32-bit value")
    if len(data) > 255:
        raise OptionDataError(
            f"data of enterprise {enterprise} is {len(data)} octets, data-len allows 255")
    buf += _U32.pack(enterprise)
    buf.append(len(data))
    buf += data


# --- client identifier and hardware address ------------------------------------

def split_client_id(cid: bytes) -> tuple[int, bytes]:
    """``(type, identifier)`` of a client identifier (61).

    RFC 2132 section 9.14 sets the minimum length to 2: a type octet and at
    least one octet of identifier.
    """
    if len(cid) < 2:
        raise MalformedPacket(f"client identifier of {len(cid)} octets, at least 2 needed")
    return cid[0], cid[1:]


def client_id_duid(cid: bytes) -> tuple[int, bytes] | None:
    """``(iaid, duid)`` of an RFC 4361 node-specific client identifier, else None.

    Type 255 means an IAID (4 octets) then a DUID (RFC 4361 section 6.1).
    """
    if not cid or cid[0] != 255:
        return None
    if len(cid) < 7:
        raise MalformedPacket(f"RFC 4361 client identifier of {len(cid)} octets: "
                              "needs type, 4-octet IAID and a DUID")
    (iaid,) = _U32.unpack_from(cid, 1)
    return iaid, cid[5:]


def client_id_from_hwaddr(htype: int, hwaddr: bytes) -> bytes:
    """The client identifier most clients derive from their hardware address.

    RFC 2132 section 9.14: type is the ARP hardware type, then the address.
    """
    return bytes((htype,)) + hwaddr


def hwaddr_text(hw: bytes) -> str:
    """Colon separated lowercase hex, as Kea prints and configures addresses."""
    return hw.hex(":")


def parse_hwaddr_text(text: str) -> bytes:
    """Inverse of :func:`hwaddr_text`; also accepts '-' separators like Kea."""
    cleaned = text.replace("-", ":")
    try:
        return bytes(int(part, 16) for part in cleaned.split(":")) if cleaned else b""
    except ValueError as exc:
        raise OptionDataError(f"'{text}' is not a hardware address") from exc


# --- small encoders for building replies ------------------------------------------

def u8(v: int) -> bytes:
    return bytes((v,))


def u16(v: int) -> bytes:
    return _U16.pack(v)


def u32(v: int) -> bytes:
    return _U32.pack(v)
