"""Domain names in text and in DNS wire format (RFC 1035 section 3.1), as Kea handles them.

Kea reads and writes names through its DNS library (inherited from BIND 10), and
option encoding depends on its exact rules:

* text form: labels separated by ``.``; ``\\X`` keeps character X literally and
  ``\\DDD`` is a byte in decimal; a final ``.`` is optional; labels are at most 63
  bytes and the whole wire form at most 255 bytes (RFC 1035 section 2.3.4);
* wire form: length-prefixed labels ending with the zero-length root label;
* back to text, the characters ``" ( ) . ; \\ @ $`` are escaped with a backslash
  and bytes outside 0x21-0x7e as ``\\DDD``, and the text ends with ``.``.

The last point matters more than it seems: when Kea re-reads an ``fqdn`` field it
takes "length of the name as text, plus one" as the field's length on the wire,
which is only right for names that need no escaping (see ``opttypes``).

Text input comes from configuration and raises :class:`OptionDataError`; wire input
may come from a peer and raises :class:`MalformedPacket`.
"""

from __future__ import annotations

from nestor.errors import MalformedPacket, OptionDataError

MAX_LABEL = 63
MAX_WIRE = 255
# Characters the text form escapes with a plain backslash.
_ESCAPED = frozenset(b'".();\\@$')


def text_to_wire(name: str | bytes, downcase: bool = False) -> bytes:
    """Encode a textual domain name as wire labels ending with the root label.

    ``name`` may be bytes: Kea also reads names from option bytes taken as text.
    """
    raw = name.encode() if isinstance(name, str) else bytes(name)
    text = raw.decode("utf-8", "replace")
    if not raw:
        raise OptionDataError("incomplete textual name in <empty>")
    if raw == b".":
        return b"\0"
    labels: list[bytes] = []
    label = bytearray()
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c == 0x2E:  # '.' ends a label
            if not label:
                what = "duplicate period" if labels else "non terminating empty label"
                raise OptionDataError(f"{what} in {text}")
            labels.append(bytes(label))
            label.clear()
            i += 1
            continue
        if c == 0x5C:  # backslash escape
            c, i = _escape(raw, i, text)
        else:
            i += 1
        if len(label) == MAX_LABEL:
            raise OptionDataError(f"label is too long in {text}")
        label.append(c)
    if label:
        labels.append(bytes(label))
    wire = b"".join(bytes([len(lb)]) + lb for lb in labels) + b"\0"
    if len(wire) > MAX_WIRE:
        raise OptionDataError(f"name is too long in {text}")
    return wire.lower() if downcase else wire


def _escape(raw: bytes, i: int, text: str) -> tuple[int, int]:
    """The byte a backslash sequence at ``raw[i]`` stands for, and the next index."""
    if i + 1 >= len(raw):
        raise OptionDataError(f"incomplete textual name in {text}")
    if not 0x30 <= raw[i + 1] <= 0x39:
        return raw[i + 1], i + 2
    digits = raw[i + 1:i + 4]
    if len(digits) < 3 or not all(0x30 <= d <= 0x39 for d in digits):
        raise OptionDataError(f"incomplete decimal sequence in {text}")
    value = int(digits)
    if value > 255:
        raise OptionDataError(f"escaped decimal is too large in {text}")
    return value, i + 4


def read_wire(data: bytes, pos: int = 0) -> tuple[bytes, int]:
    """The wire name starting at ``data[pos]`` (labels and root) and the index after it.

    Compression pointers (RFC 1035 section 4.1.4) are refused: a name in an option
    stands alone, and Kea refuses a pointer that leads outside the name it parses.
    """
    start = pos
    while True:
        if pos >= len(data):
            raise MalformedPacket("incomplete wire-format name")
        length = data[pos]
        if length & 0xC0 == 0xC0:
            raise MalformedPacket("bad compression pointer in wire-format name")
        if length > MAX_LABEL:
            raise MalformedPacket(f"unknown label character: {length}")
        pos += 1 + length
        if pos - start > MAX_WIRE:
            raise MalformedPacket("wire-format name is too long")
        if length == 0:
            return bytes(data[start:pos]), pos


def wire_to_text(wire: bytes, omit_final_dot: bool = False) -> str:
    """Text form of a complete wire name (as :func:`read_wire` returns it)."""
    parts: list[str] = []
    pos = 0
    while wire[pos]:
        length = wire[pos]
        parts.append("".join(_char_text(c) for c in wire[pos + 1:pos + 1 + length]))
        pos += 1 + length
    if not parts:
        return "."
    return ".".join(parts) + ("" if omit_final_dot else ".")


def _char_text(c: int) -> str:
    if c in _ESCAPED:
        return "\\" + chr(c)
    if 0x20 < c < 0x7F:
        return chr(c)
    return f"\\{c:03d}"
