"""DHCPv6 codec: every structure, relay nesting, round trips and malformed input.

Packets are built here with plain struct packing from the RFC 8415 layouts, so
the codec is checked against the RFC rather than against itself.
"""

from __future__ import annotations

import struct
from ipaddress import IPv6Address, IPv6Network

import pytest

from nestor.errors import MalformedPacket, OptionDataError
from nestor.wire.packet6 import (
    IANA,
    IAPD,
    IATA,
    MAX_NESTING,
    ClientId,
    ClientLinkLayerAddr,
    ElapsedTime,
    IAAddress,
    IAPrefix,
    InterfaceId,
    Message6,
    MessageType,
    OptionRequest,
    Preference,
    RapidCommit,
    RawOption6,
    ReconfigureAccept,
    ReconfigureMessage,
    RelayMessage6,
    RelayMsg,
    RemoteId,
    ServerId,
    ServerUnicast,
    Status6,
    StatusCode,
    UserClass,
    VendorClass,
    VendorOpts,
    innermost,
    kea_message_name,
    parse6,
    relay_chain,
)

A1 = IPv6Address("2001:db8::1").packed
A2 = IPv6Address("2001:db8::2").packed
LL1 = IPv6Address("fe80::1").packed
PFX = IPv6Address("2001:db8:100::").packed
DUID = bytes.fromhex("000100012a3b4c5d0a1b2c3d4e5f")


def opt(code: int, payload: bytes = b"") -> bytes:
    return struct.pack("!HH", code, len(payload)) + payload


def msg(msg_type: int, xid: int, *options: bytes) -> bytes:
    return struct.pack("!I", (msg_type << 24) | xid) + b"".join(options)


def relay(msg_type: int, hops: int, link: bytes, peer: bytes, *options: bytes) -> bytes:
    return bytes([msg_type, hops]) + link + peer + b"".join(options)


def iaaddr(addr: bytes, pref: int, valid: int, *sub: bytes) -> bytes:
    return opt(5, addr + struct.pack("!II", pref, valid) + b"".join(sub))


def status(code: int, text: bytes = b"") -> bytes:
    return opt(13, struct.pack("!H", code) + text)


def roundtrip(data: bytes) -> Message6 | RelayMessage6:
    parsed = parse6(data)
    assert parsed.serialize() == data
    return parsed


# --- client/server messages ----------------------------------------------------------------


def test_solicit_header_and_options_in_order() -> None:
    data = msg(1, 0xABCDEF,
               opt(1, DUID), opt(8, b"\x00\x64"), opt(6, b"\x00\x17\x00\x18"),
               opt(3, struct.pack("!III", 7, 0, 0)), opt(14))
    m = roundtrip(data)
    assert isinstance(m, Message6)
    assert m.msg_type == MessageType.SOLICIT
    assert m.transaction_id == 0xABCDEF
    assert m.options == [ClientId(DUID), ElapsedTime(100), OptionRequest([23, 24]),
                         IANA(7, 0, 0, []), RapidCommit()]
    assert m.client_id == DUID
    assert m.server_id is None


def test_header_only_message() -> None:
    m = roundtrip(msg(11, 1))
    assert isinstance(m, Message6)
    assert (m.msg_type, m.transaction_id, m.options) == (MessageType.INFORMATION_REQUEST, 1, [])


def test_unknown_message_type_is_tolerated() -> None:
    m = roundtrip(msg(200, 5, opt(1, DUID)))
    assert m.msg_type == 200
    assert m.msg_type.name == "UNKNOWN_200"  # type: ignore[attr-defined]
    assert kea_message_name(m.msg_type) == "UNKNOWN"


@pytest.mark.parametrize(("code", "name"), [
    (1, "SOLICIT"), (11, "INFORMATION_REQUEST"), (12, "RELAY_FORWARD"), (13, "RELAY_REPLY"),
    (14, "LEASEQUERY"), (15, "LEASEQUERY_REPLY"), (20, "DHCPV4_QUERY"), (21, "DHCPV4_RESPONSE"),
    (16, "UNKNOWN"),
])
def test_kea_message_names(code: int, name: str) -> None:
    assert kea_message_name(code) == name


