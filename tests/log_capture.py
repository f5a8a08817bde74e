"""A log output for tests: keeps every record it is given, in order."""

from __future__ import annotations

from nestor.logs import Severity
from nestor.logs.pattern import Record


class RecordingOutput:
    """Stands where a file or syslog output would; ``records`` is what was logged."""

    def __init__(self) -> None:
        self.records: list[Record] = []

    def emit(self, record: Record) -> None:
        self.records.append(record)

    def close(self) -> None:
        pass

    def lines(self, at_least: Severity = Severity.INFO) -> list[str]:
        """``SEVERITY [logger] message`` of the records at ``at_least`` or above."""
        return [f"{r.severity.name} [{r.logger}] {r.message}" for r in self.records
                if r.severity >= at_least]
