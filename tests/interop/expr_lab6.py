"""Kea 2.2's DHCPv6 server as the oracle for classification expressions.

Same scheme as :mod:`tests.interop.expr_lab` (class ``i`` adds marker option
``MARKERS6[i]`` to its replies), over UDP sockets opened in the client namespace:
one on port 546 for a client's own SOLICIT, one on port 547 acting as the relay
agent for relayed ones. Queries go to ``ff02::1:2`` on the veth; replies come back
to the sender's link-local address.
"""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.interop.expr_lab import ClassSpec, inside
from tests.netns import Lab, Proc, wait_until

from nestor.wire.packet6 import Message6, RelayMessage6, innermost, parse6
from nestor.wire.stddefs import std_definitions

IFACE = "nst-a0"
_DEFINED6 = {d.code for d in std_definitions(6).in_space("dhcp6")}
# Codes without a DHCPv6 definition, so raw hex option-data is accepted for them.
MARKERS6: tuple[int, ...] = tuple(c for c in range(65000, 65200) if c not in _DEFINED6)


@dataclass(frozen=True)
class Query6:
    name: str
    message: Message6 | RelayMessage6

    @property
    def relayed(self) -> bool:
        return isinstance(self.message, RelayMessage6)

    @property
    def transaction(self) -> int:
        return innermost(self.message).transaction_id


def kea6_config(classes: Sequence[ClassSpec], workdir: Path) -> dict[str, Any]:
    defs = [{"name": c.name, "test": c.test,
             "option-data": [{"code": code, "space": "dhcp6", "csv-format": False,
                              "data": f"{code:04x}", "always-send": True}]}
            for c, code in zip(classes, MARKERS6, strict=False)]
    return {"Dhcp6": {
        "interfaces-config": {"interfaces": [IFACE]},
        "lease-database": {"type": "memfile", "persist": False},
        "server-id": {"type": "EN", "enterprise-id": 2495, "identifier": "6e6573746f72",
                      "persist": False},
        "control-socket": {"socket-type": "unix", "socket-name": str(workdir / "kea6.sock")},
        "client-classes": defs,
        "subnet6": [{"id": 1, "subnet": "2001:db8::/32", "interface": IFACE,
                     "pools": [{"pool": "2001:db8:1::100-2001:db8:1::1ff"}]}],
        "loggers": [{"name": "kea-dhcp6", "severity": "INFO",
                     "output_options": [{"output": "stdout"}]}],
    }}


def matched6(reply: Message6 | None, count: int) -> frozenset[int]:
    if reply is None:
        return frozenset()
    codes = {opt.code for opt in reply.options}
    return frozenset(i for i, code in enumerate(MARKERS6[:count]) if code in codes)


class ExprLab6:
    """A namespace pair, Kea's DHCPv6 server on one side, client sockets on the other."""

    def __init__(self) -> None:
        self.lab = Lab("expr6")
        self.srv = self.lab.namespace("srv")
        self.cli = self.lab.namespace("cli")
        self.link = self.lab.link(self.srv, self.cli)
        self.srv.add_address(self.link.a_if, "2001:db8:1::1/64")
        self.cli.add_address(self.link.b_if, "2001:db8:1::2/64")
        with inside(self.cli):
            self.index = socket.if_nametoindex(self.link.b_if)
            self.client = self._socket(546)
            self.relay = self._socket(547)
        self.client_ll = self.cli.addresses(self.link.b_if, 6)
        Path("/run/kea").mkdir(exist_ok=True)

    def _socket(self, port: int) -> socket.socket:
        sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, self.index)
        sock.bind(("::", port, 0, self.index))
        return sock

    def close(self) -> None:
        self.client.close()
        self.relay.close()
        self.lab.close()

    def __enter__(self) -> ExprLab6:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def source_address(self) -> str:
        """The link-local address the client side sends from."""
        return next(a for a in self.cli.addresses(self.link.b_if, 6) if a.startswith("fe80"))

    def run(self, config: dict[str, Any], queries: Sequence[Query6],
            timeout: float = 4.0) -> dict[str, Message6 | None]:
        conf = self.lab.workdir / "kea-expr6.json"
        conf.write_text(json.dumps(config, indent=1))
        env = {"KEA_PIDFILE_DIR": str(self.lab.workdir),
               "KEA_LOCKFILE_DIR": str(self.lab.workdir)}
        kea = self.lab.spawn(self.srv, ["kea-dhcp6", "-c", str(conf)], "kea6", env=env)
        try:
            self._wait_started(kea)
            return self._exchange(queries, timeout)
        finally:
            kea.stop()

    @staticmethod
    def _wait_started(kea: Proc) -> None:
        wait_until(lambda: "DHCP6_STARTED" in kea.stdout() or not kea.running(), 15,
                   "kea-dhcp6 to start")
        if not kea.running():
            raise RuntimeError(f"kea-dhcp6 exited: {kea.stdout()[-2000:]} {kea.stderr()}")
        time.sleep(0.3)

    def _exchange(self, queries: Sequence[Query6],
                  timeout: float) -> dict[str, Message6 | None]:
        by_xid = {q.transaction: q.name for q in queries}
        replies: dict[str, Message6 | None] = {q.name: None for q in queries}
        for q in queries:
            sock = self.relay if q.relayed else self.client
            sock.sendto(q.message.serialize(), ("ff02::1:2", 547, 0, self.index))
            time.sleep(0.01)
        deadline = time.monotonic() + timeout
        while None in replies.values() and (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.client, self.relay], [], [], left)
            for sock in ready:
                try:
                    inner = innermost(parse6(sock.recv(65535)))
                except Exception:
                    continue
                if inner.transaction_id in by_xid:
                    replies[by_xid[inner.transaction_id]] = inner
        return replies
