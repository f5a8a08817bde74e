"""DHCPv4 messages: bytes <-> :class:`Packet4`, sans I/O, built for the hot path.

Layout (RFC 2131 section 2): a fixed 236-octet BOOTP header, the magic cookie
99.130.83.99 (RFC 2131 section 3), then options until the end option. The
header is read with one ``struct`` call; options stay raw bytes in a dict
keyed by code, in wire order, and are decoded on demand by the accessors.

Decoding follows Kea's ``Pkt4::unpack``/``LibDHCP::unpackOptions4`` where it
is lenient (a missing end option or a final option that runs past the data
is tolerated; the truncated option is dropped) and adds what Kea 2.2 lacks:
option overload (RFC 2131 section 4.1) and long options (RFC 3396); see
:mod:`nestor.wire.layout4`.

What a round trip preserves: every header field, every option payload (the
instances of one code joined), and the total length of the datagram (its
trailing zero padding, kept as ``pad_to``). A datagram whose layout is not
the one :meth:`Packet4.serialize` would produce (pad options between options,
split or repeated options, overload, a missing end, junk after the end,
option 82 not last) is remembered whole, and ``serialize`` hands those very
bytes back as long as nothing in the packet was changed. So
``parse4(b).serialize() == b`` for any ``b`` that parses.
"""

from __future__ import annotations

import struct
from typing import Any

from nestor.errors import MalformedPacket, OptionDataError
from nestor.wire.layout4 import (
    CONCAT,
    EMPTY_FILE,
    EMPTY_SNAME,
    HEADER,
    IP_UDP_OVERHEAD,
    MAGIC_COOKIE,
    NO_END,
    RAI_NOT_LAST,
    TRAILING,
    TRUNC,
    PacketTooBig,
    Quirk,
    encode_overloaded,
    put_split,
    rai_last,
    read_overloaded,
    scan_options,
)
from nestor.wire.options4 import MESSAGE_TYPES, MessageType, OptionCode, SubOptions, parse_rai

__all__ = [
    "BOOTP_MIN_SIZE", "BOOTREPLY", "BOOTREQUEST", "BROADCAST_FLAG", "DEFAULT_MAX_SIZE",
    "IP_UDP_OVERHEAD", "MAGIC_COOKIE", "MessageType", "Packet4", "PacketTooBig", "Quirk",
    "ip4_text", "parse4",
]

BOOTREQUEST = 1
BOOTREPLY = 2
BROADCAST_FLAG = 0x8000  # RFC 2131 section 2, figure 2
BOOTP_MIN_SIZE = 300  # RFC 1542 section 3.2: some relays drop anything shorter
DEFAULT_MAX_SIZE = 576  # RFC 2131 section 2 / RFC 2132 section 9.10: minimum legal
_HEADER_SIZE = 236


def _short_reason(size: int) -> str:
    if size < _HEADER_SIZE:
        return f"truncated header: {size} octets, the fixed header needs {_HEADER_SIZE}"
    if size == _HEADER_SIZE:
        # Kea refuses these too: a BOOTP request with no vendor extensions.
        return "no magic cookie: BOOTP packet without vendor extensions"
    return f"truncated magic cookie: {size - _HEADER_SIZE} of 4 octets"


def parse4(data: bytes, *, strict: bool = False) -> Packet4:
    """Decode one DHCPv4 datagram (the UDP payload).

    Only ever raises :class:`MalformedPacket`. With ``strict`` a final option
    running past the data or a missing end option is an error too, instead of
    being tolerated the way Kea tolerates it.
    """
    if type(data) is not bytes:
        data = bytes(data)
    size = len(data)
    if size < 240:
        raise MalformedPacket(_short_reason(size))
    f = HEADER.unpack_from(data)
    if f[14] != MAGIC_COOKIE:
        raise MalformedPacket(f"bad magic cookie 0x{f[14]:08x}")
    if f[2] > 16:  # chaddr holds 16 octets (RFC 2131 section 2)
        raise MalformedPacket(f"hlen {f[2]} exceeds the 16-octet chaddr field")
    opts: dict[int, bytes] = {}
    pos, quirks = scan_options(data, 240, opts)
    p = _new(Packet4)
    (p.op, p.htype, p.hlen, p.hops, p.xid, p.secs, p.flags, p.ciaddr, p.yiaddr,
     p.siaddr, p.giaddr, p.chaddr, p.sname, p.file, _) = f
    if 52 in opts:
        more, which = read_overloaded(data, opts)
        quirks |= more
        # The fields hold options, not names.
        if which & 1:
            p.file = EMPTY_FILE
        if which & 2:
            p.sname = EMPTY_SNAME
    if 82 in opts and not quirks & CONCAT and next(reversed(opts)) != 82:
        quirks |= RAI_NOT_LAST
    if pos < size and data.count(0, pos) != size - pos and not quirks & TRUNC:
        quirks |= TRAILING
    if strict and quirks & (TRUNC | NO_END):
        raise MalformedPacket("option runs past the end of the data" if quirks & TRUNC
                              else "options field has no end option")
    p.options = opts
    p.pad_to = size
    p.quirks = quirks
    p._raw = data if quirks else None
    if quirks:
        p._snap = p._state()
    return p


