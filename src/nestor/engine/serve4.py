"""The per-configuration state of the DHCPv4 engine and the first steps of serving a
query: subnet selection, the client's identity, host reservations, class pass 2.
"""

from __future__ import annotations

from dataclasses import dataclass

from nestor.config.model import Config, Reservation, Subnet
from nestor.engine.alloc import Pools
from nestor.engine.classify import DROP, Classes, Classifier
from nestor.engine.client4 import Client, find_hosts
from nestor.engine.decide4 import Allocation, Decider
from nestor.engine.hostres import GLOBAL_ID, HostIndex
from nestor.engine.identity import extended_info
from nestor.engine.lease4 import LeaseBook
from nestor.engine.names4 import ClientName, reply_name
from nestor.engine.select import SubnetSelector, compatibility
from nestor.leases.lease import Lease4
from nestor.leases.store import LeaseStore4
from nestor.stats.manager import StatsManager
from nestor.wire.packet4 import Packet4


class Dropped(Exception):
    """The query fell into class DROP late (after a reservation lookup, early or not)."""


@dataclass(slots=True)
class Served:
    """A query the server has a subnet for, with what allocation needs to know."""

    client: Client
    name: ClientName | None
    user_context: dict[str, object] | None

    def allocation(self, query: Packet4, fake: bool) -> Allocation:
        # The address the client has in mind: option 50, else ciaddr (Kea's "hint").
        hint = query.requested_address or query.ciaddr
        return Allocation(self.client, fake, hint, self.name, self.user_context)


class Server4State:
    """Everything derived from one configuration and one lease store."""

    def __init__(self, config: Config, store: LeaseStore4, stats: StatsManager) -> None:
        self.classifier = Classifier(config)
        self.selector = SubnetSelector(config)
        self.hosts = HostIndex(config)
        self.pools = Pools(config.subnets)
        self.book = LeaseBook(config, store, stats, self.pools)
        ddns = config.globals.get("dhcp-ddns")
        self.ddns_enabled = isinstance(ddns, dict) and bool(ddns.get("enable-updates"))
        self.early_global = bool(config.globals.get("early-global-reservations-lookup"))
        self.decider = Decider(self.book, self.pools, self.hosts, self.classifier,
                               self.selector, compatibility(config, "exclude-first-last-24"))

    def _early_global(self, idents: list[tuple[str, bytes]],
                      classes: Classes) -> Reservation | None:
        """``early-global-reservations-lookup``: a global reservation's classes (and
        KNOWN) take part in subnet selection; UNKNOWN is never set here (Kea ARM)."""
        host = self.hosts.find(GLOBAL_ID, idents)
        if host is not None:
            # Kea's earlyGHRLookup: the classes, receive-time tests again, KNOWN, pass 2.
            self.classifier.reserved(classes, host.client_classes, remove_evaluated=False)
            self.classifier.after_hosts(classes, True)
            if DROP in classes:
                raise Dropped
        return host

    def in_any_pool(self, subnet: Subnet, addr: int) -> bool:
        """``addr`` is in a pool of ``subnet``'s network, whatever the pool's classes."""
        return any(self.pools[s.id].pool_of(addr) is not None
                   for s in self.selector.members(subnet))

    def serve(self, query: Packet4, iface: str, src: int, dst: int, iface_addr: int,
              classes: Classes, now: int) -> Served | None:
        idents = self.hosts.identifiers(query, classes.ctx) if not self.hosts.empty else []
        early = self._early_global(idents, classes) if self.early_global else None
        subnet = self.selector.select(query, iface, src, dst, iface_addr, classes)
        if subnet is None:
            return None
        c = Client(query, query.hwaddr, query.options.get(61), classes, idents, subnet,
                   self.selector.network(subnet, classes), now)
        if early is not None:
            c.hosts[GLOBAL_ID] = early
        if not self.hosts.empty:
            find_hosts(c, self.hosts)
        # Without a reservation found there is neither a current nor a global host.
        host = c.current_host() if c.hosts else None
        self.classifier.after_lookup(classes, known=bool(c.hosts), current=host,
                                     global_host=c.global_host() if c.hosts else None,
                                     shared=bool(subnet.shared_network),
                                     early=self.early_global)
        if DROP in classes:
            raise Dropped  # Kea: DHCP4_PACKET_DROP_0013, counted in pkt4-receive-drop
        name = reply_name(query, subnet.params, host,
                          self.ddns_enabled and bool(subnet.params.ddns_send_updates))
        ext = extended_info(query) if subnet.params.store_extended_info else None
        return Served(c, name, ext)


def find_client(c: Client, store: LeaseStore4) -> Lease4 | None:
    """The lease Kea's INIT-REBOOT check looks at: the client id's lease in a subnet of
    the network, else the hardware address's (ownership is checked by the caller)."""
    ids = {s.id for s in c.network}
    cid = c.cid_for(c.subnet)
    candidates = (store.get_by_client_id(cid) if cid is not None else []) or \
        (store.get_by_hwaddr(c.hwaddr) if c.hwaddr else [])
    for s in c.network:
        for lease in candidates:
            if lease.subnet_id == s.id and lease.subnet_id in ids:
                return lease
    return None
