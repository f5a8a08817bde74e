"""DHCPv4 codec: header, options, overload, RFC 3396, sizes and errors.

Fixtures marked "captured" are the UDP payloads of real programs, taken on a
veth pair: ISC dhclient 4.4, busybox udhcpc 1.35, dhcpcd 9 and Kea 2.2.0
answering them. They are stored as header + options, the padding restored.
"""

from __future__ import annotations

import struct

import pytest

from nestor.errors import MalformedPacket, OptionDataError
from nestor.wire.packet4 import (
    BOOTREPLY,
    BOOTREQUEST,
    MessageType,
    Packet4,
    PacketTooBig,
    Quirk,
    ip4_text,
    parse4,
)

MAC = bytes.fromhex("1ae1c4bb2765")
COOKIE = bytes((99, 130, 83, 99))


def wire(options: bytes, *, op: int = 1, xid: int = 0x01020304, chaddr: bytes = MAC,
         hlen: int | None = None, flags: int = 0, ciaddr: int = 0, yiaddr: int = 0,
         giaddr: int = 0, hops: int = 0, sname: bytes = b"", file: bytes = b"",
         total: int = 0) -> bytes:
    """A datagram built by hand (independently of the codec under test)."""
    head = struct.pack("!BBBBIHHIIII16s64s128s", op, 1, len(chaddr) if hlen is None else hlen,
                       hops, xid, 0, flags, ciaddr, yiaddr, 0, giaddr, chaddr, sname, file)
    data = head + COOKIE + options
    return data + bytes(max(0, total - len(data)))


def captured(head44: str, options: str, total: int) -> bytes:
    data = bytes.fromhex(head44).ljust(236, b"\0") + COOKIE + bytes.fromhex(options)
    return data.ljust(total, b"\0")


# captured: dhclient DISCOVER (53, 12 "vm", 55 with 13 codes), 300 octets
DHCLIENT_DISCOVER = captured(
    "0101060022a9aa4200000000000000000000000000000000000000001ae1c4bb2765",
    "3501010c02766d370d011c02030f06770c2c2f1a792aff", 300)
# captured: Kea 2.2 OFFER to it, 307 octets (no padding)
KEA_OFFER = captured(
    "0201060022a9aa420000000000000000c000026400000000000000001ae1c4bb2765",
    "3501020104ffffff000304c00002010608c0000201c00002020c02766d0f0b6578616d706c652e6f7267"
    "330400000fa03604c00002013a04000003e83b04000007d0ff", 307)
# captured: udhcpc DISCOVER (57=576, 60 "udhcp 1.35.0", 61 from the MAC), 300 octets
UDHCPC_DISCOVER = captured(
    "0101060070e30e1a00000000000000000000000000000000000000001ae1c4bb2765",
    "3501013902024037070103060c0f1c2a0c066d79686f73743c0c756468637020312e33352e30"
    "3d07011ae1c4bb2765ff", 300)
# captured: udhcpc REQUEST (50, 54), exactly 300 octets with no padding at all
UDHCPC_REQUEST = captured(
    "0101060070e30e1a00000000000000000000000000000000000000001ae1c4bb2765",
    "3501033204c00002643604c00002013902024037070103060c0f1c2a0c066d79686f73743c0c7564"
    "68637020312e33352e303d07011ae1c4bb2765ff", 300)
# captured: dhcpcd DISCOVER (57=1472, RFC 4361 client id, 116, 145), 300 octets
DHCPCD_DISCOVER = captured(
    "010106002e8b8a2600000000000000000000000000000000000000001ae1c4bb2765",
    "350101370e017903060c0f1a1c2133363a3b77390205c03d13ffc4bb276500010001329e8cb31ae1c4"
    "bb2765740101910101ff", 300)
# captured: Kea 2.2 NAK, 250 octets: Kea does not pad to the BOOTP minimum
KEA_NAK = captured(
    "020106000000123400008000000000000000000000000000000000001ae1c4bb2765",
    "3501063604c0000201ff", 250)

