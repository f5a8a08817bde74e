"""The DHCPv4 transport: listening sockets in, :class:`SendTarget` executed out.

:meth:`Transport4.open` opens what a :class:`ListenPlan` asks for; the
server's event loop registers each :attr:`Transport4.receivers` fd (e.g.
``loop.add_reader``) and calls :meth:`Receiver4.drain` when it is readable;
the engine's answer goes out with :meth:`Transport4.send`. Nothing here
blocks or uses asyncio, so a plain selector loop can drive it too.

Ports: ``server_port`` (``-p``) is where we listen; ``client_port``
(``-P``), when set, replaces the destination port of every reply, which is
what Kea does with it (``Dhcpv4Srv::adjustIfaceData``).

Replies built by hand (raw mode) leave from the ``-p`` port too: that is
what Kea 2.2 does (checked against the real server in
tests/integration/test_transport4.py), although some Kea versions'
sources set port 67 there.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType

from nestor.errors import NestorError
from nestor.transport.interfaces import Interface
from nestor.transport.packet_socket import FrameSender, PacketSocketError
from nestor.transport.route import (
    BROADCAST_ADDRESS,
    BROADCAST_MAC,
    DHCP4_SERVER_PORT,
    SendTarget,
    TargetKind,
)
from nestor.transport.selection import (
    ListenInterface,
    ListenPlan,
    SocketFailure,
    SocketType,
)
from nestor.transport.udp4 import (
    DEFAULT_RCVBUF,
    IP_PKTINFO,
    PKTINFO,
    Receiver4,
    open_udp4,
    raw_mode_accept,
)

_BROADCAST_PACKED = socket.inet_aton(BROADCAST_ADDRESS)
_ANY = "0.0.0.0"
# Bound on the remembered unicast routes (see Transport4.send): one per interface and
# source address in practice, since the source is one of ours or "".
_ROUTES_MAX = 1024

# A remembered way to send an IP unicast: the socket's bound sendmsg and its control
# data (IP_PKTINFO), or its bound sendto and None when no control data is wanted.
_Route = tuple[Callable[..., int], list[tuple[int, int, bytes]] | None]


class SendError(NestorError):
    """A reply could not be handed to the kernel (Kea: DHCP4_PACKET_SEND_FAIL)."""


@dataclass(frozen=True, slots=True)
class TransportSettings:
    socket_type: SocketType = SocketType.RAW
    server_port: int = DHCP4_SERVER_PORT   # -p
    client_port: int = 0                   # -P; 0 = the port each target names
    rcvbuf: int = DEFAULT_RCVBUF


class _Link:
    """Per-interface sending state: its socket, frame sender and selected addresses."""

    __slots__ = ("addresses", "frames", "ifindex", "name", "primary", "sock")

    def __init__(self, li: ListenInterface, sock: socket.socket,
                 frames: FrameSender | None) -> None:
        self.ifindex = li.iface.index
        self.name = li.iface.name
        self.addresses = frozenset(li.addresses)
        # Kea answers a broadcast query from the address its socket is bound to,
        # i.e. the first selected address of the interface.
        self.primary = li.addresses[0]
        self.sock = sock
        self.frames = frames


class Transport4:
    """Open DHCPv4 sockets of one configuration; close and reopen on reconfiguration."""

    def __init__(self, settings: TransportSettings | None = None) -> None:
        self.settings = settings or TransportSettings()
        self.raw = self.settings.socket_type == SocketType.RAW
        self.receivers: list[Receiver4] = []
        self.failures: list[SocketFailure] = []
        self._links: dict[int, _Link] = {}
        self._by_address: dict[str, socket.socket] = {}
        self._links_by_address: dict[str, _Link] = {}
        self._pending: list[ListenInterface] = []
        self._names: dict[int, str] = {}
        self._pktinfo: dict[tuple[int, str], list[tuple[int, int, bytes]]] = {}
        # (kind, ifindex, source) -> how to send such an IP unicast; see send().
        self._routes: dict[tuple[int, int, str], _Route] = {}
        self._client_port = self.settings.client_port
        senders: Mapping[TargetKind, Callable[[bytes, SendTarget, int], None]] = {
            TargetKind.UNICAST: self._send_unicast,
            TargetKind.ROUTED: self._send_unicast if self.raw else self._send_routed,
            TargetKind.BROADCAST: self._send_broadcast,
            TargetKind.DIRECT: self._send_direct if self.raw else self._send_broadcast,
        }
        # Indexed by the kind's value: hashing an IntEnum key runs Python code.
        self._senders = tuple(senders[kind] for kind in sorted(TargetKind))

    # -- opening -----------------------------------------------------------

    @classmethod
    def open(cls, plan: ListenPlan, settings: TransportSettings | None = None,
             interfaces: Mapping[str, Interface] | None = None) -> Transport4:
        """Open every socket of ``plan``; problems end up in :attr:`failures`."""
        transport = cls(settings)
        for iface in (interfaces or {}).values():
            transport._names[iface.index] = iface.name
        transport.failures = list(plan.failures)
        transport._pending = list(plan.interfaces)
        transport.retry()
        return transport

    def retry(self) -> list[SocketFailure]:
        """Try the interfaces whose sockets failed to open again; return what still fails.

        Failures that opening cannot cure (interface down, no address) stay
        in :attr:`failures` until the next reconfiguration re-plans. Like
        every socket, the new ones belong to the calling thread's network
        namespace.
        """
        pending, self._pending = self._pending, []
        self._routes.clear()  # a new link may now own an ifindex or address
        self.failures = [f for f in self.failures if f.ifname not in
                         {li.iface.name for li in pending}]
        for li in pending:
            self._names[li.iface.index] = li.iface.name
            failure = self._open_interface(li)
            if failure is not None:
                self.failures.append(failure)
                self._pending.append(li)
        return list(self.failures)

    def _open_interface(self, li: ListenInterface) -> SocketFailure | None:
        opener = self._open_raw if self.raw else self._open_udp
        try:
            opener(li)
        except OSError as exc:
            detail = exc.strerror or str(exc)
        except PacketSocketError as exc:
            detail = str(exc)
        else:
            return None
        return SocketFailure(li.iface.name, f"failed to open socket on interface "
                                            f"{li.iface.name}, reason: {detail}")

    def _open_raw(self, li: ListenInterface) -> None:
        port = self.settings.server_port
        sock = self._bind(li.iface.name, _ANY, port, bind_device=True)
        try:
            frames = FrameSender(li.iface) if li.iface.ethernet else None
        except PacketSocketError:
            sock.close()
            raise
        self._add_link(_Link(li, sock, frames))
        self.receivers.append(Receiver4(sock, li.iface.index, li.iface.name,
                                        raw_mode_accept(li.addresses), self._names))

    def _open_udp(self, li: ListenInterface) -> None:
        opened: list[socket.socket] = []
        try:
            for address in li.addresses:
                opened.append(self._bind(li.iface.name, address, self.settings.server_port,
                                         bind_device=False))
        except OSError:
            for sock in opened:
                sock.close()
            raise
        for address, sock in zip(li.addresses, opened, strict=True):
            self._by_address[address] = sock
            self.receivers.append(Receiver4(sock, li.iface.index, li.iface.name, None,
                                            self._names))
        self._add_link(_Link(li, opened[0], None))

    def _add_link(self, link: _Link) -> None:
        self._links[link.ifindex] = link
        for address in link.addresses:
            self._links_by_address[address] = link

    def _bind(self, ifname: str, address: str, port: int, bind_device: bool) -> socket.socket:
        try:
            return open_udp4(ifname, address, port, bind_device, self.settings.rcvbuf)
        except OSError as exc:
            raise OSError(exc.errno, f"failed to bind socket to {address}/port={port}: "
                                     f"{exc.strerror}") from exc

    # -- state ---------------------------------------------------------------

    @property
    def fds(self) -> list[int]:
        return [r.fd for r in self.receivers]

    @property
    def direct_response_supported(self) -> bool:
        """Kea's isDirectResponseSupported(): replies can reach address-less clients."""
        return self.raw

    def interface_address(self, ifindex: int) -> str | None:
        """The address replies leave from on ``ifindex`` when the query was broadcast."""
        link = self._links.get(ifindex)
        return link.primary if link else None

    def close(self) -> None:
        for receiver in self.receivers:
            receiver.close()
        for link in self._links.values():
            if link.frames is not None:
                link.frames.close()
        self.receivers.clear()
        self._links.clear()
        self._by_address.clear()
        self._links_by_address.clear()
        self._pktinfo.clear()
        self._routes.clear()

    def __enter__(self) -> Transport4:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- sending -------------------------------------------------------------

    def send(self, payload: bytes, target: SendTarget) -> None:
        """Send one reply as ``target`` says; SendError if the kernel refuses it.

        Nearly every reply is an IP unicast (to a relay, or to a renewing client)
        from one of a handful of (interface, source) pairs, so the socket and
        control data for each pair are worked out once and remembered: the
        per-reply work is then one dict lookup and the system call.
        """
        kind, ifindex, address, port, source, _mac = target
        port = self._client_port or port
        try:
            route = self._routes.get((kind, ifindex, source))
            if route is None:
                self._senders[kind](payload, target, port)
            elif route[1] is None:
                route[0](payload, (address, port))
            else:
                route[0]([payload], route[1], 0, (address, port))
        except OSError as exc:
            raise SendError(f"pkt4 send failed to {target.address}:{port} via interface "
                            f"index {target.ifindex}: {exc.strerror or exc}") from exc
        except KeyError as exc:  # _link: no socket for the interface nor the source
            raise SendError(f"no socket open on interface index {target.ifindex}") from exc

    def _link(self, target: SendTarget) -> _Link:
        link = self._links.get(target.ifindex)
        if link is None:
            # udp mode, weak host model: a unicast to one of our addresses can
            # arrive on an interface we do not listen on; answer from the
            # interface that owns the address. Unknown both ways: KeyError.
            link = self._links_by_address[target.source]
        return link

    def _source(self, link: _Link, source: str) -> str:
        if source and source in link.addresses:
            return source
        return link.primary

    def _ancillary(self, ifindex: int, source: str) -> list[tuple[int, int, bytes]]:
        """IP_PKTINFO control data pinning the egress interface and source address."""
        key = (ifindex, source)
        anc = self._pktinfo.get(key)
        if anc is None:
            info = PKTINFO.pack(ifindex, socket.inet_aton(source), b"\0\0\0\0")
            anc = self._pktinfo[key] = [(socket.IPPROTO_IP, IP_PKTINFO, info)]
        return anc

    def _socket_for(self, link: _Link, source: str) -> socket.socket:
        # raw mode: the interface's one socket; udp mode: the one bound to ``source``.
        return link.sock if self.raw else self._by_address.get(source, link.sock)

    def _send_unicast(self, payload: bytes, target: SendTarget, port: int) -> None:
        link = self._link(target)
        source = self._source(link, target.source)
        sendmsg = self._socket_for(link, source).sendmsg
        anc = self._ancillary(link.ifindex, source)
        sendmsg([payload], anc, 0, (target.address, port))
        self._remember(target, (sendmsg, anc))

    def _send_routed(self, payload: bytes, target: SendTarget, port: int) -> None:
        # No IP_PKTINFO: the socket's bound address is the source and the routing
        # table picks the way out (outbound-interface use-routing).
        link = self._link(target)
        source = self._source(link, target.source)
        sendto = self._socket_for(link, source).sendto
        sendto(payload, (target.address, port))
        self._remember(target, (sendto, None))

    def _remember(self, target: SendTarget, route: _Route) -> None:
        """Keep how this unicast went out for the next one with the same kind,
        interface and source: the choice depends on nothing else."""
        if len(self._routes) >= _ROUTES_MAX:
            self._routes.clear()
        self._routes[(target.kind, target.ifindex, target.source)] = route

    def _send_broadcast(self, payload: bytes, target: SendTarget, port: int) -> None:
        link = self._link(target)
        source = self._source(link, target.source)
        if link.frames is not None:
            link.frames.send_udp(BROADCAST_MAC, socket.inet_aton(source), _BROADCAST_PACKED,
                                 self.settings.server_port, port, payload)
            return
        self._socket_for(link, source).sendmsg(
            [payload], self._ancillary(link.ifindex, source), 0, (BROADCAST_ADDRESS, port))

    def _send_direct(self, payload: bytes, target: SendTarget, port: int) -> None:
        link = self._link(target)
        if link.frames is None or len(target.mac) != 6:
            # Not Ethernet (or not an Ethernet chaddr): no way to address the
            # client's hardware, so fall back to broadcast as Kea's UDP path does.
            self._send_broadcast(payload, target, port)
            return
        source = self._source(link, target.source)
        link.frames.send_udp(target.mac, socket.inet_aton(source),
                             socket.inet_aton(target.address), self.settings.server_port, port,
                             payload)
