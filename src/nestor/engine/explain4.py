"""What the engine would decide for a DHCPv4 query, without deciding it.

Nestor's own ``packet4-explain`` command (Kea has nothing like it) asks the running
engine which classes a query gets and why (each class test's result, pass by
pass), which subnet and shared network it selects, which reservation it finds,
which address it would offer, from which pool, and the boot fields and
class-level lifetime that apply. Nothing changes: no lease is written, no
statistic counted, no allocator cursor moved.

The address is predicted the way Kea's allocation engine looks for one, read-only:
a reserved address usable in the network, else the client's own unexpired lease in
a pool it may use, else the first free address (no lease, or an expired one) of the
pools it may use, scanned from each pool's start. The iterative allocator of a
running server continues from where it last stopped, so a real DISCOVER may be
offered a later free address than the one shown (``address-source`` says ``free``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from nestor.engine.classify import BOOTP, DROP, Classes
from nestor.engine.client4 import Client, find_client_lease, find_hosts, reserved_address
from nestor.engine.hostres import GLOBAL_ID
from nestor.engine.lease4 import expired
from nestor.wire.packet4 import BOOTREQUEST, Packet4, ip4_text

if TYPE_CHECKING:
    from nestor.engine.v4 import Engine4, Query4Meta

SCAN_LIMIT = 65536  # free-address probes at most (each a lease-store lookup)
MESSAGE_NAMES = {1: "DHCPDISCOVER", 2: "DHCPOFFER", 3: "DHCPREQUEST", 4: "DHCPDECLINE",
                 5: "DHCPACK", 6: "DHCPNAK", 7: "DHCPRELEASE", 8: "DHCPINFORM"}


def explain(engine: Engine4, query: Packet4, meta: Query4Meta) -> dict[str, Any]:
    """The decisions for ``query`` received as ``meta`` describes, as a JSON-ready map."""
    state = engine.state
    mt = query.options.get(53)
    given: tuple[str, ...] = ()
    if mt is None and engine.bootp and query.op == BOOTREQUEST:
        given = (BOOTP,)
    out: dict[str, Any] = {
        "message-type": MESSAGE_NAMES.get(mt[0], str(mt[0])) if mt and len(mt) == 1
        else ("BOOTREQUEST" if given else None)}
    classes = engine.classifier.classify(query, meta.ifname, meta.src, meta.dst, given,
                                         trace=True)
    result = _finish(out, classes)
    if DROP in classes:
        return result("dropped: member of class DROP")
    idents = state.hosts.identifiers(query, classes.ctx) if not state.hosts.empty else []
    early = state.hosts.find(GLOBAL_ID, idents) if state.early_global else None
    if early is not None:
        engine.classifier.reserved(classes, early.client_classes, remove_evaluated=False)
        engine.classifier.after_hosts(classes, True)
        if DROP in classes:
            return result("dropped: member of class DROP after early global host lookup")
    iface_addr = engine._iface_address(meta)
    subnet = state.selector.select(query, meta.ifname, meta.src, meta.dst, iface_addr, classes)
    if subnet is None:
        return result("no subnet selected")
    c = Client(query, query.hwaddr, query.options.get(61), classes, idents, subnet,
               state.selector.network(subnet, classes), 0)
    c.now = int(engine.clock())
    if early is not None:
        c.hosts[GLOBAL_ID] = early
    find_hosts(c, state.hosts)
    engine.classifier.after_lookup(classes, known=bool(c.hosts), current=c.current_host(),
                                   global_host=c.global_host(),
                                   shared=bool(subnet.shared_network), early=state.early_global)
    if DROP in classes:
        return result("dropped: member of class DROP after host reservation lookup")
    addr, source = _predict(engine, c)
    subnet = c.subnet
    hit = state.pools[subnet.id].pool_of(addr) if addr else None
    pool = hit.pool if hit is not None else None
    engine.classifier.required_for(classes, subnet, pool)
    out.update({
        "subnet": {"id": subnet.id, "subnet": subnet.text},
        "shared-network": subnet.shared_network or None,
        "reservation": _host(c.current_host()),
        "address": ip4_text(addr) if addr else None,
        "address-source": source,
        "pool": pool.text if pool is not None else None,
        "boot": _boot(engine, subnet, classes, c),
        "class-valid-lifetime": _class_lifetime(engine, classes)})
    return result("served" if addr else "no address available")


def _finish(out: dict[str, Any], classes: Classes) -> Callable[[str], dict[str, Any]]:
    def result(outcome: str) -> dict[str, Any]:
        out["outcome"] = outcome
        out["classes"] = list(classes)
        out["evaluations"] = [{"class": t.name, "pass": t.stage, "result": t.result,
                               "assigned": t.assigned} for t in classes.trace or ()]
        return out
    return result


def _predict(engine: Engine4, c: Client) -> tuple[int, str]:
    state = engine.state
    addr = reserved_address(c, state.pools)
    if addr:
        return addr, "reservation"
    lease = find_client_lease(c, engine.store)
    if lease is not None and not expired(lease, c.now) and \
            state.pools[c.subnet.id].in_allowed_pool(lease.addr, c.classes) is not None:
        return lease.addr, "lease"
    probes = 0
    for s in c.network:
        for cursor in state.pools[s.id].permitted(c.classes):
            for candidate in range(cursor.pool.first, cursor.pool.last + 1):
                probes += 1
                if probes > SCAN_LIMIT:
                    return 0, "none"
                held = engine.store.get(candidate)
                if (held is None or expired(held, c.now)) and \
                        not state.hosts.reserved(s.id, candidate):
                    c.subnet = s
                    return candidate, "free"
    return 0, "none"


def _host(host: Any) -> dict[str, Any] | None:
    if host is None:
        return None
    return {"identifier-type": host.identifier_type, "identifier": host.identifier.hex(":"),
            "subnet-id": host.subnet_id,
            "ip-address": str(host.ipv4_address) if host.ipv4_address else None,
            "hostname": host.hostname, "client-classes": list(host.client_classes)}


def _boot(engine: Engine4, subnet: Any, classes: Classes, c: Client) -> dict[str, str]:
    reply = Packet4(2, 0, b"")
    engine.fixed.apply(reply, subnet, classes, c.current_host())
    return {"next-server": ip4_text(reply.siaddr),
            "server-hostname": reply.sname.rstrip(b"\0").decode("utf-8", "replace"),
            "boot-file-name": reply.file.rstrip(b"\0").decode("utf-8", "replace")}


def _class_lifetime(engine: Engine4, classes: Classes) -> int | None:
    for name in classes:
        cls = engine.classifier.by_name.get(name)
        if cls is not None and cls.valid is not None:
            return cls.valid.default
    return None
