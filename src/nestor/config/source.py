"""Where configuration text came from: sources, marks and position-keeping containers.

Every map and list parsed from a configuration file remembers where it, each of
its keys and each of its values started, so that any later check (schema,
semantics, option encoding) can name ``file:line:column`` like Kea does.

Positions are stored as character offsets and turned into line and column
only when an error is reported: a 10,000-subnet file carries hundreds of
thousands of marks and almost none of them is ever printed.

For the same reason a document read on the parser's fast path (see
:mod:`nestor.config.fastjson`) carries no positions at all at first: each of its
containers knows its document and its place in it (``serial``), and the
positions are worked out by reparsing the text only when one is asked for.
Until then the containers hand out *deferred* marks, which find their offset
the first time it is read, which is when an error is being reported.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import Protocol, Self

from nestor.errors import ConfigError


class Source:
    """One configuration file (or string) as read, with a lazily built line index."""

    __slots__ = ("_line_starts", "name", "text")

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self._line_starts: list[int] | None = None

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        starts = self._line_starts
        if starts is None:
            starts = [0]
            find = self.text.find
            i = find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = find("\n", i + 1)
            self._line_starts = starts
        line = bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    def __repr__(self) -> str:
        return f"Source({self.name!r})"


# Where a deferred mark whose container cannot say (never expected) points.
_NOWHERE = Source("<unknown>", "")


class Mark:
    """A position in a source: a character offset, or a deferred one (see the module
    docstring) that is looked up the first time ``source`` or ``offset`` is read."""

    __slots__ = ("_find", "_offset", "_source")

    def __init__(self, source: Source, offset: int) -> None:
        self._source = source
        self._offset = offset
        self._find: Callable[[], Mark | None] | None = None

    @classmethod
    def deferred(cls, find: Callable[[], Mark | None]) -> Mark:
        mark = cls(_NOWHERE, 0)
        mark._find = find
        return mark

    def _settle(self) -> None:
        find = self._find
        if find is not None:
            self._find = None
            real = find()
            if real is not None:
                self._source, self._offset = real.source, real.offset

    @property
    def source(self) -> Source:
        if self._find is not None:
            self._settle()
        return self._source

    @property
    def offset(self) -> int:
        if self._find is not None:
            self._settle()
        return self._offset

    @property
    def file(self) -> str:
        return self.source.name

    @property
    def line(self) -> int:
        return self.source.line_col(self.offset)[0]

    @property
    def column(self) -> int:
        return self.source.line_col(self.offset)[1]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mark):
            return NotImplemented
        return (self.source, self.offset) == (other.source, other.offset)

    def __hash__(self) -> int:
        return hash((id(self.source), self.offset))

    def __str__(self) -> str:
        line, col = self.source.line_col(self.offset)
        return f"{self.source.name}:{line}:{col}"

    def __repr__(self) -> str:
        return f"Mark({self.source!r}, {self.offset})"


def error_at(message: str, mark: Mark | None) -> ConfigError:
    """A ConfigError naming the mark's file, line and column (or none when unknown)."""
    if mark is None:
        return ConfigError(message)
    source = mark.source
    line, col = source.line_col(mark.offset)
    return ConfigError(message, source.name, line, col)


class Twins(Protocol):
    """A document read without positions: gives the position-keeping twin (same place,
    same content, with marks) of its container number ``serial`` (in reading order)."""

    def twin(self, serial: int) -> PMap | PList: ...


class _Placed:
    """Positions shared by :class:`PMap` and :class:`PList`: where the container opens
    (``mark``) and closes (``end``), taken from its twin on first use when it was read
    on the fast path (``_doc`` is then set, see the module docstring)."""

    # The slots themselves are the subclasses' (a base with slots of its own cannot
    # be combined with dict or list), so mypy cannot see them here: the three
    # assignments below carry an ignore for that.
    __slots__ = ()
    _mark: Mark | None
    _end: Mark | None
    _doc: Twins | None
    _serial: int

    def _take(self, twin: PMap | PList) -> None:
        """Copy the positions of ``twin`` (the same container read with positions)."""
        raise NotImplementedError

    def _settled(self) -> Self:
        """This container with its positions known (taken from its twin when pending)."""
        doc = self._doc
        if doc is not None:
            self._take(doc.twin(self._serial))
            self._doc = None  # type: ignore[misc]
        return self

    @property
    def mark(self) -> Mark | None:
        if self._doc is not None:
            return Mark.deferred(lambda: self._settled()._mark)
        return self._mark

    @mark.setter
    def mark(self, value: Mark | None) -> None:
        self._settled()._mark = value  # type: ignore[misc]

    @property
    def end(self) -> Mark | None:
        """The closing brace or bracket."""
        if self._doc is not None:
            return Mark.deferred(lambda: self._settled()._end)
        return self._end

    @end.setter
    def end(self, value: Mark | None) -> None:
        self._settled()._end = value  # type: ignore[misc]


