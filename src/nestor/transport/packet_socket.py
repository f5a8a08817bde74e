"""Sending hand-built Ethernet frames on one interface (Linux ``AF_PACKET``).

Used in ``raw`` mode for replies to clients that have no address yet (and,
like Kea, for broadcasts to directly connected clients), so that the
reply reaches the client's hardware address without ARP.

The socket is opened with protocol 0 and bound to the interface with
protocol 0: the kernel then delivers no incoming frames to it at all, so
it costs nothing on the receive side (packet(7): "protocol 0 ... no packets
are received"); it only sends. Frames include our own Ethernet header
(``SOCK_RAW``) so that ``send`` needs no address argument, which would make
Python look the interface name up again with an ioctl on every packet.
"""

from __future__ import annotations

import socket

from nestor.errors import NestorError
from nestor.transport.interfaces import Interface
from nestor.transport.rawframe import ethernet_frame

ETH_P_IP = 0x0800


class PacketSocketError(NestorError):
    """A packet socket could not be opened on an interface."""


class FrameSender:
    """Sends IPv4/UDP packets in Ethernet frames out of one interface."""

    __slots__ = ("_send", "ifindex", "ifname", "mac", "sock")

    def __init__(self, iface: Interface) -> None:
        if not iface.ethernet:
            raise PacketSocketError(f"interface {iface.name} is not an Ethernet interface "
                                    f"(hardware type {iface.hwtype})")
        try:
            sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
        except OSError as exc:
            raise PacketSocketError(f"failed to open packet socket on interface "
                                    f"{iface.name}: {exc.strerror}") from exc
        try:
            sock.bind((iface.name, 0))
        except OSError as exc:
            sock.close()
            raise PacketSocketError(f"failed to bind packet socket to interface "
                                    f"{iface.name}: {exc.strerror}") from exc
        self.sock = sock
        self.ifindex = iface.index
        self.ifname = iface.name
        self.mac = iface.mac
        self._send = sock.send

    def send_udp(self, dst_mac: bytes, src_ip: bytes, dst_ip: bytes, src_port: int,
                 dst_port: int, payload: bytes) -> None:
        """Frame ``payload`` in UDP/IPv4/Ethernet and send it; OSError on failure."""
        self._send(ethernet_frame(dst_mac, self.mac, src_ip, dst_ip, src_port, dst_port,
                                  payload))

    def close(self) -> None:
        self.sock.close()
