"""Starting, watching and stopping the servers under test (Kea 2.2 and Nestor)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .netns import Lab

CLK_TCK = os.sysconf("SC_CLK_TCK")
DHCP_SERVER_PORT_HEX = ":0043 "  # port 67 as /proc/net/udp prints it


def nestor_program() -> str:
    beside = Path(sys.executable).with_name("nestor-dhcp4")
    return str(beside) if beside.exists() else shutil.which("nestor-dhcp4") or "nestor-dhcp4"


# server name -> program, given the same flags (-c FILE / -t FILE) as Kea's
PROGRAMS = {"kea": lambda: "kea-dhcp4", "nestor": nestor_program}


class ServerFailed(RuntimeError):
    """The server exited or never opened its socket."""


def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                stat = Path(f"/proc/{entry}/stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    kids.append(int(entry))
    return kids


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo.extend(_children(p))
    return pids


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process and its descendants (fields 14 and 15 of stat)."""
    total = 0
    for p in _tree(pid):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / CLK_TCK


def rss_kib(pid: int) -> int:
    total = 0
    for p in _tree(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def udp_in_errors(snmp: str) -> int:
    """InErrors of the UDP MIB in /proc/net/snmp text (it includes RcvbufErrors)."""
    lines = [ln.split() for ln in snmp.splitlines() if ln.startswith("Udp:")]
    if len(lines) < 2:
        return 0
    return int(lines[1][lines[0].index("InErrors")])


def udp_errors(pid: int) -> int:
    """UDP receive errors in the network namespace of process ``pid``."""
    return udp_in_errors(Path(f"/proc/{pid}/net/snmp").read_text())


def ns_udp_errors(lab: Lab) -> int:
    """UDP receive errors in the client namespace (perfdhcp's own socket)."""
    done = subprocess.run(lab.in_client(["cat", "/proc/net/snmp"]), capture_output=True,
                          text=True, timeout=20, check=False)
    return udp_in_errors(done.stdout)


def control_stat(sock: Path, name: str, timeout: float = 3.0) -> int | None:
    """A statistic's latest value through the control socket; None if unavailable."""
    if not sock.exists():
        return None
    query = json.dumps({"command": "statistic-get", "arguments": {"name": name}})
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(timeout)
            s.connect(str(sock))
            s.sendall(query.encode())
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        answer = json.loads(data)
        return int(answer["arguments"][name][0][0])
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None


@dataclass
class Server:
    """One running server process in the lab's server namespace."""

    kind: str
    config: Path
    workdir: Path
    lab: Lab
    cpu: int | None = 0
    proc: subprocess.Popen[bytes] | None = None
    started: float = 0.0

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def output(self) -> Path:
        return self.workdir / f"{self.kind}.out"

    def env(self) -> dict[str, str]:
        return dict(os.environ, KEA_PIDFILE_DIR=str(self.workdir),
                    KEA_LOCKFILE_DIR=str(self.workdir))

    def start(self, ready_timeout: float = 300.0) -> float:
        """Start and wait until port 67 is bound; the seconds that took."""
        argv = self.lab.in_server([PROGRAMS[self.kind](), "-c", str(self.config)], self.cpu)
        self.started = time.monotonic()
        with self.output.open("ab") as out:
            self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                         env=self.env(), start_new_session=True)
        deadline = self.started + ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerFailed(f"{self.kind} exited ({self.proc.returncode}): "
                                   f"{self.tail()}")
            if self._listening():
                return time.monotonic() - self.started
            time.sleep(0.005)
        self.stop()
        raise ServerFailed(f"{self.kind} did not open port 67 in {ready_timeout:.0f} s")

    def _listening(self) -> bool:
        try:
            return DHCP_SERVER_PORT_HEX in Path(f"/proc/{self.pid}/net/udp").read_text()
        except OSError:
            return False

    def tail(self, lines: int = 8) -> str:
        try:
            return " | ".join(self.output.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, grace: float = 20.0) -> None:
        """SIGTERM (the server flushes and exits), SIGKILL after ``grace`` seconds."""
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)


def check_config(kind: str, lab: Lab, config: Path, workdir: Path) -> tuple[float, int]:
    """Seconds ``-t FILE`` took and its exit code (run in the server namespace)."""
    argv = lab.in_server([PROGRAMS[kind](), "-t", str(config)])
    env = dict(os.environ, KEA_PIDFILE_DIR=str(workdir), KEA_LOCKFILE_DIR=str(workdir))
    began = time.monotonic()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, timeout=900, check=False)
    return time.monotonic() - began, done.returncode
