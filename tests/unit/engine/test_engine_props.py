"""Whatever a peer sends, the engine answers or stays silent; it never raises, and
every reply it makes can be encoded (house rule 2: bad input never kills the server)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.engine.helpers import config4, ip, make_lab

from nestor.wire.options4 import build_rai
from nestor.wire.packet4 import Packet4

CONFIG_DICT: dict[str, object] = {
    "valid-lifetime": 600, "authoritative": True,
    "option-data": [{"name": "domain-name-servers", "data": "192.0.2.53"}],
    "client-classes": [{"name": "t", "test": "substring(option[60].hex, 0, 1) == 'a'"}],
    "reservations-global": True,
    "reservations": [{"hw-address": "02:00:00:00:00:01", "ip-address": "192.0.2.10",
                      "hostname": "res"}],
    "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "interface": "eth0",
                 "pools": [{"pool": "192.0.2.100 - 192.0.2.104"}],
                 "reservations": [{"circuit-id": "'c1'", "ip-address": "192.0.2.11"}]},
                {"id": 2, "subnet": "198.51.100.0/24",
                 "pools": [{"pool": "198.51.100.100 - 198.51.100.101"}]}]}
CONFIG = config4(**CONFIG_DICT)

ADDRS = st.sampled_from([0, ip("192.0.2.1"), ip("192.0.2.100"), ip("192.0.2.10"),
                         ip("198.51.100.7"), ip("10.0.0.1"), 0xFFFFFFFF])
PAYLOAD = st.binary(max_size=12)
OPTION = st.one_of(
    st.tuples(st.sampled_from([12, 50, 51, 54, 55, 57, 60, 61, 81, 118, 125, 124]), PAYLOAD),
    st.tuples(st.just(82), st.one_of(PAYLOAD, st.lists(
        st.tuples(st.sampled_from([1, 2, 5, 11, 12, 19]), PAYLOAD), max_size=3).map(build_rai))),
    st.tuples(st.just(50), ADDRS.map(lambda a: a.to_bytes(4, "big"))),
    st.tuples(st.just(54), ADDRS.map(lambda a: a.to_bytes(4, "big"))),
)


@st.composite
def queries(draw: st.DrawFn) -> tuple[Packet4, int, int]:
    opts = dict(draw(st.lists(OPTION, max_size=6)))
    mtype = draw(st.one_of(st.none(), st.integers(0, 20)))
    if mtype is not None:
        opts[53] = bytes((mtype,))
    hw = draw(st.sampled_from([b"", bytes.fromhex("020000000001"), bytes.fromhex("020000000002"),
                               bytes(16)]))
    p = Packet4(draw(st.sampled_from([1, 2])), draw(st.integers(0, 3)), hw,
                flags=draw(st.sampled_from([0, 0x8000])), ciaddr=draw(ADDRS),
                giaddr=draw(ADDRS), hops=draw(st.integers(0, 3)), options=opts)
    return p, draw(ADDRS), draw(ADDRS)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(queries(), min_size=1, max_size=8))
def test_any_query_sequence_is_answered_or_dropped(seq: list[tuple[Packet4, int, int]]) -> None:
    lab = make_lab(CONFIG)
    for packet, src, dst in seq:
        text = lambda a: f"{a >> 24}.{a >> 16 & 255}.{a >> 8 & 255}.{a & 255}"  # noqa: E731
        reply = lab.send(packet, src=text(src), dst=text(dst))  # checks the encoding
        if reply is not None:
            assert reply.packet.op == 2 and reply.packet.xid == packet.xid
            assert reply.packet.options.get(53, b"\x05") in (b"\x02", b"\x05", b"\x06")
        lab.clock.now += 30
        lab.engine.reclaim_expired(lab.clock.now)
    counts = lab.store.counts()
    assert sum(n for (sid, state), n in counts.items() if sid == 1 and state != 2) == \
        lab.stat("subnet[1].assigned-addresses")


ACTIONS = st.lists(st.tuples(st.sampled_from(["dora", "renew", "release", "decline",
                                              "discover", "reboot-wrong", "wait"]),
                             st.integers(1, 4)), min_size=1, max_size=25)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ACTIONS)
def test_lease_statistics_follow_the_lease_store(actions: list[tuple[str, int]]) -> None:
    """After any client behaviour, the assigned/declined counters equal what the store
    holds, and no address is leased twice."""
    from tests.unit.engine.helpers import a4, dora, mac, query

    lab = make_lab(config4(**{**{k: v for k, v in CONFIG_DICT.items()},
                              "decline-probation-period": 100}))
    held: dict[int, int] = {}
    for action, n in actions:
        hw = mac(n)
        addr = held.get(n)
        if action == "dora":
            try:
                _, ack = dora(lab, hw)
            except AssertionError:  # the pool ran out: no offer
                continue
            if ack.packet.message_type == 5:
                held[n] = ack.packet.yiaddr
        elif action == "renew" and addr:
            text = f"192.0.2.{addr & 255}"
            lab.send(query(3, hw, ciaddr=text), src=text, dst="192.0.2.1")
        elif action == "release" and addr:
            text = f"192.0.2.{addr & 255}"
            lab.send(query(7, hw, ciaddr=text, options={54: a4("192.0.2.1")}), src=text,
                     dst="192.0.2.1")
            held.pop(n)
        elif action == "decline" and addr:
            lab.send(query(4, hw, options={50: addr.to_bytes(4, "big")}))
            held.pop(n)
        elif action == "discover":
            lab.send(query(1, hw))
        elif action == "reboot-wrong":
            lab.send(query(3, hw, options={50: a4("192.0.2.104")}))
        elif action == "wait":
            lab.clock.now += 400
            lab.engine.reclaim_expired(lab.clock.now)
    leases = lab.store.all()
    live = [x for x in leases if x.subnet_id == 1 and x.state != 2]
    assert lab.stat("subnet[1].assigned-addresses") == len(live)
    declined = [x for x in leases if x.state == 1]
    assert lab.stat("declined-addresses") == len(declined)
    assert lab.stat("subnet[1].declined-addresses") == len(declined)
    owners = [x.hwaddr for x in leases if x.state == 0 and x.hwaddr]
    assert len(owners) == len(set(owners))  # one lease per client in one subnet
