"""Where a DHCPv4 reply goes: the send target the engine hands to the transport.

The engine decides the destination by RFC 2131 section 4.1 (relay, ciaddr,
broadcast bit, yiaddr) and expresses it as a :class:`SendTarget`; the
transport only executes it. This module is plain data with no socket code,
so the sans-I/O engine may import it (the package ``__init__`` is empty on
purpose).

Four kinds cover every case Kea's ``Dhcpv4Srv::adjustIfaceData`` produces:

``UNICAST``
    IP unicast through the kernel (ARP, routing) out of the interface the
    query came in on: replies to a relay's giaddr (port 67) or to a
    client's ciaddr (port 68).
``ROUTED``
    IP unicast whose outgoing interface the routing table chooses:
    ``outbound-interface`` ``use-routing`` for relayed traffic, which Kea
    honours only with ``dhcp-socket-type`` ``udp``; with raw sockets the
    transport treats it as ``UNICAST``.
``BROADCAST``
    255.255.255.255 out of one interface (client set the broadcast bit, a
    DHCPNAK, or no way to reach an unconfigured client otherwise), in a
    frame to ff:ff:ff:ff:ff:ff. Kea 3.x does the same; Kea 2.2 addressed
    such raw frames to the client's MAC, which a client that asked for
    broadcast may not accept.
``DIRECT``
    Layer-2 unicast to a client that has no IP address yet and did not
    ask for broadcast (RFC 2131 section 4.1: "the server unicasts ... to
    the client's hardware address and 'yiaddr' address"). Needs raw
    sockets; with ``udp`` sockets the transport broadcasts instead, as Kea
    does when direct responses are not supported.

``source`` empty (or the broadcast address the query arrived on) means "the
address of ``ifindex`` the server listens on", which is what Kea uses when
a query came in by broadcast.
"""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple

DHCP4_SERVER_PORT = 67
DHCP4_CLIENT_PORT = 68
BROADCAST_ADDRESS = "255.255.255.255"
BROADCAST_MAC = b"\xff" * 6


class TargetKind(IntEnum):
    UNICAST = 0
    ROUTED = 1
    BROADCAST = 2
    DIRECT = 3


class SendTarget(NamedTuple):
    """Destination of one reply; a tuple so that building one per reply is cheap."""

    kind: TargetKind
    ifindex: int   # interface the query arrived on: picks the socket and source address
    address: str   # IP destination
    port: int      # UDP destination port (the transport may override it with -P)
    source: str = ""  # IP source; "" = the server's address on ``ifindex``
    mac: bytes = b""  # DIRECT only: the client's hardware address (chaddr)


# One SendTarget per reply: tuple.__new__ skips the NamedTuple's Python-level
# __new__, and module constants skip the enum class attribute lookups.
_new = tuple.__new__
_UNICAST, _ROUTED = TargetKind.UNICAST, TargetKind.ROUTED


def unicast(address: str, port: int, ifindex: int, source: str = "") -> SendTarget:
    """IP unicast out of ``ifindex`` (relay on port 67, client ciaddr on port 68)."""
    return _new(SendTarget, (_UNICAST, ifindex, address, port, source, b""))


def routed(address: str, port: int, ifindex: int, source: str = "") -> SendTarget:
    """IP unicast leaving by whatever interface the routing table picks."""
    return _new(SendTarget, (_ROUTED, ifindex, address, port, source, b""))


def broadcast(ifindex: int, port: int = DHCP4_CLIENT_PORT, source: str = "") -> SendTarget:
    """255.255.255.255 out of ``ifindex``."""
    return SendTarget(TargetKind.BROADCAST, ifindex, BROADCAST_ADDRESS, port, source)


def direct(mac: bytes, address: str, ifindex: int, port: int = DHCP4_CLIENT_PORT,
           source: str = "") -> SendTarget:
    """Layer-2 unicast to ``mac`` with IP destination ``address`` (the yiaddr)."""
    return SendTarget(TargetKind.DIRECT, ifindex, address, port, source, mac)