@pytest.mark.parametrize("msg_type", [14, 15, 18, 20, 21, 24])
def test_newer_message_types_use_client_server_layout(msg_type: int) -> None:
    m = roundtrip(msg(msg_type, 0x010203, opt(87, b"\x01\x01\x06\x00")))
    assert isinstance(m, Message6)
    assert m.transaction_id == 0x010203
    assert m.options == [RawOption6(87, b"\x01\x01\x06\x00")]


def test_repeated_options_keep_their_order() -> None:
    def ia(iaid: int) -> bytes:
        return opt(3, struct.pack("!III", iaid, 0, 0))

    data = msg(3, 9, ia(1), opt(1, DUID), ia(2), opt(65000, b"x"), ia(3))
    m = roundtrip(data)
    assert [o.code for o in m.options] == [3, 1, 3, 65000, 3]
    assert [ia.iaid for ia in m.find_all(IANA)] == [1, 2, 3]


def test_unknown_options_are_kept_raw() -> None:
    m = roundtrip(msg(1, 1, opt(23, A1 + A2), opt(39, b"\x00\x04host"), opt(0, b""),
                      opt(65535, b"\xff" * 3)))
    assert m.options == [RawOption6(23, A1 + A2), RawOption6(39, b"\x00\x04host"),
                         RawOption6(0, b""), RawOption6(65535, b"\xff\xff\xff")]
    assert m.get(39) is not None and m.get(39).payload() == b"\x00\x04host"  # type: ignore[union-attr]


def test_relay_message_option_in_a_client_message_stays_raw() -> None:
    # Option 9 only means "relayed message" inside a relay message (RFC 8415 section 21.10).
    m = roundtrip(msg(1, 1, opt(9, b"\x01\x00\x00\x01")))
    assert m.options == [RawOption6(9, b"\x01\x00\x00\x01")]


def test_memoryview_and_bytearray_input() -> None:
    data = msg(1, 2, opt(1, DUID))
    assert parse6(memoryview(data)) == parse6(bytearray(data)) == parse6(data)


# --- identity associations -----------------------------------------------------------------


def test_ia_na_with_addresses_and_status_codes() -> None:
    ia = opt(3, struct.pack("!III", 0xDEADBEEF, 1800, 2880)
             + iaaddr(A1, 3600, 7200, status(0, b"ok"))
             + iaaddr(A2, 0, 0)
             + status(2, b"no addresses"))
    m = roundtrip(msg(7, 1, ia))
    (iana,) = m.find_all(IANA)
    assert (iana.iaid, iana.t1, iana.t2) == (0xDEADBEEF, 1800, 2880)
    first, second = iana.find_all(IAAddress)
    assert first.ip == IPv6Address("2001:db8::1")
    assert (first.preferred, first.valid) == (3600, 7200)
    assert first.find(StatusCode) == StatusCode(Status6.SUCCESS, "ok")
    assert second.ip == IPv6Address("2001:db8::2") and second.options == []
    assert iana.find(StatusCode) == StatusCode(Status6.NO_ADDRS_AVAIL, "no addresses")


def test_ia_ta() -> None:
    m = roundtrip(msg(1, 1, opt(4, struct.pack("!I", 5) + iaaddr(A1, 1, 2))))
    assert m.options == [IATA(5, [IAAddress(A1, 1, 2)])]


def test_ia_pd_with_prefixes() -> None:
    pfx = opt(26, struct.pack("!IIB", 100, 200, 56) + PFX + status(6, b"none"))
    hint = opt(26, struct.pack("!IIB", 0, 0, 48) + bytes(16))
    m = roundtrip(msg(7, 1, opt(25, struct.pack("!III", 11, 50, 80) + pfx + hint)))
    (pd,) = m.find_all(IAPD)
    assert (pd.iaid, pd.t1, pd.t2) == (11, 50, 80)
    p1, p2 = pd.find_all(IAPrefix)
    assert p1.network == IPv6Network("2001:db8:100::/56")
    assert (p1.preferred, p1.valid) == (100, 200)
    assert p1.find(StatusCode) == StatusCode(Status6.NO_PREFIX_AVAIL, "none")
    assert p2.network == IPv6Network("::/48")