REAL = {"dhclient-discover": DHCLIENT_DISCOVER, "kea-offer": KEA_OFFER,
        "udhcpc-discover": UDHCPC_DISCOVER, "udhcpc-request": UDHCPC_REQUEST,
        "dhcpcd-discover": DHCPCD_DISCOVER, "kea-nak": KEA_NAK}


def aggregate_codes(data: bytes) -> list[int]:
    """Option codes in RFC 3396 aggregate order: options field, file, sname."""
    areas = [data[240:]]
    opts_codes = _walk(data[240:])
    overload = next((v[0] for c, v in opts_codes if c == 52), 0)
    if overload & 1:
        areas.append(data[108:236])
    if overload & 2:
        areas.append(data[44:108])
    return [c for area in areas for c, _ in _walk(area)]


def _walk(area: bytes) -> list[tuple[int, bytes]]:
    out, pos = [], 0
    while pos < len(area) and area[pos] != 255:
        if area[pos] == 0:
            pos += 1
            continue
        n = area[pos + 1]
        out.append((area[pos], area[pos + 2:pos + 2 + n]))
        pos += 2 + n
    return out


# --- real packets ---------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(REAL))
def test_real_packets_round_trip_byte_exact(name: str) -> None:
    data = REAL[name]
    p = parse4(data)
    assert p.quirks == 0
    assert p.serialize() == data


def test_dhclient_discover_fields() -> None:
    p = parse4(DHCLIENT_DISCOVER)
    assert (p.op, p.htype, p.hlen, p.hops, p.xid) == (BOOTREQUEST, 1, 6, 0, 0x22A9AA42)
    assert (p.secs, p.flags, p.ciaddr, p.yiaddr, p.siaddr, p.giaddr) == (0, 0, 0, 0, 0, 0)
    assert p.hwaddr == MAC and p.chaddr == MAC + bytes(10)
    assert p.sname == bytes(64) and p.file == bytes(128)
    assert list(p.options) == [53, 12, 55]
    assert p.message_type is MessageType.DISCOVER
    assert p.hostname == "vm"
    assert p.parameter_request_list == bytes((1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42))
    assert p.client_id is None and p.requested_address is None
    assert p.pad_to == 300


def test_kea_offer_fields() -> None:
    p = parse4(KEA_OFFER)
    assert p.op == BOOTREPLY and p.message_type == MessageType.OFFER
    assert ip4_text(p.yiaddr) == "192.0.2.100"
    assert ip4_text(p.server_id or 0) == "192.0.2.1"
    assert (p.lease_time, p.uint_option(58, 4), p.uint_option(59, 4)) == (4000, 1000, 2000)
    assert p.options[15] == b"example.org"
    assert p.options[6] == bytes((192, 0, 2, 1, 192, 0, 2, 2))


def test_udhcpc_and_dhcpcd_accessors() -> None:
    u = parse4(UDHCPC_REQUEST)
    assert u.message_type is MessageType.REQUEST
    assert ip4_text(u.requested_address or 0) == "192.0.2.100"
    assert u.max_message_size == 576 and u.reply_size_limit() == 576
    assert u.client_id == b"\x01" + MAC
    assert u.vendor_class_id == b"udhcp 1.35.0"
    d = parse4(DHCPCD_DISCOVER)
    assert d.max_message_size == 1472 and d.reply_size_limit() == 1472
    assert d.client_id is not None and d.client_id[0] == 255


def test_reply_size_limit_never_below_576() -> None:
    p = parse4(wire(bytes((53, 1, 1, 57, 2, 1, 0, 255))))  # 57 = 256, illegal
    assert p.reply_size_limit() == 576
    assert parse4(wire(bytes((53, 1, 1, 255)))).reply_size_limit() == 576


