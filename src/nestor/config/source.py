"""Where configuration text came from: sources, marks and position-keeping containers.

Every map and list parsed from a configuration file remembers where it, each of
its keys and each of its values started, so that any later check (schema,
semantics, option encoding) can name ``file:line:column`` like Kea does.

Positions are stored as character offsets and turned into line and column
only when an error is reported: a 10,000-subnet file carries hundreds of
thousands of marks and almost none of them is ever printed.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import NamedTuple

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


class Mark(NamedTuple):
    """A position in a source."""

    source: Source
    offset: int

    @property
    def file(self) -> str:
        return self.source.name

    @property
    def line(self) -> int:
        return self.source.line_col(self.offset)[0]

    @property
    def column(self) -> int:
        return self.source.line_col(self.offset)[1]

    def __str__(self) -> str:
        line, col = self.source.line_col(self.offset)
        return f"{self.source.name}:{line}:{col}"


def error_at(message: str, mark: Mark | None) -> ConfigError:
    """A ConfigError naming the mark's file, line and column (or none when unknown)."""
    if mark is None:
        return ConfigError(message)
    line, col = mark.source.line_col(mark.offset)
    return ConfigError(message, mark.source.name, line, col)


class PMap(dict[str, object]):
    """A JSON object that remembers where it, its keys and its values are.

    ``mark`` is the opening brace, ``end`` the closing one; ``key_marks[k]`` the key string;
    ``value_marks[k]`` the first character of the value.
    """

    __slots__ = ("end", "key_marks", "mark", "value_marks")

    def __init__(self, mark: Mark | None = None) -> None:
        super().__init__()
        self.mark = mark
        self.end: Mark | None = None  # the closing brace
        self.key_marks: dict[str, Mark] = {}
        self.value_marks: dict[str, Mark] = {}

    def key_mark(self, key: str) -> Mark | None:
        """Where ``key`` is written, falling back to the map itself."""
        return self.key_marks.get(key, self.mark)

    def value_mark(self, key: str) -> Mark | None:
        """Where the value of ``key`` starts, falling back to the map itself."""
        return self.value_marks.get(key, self.mark)

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


class PList(list[object]):
    """A JSON array that remembers where it and each of its items are."""

    __slots__ = ("end", "item_marks", "mark")

    def __init__(self, mark: Mark | None = None) -> None:
        super().__init__()
        self.mark = mark
        self.end: Mark | None = None  # the closing bracket
        self.item_marks: list[Mark] = []

    def item_mark(self, index: int) -> Mark | None:
        if 0 <= index < len(self.item_marks):
            return self.item_marks[index]
        return self.mark