def test_prefix_hint_with_host_bits_round_trips() -> None:
    # A client hint need not be a clean network; the bytes are kept as sent.
    pfx = opt(26, struct.pack("!IIB", 0, 0, 32) + A1)
    m = roundtrip(msg(1, 1, opt(25, struct.pack("!III", 1, 0, 0) + pfx)))
    assert m.find(IAPD).find(IAPrefix).network == IPv6Network("2001:db8::/32")  # type: ignore[union-attr]


# --- small typed options -------------------------------------------------------------------


@pytest.mark.parametrize(("wire", "typed"), [
    (opt(1, DUID), ClientId(DUID)),
    (opt(2, b"\x00\x03\x00\x01" + b"\x02" * 6), ServerId(b"\x00\x03\x00\x01" + b"\x02" * 6)),
    (opt(6, b""), OptionRequest([])),
    (opt(6, b"\x00\x17\x00\x18\x00\x27"), OptionRequest([23, 24, 39])),
    (opt(7, b"\xff"), Preference(255)),
    (opt(8, b"\xff\xff"), ElapsedTime(0xFFFF)),
    (opt(12, A1), ServerUnicast(A1)),
    (opt(13, b"\x00\x01"), StatusCode(Status6.UNSPEC_FAIL, "")),
    (opt(13, b"\x00\x63" + "héllo ✓".encode()), StatusCode(99, "héllo ✓")),
    (opt(14), RapidCommit()),
    (opt(15, b""), UserClass([])),
    (opt(15, b"\x00\x03abc\x00\x00\x00\x01z"), UserClass([b"abc", b"", b"z"])),
    (opt(16, b"\x00\x00\x01\x37"), VendorClass(311, [])),
    (opt(16, b"\x00\x00\x01\x37\x00\x08MSFT 5.0"), VendorClass(311, [b"MSFT 5.0"])),
    (opt(17, b"\x00\x00\x11\x8b" + opt(3, b"abc") + opt(1, b"")),
     VendorOpts(4491, [RawOption6(3, b"abc"), RawOption6(1, b"")])),
    (opt(18, b"eth0.42"), InterfaceId(b"eth0.42")),
    (opt(19, b"\x05"), ReconfigureMessage(5)),
    (opt(20), ReconfigureAccept()),
    (opt(37, b"\x00\x00\x0d\xe9" + b"circuit-1"), RemoteId(3561, b"circuit-1")),
    (opt(79, b"\x00\x01" + b"\x0a\x1b\x2c\x3d\x4e\x5f"),
     ClientLinkLayerAddr(1, b"\x0a\x1b\x2c\x3d\x4e\x5f")),
])
def test_typed_option(wire: bytes, typed: object) -> None:
    m = roundtrip(msg(2, 1, wire))
    assert m.options == [typed]
    assert m.options[0].to_bytes() == wire


def test_vendor_sub_options_are_not_decoded_as_standard_options() -> None:
    # Code 3 in the vendor space is not an IA_NA: a 3-byte payload must not be refused.
    m = roundtrip(msg(1, 1, opt(17, b"\x00\x00\x11\x8b" + opt(3, b"abc"))))
    vendor = m.find(VendorOpts)
    assert vendor is not None and vendor.get(3) == RawOption6(3, b"abc")


def test_status_message_with_invalid_utf8_round_trips() -> None:
    data = msg(7, 1, status(1, b"bad \xff\xfe utf8"))
    m = roundtrip(data)
    st = m.find(StatusCode)
    assert st is not None and st.status == Status6.UNSPEC_FAIL


