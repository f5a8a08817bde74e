"""Structures inside DHCPv4 options: 82, 43, 124, 125, client identifier."""

from __future__ import annotations

import pytest

from nestor.errors import MalformedPacket, OptionDataError
from nestor.wire.options4 import (
    OptionCode,
    RaiSubOption,
    build_rai,
    build_suboptions,
    build_vivco,
    build_vivso,
    client_id_duid,
    client_id_from_hwaddr,
    hwaddr_text,
    parse_hwaddr_text,
    parse_rai,
    parse_suboptions,
    parse_vendor_encapsulated,
    parse_vivco,
    parse_vivso,
    rai_get,
    split_client_id,
    u8,
    u16,
    u32,
)
from nestor.wire.packet4 import BOOTREQUEST, Packet4, parse4

MAC = bytes.fromhex("1ae1c4bb2765")


def test_rai_round_trip_keeps_order_and_duplicates() -> None:
    subs = [(RaiSubOption.REMOTE_ID, b"modem-7"), (RaiSubOption.CIRCUIT_ID, b"eth0/1"),
            (RaiSubOption.LINK_SELECTION, bytes((10, 0, 0, 0))),
            (RaiSubOption.SUBSCRIBER_ID, b"sub"), (RaiSubOption.SERVER_ID_OVERRIDE,
                                                   bytes((192, 0, 2, 1))),
            (RaiSubOption.RELAY_ID, b"\x00\x01id"), (RaiSubOption.CIRCUIT_ID, b"again")]
    raw = build_rai(subs)
    assert raw[:9] == b"\x02\x07modem-7"
    assert parse_rai(raw) == subs
    assert rai_get(parse_rai(raw), RaiSubOption.CIRCUIT_ID) == b"eth0/1"
    assert rai_get(parse_rai(raw), 99) is None


def test_rai_in_a_relayed_packet() -> None:
    p = Packet4(BOOTREQUEST, 3, MAC, giaddr=0x0A000001, hops=1,
                options={53: b"\x01", 82: build_rai([(1, b"c"), (2, b"r")])})
    back = parse4(p.serialize())
    assert back.relay_agent_info == [(1, b"c"), (2, b"r")]
    assert Packet4().relay_agent_info is None


@pytest.mark.parametrize(("raw", "reason"), [
    (b"\x01\x05abc", "relay agent sub-option 1 length 5 runs past the end"),
    (b"\x01\x01a\x02", "truncated relay agent sub-option 2: no length octet"),
])
def test_rai_malformed(raw: bytes, reason: str) -> None:
    with pytest.raises(MalformedPacket, match=reason):
        parse_rai(raw)


def test_rai_has_no_pad_or_end() -> None:
    # RFC 3046: code 0 and 255 are ordinary sub-option codes inside option 82.
    assert parse_rai(b"\x00\x01a\xff\x00") == [(0, b"a"), (255, b"")]


def test_build_suboptions_refuses_oversize() -> None:
    with pytest.raises(OptionDataError, match="at most 255"):
        build_suboptions([(1, bytes(256))])
    with pytest.raises(OptionDataError, match=r"not in 0\.\.255"):
        build_suboptions([(256, b"")])


def test_vendor_encapsulated_uses_options_syntax() -> None:
    # PXE-style option 43: pads skipped, parsing stops at the end sub-option.
    raw = b"\x06\x01\x08\x00\x00\x0a\x02ab\xff\x09\x09"
    assert parse_vendor_encapsulated(raw) == [(6, b"\x08"), (10, b"ab")]
    with pytest.raises(MalformedPacket, match="vendor-encapsulated sub-option 6"):
        parse_vendor_encapsulated(b"\x06\x04ab")
    assert parse_suboptions(b"") == []


def test_vivco_round_trip() -> None:
    entries = [(4491, [b"docsis3.0", b""]), (311, [b"MSFT 5.0"])]
    raw = build_vivco(entries)
    assert raw[:5] == bytes((0, 0, 0x11, 0x8B, 11))
    assert parse_vivco(raw) == entries


