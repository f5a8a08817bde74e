"""Property tests for the DHCPv6 codec.

1. Arbitrary or mutated bytes either parse or raise MalformedPacket, nothing else;
   and whatever parses serialises back to exactly the same bytes.
2. Generated packets (nested relays, IAs with addresses, prefixes and status codes,
   vendor and class options, raw options) survive serialise -> parse unchanged.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nestor.errors import MalformedPacket
from nestor.wire.options6 import DECODERS
from nestor.wire.packet6 import (
    IANA,
    IAPD,
    IATA,
    ClientId,
    ClientLinkLayerAddr,
    ElapsedTime,
    IAAddress,
    IAPrefix,
    InterfaceId,
    Message6,
    Option6,
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
    StatusCode,
    UserClass,
    VendorClass,
    VendorOpts,
    parse6,
)

SETTINGS = settings(max_examples=400, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

u8 = st.integers(0, 0xFF)
u16 = st.integers(0, 0xFFFF)
u32 = st.integers(0, 0xFFFFFFFF)
addr = st.binary(min_size=16, max_size=16)
small = st.binary(max_size=24)
# Codes that decode into typed classes, and 9 (Relay Message in relays), are never raw.
raw_code = u16.filter(lambda c: c not in DECODERS and c != 9)
raw_option = st.builds(RawOption6, raw_code, small)
status = st.builds(StatusCode, u16, st.text(max_size=12))


def with_subs(leaf: st.SearchStrategy[Option6]) -> st.SearchStrategy[list[Option6]]:
    return st.lists(st.one_of(leaf, status, raw_option), max_size=3)


ia_address = st.builds(IAAddress, addr, u32, u32, with_subs(status))
ia_prefix = st.builds(IAPrefix, u32, u32, st.integers(0, 128), addr, with_subs(status))
simple_options: st.SearchStrategy[Option6] = st.one_of(
    st.builds(ClientId, small), st.builds(ServerId, small),
    st.builds(OptionRequest, st.lists(u16, max_size=6)),
    st.builds(Preference, u8), st.builds(ElapsedTime, u16), st.builds(ServerUnicast, addr),
    st.just(RapidCommit()), st.just(ReconfigureAccept()), st.builds(ReconfigureMessage, u8),
    st.builds(UserClass, st.lists(small, max_size=3)),
    st.builds(VendorClass, u32, st.lists(small, max_size=3)),
    st.builds(VendorOpts, u32, st.lists(st.builds(RawOption6, u16, small), max_size=3)),
    st.builds(InterfaceId, small), st.builds(RemoteId, u32, small),
    st.builds(ClientLinkLayerAddr, u16, small),
    status, raw_option, ia_address, ia_prefix,
)
ia_options: st.SearchStrategy[Option6] = st.one_of(
    st.builds(IANA, u32, u32, u32, with_subs(ia_address)),
    st.builds(IATA, u32, with_subs(ia_address)),
    st.builds(IAPD, u32, u32, u32, with_subs(ia_prefix)),
)
any_option = st.one_of(simple_options, ia_options)
client_type = u8.filter(lambda t: t not in (12, 13))
client_message = st.builds(Message6, client_type, st.integers(0, 0xFFFFFF),
                           st.lists(any_option, max_size=6))


def relay_of(inner: st.SearchStrategy[Message6 | RelayMessage6]
             ) -> st.SearchStrategy[Message6 | RelayMessage6]:
    relay_opts = st.lists(st.one_of(st.builds(InterfaceId, small), st.builds(RemoteId, u32, small),
                                    st.builds(ClientLinkLayerAddr, u16, small), raw_option),
                          max_size=2)

    @st.composite
    def build(draw: st.DrawFn) -> Message6 | RelayMessage6:
        before, after = draw(relay_opts), draw(relay_opts)
        options: list[Option6] = [*before, RelayMsg(draw(inner)), *after]
        return RelayMessage6(draw(st.sampled_from([12, 13])), draw(u8), draw(addr), draw(addr),
                             options)

    return build()


any_message = st.recursive(client_message, relay_of, max_leaves=6)


@SETTINGS
@given(any_message)
def test_generated_messages_survive_serialise_and_parse(message: Message6 | RelayMessage6
                                                         ) -> None:
    wire = message.serialize()
    assert parse6(wire) == message
    assert parse6(wire).serialize() == wire


def _parse_or_malformed(data: bytes) -> None:
    try:
        parsed = parse6(data)
    except MalformedPacket as exc:
        assert exc.reason
        return
    # Anything accepted must come back byte for byte (no silent normalising).
    assert parsed.serialize() == data


@SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes_parse_or_raise_malformed(data: bytes) -> None:
    _parse_or_malformed(data)


@SETTINGS
@given(st.sampled_from([1, 3, 7, 11, 12, 13]), st.binary(max_size=200))
def test_random_bodies_behind_valid_headers(msg_type: int, body: bytes) -> None:
    # Random bytes rarely get past the header; give the option walk real work.
    relayed = msg_type in (12, 13)
    header = bytes([msg_type, 0]) + bytes(32) if relayed else bytes([msg_type, 0, 0, 1])
    _parse_or_malformed(header + body)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    wire = bytearray(draw(any_message).serialize())
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete"]))
        pos = draw(st.integers(0, max(len(wire) - 1, 0)))
        if kind == "flip" and wire:
            wire[pos] ^= draw(st.integers(1, 255))
        elif kind == "truncate":
            del wire[pos:]
        elif kind == "insert":
            wire[pos:pos] = draw(st.binary(min_size=1, max_size=4))
        elif wire:
            del wire[pos:pos + draw(st.integers(1, 4))]
    return bytes(wire)


@SETTINGS
@given(mutated())
def test_mutated_packets_parse_or_raise_malformed(data: bytes) -> None:
    _parse_or_malformed(data)


@SETTINGS
@given(u16, st.binary(max_size=40))
def test_any_status_message_bytes_round_trip(code: int, text: bytes) -> None:
    # A peer's status message need not be valid UTF-8; its bytes must still come back.
    body = code.to_bytes(2, "big") + text
    wire = b"\x07\x00\x00\x01" + (13).to_bytes(2, "big") + len(body).to_bytes(2, "big") + body
    parsed = parse6(wire)
    assert parsed.find(StatusCode) is not None
    assert parsed.serialize() == wire
