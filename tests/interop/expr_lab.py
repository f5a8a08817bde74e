"""Kea 2.2 as the oracle for classification expressions, in a namespace pair.

Topology (addresses only inside the namespaces)::

    srv  nst-a0 192.0.2.1/24  ----  nst-b0 192.0.2.200/24  cli

``kea-dhcp4`` serves on ``nst-a0``. The test thread enters ``cli`` only to open a
packet socket there (``setns`` on its own thread; a socket keeps its namespace),
then injects hand-built queries as Ethernet frames and captures Kea's replies.

Which classes a query fell into is read from the reply: class number ``i`` carries
option-data with a private marker option code, sent always, so the reply lists the
matching classes by the marker codes it holds. Nothing of Nestor is involved in the
verdict except the DHCPv4 codec used to build the queries and read the replies.

Usable as a script for probing Kea's evaluator by hand::

    python -m tests.interop.expr_lab "option[61].text == 'x'"   # prints Kea's debug trace
"""

from __future__ import annotations

import json
import select
import socket
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.netns import Lab, Proc, inside, wait_until

from nestor.wire.packet4 import Packet4, parse4
from nestor.wire.stddefs import std_definitions

ETH_P_IP = 0x0800
PACKET_OUTGOING = 4
SERVER_IP = "192.0.2.1"
CLIENT_IP = "192.0.2.200"  # the client side's own address: relay agent and INFORM ciaddr
IFACE = "nst-a0"  # Lab.link's name for the first veth end in the server namespace


# Marker option codes: no DHCPv4 definition in Kea 2.2 or Nestor, so raw hex option-data
# is accepted for them, and Kea never adds them by itself.
_DEFINED = {d.code for d in std_definitions(4).in_space("dhcp4")}
MARKERS: tuple[int, ...] = tuple(c for c in range(160, 255) if c not in _DEFINED)


@dataclass(frozen=True)
class Query:
    """One DHCPv4 query and how it travels (IP addresses of the frame)."""

    name: str
    packet: Packet4
    src: str = "0.0.0.0"
    dst: str = "255.255.255.255"


@dataclass
class KeaRun:
    """Replies (by query name) from one Kea configuration; None when Kea stayed silent."""

    replies: dict[str, Packet4 | None]
    log: str = ""


@dataclass
class ClassSpec:
    name: str
    test: str
    extra: dict[str, Any] = field(default_factory=dict)




def kea_config(classes: Sequence[ClassSpec], *, option_defs: Sequence[dict[str, Any]] = (),
               reservations: Sequence[dict[str, Any]] = (), debug: bool = False,
               workdir: Path) -> dict[str, Any]:
    """A kea-dhcp4 configuration where class ``i`` marks replies with ``MARKERS[i]``."""
    if len(classes) > len(MARKERS):
        raise ValueError(f"{len(classes)} classes, only {len(MARKERS)} marker codes")
    defs = [{"name": c.name, "test": c.test, **c.extra,
             "option-data": [{"code": code, "space": "dhcp4", "csv-format": False,
                              "data": f"{code:02x}", "always-send": True}]}
            for c, code in zip(classes, MARKERS, strict=False)]
    logger: dict[str, Any] = {"name": "kea-dhcp4", "severity": "INFO",
                              "output_options": [{"output": "stdout"}]}
    if debug:
        logger.update(severity="DEBUG", debuglevel=55)
    return {"Dhcp4": {
        "interfaces-config": {"interfaces": [IFACE], "dhcp-socket-type": "raw"},
        "lease-database": {"type": "memfile", "persist": False},
        "control-socket": {"socket-type": "unix", "socket-name": str(workdir / "kea.sock")},
        "valid-lifetime": 600,
        "option-def": list(option_defs),
        "client-classes": defs,
        "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
                     "pools": [{"pool": "192.0.2.100-192.0.2.190"}],
                     "reservations": list(reservations)}],
        "loggers": [logger],
    }}


def matched(reply: Packet4 | None, count: int) -> frozenset[int]:
    """Indexes of the classes whose marker option is in ``reply``."""
    if reply is None:
        return frozenset()
    return frozenset(i for i, code in enumerate(MARKERS[:count]) if code in reply.options)


