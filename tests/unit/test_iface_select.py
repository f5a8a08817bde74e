"""interfaces-config.interfaces resolved like Kea, and the socket retry policy.

Pure tests over made-up interfaces: the same rules run against real veth
interfaces in tests/integration/test_transport4.py.
"""

from __future__ import annotations

import pytest

from nestor.errors import ConfigError
from nestor.transport.interfaces import (
    IFF_BROADCAST,
    IFF_LOOPBACK,
    IFF_RUNNING,
    IFF_UP,
    IfAddr4,
    IfAddr6,
    Interface,
)
from nestor.transport.retry import OpenVerdict, RetryPolicy, SocketsUnavailable, open_with_retries
from nestor.transport.selection import (
    SocketType,
    plan_listen4,
    select_interfaces,
)

UP = IFF_UP | IFF_RUNNING | IFF_BROADCAST

IFACES = {
    "lo": Interface(1, "lo", IFF_UP | IFF_RUNNING | IFF_LOOPBACK, 772, b"\0" * 6, 65536,
                    (IfAddr4("127.0.0.1", 8),), (IfAddr6("::1", 128),)),
    "eth0": Interface(2, "eth0", UP, 1, bytes.fromhex("020000000001"), 1500,
                      (IfAddr4("192.0.2.1", 25), IfAddr4("192.0.2.2", 25, secondary=True)),
                      (IfAddr6("fe80::1", 64),)),
    "eth1": Interface(3, "eth1", UP, 1, bytes.fromhex("020000000002"), 1500,
                      (IfAddr4("192.0.2.129", 25),)),
    "down0": Interface(4, "down0", IFF_BROADCAST, 1, bytes.fromhex("020000000003"), 1500,
                       (IfAddr4("192.0.2.200", 29),)),
    "bare0": Interface(5, "bare0", UP, 1, bytes.fromhex("020000000004"), 1500, (),
                       (IfAddr6("fe80::4", 64),)),
}


def _plan(specs: list[str], socket_type: SocketType = SocketType.RAW) -> dict[str, tuple[str, ...]]:
    plan = plan_listen4(select_interfaces(specs, IFACES), IFACES, socket_type)
    return {li.iface.name: li.addresses for li in plan.interfaces}


def _failures(specs: list[str], socket_type: SocketType = SocketType.RAW) -> list[str]:
    plan = plan_listen4(select_interfaces(specs, IFACES), IFACES, socket_type)
    return [f.reason for f in plan.failures]


def test_wildcard_is_every_usable_interface_but_loopback() -> None:
    assert _plan(["*"]) == {"eth0": ("192.0.2.1", "192.0.2.2"), "eth1": ("192.0.2.129",)}
    # Interfaces the wildcard picks that cannot be used are reported, like Kea's warnings.
    assert _failures(["*"]) == ["the interface down0 is down",
                                "the interface bare0 has no usable IPv4 addresses configured"]


def test_named_interface_and_single_address() -> None:
    assert _plan(["eth1"]) == {"eth1": ("192.0.2.129",)}
    assert _plan(["eth0/192.0.2.2"]) == {"eth0": ("192.0.2.2",)}
    assert _plan(["eth0/192.0.2.2", "eth0/192.0.2.1"]) == {"eth0": ("192.0.2.1", "192.0.2.2")}
    assert _plan([]) == {}


def test_loopback_only_when_named_and_udp() -> None:
    assert "lo" not in _plan(["*"], SocketType.UDP)
    assert _plan(["lo"], SocketType.UDP) == {"lo": ("127.0.0.1",)}
    assert _plan(["lo"], SocketType.RAW) == {}
    assert _failures(["lo"], SocketType.RAW) == [
        "must not open socket on the loopback interface lo"]


@pytest.mark.parametrize(("specs", "message"), [
    (["eth9"], "interface 'eth9' doesn't exist in the system"),
    (["eth9/192.0.2.1"], "interface 'eth9' doesn't exist in the system"),
    (["  "], "empty interface name used in configuration"),
    (["*", "*"], "the wildcard interface '*' can only be specified once"),
    (["/192.0.2.1"], "empty interface name specified in the interface configuration"),
    (["eth0/"], "empty address specified in the interface configuration"),
    (["*/192.0.2.1"], "wildcard interface name '*' must not be used in conjunction with an "
                      "address"),
    (["eth0/192.0.2.77"], "interface 'eth0' doesn't have address '192.0.2.77' assigned"),
    (["eth0/fe80::1"], "address 'fe80::1' is not a valid IPv4 address"),
    (["eth0/bogus"], "Failed to convert string to address 'bogus': Invalid argument"),
    (["eth0", "eth0/192.0.2.1"], "interface 'eth0' has already been selected"),
    (["eth0/192.0.2.1", "eth0"], "interface 'eth0' has already been specified"),
    (["eth0", "eth0"], "interface 'eth0' has already been specified"),
    (["eth0/192.0.2.1", "eth0/192.0.2.1"],
     "must not select address '192.0.2.1' for interface 'eth0' because this address is "
     "already selected"),
])
def test_refused_like_kea(specs: list[str], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        select_interfaces(specs, IFACES)
    assert info.value.message == message


def test_selection_survives_interface_disappearing() -> None:
    selection = select_interfaces(["eth1", "eth0/192.0.2.2"], IFACES)
    shrunk = {k: v for k, v in IFACES.items() if k != "eth1"}
    plan = plan_listen4(selection, shrunk)
    assert [li.iface.name for li in plan.interfaces] == ["eth0"]
    assert [f.ifname for f in plan.failures] == ["eth1"]


def test_selection_round_trips_to_specs() -> None:
    specs = ["*", "eth1", "eth0/192.0.2.2"]
    assert select_interfaces(specs, IFACES).to_specs() == specs


def test_retry_policy_verdicts() -> None:
    default = RetryPolicy()
    assert default.verdict(0, []) is OpenVerdict.DONE
    assert default.verdict(0, ["x"]) is OpenVerdict.DONE  # logged, server runs on
    assert RetryPolicy(require_all=True).verdict(0, ["x"]) is OpenVerdict.FATAL
    retrying = RetryPolicy(require_all=True, max_retries=2, retry_wait_ms=10)
    assert retrying.verdict(0, ["x"]) is OpenVerdict.RETRY
    assert retrying.verdict(1, ["x"]) is OpenVerdict.RETRY
    assert retrying.verdict(2, ["x"]) is OpenVerdict.FATAL


def test_open_with_retries_waits_and_stops() -> None:
    attempts: list[int] = []
    sleeps: list[float] = []

    def attempt() -> list[str]:
        attempts.append(1)
        return [] if len(attempts) == 3 else ["port busy"]

    policy = RetryPolicy(require_all=True, max_retries=5, retry_wait_ms=250)
    assert open_with_retries(attempt, policy, sleeps.append) == []
    assert len(attempts) == 3 and sleeps == [0.25, 0.25]

    attempts.clear()
    with pytest.raises(SocketsUnavailable, match="attempts: 1, has been exhausted"):
        open_with_retries(lambda: ["port busy"], RetryPolicy(True, 1, 0), sleeps.append)
    # Without require-all the server runs on with what it has.
    assert open_with_retries(lambda: ["port busy"], RetryPolicy(False, 1, 0),
                             sleeps.append) == ["port busy"]
