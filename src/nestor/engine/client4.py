"""What the engine knows about the client behind one query, and Kea's lookups on it.

:class:`Client` carries the identity (hardware address, client identifier, host
identifiers), the classes, the subnet the client is being served from (which
may move inside a shared network, as Kea's ``ctx.subnet_`` does) and the host
reservations found in each subnet of that network (key 0: global).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nestor.config.model import Reservation, Subnet, Triplet
from nestor.engine.alloc import Pools
from nestor.engine.classify import BOOTP, Classes, Classifier
from nestor.engine.hostres import GLOBAL_ID, HostIndex
from nestor.engine.lease4 import belongs_to
from nestor.leases.lease import INFINITY_LFT, Lease4
from nestor.leases.store import LeaseStore4
from nestor.wire.packet4 import Packet4


@dataclass(slots=True)
class Client:
    query: Packet4
    hwaddr: bytes
    client_id: bytes | None  # option 61 as sent, None when absent
    classes: Classes
    idents: list[tuple[str, bytes]]
    subnet: Subnet
    network: list[Subnet]  # the subnets the client may use, the selected one first
    now: int
    hosts: dict[int, Reservation] = field(default_factory=dict)

    def cid_for(self, subnet: Subnet) -> bytes | None:
        """The client id to match and store in ``subnet`` (None with match-client-id false)."""
        return self.client_id if subnet.params.match_client_id else None

    def global_host(self) -> Reservation | None:
        if self.subnet.params.reservations_global:
            return self.hosts.get(GLOBAL_ID)
        return None

    def current_host(self) -> Reservation | None:
        """Kea's ``currentHost``: the reservation in the current subnet, else the global."""
        if self.subnet.params.reservations_in_subnet:
            host = self.hosts.get(self.subnet.id)
            if host is not None:
                return host
        return self.global_host()


def find_hosts(c: Client, hosts: HostIndex) -> None:
    """Kea's ``findReservation``: global (when enabled) and each subnet of the network."""
    if hosts.empty:
        return
    if c.subnet.params.reservations_global:
        found = hosts.find(GLOBAL_ID, c.idents)
        if found is not None:
            c.hosts[GLOBAL_ID] = found
    for s in c.network:
        if s.params.reservations_in_subnet:
            found = hosts.find(s.id, c.idents)
            if found is not None:
                c.hosts[s.id] = found


def reserved_address(c: Client, pools: Pools) -> int:
    """Kea's ``hasAddressReservation``: the client's reserved address usable in some subnet
    of the network (moving ``c.subnet`` there), else 0. With reservations-out-of-pool an
    in-pool reservation does not count."""
    if not c.hosts:
        return 0  # no reservation found for the client anywhere
    ghost = c.hosts.get(GLOBAL_ID)
    gaddr = int(ghost.ipv4_address) if ghost is not None and ghost.ipv4_address else 0
    for s in c.network:
        p = s.params
        if p.reservations_global and gaddr and _in_subnet(s, gaddr):
            c.subnet = s
            return gaddr
        host = c.hosts.get(s.id) if p.reservations_in_subnet else None
        if host is not None and host.ipv4_address is not None:
            addr = int(host.ipv4_address)
            if not p.reservations_out_of_pool or pools[s.id].pool_of(addr) is None:
                c.subnet = s
                return addr
    return 0


def _in_subnet(s: Subnet, addr: int) -> bool:
    net = s.prefix
    return int(net.network_address) <= addr <= int(net.broadcast_address)


def address_reserved(c: Client, addr: int, hosts: HostIndex, pools: Pools) -> bool:
    """Kea's ``addressReserved``: ``addr`` is reserved in the current subnet for a
    reservation that is not the client's own."""
    if hosts.empty:
        return False  # no reservations configured: nothing can be reserved
    p = c.subnet.params
    if not p.reservations_in_subnet:
        return False
    if p.reservations_out_of_pool and pools[c.subnet.id].pool_of(addr) is not None:
        return False
    owners = hosts.reserved(c.subnet.id, addr)
    if not owners:
        return False
    mine = set(c.idents)
    return not any((h.identifier_type, h.identifier) in mine for h in owners)


def in_allowed_pool(c: Client, addr: int, pools: Pools) -> bool:
    """Kea's ``inAllowedPool``: some subnet of the network has ``addr`` in a pool the
    client may use; the client moves to that subnet."""
    for s in c.network:
        if pools.by_subnet[s.id].in_allowed_pool(addr, c.classes) is not None:
            c.subnet = s
            return True
    return False


def find_client_lease(c: Client, store: LeaseStore4) -> Lease4 | None:
    """Kea's ``findClientLease``: by client id first (in subnets that match on it), then
    by hardware address among leases that belong to the client."""
    if c.client_id is not None and any(s.params.match_client_id for s in c.network):
        by_cid = store.get_by_client_id(c.client_id)
        if by_cid:
            for s in c.network:
                if not s.params.match_client_id:
                    continue
                for lease in by_cid:
                    if lease.subnet_id == s.id:
                        c.subnet = s
                        return lease
    if c.hwaddr:
        by_hw = store.get_by_hwaddr(c.hwaddr)
        for s in c.network:
            cid = c.cid_for(s)
            for lease in by_hw:
                if lease.subnet_id == s.id and belongs_to(lease, c.hwaddr, cid):
                    c.subnet = s
                    return lease
    return None


def valid_lifetime(c: Client, classifier: Classifier) -> int:
    """Kea's ``getValidLft``: the first class with a valid lifetime, else the subnet's;
    a lease time the client asked for (51) is bounded by min/max."""
    if BOOTP in c.classes:
        return INFINITY_LFT  # BOOTP clients never renew (Kea's bootp hook)
    triplet: Triplet = c.subnet.valid
    if classifier.lifetimes:
        for name in c.classes:
            cls = classifier.by_name.get(name)
            if cls is not None and cls.valid is not None:
                triplet = cls.valid
                break
    asked = c.query.options.get(51)
    if asked is not None and len(asked) == 4:
        wanted = int.from_bytes(asked, "big")
        if wanted > 0:
            return min(max(wanted, triplet.min), triplet.max)
    return triplet.default


def offer_lifetime(c: Client, classifier: Classifier) -> int:
    """Kea's ``getOfferLft`` (2.6+): allocate on DISCOVER for this long; 0 = do not."""
    if BOOTP in c.classes:
        return 0
    if classifier.lifetimes:
        for name in c.classes:
            cls = classifier.by_name.get(name)
            if cls is not None and cls.offer_lifetime is not None:
                return cls.offer_lifetime
    return c.subnet.params.offer_lifetime or 0
