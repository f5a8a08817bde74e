"""The scenario data model shared by the table, the scripted client and the comparator.

A scenario is a named list of :class:`Step` records run against one configuration
(a *group*). Each step is one query; values that depend on an earlier reply are
written as references so that each server is driven by its own answers:

``"@N"``       the ``yiaddr`` of step N's reply (a requested address, a ciaddr)
``"sid@N"``    the server identifier (option 54) of step N's reply
``"ip:A"``     an address;  ``"hex:0a0b"`` raw octets;  ``"txt:name"`` text
``"u32:N"``    a 32-bit number;  ``"u8s:1,3,6"`` a list of octets (a PRL)

A step whose reference cannot be resolved (the referenced step had no reply) is not
sent and is recorded as skipped, which the comparator treats like any other outcome.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Topology: the server's link is 192.0.2.0/24; the client namespace holds the relay
# source address and, on its loopback, every giaddr a scenario uses (the server
# namespace routes 10.0.0.0/8 back through the relay source address).
SERVER = "192.0.2.1"
RELAY_SOURCE = "192.0.2.2"
GIADDRS = ("10.1.0.1", "10.2.0.1", "10.3.0.1", "10.4.0.1", "10.5.0.1", "10.6.0.1",
           "10.7.0.1", "10.8.0.1", "10.9.0.1", "10.10.0.1")
RELAYED_NET = "10.0.0.0/8"

BOOTP, DISCOVER, OFFER, REQUEST, DECLINE, ACK, NAK, RELEASE, INFORM = 0, 1, 2, 3, 4, 5, 6, 7, 8

# How long to listen for a reply. Steps a server must stay silent on (RELEASE,
# DECLINE, a query that must be dropped) use the short wait.
REPLY_WAIT = 2.0
SILENT_WAIT = 0.7

VIAS = ("relay", "direct", "unicast")


@dataclass(frozen=True)
class Step:
    """One query; ``msg`` is its DHCP message type (0: BOOTP, no option 53).

    ``via`` ``relay``: UDP from the relay source address port 67 to the server, with
    ``giaddr`` and ``hops`` 1 (like perfdhcp). ``direct``: an Ethernet broadcast from
    the client's MAC, IP source ``ciaddr`` (0.0.0.0 for a client without an address).
    ``unicast``: an Ethernet frame to the server's MAC and address from ``ciaddr``
    (a RENEW, an INFORM from a configured client).
    """

    msg: int
    mac: str
    via: str = "relay"
    giaddr: str = "10.1.0.1"
    ciaddr: str = "0.0.0.0"
    flags: int = 0
    options: tuple[tuple[int, str], ...] = ()
    wait: float = REPLY_WAIT
    sleep: float = 0.0  # seconds to wait before sending (lease caching, timers)
    chaddr: str | None = None  # defaults to ``mac``

    def __post_init__(self) -> None:
        if self.via not in VIAS:
            raise ValueError(f"unknown via {self.via!r}")

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["options"] = [list(o) for o in self.options]
        data["giaddr"] = self.giaddr if self.via == "relay" else "0.0.0.0"
        return data


@dataclass(frozen=True)
class Scenario:
    """Queries against one configuration group, and what the comparison leaves out.

    ``exempt`` names comparator fields not compared (e.g. ``"opt:54"``), each with
    the reason in ``note``; ``time_slack`` allows lease times (options 51, 58, 59)
    to differ by that many seconds (lease caching hands out remaining lifetimes).
    ``kea`` is what Kea 2.2 answers, step by step (``"OFFER 10.1.0.100, ACK 10.1.0.100,
    -"``: the message type, yiaddr when not 0.0.0.0, ``-`` for no reply). It is
    checked before the comparison, so a scenario that no longer tests what it says
    (or a harness that hears nothing from either server) fails instead of passing.
    ``xfail`` is a precise description of a known Nestor engine difference.
    """

    name: str
    group: str
    steps: tuple[Step, ...]
    covers: str = ""
    exempt: frozenset[str] = field(default_factory=frozenset)
    time_slack: int = 0
    note: str = ""
    kea: str = ""
    xfail: str | None = None


def step_xid(scenario: str, index: int) -> int:
    """A transaction id fixed by scenario and step, the same for both servers."""
    value = 2166136261
    for byte in f"{scenario}/{index}".encode():
        value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
    return value
