"""Evaluating expressions on DHCPv4 queries: every token's value, Kea's edge cases.

Values a string expression gives are checked with the string parser (what Kea's
flex-id / flex-option hooks evaluate); booleans with class tests. Expected values come
from Kea's documentation and from Kea 2.2's own evaluation trace (debug logging of
``kea-dhcp4.eval``) on the same packets.
"""

from __future__ import annotations

import pytest

from nestor.expr import Context4, EvalError, compile_expression
from nestor.wire.options4 import build_rai, build_suboptions, build_vivco, build_vivso
from nestor.wire.packet4 import Packet4, parse4

MAC = bytes.fromhex("020000000001")


def packet(**options: bytes) -> Packet4:
    opts = {53: b"\x01"}
    opts.update({int(code[1:]): value for code, value in options.items()})
    return parse4(Packet4(xid=0x1001, chaddr=MAC, options=opts).serialize())


VENDORISH = packet(
    o60=b"docsis3.0", o61=b"\x01" + MAC, o12=b"host-one\x00", o55=bytes([1, 3, 6]),
    o43=build_suboptions([(1, b"abc")]),
    o82=build_rai([(2, b"\x01\x02"), (1, b"eth0/1"), (1, b"dup")]),
    o124=build_vivco([(4491, [b"docsis", b"3.0"]), (9, [b"x"])]),
    o125=build_vivso([(4491, [(2, bytes([192, 0, 2, 9])), (1, bytes([1, 2]))])]),
    o250=b"\x00\xff", o251=b"")


def ctx(p: Packet4 = VENDORISH, **kwargs: object) -> Context4:
    return Context4(p, iface="eth0", src="192.0.2.7", dst="255.255.255.255",
                    **kwargs)  # type: ignore[arg-type]


def value(text: str, context: Context4 | None = None) -> bytes:
    result = compile_expression(text, 4, string=True).evaluate(context or ctx())
    assert isinstance(result, bytes)
    return result


def holds(text: str, context: Context4 | None = None) -> bool:
    return compile_expression(text, 4).matches(context or ctx())


@pytest.mark.parametrize(("text", "expected"), [
    ("'abc'", b"abc"), ("0x5a7d", b"Z}"), ("0x123", b"\x01\x23"), ("10.0.0.1", b"\n\0\0\1"),
    ("123", b"\0\0\0\x7b"), ("::ffff:1.2.3.4", bytes(10) + b"\xff\xff\1\2\3\4"),
    ("'a' + 'b' + 0x63", b"abc"),
    ("option[60].hex", b"docsis3.0"), ("option[60].text", b"docsis3.0"),
    ("option[12].hex", b"host-one"), ("option[12].text", b"host-one"),  # NUL trimmed
    ("option[61].hex", b"\x01" + MAC),
    ("option[61].text", b"type=061, len=007: 01:02:00:00:00:00:01"),
    ("option[55].text", b"type=055, len=003: 1(uint8) 3(uint8) 6(uint8)"),
    ("option[53].text", b"type=053, len=001: 1 (uint8)"), ("option[99].hex", b""),
    ("option[99].text", b""), ("option[250].text", b"type=250, len=002: 00:ff"),
    ("option[251].text", b"type=251, len=000: "),
    # Option 82 written back in sub-option order; only the first "1" counts below.
    ("option[82].hex", bytes.fromhex("0106657468302f31010364757002020102")),
    ("option[82].option[1].hex", b"eth0/1"), ("relay4[1].hex", b"eth0/1"),
    ("relay4[2].hex", b"\x01\x02"), ("relay4[3].hex", b""),
    ("relay4[1].text", b"type=001, len=006: 65:74:68:30:2f:31"),
    ("option[43].hex", b"\x01\x03abc"), ("option[43].option[1].hex", b""),  # deferred
    ("option[125].hex", bytes.fromhex("0000118b0a010201020204c0000209")),
    ("option[125].option[1].hex", b"\x01\x02"),
    ("vendor[4491].option[2].hex", bytes([192, 0, 2, 9])),
    ("vendor[*].option[1].hex", b"\x01\x02"), ("vendor[1].option[1].hex", b""),
    ("vendor[4491].option[1].text", b"type=001, len=002: 1(uint8) 2(uint8)"),
    ("vendor[4491].option[2].text", b"type=002, len=004: 192.0.2.9"),
    ("vendor.enterprise", (4491).to_bytes(4, "big")),
    ("vendor-class.enterprise", (4491).to_bytes(4, "big")),
    # Kea keeps each enterprise block of option 124 as one opaque "tuple".
    ("vendor-class[4491].data", b"\x06docsis\x033.0"),
    ("vendor-class[*].data[1]", b"\x01x"), ("vendor-class[*].data[2]", b""),
    ("vendor-class[9].data", b""),
    ("pkt.iface", b"eth0"), ("pkt.src", bytes([192, 0, 2, 7])), ("pkt.dst", b"\xff" * 4),
    ("pkt4.mac", MAC), ("pkt4.hlen", b"\0\0\0\x06"), ("pkt4.htype", b"\0\0\0\x01"),
    ("pkt4.ciaddr", bytes(4)), ("pkt4.msgtype", b"\0\0\0\x01"),
    ("pkt4.transid", b"\0\0\x10\x01"),
    ("substring('foobar', -1, -3)", b"oba"), ("substring('foobar', 2, all)", b"obar"),
    ("split('a..b', '.', 3)", b"b"), ("concat('a', 'b')", b"ab"),
    ("ifelse(option[12].exists, 'y', 'n')", b"y"),
    ("hexstring(pkt4.mac, '-')", b"02-00-00-00-00-01"),
    ("hexstring(0x0102, '::')", b"01::02"), ("addrtotext(pkt4.giaddr)", b"0.0.0.0"),
    ("addrtotext(2001:db8:0:0:1:0:0:1)", b"2001:db8::1:0:0:1"),
    ("int8totext(0x80)", b"-128"), ("int16totext(0xffff)", b"-1"),
    ("int32totext(0x80000000)", b"-2147483648"), ("uint8totext(0x80)", b"128"),
    ("uint16totext(0x0100)", b"256"), ("uint32totext(0xffffffff)", b"4294967295"),
    ("lcase('AbC')", b"abc"), ("ucase(option[60].text)", b"DOCSIS3.0"),
])
def test_values(text: str, expected: bytes) -> None:
    assert value(text) == expected


