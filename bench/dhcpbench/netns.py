"""The lab: two network namespaces joined by one veth pair.

::

    client ns  nbc<pid> 192.0.2.2/24 + 198.51.100.1/24 (the relay, perfdhcp's giaddr)
       |  veth
    server ns  nbs<pid> 192.0.2.1/24, route to 198.51.100.0/24 via 192.0.2.2

perfdhcp always acts as a relay (giaddr = its address, source port 67),
so the server answers by unicast to 198.51.100.1:67. Documentation ranges
only, and only inside the namespaces.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

SERVER_ADDR = "192.0.2.1"
CLIENT_ADDR = "192.0.2.2"
RELAY_ADDR = "198.51.100.1"
RELAY_NET = "198.51.100.0/24"


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, timeout=20,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@dataclass
class Lab:
    """Names of the namespaces and links; :meth:`up` builds, :meth:`down` removes."""

    tag: str = str(os.getpid())

    @property
    def server_ns(self) -> str:
        return f"nbench-s{self.tag}"

    @property
    def client_ns(self) -> str:
        return f"nbench-c{self.tag}"

    @property
    def server_if(self) -> str:
        return f"nbs{self.tag}"[:15]

    @property
    def client_if(self) -> str:
        return f"nbc{self.tag}"[:15]

    def up(self) -> None:
        self.down()
        s, c = self.server_ns, self.client_ns
        ip("netns", "add", s)
        ip("netns", "add", c)
        ip("link", "add", self.server_if, "type", "veth", "peer", "name", self.client_if)
        ip("link", "set", self.server_if, "netns", s)
        ip("link", "set", self.client_if, "netns", c)
        ip("-n", s, "addr", "add", f"{SERVER_ADDR}/24", "dev", self.server_if)
        ip("-n", c, "addr", "add", f"{CLIENT_ADDR}/24", "dev", self.client_if)
        ip("-n", c, "addr", "add", f"{RELAY_ADDR}/24", "dev", self.client_if)
        for ns, dev in ((s, self.server_if), (c, self.client_if)):
            ip("-n", ns, "link", "set", "lo", "up")
            ip("-n", ns, "link", "set", dev, "up")
        ip("-n", s, "route", "add", RELAY_NET, "via", CLIENT_ADDR)

    def down(self) -> None:
        # deleting a namespace also deletes the veth end inside it, and its peer
        for ns in (self.server_ns, self.client_ns):
            subprocess.run(["ip", "netns", "del", ns], check=False, timeout=20,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def in_server(self, argv: list[str], cpu: int | None = None) -> list[str]:
        return self._wrap(self.server_ns, argv, cpu)

    def in_client(self, argv: list[str], cpu: int | None = None) -> list[str]:
        return self._wrap(self.client_ns, argv, cpu)

    @staticmethod
    def _wrap(ns: str, argv: list[str], cpu: int | None) -> list[str]:
        # ip netns exec and taskset both exec(): the PID we get is the program's
        pin = ["taskset", "-c", str(cpu)] if cpu is not None else []
        return ["ip", "netns", "exec", ns, *pin, *argv]
