"""The DHCPv4 queries the expression differential test sends to Kea 2.2 and Nestor.

Each query exercises different parts of the language: vendor options, relay agent
information, odd header fields, a reservation (``KNOWN``), a unicast INFORM. Every
query asks for a large reply (option 57) so all class markers fit.
"""

from __future__ import annotations

from tests.interop.expr_lab import CLIENT_IP, SERVER_IP, Query

from nestor.wire.options4 import build_rai, build_suboptions, build_vivco, build_vivso
from nestor.wire.packet4 import Packet4

BIG = (1400).to_bytes(2, "big")  # option 57: replies up to 1400 octets
KNOWN_MAC = bytes.fromhex("0a0000000007")  # has a reservation in the test configuration


def _ip(text: str) -> int:
    a, b, c, d = (int(x) for x in text.split("."))
    return a << 24 | b << 16 | c << 8 | d


def _queries() -> list[Query]:
    plain_mac = bytes.fromhex("020000000001")
    plain = Packet4(xid=0x1001, chaddr=plain_mac, options={
        53: b"\x01", 57: BIG, 55: bytes([1, 3, 6, 15, 43]), 61: b"\x01" + plain_mac,
        12: b"host-one", 60: b"PXEClient:Arch:00007:UNDI:003016"})
    vendor_mac = bytes.fromhex("020000000002")
    vendor = Packet4(xid=0x1002, chaddr=vendor_mac, options={
        53: b"\x01", 57: BIG, 60: b"docsis3.0",
        61: b"\xff\x00\x00\x00\x01\x00\x01\x02\x03",
        43: build_suboptions([(1, b"abc"), (2, b"\x01")]),
        77: b"\x04user\x03two",
        124: build_vivco([(4491, [b"docsis", b"3.0"])]),
        125: build_vivso([(4491, [(1, bytes([1, 2, 5])), (2, bytes([192, 0, 2, 9]))])])})
    relayed = Packet4(xid=0x1003, chaddr=bytes.fromhex("020000000003"), hops=1,
                      giaddr=_ip(CLIENT_IP), options={
                          53: b"\x01", 57: BIG, 12: b"relayed\x00",
                          82: build_rai([(2, b"\x01\x02\x03\x04"), (1, b"eth0/1"),
                                         (6, b"sub-1")])})
    odd = Packet4(xid=0xDEADBEEF, chaddr=bytes.fromhex("0a1b2c3d4e5f6071"), htype=6,
                  yiaddr=_ip("10.0.0.1"), siaddr=_ip("192.0.2.77"), secs=7, flags=0x8000,
                  options={53: b"\x01", 57: BIG, 250: b"\x00\xff\x00", 251: b"",
                           81: b"\x05\x00\x00\x03foo\x07example\x03org\x00",
                           55: bytes([1, 3]), 50: bytes([192, 0, 2, 150])})
    inform = Packet4(xid=0x1005, chaddr=bytes.fromhex("020000000005"), ciaddr=_ip(CLIENT_IP),
                     options={53: b"\x08", 57: BIG, 12: b"Inform-Host",
                              60: b"MSFT 5.0", 61: b"\x01abc"})
    known = Packet4(xid=0x1006, chaddr=KNOWN_MAC, options={53: b"\x01", 57: BIG,
                                                           60: b"docsis3.0"})
    typed = Packet4(xid=0x1008, chaddr=bytes.fromhex("020000000008"), options={
        53: b"\x01", 57: BIG, 2: (-5).to_bytes(4, "big", signed=True),
        6: bytes([192, 0, 2, 53, 192, 0, 2, 54]), 19: b"\x01", 93: bytes([0, 0, 0, 7]),
        94: bytes([1, 2, 3]), 97: bytes([0]) + bytes(range(16)), 116: b"\x01",
        118: bytes([192, 0, 2, 0]), 15: b"example.org",
        119: b"\x07example\x03com\x00\x03foo\x00", 66: b"tftp\x00",
        78: bytes([1, 192, 0, 2, 1, 192, 0, 2, 2]), 252: b"", 90: b"\x01\x02"})
    bare = Packet4(xid=0x1007, chaddr=bytes.fromhex("020000000007"),
                   options={53: b"\x01", 57: BIG})
    return [
        Query("plain", plain),
        Query("vendor", vendor),
        Query("relayed", relayed, src=CLIENT_IP, dst=SERVER_IP),
        Query("odd", odd),
        Query("inform", inform, src=CLIENT_IP, dst=SERVER_IP),
        Query("known", known),
        Query("typed", typed),
        Query("bare", bare),
    ]


QUERIES: list[Query] = _queries()
RESERVATIONS = [{"hw-address": KNOWN_MAC.hex(":"), "ip-address": "192.0.2.50"}]