def test_option_list_helpers() -> None:
    m = Message6(MessageType.REPLY, 1, [ClientId(DUID), IANA(1), RawOption6(23, A1), IANA(2)])
    assert m.get(3) == IANA(1)
    assert m.get_all(3) == [IANA(1), IANA(2)]
    assert m.find(ClientId) == ClientId(DUID)
    assert m.find(ServerId) is None
    assert m.has(23) and not m.has(24)
    assert m.remove(3) == 2
    assert m.options == [ClientId(DUID), RawOption6(23, A1)]


# --- building ------------------------------------------------------------------------------


def test_building_a_reply_produces_rfc_layout() -> None:
    reply = Message6(MessageType.REPLY, 0x123456, [
        ServerId(DUID), ClientId(DUID),
        IANA(1, 100, 200, [IAAddress(A1, 300, 400), StatusCode(Status6.SUCCESS, "All good")]),
        Preference(10),
    ])
    expected = msg(7, 0x123456, opt(2, DUID), opt(1, DUID),
                   opt(3, struct.pack("!III", 1, 100, 200) + iaaddr(A1, 300, 400)
                       + status(0, b"All good")),
                   opt(7, b"\x0a"))
    assert reply.serialize() == expected
    assert parse6(expected) == reply


@pytest.mark.parametrize("bad", [
    Message6(1, 0x1000000),                                   # transaction id over 24 bits
    Message6(256, 1),
    Message6(1, 1, [IAAddress(A1[:15], 1, 2)]),                # address not 16 bytes
    Message6(1, 1, [IANA(1, 2**32, 0)]),                       # T1 over 32 bits
    Message6(1, 1, [IAPrefix(1, 2, 129, PFX)]),                # prefix length over 128
    Message6(1, 1, [ServerUnicast(b"\x00" * 4)]),
    Message6(1, 1, [RawOption6(99, bytes(70000))]),            # option over 65535 bytes
    Message6(1, 1, [UserClass([bytes(70000)])]),
    Message6(1, 1, [StatusCode(0, "\ud800")]),                 # lone surrogate: not UTF-8
    Message6(1, 1, [OptionRequest([70000])]),
    RelayMessage6(12, 0, A1[:8], LL1),
    RelayMessage6(12, 300, A1, LL1, [RelayMsg(Message6(1, 1))]),
])
def test_building_invalid_values_raises_option_data_error(bad: Message6 | RelayMessage6) -> None:
    with pytest.raises(OptionDataError):
        bad.serialize()


# --- relays --------------------------------------------------------------------------------


def test_single_relay() -> None:
    inner = msg(1, 0x111111, opt(1, DUID), opt(9, b"raw in client"))
    data = relay(12, 0, A1, LL1, opt(18, b"eth1"), opt(9, inner), opt(37, b"\x00\x00\x00\x09id"))
    r = roundtrip(data)
    assert isinstance(r, RelayMessage6)
    assert (r.msg_type, r.hop_count) == (MessageType.RELAY_FORW, 0)
    assert (r.link_ip, r.peer_ip) == (IPv6Address("2001:db8::1"), IPv6Address("fe80::1"))
    assert r.find(InterfaceId) == InterfaceId(b"eth1")
    assert r.find(RemoteId) == RemoteId(9, b"id")
    client = innermost(r)
    assert client.msg_type == MessageType.SOLICIT and client.transaction_id == 0x111111
    assert client.options[1] == RawOption6(9, b"raw in client")
    assert relay_chain(r) == [r]


def test_nested_relays_and_chain_order() -> None:
    client = msg(3, 0x42, opt(1, DUID))
    r2 = relay(12, 0, bytes(16), LL1, opt(79, b"\x00\x01\x02\x03\x04\x05\x06\x07"),
               opt(9, client))
    r1 = relay(12, 1, A2, A1, opt(18, b"uplink"), opt(9, r2))
    r0 = relay(12, 2, bytes(16), A2, opt(9, r1))
    top = roundtrip(r0)
    chain = relay_chain(top)
    # Kea's relay6[0] is the relay closest to the server, relay6[-1] the one nearest the client.
    assert [r.hop_count for r in chain] == [2, 1, 0]
    assert chain[-1].find(ClientLinkLayerAddr) == ClientLinkLayerAddr(1, bytes(range(2, 8)))
    assert chain[1].find(InterfaceId) == InterfaceId(b"uplink")
    assert innermost(top).transaction_id == 0x42
    assert relay_chain(innermost(top)) == []


