"""A running ``nestor-dhcp4 -c`` between two namespaces, and real clients against it.

Topology (addresses inside the namespaces only)::

    srv  nst-s0 192.0.2.1/24  ----  nst-c0  cli (real clients: no address;
                                            dhcp4_tool.py: 192.0.2.2/32, posing as a relay)

Real clients run with a hook script that saves their whole environment per
event (``NNN-EVENT.env``), so a test can compare what the client was told
with the configuration. Every process is stopped by PID and every
namespace removed by :class:`tests.netns.Lab`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.netns import Lab, Namespace, Proc, wait_until

from nestor.leases.lease import Lease4
from nestor.leases.leasefile import load_file
from nestor.leases.rows import SCHEMA4

SRV_IF, CLI_IF = "nst-s0", "nst-c0"
SERVER, RELAY = "192.0.2.1", "192.0.2.2"
TOOL = Path(__file__).with_name("dhcp4_tool.py")
# NESTOR_DHCP4=kea-dhcp4 runs the same tests against Kea, to check the tests themselves.
NESTOR = Path(shutil.which(os.environ.get("NESTOR_DHCP4", "")) or
              Path(sys.executable).with_name("nestor-dhcp4"))
AGAINST_KEA = NESTOR.name == "kea-dhcp4"

# Saves every event's environment; for clients that leave configuring the
# interface to their script (dhclient, udhcpc), sets the leased address so a
# unicast RENEW and RELEASE can leave. Runs inside the client namespace only.
HOOK = """#!/bin/sh
ev="${{reason:-$1}}"
n=$(ls {events} | wc -l)
# Written aside and renamed: the test polls the folder and must never read half a file.
env > "{events}/$n.tmp" && mv "{events}/$n.tmp" "{events}/$(printf %03d "$n")-$ev.env"
case "$ev" in
  BOUND|RENEW|REBIND|REBOOT)
    [ -n "$new_ip_address" ] && {ip} addr replace "$new_ip_address/$new_subnet_mask" \\
      dev "$interface" ;;
  bound|renew)
    {ip} addr replace "$ip/$mask" dev "$interface" ;;
  deconfig)
    {ip} -4 addr flush dev "$interface" ;;
esac
exit 0
"""

DHCLIENT_CONF = """request subnet-mask, broadcast-address, routers, domain-name,
        domain-name-servers, host-name, interface-mtu;
timeout 20;
retry 5;
"""


def base_config(work: Path, **overrides: Any) -> dict[str, Any]:
    """The test server's configuration: one subnet on the client link."""
    dhcp4: dict[str, Any] = {
        "interfaces-config": {"interfaces": [SRV_IF]},
        "lease-database": {"type": "memfile", "name": str(work / "leases4.csv"),
                           "lfc-interval": 0},
        "valid-lifetime": 600, "renew-timer": 3, "rebind-timer": 500,
        "option-data": [{"name": "domain-name-servers", "data": "192.0.2.53, 192.0.2.54"},
                        {"name": "domain-name", "data": "example.org"}],
        "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
                     "pools": [{"pool": "192.0.2.100 - 192.0.2.199"}],
                     "option-data": [{"name": "routers", "data": "192.0.2.1"}]}],
        "loggers": [
            {"name": "kea-dhcp4", "severity": "INFO",
             "output_options": [{"output": str(work / "nestor.log")}]},
            {"name": "kea-dhcp4.bad-packets", "severity": "DEBUG", "debuglevel": 99,
             "output_options": [{"output": str(work / "bad-packets.log")}]}],
    }
    dhcp4.update(overrides)
    return {"Dhcp4": dhcp4}