def test_packet_length_is_keas_computation() -> None:
    # 236 header octets + options as Kea writes them back: 53 (3), 60 (11), 61 (9),
    # 12 without its NUL (10), 55 (5), 43 (7), 82 (19), 124 (2+16+7), 125 (17),
    # 250 (4), 251 (2).
    assert value("pkt.len") == (236 + 3 + 11 + 9 + 10 + 5 + 7 + 19 + 25 + 17 + 4 + 2
                                ).to_bytes(4, "big")


@pytest.mark.parametrize(("text", "expected"), [
    ("option[60].exists", True), ("option[99].exists", False), ("option[251].exists", True),
    ("option[82].option[2].exists", True), ("option[82].option[9].exists", False),
    ("option[61].option[1].exists", False), ("relay4[1].exists", True),
    ("vendor[4491].exists", True), ("vendor[*].exists", True), ("vendor[0].exists", True),
    ("vendor[9].exists", False), ("vendor[4491].option[1].exists", True),
    ("vendor[4491].option[7].exists", False), ("vendor-class[4491].exists", True),
    ("vendor-class[9].exists", False),  # only the first enterprise is examined
    ("vendor-class[*].exists", True),
    ("option[60].hex == 'docsis3.0' and option[12].exists", True),
    ("not option[60].exists or pkt4.hlen == 6", True),
    ("match('docsis[0-9.]+', option[60].text)", True), ("match('docsis', option[60].text)", False),
])
def test_booleans(text: str, expected: bool) -> None:
    assert holds(text) is expected


def test_absent_vendor_options() -> None:
    bare = ctx(packet())
    assert value("vendor.enterprise", bare) == b""
    assert value("vendor-class[*].data", bare) == b""
    assert value("vendor[*].option[1].hex", bare) == b""
    assert not holds("vendor[*].exists", bare)
    assert not holds("vendor[*].option[1].exists", bare)
    assert not holds("vendor-class[*].exists", bare)
    assert value("pkt4.msgtype", ctx(parse4(Packet4(chaddr=MAC).serialize()))) == bytes(4)


def test_members_and_known() -> None:
    assigned = ["ALL", "gold"]
    c = ctx(classes=assigned)
    assert holds("member('gold') and not member('silver')", c)
    assigned.append("silver")  # the engine's own list: later tests see new members
    assert not holds("member('gold') and not member('silver')", c)
    assert not holds("member('KNOWN')", c)
    assert holds("member('KNOWN')", ctx(known=True))
    assert holds("member('UNKNOWN')", ctx(known=False))
    assert not holds("member('UNKNOWN')", ctx(known=True))
    assert holds("member('KNOWN')", ctx(classes={"KNOWN"}))


@pytest.mark.parametrize("text", [
    "addrtotext(0x010203) == ''", "uint8totext(0x0102) == ''", "int16totext(0x01) == ''",
    "uint32totext(0x01) == ''", "substring('abc', 99999999999, 1) == ''",
    "substring('abc', 0, -99999999999) == ''", "split('a.b', '.', 99999999999) == ''",
])
def test_evaluation_errors_fail_the_test(text: str) -> None:
    expr = compile_expression(text)
    with pytest.raises(EvalError):
        expr.evaluate(ctx())
    assert not expr.matches(ctx())
    assert not compile_expression(f"not ({text})").matches(ctx())


def test_conversions_skip_empty_operands() -> None:
    # Kea converts nothing when the operand is empty, so no error either.
    assert value("substring('', 99999999999, 1)") == b""
    assert value("split('', '.', 99999999999)") == b""
    assert value("addrtotext('')") == b""
    assert value("int8totext('')") == b""


def test_short_cut_and_strict_forms() -> None:
    # Kea 3.x: and/or/ifelse evaluate only what decides; sand/sor/sifelse everything.
    assert holds("'a' == 'a' or addrtotext(0x01) == ''")
    assert not holds("'a' == 'a' sor addrtotext(0x01) == ''")
    assert not holds("'a' == 'b' and addrtotext(0x01) == ''")
    assert not holds("'a' == 'b' sand addrtotext(0x01) == ''")
    assert holds("ifelse('a' == 'a', 'x', addrtotext(0x01)) == 'x'")
    assert not holds("sifelse('a' == 'a', 'x', addrtotext(0x01)) == 'x'")


def test_context_reads_addresses_lazily() -> None:
    c = Context4(VENDORISH, src=0xC0000207, dst=bytes([192, 0, 2, 1]))
    assert value("pkt.src", c) == bytes([192, 0, 2, 7])
    assert value("pkt.dst", c) == bytes([192, 0, 2, 1])
    assert value("addrtotext(pkt.src)", Context4(VENDORISH)) == b"0.0.0.0"
