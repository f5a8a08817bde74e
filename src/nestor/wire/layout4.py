"""Where DHCPv4 options sit in a datagram: scanning, RFC 3396, option overload.

:mod:`nestor.wire.packet4` keeps options as one dict; this module moves them
between that dict and the three areas a datagram can hold them in: the
options field after the magic cookie, and, when option 52 says so, the
``file`` and ``sname`` header fields (RFC 2131 section 4.1).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from enum import IntFlag

from nestor.errors import MalformedPacket, OptionDataError

MAGIC_COOKIE = 0x63825363  # RFC 2131 section 3
IP_UDP_OVERHEAD = 28  # option 57 sizes the IP datagram: 20 (IP) + 8 (UDP) octets

# op htype hlen hops xid secs flags ciaddr yiaddr siaddr giaddr chaddr sname file cookie
HEADER = struct.Struct("!4BI2H4I16s64s128sI")
SNAME = slice(44, 108)
FILE = slice(108, 236)
EMPTY_SNAME = bytes(64)
EMPTY_FILE = bytes(128)
OVERLOAD = 52
RAI = 82


class Quirk(IntFlag):
    """Ways a parsed datagram differs from the layout ``serialize`` produces."""

    PADS = 1  # pad options (0) before the end option
    CONCATENATED = 2  # several instances of one code, joined (RFC 3396)
    TRUNCATED = 4  # the last option ran past the data; it was dropped (as Kea does)
    NO_END = 8  # no end option (255) in the options field
    OVERLOADED = 16  # options also in file and/or sname (option 52)
    TRAILING_DATA = 32  # non-zero octets after the end option
    RAI_NOT_LAST = 64  # option 82 not the last option (RFC 3046 section 2.1)


# The same bits as plain ints: IntFlag arithmetic is too slow for the parse loop.
PADS, CONCAT, TRUNC, NO_END = 1, 2, 4, 8
OVERLOADED, TRAILING, RAI_NOT_LAST = 16, 32, 64


class PacketTooBig(OptionDataError):
    """The options cannot fit in the allowed message size, even overloaded."""


def scan_options(data: bytes, pos: int, opts: dict[int, bytes]) -> tuple[int, int]:
    """Collect the options in ``data[pos:]`` into ``opts``.

    Returns the position after the end option (or where scanning stopped) and
    the :class:`Quirk` bits seen. Instances of a code already present are
    appended to it: RFC 3396 section 6 makes the decoder concatenate them.

    This is the hot loop, so it tests as little as it can: running off the
    data raises IndexError instead of being tested for on every option, and
    an option overrunning the data (sliced short) is taken back afterwards.
    """
    quirks = 0
    joined_at = -1
    code = start = 0
    try:
        while True:
            code = data[pos]
            if code == 255:
                return pos + 1, quirks
            if code:
                start = pos + 2
                pos = start + data[pos + 1]
                if code in opts:
                    opts[code] += data[start:pos]
                    quirks |= CONCAT
                    joined_at = start
                else:
                    opts[code] = data[start:pos]
            else:  # pad: a single octet, no length (RFC 2132 section 3.1)
                quirks |= PADS
                pos += 1
    except IndexError:
        stop = len(data)
        if pos == stop:
            return pos, quirks | NO_END
        if pos > stop:  # the last option claimed more than was left: drop it
            if joined_at == start:
                value = opts[code]
                opts[code] = value[:len(value) - (stop - start)]
            else:
                del opts[code]
            pos = start - 2
        return pos, quirks | TRUNC


def read_overloaded(data: bytes, opts: dict[int, bytes]) -> tuple[int, int]:
    """Add the options carried in ``file``/``sname`` (RFC 2131 section 4.1).

    Consumes option 52 from ``opts``; returns the quirk bits and the overload
    value (1 file, 2 sname, 3 both). RFC 3396 section 4 orders the aggregate
    buffer: options field, then file, then sname.
    """
    value = opts.pop(OVERLOAD)
    if len(value) != 1:
        raise MalformedPacket(f"option overload (52) has {len(value)} octets, 1 expected")
    which = value[0]
    if not 1 <= which <= 3:
        raise MalformedPacket(f"option overload (52) value {which} is not 1, 2 or 3")
    quirks = OVERLOADED
    if which & 1:
        quirks |= scan_options(data[FILE], 0, opts)[1]
    if which & 2:
        quirks |= scan_options(data[SNAME], 0, opts)[1]
    opts.pop(OVERLOAD, None)  # an overload option inside file/sname means nothing
    # RFC 2131 wants an end option in each area, but a full area is readable.
    return quirks & ~NO_END, which


def rai_last(opts: dict[int, bytes]) -> list[tuple[int, bytes]]:
    """Options with 82 moved last: relay agents append it, and RFC 3046
    section 2.1 has it follow every other option."""
    return [(c, v) for c, v in opts.items() if c != RAI] + [(RAI, opts[RAI])]


def put_split(buf: bytearray, code: int, value: bytes) -> None:
    """RFC 3396 section 5: a long option goes out as consecutive instances."""
    for i in range(0, len(value), 255):
        chunk = value[i:i + 255]
        buf.append(code)
        buf.append(len(chunk))
        buf += chunk


def encode_overloaded(head: bytearray, items: Iterable[tuple[int, bytes]], limit: int,
                      pad_to: int) -> bytes:
    """Options that overflow ``limit`` octets, spilled into file then sname.

    ``head`` is the packed header and cookie (240 octets). Only empty fields
    are used (RFC 2131 section 4.1). Each instance (at most 255 octets) goes
    whole into the first area with room, never before an area that holds an
    earlier part of the same option (so RFC 3396 order holds) and, for
    option 82, never before any area in use (so it stays last). The options
    field keeps room for option 52 and an end option; file and sname, which
    must each be terminated by an end option, keep room for it.
    """
    caps = [limit - len(head) - 3 - 1]
    where = [slice(0)]
    for field in (FILE, SNAME):  # RFC 3396 section 4 order
        if not any(head[field]):
            caps.append(field.stop - field.start - 1)
            where.append(field)
    areas = [bytearray() for _ in caps]
    floor: dict[int, int] = {}
    used = 0
    for code, value in items:
        if code == OVERLOAD:
            continue  # replaced by the one saying where the options went
        for i in range(0, max(len(value), 1), 255):
            chunk = value[i:i + 255]
            for a in range(used if code == RAI else floor.get(code, 0), len(caps)):
                if len(areas[a]) + 2 + len(chunk) <= caps[a]:
                    areas[a] += bytes((code, len(chunk))) + chunk
                    floor[code] = a
                    used = max(used, a)
                    break
            else:
                raise PacketTooBig(
                    f"options do not fit in a {limit + IP_UDP_OVERHEAD}-octet message "
                    "even with file and sname overloaded")
    which = 0
    for area, field in zip(areas[1:], where[1:], strict=True):
        if area:
            head[field] = (area + b"\xff").ljust(field.stop - field.start, b"\0")
            which |= 1 if field == FILE else 2
    head += areas[0] + bytes((OVERLOAD, 1, which, 255))
    if len(head) > limit:
        raise PacketTooBig(f"a {limit + IP_UDP_OVERHEAD}-octet message cannot hold the header")
    pad = min(pad_to, limit) - len(head)
    if pad > 0:
        head += bytes(pad)
    return bytes(head)
