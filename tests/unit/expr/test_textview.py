"""``.text`` renderings of the option classes Kea picks from a definition.

The DHCPv4 standard options are also checked against Kea 2.2 in the interop test;
these cover definitions from configuration and the DHCPv6 layout. (Codes 224-254 would
not do: Kea decodes private options only after classification, so tests see them raw.)
"""

from __future__ import annotations

import pytest

from nestor.expr.textview import TextRenderer
from nestor.wire.optdefs import DataType as D
from nestor.wire.optdefs import OptionDefinition
from nestor.wire.stddefs import std_definitions

DEFS4 = std_definitions(4).copy()
for definition in [
    OptionDefinition("rec", 200, D.RECORD, "dhcp4", record_types=(D.UINT16, D.STRING)),
    OptionDefinition("flags", 201, D.BOOLEAN, "dhcp4", array=True),
    OptionDefinition("signed", 202, D.INT8, "dhcp4"),
    OptionDefinition("prefix", 203, D.IPV6_PREFIX, "dhcp4"),
    OptionDefinition("tup", 204, D.TUPLE, "dhcp4"),
    OptionDefinition("psid", 205, D.PSID, "dhcp4"),
    OptionDefinition("box", 206, D.EMPTY, "dhcp4", encapsulate="box-space"),
    OptionDefinition("boxed-name", 1, D.STRING, "box-space"),
    OptionDefinition("boxed-num", 2, D.UINT16, "box-space"),
    OptionDefinition("counter", 207, D.UINT8, "dhcp4", encapsulate="box-space"),
    OptionDefinition("private-name", 231, D.STRING, "dhcp4"),
]:
    DEFS4.add(definition)
R4 = TextRenderer(DEFS4, 4)


def text4(code: int, data: bytes) -> str:
    return R4.to_string(data, code, DEFS4.by_code("dhcp4", code), True).decode("latin-1")


@pytest.mark.parametrize(("code", "data", "expected"), [
    (200, b"\x00\x05abc", "type=200, len=005: 5 (uint16) \"abc\" (string)"),
    (201, b"\x01\x00", "type=201, len=002: true (boolean) false (boolean)"),
    (202, b"\xfe", "type=202, len=001: -2 (int8)"),
    (203, b"\x20\x20\x01\x0d\xb8", "type=203, len=005: 2001:db8::/32 (ipv6-prefix)"),
    (204, b"\x03abc", "type=204, len=004: \"abc\" (tuple)"),
    (205, b"\x04\x12\x34", "type=205, len=003: len=4,psid=4660 (psid)"),
    (206, b"\x02\x02\x00\x07\x01\x03abc",
     "type=206, len=009:,\noptions:\n  type=001, len=003: \"abc\" (string)\n"
     "  type=002, len=002: 7 (uint16)"),
    (207, b"\x09\x01\x01z", "type=207, len=004: 9 (uint8),\noptions:\n"
                            "  type=001, len=001: \"z\" (string)"),
    (81, b"\x00\x00\x00host", "type=81 (CLIENT_FQDN), flags: (N=0, E=0, O=0, S=0), "
                              "domain-name='host' (partial)"),
    (81, b"\x0d\x00\x00\x04host\x00", "type=81 (CLIENT_FQDN), flags: (N=1, E=1, O=0, S=1), "
                                      "domain-name='host.' (full)"),
    (81, b"\x04\x00\x00\x04host", "type=81 (CLIENT_FQDN), flags: (N=0, E=1, O=0, S=0), "
                                  "domain-name='host' (partial)"),
    (124, b"", "type=124, len=000: "),
    (230, b"\x01\x02", "type=230, len=002: 01:02"),
    (231, b"ab\x00", "type=231, len=003: 61:62:00"),  # private: no string class yet
    (3, b"\xc0\x00\x02\x01", "type=003, len=004: 192.0.2.1"),
    (12, b"name\x00\x00", "name"),
    (200, b"\x00", "type=200, len=001: 00"),  # too short for its record: shown raw
])
def test_dhcpv4(code: int, data: bytes, expected: str) -> None:
    assert text4(code, data) == expected


def test_dhcpv6_pads_codes_to_five_digits() -> None:
    defs = std_definitions(6)
    r6 = TextRenderer(defs, 6)

    def text6(code: int, data: bytes) -> str:
        return r6.to_string(data, code, defs.by_code("dhcp6", code), True).decode("latin-1")

    assert text6(1, b"\x00\x03") == "type=00001, len=00002: 00:03"
    assert text6(7, b"\x05") == "type=00007, len=00001: 5 (uint8)"
    assert text6(6, b"\x00\x17\x00\x18") == "type=00006, len=00004: 23(uint16) 24(uint16)"
    assert text6(8, b"\x00\x10") == "type=00008, len=00002: 16 (uint16)"
    assert text6(3, bytes(12)) == "type=00003(IA_NA), len=00012: iaid=0, t1=0, t2=0"
    prefix = (7).to_bytes(4, "big") + (9).to_bytes(4, "big") + b"\x38" + bytes.fromhex(
        "20010db8000100000000000000000000")
    assert text6(26, prefix) == ("type=00026(IAPREFIX), len=00025: prefix=2001:db8:1::/56, "
                                 "preferred-lft=7, valid-lft=9")
    assert text6(25, bytes(12) + b"\x00\x1a\x00\x19" + prefix) == (
        "type=00025(IA_PD), len=00041: iaid=0, t1=0, t2=0,\noptions:\n"
        "  type=00026(IAPREFIX), len=00025: prefix=2001:db8:1::/56, preferred-lft=7, "
        "valid-lft=9")