class PMap(_Placed, dict[str, object]):
    """A JSON object that remembers where it, its keys and its values are.

    ``mark`` is the opening brace, ``end`` the closing one; ``key_marks[k]`` the key string;
    ``value_marks[k]`` the first character of the value.
    """

    __slots__ = ("_doc", "_end", "_key_marks", "_mark", "_serial", "_value_marks")

    def __init__(self, mark: Mark | None = None) -> None:
        super().__init__()
        self._mark = mark
        self._end: Mark | None = None
        self._key_marks: dict[str, Mark] = {}
        self._value_marks: dict[str, Mark] = {}
        self._doc: Twins | None = None
        self._serial = 0

    def _take(self, twin: PMap | PList) -> None:
        assert isinstance(twin, PMap)
        self._mark, self._end = twin._mark, twin._end
        self._key_marks, self._value_marks = twin._key_marks, twin._value_marks

    @property
    def key_marks(self) -> dict[str, Mark]:
        return self._settled()._key_marks

    @key_marks.setter
    def key_marks(self, value: dict[str, Mark]) -> None:
        self._settled()._key_marks = value

    @property
    def value_marks(self) -> dict[str, Mark]:
        return self._settled()._value_marks

    @value_marks.setter
    def value_marks(self, value: dict[str, Mark]) -> None:
        self._settled()._value_marks = value

    def key_mark(self, key: str) -> Mark | None:
        """Where ``key`` is written, falling back to the map itself."""
        if self._doc is not None:
            return Mark.deferred(lambda: self._settled().key_mark(key))
        return self._key_marks.get(key, self._mark)

    def value_mark(self, key: str) -> Mark | None:
        """Where the value of ``key`` starts, falling back to the map itself."""
        if self._doc is not None:
            return Mark.deferred(lambda: self._settled().value_mark(key))
        return self._value_marks.get(key, self._mark)

    # Typed reads for values the schema has already checked.
    def int_of(self, key: str, default: int = 0) -> int:
        value = self.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else default

    def str_of(self, key: str, default: str = "") -> str:
        value = self.get(key)
        return value if isinstance(value, str) else default

    def bool_of(self, key: str, default: bool = False) -> bool:
        value = self.get(key)
        return value if isinstance(value, bool) else default


class PList(_Placed, list[object]):
    """A JSON array that remembers where it and each of its items are (positions as
    for :class:`PMap`)."""

    __slots__ = ("_doc", "_end", "_item_marks", "_mark", "_serial")

    def __init__(self, mark: Mark | None = None) -> None:
        super().__init__()
        self._mark = mark
        self._end: Mark | None = None
        self._item_marks: list[Mark] = []
        self._doc: Twins | None = None
        self._serial = 0

    def _take(self, twin: PMap | PList) -> None:
        assert isinstance(twin, PList)
        self._mark, self._end, self._item_marks = twin._mark, twin._end, twin._item_marks

    @property
    def item_marks(self) -> list[Mark]:
        return self._settled()._item_marks

    def item_mark(self, index: int) -> Mark | None:
        if self._doc is not None:
            return Mark.deferred(lambda: self._settled().item_mark(index))
        if 0 <= index < len(self._item_marks):
            return self._item_marks[index]
        return self._mark


# Where a value sits: its container and its key (map) or index (list). Code that checks
# many values passes places around and looks the mark up only when it reports an error.
Place = tuple[PMap | PList, str | int]


def mark_at(place: Place) -> Mark | None:
    """The mark of the value at ``place``."""
    owner, key = place
    if isinstance(owner, PMap):
        assert isinstance(key, str)
        return owner.value_mark(key)
    assert isinstance(key, int)
    return owner.item_mark(key)


def adopt(container: PMap | PList, doc: Twins, serial: int) -> None:
    """Make ``container`` (built without positions) take them from ``doc`` when asked."""
    container._doc = doc
    container._serial = serial
