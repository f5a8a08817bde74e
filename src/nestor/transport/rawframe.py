"""Ethernet, IPv4 and UDP headers for replies sent through a packet socket.

A client that has no address yet cannot answer ARP, so a reply unicast to
it must carry its hardware address in a frame we build ourselves (RFC 2131
section 4.1). Pure functions, no sockets: the unit tests compare the bytes
with scapy's.

Header fields follow what Kea 2.2 writes (``writeIpUdpHeader``): TOS
"low delay" (0x10), identification 0, don't-fragment, TTL 128, and a real
UDP checksum. RFC 768 allows a zero UDP checksum, but computing it costs
little and some clients (udhcpc among them) verify any non-zero one, while
a wrong one would be dropped silently.
"""

from __future__ import annotations

import struct

ETH_P_IP = 0x0800
IPPROTO_UDP = 17
IPTOS_LOWDELAY = 0x10
IP_DF = 0x4000
DEFAULT_TTL = 128

ETHER_HEADER_LEN = 14
IP_HEADER_LEN = 20
UDP_HEADER_LEN = 8

# Ethernet (destination, source, type), IPv4 (version/IHL, TOS, total length,
# id, flags/fragment offset, TTL, protocol, checksum, source, destination) and
# UDP (source port, destination port, length, checksum), packed in one call.
_ETHER_IP_UDP = struct.Struct("!6s6sH" "BBHHHBBH4s4s" "HHHH")
_IP_UDP = struct.Struct("!BBHHHBBH4s4s" "HHHH")
# Sum of the constant IPv4 header words (version/IHL+TOS, flags, protocol),
# TTL excluded; the per-packet words are added to it.
_IP_CONSTANT_WORDS = (0x45 << 8 | IPTOS_LOWDELAY) + IP_DF + IPPROTO_UDP


def ones_complement_sum(data: bytes) -> int:
    """The 16-bit one's complement sum of ``data`` (RFC 1071), in 0..0xFFFF.

    Reading the bytes as one big-endian integer and reducing it modulo
    0xFFFF gives the same value as adding the 16-bit words with end-around
    carry, because 0x10000 is congruent to 1 modulo 0xFFFF; it runs in C
    instead of a Python loop over words. Odd lengths are padded with a zero
    byte at the end, as the RFC requires. The only ambiguity, 0 versus
    0xFFFF (the two zeros of one's complement), is resolved to 0xFFFF for
    non-zero input, which is what the word-by-word sum yields.
    """
    value = int.from_bytes(data, "big")
    if len(data) & 1:
        value <<= 8
    if value == 0:
        return 0
    return value % 0xFFFF or 0xFFFF


def internet_checksum(data: bytes) -> int:
    """The checksum field value for ``data`` with its checksum field zeroed.

    The generic form (also right for ICMP); the frame builders below compute
    the same thing from the header fields without packing them first.
    """
    return ~ones_complement_sum(data) & 0xFFFF


def _checksums(src_ip: bytes, dst_ip: bytes, src_port: int, dst_port: int,
               payload: bytes, ttl: int) -> tuple[int, int, int]:
    """(IP total length, IP header checksum, UDP checksum) by word-sum arithmetic.

    Every header word is known as a number, so the sums are formed directly
    instead of packing a header and summing it back: modulo 0xFFFF, the sum
    of the words of ``src_ip + dst_ip`` is that 8-byte integer itself.
    """
    udp_len = UDP_HEADER_LEN + len(payload)
    total_len = IP_HEADER_LEN + udp_len
    addresses = int.from_bytes(src_ip + dst_ip, "big")
    ip_sum = (_IP_CONSTANT_WORDS + (ttl << 8) + total_len + addresses) % 0xFFFF
    # A residue of 0 means the true sum is 0xFFFF (the data is never all zero),
    # whose complement is 0; otherwise the complement is 0xFFFF minus the sum.
    ip_checksum = 0xFFFF - ip_sum if ip_sum else 0
    data = int.from_bytes(payload, "big")
    if len(payload) & 1:
        data <<= 8  # RFC 1071: pad an odd length with a zero byte
    udp_sum = (addresses + IPPROTO_UDP + 2 * udp_len + src_port + dst_port + data) % 0xFFFF
    # RFC 768: a computed 0 is sent as 0xFFFF, 0 meaning "no checksum".
    udp_cksum = 0xFFFF - udp_sum if udp_sum else 0xFFFF
    return total_len, ip_checksum, udp_cksum


def ipv4_udp_packet(src_ip: bytes, dst_ip: bytes, src_port: int, dst_port: int,
                    payload: bytes, ttl: int = DEFAULT_TTL) -> bytes:
    """An IPv4 packet (no options) carrying ``payload`` in one UDP datagram.

    Addresses are packed 4-byte values (``socket.inet_aton``).
    """
    total_len, ip_checksum, udp_cksum = _checksums(src_ip, dst_ip, src_port, dst_port,
                                                   payload, ttl)
    return _IP_UDP.pack(0x45, IPTOS_LOWDELAY, total_len, 0, IP_DF, ttl, IPPROTO_UDP,
                        ip_checksum, src_ip, dst_ip, src_port, dst_port,
                        total_len - IP_HEADER_LEN, udp_cksum) + payload


def ethernet_frame(dst_mac: bytes, src_mac: bytes, src_ip: bytes, dst_ip: bytes,
                   src_port: int, dst_port: int, payload: bytes,
                   ttl: int = DEFAULT_TTL) -> bytes:
    """A whole Ethernet II frame: header, IPv4, UDP and ``payload``."""
    total_len, ip_checksum, udp_cksum = _checksums(src_ip, dst_ip, src_port, dst_port,
                                                   payload, ttl)
    return _ETHER_IP_UDP.pack(dst_mac, src_mac, ETH_P_IP, 0x45, IPTOS_LOWDELAY, total_len, 0,
                              IP_DF, ttl, IPPROTO_UDP, ip_checksum, src_ip, dst_ip, src_port,
                              dst_port, total_len - IP_HEADER_LEN, udp_cksum) + payload
