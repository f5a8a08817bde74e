"""The DHCPv4 transport on real sockets, between two network namespaces.

Topology (all addresses inside the namespaces only)::

    srv                                  cli
    nst-a0 192.0.2.1/25, 192.0.2.2/25 -- nst-b0 (no IPv4: an unconfigured client)
    nst-a1 192.0.2.129/25  ------------ nst-b1 192.0.2.130/25 (a relay agent)

The test process enters a namespace only to create sockets (``setns`` on
its own thread); sockets keep their namespace, so everything after that
runs from the host side. Client traffic is built with scapy and captured
with packet sockets, so no part of the transport under test checks itself.
"""

from __future__ import annotations

import json
import select
import socket
import struct
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from scapy.layers.dhcp import BOOTP, DHCP
from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from tests.netns import Lab, Link, Namespace, inside, skip_unless_netns, wait_until

from nestor.errors import ConfigError
from nestor.transport.interfaces import (
    Interface,
    detect_interfaces,
    interfaces_for_reconfiguration,
)
from nestor.transport.retry import RetryPolicy, SocketsUnavailable, open_with_retries
from nestor.transport.route import broadcast, direct, routed, unicast
from nestor.transport.selection import SocketType, plan_listen4, select_interfaces
from nestor.transport.transport4 import Transport4, TransportSettings
from nestor.transport.udp4 import Datagram4

pytestmark = pytest.mark.netns

ETH_P_IP = 0x0800
PACKET_OUTGOING = 4
SRV0, SRV0_SECOND, SRV1, RELAY = "192.0.2.1", "192.0.2.2", "192.0.2.129", "192.0.2.130"
YIADDR = "192.0.2.50"
PAYLOAD = b"\x01\x01\x06\x00" + b"\x5a" * 236 + b"\x63\x82\x53\x63\x35\x01\x01\xff"





@dataclass
class Net:
    lab: Lab
    srv: Namespace
    cli: Namespace
    l0: Link
    l1: Link
    ifaces: dict[str, Interface]
    cli_mac: bytes


@pytest.fixture(scope="module")
def net() -> Iterator[Net]:
    skip_unless_netns()
    with Lab("tr4") as lab:
        srv, cli = lab.namespace("srv"), lab.namespace("cli")
        l0, l1 = lab.link(srv, cli), lab.link(srv, cli)
        srv.add_address(l0.a_if, f"{SRV0}/25")
        srv.add_address(l0.a_if, f"{SRV0_SECOND}/25")
        srv.add_address(l1.a_if, f"{SRV1}/25")
        cli.add_address(l1.b_if, f"{RELAY}/25")
        with inside(srv):
            ifaces = detect_interfaces()
        cli_mac = bytes.fromhex(cli.mac(l0.b_if).replace(":", ""))
        yield Net(lab, srv, cli, l0, l1, ifaces, cli_mac)


def open_transport(net: Net, specs: list[str], socket_type: SocketType = SocketType.RAW,
                   server_port: int = 67, client_port: int = 0) -> Transport4:
    """Detect, select and open in the server namespace, as the daemon will."""
    settings = TransportSettings(socket_type, server_port, client_port)
    with inside(net.srv):
        ifaces = detect_interfaces()
        plan = plan_listen4(select_interfaces(specs, ifaces), ifaces, socket_type)
        return Transport4.open(plan, settings, ifaces)


def receive(transport: Transport4, count: int = 1, timeout: float = 3.0) -> list[Datagram4]:
    """Drain until ``count`` datagrams arrived or ``timeout`` passed."""
    got: list[Datagram4] = []
    deadline = time.monotonic() + timeout
    by_fd = {r.fd: r for r in transport.receivers}
    while len(got) < count:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select(list(by_fd), [], [], left)
        for fd in ready:
            got.extend(by_fd[fd].drain())
    return got


class Wire:
    """A packet socket on a client-side interface: injects frames, captures IPv4 ones."""

    def __init__(self, ns: Namespace, ifname: str) -> None:
        with inside(ns):
            self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
            self.sock.bind((ifname, ETH_P_IP))

    def inject(self, frame: bytes) -> None:
        self.sock.send(frame)

    def expect(self, match: Callable[[Ether], bool], timeout: float = 3.0) -> Ether:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.sock], [], [], left)
            if not ready:
                break
            data, addr = self.sock.recvfrom(65535)
            if addr[2] == PACKET_OUTGOING:
                continue
            frame = Ether(data)
            if match(frame):
                return frame
        raise AssertionError("expected frame did not arrive")

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def wire0(net: Net) -> Iterator[Wire]:
    wire = Wire(net.cli, net.l0.b_if)
    yield wire
    wire.close()