def test_relay_reply_built_from_objects() -> None:
    reply = Message6(MessageType.REPLY, 7, [ServerId(DUID)])
    built = RelayMessage6(MessageType.RELAY_REPL, 0, A1, LL1,
                          [InterfaceId(b"eth1"), RelayMsg(reply)])
    wire = relay(13, 0, A1, LL1, opt(18, b"eth1"), opt(9, msg(7, 7, opt(2, DUID))))
    assert built.serialize() == wire
    assert parse6(wire) == built


def test_relay_of_a_client_message_with_unknown_type() -> None:
    r = roundtrip(relay(12, 0, A1, LL1, opt(9, msg(99, 1))))
    assert innermost(r).msg_type == 99


def test_maximum_nesting_is_accepted() -> None:
    data = msg(1, 1, opt(1, DUID))
    for _ in range(MAX_NESTING):
        data = relay(12, 0, A1, LL1, opt(9, data))
    top = roundtrip(data)
    assert len(relay_chain(top)) == MAX_NESTING


def test_relay_without_relay_message_builds_but_has_no_innermost() -> None:
    r = RelayMessage6(12, 0, A1, LL1, [InterfaceId(b"x")])
    assert r.inner is None
    with pytest.raises(MalformedPacket):
        innermost(r)


# --- malformed input -----------------------------------------------------------------------


def _deep_relays(levels: int) -> bytes:
    data = msg(1, 1)
    for _ in range(levels):
        data = relay(12, 0, A1, LL1, opt(9, data))
    return data


def _deep_ias(levels: int) -> bytes:
    data = b""
    for i in range(levels):
        data = opt(3, struct.pack("!III", i, 0, 0) + data)
    return msg(1, 1, data)


