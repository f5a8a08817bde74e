"""The per-type codecs read configuration text the way Kea does and write the RFC
wire formats; every rule here was observed with ``kea-dhcp4 -t`` or in a Kea reply
(see ``test_optdata4.py`` for the end-to-end comparison)."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nestor.errors import MalformedPacket, OptionDataError
from nestor.wire import dnsname
from nestor.wire.optdefs import DataType
from nestor.wire.opttypes import (
    ENCODERS,
    INTEGER_TYPES,
    FieldContext,
    decode_hex_data,
    decode_hex_field,
    encode_field,
    encode_prefix,
    encode_psid,
    encode_tuple,
    escape_csv,
    field_length,
    field_text,
    parse_boolean,
    parse_integer,
    split_csv,
    trim,
)

V4 = FieldContext(tuple_len=1)
V6 = FieldContext(tuple_len=2)


# --- CSV splitting ----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "items"), [
    ("a,b", ["a", "b"]),
    ("192.0.2.1, 192.0.2.2", ["192.0.2.1", " 192.0.2.2"]),
    ("1,,2", ["1", "2"]),  # empty items vanish
    (",a,", ["a"]),
    (" , ", [" ", " "]),  # blank items stay (and later trim to "")
    ("a\\,b", ["a,b"]),  # escaped comma
    ("a\\\\,b", ["a\\", "b"]),  # escaped backslash, then a real comma
    ("a\\b", ["a\\b"]),  # other escapes keep their backslash
    ("x\\", ["x\\"]),  # a trailing backslash is kept
    ("", []),
    ("EST5EDT4\\,M3.2.0/02:00\\,M11.1.0/02:00", ["EST5EDT4,M3.2.0/02:00,M11.1.0/02:00"]),
])
def test_split_csv(text: str, items: list[str]) -> None:
    assert split_csv(text) == items


@settings(max_examples=300)
@given(st.lists(st.text(min_size=1), max_size=6))
def test_escaped_items_split_back(items: list[str]) -> None:
    assert split_csv(",".join(escape_csv(item) for item in items)) == items


def test_trim_is_space_tab_newline_only() -> None:
    assert trim(" \t\na b\n\t ") == "a b"
    assert trim("\ra\r") == "\ra\r"


# --- integers and booleans ----------------------------------------------------------------

@pytest.mark.parametrize(("text", "dtype", "value"), [
    ("255", DataType.UINT8, 255),
    ("+7", DataType.UINT8, 7),
    ("00576", DataType.UINT16, 576),  # leading zeros: still decimal
    ("0x1f", DataType.UINT8, 31),
    ("0X1f", DataType.UINT8, 31),
    ("ff", DataType.UINT8, 255),  # not decimal, so read as hexadecimal
    ("1e", DataType.UINT8, 30),
    ("0b1", DataType.UINT32, 0xB1),
    ("-0x80", DataType.INT8, -128),
    ("+0x10", DataType.UINT32, 16),
    ("-0", DataType.UINT32, 0),
    ("-25200", DataType.INT32, -25200),
    ("4294967295", DataType.UINT32, 0xFFFFFFFF),
])
def test_integers(text: str, dtype: DataType, value: int) -> None:
    assert parse_integer(text, dtype) == value


@pytest.mark.parametrize(("text", "dtype", "words"), [
    ("256", DataType.UINT8, "range of 0..255"),
    ("-1", DataType.UINT8, "range of 0..255"),
    ("0x80", DataType.INT8, "range of -128..127"),
    ("ff", DataType.INT8, "range of -128..127"),
    ("9223372036854775807", DataType.UINT32, "range"),
    ("9223372036854775808", DataType.UINT32, "integer data type"),  # beyond int64
    ("1.5", DataType.UINT8, "integer data type"),
    ("0x", DataType.UINT8, "integer data type"),
    ("1 2", DataType.UINT8, "integer data type"),
    ("--1", DataType.UINT8, "integer data type"),
    ("", DataType.UINT8, "integer data type"),
    ("1_0", DataType.UINT8, "integer data type"),
])
def test_integers_refused(text: str, dtype: DataType, words: str) -> None:
    with pytest.raises(OptionDataError, match=words):
        parse_integer(text, dtype)


@settings(max_examples=300)
@given(st.sampled_from(sorted(INTEGER_TYPES)), st.data())
def test_integers_in_range_read_back(dtype: DataType, data: st.DataObject) -> None:
    low, high, size, signed = INTEGER_TYPES[dtype]
    value = data.draw(st.integers(low, high))
    assert parse_integer(str(value), dtype) == value
    assert parse_integer(hex(value), dtype) == value
    wire = encode_field(dtype, str(value), V4)
    assert wire == value.to_bytes(size, "big", signed=signed)
    assert int(field_text(dtype, wire, V4)) == value


@pytest.mark.parametrize(("text", "value"), [
    ("true", True), ("FALSE", False), ("tRuE", True), ("1", True), ("0", False),
    ("01", True), ("+1", True), ("-0", False),
])
def test_booleans(text: str, value: bool) -> None:
    assert parse_boolean(text) is value


@pytest.mark.parametrize("text", ["yes", "2", "0x1", "", "t"])
def test_booleans_refused(text: str) -> None:
    with pytest.raises(OptionDataError, match="boolean"):
        parse_boolean(text)


# --- hexadecimal ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "data"), [
    ("1A BB ad", b"\x1a\xbb\xad"),  # whitespace anywhere is skipped
    ("1 A 2 B", b"\x1a\x2b"),
    ("", b""),
])
def test_binary_field(text: str, data: bytes) -> None:
    assert decode_hex_field(text) == data


@pytest.mark.parametrize("text", ["0x12", "01:02", "1A2", "'ab'", "zz"])
def test_binary_field_refused(text: str) -> None:
    with pytest.raises(OptionDataError, match="binary data type"):
        decode_hex_field(text)


@pytest.mark.parametrize(("text", "data"), [
    ("0a0b0c", b"\x0a\x0b\x0c"),
    ("0x616263", b"abc"),
    ("1a2", b"\x01\xa2"),  # odd digit count: a leading zero
    ("0x1a2", b"\x01\xa2"),
    ("1a:2b", b"\x1a\x2b"),
    ("1a:2", b"\x1a\x02"),  # one or two digits per octet
    ("1a 2b", b"\x1a\x2b"),
    ("'quoted'", b"quoted"),
    ("  ' text '  ", b"text"),  # trimmed outside and inside the quotes
    ("", b""),
])
def test_hex_data(text: str, data: bytes) -> None:
    assert decode_hex_data(text) == data


@pytest.mark.parametrize("text", ["1a::2b", "1a:2bc", ":1a", "1a  2b", "zz", "''", "' '",
                                  "0X12", "0a 0b0c"])
def test_hex_data_refused(text: str) -> None:
    with pytest.raises(OptionDataError, match="hexadecimal digits"):
        decode_hex_data(text)


# --- addresses, prefixes, PSIDs, tuples ----------------------------------------------------

def test_addresses_take_either_family() -> None:
    assert encode_field(DataType.IPV4_ADDRESS, "192.0.2.1", V4) == bytes([192, 0, 2, 1])
    # Kea writes 16 bytes for an IPv6 address in an IPv4 field (its option classes
    # then cut the bytes by 4); the same goes the other way round.
    assert len(encode_field(DataType.IPV4_ADDRESS, "2001:db8::1", V4)) == 16
    assert len(encode_field(DataType.IPV6_ADDRESS, "192.0.2.1", V4)) == 4
    assert encode_field(DataType.IPV6_ADDRESS, "fe80::1%eth0", V4)[-1] == 1


@pytest.mark.parametrize("text", ["192.0.2", "01.2.3.4", "1.2.3.04", "0x01020304",
                                  "16909060", "1:2:3:4:5:6:7:8:9", ""])
def test_addresses_refused(text: str) -> None:
    with pytest.raises(OptionDataError, match="Failed to convert string to address"):
        encode_field(DataType.IPV4_ADDRESS, text, V4)


@pytest.mark.parametrize(("text", "wire"), [
    ("2001:db8:1:2::/60", "3c20010db800010000"),  # 60 bits: 8 bytes, last 4 bits cleared
    ("::/0", "00"),
    ("2001:db8::/33", "2120010db800"),
    ("2001:db8::/ 64", "4020010db800000000"),
    ("2001:db8::/0x40", "4020010db800000000"),
    ("2001:db8::1/128", "8020010db8000000000000000000000001"),
])
def test_prefixes(text: str, wire: str) -> None:
    assert encode_prefix(text).hex() == wire


@pytest.mark.parametrize(("text", "words"), [
    ("2001:db8::", "is not valid"),
    ("2001:db8::/-1", "provided prefix -1"),
    ("2001:db8::/256", "provided prefix 256"),
    ("2001:db8::/64/1", "provided prefix 64/1"),
    ("192.0.2.0/24", "IPv4 or IPv6 address"),
    ("2001:db8::/129", "prefix length 129"),  # Kea 2.2 reads past the address here
])
def test_prefixes_refused(text: str, words: str) -> None:
    with pytest.raises(OptionDataError, match=words):
        encode_prefix(text)


@settings(max_examples=300)
@given(st.integers(0, (1 << 128) - 1), st.integers(0, 128))
def test_prefix_length_and_text_round_trip(address: int, length: int) -> None:
    text = f"{ipaddress.IPv6Address(address)}/{length}"
    wire = encode_prefix(text)
    assert len(wire) == 1 + (length + 7) // 8
    assert field_length(DataType.IPV6_PREFIX, wire, 0, V4) == len(wire)
    assert encode_prefix(field_text(DataType.IPV6_PREFIX, wire, V4)) == wire


@pytest.mark.parametrize(("text", "wire"), [
    ("3/4", "043000"),  # RFC 7597 5.1: PSID left-aligned in 16 bits
    ("0/0", "000000"),
    ("1/1", "018000"),
    ("0x3f/6", "06fc00"),
    ("65535/16", "10ffff"),
    (" 3 / 4 ", "043000"),
    ("0x10/5", "058000"),
])
def test_psids(text: str, wire: str) -> None:
    assert encode_psid(text).hex() == wire


@pytest.mark.parametrize(("text", "words"), [
    ("1", "provided PSID value 1 is not valid"),
    ("65536/16", "provided PSID 65536"),
    ("-1/16", "provided PSID -1"),
    ("1/16/2", "provided PSID length 16/2"),
    ("1/17", "invalid value 17 of PSID length"),
    ("2/1", "invalid PSID value 2 for a specified PSID length 1"),
])
def test_psids_refused(text: str, words: str) -> None:
    with pytest.raises(OptionDataError, match=words):
        encode_psid(text)


@settings(max_examples=200)
@given(st.integers(0, 16), st.data())
def test_psid_text_round_trip(length: int, data: st.DataObject) -> None:
    psid = data.draw(st.integers(0, (1 << length) - 1))
    wire = encode_psid(f"{psid}/{length}")
    assert encode_psid(field_text(DataType.PSID, wire, V4)) == wire


def test_tuples() -> None:
    assert encode_tuple("hello", 1) == b"\x05hello"
    assert encode_tuple("", 1) == b"\x00"
    assert encode_tuple("ab", 2) == b"\x00\x02ab"
    assert len(encode_tuple("a" * 255, 1)) == 256
    with pytest.raises(OptionDataError, match="larger than 255"):
        encode_tuple("a" * 256, 1)
    assert field_length(DataType.TUPLE, b"\x00\x02abX", 0, V6) == 4
    with pytest.raises(MalformedPacket, match="length 2"):
        field_length(DataType.TUPLE, b"\x02a", 0, V4)


# --- domain names -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "wire"), [
    ("example.org", "076578616d706c65036f726700"),
    ("example.org.", "076578616d706c65036f726700"),
    ("Mixed.Example.COM", "054d69786564074578616d706c6503434f4d00"),  # case is kept
    ("\\065b.c", "024162016300"),  # \DDD is a byte in decimal
    ("a\\.b.c", "03612e62016300"),  # an escaped dot stays in the label
    ("a_b.c", "03615f62016300"),
    (".", "00"),
])
def test_names_to_wire(text: str, wire: str) -> None:
    assert dnsname.text_to_wire(text).hex() == wire


@pytest.mark.parametrize(("text", "words"), [
    ("", "incomplete textual name"),
    ("a..b", "duplicate period"),
    (".a", "non terminating empty label"),
    ("a.\\", "incomplete textual name"),
    ("\\256.a", "escaped decimal is too large"),
    ("a" * 64, "label is too long"),
    (".".join(["a" * 63] * 4), "name is too long"),
])
def test_names_refused(text: str, words: str) -> None:
    with pytest.raises(OptionDataError, match=words):
        dnsname.text_to_wire(text)


def test_name_text_form_escapes_like_kea() -> None:
    label = b'a b."@$;()\\\x7f'
    wire = bytes([len(label)]) + label + b"\x01c\0"
    assert dnsname.wire_to_text(wire) == 'a\\032b\\.\\"\\@\\$\\;\\(\\)\\\\\\127.c.'
    assert dnsname.text_to_wire(dnsname.wire_to_text(wire)) == wire
    assert dnsname.wire_to_text(b"\0") == "."
    assert dnsname.wire_to_text(dnsname.text_to_wire("a.b"), omit_final_dot=True) == "a.b"


@pytest.mark.parametrize(("wire", "words"), [
    ("0461626364", "incomplete"),
    ("", "incomplete"),
    ("c000", "compression pointer"),
    ("4100", "unknown label character: 65"),
])
def test_wire_names_refused(wire: str, words: str) -> None:
    with pytest.raises(MalformedPacket, match=words):
        dnsname.read_wire(bytes.fromhex(wire))


LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=20)


@settings(max_examples=300)
@given(st.lists(LABEL, min_size=1, max_size=6))
def test_plain_names_round_trip(labels: list[str]) -> None:
    text = ".".join(labels)
    wire = dnsname.text_to_wire(text)
    assert dnsname.read_wire(wire + b"rest") == (wire, len(wire))
    assert dnsname.wire_to_text(wire) == text + "."
    # For names without escapes Kea's "text length + 1" rule is the wire length.
    assert field_length(DataType.FQDN, wire, 0, V4) == len(wire)


def test_kea_fqdn_length_rule_overshoots_escaped_names() -> None:
    wire = dnsname.text_to_wire("a b.c")
    assert len(wire) == 7
    assert field_length(DataType.FQDN, wire, 0, V4) == len("a\\032b.c.") + 1


# --- every type -----------------------------------------------------------------------------

SAMPLES: dict[DataType, str] = {
    DataType.BINARY: "0a0b",
    DataType.BOOLEAN: "true",
    DataType.FQDN: "host.example.org",
    DataType.INT8: "-5",
    DataType.INT16: "-300",
    DataType.INT32: "-70000",
    DataType.UINT8: "5",
    DataType.UINT16: "300",
    DataType.UINT32: "70000",
    DataType.IPV4_ADDRESS: "192.0.2.1",
    DataType.IPV6_ADDRESS: "2001:db8::1",
    DataType.IPV6_PREFIX: "2001:db8::/48",
    DataType.PSID: "3/4",
    DataType.STRING: "text, with comma",
    DataType.TUPLE: "a tuple",
}


@pytest.mark.parametrize("dtype", sorted(SAMPLES))
def test_each_type_reads_back_its_own_text(dtype: DataType) -> None:
    wire = encode_field(dtype, SAMPLES[dtype], V4)
    assert field_length(dtype, wire, 0, V4) == len(wire)
    text = field_text(dtype, wire, V4)
    (again,) = [trim(item) for item in split_csv(text)]
    assert encode_field(dtype, again, V4) == wire


def test_every_value_type_has_a_codec() -> None:
    assert set(SAMPLES) == set(ENCODERS)
    for dtype in (DataType.EMPTY, DataType.RECORD, DataType.INTERNAL):
        with pytest.raises(OptionDataError, match="invalid option data field type"):
            encode_field(dtype, "x", V4)
