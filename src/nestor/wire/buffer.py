"""Bounds-checked reading and growable writing of network byte order data.

Every read checks the remaining length first and raises MalformedPacket with
a reason naming what was being read, so a short or lying length field in a
peer's packet can never surface as IndexError or struct.error.
"""

from __future__ import annotations

import struct

from nestor.errors import MalformedPacket

_U16 = struct.Struct("!H")
_U32 = struct.Struct("!I")


class Reader:
    """Sequential reader over a bytes-like object, never past ``end``."""

    __slots__ = ("data", "end", "pos")

    def __init__(self, data: bytes | memoryview, pos: int = 0, end: int | None = None) -> None:
        self.data = data
        self.pos = pos
        self.end = len(data) if end is None else end

    @property
    def remaining(self) -> int:
        return self.end - self.pos

    def need(self, n: int, what: str) -> None:
        if n > self.end - self.pos:
            raise MalformedPacket(
                f"truncated {what}: need {n} bytes, {self.end - self.pos} left")

    def u8(self, what: str = "uint8") -> int:
        self.need(1, what)
        v = self.data[self.pos]
        self.pos += 1
        return v

    def u16(self, what: str = "uint16") -> int:
        self.need(2, what)
        (v,) = _U16.unpack_from(self.data, self.pos)
        self.pos += 2
        return int(v)

    def u32(self, what: str = "uint32") -> int:
        self.need(4, what)
        (v,) = _U32.unpack_from(self.data, self.pos)
        self.pos += 4
        return int(v)

    def take(self, n: int, what: str = "bytes") -> bytes:
        self.need(n, what)
        start = self.pos
        self.pos += n
        return bytes(self.data[start:self.pos])

    def rest(self) -> bytes:
        start = self.pos
        self.pos = self.end
        return bytes(self.data[start:self.end])

    def sub(self, n: int, what: str) -> Reader:
        """A reader over the next ``n`` bytes; this reader skips past them."""
        self.need(n, what)
        r = Reader(self.data, self.pos, self.pos + n)
        self.pos += n
        return r


class Writer:
    """Append-only byte builder."""

    __slots__ = ("buf",)

    def __init__(self) -> None:
        self.buf = bytearray()

    def u8(self, v: int) -> None:
        self.buf.append(v)

    def u16(self, v: int) -> None:
        self.buf += _U16.pack(v)

    def u32(self, v: int) -> None:
        self.buf += _U32.pack(v)

    def put(self, b: bytes | bytearray | memoryview) -> None:
        self.buf += b

    def getvalue(self) -> bytes:
        return bytes(self.buf)
