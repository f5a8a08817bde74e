"""Lease file cleanup: the kea-lfc side (nestor-lfc) and the server side (rotate + spawn)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from ipaddress import IPv4Address
from pathlib import Path

import pytest

import nestor
from nestor.leases import Lease4
from nestor.leases.leasefile import load_file
from nestor.leases.lfc import cleanup, command_line, lfc_files
from nestor.leases.memfile import MemfileConfig, MemfileStore4
from nestor.leases.rows import COLUMNS4, COLUMNS6, SCHEMA4

NOW = 1_700_000_000
HEADER4 = ",".join(c.name for c in COLUMNS4)
HEADER6 = ",".join(c.name for c in COLUMNS6)
NESTOR_LFC = (sys.executable, "-m", "nestor.daemons.lfc")


def row(addr: str, n: int, cltt: int, valid: int = 3600) -> str:
    return f"{addr},0a:00:00:00:00:{n:02x},,{valid},{cltt + valid},1,0,0,,0,,0"


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines()


def run_cleanup(name: Path, family: int = 4) -> int:
    f = lfc_files(str(name))
    return cleanup(family, f["previous"], f["input"], f["output"], f["finish"], f["pid"])


def test_cleanup_keeps_the_last_row_of_each_live_lease(tmp_path: Path) -> None:
    name = tmp_path / "l4.csv"
    Path(f"{name}.2").write_text(f"{HEADER4}\n{row('192.0.2.9', 9, NOW)}\n"
                                 f"{row('192.0.2.1', 1, NOW)}\n{row('192.0.2.2', 2, NOW)}\n")
    Path(f"{name}.1").write_text(f"{HEADER4}\n{row('192.0.2.1', 1, NOW + 5)}\n"
                                 f"{row('192.0.2.2', 2, NOW, valid=0)}\n"
                                 f"{row('192.0.2.3', 3, NOW - 10**6)}\n"  # expired: kept
                                 f"{row('192.0.2.1', 1, NOW + 9)}\n")
    assert run_cleanup(name) == 0
    assert lines(Path(f"{name}.2")) == [HEADER4, row("192.0.2.1", 1, NOW + 9),
                                        row("192.0.2.3", 3, NOW - 10**6),
                                        row("192.0.2.9", 9, NOW)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l4.csv.2"]


def test_cleanup_with_a_finished_output_only_rotates(tmp_path: Path) -> None:
    name = tmp_path / "l4.csv"
    Path(f"{name}.2").write_text(f"{HEADER4}\n{row('192.0.2.7', 7, NOW)}\n")
    Path(f"{name}.1").write_text(f"{HEADER4}\n{row('192.0.2.8', 8, NOW)}\n")
    Path(f"{name}.completed").write_text(f"{HEADER4}\n{row('192.0.2.1', 1, NOW)}\n")
    assert run_cleanup(name) == 0
    assert lines(Path(f"{name}.2")) == [HEADER4, row("192.0.2.1", 1, NOW)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l4.csv.2"]


def test_cleanup_does_not_run_twice(tmp_path: Path) -> None:
    name = tmp_path / "l4.csv"
    Path(f"{name}.1").write_text(f"{HEADER4}\n{row('192.0.2.8', 8, NOW)}\n")
    Path(f"{name}.pid").write_text(f"{os.getpid()}\n")
    assert run_cleanup(name) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l4.csv.1", "l4.csv.pid"]


def test_a_failed_cleanup_leaves_its_input_alone(tmp_path: Path) -> None:
    name = tmp_path / "l4.csv"
    bad = "\n".join("junk" for _ in range(101))
    Path(f"{name}.1").write_text(f"{HEADER4}\n{bad}\n")
    assert run_cleanup(name) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l4.csv.1"]


def test_v6_cleanup(tmp_path: Path) -> None:
    name = tmp_path / "l6.csv"
    first = "2001:db8::1,01:02,3600,1000,1,1800,0,1,128,0,0,,,0,,,,0"
    later = "2001:db8::1,01:02,3600,2000,1,1800,0,1,128,0,0,,,0,,,,0"
    Path(f"{name}.1").write_text(f"{HEADER6}\n{first}\n{later}\n")
    assert run_cleanup(name, 6) == 0
    assert lines(Path(f"{name}.2")) == [HEADER6, later]


# The command line -----------------------------------------------------------------------
def lfc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*NESTOR_LFC, *args], capture_output=True, text=True, timeout=60,
                          check=False)


@pytest.mark.parametrize(("args", "message"), [
    ((), "DHCP version required"),
    (("-4", "-x", "a", "-i", "b", "-o", "c", "-f", "d", "-c", "e"), "PID file not specified"),
    (("-4", "-p", "p", "-x", "a", "-i", "b", "-o", "c", "-f", "d"), "Config file not spec"),
    (("-6", "-p", "p", "-x", "a", "-i", "b", "-o", "c", "-f", "d", "-c", "e", "x"),
     "Extraneous parameters"),
    (("-q",), "option -q not recognized"),
    (("-4", "-p"), "requires argument"),
])
def test_usage_errors_exit_1_like_kea_lfc(args: tuple[str, ...], message: str) -> None:
    done = lfc(*args)
    assert done.returncode == 1
    assert message in done.stderr and "Usage: kea-lfc" in done.stderr


def test_version_flags() -> None:
    assert lfc("-v").stdout == f"{nestor.__version__}\n"
    assert nestor.KEA_COMPAT_VERSION in lfc("-V").stdout
    assert "-x <file>" in lfc("-h").stdout


def test_the_command_line_runs_a_cleanup(tmp_path: Path) -> None:
    name = tmp_path / "l4.csv"
    Path(f"{name}.1").write_text(f"{HEADER4}\n{row('192.0.2.1', 1, NOW)}\n"
                                 f"{row('192.0.2.1', 1, NOW + 1)}\n")
    argv = command_line(NESTOR_LFC, 4, str(name))
    assert argv[3:] == ["-4", "-x", f"{name}.2", "-i", f"{name}.1", "-o", f"{name}.output",
                        "-f", f"{name}.completed", "-p", f"{name}.pid", "-c", "ignored-path"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "LFC_TERMINATE" in done.stderr
    assert lines(Path(f"{name}.2")) == [HEADER4, row("192.0.2.1", 1, NOW + 1)]


# The server side ------------------------------------------------------------------------
def lease(n: int, cltt: int) -> Lease4:
    return Lease4(int(IPv4Address("10.0.0.0")) + n, bytes([2, 0, 0, 0, n >> 8, n & 255]),
                  None, 3600, cltt, 1)


def test_cleanup_compacts_while_the_server_keeps_writing(tmp_path: Path) -> None:
    name = tmp_path / "l4.csv"
    store = MemfileStore4(MemfileConfig(name=str(name), lfc_interval=0,
                                        lfc_command=NESTOR_LFC))
    leases = 300
    for n in range(leases):
        store.add(lease(n, NOW))
    for renewal in range(1, 15):  # many rows per lease
        for n in range(leases):
            store.update(lease(n, NOW + renewal))
    store.commit()
    assert store.files is not None and store.files.start_lfc()
    # Keep serving while the cleanup runs: renewals and deletions go to the new file.
    rounds, deadline = 0, time.monotonic() + 60
    while store.files.lfc_running() and time.monotonic() < deadline:
        rounds += 1
        store.update(lease(rounds % leases, NOW + 100 + rounds))
        store.commit()
    store.delete(lease(leases - 1, 0))
    assert store.files.wait_lfc(60) == 0
    assert rounds > 0  # the server wrote while the cleanup ran
    previous = lines(Path(f"{name}.2"))
    assert len(previous) == 1 + leases  # exactly one row per lease
    assert not Path(f"{name}.1").exists()
    expected = store.all()
    store.close()
    again = MemfileStore4(MemfileConfig(name=str(name), lfc_interval=0))
    assert again.all() == expected and len(expected) == leases - 1
    again.close()


def test_no_rotation_while_an_earlier_cleanup_left_its_input(tmp_path: Path) -> None:
    name = tmp_path / "l4.csv"
    Path(f"{name}.1").write_text(f"{HEADER4}\n{row('192.0.2.8', 8, NOW)}\n")
    store = MemfileStore4(MemfileConfig(name=str(name), lfc_interval=0,
                                        lfc_command=NESTOR_LFC))
    store.add(lease(1, NOW))
    assert store.files is not None and store.files.start_lfc()
    assert store.files.wait_lfc(60) == 0
    store.close()
    assert len(lines(name)) == 2  # the current file was not rotated
    assert lines(Path(f"{name}.2")) == [HEADER4, row("192.0.2.8", 8, NOW)]


def test_tick_runs_the_cleanup_every_interval(tmp_path: Path) -> None:
    name = tmp_path / "l4.csv"
    store = MemfileStore4(MemfileConfig(name=str(name), lfc_interval=30,
                                        lfc_command=NESTOR_LFC))
    store.add(lease(1, NOW))
    store.tick(1000.0)
    store.tick(1029.0)
    assert store.files is not None and not Path(f"{name}.1").exists()
    store.tick(1030.0)
    assert Path(f"{name}.1").exists() or Path(f"{name}.2").exists()
    assert store.files.wait_lfc(60) == 0
    store.close()
    assert [x.addr for x in load_lease_file(Path(f"{name}.2"))] == [lease(1, NOW).addr]


def test_a_second_cleanup_is_skipped_while_the_first_runs(tmp_path: Path) -> None:
    name = tmp_path / "l4.csv"
    slow = ("sh", "-c", "sleep 1", "lfc")
    store = MemfileStore4(MemfileConfig(name=str(name), lfc_interval=0, lfc_command=slow))
    assert store.files is not None and store.files.start_lfc()
    assert not store.files.start_lfc()
    store.files.wait_lfc(30)
    store.close()


def load_lease_file(path: Path) -> list[Lease4]:
    leases: dict[int, Lease4] = {}
    load_file(str(path), SCHEMA4, leases, 0)
    return list(leases.values())