def test_kea_nak_is_not_padded_but_new_packets_are() -> None:
    assert len(parse4(KEA_NAK).serialize()) == 250
    fresh = Packet4(BOOTREPLY, 0x1234, MAC, options={53: b"\x06", 54: bytes((192, 0, 2, 1))})
    out = fresh.serialize()
    assert len(out) == 300 and out[250:] == bytes(50)
    fresh.pad_to = 0
    assert len(out := fresh.serialize()) == 240 + 3 + 6 + 1 and out[-1] == 255


def test_large_padding_is_kept() -> None:
    data = wire(bytes((53, 1, 3, 255)), total=548)
    p = parse4(data)
    assert p.quirks == 0 and p.pad_to == 548
    assert p.serialize() == data


def test_memoryview_and_bytearray_input() -> None:
    assert parse4(memoryview(KEA_OFFER)) == parse4(bytearray(KEA_OFFER)) == parse4(KEA_OFFER)


# --- message types and accessors ---------------------------------------------------------

def test_message_type_values_and_unknown() -> None:
    assert MessageType.LEASEQUERY == 10 and MessageType.LEASEACTIVE == 13
    assert MessageType.BULKLEASEQUERY == 14 and MessageType.LEASEQUERYDONE == 15
    unknown = parse4(wire(bytes((53, 1, 200, 255)))).message_type
    assert unknown == 200 and unknown is not None and unknown.name == "UNKNOWN_200"
    assert MessageType(77).name == "UNKNOWN_77"
    assert parse4(wire(b"\xff")).message_type is None


@pytest.mark.parametrize(("options", "prop", "reason"), [
    (bytes((53, 2, 1, 1)), "message_type", "message type (53) has 2 octets"),
    (bytes((50, 3, 1, 2, 3)), "requested_address", "requested-address (50) has 3 octets"),
    (bytes((54, 5, 1, 2, 3, 4, 5)), "server_id", "server-id (54) has 5 octets"),
    (bytes((57, 1, 2)), "max_message_size", "max-message-size (57) has 1 octets"),
    (bytes((51, 0)), "lease_time", "lease-time (51) has 0 octets"),
])
def test_bad_fixed_length_options_raise_malformed(options: bytes, prop: str,
                                                  reason: str) -> None:
    p = parse4(wire(options + b"\xff"))
    with pytest.raises(MalformedPacket, match=reason.replace("(", r"\(").replace(")", r"\)")):
        getattr(p, prop)


def test_hostname_empty_and_nul_terminated() -> None:
    assert parse4(wire(bytes((12, 0, 255)))).hostname is None  # Kea ignores it too
    assert parse4(wire(bytes((12, 4)) + b"abc\0" + b"\xff")).hostname == "abc"


def test_flags_relay_and_repr() -> None:
    p = parse4(wire(bytes((53, 1, 1, 255)), flags=0x8000, giaddr=0x0A000001, hops=1))
    assert p.broadcast and ip4_text(p.giaddr) == "10.0.0.1"
    text = repr(p)
    assert "DISCOVER" in text and "xid=0x01020304" in text and "giaddr=10.0.0.1" in text
    assert "1a:e1:c4:bb:27:65" in text


def test_equality_ignores_option_order_not_content() -> None:
    a = Packet4(BOOTREQUEST, 7, MAC, options={53: b"\x01", 12: b"h"})
    b = Packet4(BOOTREQUEST, 7, MAC, options={12: b"h", 53: b"\x01"})
    assert a == b
    b.options[12] = b"g"
    assert a != b
    assert a != Packet4(BOOTREQUEST, 8, MAC, options={53: b"\x01", 12: b"h"})
    assert a != "not a packet"


# --- malformed input -------------------------------------------------------------------

