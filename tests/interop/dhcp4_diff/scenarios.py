"""The whole scenario table, grouped by configuration."""

from __future__ import annotations

from tests.interop.dhcp4_diff.steps import Scenario
from tests.interop.dhcp4_diff.table_basic import AUTH, BASIC
from tests.interop.dhcp4_diff.table_more import CLASSES, HOSTS, MATCH, SHARED
from tests.interop.dhcp4_diff.table_options import OPTIONS

SCENARIOS: tuple[Scenario, ...] = (BASIC + AUTH + HOSTS + SHARED + CLASSES + MATCH
                                   + OPTIONS)


def by_group(group: str) -> list[Scenario]:
    return [s for s in SCENARIOS if s.group == group]


def _check_unique() -> None:
    names = [s.name for s in SCENARIOS]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"scenario names used twice: {sorted(duplicates)}")


_check_unique()