def client_frame(net: Net, src: str, dst: str, dst_mac: str, dport: int = 67) -> bytes:
    return bytes(Ether(src=net.cli.mac(net.l0.b_if), dst=dst_mac)
                 / IP(src=src, dst=dst) / UDP(sport=68, dport=dport) / Raw(PAYLOAD))


def to_client(frame: Ether, dport: int = 68) -> bool:
    return UDP in frame and frame[UDP].dport == dport


def checksums_valid(frame: Ether) -> bool:
    """Let scapy recompute both checksums and compare with what arrived."""
    again = frame.copy()
    del again[IP].chksum
    del again[UDP].chksum
    rebuilt = Ether(bytes(again))
    return bool(rebuilt[IP].chksum == frame[IP].chksum
                and rebuilt[UDP].chksum == frame[UDP].chksum)


# -- interfaces --------------------------------------------------------------

def test_enumeration_sees_veth_mac_and_addresses(net: Net) -> None:
    a0 = net.ifaces[net.l0.a_if]
    assert a0.mac_text == net.srv.mac(net.l0.a_if)
    assert a0.up and a0.running and a0.broadcast and not a0.loopback and a0.ethernet
    assert [(a.address, a.prefixlen) for a in a0.ipv4] == [(SRV0, 25), (SRV0_SECOND, 25)]
    assert a0.ipv4[1].secondary
    assert any(a.link_local for a in a0.ipv6)
    assert net.ifaces["lo"].loopback
    with inside(net.srv):
        assert a0.index == socket.if_nametoindex(net.l0.a_if)


def test_interface_specs_resolve_on_real_interfaces(net: Net) -> None:
    a0, a1 = net.l0.a_if, net.l1.a_if
    plan = plan_listen4(select_interfaces(["*"], net.ifaces), net.ifaces)
    assert {li.iface.name: li.addresses for li in plan.interfaces} == {
        a0: (SRV0, SRV0_SECOND), a1: (SRV1,)}
    plan = plan_listen4(select_interfaces([a1], net.ifaces), net.ifaces)
    assert [li.iface.name for li in plan.interfaces] == [a1]
    plan = plan_listen4(select_interfaces([f"{a0}/{SRV0_SECOND}"], net.ifaces), net.ifaces)
    assert [li.addresses for li in plan.interfaces] == [(SRV0_SECOND,)]
    with pytest.raises(ConfigError, match="interface 'nst-nope' doesn't exist in the system"):
        select_interfaces(["nst-nope"], net.ifaces)
    with pytest.raises(ConfigError, match=r"doesn't have address '192\.0\.2\.99' assigned"):
        select_interfaces([f"{a0}/192.0.2.99"], net.ifaces)


def test_re_detect_sees_new_addresses(net: Net) -> None:
    before = net.ifaces
    net.srv.add_address(net.l1.a_if, "192.0.2.140/25")
    try:
        with inside(net.srv):
            kept = interfaces_for_reconfiguration(False, before)
            fresh = interfaces_for_reconfiguration(True, before)
    finally:
        net.srv.run(["ip", "addr", "del", "192.0.2.140/25", "dev", net.l1.a_if])
    assert "192.0.2.140" not in kept[net.l1.a_if].ipv4_addresses
    assert "192.0.2.140" in fresh[net.l1.a_if].ipv4_addresses


# -- receiving ---------------------------------------------------------------

def test_broadcast_from_unconfigured_client_is_received(net: Net, wire0: Wire) -> None:
    with open_transport(net, ["*"]) as transport:
        wire0.inject(client_frame(net, "0.0.0.0", "255.255.255.255", "ff:ff:ff:ff:ff:ff"))
        [dgram] = receive(transport)
    a0 = net.ifaces[net.l0.a_if]
    assert dgram == Datagram4(PAYLOAD, "0.0.0.0", 68, "255.255.255.255", a0.index, a0.name)


def test_unicast_to_server_address_is_received(net: Net, wire0: Wire) -> None:
    srv_mac = net.srv.mac(net.l0.a_if)
    with open_transport(net, ["*"]) as transport:
        wire0.inject(client_frame(net, "192.0.2.60", SRV0_SECOND, srv_mac))
        [dgram] = receive(transport)
    assert (dgram.src, dgram.sport, dgram.dst, dgram.ifname) == (
        "192.0.2.60", 68, SRV0_SECOND, net.l0.a_if)


