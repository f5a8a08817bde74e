"""Configured options of a reply: Kea's precedence, resolved once and cached.

Which configured option wins for a code follows :mod:`nestor.config.optscope`
(reservation, pool, subnet, shared network, classes, global). The merged result
for one combination of subnet, pool, reservation and option-bearing classes is
an :class:`OptionBlock` of ready payloads (sub-option spaces already
encapsulated), built on first use and cached: a DISCOVER only copies bytes.

Which codes go into a reply (Kea's ``appendRequestedOptions`` and
``appendBasicOptions``):

* every code of the parameter request list (55) that is configured;
* codes configured with ``always-send``;
* routers (3), domain name servers (6), domain name (15) whenever configured,
  requested or not (Kea's "basic" options);
* never a code whose winning entry says ``never-send``.

Kea 3.x option class-tagging: an ``option-data`` entry with ``client-classes`` only
applies to a client in one of those classes (as classified when the reply is built,
required classes included); otherwise the lookup goes on as if the entry were not
there, in the same scope and then in the less specific ones.

Classes count in the order the query was put in them (``ALL`` first, required classes
last), the first class configuring a code wins (ARM "Classification Steps").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from nestor.config.model import Config, Pool, Reservation, Subnet
from nestor.config.optscope import effective_options, option_scopes
from nestor.errors import MalformedPacket, OptionDataError
from nestor.wire.optdata import ConfiguredOption, encapsulate
from nestor.wire.options4 import build_suboptions, parse_suboptions

SPACE = "dhcp4"
VIVSO = 125  # RFC 3925 section 4
CABLE_LABS = 4491  # the one vendor whose ORO sub-option (1) Kea reads (DOCSIS 3.0)
BASIC = (3, 6, 15)  # Kea's appendBasicOptions (54 is added by the engine itself)
_CACHE_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class OptionBlock:
    payloads: dict[int, bytes]
    always: tuple[int, ...]  # always-send codes, then the basic ones present
    never: frozenset[int]
    # Options of the "vendor-<enterprise>" spaces: enterprise -> code -> payload, and
    # the codes configured with always-send.
    vendor: dict[int, dict[int, bytes]] = field(default_factory=dict)
    vendor_always: dict[int, tuple[int, ...]] = field(default_factory=dict)
    # Whatever callers derive from this block alone (see ``build4.lease_options``):
    # it lives and dies with the block, so a rebuilt block never sees stale entries.
    memo: dict[object, dict[int, bytes]] = field(default_factory=dict, compare=False,
                                                 repr=False)

    def select(self, prl: bytes | None) -> list[tuple[int, bytes]]:
        """The (code, payload) pairs a reply carries for this request list."""
        payloads, never = self.payloads, self.never
        out: dict[int, bytes] = {}
        if prl:
            for code in prl:
                v = payloads.get(code)
                if v is not None and code not in never:
                    out[code] = v
        for code in self.always:
            if code not in out:
                out[code] = payloads[code]
        return list(out.items())


class ReplyOptions:
    """Option blocks of one configuration."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._option_classes = frozenset(c.name for c in config.client_classes if c.options)
        # Kea 3.x option class-tagging: classes named by some option-data entry's
        # client-classes; membership in them changes which entries apply.
        self._tag_classes = frozenset(name for scope in _all_scopes(config)
                                      for opt in scope for name in opt.client_classes)
        self._relevant = self._option_classes | self._tag_classes
        self._cache: dict[tuple[int, int, tuple[str, ...], int], OptionBlock] = {}

    def block(self, subnet: Subnet | None, pool: Pool | None, pool_index: int,
              host: Reservation | None, classes: Sequence[str]) -> OptionBlock:
        relevant = tuple(c for c in classes if c in self._relevant) if self._relevant else ()
        host_key = id(host) if host is not None and host.options else 0
        key = (subnet.id if subnet is not None else -1,
               pool_index if pool is not None and pool.options else -1, relevant, host_key)
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            found = self._build(subnet, pool if pool is not None and pool.options else None,
                                host if host_key else None, relevant)
            self._cache[key] = found
        return found

    def _build(self, subnet: Subnet | None, pool: Pool | None, host: Reservation | None,
               classes: Sequence[str]) -> OptionBlock:
        scopes = option_scopes(self.config, subnet, pool, host, classes)
        if self._tag_classes:
            member = frozenset(classes)
            scopes = [[o for o in scope if not o.client_classes
                       or not member.isdisjoint(o.client_classes)] for scope in scopes]
        options = effective_options(scopes)
        by_space: dict[str, list[ConfiguredOption]] = {}
        for opt in options:
            by_space.setdefault(opt.space, []).append(opt)
        payloads: dict[int, bytes] = {}
        always: list[int] = []
        never: set[int] = set()
        for opt in by_space.get(SPACE, []):
            if opt.never_send:
                never.add(opt.code)
                continue
            payloads[opt.code] = self._encapsulated(opt, by_space)
            if opt.always_send:
                always.append(opt.code)
        always += [c for c in BASIC if c in payloads and c not in always]
        vendor: dict[int, dict[int, bytes]] = {}
        vendor_always: dict[int, tuple[int, ...]] = {}
        for space, opts in by_space.items():
            enterprise = _vendor_space(space)
            if enterprise is not None:
                vendor[enterprise] = {o.code: o.payload for o in opts if not o.never_send}
                vendor_always[enterprise] = tuple(o.code for o in opts if o.always_send)
        return OptionBlock(payloads, tuple(always), frozenset(never), vendor, vendor_always)

    def _encapsulated(self, opt: ConfiguredOption,
                      by_space: dict[str, list[ConfiguredOption]]) -> bytes:
        defs = self.config.definitions
        definition = defs.by_code(SPACE, opt.code)
        if definition is None or not definition.encapsulate:
            return opt.payload
        children = by_space.get(definition.encapsulate)
        if not children:
            return opt.payload
        try:
            return encapsulate(definition, opt.payload, children, 4, defs)
        except OptionDataError:
            return opt.payload  # the parent alone, as configured


