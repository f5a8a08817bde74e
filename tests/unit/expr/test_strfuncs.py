"""String functions: Kea's documented examples and properties against references."""

from __future__ import annotations

import re
import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nestor.expr.errors import EvalError
from nestor.expr.strfuncs import (
    addr_to_text,
    hexstring,
    ipv6_text,
    split,
    substring,
    substring_at,
    substring_bounds,
)

# The manual's table (classify.rst, "Substring").
MANUAL = [
    ("foobar", "0", "6", "foobar"), ("foobar", "3", "3", "bar"), ("foobar", "3", "all", "bar"),
    ("foobar", "1", "4", "ooba"), ("foobar", "-5", "4", "ooba"), ("foobar", "-1", "-3", "oba"),
    ("foobar", "4", "-2", "ob"), ("foobar", "10", "2", ""),
]


@pytest.mark.parametrize(("value", "start", "length", "expected"), MANUAL)
def test_substring_examples(value: str, start: str, length: str, expected: str) -> None:
    assert substring(value.encode(), start, length) == expected.encode()


def _reference_substring(value: bytes, start: int, length: int | None) -> bytes:
    """The manual's wording: start counts from the end when negative; a negative
    length takes that many octets before start (not including it)."""
    n = len(value)
    if not -n <= start < n:
        return b""
    start %= n
    if length is None:
        return value[start:]
    if length >= 0:
        return value[start:start + length]
    return value[max(start + length, 0):start]


@settings(max_examples=400)
@given(st.binary(max_size=12), st.integers(-15, 15), st.one_of(st.none(), st.integers(-15, 15)))
def test_substring_matches_the_manual(value: bytes, start: int, length: int | None) -> None:
    length_text = "all" if length is None else str(length)
    expected = _reference_substring(value, start, length)
    assert substring(value, str(start), length_text) == expected
    bounds = substring_bounds(str(start), length_text)
    assert bounds is not None
    assert substring_at(value, *bounds) == expected


def test_substring_numbers_kea_cannot_convert() -> None:
    assert substring_bounds("2147483648", "1") is None
    assert substring_bounds("1", "-2147483649") is None
    assert substring_bounds("-2147483648", "all") == (-2147483648, None)
    with pytest.raises(EvalError):
        substring(b"abc", "2147483648", "1")


@settings(max_examples=400)
@given(st.lists(st.sampled_from([b"a", b"b", b".", b","]), max_size=10).map(b"".join),
       st.sampled_from([b".", b",", b".,", b""]), st.integers(-2, 12))
def test_split_matches_any_of_delimiters(value: bytes, delims: bytes, field: int) -> None:
    got = split(value, delims, str(field))
    if not value or not delims:
        assert got == value
        return
    fields = re.split(b"[" + re.escape(delims) + b"]", value)
    assert got == (fields[field - 1] if 1 <= field <= len(fields) else b"")


@settings(max_examples=300)
@given(st.binary(max_size=8), st.sampled_from([b"", b":", b"-", b" : "]))
def test_hexstring(value: bytes, sep: bytes) -> None:
    expected = sep.join(f"{octet:02x}".encode() for octet in value)
    assert hexstring(value, sep) == expected


@settings(max_examples=500)
@given(st.lists(st.sampled_from([0, 0, 0, 1, 0xFFFF, 0x0DB8, 0xABCD]), min_size=8,
                max_size=8))
def test_ipv6_text_is_inet_ntop(words: list[int]) -> None:
    packed = b"".join(w.to_bytes(2, "big") for w in words)
    assert ipv6_text(packed) == socket.inet_ntop(socket.AF_INET6, packed)


@settings(max_examples=300)
@given(st.binary(min_size=16, max_size=16))
def test_ipv6_text_random(packed: bytes) -> None:
    assert ipv6_text(packed) == socket.inet_ntop(socket.AF_INET6, packed)


@pytest.mark.parametrize("text", ["::", "::1", "1::", "::ffff:192.0.2.1", "::192.0.2.1",
                                  "::0.0.0.2", "1:0:0:1::1", "2001:db8::1:0:0:1"])
def test_ipv6_text_special_forms(text: str) -> None:
    packed = socket.inet_pton(socket.AF_INET6, text)
    assert addr_to_text(packed).decode() == socket.inet_ntop(socket.AF_INET6, packed)


def test_addr_to_text_sizes() -> None:
    assert addr_to_text(b"") == b""
    assert addr_to_text(bytes([192, 0, 2, 1])) == b"192.0.2.1"
    with pytest.raises(EvalError, match=r"Can not convert to valid address\."):
        addr_to_text(b"\x01\x02\x03")