def test_only_selected_address_is_accepted(net: Net, wire0: Wire) -> None:
    # "iface/address" listens on that address only (and broadcast), like
    # Kea's packet filter: unicast to the interface's other address is dropped.
    srv_mac = net.srv.mac(net.l0.a_if)
    with open_transport(net, [f"{net.l0.a_if}/{SRV0_SECOND}"]) as transport:
        wire0.inject(client_frame(net, "192.0.2.60", SRV0, srv_mac))
        wire0.inject(client_frame(net, "192.0.2.60", SRV0_SECOND, srv_mac))
        got = receive(transport, count=2, timeout=1.0)
        assert [d.dst for d in got] == [SRV0_SECOND]
        assert transport.receivers[0].filtered == 1


def test_relayed_unicast_is_received(net: Net) -> None:
    with inside(net.cli):
        relay = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        relay.bind((RELAY, 67))
    with relay, open_transport(net, ["*"]) as transport:
        relay.sendto(PAYLOAD, (SRV1, 67))
        [dgram] = receive(transport)
    assert (dgram.src, dgram.sport, dgram.dst, dgram.ifname) == (RELAY, 67, SRV1, net.l1.a_if)


# -- sending -----------------------------------------------------------------

def test_direct_reply_reaches_client_without_address(net: Net, wire0: Wire) -> None:
    a0 = net.ifaces[net.l0.a_if]
    with open_transport(net, ["*"]) as transport:
        transport.send(PAYLOAD, direct(net.cli_mac, YIADDR, a0.index))
        frame = wire0.expect(to_client)
    assert frame.dst == net.cli.mac(net.l0.b_if)
    assert frame.src == net.srv.mac(net.l0.a_if)
    assert (frame[IP].src, frame[IP].dst) == (SRV0, YIADDR)
    assert (frame[UDP].sport, frame[UDP].dport) == (67, 68)
    assert checksums_valid(frame)
    assert bytes(frame[UDP].payload) == PAYLOAD


def test_broadcast_reply_uses_chosen_source(net: Net, wire0: Wire) -> None:
    a0 = net.ifaces[net.l0.a_if]
    with open_transport(net, ["*"]) as transport:
        transport.send(PAYLOAD, broadcast(a0.index))
        first = wire0.expect(to_client)
        transport.send(PAYLOAD, broadcast(a0.index, source=SRV0_SECOND))
        second = wire0.expect(to_client)
    assert first.dst == "ff:ff:ff:ff:ff:ff"
    assert (first[IP].src, first[IP].dst) == (SRV0, "255.255.255.255")
    assert second[IP].src == SRV0_SECOND
    assert checksums_valid(first)


def test_relay_unicast_reply_arrives_from_server_port(net: Net) -> None:
    a1 = net.ifaces[net.l1.a_if]
    with inside(net.cli):
        relay = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        relay.bind((RELAY, 67))
        relay.settimeout(3.0)
    with relay, open_transport(net, ["*"]) as transport:
        transport.send(PAYLOAD, unicast(RELAY, 67, a1.index))
        data, source = relay.recvfrom(65535)
    assert (data, source) == (PAYLOAD, (SRV1, 67))


# -- udp mode and ports ------------------------------------------------------

def test_udp_mode_is_relay_only_and_broadcasts_direct_replies(net: Net, wire0: Wire) -> None:
    a0 = net.ifaces[net.l0.a_if]
    with inside(net.cli):
        relay = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        relay.bind((RELAY, 67))
        relay.settimeout(3.0)
    with relay, open_transport(net, ["*"], socket_type=SocketType.UDP) as transport:
        assert not transport.direct_response_supported
        # Kea ARM: UDP sockets do not receive broadcasts from direct clients.
        wire0.inject(client_frame(net, "0.0.0.0", "255.255.255.255", "ff:ff:ff:ff:ff:ff"))
        relay.sendto(PAYLOAD, (SRV1, 67))
        got = receive(transport, count=2, timeout=1.0)
        assert [(d.src, d.dst) for d in got] == [(RELAY, SRV1)]
        # No way to reach an unconfigured client's MAC: broadcast instead.
        transport.send(PAYLOAD, direct(net.cli_mac, YIADDR, a0.index))
        frame = wire0.expect(to_client)
        assert frame.dst == "ff:ff:ff:ff:ff:ff"
        assert (frame[IP].src, frame[IP].dst) == (SRV0, "255.255.255.255")
        # use-routing: leaves by the routing table, from the bound address.
        transport.send(PAYLOAD, routed(RELAY, 67, got[0].ifindex, source=SRV1))
        assert relay.recvfrom(65535) == (PAYLOAD, (SRV1, 67))


