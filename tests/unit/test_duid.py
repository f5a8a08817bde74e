"""DUIDs (RFC 8415 section 11, RFC 6355): wire forms, Kea's text form, link-layer addresses."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from nestor.errors import MalformedPacket
from nestor.wire.duid import (
    DUID_MAX_LEN,
    DuidEN,
    DuidLL,
    DuidLLT,
    DuidOther,
    DuidType,
    DuidUUID,
    duid_from_text,
    duid_to_text,
    link_layer_address,
    llt_time,
    make_llt,
    parse_duid,
)

MAC = bytes.fromhex("0a1b2c3d4e5f")
# A DUID-LLT as dhclient writes one: type 1, hw type 1 (Ethernet), time, MAC.
LLT_RAW = bytes.fromhex("000100012a3b4c5d0a1b2c3d4e5f")


def test_llt_fields_and_round_trip() -> None:
    duid = parse_duid(LLT_RAW)
    assert duid == DuidLLT(hw_type=1, time=0x2A3B4C5D, link_layer=MAC)
    assert duid.to_bytes() == LLT_RAW
    # The time counts seconds from 2000-01-01 UTC, which is Unix time 946684800.
    assert duid.timestamp == datetime.fromtimestamp(946684800 + 0x2A3B4C5D, UTC)


def test_en_fields_and_round_trip() -> None:
    raw = bytes.fromhex("0002000009bf0102030405")
    duid = parse_duid(raw)
    assert duid == DuidEN(enterprise=2495, identifier=bytes.fromhex("0102030405"))
    assert duid.to_bytes() == raw


def test_ll_fields_and_round_trip() -> None:
    raw = bytes.fromhex("00030001") + MAC
    duid = parse_duid(raw)
    assert duid == DuidLL(hw_type=1, link_layer=MAC)
    assert duid.to_bytes() == raw


def test_uuid_fields_and_round_trip() -> None:
    u = UUID("12345678-1234-5678-1234-567812345678")
    raw = b"\x00\x04" + u.bytes
    duid = parse_duid(raw)
    assert isinstance(duid, DuidUUID)
    assert duid.as_uuid == u
    assert duid.to_bytes() == raw


def test_unknown_type_is_kept_raw() -> None:
    raw = bytes.fromhex("ff00deadbeef")
    duid = parse_duid(raw)
    assert duid == DuidOther(type=0xFF00, data=bytes.fromhex("deadbeef"))
    assert duid.to_bytes() == raw


def test_type_code_only_duid_of_unknown_type() -> None:
    assert parse_duid(b"\x00\x09") == DuidOther(9, b"")


@pytest.mark.parametrize("raw", [
    b"", b"\x00",                                   # no room for the type code
    bytes.fromhex("0001000100"),                    # LLT without its time field
    bytes.fromhex("00020000"),                      # EN without its enterprise number
    bytes.fromhex("000300"),                        # LL without its hardware type
    b"\x00\x04" + bytes(15),                        # UUID one octet short
    b"\x00\x04" + bytes(17),                        # UUID one octet long
    b"\x00\x02" + bytes(DUID_MAX_LEN - 1),          # 131 octets: over RFC 8415's limit
])
def test_malformed_duids_raise_malformed_packet(raw: bytes) -> None:
    with pytest.raises(MalformedPacket):
        parse_duid(raw)


def test_maximum_length_duid_is_accepted() -> None:
    raw = b"\x00\x02" + bytes(DUID_MAX_LEN - 2)
    assert parse_duid(raw).to_bytes() == raw


def test_text_form_is_kea_style_lowercase_colon_hex() -> None:
    assert duid_to_text(LLT_RAW) == "00:01:00:01:2a:3b:4c:5d:0a:1b:2c:3d:4e:5f"
    assert str(parse_duid(LLT_RAW)) == "00:01:00:01:2a:3b:4c:5d:0a:1b:2c:3d:4e:5f"
    assert str(DuidLL(1, MAC)) == "00:03:00:01:0a:1b:2c:3d:4e:5f"


@pytest.mark.parametrize(("text", "raw"), [
    ("00:01:00:01:2A:3B:4C:5D:0A:1B:2C:3D:4E:5F", LLT_RAW),
    ("0:1:0:1:2a:3b:4c:5d:a:1b:2c:3d:4e:5f", LLT_RAW),  # single digits get a leading zero
    ("000100012a3b4c5d0a1b2c3d4e5f", LLT_RAW),          # one run without separators
    ("abc", bytes.fromhex("0abc")),                      # odd run: leading zero
    ("7", b"\x07"),
])
def test_text_parsing_follows_kea(text: str, raw: bytes) -> None:
    assert duid_from_text(text) == raw


@pytest.mark.parametrize("text", [
    "",               # empty DUID
    "00::01",         # two colons in a row
    "001:02",         # a token of three digits next to a separator
    "00:0g",          # not hex
    "00-01-02",       # dashes are not Kea's DUID separator
    ":00:01",         # leading colon leaves an empty token
    "00" * 131,       # longer than 130 octets
])
def test_text_parsing_refuses_what_kea_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        duid_from_text(text)


def test_link_layer_address_from_llt_and_ll() -> None:
    assert link_layer_address(LLT_RAW) == (1, MAC)
    assert link_layer_address(bytes.fromhex("00030006") + MAC) == (6, MAC)


@pytest.mark.parametrize("raw", [
    bytes.fromhex("0002000009bf01"),          # DUID-EN carries no link-layer address
    b"\x00\x04" + bytes(16),                  # neither does DUID-UUID
    bytes.fromhex("0001000100000000"),        # LLT with an empty address (Kea wants >= 1)
    bytes.fromhex("00030001"),                # LL with an empty address
    b"\x00",                                  # not even a type
])
def test_no_link_layer_address(raw: bytes) -> None:
    assert link_layer_address(raw) is None


def test_llt_time_counts_from_2000_modulo_2_32() -> None:
    assert llt_time(datetime(2000, 1, 1, tzinfo=UTC)) == 0
    assert llt_time(datetime(2000, 1, 2, tzinfo=UTC)) == 86400
    # 2^32 seconds after the epoch wraps to zero (RFC 8415 section 11.2).
    assert llt_time(datetime(2136, 2, 7, 6, 28, 16, tzinfo=UTC)) == 0


def test_make_llt_builds_a_parseable_duid() -> None:
    when = datetime(2024, 5, 1, tzinfo=UTC)
    raw = make_llt(1, MAC, when)
    duid = parse_duid(raw)
    assert isinstance(duid, DuidLLT)
    assert (duid.hw_type, duid.link_layer, duid.timestamp) == (1, MAC, when)
    assert raw[:2] == DuidType.LLT.to_bytes(2, "big")


@pytest.mark.parametrize("duid", [
    DuidLLT(hw_type=70000, time=0, link_layer=MAC),   # hardware type over 16 bits
    DuidEN(enterprise=-1, identifier=b""),
    DuidUUID(uuid=bytes(15)),
    DuidLL(hw_type=1, link_layer=bytes(200)),         # over 130 octets
])
def test_building_invalid_duids_raises_value_error(duid: DuidLLT | DuidEN | DuidUUID
                                                    | DuidLL) -> None:
    with pytest.raises(ValueError):
        duid.to_bytes()
