"""File and syslog outputs: rotation, sharing, and syslog's wire format.

Kea 2.2 facts used here: with ``maxsize: 1000`` it rotated at 204800 bytes
(log4cplus's minimum), leaving ``NAME.1`` just over that size; its syslog
datagrams read ``<134>Nov 29 07:35:42 kea-dhcp4: INFO  [kea-dhcp4.dhcpsrv.TID]
TEXT\\n`` for ``"syslog"`` (local0), ``<158>`` for ``"syslog:local3"`` and
``<14>`` (user) for an unknown facility name.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from nestor.logs import LogManager, Severity
from nestor.logs.outputs import MIN_ROTATE_SIZE, FileOutput, FileSink
from nestor.logs.pattern import Layout, Record
from nestor.logs.setup import configure
from nestor.logs.syslog_output import SyslogOutput, facility_code

ROOT = "kea-dhcp4"


def record(n: int, severity: Severity = Severity.INFO) -> Record:
    return Record(time.time(), severity, "kea-dhcp4.dhcpsrv", f"LINE {n:06d} " + "x" * 90,
                  os.getpid(), 1, 1)


def write_lines(output: FileOutput, count: int) -> None:
    for n in range(count):
        output.emit(record(n))


def numbers(path: Path) -> list[int]:
    return [int(line.split()[1]) for line in path.read_text().splitlines()]


# -- files ------------------------------------------------------------------------

def test_file_appends(tmp_path: Path) -> None:
    path = tmp_path / "kea.log"
    path.write_text("earlier line\n")
    output = FileOutput(FileSink(str(path)), Layout("%m%n"))
    write_lines(output, 2)
    output.close()
    written = path.read_text().splitlines()
    assert written[0] == "earlier line"
    assert [int(line.split()[1]) for line in written[1:]] == [0, 1]


def test_rotation_keeps_maxver_files_split_past_maxsize(tmp_path: Path) -> None:
    path = tmp_path / "kea.log"
    # Small maxsize values are raised to log4cplus's minimum, as Kea 2.2 showed.
    output = FileOutput(FileSink(str(path), maxsize=1000, maxver=2), Layout("%m%n"))
    line = len(Layout("%m%n")(record(0)))
    total = (MIN_ROTATE_SIZE // line + 1) * 3 + 100
    write_lines(output, total)
    output.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == \
        ["kea.log", "kea.log.1", "kea.log.2", "kea.log.lock"]
    for rotated in ("kea.log.1", "kea.log.2"):
        size = (tmp_path / rotated).stat().st_size
        assert MIN_ROTATE_SIZE < size <= MIN_ROTATE_SIZE + line
    # The newest lines are in kea.log, the ones before in .1, then .2; the oldest are gone.
    newest, previous, older = (numbers(tmp_path / n) for n in ("kea.log", "kea.log.1",
                                                                "kea.log.2"))
    assert newest[-1] == total - 1
    assert previous[-1] + 1 == newest[0] and older[-1] + 1 == previous[0]
    assert older[0] > 0


def test_zero_maxsize_never_rotates(tmp_path: Path) -> None:
    path = tmp_path / "kea.log"
    output = FileOutput(FileSink(str(path), maxsize=0), Layout("%m%n"))
    write_lines(output, 4500)
    output.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kea.log"]
    assert path.stat().st_size > 2 * MIN_ROTATE_SIZE


WRITER = """
import sys
from nestor.logs import LogManager
from nestor.logs.setup import configure
m = LogManager()
configure([{"name": "kea-dhcp4", "severity": "INFO", "output_options": [
    {"output": sys.argv[1], "maxsize": 204800, "maxver": 40, "pattern": "%i %m%n"}]}],
    "kea-dhcp4", manager=m)
log = m.logger("dhcpsrv")
for n in range(int(sys.argv[2])):
    log.info("DHCPSRV_MEMFILE_LEASE_FILE_LOAD", f"{n:06d} " + "y" * 100)
