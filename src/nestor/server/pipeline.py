"""One batch of DHCPv4 traffic: receive, parse, decide, commit, send.

The order is the durability contract (see :mod:`nestor.leases.memfile`):
every query of the batch is decided first, then the lease store commits
once, and only then do the replies leave. An ACK is therefore never on the
wire before its lease is in the lease file, and one ``write()`` serves the
whole batch instead of one per lease. If the commit fails the batch's
replies are dropped: a client that got no answer retries, a client that got
an ACK for a lease we lost would not.

Nothing a peer sends can stop the loop (DESIGN.md, house rule 2): a datagram
that does not parse is counted (``pkt4-parse-failed``, ``pkt4-receive-drop``)
and dropped; an exception from the engine for one query is logged and that
query dropped. Both are logged with a rate limit, once per kind of reason.
"""

from __future__ import annotations

import re
import socket
import struct
import time
from collections.abc import Callable

from nestor.engine.log4 import label
from nestor.engine.v4 import Engine4, Query4Meta
from nestor.errors import MalformedPacket, NestorError
from nestor.leases.store import LeaseStore4
from nestor.logs.core import get_logger
from nestor.logs.levels import DBG_DHCP_DETAIL
from nestor.stats.manager import StatsManager
from nestor.transport.route import SendTarget
from nestor.transport.transport4 import SendError, Transport4
from nestor.transport.udp4 import DEFAULT_BATCH, Datagram4, Receiver4
from nestor.wire.packet4 import DEFAULT_MAX_SIZE, Packet4, PacketTooBig, parse4

log = get_logger("dhcp4")
bad_log = get_logger("bad-packets")
pkt_log = get_logger("packets")

_U32 = struct.Struct("!I")
# One line per kind of problem per this many seconds; the rest are counted.
LOG_INTERVAL = 60.0
# The largest IPv4 datagram (RFC 791 total length), as a message size like option 57's.
MAX_DATAGRAM = 65535
# Batches answered per readiness callback at most.
MAX_ROUNDS = 8
# Address texts remembered by ip_int (clients renewing by unicast vary; bounded).
_IP_INT: dict[str, int] = {}
_IP_INT_MAX = 4096


def encode(reply: Packet4, query: Packet4) -> bytes:
    """The reply on the wire, within the client's maximum message size when it fits.

    RFC 2131 section 2 / RFC 2132 section 9.10: a reply should not exceed the size the
    client accepts (option 57, at least 576), so options that do not fit go into the
    ``file`` and ``sname`` fields (overloading, RFC 2131 section 4.1). When even that is
    not enough the whole reply is sent anyway, as Kea 2.2 does (it never looks at
    option 57): a client that cannot take it is no worse off than without a reply, and
    one that can gets its address. The hard limit is then what one IPv4 UDP datagram
    carries; a frame larger than the link's MTU fails in the transport and is logged
    there (DHCP4_PACKET_SEND_FAIL).
    """
    try:
        # Most clients send no option 57: the RFC minimum, without the lookups.
        limit = DEFAULT_MAX_SIZE if 57 not in query.options else query.reply_size_limit()
        return reply.serialize(limit)
    except PacketTooBig:
        return reply.serialize(MAX_DATAGRAM)


def ip_int(text: str) -> int:
    """Dotted-quad text as a number (0 if it is not one); the few addresses a
    server sees again and again (relays, its own) are looked up, not parsed."""
    value = _IP_INT.get(text)
    if value is None:
        try:
            value = int(_U32.unpack(socket.inet_aton(text))[0])
        except OSError:
            value = 0
        if len(_IP_INT) >= _IP_INT_MAX:
            _IP_INT.clear()
        _IP_INT[text] = value
    return value


