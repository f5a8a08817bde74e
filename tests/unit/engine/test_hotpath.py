"""The engine's per-query shortcuts give what the general code gives (issue 6).

Each shortcut (reply header built slot by slot, per-block memo of the lease options,
pre-sorted options merged with per-client ones, the unguarded pool list, lazy class
context, cached statistic names) is compared with the general construction it
replaces, and the memo is checked not to leak one client's reply into another's.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from nestor.config.loader import load_text
from nestor.engine.alloc import SubnetPools
from nestor.engine.build4 import (
    _MEMO_LIMIT,
    _lease_options,
    finish,
    finish_sorted,
    lease_options,
    new_reply,
)
from nestor.engine.classify import Classifier
from nestor.engine.replyopts import ReplyOptions
from nestor.wire.packet4 import BOOTREPLY, Packet4, parse4

from .helpers import SIMPLE, config4, dora, ip, mac, make_lab, query

SLOTS = [s for s in Packet4.__slots__ if s != "_snap"]  # _snap: parsed packets only


def _general_reply(q: Packet4, mtype: int, ciaddr: int) -> Packet4:
    r = Packet4(BOOTREPLY, q.xid, q.chaddr, htype=q.htype, hlen=q.hlen, hops=q.hops,
                flags=q.flags, ciaddr=ciaddr, giaddr=q.giaddr, pad_to=0)
    r.options = {53: bytes((mtype,))}
    return r


def test_new_reply_is_the_constructed_packet_slot_by_slot() -> None:
    built = Packet4(1, 0xDEAD, mac(7), hops=2, flags=0x8000, giaddr=ip("10.1.0.1"),
                    ciaddr=ip("10.0.0.9"), options={53: b"\x03"})
    parsed = parse4(built.serialize())
    short = Packet4(1, 5, mac(8), options={53: b"\x01"})
    short.chaddr = mac(8)  # set by hand, not padded to the field's 16 octets
    for q in (built, parsed, short):
        for mtype, ciaddr in ((2, 0), (5, q.ciaddr), (6, 0)):
            fast, general = new_reply(q, mtype, ciaddr), _general_reply(q, mtype, ciaddr)
            for slot in SLOTS:  # every slot set, and set alike (a new slot fails here)
                assert getattr(fast, slot) == getattr(general, slot), slot
            assert fast.serialize() == general.serialize()


def test_reply_header_fields_are_independent_between_replies() -> None:
    q = Packet4(1, 1, mac(1), options={53: b"\x01"})
    a, b = new_reply(q, 2), new_reply(q, 2)
    a.options[3] = b"\x01\x02\x03\x04"
    a.sname = b"boot".ljust(64, b"\0")
    assert 3 not in b.options and b.sname == bytes(64)


codes = st.integers(1, 254)
payloads = st.binary(min_size=0, max_size=4)


@settings(max_examples=300, deadline=None)
@given(base=st.dictionaries(codes, payloads), more=st.dictionaries(codes, payloads),
       echo=st.booleans(), q_opts=st.dictionaries(st.sampled_from((61, 82, 118, 12)),
                                                  st.binary(min_size=1, max_size=4)))
def test_finish_sorted_lays_options_out_as_finish(base: dict[int, bytes],
                                                  more: dict[int, bytes], echo: bool,
                                                  q_opts: dict[int, bytes]) -> None:
    q = Packet4(1, 1, mac(1), options={53: b"\x01", **q_opts})
    general, fast = new_reply(q, 2), new_reply(q, 2)
    finish(general, q, {**base, **more}, echo)
    sorted_base = {c: base[c] for c in sorted(base)}
    finish_sorted(fast, q, sorted_base, dict(more) if more else None, echo)
    assert list(fast.options.items()) == list(general.options.items())
    assert list(sorted_base) == sorted(base)  # the shared part is left alone


def _blocks(text: str) -> tuple[ReplyOptions, object]:
    config = load_text(text, universe=4).config
    return ReplyOptions(config), config


def test_lease_options_memo_matches_the_computation_and_is_bounded() -> None:
    options, config = _blocks(config4(**SIMPLE))
    subnet = config.subnets[0]  # type: ignore[attr-defined]
    block = options.block(subnet, None, -1, None, ["ALL"])
    prl = bytes((1, 3, 6, 15, 51, 54))
    first = lease_options(block, subnet, prl, 120, ip("192.0.2.1"), {})
    assert first == _lease_options(block, subnet, prl, 120, ip("192.0.2.1"), {})
    assert list(first) == sorted(first)
    assert lease_options(block, subnet, prl, 120, ip("192.0.2.1"), {}) is first
    other = lease_options(block, subnet, prl, 120, ip("192.0.2.2"), {})
    assert other[54] == bytes((192, 0, 2, 2)) and first[54] == bytes((192, 0, 2, 1))
    for lifetime in range(1, 3 * _MEMO_LIMIT):  # cached leases: remaining lifetimes vary
        assert lease_options(block, subnet, prl, lifetime, 1, {})[51] == lifetime.to_bytes(
            4, "big")
    assert len(block.memo) <= _MEMO_LIMIT


def test_vendor_option_queries_bypass_the_memo() -> None:
    options, config = _blocks(config4(**SIMPLE))
    subnet = config.subnets[0]  # type: ignore[attr-defined]
    block = options.block(subnet, None, -1, None, ["ALL"])
    vivso = {125: (4491).to_bytes(4, "big") + b"\x03\x01\x01\x02"}
    got = lease_options(block, subnet, None, 120, 1, vivso)
    assert got == _lease_options(block, subnet, None, 120, 1, vivso)
    assert not block.memo


def test_offers_from_the_memo_do_not_share_option_dicts() -> None:
    lab = make_lab(config4(**SIMPLE))
    prl = {55: bytes((1, 3, 6, 15))}
    one = lab.send(query(1, mac(1), options=prl))
    two = lab.send(query(1, mac(2), options={**prl, 61: b"\x01" + mac(2)}))
    assert one is not None and two is not None
    assert 61 not in one.packet.options and two.packet.options[61] == b"\x01" + mac(2)
    one.packet.options[3] = b"\xff\xff\xff\xff"  # a hook changing one reply
    three = lab.send(query(1, mac(3), options=prl))
    assert three is not None and three.packet.options[3] == bytes((192, 0, 2, 1))
    # Layout as Kea writes it: message type, then by code; the echo sorted in.
    first, *rest = two.packet.options
    assert first == 53 and rest == sorted(rest)


def test_a_renewal_with_a_host_name_gets_it_sorted_in() -> None:
    lab = make_lab(config4(**SIMPLE))
    opts = {55: bytes((1, 3, 6, 12, 15)), 12: b"laptop"}
    _, ack = dora(lab, mac(4), options=opts)
    codes = list(ack.packet.options)
    assert ack.packet.options[12] == b"laptop"
    assert codes[0] == 53 and codes[1:] == sorted(codes[1:])


def test_unguarded_pools_are_all_permitted_and_guarded_ones_filtered() -> None:
    text = config4(**{"client-classes": [{"name": "lab", "test": "member('ALL')"}],
                      "subnet4": [{"id": 1, "subnet": "10.0.0.0/24", "pools": [
                          {"pool": "10.0.0.10 - 10.0.0.19"},
                          {"pool": "10.0.0.20 - 10.0.0.29", "client-class": "lab"}]},
                          {"id": 2, "subnet": "10.0.1.0/24", "pools": [
                              {"pool": "10.0.1.10 - 10.0.1.19"}]}]})
    config = load_text(text, universe=4).config
    guarded, plain = SubnetPools(config.subnets[0]), SubnetPools(config.subnets[1])
    assert [c.index for c in guarded.permitted(["ALL"])] == [0]
    assert [c.index for c in guarded.permitted(["ALL", "lab"])] == [0, 1]
    assert plain.permitted(["ALL"]) == plain.ordered and plain.size == 10
    # Every address of an unguarded subnet is tried before giving up.
    seen: list[int] = []

    def taken(addr: int) -> bool:
        seen.append(addr)
        return False

    assert plain.find(["ALL"], taken, random.Random(0)) is None
    assert sorted(seen) == list(range(ip("10.0.1.10"), ip("10.0.1.20")))


def test_class_context_follows_known_whenever_it_is_made() -> None:
    config = load_text(config4(**SIMPLE), universe=4).config
    classifier = Classifier(config)
    q = Packet4(1, 1, mac(1), options={53: b"\x01"})
    late = classifier.classify(q, "eth0", 0, 0xFFFFFFFF)
    classifier.after_hosts(late, False)
    assert late.ctx.known is False and late.ctx.packet is q and late.ctx.iface == "eth0"
    early = classifier.classify(q, "eth0", 0, 0xFFFFFFFF)
    assert early.ctx.known is None
    classifier.after_hosts(early, True)
    assert early.ctx.known is True and early == ["ALL", "KNOWN"]


def test_lease_statistics_names_are_remembered_but_presence_is_checked_each_time() -> None:
    lab = make_lab(config4(**SIMPLE))
    dora(lab, mac(1))
    assert lab.stat("subnet[1].pool[0].assigned-addresses") == 1
    assert lab.stat("cumulative-assigned-addresses") == 1
    # statistic-remove: a pool statistic the server no longer keeps is not recreated,
    # a subnet or global one is (Kea's StatsMgr::addValue creates it).
    lab.stats.remove("subnet[1].pool[0].assigned-addresses")
    lab.stats.remove("subnet[1].assigned-addresses")
    dora(lab, mac(2))
    assert "subnet[1].pool[0].assigned-addresses" not in lab.stats
    assert lab.stat("subnet[1].assigned-addresses") == 1
    assert lab.stat("subnet[1].pool[0].cumulative-assigned-addresses") == 2
    assert lab.stat("cumulative-assigned-addresses") == 2