def _with(data: bytes, offset: int, value: bytes) -> bytes:
    return data[:offset] + value + data[offset + len(value):]


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "truncated header: 0 octets"),
    (DHCLIENT_DISCOVER[:100], "truncated header: 100 octets"),
    (DHCLIENT_DISCOVER[:236], "no magic cookie"),
    (DHCLIENT_DISCOVER[:238], "truncated magic cookie: 2 of 4"),
    (_with(DHCLIENT_DISCOVER, 236, b"\x63\x82\x53\x64"), "bad magic cookie 0x63825364"),
    (_with(DHCLIENT_DISCOVER, 2, b"\x11"), "hlen 17"),
    (wire(bytes((52, 2, 1, 1, 255))), r"option overload \(52\) has 2 octets"),
    (wire(bytes((52, 1, 4, 255))), r"option overload \(52\) value 4"),
    (wire(bytes((52, 1, 0, 255))), r"option overload \(52\) value 0"),
])
def test_malformed_reasons(data: bytes, reason: str) -> None:
    with pytest.raises(MalformedPacket, match=reason):
        parse4(data)


def test_truncated_option_tolerated_like_kea_and_strict_refuses() -> None:
    data = wire(bytes((53, 1, 1, 12, 10)) + b"abc")  # 12 claims 10 octets, 3 present
    p = parse4(data)
    assert p.options == {53: b"\x01"}
    assert Quirk(p.quirks) == Quirk.TRUNCATED
    assert p.serialize() == data
    with pytest.raises(MalformedPacket, match="runs past the end"):
        parse4(data, strict=True)
    lone_code = wire(bytes((53, 1, 1, 61)))  # a code octet with no length
    assert parse4(lone_code).options == {53: b"\x01"}
    with pytest.raises(MalformedPacket, match="runs past the end"):
        parse4(lone_code, strict=True)


def test_truncated_second_instance_drops_only_that_instance() -> None:
    p = parse4(wire(bytes((43, 2)) + b"ab" + bytes((43, 9)) + b"cd"))
    assert p.options == {43: b"ab"}
    assert p.quirks == Quirk.CONCATENATED | Quirk.TRUNCATED
    p = parse4(wire(bytes((43, 0, 53, 1, 1, 43, 5)) + b"x"))
    assert p.options == {43: b"", 53: b"\x01"}


def test_missing_end_tolerated_like_kea_and_strict_refuses() -> None:
    data = wire(bytes((53, 1, 1, 12, 2)) + b"ab")
    p = parse4(data)
    assert p.options == {53: b"\x01", 12: b"ab"} and p.quirks == Quirk.NO_END
    assert p.serialize() == data
    with pytest.raises(MalformedPacket, match="no end option"):
        parse4(data, strict=True)


def test_pads_and_trailing_junk_are_kept_until_changed() -> None:
    data = wire(bytes((0, 0, 53, 1, 1, 0, 12, 1)) + b"h" + b"\xff" + b"junk", total=300)
    p = parse4(data)
    assert p.options == {53: b"\x01", 12: b"h"}
    assert Quirk(p.quirks) == Quirk.PADS | Quirk.TRAILING_DATA
    assert p.serialize() == data
    p.options[12] = b"x"  # a changed packet is written the regular way
    out = p.serialize()
    assert out[240:247] == bytes((53, 1, 1, 12, 1)) + b"x\xff"
    assert len(out) == 300 and out[247:] == bytes(53)
    assert parse4(out).quirks == 0


# --- RFC 3396 long options ---------------------------------------------------------------

def test_split_instances_are_joined_in_order() -> None:
    data = wire(bytes((43, 3)) + b"abc" + bytes((53, 1, 1, 43, 2)) + b"de"
                + bytes((43, 1)) + b"f" + b"\xff")
    p = parse4(data)
    assert p.options == {43: b"abcdef", 53: b"\x01"}
    assert Quirk(p.quirks) == Quirk.CONCATENATED
    assert p.serialize() == data


