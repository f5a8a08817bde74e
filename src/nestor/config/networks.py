"""Subnets and shared networks of both families: identifiers, prefixes, inheritance.

Kea adds the subnets of shared networks first and the top-level subnets
after them; subnets without an ``id`` (or with 0) get 1, 2, 3... in that
order, and any clash with an explicit id is refused where the second one is
added. Two subnets may overlap (relays or interfaces select between them)
but not repeat the same prefix.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field

from nestor.config.hosts import HostChecker, build_reservation
from nestor.config.model import NetworkParams, SharedNetwork, Subnet, Triplet
from nestor.config.options import ConfiguredOption, build_options
from nestor.config.params import (
    Scope,
    check_class_names,
    check_network,
    check_relay,
    read_params,
    triplet,
)
from nestor.config.pools import RangeSet, build_pd_pool, build_pool, parse_prefix
from nestor.config.source import Place, PList, PMap, error_at, mark_at
from nestor.wire.optdefs import DefinitionSet

MAX_SUBNET_ID = 4294967294  # 0xffffffff is Kea's SUBNET_ID_UNUSED
InterfaceCheck = Callable[[str], bool]


def _maps(value: object) -> list[tuple[PMap, Place]]:
    """The maps of a list, each with its place in it (for a position in an error)."""
    if not isinstance(value, PList):
        return []
    return [(v, (value, i)) for i, v in enumerate(value) if isinstance(v, PMap)]


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _classes(m: PMap) -> tuple[str, ...]:
    if "client-classes" in m:
        return _strings(m["client-classes"])
    cls = m.get("client-class")
    return (str(cls),) if cls else ()


def _required(m: PMap) -> tuple[str, ...]:
    return _strings(m.get("evaluate-additional-classes", m.get("require-client-classes")))


@dataclass
class NetworkBuilder:
    """Builds all subnets of one configuration, keeping the registries Kea keeps."""

    universe: int
    defs: DefinitionSet
    hosts: HostChecker
    iface_exists: InterfaceCheck | None = None
    subnets: list[Subnet] = field(default_factory=list)
    _ids: set[int] = field(default_factory=set)
    _prefixes: set[str] = field(default_factory=set)
    _next_auto: int = 1

    def options(self, value: object) -> list[ConfiguredOption]:
        return build_options(value, self.universe, self.defs)

    def shared_networks(self, value: object, parent: Scope) -> list[SharedNetwork]:
        out: list[SharedNetwork] = []
        names: set[str] = set()
        key = f"subnet{self.universe}"
        for m, _ in _maps(value):
            name = str(m.get("name", ""))
            if not name:
                raise error_at("Shared-network with subnets  is missing mandatory 'name' "
                               "parameter", m.value_mark("name"))
            if name in names:
                raise error_at(f"duplicate network '{name}' found in the configuration",
                               m.value_mark("name"))
            names.add(name)
            self._interface_or_id(m, f"shared network {name}")
            scope = self._scope(m, parent)
            self._check_interface(m, f"shared network {name}")
            net = SharedNetwork(name, scope.own, scope.params, options=self.options(
                m.get("option-data")), user_context=_context(m))
            iface = net.params.interface or ""
            for sm, place in _maps(m.get(key)):
                subnet = self.subnet(sm, place, scope, name)
                if iface and subnet.params.interface and subnet.params.interface != iface:
                    raise error_at(f"Subnet {subnet.text} has specified interface "
                                   f"{subnet.params.interface}, but earlier subnet in the same "
                                   f"shared-network or the shared-network itself used {iface}",
                                   sm.value_mark("interface"))
                iface = iface or (subnet.params.interface or "")
                net.subnets.append(subnet)
            out.append(net)
        return out

    def top_subnets(self, value: object, parent: Scope) -> None:
        for m, place in _maps(value):
            self.subnet(m, place, parent, "")

    def _scope(self, m: PMap, parent: Scope) -> _NetScope:
        """A shared network's or subnet's parameters merged over its parent's, checked."""
        own = read_params(m)
        check_relay(m, self.universe)
        merged = own.merged_over(parent.params)
        scope = _NetScope(merged, m, parent, own)
        check_network(scope, merged, self.universe)
        valid = triplet(scope, merged, "valid")
        assert valid is not None  # the global defaults always give a valid-lifetime
        scope.valid = valid
        if self.universe == 6:
            scope.preferred = triplet(scope, merged, "preferred")
        return scope

    def _interface_or_id(self, m: PMap, what: str) -> None:
        """A v6 network is reached directly (interface) or through relays (interface-id,
        RFC 8415 section 21.18), not both."""
        if self.universe == 6 and m.get("interface") and m.get("interface-id"):
            raise error_at("parser error: interface (defined for locally reachable subnets) "
                           "and interface-id (defined for subnets reachable via relays) cannot "
                           f"be defined at the same time for {what}", m.mark)

    def _check_interface(self, m: PMap, what: str) -> None:
        name = m.get("interface")
        if isinstance(name, str) and name and self.iface_exists is not None \
                and not self.iface_exists(name):
            raise error_at(f"Specified network interface name {name} for {what} is not "
                           "present in the system", m.value_mark("interface"))

    def _subnet_id(self, m: PMap, place: Place) -> int:
        sid = m.get("id", 0)
        assert isinstance(sid, int)
        if not 0 <= sid <= MAX_SUBNET_ID:
            raise error_at(f"The 'id' value ({sid}) is not within expected range: "
                           f"(0 - {MAX_SUBNET_ID})", m.value_mark("id"))
        if sid == 0:
            sid = self._next_auto
            self._next_auto += 1
        if sid in self._ids:
            where = m.value_mark("id") if "id" in m else mark_at(place)
            raise error_at(f"ID of the new IPv{self.universe} subnet '{sid}' is already in use",
                           where)
        self._ids.add(sid)
        return sid

    def subnet(self, m: PMap, place: Place, parent: Scope, network: str) -> Subnet:
        net, text = parse_prefix(str(m["subnet"]), self.universe, (m, "subnet"))
        sid = self._subnet_id(m, place)
        if text in self._prefixes:
            raise error_at(f"subnet with the prefix of '{text}' already exists", m.mark)
        self._prefixes.add(text)
        scope = self._scope(m, parent)
        self._interface_or_id(m, f"subnet {text}")
        self._check_interface(m, f"subnet {text}")
        subnet = Subnet(sid, net, text, scope.own, scope.params, scope.valid,
                        scope.preferred, shared_network=network)
        subnet.options = self.options(m.get("option-data"))
        subnet.extra = {k: v for k, v in m.items()
                        if k in ("4o6-interface", "4o6-interface-id", "4o6-subnet",
                                 "user-context", "comment")}
        _check_4o6(m)
        self._pools(subnet, m)
        for rm, _ in _maps(m.get("reservations")):
            r = build_reservation(rm, self.universe, sid, net, self.options)
            self.hosts.add(r, rm)
            subnet.reservations.append(r)
        self.subnets.append(subnet)
        return subnet

    def _pools(self, subnet: Subnet, m: PMap) -> None:
        taken = RangeSet()
        for pm, _ in _maps(m.get("pools")):
            check_class_names(pm)
            pool = build_pool(pm, self.universe, subnet.prefix, subnet.text, taken)
            pool.options = self.options(pm.get("option-data"))
            pool.client_classes, pool.require_client_classes = _classes(pm), _required(pm)
            pool.pool_id = pm.int_of("pool-id")
            pool.user_context = _context(pm)
            subnet.pools.append(pool)
        if self.universe != 6:
            return
        pd_taken = RangeSet()
        for pm, _ in _maps(m.get("pd-pools")):
            check_class_names(pm)
            pd = build_pd_pool(pm, subnet.text, pd_taken)
            pd.options = self.options(pm.get("option-data"))
            pd.client_classes, pd.require_client_classes = _classes(pm), _required(pm)
            pd.pool_id = pm.int_of("pool-id")
            pd.user_context = _context(pm)
            subnet.pd_pools.append(pd)


_UNSET = Triplet(0, 0, 0)


@dataclass(slots=True)
class _NetScope(Scope):
    own: NetworkParams = field(default_factory=NetworkParams)
    valid: Triplet = _UNSET
    preferred: Triplet | None = None


def _context(m: PMap) -> dict[str, object] | None:
    ctx = m.get("user-context")
    return dict(ctx) if isinstance(ctx, dict) else None


def _check_4o6(m: PMap) -> None:
    text = m.get("4o6-subnet")
    if not isinstance(text, str) or not text:
        return
    addr, slash, length = text.partition("/")
    mark = m.value_mark("4o6-subnet")
    if not slash:
        raise error_at(f"Missing / in the 4o6-subnet parameter:{text}, expected format: "
                       "prefix6/length", mark)
    try:
        ipaddress.IPv6Network(f"{addr}/{int(length)}", strict=False)
    except ValueError:
        raise error_at(f"Invalid 4o6-subnet parameter:{text}, expected format: prefix6/length",
                       mark) from None
