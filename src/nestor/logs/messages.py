"""Kea's message catalogue: identifier -> severity, template, where Kea logs it.

The data lives in ``kea_messages.tsv`` (generated from kea-doc by
``scripts/gen_kea_messages.py``); it is read once, on first use, so importing
the logging API costs nothing. A template is split into literal parts and
placeholder numbers the first time its message is formatted, so later
messages with the same identifier only join strings.

Placeholder rules follow Kea's formatter (log_formatter.cc): ``%N`` takes the
N-th argument; an argument without a placeholder is appended as
`` @@Missing logger placeholder '%N' for value 'ARG'@@`` and a placeholder left
without an argument is reported with `` @@Excess logger placeholder '%N' still
exists@@``, so a wrong call is visible in the log instead of silently lost.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nestor.logs.levels import Severity

CATALOGUE_FILE = Path(__file__).with_name("kea_messages.tsv")
_PLACEHOLDER = re.compile(r"%([1-9][0-9]*)")


@dataclass(frozen=True, slots=True)
class Message:
    """One catalogue entry. ``debuglevel``/``logger`` are empty unless seen in Kea 2.2."""

    ident: str
    severity: Severity
    template: str
    debuglevel: int | None = None
    logger: str = ""

    @property
    def placeholders(self) -> int:
        """The highest ``%N`` in the template: how many arguments a call passes."""
        return max((int(n) for n in _PLACEHOLDER.findall(self.template)), default=0)


class Compiled:
    """A template cut into literals and 0-based argument indexes, ready to join."""

    __slots__ = ("count", "fast", "parts", "present")

    def __init__(self, template: str) -> None:
        pieces = _PLACEHOLDER.split(template)
        # split() alternates literal, number, literal, …: odd positions are numbers.
        self.parts: tuple[str | int, ...] = tuple(
            int(p) - 1 if i % 2 else p for i, p in enumerate(pieces) if i % 2 or p)
        self.present = frozenset(p for p in self.parts if isinstance(p, int))
        self.count = len(self.present)
        # The usual case, placeholders %1..%N all used, goes through str.format.
        contiguous = self.present == frozenset(range(self.count))
        self.fast = "".join(f"{{{p}}}" if isinstance(p, int) else
                            p.replace("{", "{{").replace("}", "}}")
                            for p in self.parts) if contiguous else None

    def format(self, args: Sequence[object]) -> str:
        texts = [a if a.__class__ is str else _text(a) for a in args]
        count = len(texts)
        if count == self.count and self.fast is not None:
            return self.fast.format(*texts)
        out = [p if isinstance(p, str) else texts[p] if p < count else f"%{p + 1}"
               for p in self.parts]
        for index, text in enumerate(texts):
            if index not in self.present:
                out.append(f" @@Missing logger placeholder '%{index + 1}' for value '{text}'@@")
        # Kea looks for one leftover only: the placeholder after the last argument.
        if count in self.present:
            out.append(f" @@Excess logger placeholder '%{count + 1}' still exists@@")
        return "".join(out)


def _text(value: object) -> str:
    # Kea streams arguments with boost::lexical_cast: booleans print as 1/0.
    if value is True:
        return "1"
    if value is False:
        return "0"
    return str(value)


class Catalogue:
    """Messages by identifier; Kea's file plus any registered by Nestor or a hook."""

    def __init__(self, path: Path = CATALOGUE_FILE) -> None:
        self._path = path
        self._messages: dict[str, Message] | None = None
        self._compiled: dict[str, Compiled] = {}
        self._lock = threading.Lock()

    def _load(self) -> dict[str, Message]:
        with self._lock:
            if self._messages is None:
                self._messages = read_tsv(self._path)
            return self._messages

    def get(self, ident: str) -> Message | None:
        messages = self._messages if self._messages is not None else self._load()
        return messages.get(ident)

    def __contains__(self, ident: object) -> bool:
        return isinstance(ident, str) and self.get(ident) is not None

    def __len__(self) -> int:
        return len(self._messages if self._messages is not None else self._load())

    def identifiers(self) -> list[str]:
        return sorted(self._messages if self._messages is not None else self._load())

    def register(self, messages: Sequence[Message]) -> None:
        """Add messages (a Python hook's own, as a Kea hook ships a .mes file).

        An identifier already known keeps its first definition, as Kea's
        message dictionary does for duplicates.
        """
        table = self._load()
        for message in messages:
            table.setdefault(message.ident, message)

    def render(self, ident: str, args: Sequence[object]) -> str:
        """``IDENT text`` as Kea's ``%m`` shows it."""
        compiled = self._compiled.get(ident)
        if compiled is None:
            message = self.get(ident)
            compiled = Compiled(message.template if message is not None else "")
            self._compiled[ident] = compiled
        text = compiled.format(args)
        return f"{ident} {text}" if text else ident


def read_tsv(path: Path) -> dict[str, Message]:
    table: dict[str, Message] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            ident, severity, level, logger, template = line.rstrip("\n").split("\t", 4)
            # Kea's message compiler turns a written "\n" into a line break.
            table[ident] = Message(ident, Severity[severity], template.replace("\\n", "\n"),
                                   int(level) if level else None, logger)
    return table


CATALOGUE = Catalogue()
