"""The lease model: Kea's field semantics and the rules that keep stores consistent."""

from __future__ import annotations

import subprocess
import sys
from ipaddress import IPv4Address, IPv6Address
from pathlib import Path

from tests.unit.test_core_no_io import FORBIDDEN, _imports, _module_file

from nestor.leases import INFINITY_LFT, Lease4, Lease6, LeaseState, LeaseType

SRC = Path(__file__).resolve().parents[3] / "src" / "nestor"


def test_states_and_types_carry_keas_numbers() -> None:
    assert [int(s) for s in (LeaseState.DEFAULT, LeaseState.DECLINED,
                             LeaseState.EXPIRED_RECLAIMED)] == [0, 1, 2]
    assert [int(t) for t in (LeaseType.NA, LeaseType.TA, LeaseType.PD)] == [0, 1, 2]
    assert INFINITY_LFT == 0xFFFFFFFF


def test_expiry_is_last_transmission_plus_valid_lifetime() -> None:
    lease = Lease4(int(IPv4Address("192.0.2.1")), b"\x01" * 6, None, 3600, 1_000, 1)
    assert lease.expire == 4_600 and lease.address == IPv4Address("192.0.2.1")
    six = Lease6(int(IPv6Address("2001:db8::1")), b"\x00\x01", 1, valid_lft=60, cltt=5)
    assert six.expire == 65 and six.address == IPv6Address("2001:db8::1")


def test_copy_is_independent_and_takes_changes() -> None:
    lease = Lease4(1, b"\x01" * 6, b"\x01\x02", 3600, 10, 1, hostname="a",
                   user_context={"k": 1})
    renewed = lease.copy(cltt=20, hostname="b")
    assert (renewed.cltt, renewed.hostname, lease.cltt, lease.hostname) == (20, "b", 10, "a")
    assert renewed != lease and renewed.copy(cltt=10, hostname="a") == lease
    six = Lease6(1, b"\x00\x01", 1, LeaseType.PD, 56)
    assert six.copy(iaid=2).iaid == 2 and six.copy() == six


def test_leases_are_compact_records() -> None:
    lease = Lease4(1)
    assert not hasattr(lease, "__dict__")
    assert "Lease4(0.0.0.1" in repr(lease)
    assert "IA_PD 2001:db8::/56" in repr(Lease6(int(IPv6Address("2001:db8::")), b"\1",
                                                type=LeaseType.PD, prefix_len=56))


def test_model_and_interface_modules_do_no_io() -> None:
    """The protocol core imports nestor.leases; that must not drag in sockets or processes."""
    todo = [SRC / "leases" / "__init__.py"]
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in _imports(path):
            assert name.split(".")[0] not in FORBIDDEN | {"subprocess"}, (path, name)
            dep = _module_file(name)
            if dep is not None:
                todo.append(dep)
    assert SRC / "leases" / "store.py" in seen


def test_importing_the_package_loads_no_backend() -> None:
    code = "import sys, nestor.leases; print(sorted(m for m in sys.modules if 'memfile' in m " \
           "or m == 'socket' or m == 'subprocess'))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.strip() == "[]"
