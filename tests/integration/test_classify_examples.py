"""Kea's shipped examples ``kea4/classify.json`` and ``classify2.json`` in real DORA
exchanges: the same file (adapted only in interface names, lease file and log
output) is served by Kea 2.2 and by ``nestor-dhcp4`` in network namespaces, and
clients matching each class (option 60, chaddr, reservations, relays) must get
the same pools, options and boot fields from both; the table
``tests/interop/dhcp4_diff/table_classify.py`` also states what Kea answers, so a
scenario that stopped testing its class fails rather than comparing silences.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.interop.dhcp4_diff.compare import compare_scenario, describe, outcome, summary
from tests.interop.dhcp4_diff.harness import SRV_IF, DiffLab, GroupRun, diff_lab, skip_reason
from tests.interop.dhcp4_diff.steps import RELAY_SOURCE, Scenario
from tests.interop.dhcp4_diff.table_classify import EXAMPLES, EXTRA_GIADDRS, GROUPS, ORDER_CONFIG
from tests.interop.test_dhcp4_vs_kea import serving_messages

from nestor.config.jsonpos import parse_file

pytestmark = [pytest.mark.kea, pytest.mark.netns]

EXAMPLE_DIR = Path("/usr/share/doc/kea/examples/kea4")
# The example's interfaces, renamed to ones the server namespace has.
INTERFACES = {"eth0": SRV_IF, "eth1": "lo"}


def example_config(name: str, work: Path) -> dict[str, Any]:
    """The shipped example, changed only where the machine differs."""
    raw: dict[str, Any] = json.loads(json.dumps(parse_file(str(EXAMPLE_DIR / name)).value))
    dhcp4 = raw["Dhcp4"]
    ifc = dhcp4["interfaces-config"]
    ifc["interfaces"] = [INTERFACES.get(i, i) for i in ifc["interfaces"]]
    for subnet in dhcp4["subnet4"]:
        if "interface" in subnet:
            subnet["interface"] = INTERFACES.get(subnet["interface"], subnet["interface"])
    dhcp4["lease-database"]["name"] = str(work / "leases4.csv")
    for logger in dhcp4.get("loggers", []):
        logger["output_options"] = [{"output": str(work / "server.log")}]
    return raw


@pytest.fixture(scope="module")
def lab() -> Iterator[DiffLab]:
    reason = skip_reason()
    if reason is not None:
        pytest.skip(reason)
    if not (EXAMPLE_DIR / "classify.json").exists():
        pytest.skip("kea-doc examples are not installed")
    with diff_lab() as dl:
        for giaddr in EXTRA_GIADDRS:
            dl.cli.add_address("lo", f"{giaddr}/32")
            dl.srv.run(["ip", "route", "add", f"{giaddr}/32", "via", RELAY_SOURCE])
        yield dl


def order_config(work: Path) -> dict[str, Any]:
    """Our own configuration for the class mechanics the examples do not reach."""
    dhcp4: dict[str, Any] = json.loads(json.dumps(ORDER_CONFIG))
    dhcp4.update({
        "interfaces-config": {"interfaces": [SRV_IF]},
        "lease-database": {"type": "memfile", "name": str(work / "leases4.csv"),
                           "lfc-interval": 0},
        "loggers": [{"name": "kea-dhcp4", "severity": "INFO",
                     "output_options": [{"output": str(work / "server.log")}]}]})
    return {"Dhcp4": dhcp4}


def _run(lab: DiffLab, server: str, group: str) -> GroupRun:
    config = example_config(f"{group}.json", lab.work) if group in EXAMPLES \
        else order_config(lab.work)
    run = lab.run(server, group, config, list(GROUPS[group]))
    if run.error is not None:
        pytest.fail(f"{server} did not serve {group}.json: {run.error}")
    return run


def _case(scenario: Scenario) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=scenario.xfail)] if scenario.xfail else []
    return pytest.param(scenario, id=scenario.name, marks=marks)


CASES = [_case(s) for table in GROUPS.values() for s in table]


@pytest.mark.parametrize("scenario", CASES)
def test_example_classes_like_kea(lab: DiffLab, scenario: Scenario) -> None:
    kea = _run(lab, "kea", scenario.group)
    nestor = _run(lab, "nestor", scenario.group)
    kea_steps, nestor_steps = kea.results[scenario.name], nestor.results[scenario.name]
    assert summary(kea_steps) == scenario.kea, (
        f"Kea 2.2 no longer answers as the table says:\n{describe(kea_steps)}")
    diffs = compare_scenario(scenario, kea_steps, nestor_steps)
    assert not diffs, ("\n".join(str(d) for d in diffs) +
                       f"\nkea:\n{describe(kea_steps)}\nnestor:\n{describe(nestor_steps)}")


def _reply(run: GroupRun, scenario: str, step: int) -> Any:
    kind, packet = outcome(run.results[scenario][step])
    assert packet is not None, f"{scenario} step {step}: {kind}"
    return packet


def test_classes_grant_what_the_examples_promise(lab: DiffLab) -> None:
    """What the classes grant, asserted on Nestor's replies directly (so that a
    change in both servers at once would not go unnoticed)."""
    one = _run(lab, "nestor", "classify")
    voip = _reply(one, "cl1-voip-direct", 1)
    assert voip.siaddr == 0xC00002FE  # 192.0.2.254
    assert voip.sname.rstrip(b"\0") == b"hal9000" and voip.file.rstrip(b"\0") == b"/dev/null"
    reserved = _reply(one, "cl1-reserved-voip", 1)
    assert reserved.sname.rstrip(b"\0") == b"hal9000"
    other = _reply(one, "cl1-other-direct", 1)
    assert other.siaddr == 0 and other.sname.rstrip(b"\0") == b""
    assert _reply(one, "cl1-snowflake", 1).options[6] == bytes((127, 0, 0, 1))
    assert 6 not in _reply(one, "cl1-other-relayed", 1).options
    two = _run(lab, "nestor", "classify2")
    host = _reply(two, "cl2-reserved-voip-host", 1)
    # VoIP_host (VoIP and KNOWN) sets server-hostname hal9001, but Kea takes each boot
    # field from the first class setting it: VoIP's hal9000 stays.
    assert host.sname.rstrip(b"\0") == b"hal9000" and host.file.rstrip(b"\0") == b"/dev/null"
    assert host.options[6] == bytes((127, 0, 0, 1))  # required class second_subnet
    assert _reply(two, "cl2-voip-direct", 1).sname.rstrip(b"\0") == b"hal9000"
    assert _reply(two, "cl2-known-pool", 1).options[12] == b"h1"


def _log_case(group: str) -> object:
    gaps = [s.xfail for s in GROUPS[group] if s.xfail and "guard" in s.xfail]
    marks = [pytest.mark.xfail(strict=True, reason=f"one more lease logged: {gaps[0]}")] \
        if gaps else []
    return pytest.param(group, id=group, marks=marks)


@pytest.mark.parametrize("group", [_log_case(g) for g in sorted(GROUPS)])
def test_example_serving_logs_like_kea(lab: DiffLab, group: str) -> None:
    kea, nestor = _run(lab, "kea", group), _run(lab, "nestor", group)
    expected, got = serving_messages(kea.log), serving_messages(nestor.log)
    assert expected, "Kea logged nothing while serving: the logger setup is wrong"
    assert got == expected, f"kea: {dict(expected)}\nnestor: {dict(got)}"


def test_class_mechanics_on_our_configuration(lab: DiffLab) -> None:
    """The class-order group's points, asserted on Nestor's replies directly."""
    run = _run(lab, "nestor", "class-order")
    ntp = {name: _reply(run, name, 1).options[42] for name in
           ("ord-vendor-unknown", "ord-known-and-vendor", "ord-known-only")}
    assert ntp == {"ord-vendor-unknown": bytes((10, 0, 0, 2)),
                   "ord-known-and-vendor": bytes((10, 0, 0, 2)),  # assigned first wins
                   "ord-known-only": bytes((10, 0, 0, 1))}
    vip = _reply(run, "ord-vip-reserved", 1)
    assert vip.options[8] == bytes((10, 0, 0, 3)) and 9 not in vip.options
    assert _reply(run, "ord-vendor-unknown", 1).options[9] == bytes((10, 0, 0, 4))
    shared = _reply(run, "ord-shared-reserved-class", 1)
    assert shared.options[8] == bytes((10, 0, 0, 5)) and shared.yiaddr == 0x0A030064
