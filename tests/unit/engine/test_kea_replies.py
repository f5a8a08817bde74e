"""Replay real clients' queries (captured against Kea 2.2) through the engine and
compare with Kea's own replies, field by field and option by option.

The captures (``tests/fixtures/packets/v4``) come from one Kea serving
``kea_configs()`` of ``tests/fixtures/capture_lib.py``; the same configuration is
rebuilt here. Each scenario starts with an empty lease store, so a DISCOVER may
be offered a different free address than Kea offered then; everything else, and
every address the client asks for in a REQUEST, must match.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.unit.engine.helpers import SIMPLE, Lab, config4, ip, make_lab

from nestor.engine.v4 import Link4
from nestor.transport.route import TargetKind
from nestor.wire.packet4 import Packet4, parse4

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "packets" / "v4"
CLIENT_TYPES = {1, 3, 4, 7, 8}
LINKS = {2: Link4(2, "eth0", ((ip("192.0.2.1"), 24),)),
         3: Link4(3, "eth1", ((ip("198.51.100.1"), 24),))}


def _scenario(prefix: str) -> list[Packet4]:
    files = sorted(FIXTURES.glob(f"{prefix}-[0-9][0-9]-*.hex"))
    return [parse4(bytes.fromhex(f.read_text().strip())) for f in files]


def _header(p: Packet4) -> tuple[object, ...]:
    return (p.op, p.htype, p.hlen, p.hops, p.xid, p.secs, p.flags, p.ciaddr, p.siaddr,
            p.giaddr, p.chaddr, p.sname, p.file)


def _meta(q: Packet4, relayed: bool) -> dict[str, object]:
    if relayed:
        return {"src": "198.51.100.2", "dst": "198.51.100.1", "ifindex": 3, "sport": 67}
    if q.ciaddr:  # a renewing client unicasts to the server
        src = f"{q.ciaddr >> 24}.{q.ciaddr >> 16 & 255}.{q.ciaddr >> 8 & 255}.{q.ciaddr & 255}"
        return {"src": src, "dst": "192.0.2.1", "ifindex": 2}
    return {"ifindex": 2}


@pytest.mark.parametrize("prefix", ["dhclient", "dhclient-nak", "udhcpc", "dhcpcd",
                                    "perfdhcp-relay"])
def test_replies_match_kea(prefix: str) -> None:
    lab: Lab = make_lab(config4(**SIMPLE), links=LINKS)
    packets = _scenario(prefix)
    relayed = prefix.startswith("perfdhcp")
    i = 0
    while i < len(packets):
        q = packets[i]
        assert q.message_type in CLIENT_TYPES
        kea = packets[i + 1] if i + 1 < len(packets) and packets[i + 1].op == 2 else None
        reply = lab.send(q, **_meta(q, relayed))  # type: ignore[arg-type]
        if kea is None:
            assert reply is None, f"{prefix} #{i}: Kea stayed silent"
            i += 1
            continue
        assert reply is not None, f"{prefix} #{i}: Kea answered {kea}"
        mine = reply.packet
        assert _header(mine) == _header(kea), f"{prefix} #{i}"
        if kea.message_type != 2:  # OFFER addresses depend on history; the rest not
            assert mine.yiaddr == kea.yiaddr
        assert list(mine.options.items()) == list(kea.options.items()), f"{prefix} #{i}"
        assert mine.serialize() == kea.serialize() or kea.message_type == 2
        i += 2


def test_relayed_replies_go_back_to_the_relay() -> None:
    lab = make_lab(config4(**SIMPLE), links=LINKS)
    discover = _scenario("perfdhcp-relay")[0]
    reply = lab.send(discover, **_meta(discover, True))  # type: ignore[arg-type]
    assert reply is not None
    assert reply.target.kind is TargetKind.UNICAST
    assert (reply.target.address, reply.target.port) == ("198.51.100.2", 67)
    assert reply.packet.yiaddr == ip("198.51.100.100")
