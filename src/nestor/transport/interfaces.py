"""The network interfaces of this host (of the current network namespace).

:func:`detect_interfaces` takes one snapshot through rtnetlink; it is called
at start-up and again on every reconfiguration when ``re-detect`` is true
(Kea's default), never on the packet path. The snapshot is plain frozen data,
so the selection logic in :mod:`nestor.transport.selection` can be tested
with made-up interfaces.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

from nestor.transport.netlink import (
    AddrRecord,
    DumpInterrupted,
    LinkRecord,
    dump_links_and_addresses,
)

# Interface flags (linux/if.h).
IFF_UP = 0x1
IFF_BROADCAST = 0x2
IFF_LOOPBACK = 0x8
IFF_POINTOPOINT = 0x10
IFF_RUNNING = 0x40
IFF_MULTICAST = 0x1000

# Hardware types (linux/if_arp.h): only Ethernet framing is built by hand.
ARPHRD_ETHER = 1
ARPHRD_LOOPBACK = 772

# Address flags (linux/if_addr.h).
IFA_F_SECONDARY = 0x01
IFA_F_DADFAILED = 0x08
IFA_F_DEPRECATED = 0x20
IFA_F_TENTATIVE = 0x40

ETHER_ADDR_LEN = 6
# A dump is only interrupted by a concurrent change; three tries is plenty.
_DETECT_TRIES = 3


@dataclass(frozen=True, slots=True)
class IfAddr4:
    """An IPv4 address assigned to an interface."""

    address: str
    prefixlen: int
    secondary: bool = False
    label: str = ""


@dataclass(frozen=True, slots=True)
class IfAddr6:
    """An IPv6 address assigned to an interface."""

    address: str
    prefixlen: int
    flags: int = 0

    @property
    def link_local(self) -> bool:
        # fe80::/10 (RFC 4291 section 2.5.6).
        return self.address.lower().startswith(("fe8", "fe9", "fea", "feb"))

    @property
    def usable(self) -> bool:
        """Not tentative and DAD did not fail, so it can be bound and sent from."""
        return not self.flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)


@dataclass(frozen=True, slots=True)
class Interface:
    """One network interface with its addresses, as the kernel reported it."""

    index: int
    name: str
    flags: int
    hwtype: int = ARPHRD_ETHER
    mac: bytes = b""
    mtu: int = 1500
    ipv4: tuple[IfAddr4, ...] = field(default=())
    ipv6: tuple[IfAddr6, ...] = field(default=())

    @property
    def up(self) -> bool:
        return bool(self.flags & IFF_UP)

    @property
    def running(self) -> bool:
        return bool(self.flags & IFF_RUNNING)

    @property
    def loopback(self) -> bool:
        return bool(self.flags & IFF_LOOPBACK)

    @property
    def broadcast(self) -> bool:
        return bool(self.flags & IFF_BROADCAST)

    @property
    def ethernet(self) -> bool:
        """Frames for this interface can be built with a 14-byte Ethernet header."""
        return self.hwtype == ARPHRD_ETHER and len(self.mac) == ETHER_ADDR_LEN

    @property
    def mac_text(self) -> str:
        return ":".join(f"{b:02x}" for b in self.mac)

    @property
    def ipv4_addresses(self) -> tuple[str, ...]:
        return tuple(a.address for a in self.ipv4)

    def has_address(self, address: str) -> bool:
        return any(a.address == address for a in self.ipv4) or any(
            a.address == address for a in self.ipv6)


def interfaces_from_records(links: list[LinkRecord],
                            addrs: list[AddrRecord]) -> dict[str, Interface]:
    """Join link and address records into interfaces, keyed by name in index order."""
    v4: dict[int, list[IfAddr4]] = {}
    v6: dict[int, list[IfAddr6]] = {}
    for rec in addrs:
        if rec.family == socket.AF_INET and len(rec.address) == 4:
            v4.setdefault(rec.index, []).append(IfAddr4(
                socket.inet_ntop(socket.AF_INET, rec.address), rec.prefixlen,
                bool(rec.flags & IFA_F_SECONDARY), rec.label))
        elif rec.family == socket.AF_INET6 and len(rec.address) == 16:
            v6.setdefault(rec.index, []).append(IfAddr6(
                socket.inet_ntop(socket.AF_INET6, rec.address), rec.prefixlen, rec.flags))
    result: dict[str, Interface] = {}
    for link in sorted(links, key=lambda rec: rec.index):
        result[link.name] = Interface(
            link.index, link.name, link.flags, link.hwtype, link.mac, link.mtu,
            tuple(v4.get(link.index, ())), tuple(v6.get(link.index, ())))
    return result


def detect_interfaces() -> dict[str, Interface]:
    """Snapshot of the interfaces of the calling thread's network namespace."""
    for attempt in range(_DETECT_TRIES):
        try:
            links, addrs = dump_links_and_addresses()
        except DumpInterrupted:
            if attempt == _DETECT_TRIES - 1:
                raise
            continue
        return interfaces_from_records(links, addrs)
    raise AssertionError("unreachable")  # pragma: no cover


def interfaces_for_reconfiguration(re_detect: bool,
                                   previous: dict[str, Interface] | None) -> dict[str, Interface]:
    """The interface list a new configuration is checked and opened against.

    ``interfaces-config.re-detect`` (true unless configured otherwise, Kea
    ARM "Interface Configuration") re-reads the interfaces on every
    reconfiguration, so interfaces and addresses added since start-up can be
    used; when false the previously detected list is kept.
    """
    if re_detect or previous is None:
        return detect_interfaces()
    return previous
