"""A minimal rtnetlink client: dump links and addresses of the current namespace.

Interface detection asks the kernel directly over ``NETLINK_ROUTE`` (as
Kea's Linux interface manager does) instead of shelling out to ``ip`` or
parsing ``/proc``: one request per table, answered with every link or
address in the caller's network namespace, including the hardware type,
the flags and the address flags (secondary, tentative) that ``ioctl``
based enumeration cannot see.

Only the two dumps detection needs are implemented; the message layout is
in rtnetlink(7) and netlink(7).
"""

from __future__ import annotations

import os
import socket
import struct
from collections.abc import Iterator
from dataclasses import dataclass

from nestor.errors import NestorError

# netlink(7) message types and flags.
_NLMSG_ERROR = 2
_NLMSG_DONE = 3
_NLM_F_REQUEST = 0x01
_NLM_F_DUMP = 0x300  # NLM_F_ROOT | NLM_F_MATCH
_NLM_F_DUMP_INTR = 0x10

# rtnetlink(7) message types.
RTM_NEWLINK = 16
RTM_GETLINK = 18
RTM_NEWADDR = 20
RTM_GETADDR = 22

# Link attributes (linux/if_link.h).
IFLA_ADDRESS = 1
IFLA_IFNAME = 3
IFLA_MTU = 4

# Address attributes (linux/if_addr.h).
IFA_ADDRESS = 1
IFA_LOCAL = 2
IFA_LABEL = 3
IFA_BROADCAST = 4
IFA_FLAGS = 8

_NLMSGHDR = struct.Struct("=IHHII")      # len, type, flags, seq, pid
_IFINFOMSG = struct.Struct("=BxHiII")    # family, type, index, flags, change
_IFADDRMSG = struct.Struct("=BBBBi")     # family, prefixlen, flags, scope, index
_RTATTR = struct.Struct("=HH")           # len, type
_U32 = struct.Struct("=I")
_ERRNO = struct.Struct("=i")

_RECV_SIZE = 1 << 16
# A dump of a host with thousands of interfaces still ends long before this;
# the bound only guarantees the read loop cannot spin forever.
_MAX_RECVS = 10_000


class NetlinkError(NestorError):
    """The kernel refused or garbled a netlink request."""


class DumpInterrupted(NetlinkError):
    """A table changed while it was dumped; asking again gives a consistent answer."""


@dataclass(frozen=True, slots=True)
class LinkRecord:
    """One ``RTM_NEWLINK`` answer: a network interface."""

    index: int
    name: str
    flags: int
    hwtype: int  # ARPHRD_* (1 = Ethernet, 772 = loopback)
    mac: bytes
    mtu: int


@dataclass(frozen=True, slots=True)
class AddrRecord:
    """One ``RTM_NEWADDR`` answer: an address assigned to interface ``index``."""

    family: int
    index: int
    prefixlen: int
    flags: int  # IFA_F_* (the 32-bit IFA_FLAGS attribute when present)
    scope: int
    address: bytes  # packed, 4 or 16 bytes
    label: str


def _align(n: int) -> int:
    return (n + 3) & ~3


def _attributes(data: bytes, offset: int, end: int) -> Iterator[tuple[int, bytes]]:
    """Yield ``(type, payload)`` of the rtattrs between ``offset`` and ``end``."""
    while offset + _RTATTR.size <= end:
        length, kind = _RTATTR.unpack_from(data, offset)
        if length < _RTATTR.size or offset + length > end:
            raise NetlinkError(f"malformed rtattr (length {length}) at offset {offset}")
        # Bit 15 (NLA_F_NESTED) and 14 (NLA_F_NET_BYTEORDER) are not part of the type.
        yield kind & 0x3FFF, data[offset + _RTATTR.size: offset + length]
        offset += _align(length)


def _cstring(raw: bytes) -> str:
    return raw.split(b"\0", 1)[0].decode("utf-8", "replace")