MALFORMED: list[tuple[str, bytes]] = [
    ("empty", b""),
    ("header cut short", b"\x01\x00\x00"),
    ("truncated option header", msg(1, 1, b"\x00\x01\x00")),
    ("trailing byte", msg(1, 1, opt(1, DUID), b"\x00")),
    ("option length past end", msg(1, 1, b"\x00\x01\x00\x10" + DUID[:4])),
    ("IA_NA shorter than 12", msg(1, 1, opt(3, bytes(11)))),
    ("IA_TA shorter than 4", msg(1, 1, opt(4, bytes(3)))),
    ("IA_PD shorter than 12", msg(1, 1, opt(25, bytes(8)))),
    ("IAADDR shorter than 24", msg(1, 1, opt(3, bytes(12) + opt(5, bytes(23))))),
    ("IAADDR at top level shorter than 24", msg(1, 1, opt(5, bytes(16)))),
    ("IAPREFIX shorter than 25", msg(1, 1, opt(25, bytes(12) + opt(26, bytes(24))))),
    ("IAPREFIX length 129", msg(1, 1, opt(26, struct.pack("!IIB", 0, 0, 129) + PFX))),
    ("IA_NA sub-option overruns", msg(1, 1, opt(3, bytes(12) + b"\x00\x05\x00\x30" + bytes(24)))),
    ("IA_NA trailing garbage", msg(1, 1, opt(3, bytes(12) + b"\x00"))),
    ("IAADDR status truncated",
     msg(1, 1, opt(3, bytes(12) + opt(5, A1 + bytes(8) + opt(13, b"\x00"))))),
    ("status code shorter than 2", msg(1, 1, opt(13, b"\x00"))),
    ("ORO odd length", msg(1, 1, opt(6, b"\x00\x17\x00"))),
    ("preference 2 bytes", msg(1, 1, opt(7, b"\x00\x00"))),
    ("preference empty", msg(1, 1, opt(7))),
    ("elapsed time 3 bytes", msg(1, 1, opt(8, b"\x00\x00\x00"))),
    ("elapsed time 1 byte", msg(1, 1, opt(8, b"\x00"))),
    ("unicast 15 bytes", msg(1, 1, opt(12, A1[:15]))),
    ("rapid commit with data", msg(1, 1, opt(14, b"\x00"))),
    ("reconfigure accept with data", msg(1, 1, opt(20, b"\x00"))),
    ("reconfigure message empty", msg(1, 1, opt(19))),
    ("user class truncated item length", msg(1, 1, opt(15, b"\x00\x02ab\x00"))),
    ("user class item past end", msg(1, 1, opt(15, b"\x00\x05ab"))),
    ("vendor class without enterprise", msg(1, 1, opt(16, b"\x00\x00\x01"))),
    ("vendor class item past end", msg(1, 1, opt(16, b"\x00\x00\x01\x37\x00\x09MSFT"))),
    ("vendor opts without enterprise", msg(1, 1, opt(17, b"\x00\x00"))),
    ("vendor sub-option overruns", msg(1, 1, opt(17, b"\x00\x00\x11\x8b\x00\x01\x00\x09abc"))),
    ("remote id without enterprise", msg(1, 1, opt(37, b"\x00\x00\x00"))),
    ("client link-layer without type", msg(1, 1, opt(79, b"\x01"))),
    ("relay shorter than 34", relay(12, 0, A1, LL1[:15])),
    ("relay without relay message", relay(12, 0, A1, LL1, opt(18, b"eth0"))),
    ("relay with two relay messages", relay(12, 0, A1, LL1, opt(9, msg(1, 1)), opt(9, msg(1, 2)))),
    ("relay message empty", relay(12, 0, A1, LL1, opt(9))),
    ("relay message truncated header", relay(12, 0, A1, LL1, opt(9, b"\x01\x00"))),
    ("relay message bad inner option",
     relay(12, 0, A1, LL1, opt(9, msg(1, 1, b"\x00\x01\x00\x09")))),
    ("inner relay too short", relay(12, 0, A1, LL1, opt(9, relay(12, 0, A1, b"")))),
    ("relay option past end", relay(13, 0, A1, LL1, b"\x00\x09\x00\x10" + msg(7, 1))),
    ("too many nested relays", _deep_relays(MAX_NESTING + 1)),
    ("far too many nested relays", _deep_relays(500)),
    ("options nested too deep", _deep_ias(MAX_NESTING + 2)),
    ("options nested far too deep", _deep_ias(2000)),
]


@pytest.mark.parametrize(("why", "data"), MALFORMED, ids=[why for why, _ in MALFORMED])
def test_malformed_input_raises_malformed_packet(why: str, data: bytes) -> None:
    with pytest.raises(MalformedPacket) as info:
        parse6(data)
    assert info.value.reason  # a reason a log line can show


def test_malformed_reasons_name_the_problem() -> None:
    with pytest.raises(MalformedPacket, match="IAADDR"):
        parse6(msg(1, 1, opt(5, bytes(10))))
    with pytest.raises(MalformedPacket, match="option 1 length 16"):
        parse6(msg(1, 1, b"\x00\x01\x00\x10"))
    with pytest.raises(MalformedPacket, match="nested deeper"):
        parse6(_deep_relays(MAX_NESTING + 1))


# --- real packets --------------------------------------------------------------------------
# Captured on a veth pair between network namespaces: isc-dhclient-4.4.3-P1 (-6 -N -P)
# against kea-dhcp6 2.2.0, and perfdhcp 2.2.0 (-6 -A1) acting as a relay. UDP payloads.

DHCLIENT_SOLICIT = (
    "012c56d60001000e00010001329e8e0c4a412b25dbdc00060008001700180027001f0008000200000003000c"
    "2b25dbdc00000e10000015180019000c2b25dbdc00000e1000001518")
