"""DHCPv4 UDP sockets: opening them and draining received datagrams.

Receiving always goes through the kernel's UDP stack, in both of Kea's
``dhcp-socket-type`` modes; the kernel reassembles, checks checksums and
strips headers faster than Python could from a packet socket, and
``IP_PKTINFO`` tells for every datagram the interface it arrived on and the
destination address in its IP header.

``raw`` mode
    One socket per interface, bound to ``0.0.0.0:port`` and to the device
    (``SO_BINDTODEVICE``), so it sees broadcasts from clients that have no
    address (source 0.0.0.0:68) on that interface only. Like Kea's packet
    filter, it accepts datagrams sent to 255.255.255.255 or to one of the
    addresses selected on that interface and drops the rest. One socket
    per interface (Kea opens one per address) also means a broadcast is
    received once, not once per address.
``udp`` mode
    One socket per selected address, bound to ``address:port``, as Kea
    does: only unicast (relayed) traffic arrives, broadcasts do not (Kea
    ARM: "UDP sockets can be used for relayed traffic only").

``SO_REUSEADDR`` is deliberately not set: device-bound sockets on different
interfaces do not conflict anyway, and without it a second server already
bound to the port makes ``bind`` fail, which is how an unavailable port is
detected for ``service-sockets-require-all``.
"""

from __future__ import annotations

import socket
import struct
from typing import NamedTuple

from nestor.transport.route import BROADCAST_ADDRESS

# Not exported by Python's socket module on every version (linux/in.h).
IP_PKTINFO: int = getattr(socket, "IP_PKTINFO", 8)
SO_BINDTODEVICE: int = getattr(socket, "SO_BINDTODEVICE", 25)

# struct in_pktinfo { int ipi_ifindex; in_addr ipi_spec_dst; in_addr ipi_addr; }
PKTINFO = struct.Struct("=i4s4s")
_ANC_SPACE = socket.CMSG_SPACE(PKTINFO.size)
# The largest UDP payload; a DHCP message may exceed 576 bytes (option 57),
# and asking for more than arrived costs nothing measurable.
RECV_SIZE = 65535
DEFAULT_RCVBUF = 4 << 20
DEFAULT_BATCH = 64


class Datagram4(NamedTuple):
    """One received DHCPv4 datagram and where it came from and went to."""

    data: bytes
    src: str        # source IP address (0.0.0.0 from an unconfigured client)
    sport: int      # source UDP port (68 from a client, 67 from a relay)
    dst: str        # destination IP address in the header (255.255.255.255 if broadcast)
    ifindex: int    # interface it arrived on
    ifname: str


# tuple.__new__ skips the NamedTuple's Python-level __new__ on the receive path.
_new_datagram = tuple.__new__
_unpack_pktinfo = PKTINFO.unpack
# A plain int: socket.MSG_TRUNC is an IntFlag, and ``int & IntFlag`` builds a
# flag object in Python code (1-2 µs, measured) on every datagram.
_MSG_TRUNC = int(socket.MSG_TRUNC)
# Destination address text by its four octets. Only our own addresses and the
# broadcast address ever arrive here, but the size is bounded all the same.
_ADDRESS_TEXT: dict[bytes, str] = {}
_ADDRESS_TEXT_MAX = 1024


def _remember(raw: bytes) -> str:
    if len(_ADDRESS_TEXT) >= _ADDRESS_TEXT_MAX:
        _ADDRESS_TEXT.clear()
    text = _ADDRESS_TEXT[raw] = socket.inet_ntoa(raw)
    return text


def open_udp4(ifname: str, address: str, port: int, bind_device: bool,
              rcvbuf: int = DEFAULT_RCVBUF) -> socket.socket:
    """A non-blocking UDP socket with IP_PKTINFO and SO_BROADCAST; OSError on failure.

    With ``bind_device`` the socket is tied to ``ifname`` before ``bind``
    (the kernel checks port conflicts per device only if it is set first).
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        if bind_device:
            sock.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, ifname.encode() + b"\0")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        sock.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
        # Best effort: the kernel caps it at net.core.rmem_max. A deeper queue
        # absorbs bursts (many clients booting at once) instead of dropping.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        sock.bind((address, port))
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


class Receiver4:
    """One listening socket; :meth:`drain` empties its queue in batches.

    ``accept`` is the set of destination addresses to keep (None: keep all,
    the kernel already filtered by the bound address). Counters record what
    was thrown away, for statistics.
    """

    __slots__ = ("accept", "fd", "filtered", "ifindex", "ifname", "names", "recv_errors",
                 "sock", "truncated")

    def __init__(self, sock: socket.socket, ifindex: int, ifname: str,
                 accept: frozenset[str] | None, names: dict[int, str]) -> None:
        self.sock = sock
        self.fd = sock.fileno()
        self.ifindex = ifindex
        self.ifname = ifname
        self.accept = accept
        self.names = names
        self.filtered = 0
        self.truncated = 0
        self.recv_errors = 0

    def drain(self, max_batch: int = DEFAULT_BATCH) -> list[Datagram4]:
        """Up to ``max_batch`` datagrams, fewer if the queue empties first; never blocks."""
        out: list[Datagram4] = []
        append = out.append
        recvmsg = self.sock.recvmsg
        accept, own_index, own_name = self.accept, self.ifindex, self.ifname
        texts = _ADDRESS_TEXT
        make = _new_datagram
        for _ in range(max_batch):
            try:
                data, anc, flags, src = recvmsg(RECV_SIZE, _ANC_SPACE)
            except BlockingIOError:
                break
            except OSError:
                # A pending error on the socket (e.g. from an earlier send) is
                # reported once by recvmsg; count it and keep draining.
                self.recv_errors += 1
                continue
            if flags & _MSG_TRUNC:
                self.truncated += 1
                continue
            if anc:
                ifindex, _spec_dst, raw_dst = _unpack_pktinfo(anc[0][2])
                # A handful of destinations (ours, broadcast): keep their text.
                dst = texts.get(raw_dst)
                if dst is None:
                    dst = _remember(raw_dst)
            else:  # pragma: no cover - IP_PKTINFO is always delivered on Linux
                ifindex, dst = own_index, ""
            if accept is not None and dst not in accept:
                self.filtered += 1
                continue
            name = own_name if ifindex == own_index else self.names.get(ifindex, "")
            append(make(Datagram4, (data, src[0], src[1], dst, ifindex, name)))
        return out

    def close(self) -> None:
        self.sock.close()


def raw_mode_accept(addresses: tuple[str, ...]) -> frozenset[str]:
    """Destinations a device-bound socket keeps: broadcast and the selected addresses."""
    return frozenset((BROADCAST_ADDRESS, *addresses))