def test_long_option_is_split_into_consecutive_instances() -> None:
    value = bytes(range(256)) * 2 + b"tail"  # 516 octets
    p = Packet4(BOOTREPLY, 1, MAC, options={53: b"\x05", 43: value, 3: b"\x0a\0\0\x01"})
    out = p.serialize(max_size=1500)
    assert [c for c, _ in _walk(out[240:])] == [53, 43, 43, 43, 3]
    assert [len(v) for c, v in _walk(out[240:]) if c == 43] == [255, 255, 6]
    back = parse4(out)
    assert back == p and back.options[43] == value
    assert back.serialize() == out


# --- option 82 -------------------------------------------------------------------------

def test_option_82_always_goes_last() -> None:
    p = Packet4(BOOTREPLY, 1, MAC, options={53: b"\x02", 82: b"\x01\x02ab", 1: bytes(4)})
    out = p.serialize()
    assert [c for c, _ in _walk(out[240:])] == [53, 1, 82]
    assert list(p.options) == [53, 82, 1]  # the packet itself is not reordered


def test_option_82_not_last_on_the_wire_is_kept_verbatim() -> None:
    data = wire(bytes((53, 1, 3, 82, 4, 1, 2, 0x61, 0x62, 12, 1)) + b"h\xff", giaddr=1, hops=1)
    p = parse4(data)
    assert p.quirks == Quirk.RAI_NOT_LAST and p.relay_agent_info == [(1, b"ab")]
    assert p.serialize() == data
    p.hops = 2
    assert aggregate_codes(p.serialize()) == [53, 12, 82]


# --- option overload -------------------------------------------------------------------

def test_parse_overload_file_then_sname_order() -> None:
    # Pieces of option 43 in sname, options field and file; RFC 3396 joins
    # them options field first, then file, then sname.
    data = wire(bytes((53, 1, 1, 52, 1, 3, 43, 2)) + b"AB" + b"\xff",
                file=bytes((43, 2)) + b"CD" + bytes((12, 1)) + b"h\xff",
                sname=bytes((43, 2)) + b"EF" + b"\xff")
    p = parse4(data)
    assert p.options == {53: b"\x01", 43: b"ABCDEF", 12: b"h"}
    assert 52 not in p.options
    assert p.file == bytes(128) and p.sname == bytes(64)
    assert p.quirks & Quirk.OVERLOADED
    assert p.serialize() == data


@pytest.mark.parametrize(("value", "file_opts", "sname_opts"), [(1, True, False),
                                                               (2, False, True)])
def test_parse_overload_single_field(value: int, file_opts: bool, sname_opts: bool) -> None:
    area = bytes((12, 3)) + b"abc\xff"
    data = wire(bytes((53, 1, 1, 52, 1, value, 255)),
                file=area if file_opts else b"boot.img", sname=area if sname_opts else b"srv")
    p = parse4(data)
    assert p.options == {53: b"\x01", 12: b"abc"}
    assert p.file == (bytes(128) if file_opts else b"boot.img".ljust(128, b"\0"))
    assert p.sname == (bytes(64) if sname_opts else b"srv".ljust(64, b"\0"))


def _big_reply(**fields: bytes) -> Packet4:
    return Packet4(BOOTREPLY, 9, MAC, yiaddr=0xC0000264, options={
        53: b"\x02", 54: bytes((192, 0, 2, 1)), 43: b"v" * 200, 15: b"d" * 90,
        60: b"c" * 60, 82: b"\x01\x03abc"}, **fields)  # type: ignore[arg-type]


def test_serialize_overloads_into_file_when_options_do_not_fit() -> None:
    p = _big_reply()
    out = p.serialize()
    assert len(out) <= 576 - 28
    ov = dict(_walk(out[240:]))[52]
    assert ov in (b"\x01", b"\x03")
    assert aggregate_codes(out)[-1] == 82  # still last in the aggregate buffer
    back = parse4(out)
    assert back == p and back.file == bytes(128) and back.sname == bytes(64)
    assert back.serialize() == out
    assert len(p.serialize(max_size=1500)) > 576 - 28  # room enough: no overload
    assert 52 not in dict(_walk(p.serialize(max_size=1500)[240:]))


