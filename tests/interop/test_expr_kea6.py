"""Nestor's expression language against Kea 2.2's DHCPv6 server, on the same queries.

The DHCPv6 side of ``test_expr_kea``: relay layers (``relay6[nest]``, counted from
the server with 0 and from the client with -1), ``pkt6`` fields, vendor options and the
DHCPv6 renderings of ``.text``, on a direct SOLICIT and on singly and doubly relayed
ones. Kea's verdict is read from the marker options in its ADVERTISE.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.interop.expr_lab import ClassSpec
from tests.interop.expr_lab6 import MARKERS6, ExprLab6, Query6, kea6_config, matched6
from tests.netns import skip_unless_netns

from nestor.expr import Context6, class_checker, compile_expression
from nestor.wire.packet6 import (
    IANA,
    ClientId,
    ElapsedTime,
    IAAddress,
    InterfaceId,
    Message6,
    Option6,
    OptionRequest,
    RawOption6,
    RelayMessage6,
    RelayMsg,
    VendorClass,
    VendorOpts,
    parse6,
)

pytestmark = [pytest.mark.kea, pytest.mark.netns]

DUID = bytes.fromhex("000100012a2b2c2d0a0b0c0d0e0f")
ADDR = bytes.fromhex("20010db8000100000000000000000142")
LINK_A = bytes.fromhex("20010db8000100000000000000000002")
LINK_B = bytes.fromhex("20010db8000200000000000000000001")
PEER_A = bytes.fromhex("fe800000000000000000000000000abc")
PEER_B = bytes.fromhex("fe800000000000000000000000000def")


def _solicit(xid: int, *extra: Option6) -> Message6:
    return Message6(1, xid, [ClientId(DUID + xid.to_bytes(3, "big")), ElapsedTime(0),
                             OptionRequest([23, 24]), IANA(xid, 0, 0, [IAAddress(ADDR, 0, 0)]),
                             *extra])


VENDOR: list[Option6] = [VendorClass(4491, [b"docsis3.0", b"x"]),
          VendorOpts(4491, [RawOption6(1, b"\x00\x20"), RawOption6(36, b"mac")])]
QUERIES6 = [
    Query6("direct", _solicit(0x110001)),
    Query6("vendor", _solicit(0x110002, *VENDOR)),
    Query6("relayed", RelayMessage6(12, 0, LINK_A, PEER_A, [
        InterfaceId(b"port-1"), RawOption6(37, b"\x00\x00\x11\x8bremote"),
        RelayMsg(_solicit(0x110003))])),
    Query6("twice", RelayMessage6(12, 1, LINK_B, PEER_B, [
        InterfaceId(b"outer"),
        RelayMsg(RelayMessage6(12, 0, LINK_A, PEER_A, [
            InterfaceId(b"inner"), RelayMsg(_solicit(0x110004, *VENDOR))]))])),
]

EXPRESSIONS6 = [
    "pkt6.msgtype == 1", "pkt6.msgtype == 12", "pkt6.transid == 0x00110003",
    "pkt6.transid == 1114116", "substring(option[1].hex, 0, 4) == 0x00010001",
    "option[1].exists", "option[clientid].exists", "option[18].exists", "option[6].exists",
    "option[6].hex == 0x00170018", "option[8].hex == 0x0000",
    "option[8].text == 'type=00008, len=00002: 0 (uint16)'",
    "option[6].text == 'type=00006, len=00004: 23(uint16) 24(uint16)'",
    "option[3].option[5].exists", "option[3].option[5].hex == 0x20010db8000100000000000000000142"
    "0000000000000000", "option[3].option[13].exists",
    "relay6[0].option[18].exists", "relay6[0].option[18].hex == 'port-1'",
    "relay6[0].option[18].hex == 'outer'", "relay6[1].option[18].hex == 'inner'",
    "relay6[-1].option[18].hex == 'inner'", "relay6[-1].option[18].hex == 'port-1'",
    "relay6[-2].option[18].hex == 'outer'", "relay6[-2].option[18].exists",
    "relay6[2].option[18].exists", "relay6[0].option[37].hex == 0x0000118b + 'remote'",
    "relay6[0].option[18].text == 'type=00018, len=00006: 70:6f:72:74:2d:31'",
    "relay6[0].peeraddr == fe80::abc", "relay6[0].peeraddr == fe80::def",
    "relay6[0].linkaddr == 2001:db8:1::2", "relay6[1].linkaddr == 2001:db8:1::2",
    "relay6[-1].peeraddr == fe80::abc", "relay6[1].peeraddr == ''",
    "relay6[-3].linkaddr == ''", "relay6[5].linkaddr == ''",
    "addrtotext(relay6[0].linkaddr) == '2001:db8:2::1'",
    "vendor[4491].exists", "vendor[*].exists", "vendor[9].exists",
    "vendor[4491].option[1].hex == 0x0020", "vendor[4491].option[36].hex == 'mac'",
    "vendor[*].option[2].exists", "vendor.enterprise == 4491", "vendor-class.enterprise == 4491",
    "vendor-class[4491].exists", "vendor-class[4491].data == 'docsis3.0'",
    "vendor-class[*].data[1] == 'x'", "vendor-class[0].data[2] == ''",
    "vendor-class[1].exists", "pkt.iface == 'nst-a0'", "pkt.dst == ff02::1:2",
    "substring(pkt.src, 0, 2) == 0xfe80", "member('KNOWN') or member('UNKNOWN')",
    # .text of the DHCPv6 option classes of their own
    "option[3].text == 'type=00003(IA_NA), len=00040: iaid=1114116, t1=0, t2=0,' + 0x0a"
    " + 'options:' + 0x0a + '  type=00005(IAADDR), len=00024: address=2001:db8:1::142, '"
    " + 'preferred-lft=0, valid-lft=0'",
    "option[3].option[5].text == 'type=00005(IAADDR), len=00024: address=2001:db8:1::142, "
    "preferred-lft=0, valid-lft=0'",
    "option[16].text == 'type=16, len=18,  enterprise id=0x118b, data-len0=9, "
    "vendor-class-data0=' + 0x27 + 'docsis3.0' + 0x27 + ', data-len1=1, vendor-class-data1='"
    " + 0x27 + 'x' + 0x27",
    "option[17].text == 'type=00017, len=00017: 4491 (uint32),' + 0x0a + 'options:' + 0x0a"
    " + '  type=00001, len=00002: 32(uint16)' + 0x0a + '  type=00036, len=00003: 6d:61:63'",
    "relay6[0].option[37].text == 'type=00037, len=00010: 4491 (uint32) 72656D6F7465 "
    "(binary)'",
    "option[1].text == 'type=00001, len=00017: 00:01:00:01:2a:2b:2c:2d:0a:0b:0c:0d:0e:0f:"
    "11:00:01'",
    # Kea's Pkt6::len() counts the relay layers: each query's size on the wire.
    *(f"pkt.len == {len(q.message.serialize())}" for q in QUERIES6),
]


def _kea_view(query: Query6, lab: ExprLab6) -> Context6:
    message = parse6(query.message.serialize())
    return Context6(message, iface="nst-a0", src=lab.source_address(), dst="ff02::1:2",
                    classes=["ALL"])


def nestor_classes6(specs: list[ClassSpec], ctx: Context6) -> frozenset[int]:
    defined: list[str] = []
    matched: set[int] = set()
    assigned = ctx.classes
    assert isinstance(assigned, list)
    exprs = []
    for spec in specs:
        exprs.append(compile_expression(spec.test, 6, is_defined=class_checker(defined)))
        defined.append(spec.name)
    for second_pass in (False, True):
        if second_pass:
            assigned.append("UNKNOWN")  # no reservations in this configuration
        for i, (spec, expr) in enumerate(zip(specs, exprs, strict=True)):
            if expr.depends_on_known == second_pass and expr.matches(ctx):
                assigned.append(spec.name)
                matched.add(i)
    return frozenset(matched)


@pytest.fixture(scope="module")
def lab6() -> Iterator[ExprLab6]:
    skip_unless_netns("kea-dhcp6")
    with ExprLab6() as lab:
        yield lab


def test_kea6_and_nestor_classify_alike(lab6: ExprLab6) -> None:
    assert len(EXPRESSIONS6) <= len(MARKERS6)
    specs = [ClassSpec(f"e{i}", text) for i, text in enumerate(EXPRESSIONS6)]
    replies = lab6.run(kea6_config(specs, lab6.lab.workdir), QUERIES6)
    mismatches: list[str] = []
    decided: dict[str, set[bool]] = {}
    for query in QUERIES6:
        reply = replies[query.name]
        assert reply is not None, f"Kea did not answer {query.name}"
        kea = matched6(reply, len(specs))
        ours = nestor_classes6(specs, _kea_view(query, lab6))
        for i, spec in enumerate(specs):
            decided.setdefault(spec.test, set()).add(i in kea)
        for i in sorted(kea ^ ours):
            verdict = "Kea matches" if i in kea else "Nestor matches"
            mismatches.append(f"{query.name}: {verdict} {specs[i].test!r}")
    assert not mismatches, "\n".join(mismatches)
    assert sum(len(v) == 2 for v in decided.values()) >= 25
