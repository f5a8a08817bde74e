"""The string functions of the language, with Kea's edge cases (``src/lib/eval/token.cc``).

Values are byte strings. An operand out of range gives an empty string, as in Kea;
an operand Kea cannot convert at all (an address of 5 octets, a number beyond 32 bits)
raises :class:`EvalError`, which makes the class test fail, as Kea's exception does.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nestor.errors import NestorError
from nestor.expr.errors import EvalError

_C_INT = re.compile(r"[+-]?[0-9]+\Z")
_INT32 = range(-(1 << 31), 1 << 31)


def c_int(text: str, what: str) -> int:
    """``boost::lexical_cast<int>``: decimal, 32-bit, else an evaluation error."""
    if _C_INT.match(text) and int(text) in _INT32:
        return int(text)
    raise EvalError(f"the parameter '{text}' for {what} couldn't be converted to an integer.")


def substring(value: bytes, start_text: str, length_text: str) -> bytes:
    """``substring(value, start, length)``: negative start counts from the end; a
    negative length takes that many octets before ``start``; ``all`` takes the rest."""
    if not value:
        return b""
    start = c_int(start_text, "the starting position of the substring")
    size = len(value)
    length = size if length_text == "all" else c_int(length_text, "the length of the substring")
    if start < -size or start >= size:
        return b""
    if start < 0:
        start += size
    if length < 0:
        length = -length
        if length <= start:
            start -= length
        else:
            length, start = start, 0
    return value[start:start + length]


def substring_bounds(start_text: str, length_text: str) -> tuple[int, int | None] | None:
    """(start, length) when both convert; length None for ``all``."""
    if not _C_INT.match(start_text) or int(start_text) not in _INT32:
        return None
    if length_text == "all":
        return int(start_text), None
    if not _C_INT.match(length_text) or int(length_text) not in _INT32:
        return None
    return int(start_text), int(length_text)


def substring_at(value: bytes, start: int, length: int | None) -> bytes:
    """:func:`substring` with its numbers already converted."""
    size = len(value)
    if start < -size or start >= size:  # also covers the empty value
        return b""
    if start < 0:
        start += size
    if length is None:
        return value[start:]
    if length < 0:
        length = -length
        if length <= start:
            start -= length
        else:
            length, start = start, 0
    return value[start:start + length]


def split(value: bytes, delimiters: bytes, field_text: str) -> bytes:
    """``split(value, delimiters, n)``: the n-th field (from 1) between any of the
    delimiter octets; adjacent delimiters delimit empty fields."""
    if not value:
        return b""
    return split_at(value, delimiters, c_int(field_text, "the field field for split"))


def split_field(field_text: str) -> int | None:
    """The field number of a split, when Kea can convert it."""
    if _C_INT.match(field_text) and int(field_text) in _INT32:
        return int(field_text)
    return None


def split_at(value: bytes, delimiters: bytes, field: int) -> bytes:
    """:func:`split` with its field number already converted."""
    if not value or not delimiters:
        return value
    one = len(delimiters) == 1
    fields = value.split(delimiters) if one else _splitter(delimiters).split(value)
    if field < 1 or field > len(fields):
        return b""
    return fields[field - 1]


@lru_cache(maxsize=256)
def _splitter(delimiters: bytes) -> re.Pattern[bytes]:
    return re.compile(b"[" + re.escape(delimiters) + b"]")


def hexstring(value: bytes, separator: bytes) -> bytes:
    """Lower-case hex pairs joined by ``separator``."""
    return separator.join(b"%02x" % octet for octet in value)


def _signed(value: bytes) -> int:
    return int.from_bytes(value, "big", signed=True)


def _unsigned(value: bytes) -> int:
    return int.from_bytes(value, "big")


# name -> (octets the operand must have, how to read it)
INT_TO_TEXT = {
    "int8totext": (1, _signed), "int16totext": (2, _signed), "int32totext": (4, _signed),
    "uint8totext": (1, _unsigned), "uint16totext": (2, _unsigned),
    "uint32totext": (4, _unsigned),
}


def int_to_text(name: str, value: bytes) -> bytes:
    """``int8totext(...)`` ... ``uint32totext(...)``; an empty operand stays empty."""
    if not value:
        return b""
    size, read = INT_TO_TEXT[name]
    if len(value) != size:
        raise EvalError(f"Can not convert to valid {name[:-6]}.")
    return str(read(value)).encode()


def addr_to_text(value: bytes) -> bytes:
    """``addrtotext``: 4 or 16 octets to text, as ``inet_ntop`` writes them."""
    if not value:
        return b""
    if len(value) == 4:
        return ".".join(str(o) for o in value).encode()
    if len(value) == 16:
        return ipv6_text(value).encode()
    raise EvalError("Can not convert to valid address.")


def ipv6_text(packed: bytes) -> str:
    """RFC 5952 text the way glibc's ``inet_ntop`` writes it: the first longest run of
    two or more zero groups becomes ``::``; IPv4-mapped (``::ffff:a.b.c.d``) and
    IPv4-compatible (``::a.b.c.d``) addresses end in a dotted quad."""
    words = [int.from_bytes(packed[i:i + 2], "big") for i in range(0, 16, 2)]
    best, best_len, run, run_len = -1, 0, -1, 0
    for i, word in enumerate([*words, 1]):
        if word == 0:
            run, run_len = (i, 1) if run < 0 else (run, run_len + 1)
            continue
        if run >= 0 and run_len > best_len:
            best, best_len = run, run_len
        run, run_len = -1, 0
    if best_len < 2:
        best = -1
    embed = best == 0 and (best_len == 6 or (best_len == 5 and words[5] == 0xFFFF))
    parts: list[str] = []
    i = 0
    while i < 8:
        if i == best:
            parts.append(":" if i == 0 else "")
            i += best_len
            if i == 8:
                parts.append("")
            continue
        if embed and i == 6:
            parts.append(".".join(str(o) for o in packed[12:]))
            break
        parts.append(f"{words[i]:x}")
        i += 1
    return ":".join(parts)


def regex(pattern: str) -> re.Pattern[bytes]:
    """A ``match('...', value)`` pattern; Kea 3.x uses ECMAScript syntax, which for the
    patterns people write reads the same in Python."""
    try:
        return re.compile(pattern.encode("utf-8", "surrogateescape"))
    except re.error as exc:  # the parser has already refused these
        raise NestorError(str(exc)) from None
