"""Parsing perfdhcp 2.2's final report (pure: text in, numbers out).

perfdhcp prints one ``***Statistics for: NAME***`` block per exchange type
(``DISCOVER-OFFER``, ``REQUEST-ACK``, ``REQUEST-ACK (renewal)``, ``RELEASE``)
made of ``key: value unit`` lines, and with ``-x l`` one
``***Leases for NAME***`` block of ``client_id,address,prefix`` rows.
Values that are not numbers (``n/a``, or ``min delay: inf``) become None.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

DO, RA, RENEW, RELEASE = "DISCOVER-OFFER", "REQUEST-ACK", "REQUEST-ACK (renewal)", "RELEASE"

_HEADER = re.compile(r"^\*\*\*(Statistics|Leases) for:? (.+?)\*\*\*$")
_RATE = re.compile(r"^Rate: ([0-9.]+) .*expected rate: ([0-9.]+)")
_KEYVAL = re.compile(r"^([a-z][a-z ]*[a-z]): (\S+)")


@dataclass
class ExchangeStats:
    """One ``***Statistics for: NAME***`` block."""

    sent: int = 0
    received: int = 0
    drops: int = 0
    orphans: int = 0
    avg_delay_ms: float | None = None
    max_delay_ms: float | None = None
    values: dict[str, float | None] = field(default_factory=dict)

    @property
    def drop_ratio(self) -> float:
        """Dropped over sent (0 when nothing was sent)."""
        return self.drops / self.sent if self.sent else 0.0


@dataclass
class PerfReport:
    """Everything the final report of one perfdhcp run says."""

    rate: float | None = None
    expected_rate: float | None = None
    exchanges: dict[str, ExchangeStats] = field(default_factory=dict)
    # exchange name -> (client_id, address) rows printed by ``-x l``
    leases: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def get(self, name: str) -> ExchangeStats:
        return self.exchanges.get(name, ExchangeStats())


def _number(token: str) -> float | None:
    try:
        value = float(token)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _finish(stats: ExchangeStats) -> None:
    v = stats.values
    stats.sent = int(v.get("sent packets") or 0)
    stats.received = int(v.get("received packets") or 0)
    stats.drops = int(v.get("drops") or 0)
    stats.orphans = int(v.get("orphans") or 0)
    stats.avg_delay_ms = v.get("avg delay")
    stats.max_delay_ms = v.get("max delay")


def parse_report(text: str) -> PerfReport:
    """Parse perfdhcp's output; blocks it did not print are simply absent."""
    report = PerfReport()
    stats: ExchangeStats | None = None
    leases: list[tuple[str, str]] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("***"):
            stats, leases = None, None
            header = _HEADER.match(line)
            if header and header.group(1) == "Statistics":
                stats = report.exchanges.setdefault(header.group(2), ExchangeStats())
            elif header:
                leases = report.leases.setdefault(header.group(2), [])
            continue
        rate = _RATE.match(line)
        if rate:
            report.rate, report.expected_rate = float(rate.group(1)), float(rate.group(2))
        elif stats is not None and (kv := _KEYVAL.match(line)):
            # the first value wins: perfdhcp 2.2 repeats "avg delay: min delay: n/a"
            stats.values.setdefault(kv.group(1), _number(kv.group(2)))
        elif leases is not None and line.count(",") == 2 and not line.startswith("client_id"):
            client_id, address, _prefix = line.split(",")
            leases.append((client_id, address))
    for block in report.exchanges.values():
        _finish(block)
    return report
