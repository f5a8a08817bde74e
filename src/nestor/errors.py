"""One exception tree for the whole suite.

Input from a network peer may only ever raise :class:`MalformedPacket`; the
transport layer catches exactly that, counts it and drops the packet.
Configuration problems raise :class:`ConfigError`, which always names the
file, line and column it is about so an operator can go straight to it.
"""

from __future__ import annotations


class NestorError(Exception):
    """Base of every error Nestor raises on purpose."""


class MalformedPacket(NestorError):
    """Bytes from the network that cannot be decoded as the protocol requires."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class OptionDataError(NestorError):
    """Option data (from configuration or a hook) that cannot be encoded."""


class ConfigError(NestorError):
    """A configuration refused, with where and why.

    The text follows Kea's habit of putting the position in parentheses at
    the end: ``unsupported parameter 'foo' (kea-dhcp4.conf:12:5)``.
    """

    def __init__(self, message: str, file: str | None = None,
                 line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        super().__init__(self.__str__())

    @property
    def position(self) -> str:
        if self.file is None and self.line is None:
            return ""
        where = self.file or "<string>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        pos = self.position
        return f"{self.message} ({pos})" if pos else self.message