class Packet4:
    """One DHCPv4 message. Addresses are ints; chaddr/sname/file raw bytes.

    ``options`` maps code -> payload in wire order. ``pad_to`` is the length
    ``serialize`` pads to with zeros (the BOOTP minimum for new packets, the
    received length for parsed ones). ``quirks`` holds :class:`Quirk` bits
    of a parsed datagram. Equality compares header fields and options (as a
    mapping: option order carries no meaning in DHCP), not layout.
    """

    __slots__ = ("_raw", "_snap", "chaddr", "ciaddr", "file", "flags", "giaddr", "hlen",
                 "hops", "htype", "op", "options", "pad_to", "quirks", "secs", "siaddr",
                 "sname", "xid", "yiaddr")

    op: int
    htype: int
    hlen: int
    hops: int
    xid: int
    secs: int
    flags: int
    ciaddr: int
    yiaddr: int
    siaddr: int
    giaddr: int
    chaddr: bytes
    sname: bytes
    file: bytes
    options: dict[int, bytes]
    pad_to: int
    quirks: int
    _raw: bytes | None
    _snap: tuple[Any, ...]

    def __init__(self, op: int = BOOTREQUEST, xid: int = 0, chaddr: bytes = b"", *,
                 htype: int = 1, hlen: int | None = None, hops: int = 0, secs: int = 0,
                 flags: int = 0, ciaddr: int = 0, yiaddr: int = 0, siaddr: int = 0,
                 giaddr: int = 0, sname: bytes = b"", file: bytes = b"",
                 options: dict[int, bytes] | None = None,
                 pad_to: int = BOOTP_MIN_SIZE) -> None:
        if len(chaddr) > 16 or len(sname) > 64 or len(file) > 128:
            raise OptionDataError("chaddr, sname or file longer than its field (16/64/128)")
        self.op, self.htype, self.hops, self.xid, self.secs = op, htype, hops, xid, secs
        self.hlen = len(chaddr) if hlen is None else hlen
        self.flags, self.ciaddr, self.yiaddr = flags, ciaddr, yiaddr
        self.siaddr, self.giaddr = siaddr, giaddr
        self.chaddr = chaddr.ljust(16, b"\0")
        self.sname = sname.ljust(64, b"\0")
        self.file = file.ljust(128, b"\0")
        self.options = {} if options is None else options
        self.pad_to = pad_to
        self.quirks = 0
        self._raw = None

    def _header(self) -> tuple[Any, ...]:
        return (self.op, self.htype, self.hlen, self.hops, self.xid, self.secs, self.flags,
                self.ciaddr, self.yiaddr, self.siaddr, self.giaddr, self.chaddr, self.sname,
                self.file)

    def _state(self) -> tuple[Any, ...]:
        return self._header(), list(self.options.items()), self.pad_to

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Packet4):
            return NotImplemented
        return self._header() == other._header() and self.options == other.options

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        mt = self.options.get(53)
        kind = MESSAGE_TYPES[mt[0]].name if mt and len(mt) == 1 else "no-type"
        addrs = " ".join(f"{n}={ip4_text(getattr(self, n))}"
                         for n in ("ciaddr", "yiaddr", "siaddr", "giaddr")
                         if getattr(self, n))
        opts = ", ".join(f"{c}: {v[:24].hex()}{'..' if len(v) > 24 else ''}"
                         for c, v in self.options.items())
        return (f"<Packet4 {kind} op={self.op} xid=0x{self.xid:08x} "
                f"chaddr={self.hwaddr.hex(':')} {addrs}{' ' if addrs else ''}"
                f"options={{{opts}}}>")

    # --- encoding -------------------------------------------------------------------

    def serialize(self, max_size: int | None = None) -> bytes:
        """Encode for the wire, at most ``max_size`` octets as an IP datagram.

        ``max_size`` is a maximum message size as option 57 gives it (RFC
        2132 section 9.10), so 28 octets of IP and UDP headers are kept out
        of it. By default the limit is 576 - 28 octets, or ``pad_to`` if that
        is larger (for a parsed packet, its received size), so that a round
        trip never has to shrink a packet.

        Option 82 goes last (RFC 3046 section 2.1); payloads over 255 octets
        become consecutive instances (RFC 3396 section 5); the result is
        zero padded to ``pad_to``. If the options do not fit, they overflow
        into ``file`` then ``sname`` when those are empty (RFC 2131 section
        4.1); if they still do not fit, :class:`PacketTooBig` is raised.
        An option 52 in ``options`` is written as given (Kea lets operators
        configure it), except when overloading, where the codec's own wins.
        """
        if max_size is None:
            limit = max(DEFAULT_MAX_SIZE - IP_UDP_OVERHEAD, self.pad_to)
        else:
            limit = max_size - IP_UDP_OVERHEAD
        raw = self._raw
        if raw is not None and len(raw) <= limit and self._state() == self._snap:
            return raw
        opts = self.options
        if 0 in opts or 255 in opts:
            raise OptionDataError("pad (0) and end (255) are written by the codec itself")
        items = rai_last(opts) if 82 in opts and next(reversed(opts)) != 82 else opts.items()
        if len(self.chaddr) > 16 or len(self.sname) > 64 or len(self.file) > 128:
            raise OptionDataError("chaddr, sname or file longer than its field (16/64/128)")
        try:
            buf = bytearray(HEADER.pack(
                self.op, self.htype, self.hlen, self.hops, self.xid, self.secs, self.flags,
                self.ciaddr, self.yiaddr, self.siaddr, self.giaddr, self.chaddr, self.sname,
                self.file, MAGIC_COOKIE))
            append = buf.append
            for code, v in items:
                n = len(v)
                if n > 255:
                    put_split(buf, code, v)
                    continue
                append(code)
                append(n)
                buf += v
        except (struct.error, ValueError, TypeError) as exc:
            raise OptionDataError(f"cannot encode DHCPv4 packet: {exc}") from exc
        append(255)
        if len(buf) > limit:
            return encode_overloaded(buf[:240], items, limit, self.pad_to)
        pad = min(self.pad_to, limit) - len(buf)
        if pad > 0:
            buf += bytes(pad)
        return bytes(buf)

    # --- decoded views of common options ----------------------------------------------

    @property
    def hwaddr(self) -> bytes:
        return self.chaddr[:self.hlen]

    @property
    def broadcast(self) -> bool:
        return bool(self.flags & BROADCAST_FLAG)

    @property
    def message_type(self) -> MessageType | None:
        v = self.options.get(53)
        if v is None:
            return None
        if len(v) != 1:
            raise MalformedPacket(f"message type (53) has {len(v)} octets, 1 expected")
        return MESSAGE_TYPES[v[0]]

    def uint_option(self, code: int, size: int) -> int | None:
        """Option ``code`` as an unsigned big-endian int of exactly ``size`` octets."""
        v = self.options.get(code)
        if v is None:
            return None
        if len(v) != size:
            raise MalformedPacket(
                f"option {_code_label(code)} has {len(v)} octets, {size} expected")
        return int.from_bytes(v, "big")

    @property
    def requested_address(self) -> int | None:
        return self.uint_option(50, 4)

    @property
    def lease_time(self) -> int | None:
        return self.uint_option(51, 4)

    @property
    def server_id(self) -> int | None:
        return self.uint_option(54, 4)

    @property
    def max_message_size(self) -> int | None:
        return self.uint_option(57, 2)

    @property
    def subnet_selection(self) -> int | None:
        return self.uint_option(118, 4)

    @property
    def parameter_request_list(self) -> bytes | None:
        return self.options.get(55)

    @property
    def client_id(self) -> bytes | None:
        return self.options.get(61)

    @property
    def vendor_class_id(self) -> bytes | None:
        return self.options.get(60)

    @property
    def hostname(self) -> str | None:
        """Host name (12); trailing NULs dropped; empty counts as absent, as in Kea."""
        v = self.options.get(12)
        if v is None:
            return None
        v = v.rstrip(b"\0")
        return v.decode("utf-8", "replace") if v else None

    @property
    def relay_agent_info(self) -> SubOptions | None:
        v = self.options.get(82)
        return None if v is None else parse_rai(v)

    def reply_size_limit(self) -> int:
        """Largest reply this (query) packet's sender accepts: its option 57,
        never below the 576 every host must take (RFC 2132 section 9.10)."""
        mms = self.max_message_size
        return DEFAULT_MAX_SIZE if mms is None or mms < DEFAULT_MAX_SIZE else mms


_new = object.__new__


def _code_label(code: int) -> str:
    try:
        return f"{OptionCode(code).name.lower().replace('_', '-')} ({code})"
    except ValueError:
        return str(code)


# Texts of the addresses ip4_text saw last. A server converts the same few again and
# again (its own addresses, its relays' giaddr) two or three times per message; the
# bound keeps client addresses (ciaddr, yiaddr), which rarely repeat, from growing it.
_TEXTS: dict[int, str] = {}
_TEXTS_MAX = 4096


def ip4_text(addr: int) -> str:
    """Dotted quad of an address held as an int (0 to 2**32 - 1)."""
    text = _TEXTS.get(addr)
    if text is None:
        text = f"{addr >> 24 & 255}.{addr >> 16 & 255}.{addr >> 8 & 255}.{addr & 255}"
        if len(_TEXTS) >= _TEXTS_MAX:
            _TEXTS.clear()
        _TEXTS[addr] = text
    return text