def test_serialize_overload_uses_sname_when_file_is_taken() -> None:
    p = _big_reply(file=b"pxelinux.0")
    p.options[60] = b"c" * 20
    out = p.serialize()
    assert dict(_walk(out[240:]))[52] == b"\x02"
    assert out[108:118] == b"pxelinux.0"
    back = parse4(out)
    assert back.options == p.options and back.file == p.file


def test_serialize_overload_uses_both_fields() -> None:
    p = _big_reply()
    p.options[66] = b"t" * 50
    p.options[67] = b"b" * 40
    out = p.serialize()
    assert dict(_walk(out[240:]))[52] == b"\x03"
    assert aggregate_codes(out)[-2:] == [67, 82]
    assert parse4(out) == p


def test_too_big_even_overloaded_raises() -> None:
    with pytest.raises(PacketTooBig, match="576-octet message"):
        _big_reply(file=b"f", sname=b"s").serialize()
    p = _big_reply()
    p.options[120] = bytes(600)
    with pytest.raises(PacketTooBig):
        p.serialize()
    assert isinstance(PacketTooBig("x"), OptionDataError)


def test_max_size_bounds_padding() -> None:
    p = Packet4(BOOTREPLY, 1, MAC, options={53: b"\x02"}, pad_to=1000)
    assert len(p.serialize(max_size=600)) == 572
    assert len(p.serialize(max_size=1500)) == 1000


# --- encoding errors ---------------------------------------------------------------------

@pytest.mark.parametrize("code", [0, 255])
def test_codec_owned_codes_refused(code: int) -> None:
    with pytest.raises(OptionDataError, match="written by the codec"):
        Packet4(options={code: b"\x01"}).serialize()


def test_configured_option_52_is_written_as_given_unless_overloading() -> None:
    # Kea's all-options.json configures option-overload = 3 with empty
    # file/sname; Kea sends it as is, and so do we.
    p = Packet4(BOOTREPLY, 1, MAC, options={53: b"\x02", 52: b"\x03", 54: bytes(4)})
    out = p.serialize()
    assert out[240:253] == bytes((53, 1, 2, 52, 1, 3, 54, 4, 0, 0, 0, 0, 255))
    back = parse4(out)  # read as overloaded areas holding nothing but pads
    assert back.options == {53: b"\x02", 54: bytes(4)}
    assert back.serialize() == out
    big = _big_reply()
    big.options[52] = b"\x02"
    out = big.serialize()
    assert [v for c, v in _walk(out[240:]) if c == 52] == [b"\x01"]


def test_bad_values_raise_option_data_error() -> None:
    with pytest.raises(OptionDataError):
        Packet4(options={300: b"x"}).serialize()
    with pytest.raises(OptionDataError):
        Packet4(xid=1 << 32).serialize()
    with pytest.raises(OptionDataError):
        Packet4(options={12: "text"}).serialize()  # type: ignore[dict-item]
    with pytest.raises(OptionDataError, match="longer than its field"):
        Packet4(chaddr=bytes(17))
    p = Packet4()
    p.file = bytes(129)
    with pytest.raises(OptionDataError, match="longer than its field"):
        p.serialize()


def test_constructor_defaults() -> None:
    p = Packet4(BOOTREQUEST, 5, MAC)
    assert p.hlen == 6 and p.htype == 1 and p.chaddr == MAC + bytes(10)
    assert len(p.sname) == 64 and len(p.file) == 128 and p.options == {}
    assert Packet4(chaddr=MAC, hlen=16).hlen == 16


def test_unknown_code_in_error_message() -> None:
    p = parse4(wire(bytes((200, 1, 1, 255))))
    with pytest.raises(MalformedPacket, match="option 200 has 1 octets, 4 expected"):
        p.uint_option(200, 4)
    assert parse4(wire(bytes((118, 4, 10, 0, 0, 0, 255)))).subnet_selection == 0x0A000000