def _parse_link(data: bytes, offset: int, end: int) -> LinkRecord:
    _family, hwtype, index, flags, _change = _IFINFOMSG.unpack_from(data, offset)
    name, mac, mtu = "", b"", 0
    for kind, value in _attributes(data, offset + _IFINFOMSG.size, end):
        if kind == IFLA_IFNAME:
            name = _cstring(value)
        elif kind == IFLA_ADDRESS:
            mac = bytes(value)
        elif kind == IFLA_MTU and len(value) >= 4:
            (mtu,) = _U32.unpack_from(value)
    return LinkRecord(index, name, flags, hwtype, mac, mtu)


def _parse_addr(data: bytes, offset: int, end: int) -> AddrRecord:
    family, prefixlen, flags, scope, index = _IFADDRMSG.unpack_from(data, offset)
    attrs = dict(_attributes(data, offset + _IFADDRMSG.size, end))
    # For IPv4, IFA_LOCAL is our own address and IFA_ADDRESS the peer on a
    # point-to-point link; IPv6 only sends IFA_ADDRESS (rtnetlink(7)).
    address = attrs.get(IFA_LOCAL) or attrs.get(IFA_ADDRESS) or b""
    if IFA_FLAGS in attrs and len(attrs[IFA_FLAGS]) >= 4:
        (flags,) = _U32.unpack_from(attrs[IFA_FLAGS])
    label = _cstring(attrs[IFA_LABEL]) if IFA_LABEL in attrs else ""
    return AddrRecord(family, index, prefixlen, flags, scope, bytes(address), label)


def _dump(sock: socket.socket, msg_type: int, body: bytes, seq: int) -> Iterator[
        tuple[int, bytes, int, int]]:
    """Send one dump request; yield ``(type, buffer, offset, end)`` per answer."""
    header = _NLMSGHDR.pack(_NLMSGHDR.size + len(body), msg_type,
                            _NLM_F_REQUEST | _NLM_F_DUMP, seq, 0)
    sock.sendto(header + body, (0, 0))
    for _ in range(_MAX_RECVS):
        data = sock.recv(_RECV_SIZE)
        offset = 0
        while offset + _NLMSGHDR.size <= len(data):
            length, kind, flags, rseq, _pid = _NLMSGHDR.unpack_from(data, offset)
            if length < _NLMSGHDR.size or offset + length > len(data):
                raise NetlinkError(f"malformed netlink message (length {length})")
            if rseq == seq:
                if kind == _NLMSG_DONE:
                    if flags & _NLM_F_DUMP_INTR:
                        # The table changed while it was dumped; the answer may be
                        # inconsistent, so the caller must ask again.
                        raise DumpInterrupted("netlink dump interrupted by a change")
                    return
                if kind == _NLMSG_ERROR:
                    (err,) = _ERRNO.unpack_from(data, offset + _NLMSGHDR.size)
                    raise NetlinkError(f"netlink request refused: {os.strerror(-err)}")
                yield kind, data, offset + _NLMSGHDR.size, offset + length
            offset += _align(length)
    raise NetlinkError("netlink dump did not end")


def dump_links_and_addresses() -> tuple[list[LinkRecord], list[AddrRecord]]:
    """All links and addresses of the calling thread's network namespace."""
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE) as sock:
        sock.bind((0, 0))
        links = [_parse_link(data, start, end)
                 for kind, data, start, end in _dump(sock, RTM_GETLINK,
                                                     _IFINFOMSG.pack(0, 0, 0, 0, 0), 1)
                 if kind == RTM_NEWLINK]
        addrs = [_parse_addr(data, start, end)
                 for kind, data, start, end in _dump(sock, RTM_GETADDR,
                                                     _IFADDRMSG.pack(0, 0, 0, 0, 0), 2)
                 if kind == RTM_NEWADDR]
    return links, addrs
