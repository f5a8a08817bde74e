"""Correctness after a run: what perfdhcp was ACKed against the lease file (pure).

Kea's memfile is append-only: the last row for an address is its state,
and a row with ``valid_lifetime`` 0 means the lease was removed (released
or deleted), which is also how Kea 2.2 records a DHCPRELEASE.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class LeaseRow:
    address: str
    hwaddr: str
    client_id: str
    valid_lifetime: int


def parse_lease_file(text: str) -> list[LeaseRow]:
    """Rows of a Kea v4 lease file, in file order; columns found by the header."""
    lines = text.splitlines()
    if not lines:
        return []
    columns = {name: i for i, name in enumerate(lines[0].split(","))}
    at = [columns[n] for n in ("address", "hwaddr", "client_id", "valid_lifetime")]
    rows = []
    for line in lines[1:]:
        cells = line.split(",")
        if len(cells) < len(columns):
            continue  # a torn last line: Kea skips it too
        rows.append(LeaseRow(cells[at[0]], cells[at[1]], cells[at[2]], int(cells[at[3]])))
    return rows


def live_leases(rows: Iterable[LeaseRow]) -> dict[str, LeaseRow]:
    """address -> its current lease (the last row wins, lifetime 0 removes)."""
    live: dict[str, LeaseRow] = {}
    for row in rows:
        if row.valid_lifetime == 0:
            live.pop(row.address, None)
        else:
            live[row.address] = row
    return live


def count_removals(rows: Iterable[LeaseRow]) -> int:
    return sum(1 for row in rows if row.valid_lifetime == 0)


def _norm(client_id: str) -> str:
    return client_id.replace(":", "").lower()


@dataclass
class CheckResult:
    """What the checks found; ``ok`` when nothing is wrong."""

    acked: int = 0
    live: int = 0
    shared_addresses: list[str] = field(default_factory=list)  # ACKed to >1 client
    missing: list[str] = field(default_factory=list)  # ACKed, not the client's lease
    shared_hwaddrs: list[str] = field(default_factory=list)  # one MAC, several leases

    @property
    def ok(self) -> bool:
        return not (self.shared_addresses or self.missing or self.shared_hwaddrs)

    def summary(self) -> str:
        return (f"{self.acked} ACKs, {self.live} live leases, "
                f"{len(self.shared_addresses)} addresses ACKed to several clients, "
                f"{len(self.missing)} ACKed addresses missing from the lease file, "
                f"{len(self.shared_hwaddrs)} hwaddrs holding several leases")


def check(acked: Iterable[tuple[str, str]], rows: list[LeaseRow],
          releases_expected: bool = False) -> CheckResult:
    """Compare (client_id, address) ACKs with the lease file rows.

    With releases in the run an address may legitimately move to another
    client after its release, so only the lease file's own consistency
    (one live lease per hwaddr) is checked then.
    """
    live = live_leases(rows)
    result = CheckResult(live=len(live))
    holders: dict[str, set[str]] = {}
    for client_id, address in acked:
        result.acked += 1
        holders.setdefault(address, set()).add(_norm(client_id))
    if not releases_expected:
        result.shared_addresses = sorted(a for a, c in holders.items() if len(c) > 1)
        result.missing = sorted(
            a for a, c in holders.items()
            if a not in live or _norm(live[a].client_id) not in c)
    macs = Counter(row.hwaddr for row in live.values())
    result.shared_hwaddrs = sorted(m for m, n in macs.items() if n > 1)
    return result
