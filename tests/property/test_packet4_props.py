"""Properties of the DHCPv4 codec under arbitrary and damaged input.

* Whatever the bytes, ``parse4`` raises nothing but MalformedPacket, and the
  accessors of a parsed packet raise nothing else either.
* Whatever parses, serialises back to the very same bytes.
* Every packet we can build parses back equal after ``serialize``, whether
  it fits plainly, needs RFC 3396 splitting, or needs option overload.
"""

from __future__ import annotations

import contextlib
import struct
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from nestor.errors import MalformedPacket
from nestor.wire.packet4 import Packet4, PacketTooBig, Quirk, parse4

COOKIE = bytes((99, 130, 83, 99))
HEADER = struct.Struct("!BBBBIHHIIII16s64s128s")

SETTINGS = settings(max_examples=300, deadline=None)

u8 = st.integers(0, 0xFF)
u16 = st.integers(0, 0xFFFF)
u32 = st.integers(0, 0xFFFFFFFF)
codes = st.integers(1, 254).filter(lambda c: c != 52)
payloads = st.one_of(st.binary(max_size=16), st.binary(max_size=600))
options = st.dictionaries(codes, payloads, max_size=8)


@st.composite
def packets(draw: st.DrawFn, opts: st.SearchStrategy[dict[int, bytes]] = options) -> Packet4:
    chaddr = draw(st.binary(max_size=16))
    return Packet4(
        draw(st.sampled_from([1, 2])), draw(u32), chaddr, htype=draw(u8),
        hlen=draw(st.integers(0, 16)), hops=draw(u8), secs=draw(u16), flags=draw(u16),
        ciaddr=draw(u32), yiaddr=draw(u32), siaddr=draw(u32), giaddr=draw(u32),
        sname=draw(st.one_of(st.just(b""), st.binary(max_size=64))),
        file=draw(st.one_of(st.just(b""), st.binary(max_size=128))),
        options=draw(opts), pad_to=draw(st.sampled_from([0, 300, 548])))


small_packets = packets(st.dictionaries(codes, st.binary(max_size=40), max_size=10))


def reference_options(data: bytes) -> dict[int, bytes] | None:
    """Options of a datagram by a plain reading of RFC 2131 and RFC 3396.

    Written for clarity, not speed: the oracle the fast scanner is held to.
    Pads are skipped, the end option or the end of the area stops a walk, and
    an option running past its area is dropped (Kea's leniency). None when
    the overload option itself is unusable.
    """
    def walk(area: bytes) -> list[tuple[int, bytes]]:
        found, pos = [], 0
        while pos < len(area) and area[pos] != 255:
            if area[pos] == 0:
                pos += 1
                continue
            if pos + 1 >= len(area) or pos + 2 + area[pos + 1] > len(area):
                break
            found.append((area[pos], area[pos + 2:pos + 2 + area[pos + 1]]))
            pos += 2 + area[pos + 1]
        return found

    items = walk(data[240:])
    overload = b"".join(v for c, v in items if c == 52)
    if any(c == 52 for c, _ in items):
        if len(overload) != 1 or overload[0] not in (1, 2, 3):
            return None
        if overload[0] & 1:
            items += walk(data[108:236])
        if overload[0] & 2:
            items += walk(data[44:108])
    joined: dict[int, bytes] = {}
    for code, value in items:
        if code != 52:
            joined[code] = joined.get(code, b"") + value
    return joined


def check_parse(data: bytes) -> None:
    """parse4 refuses with MalformedPacket or agrees with the reference reading,
    and what it accepts serialises back to the very same bytes."""
    try:
        p = parse4(data)
    except MalformedPacket:
        if len(data) >= 240 and data[236:240] == COOKIE and data[2] <= 16:
            assert reference_options(data) is None
        return
    expected = reference_options(data)
    assert expected is not None
    assert list(p.options.items()) == list(expected.items())
    head = HEADER.unpack_from(data)
    assert (p.op, p.htype, p.hlen, p.hops, p.xid, p.secs, p.flags, p.ciaddr, p.yiaddr,
            p.siaddr, p.giaddr, p.chaddr) == head[:12]
    if not p.quirks & Quirk.OVERLOADED:
        assert (p.sname, p.file) == head[12:]
    assert p.serialize() == data
    for read in ACCESSORS:
        with contextlib.suppress(MalformedPacket):
            read(p)


ACCESSORS: list[Callable[[Packet4], object]] = [
    lambda p: p.message_type, lambda p: p.requested_address, lambda p: p.server_id,
    lambda p: p.max_message_size, lambda p: p.lease_time, lambda p: p.hostname,
    lambda p: p.relay_agent_info, lambda p: p.reply_size_limit(), repr, lambda p: p.hwaddr,
]


@SETTINGS
@given(st.binary(max_size=700))
def test_random_bytes_only_raise_malformed(data: bytes) -> None:
    check_parse(data)


@SETTINGS
@given(small_packets, st.binary(max_size=400))
def test_random_options_area_only_raises_malformed(p: Packet4, tail: bytes) -> None:
    # A valid header and cookie followed by noise: the option scanner's job.
    check_parse(p.serialize()[:240] + tail)


@SETTINGS
@given(small_packets, st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 7)),
                               min_size=1, max_size=4))
def test_bit_flips_only_raise_malformed(p: Packet4, flips: list[tuple[int, int]]) -> None:
    data = bytearray(p.serialize())
    for pos, bit in flips:
        data[pos % len(data)] ^= 1 << bit
    check_parse(bytes(data))


@SETTINGS
@given(small_packets, st.integers(0, 700))
def test_truncations_only_raise_malformed(p: Packet4, cut: int) -> None:
    check_parse(p.serialize()[:cut])


def _length_octets(data: bytes) -> list[int]:
    positions, pos = [], 240
    while pos + 1 < len(data) and data[pos] != 255:
        if data[pos] == 0:
            pos += 1
            continue
        positions.append(pos + 1)
        pos += 2 + data[pos + 1]
    return positions


@SETTINGS
@given(small_packets.filter(lambda p: bool(p.options)), st.integers(0, 1000), u8)
def test_corrupt_length_octets_only_raise_malformed(p: Packet4, which: int, value: int) -> None:
    data = bytearray(p.serialize())
    where = _length_octets(bytes(data))
    data[where[which % len(where)]] = value
    check_parse(bytes(data))


@SETTINGS
@given(packets())
def test_round_trip_of_built_packets(p: Packet4) -> None:
    out = p.serialize(max_size=65535)
    back = parse4(out)
    assert back == p
    assert back.serialize(max_size=65535) == out


@SETTINGS
@given(packets())
def test_round_trip_within_576_octets(p: Packet4) -> None:
    try:
        out = p.serialize()
    except PacketTooBig:
        # Refused only when the plain encoding cannot fit in 548 octets.
        plain = 241 + sum(len(v) + 2 * max(1, -(-len(v) // 255)) for v in p.options.values())
        assert plain > 548
        return
    assert len(out) <= 548
    assert parse4(out) == p