def _all_scopes(config: Config) -> list[list[ConfiguredOption]]:
    """Every option-data list of a configuration."""
    scopes = [config.options, *(c.options for c in config.client_classes),
              *(n.options for n in config.shared_networks)]
    for sub in config.subnets:
        scopes += [sub.options, *(p.options for p in sub.pools),
                   *(r.options for r in sub.reservations)]
    scopes += [r.options for r in config.reservations]
    return scopes


def _vendor_space(space: str) -> int | None:
    if space.startswith("vendor-") and space[7:].isdigit():
        return int(space[7:])
    return None


def _first_block(payload: bytes) -> tuple[int, list[tuple[int, bytes]]] | None:
    """Enterprise number and sub-options of the first block of an option 125."""
    if len(payload) < 5 or len(payload) < 5 + payload[4]:
        return None
    try:
        return int.from_bytes(payload[:4], "big"), parse_suboptions(payload[5:5 + payload[4]])
    except MalformedPacket:
        return None


def add_vendor_options(query: Mapping[int, bytes], reply: dict[int, bytes],
                       block: OptionBlock) -> None:
    """Kea's ``appendRequestedVendorOptions``: vendor sub-options the client asks for in
    its option 125 (CableLabs' ORO, sub-option 1) and those configured with
    always-send, added to the reply's option 125 for the client's enterprise (or
    the one of an option 125 the reply already carries)."""
    req = _first_block(query[VIVSO]) if VIVSO in query else None
    rsp = _first_block(reply[VIVSO]) if VIVSO in reply else None
    if req is None and rsp is None:
        return
    enterprise = rsp[0] if rsp is not None else req[0] if req is not None else 0
    wanted: list[int] = []
    if enterprise == CABLE_LABS and req is not None:
        wanted = list(next((v for c, v in req[1] if c == 1), b""))
    wanted += [c for c in block.vendor_always.get(enterprise, ()) if c not in wanted]
    have = {c for c, _ in rsp[1]} if rsp is not None else set()
    configured = block.vendor.get(enterprise, {})
    new = [(c, configured[c]) for c in wanted if c not in have and c in configured]
    if not new:
        return
    subs = sorted((rsp[1] if rsp is not None else []) + new)
    data = build_suboptions(subs)
    if len(data) <= 255:
        reply[VIVSO] = enterprise.to_bytes(4, "big") + bytes((len(data),)) + data