"""


def test_processes_share_a_rotating_file_without_losing_lines(tmp_path: Path) -> None:
    path = tmp_path / "shared.log"
    count = 2500
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(count)])
             for _ in range(2)]
    for proc in procs:
        assert proc.wait(timeout=60) == 0
    files = sorted(tmp_path.glob("shared.log*"))
    assert len(files) >= 4, "expected a few rotations"
    seen: dict[str, list[int]] = {}
    for file in files:
        if file.suffix == ".lock":
            continue
        for line in file.read_text().splitlines():
            match = re.fullmatch(r"(\d+) DHCPSRV_MEMFILE_LEASE_FILE_LOAD loading leases from "
                                 r"file (\d{6}) y{100}", line)
            assert match, f"torn line {line!r}"
            seen.setdefault(match[1], []).append(int(match[2]))
    assert sorted(seen) == sorted(str(p.pid) for p in procs)
    for written in seen.values():
        assert sorted(written) == list(range(count))


def test_unwritable_file_is_reported_not_fatal(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    manager = LogManager()
    configure([{"name": ROOT, "severity": "INFO",
                "output_options": [{"output": str(tmp_path / "missing" / "kea.log")},
                                   {"output": str(tmp_path / "ok.log")}]}],
              ROOT, manager=manager)
    manager.logger("dhcp4").info("DHCP4_STARTED", "x")
    assert "Unable to open file" in capsys.readouterr().err
    assert (tmp_path / "ok.log").read_text().count("DHCP4_STARTED") == 1


# -- syslog -----------------------------------------------------------------------

@pytest.fixture
def listener(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    """A fake /dev/log: a unix datagram socket this test owns."""
    path = str(tmp_path / "log")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(2)
    yield sock, path
    sock.close()


FRAME = re.compile(rb"<(\d+)>([A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d) kea-dhcp4: (.*)", re.S)


def test_syslog_datagram_format(listener: tuple[socket.socket, str]) -> None:
    sock, path = listener
    manager = LogManager()
    configure([{"name": ROOT, "severity": "INFO", "output_options": [{"output": "syslog"}]},
               {"name": "kea-dhcp4.dhcpsrv", "severity": "INFO",
                "output_options": [{"output": "syslog:local3"}]},
               {"name": "kea-dhcp4.hosts", "severity": "INFO",
                "output_options": [{"output": "syslog:bogus"}]}],
              ROOT, manager=manager, syslog_socket=path)
    manager.logger("dhcp4").info("DHCP4_STARTED", "2.2.0")
    manager.logger("dhcpsrv").warn("DHCPSRV_NO_SOCKETS_OPEN")
    manager.logger("hosts").info("HOSTS_BACKENDS_REGISTERED", "mysql postgresql ")
    frames = [FRAME.fullmatch(sock.recv(4096)) for _ in range(3)]
    assert all(frames)
    # local0 info, local3 warning (Kea 2.2 sent <156> for that), user info.
    assert [int(f[1]) for f in frames if f] == [16 * 8 + 6, 19 * 8 + 4, 1 * 8 + 6]
    first = frames[0]
    assert first is not None
    # RFC 3164 timestamp as syslog(3) writes it: the day padded with a space.
    assert first[2].decode()[4:6] == f"{time.localtime().tm_mday:2d}"
    assert re.fullmatch(rb"INFO  \[kea-dhcp4\.dhcp4\.\d+\] DHCP4_STARTED Kea DHCPv4 server "
                        rb"version 2\.2\.0 started\n", first[3])


@pytest.mark.parametrize(("severity", "priority"), [
    (Severity.DEBUG, 7), (Severity.INFO, 6), (Severity.WARN, 4), (Severity.ERROR, 3),
    (Severity.FATAL, 2)])
def test_syslog_priorities(severity: Severity, priority: int) -> None:
    frame = SyslogOutput(ROOT, "daemon", Layout("%m"), "/nonexistent").frame(record(1, severity))
    assert frame.startswith(f"<{3 * 8 + priority}>".encode())


def test_syslog_facility_names() -> None:
    assert facility_code("LOCAL7") == 23
    assert facility_code("user") == facility_code("nonsense") == facility_code("kern") == 1


def test_syslog_without_daemon_drops_then_recovers(tmp_path: Path) -> None:
    path = str(tmp_path / "log")
    output = SyslogOutput(ROOT, address=path)
    output.emit(record(1))           # nobody listening: dropped silently
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(2)
    try:
        output.emit(record(2))
        assert b"LINE 000002" in sock.recv(4096)
        sock.close()
        os.unlink(path)               # the daemon restarts: new socket, same path
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        sock.settimeout(2)
        output.emit(record(3))
        assert b"LINE 000003" in sock.recv(4096)
    finally:
        sock.close()
        output.close()
