"""Building blocks for engine tests: a real configuration, a real in-memory memfile
store, real statistics, and queries built as clients build them."""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass, field
from typing import Any

from nestor.config.loader import load_text
from nestor.engine.v4 import Engine4, Link4, Query4Meta, Reply4
from nestor.leases.memfile import MemfileConfig, MemfileStore4
from nestor.stats import ServerStats, StatsManager, SubnetInfo
from nestor.stats.names import KEA_3_0
from nestor.wire.packet4 import Packet4, parse4

BCAST = 0xFFFFFFFF
SERVER_IF = 2
SERVER_ADDR = "192.0.2.1"


def ip(text: str) -> int:
    return int(ipaddress.IPv4Address(text))


def mac(n: int) -> bytes:
    return bytes((0x02, 0, 0, 0, (n >> 8) & 255, n & 255))


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def config4(**dhcp4: Any) -> str:
    base: dict[str, Any] = {"interfaces-config": {"interfaces": ["eth0"]},
                            "lease-database": {"type": "memfile", "persist": False}}
    base.update(dhcp4)
    return json.dumps({"Dhcp4": base})


SIMPLE = {
    "valid-lifetime": 120, "renew-timer": 5, "rebind-timer": 60,
    "option-data": [{"name": "domain-name-servers", "data": "192.0.2.53, 192.0.2.54"},
                    {"name": "domain-name", "data": "example.org"}],
    "subnet4": [
        {"id": 1, "subnet": "192.0.2.0/24", "interface": "eth0",
         "pools": [{"pool": "192.0.2.100 - 192.0.2.199"}],
         "option-data": [{"name": "routers", "data": "192.0.2.1"}]},
        {"id": 2, "subnet": "198.51.100.0/24",
         "pools": [{"pool": "198.51.100.100 - 198.51.100.199"}],
         "option-data": [{"name": "routers", "data": "198.51.100.1"}]}],
}


@dataclass
class Lab:
    engine: Engine4
    store: MemfileStore4
    stats: StatsManager
    clock: Clock
    links: dict[int, Link4] = field(default_factory=dict)

    def stat(self, name: str) -> Any:
        return self.stats.value(name)

    def send(self, query: Packet4, *, src: str = "0.0.0.0", dst: str = "255.255.255.255",
             ifindex: int = SERVER_IF, sport: int = 68) -> Reply4 | None:
        link = self.links.get(ifindex)
        meta = Query4Meta(ifindex, link.name if link else "eth9", ip(src), sport, ip(dst))
        reply = self.engine.handle(query, meta)
        if reply is not None:
            # What goes on the wire must encode and decode to the same message.
            assert parse4(reply.packet.serialize()) == reply.packet
        return reply


def make_lab(text: str, *, links: dict[int, Link4] | None = None,
             clock: Clock | None = None) -> Lab:
    config = load_text(text, universe=4).config
    store = MemfileStore4(MemfileConfig(persist=False))
    stats = StatsManager()
    life = ServerStats(stats, 4, KEA_3_0)
    life.start()
    life.commit([SubnetInfo(s.id, [p.size for p in s.pools]) for s in config.subnets])
    clock = clock or Clock()
    links = links if links is not None else {
        SERVER_IF: Link4(SERVER_IF, "eth0", ((ip(SERVER_ADDR), 24),)),
        3: Link4(3, "eth1", ((ip("203.0.113.1"), 24),))}
    engine = Engine4(config, store, stats, links, clock)
    return Lab(engine, store, stats, clock, links)


def query(mtype: int, hw: bytes = mac(1), *, xid: int = 0x1234, flags: int = 0,
          ciaddr: str = "0.0.0.0", giaddr: str = "0.0.0.0",
          options: dict[int, bytes] | None = None, **kw: Any) -> Packet4:
    opts = {53: bytes((mtype,))}
    opts.update(options or {})
    return Packet4(1, xid, hw, flags=flags, ciaddr=ip(ciaddr), giaddr=ip(giaddr),
                   options=opts, **kw)


def a4(text: str) -> bytes:
    return ipaddress.IPv4Address(text).packed


def dora(lab: Lab, hw: bytes = mac(1), options: dict[int, bytes] | None = None,
         **send: Any) -> tuple[Reply4, Reply4]:
    """DISCOVER, then REQUEST the offered address from the server that offered it."""
    offer = lab.send(query(1, hw, options=options), **send)
    assert offer is not None
    req_opts = dict(options or {})
    req_opts[50] = offer.packet.yiaddr.to_bytes(4, "big")
    req_opts[54] = offer.packet.options[54]
    ack = lab.send(query(3, hw, options=req_opts), **send)
    assert ack is not None
    return offer, ack
