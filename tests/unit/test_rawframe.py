"""Hand-built reply frames match what scapy builds, checksums included.

The frames go to clients that have no IP address yet; a wrong IP or UDP
checksum would make the client drop the OFFER silently, so every header
byte is compared with scapy's independent implementation.
"""

from __future__ import annotations

import socket
import struct

from hypothesis import given, settings
from hypothesis import strategies as st
from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether
from scapy.packet import Raw

from nestor.transport.rawframe import (
    ethernet_frame,
    internet_checksum,
    ipv4_udp_packet,
    ones_complement_sum,
)

SERVER_MAC = bytes.fromhex("02aabbccdd01")
CLIENT_MAC = bytes.fromhex("02aabbccdd02")


def _scapy_packet(src: str, dst: str, sport: int, dport: int, payload: bytes) -> bytes:
    # Kea's header choices: TOS low delay, id 0, don't fragment, TTL 128.
    pkt = IP(src=src, dst=dst, tos=0x10, id=0, flags="DF", ttl=128) / UDP(
        sport=sport, dport=dport) / Raw(payload)
    return bytes(pkt)


def _word_sum(data: bytes) -> int:
    """RFC 1071 reference: add 16-bit words with end-around carry."""
    if len(data) % 2:
        data += b"\0"
    total = 0
    for (word,) in struct.iter_unpack("!H", data):
        total += word
        total = (total & 0xFFFF) + (total >> 16)
    return total


def test_offer_sized_packet_equals_scapy() -> None:
    payload = bytes(range(256)) + b"\x63\x82\x53\x63" + b"\x35\x01\x02\xff" + b"\0" * 40
    ours = ipv4_udp_packet(socket.inet_aton("192.0.2.1"), socket.inet_aton("192.0.2.50"),
                           67, 68, payload)
    assert ours == _scapy_packet("192.0.2.1", "192.0.2.50", 67, 68, payload)


def test_ethernet_frame_parses_back_with_valid_checksums() -> None:
    payload = b"\x02\x01\x06\x00" + b"\x11" * 297  # odd length: checksum pads a zero byte
    frame = ethernet_frame(CLIENT_MAC, SERVER_MAC, socket.inet_aton("192.0.2.1"),
                           socket.inet_aton("192.0.2.50"), 67, 68, payload)
    parsed = Ether(frame)
    assert parsed.dst == "02:aa:bb:cc:dd:02"
    assert parsed.src == "02:aa:bb:cc:dd:01"
    assert parsed.type == 0x0800
    ip_header = frame[14:34]
    # A correct header checksum makes the whole header sum to 0xFFFF.
    assert _word_sum(ip_header) == 0xFFFF
    rebuilt = Ether(bytes(parsed))  # scapy recomputes nothing for parsed fields...
    del rebuilt[IP].chksum
    del rebuilt[UDP].chksum
    rebuilt = Ether(bytes(rebuilt))  # ...unless they are deleted: then it recomputes them
    assert rebuilt[IP].chksum == parsed[IP].chksum
    assert rebuilt[UDP].chksum == parsed[UDP].chksum
    assert bytes(parsed[UDP].payload) == payload


def test_zero_udp_checksum_is_sent_as_ffff() -> None:
    # RFC 768: a computed checksum of zero is transmitted as all ones, because
    # zero means "no checksum". Append the word that makes the sum 0xFFFF.
    src, dst = socket.inet_aton("192.0.2.1"), socket.inet_aton("192.0.2.9")
    base = b"\x01\x02\x03\x04"
    udp_len = 8 + len(base) + 2
    header = struct.pack("!HHHH", 67, 68, udp_len, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 17, udp_len)
    partial = _word_sum(pseudo + header + base)
    filler = struct.pack("!H", ~partial & 0xFFFF)
    packet = ipv4_udp_packet(src, dst, 67, 68, base + filler)
    assert packet[26:28] == b"\xff\xff"
    assert packet == _scapy_packet("192.0.2.1", "192.0.2.9", 67, 68, base + filler)


def test_internet_checksum_of_known_header() -> None:
    # RFC 1071 style check on a classic example header (checksum field zeroed);
    # the expected value 0xb861 is the one given for it in many textbooks.
    header = bytes.fromhex("450000730000400040110000c0a80001c0a800c7")
    assert internet_checksum(header) == 0xB861


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=1500))
def test_sum_matches_word_by_word_reference(data: bytes) -> None:
    assert ones_complement_sum(data) == _word_sum(data)


@settings(max_examples=200, deadline=None)
@given(payload=st.binary(min_size=0, max_size=700),
       src=st.integers(0, 2**32 - 1), dst=st.integers(0, 2**32 - 1),
       sport=st.integers(1, 65535), dport=st.integers(1, 65535))
def test_any_packet_equals_scapy(payload: bytes, src: int, dst: int, sport: int,
                                 dport: int) -> None:
    src_b, dst_b = src.to_bytes(4, "big"), dst.to_bytes(4, "big")
    expected = _scapy_packet(socket.inet_ntoa(src_b), socket.inet_ntoa(dst_b), sport, dport,
                             payload)
    assert ipv4_udp_packet(src_b, dst_b, sport, dport, payload) == expected
    frame = ethernet_frame(CLIENT_MAC, SERVER_MAC, src_b, dst_b, sport, dport, payload)
    assert frame == CLIENT_MAC + SERVER_MAC + b"\x08\x00" + expected
