"""Runs scenario groups against Kea 2.2 and Nestor in the same pair of namespaces.

For each configuration group the same file is served first by ``kea-dhcp4`` and then by
``nestor-dhcp4``, each from an empty lease file, and the scripted client
(``client.py``) plays every scenario of the group from the client namespace. The
results are cached per (server, group) so that the parametrized tests start each
server once per configuration.

Topology (all inside namespaces the :class:`tests.netns.Lab` creates and removes)::

    srv: nst-s0 192.0.2.1/24, route 10.0.0.0/8 via 192.0.2.2
    cli: nst-c0 192.0.2.2/24 (the relay source), lo: every giaddr /32
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.interop.dhcp4_diff.steps import GIADDRS, RELAY_SOURCE, RELAYED_NET, SERVER, Scenario
from tests.netns import Lab, Namespace, Proc, unavailable_reason, wait_until

SRV_IF, CLI_IF = "nst-s0", "nst-c0"
REPO = Path(__file__).resolve().parents[3]
NESTOR = Path(sys.executable).with_name("nestor-dhcp4")
KEA = "kea-dhcp4"
SERVERS = ("kea", "nestor")
START_TIMEOUT = 30.0
CLIENT_TIMEOUT = 120.0


def skip_reason() -> str | None:
    """Why the differential tests cannot run here, or None."""
    reason = unavailable_reason()
    if reason is not None:
        return reason
    if shutil.which(KEA) is None:
        return "kea-dhcp4 (Kea 2.2) is not installed"
    if not NESTOR.exists():
        return f"{NESTOR} is not installed (pip install -e .)"
    return None


@dataclass
class GroupRun:
    """One server's answers for one group: results per scenario name, and its log."""

    server: str
    results: dict[str, list[dict[str, Any]]]
    log: str
    error: str | None = None


@dataclass
class DiffLab:
    lab: Lab
    srv: Namespace
    cli: Namespace
    server_mac: str
    runs: dict[tuple[str, str], GroupRun] = field(default_factory=dict)

    @property
    def work(self) -> Path:
        return self.lab.workdir

    def run(self, server: str, group: str, config: dict[str, Any],
            scenarios: list[Scenario]) -> GroupRun:
        """The cached run of ``group`` on ``server`` (Kea or Nestor)."""
        key = (server, group)
        if key not in self.runs:
            self.runs[key] = self._run(server, group, config, scenarios)
        return self.runs[key]

    def _run(self, server: str, group: str, config: dict[str, Any],
             scenarios: list[Scenario]) -> GroupRun:
        conf = self.work / f"{group}.json"
        conf.write_text(json.dumps(config, indent=1))  # the same bytes for both servers
        for stale in (self.work / "leases4.csv", self.work / "server.log"):
            stale.unlink(missing_ok=True)
        try:
            proc = self._start(server, conf)
        except (RuntimeError, TimeoutError) as exc:
            return GroupRun(server, {}, self._log(), error=str(exc))
        try:
            results = self._play(server, group, scenarios)
        finally:
            proc.stop()
        return GroupRun(server, results, self._log())

    def _log(self) -> str:
        path = self.work / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _start(self, server: str, conf: Path) -> Proc:
        env = {"KEA_PIDFILE_DIR": str(self.work), "KEA_LOCKFILE_DIR": str(self.work),
               "PATH": os.environ.get("PATH", "")}
        argv = [KEA if server == "kea" else str(NESTOR), "-c", str(conf)]
        if server == "kea":
            Path("/run/kea").mkdir(parents=True, exist_ok=True)
        proc = self.srv.spawn(argv, f"{server}-{conf.stem}", env=env)

        def started() -> bool:
            if "DHCP4_STARTED" in self._log():
                return True
            if not proc.running():
                raise RuntimeError(f"{server} exited at start: {proc.stderr()[-1500:]} "
                                   f"{self._log()[-1500:]}")
            return False

        try:
            wait_until(started, START_TIMEOUT, f"{server} to start")
        except BaseException:
            proc.stop()
            raise
        time.sleep(0.2)  # sockets are open before the message; let the loop settle
        return proc

    def _play(self, server: str, group: str,
              scenarios: list[Scenario]) -> dict[str, list[dict[str, Any]]]:
        plan = {"iface": CLI_IF, "server": SERVER, "server_mac": self.server_mac,
                "scenarios": [{"name": s.name, "steps": [st.to_json() for st in s.steps]}
                              for s in scenarios]}
        plan_path = self.work / f"plan-{server}-{group}.json"
        result_path = self.work / f"result-{server}-{group}.json"
        plan_path.write_text(json.dumps(plan, indent=1))
        env = {"PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "src")])}
        self.cli.run([sys.executable, "-m", "tests.interop.dhcp4_diff.client", str(plan_path),
                      str(result_path)], timeout=CLIENT_TIMEOUT, env=env)
        results: dict[str, list[dict[str, Any]]] = json.loads(result_path.read_text())
        return results


@contextmanager
def diff_lab() -> Iterator[DiffLab]:
    with Lab("k4diff") as lab:
        srv, cli = lab.namespace("srv"), lab.namespace("cli")
        lab.link(srv, cli, SRV_IF, CLI_IF)
        srv.add_address(SRV_IF, f"{SERVER}/24")
        cli.add_address(CLI_IF, f"{RELAY_SOURCE}/24")
        for giaddr in GIADDRS:
            cli.add_address("lo", f"{giaddr}/32")
        srv.run(["ip", "route", "add", RELAYED_NET, "via", RELAY_SOURCE])
        # Replies unicast to a client's MAC are not the interface's own; see them all.
        cli.run(["ip", "link", "set", CLI_IF, "promisc", "on"])
        yield DiffLab(lab, srv, cli, srv.mac(SRV_IF))
