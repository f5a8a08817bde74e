"""Whether the DHCP service is enabled: ``dhcp-disable`` / ``dhcp-enable`` (Kea's NetworkState).

The service can be disabled by several *origins* at once (the operator, a
High Availability partner, ...) and serves again only when every origin that
disabled it has enabled it again. ``dhcp-disable`` with ``max-period``
disables for at most that many seconds: the deadline is checked against the
clock when a packet arrives, so no timer is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# Kea 2.2 accepts "user" and "ha-partner"; Kea 3.x splits HA into local and
# remote commands and adds the database connection recovery origin.
ORIGINS = ("user", "ha-partner", "ha-local-command", "ha-remote-command", "db-connection")


@dataclass
class NetworkState:
    clock: Callable[[], float]
    _disabled: dict[str, float | None] = field(default_factory=dict)  # origin → deadline

    def disable(self, origin: str, max_period: int | None = None) -> None:
        deadline = None if max_period is None else self.clock() + max_period
        self._disabled[origin] = deadline

    def enable(self, origin: str) -> None:
        self._disabled.pop(origin, None)

    def enabled(self) -> bool:
        """True when no origin keeps the service disabled (expired periods end here)."""
        if not self._disabled:
            return True
        now = self.clock()
        for origin, deadline in list(self._disabled.items()):
            if deadline is not None and now >= deadline:
                del self._disabled[origin]
        return not self._disabled

    def describe(self) -> dict[str, object]:
        """Kea 3.x's ``status-get`` ``dhcp-state`` map."""
        self.enabled()
        d = self._disabled
        return {
            "disabled-by-db-connection": "db-connection" in d,
            "disabled-by-local-command": ["ha"] if "ha-local-command" in d else [],
            "disabled-by-remote-command": ["ha"] if {"ha-remote-command", "ha-partner"} & d.keys()
            else [],
            "disabled-by-user": "user" in d,
            "globally-disabled": bool(d),
        }
