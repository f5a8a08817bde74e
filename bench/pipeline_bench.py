"""CPU cost of the live server's packet path, in-process on loopback.

Run: ``.venv/bin/python bench/pipeline_bench.py [--clients N] [--rounds R] [--profile]``

A real :class:`~nestor.server.dhcp4.Server4` (memfile with ``persist: true`` in a
temporary folder, ``udp`` sockets on ``lo``, loggers at WARN) is fed by a
relay-like client socket, as perfdhcp feeds it in ``bench/profile_server.py``
(the garbage collector set up as the server process sets it up):
``N`` DISCOVERs (giaddr set), the pipeline answers them, then the ``N``
REQUESTs. Only :meth:`Pipeline4.run` is timed, with this process's CPU time,
so the figure is receive + parse + engine + lease row + commit + serialise +
send (including the kernel's loopback delivery of the replies), per DORA
exchange. Queries are sent in bursts of 64 so that the batching is the one
a loaded server sees. ``--profile`` prints a cProfile of one round.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import socket
import struct
import tempfile
import time
from pathlib import Path

from nestor.server.dhcp4 import Server4
from nestor.server.loop import GC_GEN0_THRESHOLD

RELAY = "127.0.0.2"
HEADER = struct.Struct("!BBBBIHHIIII16s64s128s")
COOKIE = b"\x63\x82\x53\x63"
BURST = 64


def _config(folder: Path) -> str:
    return json.dumps({"Dhcp4": {
        "interfaces-config": {"interfaces": ["lo/127.0.0.1"], "dhcp-socket-type": "udp"},
        "lease-database": {"type": "memfile", "name": str(folder / "leases4.csv"),
                           "persist": True, "lfc-interval": 0},
        "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
        "subnet4": [{"id": 1, "subnet": "198.18.0.0/16",
                     "pools": [{"pool": "198.18.0.10 - 198.18.255.250"}],
                     "relay": {"ip-addresses": [RELAY]},
                     "option-data": [{"name": "routers", "data": "198.18.0.1"},
                                     {"name": "domain-name-servers",
                                      "data": "192.0.2.53"}]}],
        "loggers": [{"name": "kea-dhcp4", "severity": "WARN",
                     "output_options": [{"output": str(folder / "server.log")}]}],
    }})


def _query(msgtype: int, i: int, extra: bytes = b"") -> bytes:
    """What perfdhcp sends as a relay: 53, 55 (1 28 2 3 15 6 12), 61; 50/54 for REQUEST."""
    mac = bytes((0, 0x0C, 1, i >> 16 & 255, i >> 8 & 255, i & 255))
    head = HEADER.pack(1, 1, 6, 1, i, 0, 0, 0, 0, 0,
                       int.from_bytes(socket.inet_aton(RELAY), "big"),
                       mac.ljust(16, b"\0"), b"", b"")
    opts = (bytes((53, 1, msgtype, 55, 7, 1, 28, 2, 3, 15, 6, 12, 61, 7, 1)) + mac + extra
            + b"\xff")
    return head + COOKIE + opts


def _offered(reply: bytes) -> tuple[int, bytes]:
    xid = int.from_bytes(reply[4:8], "big")
    return xid, reply[16:20]


class Rig:
    def __init__(self, folder: Path) -> None:
        conf = folder / "dhcp4.json"
        conf.write_text(_config(folder))
        self.client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.client.bind(("0.0.0.0", 0))
        self.client.setblocking(False)
        port = self._free_port()
        self.server = Server4(str(conf), server_port=port,
                              client_port=self.client.getsockname()[1])
        self.server.start()
        # What nestor-dhcp4 does once started (nestor.server.loop._tune_gc).
        gc.collect()
        gc.freeze()
        gc.set_threshold(GC_GEN0_THRESHOLD, 50, 100)
        self.dest = ("127.0.0.1", port)
        assert self.server.pipeline is not None and self.server.transport is not None
        self.receiver = self.server.transport.receivers[0]

    @staticmethod
    def _free_port() -> int:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            return int(s.getsockname()[1])

    def serve(self, queries: list[bytes]) -> tuple[float, list[bytes]]:
        """CPU seconds the pipeline spent answering ``queries``; the replies."""
        pipeline = self.server.pipeline
        assert pipeline is not None
        spent = 0.0
        replies: list[bytes] = []
        for start in range(0, len(queries), BURST):
            for q in queries[start:start + BURST]:
                self.client.sendto(q, self.dest)
            t = time.process_time()
            pipeline.run(self.receiver)
            spent += time.process_time() - t
            while True:
                try:
                    replies.append(self.client.recv(4096))
                except BlockingIOError:
                    break
        return spent, replies

    def close(self) -> None:
        self.server.stop()
        self.client.close()
        gc.unfreeze()


def one_round(clients: int, base: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        rig = Rig(Path(tmp))
        try:
            discovers = [_query(1, base + i) for i in range(clients)]
            spent, offers = rig.serve(discovers)
            requests = []
            for reply in offers:
                xid, yiaddr = _offered(reply)
                requests.append(_query(3, xid, bytes((50, 4)) + yiaddr
                                       + bytes((54, 4, 127, 0, 0, 1))))
            spent2, acks = rig.serve(requests)
        finally:
            rig.close()
    return spent + spent2, len(acks)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        one_round(args.clients, 0)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(30)
        return
    best = float("inf")
    for r in range(args.rounds):
        spent, acks = one_round(args.clients, r * args.clients)
        if acks != args.clients:
            print(f"round {r}: {acks} ACKs for {args.clients} clients")
        best = min(best, spent / max(acks, 1))
    print(f"{args.clients} clients, best of {args.rounds} rounds, process CPU time: "
          f"{best * 1e6:.1f} us per DORA exchange ({1 / best:,.0f} DORA/s of CPU)")


if __name__ == "__main__":
    main()