@dataclass
class ServerLab:
    lab: Lab
    srv: Namespace
    cli: Namespace
    work: Path
    conf: Path
    proc: Proc | None = None
    runs: int = 0
    _env: dict[str, str] = field(default_factory=dict)

    # -- the server ------------------------------------------------------------

    def write_config(self, config: dict[str, Any] | str) -> None:
        text = config if isinstance(config, str) else json.dumps(config, indent=2)
        self.conf.write_text(text)

    def start(self, timeout: float = 30.0) -> Proc:
        self.runs += 1
        log = self.log_path
        before = log.read_text().count("DHCP4_STARTED") if log.exists() else 0
        proc = self.srv.spawn([str(NESTOR), "-c", str(self.conf)], f"nestor{self.runs}",
                              env=self._env)
        self.proc = proc

        def started() -> bool:
            if log.exists() and log.read_text().count("DHCP4_STARTED") > before:
                return True
            if not proc.running():
                raise RuntimeError(f"nestor-dhcp4 exited: {proc.stdout()} {proc.stderr()} "
                                   f"{self.log()[-3000:]}")
            return False

        wait_until(started, timeout, "nestor-dhcp4 to start")
        return proc

    @property
    def log_path(self) -> Path:
        return self.work / "nestor.log"

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def pid_file(self) -> Path:
        return self.work / f"{self.conf.stem}.kea-dhcp4.pid"

    def signal(self, signum: int) -> None:
        assert self.proc is not None
        self.proc.signal(signum)

    def reload(self, expect: str, timeout: float = 15.0) -> None:
        """SIGHUP, then wait until the log has one more ``expect`` line."""
        before = self.log().count(expect)
        self.signal(signal.SIGHUP)
        wait_until(lambda: self.log().count(expect) > before, timeout, f"{expect} in the log")

    def stop(self, timeout: float = 15.0) -> int:
        assert self.proc is not None
        self.proc.signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def leases(self) -> dict[int, Lease4]:
        """The lease file as a fresh server would load it (the last row per address wins)."""
        into: dict[int, Lease4] = {}
        path = self.work / "leases4.csv"
        if path.exists():
            load_file(str(path), SCHEMA4, into, 0)
        return into

    # -- the relay-posing tool -------------------------------------------------------

    def relay_address(self) -> None:
        if RELAY not in self.cli.addresses(CLI_IF):
            self.cli.add_address(CLI_IF, f"{RELAY}/24")

    def tool(self, *args: str, timeout: float = 120.0) -> str:
        self.relay_address()
        done = self.cli.run([sys.executable, str(TOOL), *args], timeout=timeout)
        return done.stdout

    def spawn_tool(self, *args: str, label: str) -> Proc:
        self.relay_address()
        return self.cli.spawn([sys.executable, str(TOOL), *args], label)

    def hold_port(self, port: int = 67) -> Proc:
        """A process in the server namespace keeping ``port`` on the server's interface."""
        code = ("import socket, time\n"
                "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                f"s.setsockopt(socket.SOL_SOCKET, 25, b'{SRV_IF}\\0')\n"
                f"s.bind(('0.0.0.0', {port}))\n"
                "print('bound', flush=True)\n"
                "time.sleep(120)\n")
        holder = self.srv.spawn([sys.executable, "-c", code], "holder")
        wait_until(lambda: "bound" in holder.stdout(), 15, "the port holder")
        return holder

    # -- real clients ------------------------------------------------------------------

    def hook(self, name: str) -> tuple[Path, Path]:
        folder = self.work / name
        events = folder / "events"
        events.mkdir(parents=True, exist_ok=True)
        hook = folder / "hook.sh"
        hook.write_text(HOOK.format(events=events, ip=shutil.which("ip") or "ip"))
        hook.chmod(0o755)
        return hook, events


def read_events(events: Path) -> list[tuple[str, dict[str, str]]]:
    """(event, environment) per hook call, in order."""
    out = []
    for path in sorted(events.glob("*.env")):
        env: dict[str, str] = {}
        for line in path.read_text(errors="replace").splitlines():
            key, sep, value = line.partition("=")
            if sep:
                env[key] = value
        out.append((path.stem.split("-", 1)[1], env))
    return out


def wait_event(events: Path, name: str, timeout: float, proc: Proc | None = None,
               count: int = 1) -> dict[str, str]:
    """The environment of the ``count``-th ``name`` event, once it happened."""

    def seen() -> bool:
        if sum(1 for ev, _ in read_events(events) if ev == name) >= count:
            return True
        if proc is not None and not proc.running():
            raise RuntimeError(f"{proc.label} exited before {name}: {proc.stderr()[-2000:]}")
        return False

    wait_until(seen, timeout, f"{name} event #{count}", interval=0.1)
    return [env for ev, env in read_events(events) if ev == name][count - 1]


@contextmanager
def server_lab(tag: str) -> Iterator[ServerLab]:
    with Lab(tag) as lab:
        srv, cli = lab.namespace("srv"), lab.namespace("cli")
        lab.link(srv, cli, SRV_IF, CLI_IF)
        srv.add_address(SRV_IF, f"{SERVER}/24")
        work = lab.workdir
        env = {"KEA_PIDFILE_DIR": str(work), "KEA_LOCKFILE_DIR": str(work),
               "PATH": os.environ.get("PATH", "")}
        sl = ServerLab(lab, srv, cli, work, work / "kea-dhcp4.conf", _env=env)
        sl.write_config(base_config(work))
        yield sl
