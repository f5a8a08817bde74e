"""The DHCPv4 engine: one query in, one reply (and where it goes) or nothing out.

Sans I/O: the server hands in a parsed :class:`Packet4` with its receive context
(:class:`Query4Meta`) and gets a :class:`Reply4` or None. Interfaces are data
(:class:`Link4`), the clock is injected, leases live in the store passed in.

Per query, as Kea's ``Dhcpv4Srv::processPacket`` does:

1. count it by message type (``pkt4-<type>-received``);
2. accept or drop (``pkt4-receive-drop``): a message type the server handles, a
   client identity (chaddr or client identifier), a server identifier that is
   ours (RFC 2131 section 4.3.2 SELECTING: a REQUEST for another server is
   silently ignored), a DISCOVER without server identifier (table 5), a
   directly connected client on a link we serve;
3. classify (built-in classes and configured tests); the ``DROP`` class drops;
4. select the subnet, look up reservations, allocate, build the reply, route it.

DISCOVER, REQUEST and INFORM are answered; RELEASE and DECLINE change the lease
and get no reply (RFC 2131 sections 4.3.4 and 4.3.5).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from nestor.config.model import Config
from nestor.engine import log4
from nestor.engine.build4 import (
    FixedFields,
    finish,
    finish_sorted,
    lease_options,
    new_reply,
    u32,
)
from nestor.engine.classify import BOOTP, DROP, Classes, Classifier
from nestor.engine.expire4 import Reclaimer
from nestor.engine.identity import ServerIds
from nestor.engine.lease4 import LeaseBook, belongs_to
from nestor.engine.release4 import decline, release
from nestor.engine.replyopts import ReplyOptions, add_vendor_options
from nestor.engine.route4 import route
from nestor.engine.select import compatibility
from nestor.engine.serve4 import Dropped, Served, Server4State, find_client
from nestor.errors import MalformedPacket, OptionDataError
from nestor.leases.store import LeaseStore4, LeaseStoreError
from nestor.stats.manager import StatsManager
from nestor.transport.route import SendTarget
from nestor.wire.options4 import MessageType
from nestor.wire.packet4 import BOOTP_MIN_SIZE, BOOTREQUEST, Packet4, ip4_text

BROADCAST = 0xFFFFFFFF
DISCOVER, OFFER, REQUEST, DECLINE, ACK, NAK, RELEASE, INFORM = 1, 2, 3, 4, 5, 6, 7, 8

# Kea's received-packet counters by message type; other types count as unknown.
RECEIVED = {1: "pkt4-discover-received", 2: "pkt4-offer-received",
            3: "pkt4-request-received", 4: "pkt4-decline-received", 5: "pkt4-ack-received",
            6: "pkt4-nak-received", 7: "pkt4-release-received", 8: "pkt4-inform-received"}
SENT = {OFFER: "pkt4-offer-sent", ACK: "pkt4-ack-sent", NAK: "pkt4-nak-sent"}
BOOTP_LIBRARY = "libdhcp_bootp.so"
# What Kea's bootp hook strips from replies: RFC 1533 section 9's DHCP extensions.
DHCP_ONLY_OPTIONS = (50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 61)
# Messages whose handlers do not select a subnet themselves.
_NEED_LINK = frozenset((DECLINE, RELEASE, INFORM))


@dataclass(frozen=True, slots=True)
class Link4:
    """What the server knows about an interface (the engine never reads the system)."""

    ifindex: int
    name: str
    addresses: tuple[tuple[int, int], ...]  # (IPv4 address as int, prefix length), primary first


@dataclass(slots=True)
class Query4Meta:
    """Receive context of one datagram."""

    ifindex: int
    ifname: str
    src: int  # IPv4 source as int (0 for 0.0.0.0)
    sport: int
    dst: int  # destination address as int (0xFFFFFFFF for broadcast)


@dataclass(slots=True)
class Reply4:
    packet: Packet4
    target: SendTarget


class Engine4:
    """Per-message DHCPv4 decisions for one configuration."""

    def __init__(self, config: Config, leases: LeaseStore4, stats: StatsManager,
                 links: Mapping[int, Link4], clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.store = leases
        self.stats = stats
        self.clock = clock
        self.state = Server4State(config, leases, stats)
        self.classifier: Classifier = self.state.classifier
        self.book: LeaseBook = self.state.book
        self.options = ReplyOptions(config)
        self.fixed = FixedFields(config)
        self.server_ids = ServerIds(config)
        self.reclaimer = Reclaimer(config, self.book, clock)
        self.echo_client_id = bool(config.globals.get("echo-client-id", True))
        self.any_server_id = compatibility(config, "ignore-dhcp-server-identifier")
        ifc = config.globals.get("interfaces-config")
        self.use_routing = isinstance(ifc, dict) and \
            ifc.get("outbound-interface") == "use-routing"
        self.links: dict[int, Link4] = {}
        self._addresses: frozenset[int] = frozenset()
        self.update_links(links)
        # Kea's libdhcp_bootp.so in hooks-libraries turns BOOTP support on.
        self.bootp = any(os.path.basename(h.library) == BOOTP_LIBRARY for h in config.hooks)
        self._handlers: dict[int, Callable[[Packet4, Query4Meta, Classes, int],
                                           Reply4 | None]] = {
            DISCOVER: self._discover, REQUEST: self._request, RELEASE: self._release,
            DECLINE: self._decline, INFORM: self._inform}

    # -- public API ---------------------------------------------------------------------
    def handle(self, query: Packet4, meta: Query4Meta) -> Reply4 | None:
        """Process one query; None means no reply.

        Counted here: ``pkt4-<type>-received`` (or ``pkt4-unknown-received``),
        ``pkt4-receive-drop`` for queries refused before processing (the server
        counts only its own drops, e.g. parse failures), ``pkt4-offer/ack/nak-sent``
        for replies made (the server counts ``pkt4-sent`` once they leave), and the
        lease statistics. No reply after processing (RELEASE, DECLINE, a DISCOVER
        with no address left) is not a drop, as in Kea."""
        try:
            return self._handle(query, meta)
        except MalformedPacket:
            # An option the decision needs is malformed (e.g. a 3-octet option 50):
            # Kea fails the same packet while unpacking it.
            self._drop()
            return None
        except Dropped:
            self._drop()
            return None
        except (LeaseStoreError, OptionDataError):
            # The lease backend failed, or a configured option cannot be built: this
            # query gets no answer, the server goes on (Kea 3.1 counts these).
            if "pkt4-processing-failed" in self.stats:
                self.stats.add("pkt4-processing-failed")
            return None

    def reclaim_expired(self, now: float) -> int:
        """One ``expired-leases-processing`` pass; returns how many leases were reclaimed."""
        return self.reclaimer.run(int(now))

    def flush_reclaimed(self, now: float) -> int:
        """Delete leases expired-reclaimed for ``hold-reclaimed-time`` (Kea's flush
        timer); returns how many went."""
        return self.reclaimer.flush(int(now)) if self.reclaimer.hold else 0

    def update_links(self, links: Mapping[int, Link4]) -> None:
        """New interface data (addresses came or went): used from the next query on."""
        self.links = dict(links)
        self._addresses = frozenset(a for link in self.links.values()
                                    for a, _ in link.addresses)

    # -- acceptance -----------------------------------------------------------------------
    def _drop(self) -> None:
        self.stats.add("pkt4-receive-drop")

    def _handle(self, query: Packet4, meta: Query4Meta) -> Reply4 | None:
        mt = query.options.get(53)
        given: tuple[str, ...] = ()
        if mt is None and self.bootp and query.op == BOOTREQUEST:
            # RFC 1497 BOOTP request: served as a DHCPREQUEST in class BOOTP.
            mt, given = bytes((REQUEST,)), (BOOTP,)
        if mt is None or len(mt) != 1:
            self.stats.add("pkt4-unknown-received")
            self._drop()
            return None
        mtype = mt[0]
        self.stats.add(RECEIVED.get(mtype, "pkt4-unknown-received"))
        handler = self._handlers.get(mtype)
        if handler is None or not self._accept(query, meta, mtype):
            self._drop()
            return None
        classes = self.classifier.classify(query, meta.ifname, meta.src, meta.dst, given)
        if DROP in classes:
            self._drop()
            return None
        # Kea's acceptDirectRequest runs before the early global reservation lookup:
        # classes from such a reservation do not open a guarded subnet to a
        # broadcast (checked against Kea 2.2).
        if (mtype in _NEED_LINK or self.state.early_global) and \
                _direct_broadcast(query, meta) and \
                self.state.selector.select(query, meta.ifname, meta.src, meta.dst,
                                           self._iface_address(meta), classes) is None:
            self._drop()  # Kea's acceptDirectRequest: a broadcast from a link we do not serve
            return None
        return handler(query, meta, classes, int(self.clock()))

    def _accept(self, query: Packet4, meta: Query4Meta, mtype: int) -> bool:
        if query.op != BOOTREQUEST:
            return False
        cid = query.options.get(61)
        if cid is not None and len(cid) < 2:
            return False  # RFC 2132 section 9.14: type and at least one octet
        if not query.hwaddr and cid is None:
            return False  # nothing identifies the client
        sid = query.options.get(54)
        if sid is not None:
            if mtype == DISCOVER:
                return False  # RFC 2131 table 5: MUST NOT
            if not self.any_server_id and \
                    not self.server_ids.ours(sid, query, self._addresses):
                return False
        # An INFORM we could not answer: no relay, no ciaddr, no source address
        # (Kea's acceptDirectRequest).
        return not (mtype == INFORM and not query.giaddr and not query.ciaddr
                    and not meta.src)

    def _local(self, meta: Query4Meta) -> int:
        """The server's address for this query: where it was sent, or the interface's."""
        if meta.dst and meta.dst != BROADCAST:
            return meta.dst
        return self._iface_address(meta)

    # -- message handlers ---------------------------------------------------------------
    def _discover(self, query: Packet4, meta: Query4Meta, classes: Classes,
                  now: int) -> Reply4 | None:
        served = self._serve(query, meta, classes, now)
        if served is None:
            if _direct_broadcast(query, meta):
                self._drop()  # Kea's acceptDirectRequest: not a link we serve
            else:
                log4.no_subnet(query, meta.src, DISCOVER)
            return None
        grant = self.state.decider.discover(served.allocation(query, fake=True))
        if grant is None:
            log4.lease_refused(query, fake=True)
            return None
        log4.advertised(query, grant.lease.addr)
        if grant.reused:
            log4.reused(query, grant.lease.addr, grant.lifetime)
        return self._lease_reply(query, meta, served, OFFER, grant.lease.addr, grant.lifetime)

    def _request(self, query: Packet4, meta: Query4Meta, classes: Classes,
                 now: int) -> Reply4 | None:
        served = self._serve(query, meta, classes, now)
        if served is None:
            if _direct_broadcast(query, meta):
                self._drop()  # Kea's acceptDirectRequest: not a link we serve
                return None
            log4.no_subnet(query, meta.src, REQUEST)
            return self._nak(query, meta)
        c = served.client
        if 54 not in query.options and 50 in query.options:
            requested = query.requested_address or 0
            log4.init_reboot(query, requested)
            verdict = self._init_reboot(served, requested)
            if verdict is not None:
                if verdict:
                    log4.init_reboot_nak(query, requested)
                    return self._nak(query, meta)
                log4.init_reboot_unknown(query, requested)
                return None
        allocation = served.allocation(query, fake=False)
        grant = self.state.decider.request(allocation)
        if grant is None:
            if allocation.unknown_requested and not self.state.in_any_pool(
                    served.client.network[0], allocation.requested):
                # Not an address this server hands out on that link: another server's
                # business, so no NAK (Kea's DHCP4_UNKNOWN_ADDRESS_REQUESTED).
                log4.unknown_address(query)
                return None
            log4.lease_refused(query, fake=False)
            return self._nak(query, meta)
        log4.allocated(query, grant.lease)
        if grant.reused:
            log4.reused(query, grant.lease.addr, grant.lifetime)
            self.book.bump(c.subnet.id, "v4-lease-reuses", glob=True, if_kept=True)
        return self._lease_reply(query, meta, served, ACK, grant.lease.addr, grant.lifetime)

    def _init_reboot(self, served: Served, requested: int) -> bool | None:
        """RFC 2131 section 4.3.2 INIT-REBOOT, Kea's rules: True = NAK, False = stay
        silent, None = go on. An unknown client is NAKed only by an authoritative server."""
        c = served.client
        lease = find_client(c, self.store)
        known = lease is not None and belongs_to(lease, c.hwaddr, c.cid_for(c.subnet))
        authoritative = bool(c.subnet.params.authoritative)
        if lease is None or not known:
            return authoritative
        return True if lease.addr != requested else None

    def _release(self, query: Packet4, meta: Query4Meta, classes: Classes,
                 now: int) -> Reply4 | None:
        release(self.book, query)
        return None

    def _decline(self, query: Packet4, meta: Query4Meta, classes: Classes,
                 now: int) -> Reply4 | None:
        if not decline(self.book, query, now):
            self._drop()  # RFC 2131 table 5: the declined address MUST be in option 50
        return None

    def _inform(self, query: Packet4, meta: Query4Meta, classes: Classes,
                now: int) -> Reply4 | None:
        served = self._serve(query, meta, classes, now)
        reply = new_reply(query, ACK, query.ciaddr)
        if query.giaddr and not query.ciaddr:
            # The relay cannot know where the client is: ask it to broadcast
            # (Kea's adjustRemoteAddr).
            reply.flags |= 0x8000
        extra: dict[int, bytes] = {54: u32(self._local(meta))}
        subnet = served.client.subnet if served is not None else None
        host = served.client.current_host() if served is not None else None
        if subnet is not None:
            # Without a subnet Kea answers with its identifier only (checked).
            self.classifier.required_for(classes, subnet, None)
            block = self.options.block(subnet, None, -1, host, classes)
            extra.update(block.select(query.parameter_request_list))
            add_vendor_options(query.options, extra, block)
            for code in (51, 58, 59):  # RFC 2131 section 4.3.5: no lease time here
                extra.pop(code, None)
            extra[54] = block.payloads.get(54) or extra[54]
        finish(reply, query, extra, self.echo_client_id)
        self.fixed.apply(reply, subnet, classes, host)
        target = self._target(query, reply, ACK, meta)
        if query.giaddr and target.address != ip4_text(query.giaddr):
            # Answered straight to ciaddr: no relay fields (Kea's processInform).
            reply.giaddr, reply.hops = 0, 0
            reply.options.pop(82, None)
        return self._send(reply, target, ACK)

    # -- shared steps -------------------------------------------------------------------
    def _serve(self, query: Packet4, meta: Query4Meta, classes: Classes,
               now: int) -> Served | None:
        return self.state.serve(query, meta.ifname, meta.src, meta.dst,
                                self._iface_address(meta), classes, now)

    def _iface_address(self, meta: Query4Meta) -> int:
        link = self.links.get(meta.ifindex)
        return link.addresses[0][0] if link is not None and link.addresses else 0

    def _lease_reply(self, query: Packet4, meta: Query4Meta, served: Served, mtype: int,
                     addr: int, lifetime: int) -> Reply4:
        c = served.client
        subnet = c.subnet
        pool_hit = self.state.pools.by_subnet[subnet.id].pool_of(addr)
        pool = pool_hit.pool if pool_hit is not None else None
        self.classifier.required_for(c.classes, subnet, pool)
        host = c.current_host() if c.hosts else None
        block = self.options.block(subnet, pool, pool_hit.index if pool_hit else -1, host,
                                   c.classes)
        reply = new_reply(query, mtype, query.ciaddr if mtype == ACK else 0)
        reply.yiaddr = addr
        base = lease_options(block, subnet, query.options.get(55), lifetime,
                             self._local(meta), query.options)
        more = None
        if served.name is not None:
            name = served.name.resolve(addr)
            more = {name.code: name.payload}
        finish_sorted(reply, query, base, more, self.echo_client_id)
        self.fixed.apply(reply, subnet, c.classes, host)
        return self._send(reply, self._target(query, reply, mtype, meta), mtype, query)

    def _nak(self, query: Packet4, meta: Query4Meta) -> Reply4:
        reply = new_reply(query, NAK)
        finish(reply, query, {54: u32(self._local(meta))}, self.echo_client_id)
        return self._send(reply, self._target(query, reply, NAK, meta), NAK, query)

    def _target(self, query: Packet4, reply: Packet4, mtype: int,
                meta: Query4Meta) -> SendTarget:
        source = ip4_text(meta.dst) if meta.dst and meta.dst != BROADCAST else ""
        return route(query, reply, mtype, meta.ifindex, meta.sport, meta.src, source,
                     self.use_routing)

    def _send(self, reply: Packet4, target: SendTarget, mtype: int,
              query: Packet4 | None = None) -> Reply4:
        if query is not None and 53 not in query.options:
            # A BOOTP reply: no DHCP options, at least the BOOTP size (RFC 1542
            # section 3.2); Kea counts no typed "sent" statistic for it.
            for code in DHCP_ONLY_OPTIONS:
                reply.options.pop(code, None)
            reply.pad_to = BOOTP_MIN_SIZE
            return Reply4(reply, target)
        self.stats.add(SENT[mtype])
        return Reply4(reply, target)


def _direct_broadcast(query: Packet4, meta: Query4Meta) -> bool:
    """Broadcast by a client on one of our links (not relayed, not unicast to us)."""
    return not query.giaddr and meta.dst == BROADCAST


__all__ = ["Engine4", "Link4", "MessageType", "Query4Meta", "Reply4"]
