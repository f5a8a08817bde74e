"""Where one JSON command ends on a stream, and turning it into a command or an answer.

Kea's UNIX control socket has no length prefix: the client writes one JSON
value, possibly in several pieces, and the server answers as soon as the
value is complete (Kea's ``JSONFeed``). Completeness is decided without
parsing: after optional white space the value must start with ``{`` or
``[``, and it is complete when the brackets opened outside strings are all
closed again. Whatever follows the value on the connection is ignored, as
Kea does. SANS-I/O: the channels feed bytes in and write the answer out.
"""

from __future__ import annotations

from typing import Any

import orjson

from nestor.control.registry import RESULT_ERROR, Answer, answer

_OPEN = frozenset(b"{[")
_CLOSE = frozenset(b"}]")
_SPACE = frozenset(b" \t\r\n")
_QUOTE, _BACKSLASH = ord('"'), ord("\\")


class FramingError(Exception):
    """The stream cannot hold a JSON command; ``str()`` is Kea's text."""


class JsonFeed:
    """Accumulates bytes until one JSON map or list is complete."""

    def __init__(self, limit: int = 16 << 20) -> None:
        self.limit = limit
        self._buf = bytearray()
        self._pos = 0  # next byte to scan
        self._depth = 0
        self._started = False
        self._in_string = False
        self._escaped = False
        self.end: int | None = None  # one past the value's last byte, once complete

    @property
    def size(self) -> int:
        return len(self._buf)

    def feed(self, data: bytes) -> bool:
        """Add bytes; True once a whole value was seen. FramingError if it cannot be one."""
        if self.end is not None:
            return True
        self._buf += data
        if len(self._buf) > self.limit:
            raise FramingError(f"command is larger than {self.limit} bytes")
        self._scan()
        return self.end is not None

    def value(self) -> bytes:
        assert self.end is not None
        return bytes(self._buf[:self.end])

    def _scan(self) -> None:
        buf, i = self._buf, self._pos
        while i < len(buf) and self.end is None:
            c = buf[i]
            i += 1
            if not self._started:
                if c in _SPACE:
                    continue
                if c not in _OPEN:
                    raise FramingError(f'invalid first character {chr(c)}')
                self._started, self._depth = True, 1
            elif self._in_string:
                self._string_byte(c)
            elif c == _QUOTE:
                self._in_string = True
            elif c in _OPEN:
                self._depth += 1
            elif c in _CLOSE:
                self._depth -= 1
                if self._depth == 0:
                    self.end = i
        self._pos = i

    def _string_byte(self, c: int) -> None:
        if self._escaped:
            self._escaped = False
        elif c == _BACKSLASH:
            self._escaped = True
        elif c == _QUOTE:
            self._in_string = False


def decode(data: bytes) -> tuple[Any, Answer | None]:
    """(request, None) or (None, error answer) for bytes that do not parse as JSON."""
    try:
        return orjson.loads(data), None
    except orjson.JSONDecodeError as exc:
        return None, answer(RESULT_ERROR, f"invalid JSON command: {exc}")


def encode(value: object) -> bytes:
    """An answer as JSON bytes laid out exactly as Kea prints it (:func:`kea_json`)."""
    parts: list[str] = []
    _emit(value, parts)
    return "".join(parts).encode("utf-8")


def kea_json(value: object) -> str:
    """Kea's ``Element::str()`` layout: ``{ "a": 1, "b": [ 2, 3 ] }``, maps sorted by key.

    Scripts written against Kea sometimes match answers as text (``grep
    '"result": 0'``), so the layout is part of the interface. Empty
    containers are ``{  }`` and ``[  ]``, as Kea prints them.
    """
    parts: list[str] = []
    _emit(value, parts)
    return "".join(parts)


def _emit(value: object, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, bool) or value is None:
        out.append("true" if value is True else "false" if value is False else "null")
    elif isinstance(value, (int, float)):
        out.append(repr(value) if isinstance(value, float) else str(value))
    elif isinstance(value, dict):
        out.append("{ ")
        for i, key in enumerate(sorted(value)):
            if i:
                out.append(", ")
            out.append(_string(str(key)))
            out.append(": ")
            _emit(value[key], out)
        out.append(" }")
    elif isinstance(value, (list, tuple)):
        out.append("[ ")
        for i, item in enumerate(value):
            if i:
                out.append(", ")
            _emit(item, out)
        out.append(" ]")
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def _string(text: str) -> str:
    # Kea escapes only what JSON requires and leaves other characters as UTF-8.
    return orjson.dumps(text).decode("utf-8")
