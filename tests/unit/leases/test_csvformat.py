"""Kea's lease file format: escaping, identifiers, headers and rows.

The literal rows below were written by Kea 2.2 itself (lease4-add / lease6-add
through libdhcp_lease_cmds, then read from its memfile), so rendering them
byte for byte shows Nestor writes what Kea writes.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nestor.leases import Lease4, Lease6, LeaseState, LeaseType
from nestor.leases.csvformat import (
    RowError,
    SchemaState,
    escape,
    kea_json,
    parse_hex_id,
    read_header,
    render_user_context,
    unescape,
)
from nestor.leases.rows import (
    COLUMNS4,
    COLUMNS6,
    SCHEMA4,
    SCHEMA6,
    parse_row4,
    parse_row6,
    render_row4,
    render_row6,
)

HEADER4_22 = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev," \
             "hostname,state,user_context"
HEADER6_22 = "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid," \
             "prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype," \
             "hwaddr_source"
# Rows Kea 2.2 wrote (schema 2.1 / 4.0: no pool_id column).
KEA4_ROWS = [
    '192.0.2.10,1a:1b:1c:1d:1e:1f,01:02:03,3600,2000000000,1,1,0,a&#x2cb&#x26c,0,'
    '{ "k": "v&#x2cw"&#x2c "n": [ 1&#x2c 2 ]&#x2c "q": "\\"quoted\\"\\n" }',
    "192.0.2.11,,,7200,1795944298,1,0,0,,1,",
    "192.0.2.13,aa:bb:cc:dd:ee:01,,4294967295,6090904394,1,0,0,,0,",
    "192.0.2.13,aa:bb:cc:dd:ee:01,,0,1795937099,1,0,0,,0,",
]
KEA6_ROWS = [
    '2001:db8:1::100,01:02:03:04,3600,1795940805,1,1800,0,1234,128,0,1,h&#x2c1,'
    '1a:1b:1c:1d:1e:1f,0,{ "a": "b" },1,0',
    "2001:db8:1::101,00,7200,1795944405,1,7200,0,0,128,0,0,,,1,,,",
    "2001:db8:8::,01:02:03:04,7200,1795944408,1,7200,2,5,56,0,0,,,0,,,",
]


def cols(row: str) -> list[str]:
    return row.split(",")


def kea22_row4(lease: Lease4, deleted: bool = False) -> str:
    return ",".join(render_row4(lease, deleted).split(",")[:len(COLUMNS4) - 1])


def kea22_row6(lease: Lease6) -> str:
    return ",".join(render_row6(lease, False).split(",")[:len(COLUMNS6) - 1])


def upgrade(header: str, columns: tuple, row: str) -> list[str]:  # type: ignore[type-arg]
    return read_header(header, columns, 9).adapt(row.split(","))


# Escaping ---------------------------------------------------------------------------------
def test_escape_matches_kea_for_separator_and_ampersand() -> None:
    assert escape("a,b&c") == "a&#x2cb&#x26c"
    assert escape("plain-host.example.org") == "plain-host.example.org"


def test_escape_covers_control_and_non_ascii_bytes_like_kea_3() -> None:
    # Kea 2.2 writes these raw and breaks its own file; 3.x escapes them.
    assert escape("h\nx") == "h&#x0ax"
    assert escape("caf\u00e9") == "caf&#xc3&#xa9"
    assert escape("\x7f") == "&#x7f"


def test_unescape_follows_kea_for_malformed_tags() -> None:
    assert unescape("a&#x2cb") == "a,b"
    assert unescape("A&#x2C") == "A,"  # upper-case digits are accepted
    assert unescape("tail&#x") == "tail&#x"
    assert unescape("&#xZZ&#x41") == "&#xZZA"
    assert unescape("&#x&#x41") == "&#xA"


def test_bytes_kea_22_wrote_raw_survive_a_round_trip() -> None:
    raw = b"d\xe9 x".decode("utf-8", "surrogateescape")  # Latin-1 byte, not UTF-8
    assert unescape(escape(raw)) == raw
    assert escape(raw) == "d&#xe9 x"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_escape_round_trips_and_leaves_no_separator(text: str) -> None:
    escaped = escape(text)
    assert unescape(escaped) == text
    assert "," not in escaped and "\n" not in escaped and "\r" not in escaped
    assert escaped.isascii()


# Identifiers and JSON ----------------------------------------------------------------------
@pytest.mark.parametrize(("text", "value"), [
    ("", b""), ("1a:2b:3c", b"\x1a\x2b\x3c"), ("a:b:c", b"\x0a\x0b\x0c"),
    ("A:0b", b"\x0a\x0b"), ("ff", b"\xff"),
])
def test_identifiers_parse_like_kea(text: str, value: bytes) -> None:
    assert parse_hex_id(text, "id") == value


@pytest.mark.parametrize("text", ["aabbccddee27", "aa::bb", " aa", "aa:", "abc:01", "0x01",
                                  "a b", "gg"])
def test_malformed_identifiers_are_refused(text: str) -> None:
    with pytest.raises(RowError, match="invalid format"):
        parse_hex_id(text, "id")


def test_user_context_is_printed_the_way_kea_prints_json() -> None:
    context = {"q": '"quoted"\n', "n": [1, 2], "k": "v,w"}
    assert render_user_context(context) == KEA4_ROWS[0][KEA4_ROWS[0].index("{"):]
    assert kea_json({}) == "{  }"
    assert kea_json({"a": [], "b": None, "c": True, "d": 1.5}) == \
        '{ "a": [  ], "b": null, "c": true, "d": 1.5 }'


# Headers -------------------------------------------------------------------------------------
def test_kea_22_header_needs_upgrade_and_rows_get_defaults() -> None:
    header = read_header(HEADER4_22, COLUMNS4, 9)
    assert header.state is SchemaState.NEEDS_UPGRADE and header.version == "2.1"
    assert header.adapt(KEA4_ROWS[1].split(","))[-1] == "0"  # pool_id default


def test_a_header_older_than_state_is_upgraded_with_state_zero() -> None:
    old = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname"
    row = upgrade(old, COLUMNS4, "192.0.2.1,aa:bb:cc:dd:ee:ff,,60,100,1,0,0,h")
    assert row[9:] == ["0", "", "0"]
    assert parse_row4(row).state == LeaseState.DEFAULT


def test_newer_header_needs_downgrade_and_extra_columns_are_dropped() -> None:
    names = ",".join(c.name for c in COLUMNS4) + ",future_column"
    header = read_header(names, COLUMNS4, 9)
    assert header.state is SchemaState.NEEDS_DOWNGRADE
    row = header.adapt(cols("192.0.2.1,aa:bb:cc:dd:ee:ff,,60,100,1,0,0,,0,,7,x"))
    assert parse_row4(row).pool_id == 7


@pytest.mark.parametrize(("header", "message"), [
    ("address,hwaddr,client_id,valid,expire", "invalid column: 'valid'"),
    ("address,hwaddr,client_id", "only 3 valid column"),
])
def test_unusable_headers_are_refused(header: str, message: str) -> None:
    with pytest.raises(RowError, match=message):
        read_header(header, COLUMNS4, 9)


def test_rows_with_a_wrong_column_count_are_refused() -> None:
    header = read_header(HEADER4_22, COLUMNS4, 9)
    with pytest.raises(RowError, match="number of columns: 10"):
        header.adapt(KEA4_ROWS[1].split(",")[:10])


# DHCPv4 rows ------------------------------------------------------------------------------
def test_kea_v4_rows_parse_to_their_leases() -> None:
    first = parse_row4(upgrade(HEADER4_22, COLUMNS4, KEA4_ROWS[0]))
    assert (first.address, first.hwaddr, first.client_id) == \
        (IPv4Address("192.0.2.10"), bytes.fromhex("1a1b1c1d1e1f"), b"\x01\x02\x03")
    assert (first.valid_lft, first.cltt, first.expire) == (3600, 2000000000 - 3600, 2000000000)
    assert (first.fqdn_fwd, first.fqdn_rev, first.hostname) == (True, False, "a,b&c")
    assert first.user_context == {"k": "v,w", "n": [1, 2], "q": '"quoted"\n'}
    declined = parse_row4(upgrade(HEADER4_22, COLUMNS4, KEA4_ROWS[1]))
    assert (declined.hwaddr, declined.client_id, declined.state) == (b"", None, 1)
    infinite = parse_row4(upgrade(HEADER4_22, COLUMNS4, KEA4_ROWS[2]))
    assert (infinite.valid_lft, infinite.cltt) == (0xFFFFFFFF, 1795937099)
    assert parse_row4(upgrade(HEADER4_22, COLUMNS4, KEA4_ROWS[3])).valid_lft == 0


@pytest.mark.parametrize("row", KEA4_ROWS[:3])
def test_v4_rows_render_byte_for_byte_as_kea_wrote_them(row: str) -> None:
    assert kea22_row4(parse_row4(upgrade(HEADER4_22, COLUMNS4, row))) == row


def test_a_deleted_lease_is_a_row_with_valid_lifetime_zero() -> None:
    live = parse_row4(upgrade(HEADER4_22, COLUMNS4, KEA4_ROWS[2]))
    assert kea22_row4(live, deleted=True) == KEA4_ROWS[3]


@pytest.mark.parametrize(("row", "reason"), [
    ("192.0.2.1,aa:bb:cc:dd:ee:ff,01,60,100,1,0,0,,0,,0", "client-id length 1"),
    ("192.0.2.1,aa:bb:cc:dd:ee:ff,,60,100,1,true,0,,0,,0", "fqdn_fwd 'true'"),
    ("192.0.2.1,aa:bb:cc:dd:ee:ff,,60,100,1,0,0,,0,[1],0", "not a JSON map"),
    ("192.0.2.1,aa:bb:cc:dd:ee:ff,,60,100,1,0,0,,0,{bad,0", "not valid JSON"),
    ("192.0.2.1,,,60,100,1,0,0,,0,,0", "neither hardware address nor client id"),
    ("192.0.2.1,aabbccddeeff,,60,100,1,0,0,,0,,0", "invalid format"),
    ("192.0.2.256,aa:bb,,60,100,1,0,0,,0,,0", "invalid IPv4 address"),
    ("2001:db8::1,aa:bb,,60,100,1,0,0,,0,,0", "invalid IPv4 address"),
    ("192.0.2.1,aa:bb,,-1,100,1,0,0,,0,,0", "valid_lifetime '-1'"),
    ("192.0.2.1,aa:bb,,4294967296,100,1,0,0,,0,,0", "out of range"),
    ("192.0.2.1,aa:bb,, 60,100,1,0,0,,0,,0", "valid_lifetime ' 60'"),
])
def test_v4_rows_kea_refuses_are_refused(row: str, reason: str) -> None:
    with pytest.raises(RowError, match=reason):
        parse_row4(row.split(","))


def test_v4_declined_and_client_id_only_rows_are_accepted() -> None:
    assert parse_row4(cols("192.0.2.1,,,60,100,1,0,0,,1,,0")).state == 1
    assert parse_row4(cols("192.0.2.1,,01:02,60,100,1,0,0,,0,,0")).client_id == b"\1\2"


# DHCPv6 rows ------------------------------------------------------------------------------
def test_kea_v6_rows_parse_to_their_leases() -> None:
    na = parse_row6(upgrade(HEADER6_22, COLUMNS6, KEA6_ROWS[0]))
    assert (na.address, na.duid, na.iaid, na.type) == \
        (IPv6Address("2001:db8:1::100"), b"\1\2\3\4", 1234, LeaseType.NA)
    assert (na.preferred_lft, na.valid_lft, na.prefix_len, na.fqdn_rev) == (1800, 3600, 128, True)
    assert (na.hostname, na.hwaddr, na.hwtype, na.hwaddr_source) == \
        ("h,1", bytes.fromhex("1a1b1c1d1e1f"), 1, 0)
    declined = parse_row6(upgrade(HEADER6_22, COLUMNS6, KEA6_ROWS[1]))
    assert (declined.duid, declined.state, declined.hwaddr) == (b"\0", 1, None)
    pd = parse_row6(upgrade(HEADER6_22, COLUMNS6, KEA6_ROWS[2]))
    assert (pd.type, pd.prefix_len, pd.address) == (LeaseType.PD, 56, IPv6Address("2001:db8:8::"))


@pytest.mark.parametrize("row", KEA6_ROWS)
def test_v6_rows_render_byte_for_byte_as_kea_wrote_them(row: str) -> None:
    assert kea22_row6(parse_row6(upgrade(HEADER6_22, COLUMNS6, row))) == row


def test_v6_deleted_row_zeroes_both_lifetimes() -> None:
    pd = parse_row6(upgrade(HEADER6_22, COLUMNS6, KEA6_ROWS[2]))
    fields = render_row6(pd, True).split(",")
    assert (fields[2], fields[3], fields[5]) == ("0", str(pd.cltt), "0")


@pytest.mark.parametrize(("row", "reason"), [
    ("2001:db8::1,00,60,100,1,30,0,1,128,0,0,,,0,,,,0", "empty DUID"),
    ("2001:db8::1,,60,100,1,30,0,1,128,0,0,,,0,,,,0", "DUID length 0"),
    ("2001:db8::1,01:02,60,100,1,30,3,1,128,0,0,,,0,,,,0", "lease_type 3"),
    ("2001:db8::1,01:02,60,100,1,30,0,1,129,0,0,,,0,,,,0", "prefix_len 129"),
    ("2001:db8::1,01:02,60,100,1,30,0,4294967296,128,0,0,,,0,,,,0", "iaid"),
    ("192.0.2.1,01:02,60,100,1,30,0,1,128,0,0,,,0,,,,0", "invalid IPv6 address"),
])
def test_v6_bad_rows_are_refused(row: str, reason: str) -> None:
    with pytest.raises(RowError, match=reason):
        parse_row6(row.split(","))


def test_range_checks_hold_for_numbers_seen_before_in_wider_columns() -> None:
    parse_row6(cols("2001:db8::1,01:02,200,300,200,30,0,1,128,0,0,,,0,,,,0"))
    with pytest.raises(RowError, match="prefix_len 200"):
        parse_row6(cols("2001:db8::1,01:02,200,300,200,30,0,1,200,0,0,,,0,,,,0"))


def test_v6_unreadable_hardware_address_is_dropped_with_a_warning(
        caplog: pytest.LogCaptureFixture) -> None:
    lease = parse_row6(cols("2001:db8::1,01:02,60,100,1,30,0,1,128,0,0,,zz:1,0,,,,0"))
    assert lease.hwaddr is None
    assert "DHCPSRV_MEMFILE_READ_HWADDR_FAIL" in caplog.text


# Round trips through rows ---------------------------------------------------------------
hostnames = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
contexts = st.none() | st.dictionaries(
    st.text(max_size=8), st.recursive(
        st.none() | st.booleans() | st.integers(-2**63, 2**64) | st.text(max_size=10),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
            st.text(max_size=5), inner, max_size=3), max_leaves=6), max_size=4)


@settings(max_examples=300, deadline=None)
@given(addr=st.integers(0, 2**32 - 1), hw=st.binary(min_size=1, max_size=20),
       cid=st.none() | st.binary(min_size=2, max_size=255), valid=st.integers(1, 2**32 - 1),
       cltt=st.integers(0, 2**40), subnet=st.integers(0, 2**32 - 1), host=hostnames,
       state=st.integers(0, 4), context=contexts, pool=st.integers(0, 2**32 - 1),
       fwd=st.booleans(), rev=st.booleans())
def test_any_v4_lease_survives_render_and_parse(addr: int, hw: bytes, cid: bytes | None,
                                                valid: int, cltt: int, subnet: int, host: str,
                                                state: int, context: dict | None,  # type: ignore
                                                pool: int, fwd: bool, rev: bool) -> None:
    lease = Lease4(addr, hw, cid, valid, cltt, subnet, fwd, rev, host, state, context, pool)
    row = SCHEMA4.render(lease, False)
    assert "\n" not in row and len(row.split(",")) == len(COLUMNS4)
    assert SCHEMA4.parse(row.split(",")) == lease


@settings(max_examples=300, deadline=None)
@given(addr=st.integers(0, 2**128 - 1), duid=st.binary(min_size=2, max_size=130),
       iaid=st.integers(0, 2**32 - 1), kind=st.sampled_from(list(LeaseType)),
       plen=st.integers(0, 128), host=hostnames, context=contexts,
       hw=st.none() | st.binary(min_size=1, max_size=20), hwtype=st.integers(0, 65535),
       source=st.integers(0, 2**32 - 1))
def test_any_v6_lease_survives_render_and_parse(addr: int, duid: bytes, iaid: int, kind: int,
                                                plen: int, host: str,
                                                context: dict | None,  # type: ignore
                                                hw: bytes | None, hwtype: int,
                                                source: int) -> None:
    lease = Lease6(addr, duid, iaid, kind, plen, 1800, 3600, 1_700_000_000, 7, True, False,
                   host, hw, hwtype if hw is not None else 1,
                   source if hw is not None else 0, 0, context, 3)
    row = SCHEMA6.render(lease, False)
    assert SCHEMA6.parse(row.split(",")) == lease
