"""Differential tests: Nestor's DHCPv4 replies against Kea 2.2's, scenario by scenario.

The scenario table (``tests/interop/dhcp4_diff/table_*.py``) lists, per configuration
group, sequences of client queries. Each group's configuration file is served by
``kea-dhcp4`` and then by ``nestor-dhcp4`` in the same namespaces, each from an empty
lease file; the scripted client plays every scenario of the group against each, and
every reply is compared (message type, header fields, destination, option set and
values; exemptions are listed per scenario). Each server starts once per group.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from tests.interop.dhcp4_diff.compare import compare_scenario, describe, outcome, summary
from tests.interop.dhcp4_diff.configs import config
from tests.interop.dhcp4_diff.harness import DiffLab, GroupRun, diff_lab, skip_reason
from tests.interop.dhcp4_diff.scenarios import SCENARIOS, by_group
from tests.interop.dhcp4_diff.steps import DISCOVER, Scenario, Step

from nestor.wire.packet4 import Packet4

pytestmark = [pytest.mark.kea, pytest.mark.netns]


@pytest.fixture(scope="module")
def lab() -> Iterator[DiffLab]:
    reason = skip_reason()
    if reason is not None:
        pytest.skip(reason)
    with diff_lab() as dl:
        yield dl


def _run(lab: DiffLab, server: str, group: str) -> GroupRun:
    run = lab.run(server, group, config(group, lab.work), by_group(group))
    if run.error is not None:
        pytest.fail(f"{server} did not serve group {group!r}: {run.error}")
    return run


def _case(scenario: Scenario) -> object:
    marks = []
    if scenario.xfail:
        marks.append(pytest.mark.xfail(strict=True, reason=scenario.xfail))
    return pytest.param(scenario, id=scenario.name, marks=marks)


@pytest.mark.parametrize("scenario", [_case(s) for s in SCENARIOS])
def test_same_replies_as_kea(lab: DiffLab, scenario: Scenario) -> None:
    kea = _run(lab, "kea", scenario.group)
    nestor = _run(lab, "nestor", scenario.group)
    kea_steps, nestor_steps = kea.results[scenario.name], nestor.results[scenario.name]
    # The premise first: Kea answers as the table says, so the scenario tests what it
    # claims to, and a harness that hears nothing cannot pass by comparing two silences.
    assert summary(kea_steps) == scenario.kea, (
        f"Kea 2.2 no longer answers as the table says:\n{describe(kea_steps)}")
    diffs = compare_scenario(scenario, kea_steps, nestor_steps)
    assert not diffs, ("\n".join(str(d) for d in diffs) +
                       f"\nkea:\n{describe(kea_steps)}\nnestor:\n{describe(nestor_steps)}")


# Messages at INFO and above that Kea 2.2 writes while serving (after DHCP4_STARTED) are
# part of the compatibility contract: operators alert on them. EVAL_RESULT is left out:
# Kea 2.2 writes it at INFO for every class test, which later versions moved to debug.
SEVERE = ("INFO", "WARN", "ERROR", "FATAL")
LOG_EXEMPT = frozenset({"EVAL_RESULT", "DHCP4_SHUTDOWN", "DHCP4_SHUTDOWN_REQUEST"})
GROUPS = ("basic", "auth", "hosts", "shared", "classes", "match")


def serving_messages(log: str) -> Counter[str]:
    """Message identifiers at INFO and above logged after the server started."""
    found: Counter[str] = Counter()
    started = False
    for line in log.splitlines():
        words = line.split()
        if len(words) < 5 or words[2] not in SEVERE:
            continue
        if words[4] == "DHCP4_STARTED":
            started = True
        elif started and words[4] not in LOG_EXEMPT:
            found[words[4]] += 1
    return found


@pytest.mark.parametrize("group", GROUPS)
def test_serving_logs_like_kea(lab: DiffLab, group: str) -> None:
    kea, nestor = _run(lab, "kea", group), _run(lab, "nestor", group)
    expected, got = serving_messages(kea.log), serving_messages(nestor.log)
    assert expected, "Kea logged nothing while serving: the logger setup is wrong"
    assert got == expected, f"kea: {dict(expected)}\nnestor: {dict(got)}"


def test_table_is_large_enough() -> None:
    """The work item asks for at least 30 scenarios over these themes."""
    assert len(SCENARIOS) >= 30
    groups = {s.group for s in SCENARIOS}
    assert groups == set(GROUPS)
    assert all(s.kea for s in SCENARIOS), "every scenario states Kea's answers"


def _result(packet: Packet4, dport: int = 67) -> dict[str, Any]:
    return {"skipped": None, "reply": packet.serialize().hex(),
            "where": {"ip_dst": "10.1.0.1", "dport": dport}}


def _offer(**changes: object) -> Packet4:
    options = {53: b"\x02", 54: bytes([192, 0, 2, 1]), 51: (4000).to_bytes(4, "big"),
               3: bytes([10, 1, 0, 1])}
    packet = Packet4(2, 7, b"\x02\0\0\0\0\1", yiaddr=0x0A010064, giaddr=0x0A010001,
                     options=options)
    for name, value in changes.items():
        setattr(packet, name, value)
    return packet


def test_comparator_reports_each_difference() -> None:
    """The comparator can fail: every kind of difference is named with both values."""
    scenario = Scenario("self-test", "basic", (Step(DISCOVER, "02:00:00:00:00:01"),))
    kea: list[dict[str, Any]] = [_result(_offer()), {"skipped": None, "reply": None}]
    other = _offer(yiaddr=0x0A010065, flags=0x8000)
    other.options = {**other.options, 51: (3999).to_bytes(4, "big"), 15: b"example.org"}
    del other.options[3]
    nestor = [_result(other, dport=68), _result(_offer())]
    found = {(d.step, d.field): (d.kea, d.nestor)
             for d in compare_scenario(scenario, kea, nestor)}
    assert found == {
        (0, "yiaddr"): ("10.1.0.100", "10.1.0.101"),
        (0, "flags"): ("0x0000", "0x8000"),
        (0, "dport"): ("67", "68"),
        (0, "option codes"): ("[3, 51, 53, 54]", "[15, 51, 53, 54]"),
        (0, "opt:51"): ("4000", "3999"),
        (1, "outcome"): ("no-reply", "OFFER"),
    }
    # Exemptions and the time slack silence exactly what they name.
    lenient = Scenario("self-test", "basic", scenario.steps, time_slack=1,
                       exempt=frozenset({"yiaddr", "flags", "dport", "opt:3", "opt:15"}))
    assert [(d.step, d.field) for d in compare_scenario(lenient, kea, nestor)] == [
        (1, "outcome")]
    # A reply that does not parse is an outcome of its own, not a crash of the test.
    assert outcome({"skipped": None, "reply": "0201"})[0].startswith("malformed")
