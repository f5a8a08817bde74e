"""The scripted DHCPv4 client: runs inside the client namespace, sends each step, captures.

Usage: ``python -m tests.interop.dhcp4_diff.client PLAN.json RESULT.json``

``PLAN.json`` holds the interface, the server's address and MAC, and the scenarios
(their steps as :meth:`Step.to_json` writes them). Every reply is captured on an
``AF_PACKET`` socket on the client interface, whatever its destination (a relay
address, the broadcast address, a client's new address), so clients without an
address and relays are observed the same way. The result holds, per step, the
reply's UDP payload as hex (or None) and where it was sent.

Addresses a step uses as ``ciaddr`` are added to the client interface (/32) while
the plan runs, so a server that answers with ordinary unicast can resolve them
with ARP; they are removed at the end, leaving the namespace as it was.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.interop.dhcp4_diff.steps import step_xid

from nestor.errors import MalformedPacket
from nestor.wire.packet4 import Packet4, parse4

ETH_P_IP = 0x0800
PACKET_OUTGOING = 4
BROADCAST_MAC = b"\xff" * 6
IP_HEADER = struct.Struct("!BBHHHBBH4s4s")
UDP_HEADER = struct.Struct("!HHHH")


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total: int = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def frame(src_mac: bytes, dst_mac: bytes, src_ip: str, dst_ip: str, payload: bytes) -> bytes:
    """Ethernet + IPv4 + UDP (68 -> 67) around a DHCP payload, with both checksums."""
    src, dst = socket.inet_aton(src_ip), socket.inet_aton(dst_ip)
    length = UDP_HEADER.size + len(payload)
    pseudo = src + dst + struct.pack("!BBH", 0, 17, length)
    udp = UDP_HEADER.pack(68, 67, length, 0) + payload
    udp = udp[:6] + struct.pack("!H", _checksum(pseudo + udp) or 0xFFFF) + udp[8:]
    ip = IP_HEADER.pack(0x45, 0x10, 20 + length, 0, 0, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", _checksum(ip)) + ip[12:]
    return dst_mac + src_mac + struct.pack("!H", ETH_P_IP) + ip + udp


@dataclass
class Captured:
    payload: bytes
    ip_src: str
    ip_dst: str
    sport: int
    dport: int
    eth_dst: str


def decode_frame(data: bytes) -> Captured | None:
    """The DHCP reply inside an Ethernet frame from a server port, or None."""
    if len(data) < 14 + 20 + 8 or data[12:14] != b"\x08\x00":
        return None
    ip = data[14:]
    ihl = (ip[0] & 0x0F) * 4
    if ip[0] >> 4 != 4 or ip[9] != 17 or len(ip) < ihl + 8:
        return None
    sport, dport, length, _ = UDP_HEADER.unpack_from(ip, ihl)
    if sport != 67 or dport not in (67, 68):
        return None
    payload = ip[ihl + 8: ihl + length]
    if len(payload) < 240 or payload[0] != 2:  # BOOTREPLY only
        return None
    return Captured(payload, socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20]),
                    sport, dport, data[0:6].hex(":"))


@dataclass
class Client:
    iface: str
    server: str
    server_mac: bytes
    raw: socket.socket = field(init=False)
    relay: socket.socket = field(init=False)
    client_port: socket.socket = field(init=False)
    added: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
        self.raw.bind((self.iface, ETH_P_IP))
        # Replies to a relay (port 67) and to a configured client address (port 68)
        # land on these, so the namespace does not answer them with ICMP errors.
        self.relay = self._udp(67)
        self.client_port = self._udp(68)

    @staticmethod
    def _udp(port: int) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        sock.bind(("0.0.0.0", port))
        return sock

    def own(self, address: str) -> None:
        """Hold ``address`` on the interface so ARP for it is answered."""
        if address == "0.0.0.0" or address in self.added:
            return
        done = subprocess.run(["ip", "addr", "add", f"{address}/32", "dev", self.iface],
                              capture_output=True, check=False)
        if done.returncode == 0:
            self.added.append(address)

    def close(self) -> None:
        for address in self.added:
            subprocess.run(["ip", "addr", "del", f"{address}/32", "dev", self.iface],
                           capture_output=True, check=False)
        for sock in (self.raw, self.relay, self.client_port):
            sock.close()

    def drain(self) -> None:
        self.raw.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            while True:
                self.raw.recv(65535)
        self.raw.setblocking(True)

    def send(self, step: dict[str, Any], payload: bytes, mac: bytes) -> None:
        if step["via"] == "relay":
            self.relay.sendto(payload, (self.server, 67))
        elif step["via"] == "direct":
            self.raw.send(frame(mac, BROADCAST_MAC, step["ciaddr_resolved"],
                                "255.255.255.255", payload))
        else:
            self.raw.send(frame(mac, self.server_mac, step["ciaddr_resolved"], self.server,
                                payload))

    def receive(self, xid: int, wait: float) -> Captured | None:
        deadline = time.monotonic() + wait
        while (left := deadline - time.monotonic()) > 0:
            self.raw.settimeout(left)
            try:
                data, address = self.raw.recvfrom(65535)
            except TimeoutError:
                return None
            if address[2] == PACKET_OUTGOING:
                continue
            got = decode_frame(data)
            if got is not None and struct.unpack_from("!I", got.payload, 4)[0] == xid:
                return got
        return None


class Unresolved(Exception):
    """A step refers to a reply that did not come."""


def resolve(spec: str, replies: list[Packet4 | None]) -> bytes:
    """The octets a value spec (see ``steps``) stands for."""
    kind, _, rest = spec.partition(":")
    if spec.startswith("@") or spec.startswith("sid@"):
        which, _, index = spec.partition("@")
        reply = replies[int(index)] if int(index) < len(replies) else None
        if reply is None:
            raise Unresolved(f"{spec}: step {index} had no reply")
        if which == "sid":
            if 54 not in reply.options:
                raise Unresolved(f"{spec}: step {index}'s reply has no server identifier")
            return reply.options[54]
        return struct.pack("!I", reply.yiaddr)
    encoders: dict[str, Callable[[str], bytes]] = {
        "ip": socket.inet_aton,
        "hex": bytes.fromhex,
        "txt": str.encode,
        "u32": lambda v: struct.pack("!I", int(v)),
        "u8s": lambda v: bytes(int(x) for x in v.split(",") if x),
    }
    return encoders[kind](rest)


def build(step: dict[str, Any], xid: int, replies: list[Packet4 | None]) -> bytes:
    chaddr = bytes.fromhex((step["chaddr"] or step["mac"]).replace(":", ""))
    ciaddr = resolve(step["ciaddr"] if ":" in step["ciaddr"] or "@" in step["ciaddr"]
                     else f"ip:{step['ciaddr']}", replies)
    step["ciaddr_resolved"] = socket.inet_ntoa(ciaddr)
    # msg 0: a BOOTP request, which carries no message type option.
    options = {53: bytes([step["msg"]])} if step["msg"] else {}
    for code, spec in step["options"]:
        options[code] = resolve(spec, replies)
    relayed = step["via"] == "relay"
    packet = Packet4(1, xid, chaddr, flags=step["flags"], hops=1 if relayed else 0,
                     ciaddr=struct.unpack("!I", ciaddr)[0],
                     giaddr=struct.unpack("!I", socket.inet_aton(step["giaddr"]))[0],
                     options=options)
    return packet.serialize()


def run_scenario(client: Client, scenario: dict[str, Any]) -> list[dict[str, Any]]:
    replies: list[Packet4 | None] = []
    results: list[dict[str, Any]] = []
    for index, step in enumerate(scenario["steps"]):
        xid = step_xid(scenario["name"], index)
        if step["sleep"]:
            time.sleep(step["sleep"])
        try:
            payload = build(step, xid, replies)
        except Unresolved as exc:
            replies.append(None)
            results.append({"skipped": str(exc), "reply": None})
            continue
        if step["via"] != "relay":  # a relayed reply goes to giaddr, not to ciaddr
            client.own(step["ciaddr_resolved"])
        client.drain()
        client.send(step, payload, bytes.fromhex(step["mac"].replace(":", "")))
        got = client.receive(xid, step["wait"])
        reply = None
        if got is not None:
            with contextlib.suppress(MalformedPacket):
                reply = parse4(got.payload)
        replies.append(reply)
        results.append({"skipped": None, "sent": payload.hex(),
                        "reply": got.payload.hex() if got else None,
                        "where": None if got is None else
                        {"ip_dst": got.ip_dst, "dport": got.dport, "eth_dst": got.eth_dst,
                         "ip_src": got.ip_src}})
    return results


def main(argv: list[str]) -> int:
    plan_path, result_path = argv
    with open(plan_path, encoding="utf-8") as f:
        plan = json.load(f)
    client = Client(plan["iface"], plan["server"], bytes.fromhex(plan["server_mac"]
                                                                  .replace(":", "")))
    out: dict[str, list[dict[str, Any]]] = {}
    try:
        for scenario in plan["scenarios"]:
            out[scenario["name"]] = run_scenario(client, scenario)
    finally:
        client.close()
        with open(result_path, "w", encoding="utf-8") as f:
            json.dump(out, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
