"""What a control channel needs from the server: a command in, an answer out."""

from __future__ import annotations

from typing import Protocol

from nestor.control.registry import Answer


class CommandHandler(Protocol):
    def handle(self, request: object) -> Answer:
        """Answer one decoded request (never raises)."""

    def answered(self) -> None:
        """Called after an answer was written (a ``shutdown`` takes effect here)."""