class ExprLab:
    """Namespaces, a client-side packet socket and a way to run Kea on a configuration."""

    def __init__(self) -> None:
        self.lab = Lab("expr")
        self.srv = self.lab.namespace("srv")
        self.cli = self.lab.namespace("cli")
        self.link = self.lab.link(self.srv, self.cli)
        assert self.link.a_if == IFACE, self.link
        self.srv.add_address(self.link.a_if, f"{SERVER_IP}/24")
        self.cli.add_address(self.link.b_if, f"{CLIENT_IP}/24")
        self.client_mac = bytes.fromhex(self.cli.mac(self.link.b_if).replace(":", ""))
        with inside(self.cli):
            self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
            self.sock.bind((self.link.b_if, ETH_P_IP))
        Path("/run/kea").mkdir(exist_ok=True)

    def close(self) -> None:
        self.sock.close()
        self.lab.close()

    def __enter__(self) -> ExprLab:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- Kea ---------------------------------------------------------------------

    def run(self, config: dict[str, Any], queries: Sequence[Query],
            timeout: float = 4.0) -> KeaRun:
        """Start Kea on ``config``, send every query, collect the replies, stop Kea."""
        conf = self.lab.workdir / "kea-expr.json"
        conf.write_text(json.dumps(config, indent=1))
        env = {"KEA_PIDFILE_DIR": str(self.lab.workdir),
               "KEA_LOCKFILE_DIR": str(self.lab.workdir)}
        kea = self.lab.spawn(self.srv, ["kea-dhcp4", "-c", str(conf)], "kea4", env=env)
        try:
            self._wait_started(kea)
            replies = self._exchange(queries, timeout)
            return KeaRun(replies, kea.stdout())
        finally:
            kea.stop()

    @staticmethod
    def _wait_started(kea: Proc) -> None:
        wait_until(lambda: "DHCP4_STARTED" in kea.stdout() or not kea.running(), 15,
                   "kea-dhcp4 to start")
        if not kea.running():
            raise RuntimeError(f"kea-dhcp4 exited: {kea.stdout()[-2000:]} {kea.stderr()}")
        # DHCP4_STARTED is logged just before the receive loop; give it a moment.
        time.sleep(0.2)

    # --- the wire ----------------------------------------------------------------

    def _exchange(self, queries: Sequence[Query], timeout: float) -> dict[str, Packet4 | None]:
        by_xid = {q.packet.xid: q.name for q in queries}
        if len(by_xid) != len(queries):
            raise ValueError("queries need distinct transaction ids")
        replies: dict[str, Packet4 | None] = {q.name: None for q in queries}
        self._drain()
        for q in queries:
            self.sock.send(self._frame(q))
            time.sleep(0.01)  # Kea reads one packet at a time; do not overrun its socket
        deadline = time.monotonic() + timeout
        waiting = set(by_xid)
        while waiting and (left := deadline - time.monotonic()) > 0:
            reply = self._receive(left)
            if reply is not None and reply.xid in waiting and reply.op == 2:
                waiting.discard(reply.xid)
                replies[by_xid[reply.xid]] = reply
        return replies

    def _frame(self, q: Query) -> bytes:
        from scapy.layers.inet import IP, UDP
        from scapy.layers.l2 import Ether
        from scapy.packet import Raw

        payload = q.packet.serialize(max_size=1500)
        dst_mac = "ff:ff:ff:ff:ff:ff" if q.dst.endswith(".255") else self.srv.mac(IFACE)
        sport = 67 if q.packet.giaddr else 68
        return bytes(Ether(src=self.client_mac, dst=dst_mac) / IP(src=q.src, dst=q.dst)
                     / UDP(sport=sport, dport=67) / Raw(payload))

    def _drain(self) -> None:
        while select.select([self.sock], [], [], 0)[0]:
            self.sock.recv(65535)

    def _receive(self, timeout: float) -> Packet4 | None:
        ready, _, _ = select.select([self.sock], [], [], timeout)
        if not ready:
            return None
        data, addr = self.sock.recvfrom(65535)
        if addr[2] == PACKET_OUTGOING or len(data) < 14 + 20 + 8 + 240:
            return None
        ihl = (data[14] & 0x0F) * 4
        if data[14 + 9] != 17:  # not UDP
            return None
        udp = 14 + ihl
        if int.from_bytes(data[udp:udp + 2], "big") != 67:  # replies come from port 67
            return None
        try:
            return parse4(data[udp + 8:])
        except Exception:
            return None


def _probe(expressions: list[str]) -> None:
    """Print Kea's evaluation trace for some expressions on a sample DISCOVER."""
    from tests.interop.expr_packets import QUERIES, RESERVATIONS

    classes = [ClassSpec(f"c{i}", e) for i, e in enumerate(expressions)]
    with ExprLab() as lab:
        cfg = kea_config(classes, debug=True, workdir=lab.lab.workdir,
                         reservations=RESERVATIONS)
        run = lab.run(cfg, QUERIES)
        for line in run.log.splitlines():
            if "EVAL_" in line:
                print(line.split("] ", 1)[-1][:400])
        for name, reply in run.replies.items():
            print(name, sorted(matched(reply, len(classes))))


if __name__ == "__main__":
    _probe(sys.argv[1:])
