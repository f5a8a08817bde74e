"""The configuration reader's fast path: Python's C JSON decoder, positions on demand.

Reading a big configuration token by token in Python (:mod:`nestor.config.jsonpos`)
costs about a microsecond per token, and almost every position it records is
never printed. So a file is first tried here: Kea's comments are blanked out
and the rest goes to :func:`json.loads`, giving the same values without
positions. Its containers are then numbered in reading order; the first time
anyone asks for a position, the text is read again the careful way and each
container takes the marks of its twin (see :class:`nestor.config.source.Twins`).

The fast path only takes documents on which both readers agree by
construction. It declines (returns None, and the careful reader does the
work, including every error message and warning) whenever Kea's grammar and
JSON's could differ: include directives, extra commas, ``\\u`` escapes (Kea
takes only ``\\u00XX``), numbers JSON writes differently (leading zeros,
``.5``, ``+1``) or that may not fit Kea's 64-bit integers, ``NaN``, duplicate
keys, nesting deeper than the careful reader allows, and of course any error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from itertools import count
from typing import Any

from nestor.config.source import PList, PMap, Source, adopt

# Everything up to the first comment: runs of plain characters and whole strings
# (a string may hold "#", "//" or "/*"). Possessive repeats keep a broken string
# from making the pattern backtrack.
_PLAIN = re.compile(r'(?:[^"#/]++|"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+")*+')
# Kea's integers are 64-bit signed; the careful reader refuses others with its message.
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1

Reparse = Callable[[Source], list[PMap | PList]]


class _Decline(Exception):
    """The document needs the careful reader."""


def strip_comments(text: str) -> str | None:
    """``text`` with each of Kea's comments (``#``, ``//`` to the end of the line,
    ``/* */``) replaced by a blank; None when something other than a comment follows
    the plain text (an include directive, a broken string, a lone ``/``)."""
    pieces: list[str] = []
    i, n = 0, len(text)
    while True:
        m = _PLAIN.match(text, i)
        assert m is not None  # the pattern matches the empty string at worst
        j = m.end()
        pieces.append(text[i:j])
        if j >= n:
            return "".join(pieces)
        if text.startswith(("#", "//"), j):
            k = text.find("\n", j)
            i = n if k < 0 else k
        elif text.startswith("/*", j):
            k = text.find("*/", j + 2)
            if k < 0:
                return None
            i = k + 2
        else:
            return None
        pieces.append(" ")  # a comment separates tokens: "1/**/2" is not 12


def _pmap(pairs: list[tuple[str, object]]) -> PMap:
    m = PMap()
    m.update(pairs)
    if len(m) != len(pairs):
        raise _Decline  # duplicate key: the careful reader names both places
    return m


def _refuse_constant(_name: str) -> object:
    raise _Decline  # NaN, Infinity, -Infinity: not Kea's JSON


class _Positions:
    """The careful reading of a document, made the first time a position is needed."""

    def __init__(self, src: Source, reparse: Reparse) -> None:
        self._src = src
        self._reparse = reparse
        self._twins: list[PMap | PList] | None = None

    def twin(self, serial: int) -> PMap | PList:
        if self._twins is None:
            self._twins = self._reparse(self._src)
        return self._twins[serial]


def _adopted(value: object, doc: _Positions, max_depth: int) -> object:
    """``value`` with its lists made PLists and every container numbered in the order
    the careful reader makes them (depth first, keys in written order)."""
    serials = count()

    def walk(node: PMap | PList, children: Iterable[tuple[Any, Any]], depth: int) -> None:
        if depth > max_depth:
            raise _Decline
        adopt(node, doc, next(serials))
        below = depth + 1
        for where, child in children:
            kind = type(child)
            if kind is PMap:
                walk(child, child.items(), below)
            elif kind is list:
                items = PList()
                items.extend(child)
                node[where] = items  # replacing a value while iterating is safe
                walk(items, enumerate(items), below)
            elif kind is int and not _INT64_MIN <= child <= _INT64_MAX:
                raise _Decline  # the careful reader refuses it with Kea's message

    root: Any = value
    if type(root) is list:
        items = PList()
        items.extend(root)
        root = items
    elif type(root) is int and not _INT64_MIN <= root <= _INT64_MAX:
        raise _Decline
    if isinstance(root, PMap):
        walk(root, root.items(), 1)
    elif isinstance(root, PList):
        walk(root, enumerate(root), 1)
    return root


def read(src: Source, reparse: Reparse, max_depth: int) -> tuple[object] | None:
    """The value of ``src`` read the fast way (in a 1-tuple, since null is a value),
    or None when the careful reader must do it (see the module docstring)."""
    text = src.text
    if "\\u" in text:
        return None
    plain = strip_comments(text[1:] if text.startswith("\ufeff") else text)
    if plain is None:
        return None
    try:
        value = json.loads(plain, object_pairs_hook=_pmap, parse_constant=_refuse_constant)
        return (_adopted(value, _Positions(src, reparse), max_depth),)
    except (_Decline, ValueError, RecursionError):
        return None
