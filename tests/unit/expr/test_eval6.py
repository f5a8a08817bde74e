"""Evaluating expressions on DHCPv6 queries: relay layers, pkt6 fields, vendor options."""

from __future__ import annotations

import pytest

from nestor.expr import Context6, compile_expression
from nestor.wire.packet6 import (
    IANA,
    ClientId,
    IAAddress,
    InterfaceId,
    Message6,
    RawOption6,
    RelayMessage6,
    RelayMsg,
    VendorClass,
    VendorOpts,
    parse6,
)

DUID = bytes.fromhex("000100012a2b2c2d0a0b0c0d0e0f")
ADDR = bytes.fromhex("20010db8000000000000000000000042")
LINK1, PEER1 = bytes.fromhex("20010db8000100000000000000000001"), bytes(15) + b"\x01"
LINK2, PEER2 = bytes.fromhex("20010db8000200000000000000000001"), bytes(15) + b"\x02"

SOLICIT = Message6(1, 0xABCDEF, [
    ClientId(DUID),
    IANA(7, 0, 0, [IAAddress(ADDR, 100, 200)]),
    VendorClass(4491, [b"docsis3.0", b"x"]),
    VendorOpts(4491, [RawOption6(1, b"\x00\x20"), RawOption6(36, b"mac")]),
    RawOption6(39, b"\x00\x04host"),
])
# Two relays: relays[0] (next to the server) wraps relays[1] (next to the client).
RELAYED = parse6(RelayMessage6(12, 1, LINK1, PEER1, [
    InterfaceId(b"outer"),
    RelayMsg(RelayMessage6(12, 0, LINK2, PEER2, [InterfaceId(b"inner"), RelayMsg(SOLICIT)])),
]).serialize())


def ctx(message: Message6 | RelayMessage6 = RELAYED, **kwargs: object) -> Context6:
    return Context6(message, iface="eth1", src="fe80::1", dst="ff02::1:2",
                    **kwargs)  # type: ignore[arg-type]


def value(text: str, context: Context6 | None = None) -> bytes:
    result = compile_expression(text, 6, string=True).evaluate(context or ctx())
    assert isinstance(result, bytes)
    return result


def holds(text: str, context: Context6 | None = None) -> bool:
    return compile_expression(text, 6).matches(context or ctx())


@pytest.mark.parametrize(("text", "expected"), [
    ("option[1].hex", DUID), ("option[clientid].hex", DUID),
    ("option[1].text", b"type=00001, len=00014: " + DUID.hex(":").encode()),
    ("option[3].option[5].hex", ADDR + (100).to_bytes(4, "big") + (200).to_bytes(4, "big")),
    ("option[3].option[6].hex", b""),
    ("pkt6.msgtype", b"\0\0\0\x01"), ("pkt6.transid", b"\0\xab\xcd\xef"),
    ("relay6[0].option[18].hex", b"outer"), ("relay6[1].option[18].hex", b"inner"),
    ("relay6[-1].option[18].hex", b"inner"), ("relay6[-2].option[18].hex", b"outer"),
    ("relay6[2].option[18].hex", b""), ("relay6[-3].option[18].hex", b""),
    ("relay6[0].peeraddr", PEER1), ("relay6[0].linkaddr", LINK1),
    ("relay6[1].peeraddr", PEER2), ("relay6[-1].linkaddr", LINK2),
    ("relay6[5].peeraddr", b""), ("relay6[-5].linkaddr", b""),
    ("addrtotext(relay6[0].linkaddr)", b"2001:db8:1::1"),
    ("vendor.enterprise", (4491).to_bytes(4, "big")),
    ("vendor[4491].option[1].hex", b"\x00\x20"), ("vendor[*].option[36].hex", b"mac"),
    ("vendor-class.enterprise", (4491).to_bytes(4, "big")),
    ("vendor-class[4491].data", b"docsis3.0"), ("vendor-class[*].data[1]", b"x"),
    ("vendor-class[*].data[2]", b""),
    ("pkt.iface", b"eth1"), ("pkt.src", bytes.fromhex("fe80" + "00" * 13 + "01")),
    ("pkt.len", len(RELAYED.serialize()).to_bytes(4, "big")),
])
def test_values(text: str, expected: bytes) -> None:
    assert value(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("option[3].exists", True), ("option[3].option[5].exists", True),
    ("relay6[0].option[18].exists", True), ("relay6[2].option[18].exists", False),
    ("relay6[0].option[1].exists", False), ("vendor[4491].exists", True),
    ("vendor[1].exists", False), ("vendor[4491].option[36].exists", True),
    ("vendor-class[4491].exists", True), ("vendor-class[1].exists", False),
    ("pkt6.msgtype == 1 and relay6[-1].peeraddr == ::2", True),
])
def test_booleans(text: str, expected: bool) -> None:
    assert holds(text) is expected


def test_unrelayed_message() -> None:
    direct = ctx(SOLICIT)
    assert value("relay6[0].peeraddr", direct) == b""
    assert value("relay6[-1].option[18].hex", direct) == b""
    assert not holds("relay6[0].option[18].exists", direct)
    assert value("pkt.len", direct) == len(SOLICIT.serialize()).to_bytes(4, "big")
    assert value("pkt6.msgtype", direct) == b"\0\0\0\x01"
