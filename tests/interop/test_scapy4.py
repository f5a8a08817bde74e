"""DHCPv4 codec against scapy's BOOTP/DHCP layers, in both directions.

scapy is an independent implementation: what it builds we must read field
for field, and what we write it must read back to the same values.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

scapy_dhcp = pytest.importorskip("scapy.layers.dhcp")
BOOTP = scapy_dhcp.BOOTP
DHCP = scapy_dhcp.DHCP

from nestor.wire.options4 import build_rai, parse_rai  # noqa: E402
from nestor.wire.packet4 import BOOTREPLY, BOOTREQUEST, MessageType, Packet4, parse4  # noqa: E402

MAC = bytes.fromhex("1ae1c4bb2765")


def ip(text: str) -> int:
    return int(ipaddress.IPv4Address(text))


def ipb(*texts: str) -> bytes:
    return b"".join(ipaddress.IPv4Address(t).packed for t in texts)


# (scapy option tuple, our code, the payload octets RFC 2132 prescribes)
OPTION_CASES: list[tuple[tuple[Any, ...], int, bytes]] = [
    (("subnet_mask", "255.255.255.0"), 1, ipb("255.255.255.0")),
    (("router", "192.0.2.1", "192.0.2.2"), 3, ipb("192.0.2.1", "192.0.2.2")),
    (("name_server", "192.0.2.53"), 6, ipb("192.0.2.53")),
    (("hostname", b"host-1"), 12, b"host-1"),
    (("domain", b"example.org"), 15, b"example.org"),
    (("broadcast_address", "192.0.2.255"), 28, ipb("192.0.2.255")),
    (("vendor_specific", b"\x01\x02ab"), 43, b"\x01\x02ab"),
    (("requested_addr", "192.0.2.9"), 50, ipb("192.0.2.9")),
    (("lease_time", 3600), 51, (3600).to_bytes(4, "big")),
    (("server_id", "192.0.2.1"), 54, ipb("192.0.2.1")),
    (("param_req_list", [1, 3, 6, 15, 119, 121]), 55, bytes((1, 3, 6, 15, 119, 121))),
    (("max_dhcp_size", 1500), 57, (1500).to_bytes(2, "big")),
    (("renewal_time", 1800), 58, (1800).to_bytes(4, "big")),
    (("rebinding_time", 3150), 59, (3150).to_bytes(4, "big")),
    (("vendor_class_id", b"MSFT 5.0"), 60, b"MSFT 5.0"),
    (("client_id", b"\x01" + MAC), 61, b"\x01" + MAC),
    ((200, b"private"), 200, b"private"),
]

SCAPY_PACKETS = {
    "discover": (dict(op=1, xid=0x22A9AA42, flags=0x8000),
                 [("message-type", "discover"), ("hostname", b"vm"),
                  ("param_req_list", [1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42]),
                  ("client_id", b"\x01" + MAC)]),
    "relayed-request": (dict(op=1, xid=7, hops=1, giaddr="10.0.0.1", ciaddr="0.0.0.0"),
                        [("message-type", "request"), ("requested_addr", "10.0.0.50"),
                         ("server_id", "10.0.0.2"),
                         ("relay_agent_information", build_rai([(1, b"port7"),
                                                                (2, b"remote")]))]),
    "offer": (dict(op=2, xid=9, yiaddr="192.0.2.100", siaddr="192.0.2.1",
                   sname=b"tftp.example", file=b"pxelinux.0"),
              [("message-type", "offer"), *[case[0] for case in OPTION_CASES]]),
    "padded-inform": (dict(op=1, xid=0xFFFFFFFF, ciaddr="192.0.2.77", secs=5),
                      [("message-type", "inform"), "pad", "pad", ("hostname", b"pc")]),
}


def scapy_bytes(fields: dict[str, Any], options: list[Any]) -> bytes:
    return bytes(BOOTP(chaddr=MAC, **fields) / DHCP(options=[*options, "end"]))


@pytest.mark.parametrize("name", sorted(SCAPY_PACKETS))
def test_scapy_built_packets_parse_to_the_same_fields(name: str) -> None:
    fields, options = SCAPY_PACKETS[name]
    data = scapy_bytes(fields, options)
    ref = BOOTP(data)
    p = parse4(data)
    assert (p.op, p.htype, p.hlen, p.hops, p.xid, p.secs, p.flags) == (
        ref.op, ref.htype, ref.hlen, ref.hops, ref.xid, ref.secs, ref.flags)
    assert (p.ciaddr, p.yiaddr, p.siaddr, p.giaddr) == (
        ip(ref.ciaddr), ip(ref.yiaddr), ip(ref.siaddr), ip(ref.giaddr))
    assert p.chaddr == bytes(ref.chaddr) and p.hwaddr == MAC
    assert p.sname == bytes(ref.sname) and p.file == bytes(ref.file)
    assert p.serialize() == data
    scapy_types = {"discover": 1, "request": 3, "offer": 2, "inform": 8}
    assert p.message_type == scapy_types[options[0][1]]


def test_scapy_option_encodings_match_ours() -> None:
    fields, options = SCAPY_PACKETS["offer"]
    p = parse4(scapy_bytes(fields, options))
    for _, code, payload in OPTION_CASES:
        assert p.options[code] == payload, code
    assert p.options[53] == b"\x02"
    assert list(p.options) == [53] + [code for _, code, _ in OPTION_CASES]


def test_relay_agent_information_from_scapy() -> None:
    fields, options = SCAPY_PACKETS["relayed-request"]
    p = parse4(scapy_bytes(fields, options))
    assert p.relay_agent_info == [(1, b"port7"), (2, b"remote")]
    assert ip_text_of(p.requested_address) == "10.0.0.50"


def ip_text_of(value: int | None) -> str:
    assert value is not None
    return str(ipaddress.IPv4Address(value))


def _scapy_options(data: bytes) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for entry in BOOTP(data)[DHCP].options:
        if isinstance(entry, tuple):
            out[entry[0]] = entry[1:] if len(entry) > 2 else entry[1]
    return out


def test_our_reply_parses_in_scapy() -> None:
    reply = Packet4(BOOTREPLY, 0x22A9AA42, MAC, yiaddr=ip("192.0.2.100"),
                    siaddr=ip("192.0.2.1"), flags=0x8000, file=b"boot.img", options={
                        53: bytes((MessageType.ACK,)), 54: ipb("192.0.2.1"),
                        51: (4000).to_bytes(4, "big"), 1: ipb("255.255.255.0"),
                        3: ipb("192.0.2.1"), 6: ipb("192.0.2.1", "192.0.2.2"),
                        82: build_rai([(1, b"c")]), 15: b"example.org", 200: b"x"})
    data = reply.serialize()
    ref = BOOTP(data)
    assert (ref.op, ref.xid, ref.flags, ref.hlen) == (2, 0x22A9AA42, 0x8000, 6)
    assert (ref.yiaddr, ref.siaddr, ref.ciaddr) == ("192.0.2.100", "192.0.2.1", "0.0.0.0")
    assert bytes(ref.chaddr)[:6] == MAC and bytes(ref.file).rstrip(b"\0") == b"boot.img"
    got = _scapy_options(data)
    assert got["message-type"] == 5
    assert got["server_id"] == "192.0.2.1" and got["lease_time"] == 4000
    assert got["subnet_mask"] == "255.255.255.0" and got["router"] == "192.0.2.1"
    assert got["name_server"] == ("192.0.2.1", "192.0.2.2")
    assert got["domain"] == b"example.org" and got[200] == b"x"
    assert parse_rai(got["relay_agent_information"]) == [(1, b"c")]
    names = [e[0] for e in BOOTP(data)[DHCP].options if isinstance(e, tuple)]
    assert names[-1] == "relay_agent_information"  # RFC 3046: last


def test_our_request_parses_in_scapy() -> None:
    request = Packet4(BOOTREQUEST, 5, MAC, ciaddr=ip("192.0.2.100"), secs=3, options={
        53: b"\x03", 61: b"\x01" + MAC, 12: b"laptop",
        55: bytes((1, 3, 6, 15)), 57: (1500).to_bytes(2, "big")})
    got = _scapy_options(request.serialize())
    assert got["message-type"] == 3 and got["client_id"] == b"\x01" + MAC
    assert got["hostname"] == b"laptop" and got["param_req_list"] == [1, 3, 6, 15]
    assert got["max_dhcp_size"] == 1500
    assert BOOTP(request.serialize()).ciaddr == "192.0.2.100"