class RateLimiter:
    """Says yes once per key per ``interval``; counts the noes in between."""

    def __init__(self, interval: float = LOG_INTERVAL,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.clock = clock
        self._next: dict[str, float] = {}
        self.suppressed: dict[str, int] = {}

    def allow(self, key: str) -> bool:
        now = self.clock()
        if now < self._next.get(key, 0.0):
            self.suppressed[key] = self.suppressed.get(key, 0) + 1
            return False
        self._next[key] = now + self.interval
        return True


_NUMBERS = re.compile(r"0x[0-9a-fA-F]+|[0-9]+")


def _reason_kind(reason: str) -> str:
    # "truncated header: 100 octets" and "...: 120 octets", or two different bad
    # cookies, are one kind of problem: only the numbers differ.
    return _NUMBERS.sub("#", reason.split(":", 1)[0])


class Pipeline4:
    """Runs batches for one engine, store and transport (replaced on reconfiguration)."""

    def __init__(self, engine: Engine4, leases: LeaseStore4, transport: Transport4,
                 stats: StatsManager, batch: int = DEFAULT_BATCH,
                 enabled: Callable[[], bool] | None = None) -> None:
        self.engine = engine
        self.leases = leases
        self.transport = transport
        self.stats = stats
        self.batch = batch
        self.limiter = RateLimiter()
        self.enabled = enabled  # False while dhcp-disable is in force

    def run(self, receiver: Receiver4) -> int:
        """Answer what is queued on ``receiver``, batch after batch; the number of datagrams.

        Under load the queue refills faster than a batch is answered, so one
        call keeps draining while batches come back full (at most
        :data:`MAX_ROUNDS` of them, so that timers and control commands still
        get their turn): one wake-up of the event loop serves many batches.
        The batch itself stays small. Its replies leave in one burst, and a
        burst of 256 was measured to overflow the receive buffer of a client
        or relay with Linux's default size (212 KiB; about 1 KiB per datagram
        in kernel accounting), so that it lost replies even at a rate the
        server kept up with.
        """
        total = 0
        size = self.batch
        for _ in range(MAX_ROUNDS):
            count = self.run_batch(receiver, size)
            total += count
            if count < size:
                break
        return total

    def run_batch(self, receiver: Receiver4, size: int) -> int:
        """Drain up to ``size`` datagrams, decide them all, commit once, then send."""
        datagrams = receiver.drain(size)
        if not datagrams:
            return 0
        # Counted once per batch: the same totals at a fraction of the cost.
        self.stats.add("pkt4-received", len(datagrams))
        if self.enabled is not None and not self.enabled():
            # dhcp-disable: Kea drops every query while the service is disabled.
            self.stats.add("pkt4-receive-drop", len(datagrams))
            return len(datagrams)
        decide = self._decide
        replies = [r for d in datagrams if (r := decide(d)) is not None]
        try:
            self.leases.commit()
        except (OSError, NestorError) as exc:
            self._error("commit", "DHCP4_PACKET_PROCESS_STD_EXCEPTION",
                        f"lease store commit failed, {len(replies)} replies dropped: {exc}")
            return len(datagrams)
        sent = 0
        send = self.transport.send
        for payload, target in replies:
            try:
                send(payload, target)
            except SendError as exc:
                self._error("send", "DHCP4_PACKET_SEND_FAIL", f"to {target.address}",
                            str(exc))
            else:
                sent += 1
        if sent:
            self.stats.add("pkt4-sent", sent)
        return len(datagrams)

    def _decide(self, d: Datagram4) -> tuple[bytes, SendTarget] | None:
        try:
            query = parse4(d.data)
        except MalformedPacket as exc:
            self._parse_failed(d, exc.reason)
            return None
        meta = Query4Meta(d.ifindex, d.ifname, ip_int(d.src), d.sport, ip_int(d.dst))
        try:
            reply = self.engine.handle(query, meta)
            if reply is None:
                return None
            try:
                return encode(reply.packet, query), reply.target
            except PacketTooBig as exc:
                self._error("pack", "DHCP4_PACKET_PACK_FAIL", label(reply.packet), str(exc))
                return None
        except Exception as exc:  # one bad query must never stop the server
            self._error(type(exc).__name__, "DHCP4_PACKET_PROCESS_STD_EXCEPTION",
                        f"{type(exc).__name__}: {exc}")
            return None

    def _parse_failed(self, d: Datagram4, reason: str) -> None:
        self.stats.add("pkt4-parse-failed")
        self.stats.add("pkt4-receive-drop")
        if bad_log.debug_on(DBG_DHCP_DETAIL) and self.limiter.allow(
                "parse:" + _reason_kind(reason)):
            bad_log.debug(DBG_DHCP_DETAIL, "DHCP4_PACKET_DROP_0001", d.src, d.dst,
                          d.ifname, reason)

    def _error(self, key: str, ident: str, *args: object) -> None:
        if self.limiter.allow(key):
            log.error(ident, *args)