KEA_ADVERTISE = (
    "022c56d60001000e00010001329e8e0c4a412b25dbdc0002000e00010001329e8e083a5341b61ff500030028"
    "2b25dbdc000003e8000007d00005001820010db800010000000000000000010000000bb800000fa000170010"
    "20010db80001000000000000000000010018000d076578616d706c6503636f6d00001900292b25dbdc000003"
    "e8000007d0001a001900000bb800000fa03820010db8800000000000000000000000")
KEA_RELEASE_REPLY = (
    "078c735a0001000e00010001329e8e0c4a412b25dbdc0002000e00010001329e8e083a5341b61ff50003003f"
    "2b25dbdc0000000000000000000d002f00004c656173652072656c65617365642e205468616e6b20796f752c"
    "20706c6561736520636f6d6520616761696e2e000d0029000053756d6d6172792073746174757320666f7220"
    "616c6c2070726f6365737365642049415f4e41730019003f2b25dbdc0000000000000000000d002f00004c65"
    "6173652072656c65617365642e205468616e6b20796f752c20706c6561736520636f6d6520616761696e2e")
PERFDHCP_RELAY_FORW = (
    "0c0020010db800020000000000000000000120010db800020000000000000000000100090044010000000001"
    "000e00010001329e8e17000c010203040003000c0000000100000e100000151800060004001700180008000200"
    "000019000c0000000100000e1000001518")
KEA_RELAY_REPL = (
    "0d0020010db800020000000000000000000120010db8000200000000000000000001000900b5020000000001"
    "000e00010001329e8e17000c010203040002000e00010001329e8e083a5341b61ff500030028000000010000"
    "03e8000007d00005001820010db800020000000000000000010000000bb800000fa00017001020010db80001"
    "000000000000000000010018000d076578616d706c6503636f6d0000190038000000010000000000000000000d"
    "00280006536f7272792c206e6f20707265666978657320636f756c6420626520616c6c6f63617465642e")


@pytest.mark.parametrize("hexdata", [DHCLIENT_SOLICIT, KEA_ADVERTISE, KEA_RELEASE_REPLY,
                                     PERFDHCP_RELAY_FORW, KEA_RELAY_REPL])
def test_real_packets_round_trip_byte_exact(hexdata: str) -> None:
    roundtrip(bytes.fromhex(hexdata))


def test_real_dhclient_solicit_and_kea_advertise_fields() -> None:
    solicit = innermost(parse6(bytes.fromhex(DHCLIENT_SOLICIT)))
    advertise = innermost(parse6(bytes.fromhex(KEA_ADVERTISE)))
    assert solicit.msg_type == MessageType.SOLICIT
    assert advertise.msg_type == MessageType.ADVERTISE
    assert solicit.transaction_id == advertise.transaction_id == 0x2C56D6
    assert solicit.client_id == advertise.client_id
    assert solicit.find(OptionRequest) == OptionRequest([23, 24, 39, 31])
    ia = advertise.find(IANA)
    assert ia is not None and ia.iaid == solicit.find(IANA).iaid  # type: ignore[union-attr]
    assert (ia.t1, ia.t2) == (1000, 2000)
    addr = ia.find(IAAddress)
    assert addr is not None and addr.ip == IPv6Address("2001:db8:1::100")
    assert (addr.preferred, addr.valid) == (3000, 4000)
    prefix = advertise.find(IAPD).find(IAPrefix)  # type: ignore[union-attr]
    assert prefix is not None and prefix.network == IPv6Network("2001:db8:8000::/56")
    assert advertise.get(23) == RawOption6(23, IPv6Address("2001:db8:1::1").packed)


def test_real_kea_relay_reply_fields() -> None:
    top = parse6(bytes.fromhex(KEA_RELAY_REPL))
    (hop,) = relay_chain(top)
    assert hop.msg_type == MessageType.RELAY_REPL
    assert hop.link_ip == hop.peer_ip == IPv6Address("2001:db8:2::1")
    pd = innermost(top).find(IAPD)
    assert pd is not None
    assert pd.find(StatusCode) == StatusCode(Status6.NO_PREFIX_AVAIL,
                                             "Sorry, no prefixes could be allocated.")
