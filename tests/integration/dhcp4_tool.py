#!/usr/bin/env python3
"""A small DHCPv4 traffic tool the server tests run inside a client namespace.

Deliberately independent of Nestor's codec (packets are built with struct),
so the server is not tested with its own parser's idea of the protocol.

``dora``  posing as a relay agent (giaddr, port 67), run DISCOVER/REQUEST for
          ``--count`` clients with MACs ``--mac-base`` + i; every ACK is
          appended to ``--out`` as ``mac address`` and flushed at once, so the
          file holds every ACK seen even if the server is killed meanwhile.
          Exits after ``--count`` clients or ``--deadline`` seconds.
``junk``  send ``--count`` malformed datagrams of every kind to the server.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import struct
import sys
import time
from collections.abc import Callable

COOKIE = b"\x63\x82\x53\x63"
DISCOVER, OFFER, REQUEST, ACK, NAK = 1, 2, 3, 5, 6
HEADER = struct.Struct("!BBBBIHHIIII16s64s128s")


def packet(msgtype: int, xid: int, mac: bytes, giaddr: str, extra: bytes = b"",
           op: int = 1) -> bytes:
    head = HEADER.pack(op, 1, 6, 1, xid, 0, 0, 0, 0, 0,
                       struct.unpack("!I", socket.inet_aton(giaddr))[0],
                       mac.ljust(16, b"\0"), b"", b"")
    opts = bytes([53, 1, msgtype]) + bytes([55, 4, 1, 3, 6, 51]) + extra + b"\xff"
    return head + COOKIE + opts


def options(data: bytes) -> dict[int, bytes]:
    found: dict[int, bytes] = {}
    pos = 240
    while pos < len(data) and data[pos] != 255:
        if data[pos] == 0:
            pos += 1
            continue
        if pos + 1 >= len(data):
            break
        code, size = data[pos], data[pos + 1]
        found[code] = data[pos + 2: pos + 2 + size]
        pos += 2 + size
    return found


def exchange(sock: socket.socket, server: tuple[str, int], query: bytes, xid: int,
             want: tuple[int, ...], timeout: float) -> bytes | None:
    """Send ``query``; the first reply with our xid and a wanted type, or None."""
    sock.sendto(query, server)
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            data, _ = sock.recvfrom(4096)
        except TimeoutError:
            return None
        if len(data) < 244 or struct.unpack_from("!I", data, 4)[0] != xid:
            continue
        kind = options(data).get(53, b"\0")[0]
        if kind in want:
            return data
    return None


def one_client(sock: socket.socket, server: tuple[str, int], giaddr: str, mac: bytes,
               timeout: float) -> str | None:
    xid = random.getrandbits(32)
    offer = exchange(sock, server, packet(DISCOVER, xid, mac, giaddr), xid, (OFFER,), timeout)
    if offer is None:
        return None
    yiaddr = offer[16:20]
    sid = options(offer).get(54, socket.inet_aton(server[0]))
    extra = bytes([50, 4]) + yiaddr + bytes([54, 4]) + sid
    ack = exchange(sock, server, packet(REQUEST, xid, mac, giaddr, extra), xid, (ACK, NAK),
                   timeout)
    if ack is None or options(ack).get(53) != bytes([ACK]):
        return None
    return socket.inet_ntoa(ack[16:20])


def dora(args: argparse.Namespace) -> int:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((args.giaddr, 67))
    server = (args.server, args.port)
    end = time.monotonic() + args.deadline
    acked = 0
    with open(args.out, "a", encoding="ascii") as out:
        for i in range(args.count):
            if time.monotonic() >= end:
                break
            mac = (args.mac_base + i).to_bytes(6, "big")
            address = one_client(sock, server, args.giaddr, mac, args.timeout)
            if address is not None:
                out.write(f"{mac.hex(':')} {address}\n")
                out.flush()
                acked += 1
    print(f"acked {acked} of {args.count}")
    return 0


def _junk_kinds(rng: random.Random) -> list[Callable[[], bytes]]:
    good = packet(DISCOVER, 1, b"\x02\0\0\0\0\1", "192.0.2.2")
    return [
        lambda: good[: rng.randrange(0, 240)],                       # truncated
        lambda: good[:236] + b"\xde\xad\xbe\xef" + good[240:],       # bad cookie
        lambda: good[:240] + bytes([53, 200, 1]),                    # option runs past end
        lambda: good[:240] + bytes([12, 250]) + b"x" * 10 + b"\xff",  # bad length
        lambda: packet(DISCOVER, 2, b"\x02\0\0\0\0\2", "192.0.2.2", op=2),  # wrong op
        lambda: packet(DISCOVER, 3, b"\x02\0\0\0\0\3", "192.0.2.2", op=7),  # unknown op
        lambda: good[:2] + b"\x40" + good[3:],                       # hlen 64
        lambda: good + b"\0" * 9000,                                 # oversize
        lambda: os.urandom(rng.randrange(1, 600)),                   # noise
    ]


def junk(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    kinds = _junk_kinds(rng)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((args.giaddr, 67))
    sent = 0
    for i in range(args.count):
        try:
            sock.sendto(kinds[i % len(kinds)](), (args.server, args.port))
            sent += 1
        except OSError:
            time.sleep(0.001)  # the socket buffer is full: let the server catch up
    print(f"sent {sent}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("dora", "junk"))
    parser.add_argument("--server", default="192.0.2.1")
    parser.add_argument("--port", type=int, default=67)
    parser.add_argument("--giaddr", default="192.0.2.2")
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--mac-base", type=lambda s: int(s, 0), default=0x020000000000)
    parser.add_argument("--out", default="/dev/stdout")
    parser.add_argument("--timeout", type=float, default=1.0)
    parser.add_argument("--deadline", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args(argv)
    return dora(args) if args.mode == "dora" else junk(args)


if __name__ == "__main__":
    sys.exit(main())