def test_server_and_client_port_overrides(net: Net, wire0: Wire) -> None:
    a0 = net.ifaces[net.l0.a_if]
    with open_transport(net, ["*"], server_port=2067, client_port=2068) as transport:
        wire0.inject(client_frame(net, "0.0.0.0", "255.255.255.255", "ff:ff:ff:ff:ff:ff",
                                  dport=2067))
        [dgram] = receive(transport)
        assert dgram.dst == "255.255.255.255"
        transport.send(PAYLOAD, direct(net.cli_mac, YIADDR, a0.index))
        frame = wire0.expect(lambda f: to_client(f, 2068))
    # -P redirects every reply; -p is also the source port (see the Kea comparison below).
    assert (frame[UDP].sport, frame[UDP].dport) == (2067, 2068)


# -- socket failures ---------------------------------------------------------

def test_busy_port_fails_then_retry_recovers(net: Net, wire0: Wire) -> None:
    with inside(net.srv):
        blocker = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        blocker.bind(("0.0.0.0", 3067))  # another server holding the port on all interfaces
    transport = open_transport(net, [net.l0.a_if], server_port=3067)
    try:
        [failure] = transport.failures
        assert failure.ifname == net.l0.a_if
        assert "Address already in use" in failure.reason
        with inside(net.srv):  # sockets are made in the namespace of the calling thread
            with pytest.raises(SocketsUnavailable, match="failed to open socket"):
                open_with_retries(transport.retry, RetryPolicy(require_all=True),
                                  lambda s: None)
            # The other server goes away during the wait; the retry then succeeds.
            left = open_with_retries(transport.retry, RetryPolicy(True, 3, 10),
                                     lambda s: blocker.close())
        assert left == []
        wire0.inject(client_frame(net, "0.0.0.0", "255.255.255.255", "ff:ff:ff:ff:ff:ff",
                                  dport=3067))
        assert len(receive(transport)) == 1
    finally:
        transport.close()
        blocker.close()


# -- a real client -----------------------------------------------------------

def _bootp_reply(query: bytes, msg_type: int) -> bytes:
    """A minimal OFFER/ACK for ``query`` giving YIADDR (hand-built: no codec needed)."""
    xid, flags, chaddr = query[4:8], query[10:12], query[28:44]
    fixed = (struct.pack("!BBBB", 2, 1, 6, 0) + xid + b"\0\0" + flags + bytes(4)
             + socket.inet_aton(YIADDR) + socket.inet_aton(SRV0) + bytes(4) + chaddr
             + bytes(192))
    options = (b"\x63\x82\x53\x63" + bytes([53, 1, msg_type]) + b"\x36\x04"
               + socket.inet_aton(SRV0) + b"\x33\x04" + struct.pack("!I", 600)
               + b"\x01\x04" + socket.inet_aton("255.255.255.128") + b"\xff")
    return (fixed + options).ljust(300, b"\0")


def _message_type(data: bytes) -> int:
    pos = 240
    while pos + 1 < len(data) and data[pos] != 255:
        if data[pos] == 0:
            pos += 1
            continue
        if data[pos] == 53:
            return data[pos + 2]
        pos += 2 + data[pos + 1]
    return 0


def test_udhcpc_accepts_hand_built_replies(net: Net, tmp_path: Path) -> None:
    skip_unless_netns("udhcpc")
    result = tmp_path / "udhcpc.out"
    script = tmp_path / "script.sh"
    script.write_text(f'#!/bin/sh\necho "$1 $ip $serverid" >> {result}\n')
    script.chmod(0o755)
    a0 = net.ifaces[net.l0.a_if]
    with open_transport(net, [net.l0.a_if]) as transport:
        client = net.lab.spawn(net.cli, ["udhcpc", "-f", "-q", "-n", "-i", net.l0.b_if,
                                         "-t", "5", "-T", "1", "-s", str(script)], "udhcpc")
        try:
            answered = {1: 2, 3: 5}  # DISCOVER -> OFFER, REQUEST -> ACK
            deadline = time.monotonic() + 15
            while client.running() and time.monotonic() < deadline:
                for dgram in receive(transport, timeout=0.5):
                    reply_type = answered.get(_message_type(dgram.data))
                    if reply_type is not None:
                        # udhcpc clears the broadcast bit: only a layer-2 unicast reaches it.
                        transport.send(_bootp_reply(dgram.data, reply_type),
                                       direct(dgram.data[28:34], YIADDR, a0.index))
            assert client.wait(5) == 0, client.stderr()
        finally:
            client.stop()  # by PID; a no-op once it has exited
    assert f"bound {YIADDR} {SRV0}" in result.read_text()