@pytest.mark.parametrize(("raw", "reason"), [
    (b"\x00\x00\x11", r"truncated V-I vendor class \(124\): 3 octets left"),
    (b"\x00\x00\x11\x8b\x05ab", "data-len 5 for enterprise 4491 runs past the end"),
    (b"\x00\x00\x11\x8b\x03\x05ab", "item of 5 octets runs past"),
])
def test_vivco_malformed(raw: bytes, reason: str) -> None:
    with pytest.raises(MalformedPacket, match=reason):
        parse_vivco(raw)


def test_vivso_round_trip_and_errors() -> None:
    entries = [(4491, [(1, b"\x01\x02"), (2, b"")]), (3561, [(4, b"serial")])]
    raw = build_vivso(entries)
    assert parse_vivso(raw) == entries
    with pytest.raises(MalformedPacket, match="vendor 4491 sub-option 1 length 9"):
        parse_vivso(b"\x00\x00\x11\x8b\x03\x01\x09a")
    with pytest.raises(MalformedPacket, match=r"V-I vendor-specific \(125\)"):
        parse_vivso(b"\x00\x00\x11\x8b\x09\x01")
    with pytest.raises(OptionDataError, match="data-len allows 255"):
        build_vivso([(1, [(1, bytes(200)), (2, bytes(100))])])
    with pytest.raises(OptionDataError, match="not a 32-bit value"):
        build_vivco([(1 << 32, [b"x"])])
    with pytest.raises(OptionDataError, match="max 255"):
        build_vivco([(1, [bytes(256)])])


def test_vivso_joined_across_instances() -> None:
    # RFC 3925 section 4: several 125 instances are concatenated (RFC 3396).
    first = build_vivso([(4491, [(1, b"a")])])
    second = build_vivso([(3561, [(2, b"b")])])
    head = Packet4().serialize()[:240] + b"\x35\x01\x01"  # header, cookie, option 53
    wire = head + bytes((125, len(first))) + first + bytes((125, len(second))) + second + b"\xff"
    p = parse4(wire)
    assert parse_vivso(p.options[125]) == [(4491, [(1, b"a")]), (3561, [(2, b"b")])]


def test_client_id_helpers() -> None:
    assert split_client_id(b"\x01" + MAC) == (1, MAC)
    with pytest.raises(MalformedPacket, match="at least 2"):
        split_client_id(b"\x01")
    duid = bytes.fromhex("00010001329e8cb31ae1c4bb2765")
    cid = b"\xff" + bytes.fromhex("c4bb2765") + duid
    assert client_id_duid(cid) == (0xC4BB2765, duid)
    assert client_id_duid(b"\x01" + MAC) is None
    with pytest.raises(MalformedPacket, match="RFC 4361"):
        client_id_duid(b"\xff\x00\x00\x00\x01\x00")
    assert client_id_from_hwaddr(1, MAC) == b"\x01" + MAC


def test_hwaddr_text() -> None:
    assert hwaddr_text(MAC) == "1a:e1:c4:bb:27:65"
    assert parse_hwaddr_text("1a:e1:c4:bb:27:65") == MAC
    assert parse_hwaddr_text("1A-E1-C4-BB-27-65") == MAC
    assert parse_hwaddr_text("") == b""
    for bad in ("1a::27", "1ff:00", "zz:00"):
        with pytest.raises(OptionDataError):
            parse_hwaddr_text(bad)


def test_small_encoders_and_codes() -> None:
    assert (u8(2), u16(576), u32(4000)) == (b"\x02", b"\x02\x40", b"\x00\x00\x0f\xa0")
    assert OptionCode.RELAY_AGENT_INFORMATION == 82 and OptionCode.VIVSO == 125
    assert RaiSubOption.RELAY_SOURCE_PORT == 19
