"""DHCPv4 subnet selection, Kea's rules (``CfgSubnets4::selectSubnet``).

In order (Kea ARM "How the DHCPv4 Server Selects a Subnet for the Client"):

1. an address the relay or client names explicitly: relay agent information
   link-selection sub-option 82/5 (RFC 3527, unless ``ignore-rai-link-selection``),
   else the subnet selection option 118 (RFC 3011): the subnet containing it;
2. relayed (giaddr set): a subnet (or its shared network) listing giaddr in
   ``relay.ip-addresses``; else the subnet containing giaddr;
3. not relayed: ciaddr when the query was unicast (a RENEWING client), else the
   source address of a unicast query, else the receiving interface: a subnet
   whose ``interface`` names it, else the subnet containing the interface's
   first address.

A subnet guarded by client classes is only selected for a client in one of them.
The engine then may move a client to any permitted subnet of the same shared
network (:meth:`SubnetSelector.network`).
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass

from nestor.config.model import Config, Subnet
from nestor.engine.alloc import allowed
from nestor.errors import MalformedPacket
from nestor.wire.options4 import rai_get
from nestor.wire.packet4 import Packet4

# Class guards a client must pass to use a subnet: each inner tuple is one scope's
# client-class(es), of which the client must be in one.
Guard = tuple[tuple[str, ...], ...]

BROADCAST = 0xFFFFFFFF


@dataclass(slots=True)
class _Entry:
    subnet: Subnet
    network: int
    mask: int
    relays: frozenset[int]
    iface: str
    guard: Guard


def passes(guard: Guard, classes: Container[str]) -> bool:
    """The client is in one class of every guard on the way to the subnet."""
    if not guard:
        return True  # the usual case: no guard at all, no generator to run
    return all(allowed(g, classes) for g in guard)


def _ip(text: str) -> int:
    a, b, c, d = (int(x) for x in text.split("."))
    return a << 24 | b << 16 | c << 8 | d


def compatibility(config: Config, key: str) -> bool:
    """A flag of the global ``compatibility`` map (Kea 2.4+)."""
    section = config.globals.get("compatibility")
    return isinstance(section, dict) and bool(section.get(key))


class SubnetSelector:
    """The IPv4 subnets of one configuration, ready for per-query selection."""

    def __init__(self, config: Config) -> None:
        self.entries: list[_Entry] = []
        network_guard = {n.name: n.own.client_classes or () for n in config.shared_networks}
        for s in config.subnets:
            net = s.prefix
            # Kea's Subnet4::clientSupported: the client must pass the shared network's
            # guard and the subnet's own; there is no global one.
            guard = tuple(g for g in (network_guard.get(s.shared_network, ()),
                                      s.own.client_classes or ()) if g)
            self.entries.append(_Entry(
                s, int(net.network_address), int(net.netmask),
                frozenset(_ip(a) for a in (s.params.relay_addresses or ())),
                s.params.interface or "", guard))
        self.ignore_link_selection = compatibility(config, "ignore-rai-link-selection")
        self._networks: dict[str, list[Subnet]] = {
            n.name: list(n.subnets) for n in config.shared_networks}
        self._guards = {e.subnet.id: e.guard for e in self.entries}

    def select(self, query: Packet4, iface: str, src: int, dst: int,
               iface_address: int, classes: Container[str]) -> Subnet | None:
        picked = self._explicit(query)
        if picked:
            return self.containing(picked, classes)
        giaddr = query.giaddr
        if giaddr:
            for e in self.entries:
                if giaddr in e.relays and passes(e.guard, classes):
                    return e.subnet
            return self.containing(giaddr, classes)
        unicast = dst != BROADCAST
        if query.ciaddr and unicast:
            return self.containing(query.ciaddr, classes)
        if src and unicast:
            return self.containing(src, classes)
        for e in self.entries:
            if e.iface and e.iface == iface and passes(e.guard, classes):
                return e.subnet
        return self.containing(iface_address, classes) if iface_address else None

    def _explicit(self, query: Packet4) -> int:
        opts = query.options
        if 82 in opts and not self.ignore_link_selection:
            try:
                link = rai_get(query.relay_agent_info or [], 5)
            except MalformedPacket:
                link = None
            if link is not None and len(link) == 4:
                return int.from_bytes(link, "big")
        sel = opts.get(118)
        if sel is not None and len(sel) == 4:
            return int.from_bytes(sel, "big")
        return 0

    def containing(self, addr: int, classes: Container[str]) -> Subnet | None:
        for e in self.entries:
            if addr & e.mask == e.network and passes(e.guard, classes):
                return e.subnet
        return None

    def network(self, subnet: Subnet, classes: Container[str]) -> list[Subnet]:
        """``subnet`` first, then the other subnets of its shared network the client
        may use, in Kea's ``getNextSubnet`` order: the ones configured after it, then
        from the top."""
        if not subnet.shared_network:
            return [subnet]
        members = self._networks.get(subnet.shared_network, [subnet])
        at = next((i for i, s in enumerate(members) if s is subnet), 0)
        ring = members[at + 1:] + members[:at]
        return [subnet] + [s for s in ring if passes(self._guards.get(s.id, ()), classes)]

    def members(self, subnet: Subnet) -> list[Subnet]:
        """Every subnet of ``subnet``'s shared network (just ``subnet`` when alone)."""
        if not subnet.shared_network:
            return [subnet]
        return self._networks.get(subnet.shared_network, [subnet])

    def guard(self, subnet: Subnet) -> Guard:
        return self._guards.get(subnet.id, ())