# -- Kea 2.2 as the oracle ---------------------------------------------------

def _kea_replies(net: Net, spec: str, flags_list: list[int]) -> list[Ether]:
    """Run kea-dhcp4 -p 2067 -P 2068 on nst-a0 and capture its OFFER to each DISCOVER."""
    conf = net.lab.workdir / "kea-dhcp4.json"
    conf.write_text(json.dumps({"Dhcp4": {
        "interfaces-config": {"interfaces": [spec]},
        "lease-database": {"type": "memfile", "persist": False},
        "subnet4": [{"subnet": "192.0.2.0/25", "pools": [{"pool": "192.0.2.50-192.0.2.60"}]}],
    }}))
    Path("/run/kea").mkdir(exist_ok=True)
    env = {"KEA_PIDFILE_DIR": str(net.lab.workdir), "KEA_LOCKFILE_DIR": str(net.lab.workdir)}
    kea = net.lab.spawn(net.srv, ["kea-dhcp4", "-c", str(conf), "-p", "2067", "-P", "2068"],
                        "kea4", env=env)
    wire = Wire(net.cli, net.l0.b_if)
    try:
        wait_until(lambda: "DHCP4_STARTED" in kea.stderr() + kea.stdout() or not kea.running(),
                   10, "kea-dhcp4 to start")
        assert kea.running(), kea.stderr()
        replies = []
        for xid, flags in enumerate(flags_list, start=0x4E00):
            discover = (Ether(src=net.cli.mac(net.l0.b_if), dst="ff:ff:ff:ff:ff:ff")
                        / IP(src="0.0.0.0", dst="255.255.255.255") / UDP(sport=68, dport=2067)
                        / BOOTP(chaddr=net.cli_mac, xid=xid, flags=flags)
                        / DHCP(options=[("message-type", "discover"), "end"]))
            wire.inject(bytes(discover))
            replies.append(wire.expect(lambda f: to_client(f, 2068), timeout=5))
        return replies
    finally:
        wire.close()
        kea.stop()


def test_frames_match_kea(net: Net) -> None:
    """Given Kea's own OFFER payload, our frames are Kea's frames, byte for byte.

    Broadcast-bit replies differ in one field on purpose: Kea 2.2 addresses
    the frame to the client's MAC, Kea 3.x (and Nestor) to ff:ff:ff:ff:ff:ff,
    which is what "broadcast" means for a client that cannot receive unicast
    (RFC 2131 section 4.1).
    """
    skip_unless_netns("kea-dhcp4")
    spec = f"{net.l0.a_if}/{SRV0}"
    kea_direct, kea_bcast = _kea_replies(net, spec, [0, 0x8000])
    a0 = net.ifaces[net.l0.a_if]
    wire = Wire(net.cli, net.l0.b_if)  # opened after Kea stopped: holds only our frames
    with wire.sock, open_transport(net, [spec], server_port=2067,
                                   client_port=2068) as transport:
        payload = bytes(kea_direct[UDP].payload)
        transport.send(payload, direct(net.cli_mac, kea_direct[IP].dst, a0.index, port=68))
        ours_direct = wire.expect(lambda f: to_client(f, 2068))
        transport.send(bytes(kea_bcast[UDP].payload), broadcast(a0.index))
        ours_bcast = wire.expect(lambda f: to_client(f, 2068))
    assert kea_direct[IP].dst != "255.255.255.255"
    assert bytes(ours_direct) == bytes(kea_direct)
    assert bytes(ours_bcast)[6:] == bytes(kea_bcast)[6:]
    assert ours_bcast.dst == "ff:ff:ff:ff:ff:ff"
    assert kea_bcast.dst == net.cli.mac(net.l0.b_if)
