"""Network parameters: reading one scope, Kea's defaults, inheritance and the checks Kea
makes once a subnet's parameters are known (lifetime triplets, timers, percentages).

A scope is a global, shared-network, subnet or client-class map. Each keeps
the map it came from, so a check failing on an inherited value can still
point at the line that set it.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass

from nestor.config.model import NetworkParams, Triplet
from nestor.config.source import Mark, Place, PList, PMap, error_at, mark_at
from nestor.wire.opttypes import dotted_quad


def _strings(value: object) -> tuple[str, ...]:
    assert isinstance(value, list)
    return tuple(str(v) for v in value)


def _guard(value: object) -> tuple[str, ...] | None:
    """A network's class guard (Kea 3.x list form); empty means none given, so the
    value is inherited (from the shared network).

    The global ``client-classes`` is a list of class *definitions* (maps), not a guard:
    Kea has no global guard, so it yields nothing and every subnet starts unguarded.
    """
    assert isinstance(value, list)
    if any(isinstance(v, dict) for v in value):
        return None
    return _strings(value) or None


def _relay(value: object) -> tuple[str, ...]:
    assert isinstance(value, PMap)
    if "ip-address" in value:
        return (str(value["ip-address"]),)
    return _strings(value.get("ip-addresses", []))


def _one_class(value: object) -> tuple[str, ...] | None:
    """Kea 2.x ``client-class``: an empty name is no guard, and a subnet without one
    takes its shared network's (Kea's parser only sets a non-empty class)."""
    return (str(value),) if value else None


# Kea key -> (NetworkParams attribute, conversion). Keys not listed here are structural.
PARAM_KEYS: dict[str, tuple[str, Callable[[object], object] | None]] = {
    "valid-lifetime": ("valid_lifetime", None),
    "min-valid-lifetime": ("min_valid_lifetime", None),
    "max-valid-lifetime": ("max_valid_lifetime", None),
    "preferred-lifetime": ("preferred_lifetime", None),
    "min-preferred-lifetime": ("min_preferred_lifetime", None),
    "max-preferred-lifetime": ("max_preferred_lifetime", None),
    "offer-lifetime": ("offer_lifetime", None),
    "renew-timer": ("renew_timer", None),
    "rebind-timer": ("rebind_timer", None),
    "calculate-tee-times": ("calculate_tee_times", None),
    "t1-percent": ("t1_percent", None),
    "t2-percent": ("t2_percent", None),
    "cache-threshold": ("cache_threshold", None),
    "cache-max-age": ("cache_max_age", None),
    "authoritative": ("authoritative", None),
    "match-client-id": ("match_client_id", None),
    "next-server": ("next_server", None),
    "server-hostname": ("server_hostname", None),
    "boot-file-name": ("boot_file_name", None),
    "rapid-commit": ("rapid_commit", None),
    "interface": ("interface", None),
    "interface-id": ("interface_id", None),
    "client-class": ("client_classes", _one_class),
    "client-classes": ("client_classes", _guard),
    "require-client-classes": ("require_client_classes", _strings),
    "evaluate-additional-classes": ("require_client_classes", _strings),
    "relay": ("relay_addresses", _relay),
    "reservations-global": ("reservations_global", None),
    "reservations-in-subnet": ("reservations_in_subnet", None),
    "reservations-out-of-pool": ("reservations_out_of_pool", None),
    "ddns-send-updates": ("ddns_send_updates", None),
    "ddns-override-no-update": ("ddns_override_no_update", None),
    "ddns-override-client-update": ("ddns_override_client_update", None),
    "ddns-replace-client-name": ("ddns_replace_client_name", None),
    "ddns-generated-prefix": ("ddns_generated_prefix", None),
    "ddns-qualifying-suffix": ("ddns_qualifying_suffix", None),
    "ddns-update-on-renew": ("ddns_update_on_renew", None),
    "ddns-use-conflict-resolution": ("ddns_use_conflict_resolution", None),
    "ddns-conflict-resolution-mode": ("ddns_conflict_resolution_mode", None),
    "ddns-ttl-percent": ("ddns_ttl_percent", None),
    "ddns-ttl": ("ddns_ttl", None),
    "ddns-ttl-min": ("ddns_ttl_min", None),
    "ddns-ttl-max": ("ddns_ttl_max", None),
    "hostname-char-set": ("hostname_char_set", None),
    "hostname-char-replacement": ("hostname_char_replacement", None),
    "store-extended-info": ("store_extended_info", None),
    "allocator": ("allocator", None),
    "pd-allocator": ("pd_allocator", None),
}

# Kea 2.x's deprecated reservation-mode, as the three flags that replaced it:
# (reservations-global, reservations-in-subnet, reservations-out-of-pool).
RESERVATION_MODES: dict[str, tuple[bool, bool, bool]] = {
    "disabled": (False, False, False),
    "out-of-pool": (False, True, True),
    "global": (True, False, False),
    "all": (False, True, False),
}
_RESERVATION_FLAGS = ("reservations-global", "reservations-in-subnet",
                      "reservations-out-of-pool")

# Kea 2.2's global defaults (simple_parser4.cc / simple_parser6.cc GLOBAL*_DEFAULTS,
# confirmed with config-get on Kea 2.2). Parameters without a default stay None.
def _defaults(universe: int) -> NetworkParams:
    p = NetworkParams(
        valid_lifetime=7200, reservations_global=False, reservations_in_subnet=True,
        reservations_out_of_pool=False, ddns_send_updates=True, ddns_override_no_update=False,
        ddns_override_client_update=False, ddns_replace_client_name="never",
        ddns_generated_prefix="myhost", ddns_qualifying_suffix="", ddns_update_on_renew=False,
        ddns_use_conflict_resolution=True, hostname_char_set="[^A-Za-z0-9.-]",
        hostname_char_replacement="", store_extended_info=False, t1_percent=0.5,
        allocator="iterative", client_classes=(), require_client_classes=(),
        relay_addresses=(), interface="")
    if universe == 4:
        p.calculate_tee_times, p.t2_percent = False, 0.875
        p.match_client_id, p.authoritative = True, False
        p.next_server, p.server_hostname, p.boot_file_name = "0.0.0.0", "", ""
    else:
        p.calculate_tee_times, p.t2_percent = True, 0.8
        p.preferred_lifetime, p.rapid_commit, p.interface_id = 3600, False, ""
        p.pd_allocator = "iterative"
    return p


DEFAULTS4 = _defaults(4)
DEFAULTS6 = _defaults(6)


@dataclass(slots=True)
class Scope:
    """One map's parameters as written, plus the map for positions."""

    params: NetworkParams
    source: PMap | None
    parent: Scope | None = None

    def mark_of(self, key: str) -> Mark | None:
        """Where the effective value of ``key`` was written (own map, then ancestors)."""
        scope: Scope | None = self
        while scope is not None:
            if scope.source is not None and key in scope.source:
                return scope.source.value_mark(key)
            scope = scope.parent
        return self.source.mark if self.source is not None else None


def read_params(m: PMap) -> NetworkParams:
    """The inheritable parameters one map sets (others None)."""
    p = NetworkParams()
    for key, value in m.items():
        entry = PARAM_KEYS.get(key)
        if entry is not None:
            attr, conv = entry
            setattr(p, attr, value if conv is None else conv(value))
    mode = m.get("reservation-mode")
    if isinstance(mode, str):
        clash = next((k for k in _RESERVATION_FLAGS if k in m), None)
        if clash is not None:
            raise error_at("invalid use of both 'reservation-mode' and one of "
                           "'reservations-global', 'reservations-in-subnet' or "
                           "'reservations-out-of-pool' parameters", m.key_mark(clash))
        p.reservations_global, p.reservations_in_subnet, p.reservations_out_of_pool = \
            RESERVATION_MODES[mode]
    _check_addresses(m)
    check_class_names(m)
    return p


_CLASS_LISTS = ("require-client-classes", "evaluate-additional-classes", "client-classes")


def check_class_names(m: PMap) -> None:
    """Class lists of a network or pool may not name the empty class (Kea: "invalid class
    name")."""
    for key in _CLASS_LISTS:
        items = m.get(key)
        if isinstance(items, PList):
            for i, name in enumerate(items):
                if not name:
                    raise error_at("invalid class name", items.item_mark(i))


def _check_addresses(m: PMap) -> None:
    """next-server must be an IPv4 address and relay entries addresses of the family."""
    ns = m.get("next-server")
    if isinstance(ns, str) and ns and not _is_v4(ns):
        raise error_at(f"invalid parameter next-server : {ns}", m.value_mark("next-server"))
    relay = m.get("relay")
    if isinstance(relay, PMap) and "ip-address" in relay and "ip-addresses" in relay:
        raise error_at("'ip-address' and 'ip-addresses' are mutually exclusive in relay",
                       relay.key_mark("ip-addresses"))


def check_relay(m: PMap, family: int) -> None:
    relay = m.get("relay")
    if not isinstance(relay, PMap):
        return
    places: list[tuple[object, Place]] = []
    if "ip-address" in relay:
        places.append((relay["ip-address"], (relay, "ip-address")))
    addrs = relay.get("ip-addresses")
    if isinstance(addrs, PList):
        places.extend((a, (addrs, i)) for i, a in enumerate(addrs))
    for addr, place in places:
        version = _version(str(addr))
        if version == 0:
            raise error_at(f"address {addr} is not a valid: IPv{family}address", mark_at(place))
        if version != family:
            raise error_at(f"address {addr} is not a: IPv{family}address", mark_at(place))


def _version(text: str) -> int:
    """4 or 6 for an address, 0 for anything else."""
    if dotted_quad(text) is not None:
        return 4
    try:
        return ipaddress.ip_address(text).version
    except ValueError:
        return 0


def _is_v4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def triplet(scope: Scope, p: NetworkParams, base: str) -> Triplet | None:
    """Kea's lifetime triplet for ``base`` ("valid" or "preferred") at one scope.

    Without a default, the value is the min (or max) given; without bounds the
    bounds are the value. The default must lie within the bounds (Kea's
    SimpleParser::parseIntTriplet).
    """
    value: int | None = getattr(p, f"{base}_lifetime")
    lo: int | None = getattr(p, f"min_{base}_lifetime")
    hi: int | None = getattr(p, f"max_{base}_lifetime")
    if value is None and lo is None and hi is None:
        return None
    name, min_name, max_name = f"{base}-lifetime", f"min-{base}-lifetime", f"max-{base}-lifetime"
    if lo is not None and hi is not None and lo > hi:
        raise error_at(f"the value of {min_name} ({lo}) is not less than {max_name} ({hi})",
                       scope.mark_of(min_name))
    if value is None:
        value = lo if lo is not None else hi
    assert value is not None
    if lo is not None and lo > value:
        raise error_at(f"the value of {min_name} ({lo}) is not less than (default) "
                       f"{name} ({value})", scope.mark_of(min_name))
    if hi is not None and hi < value:
        raise error_at(f"the value of (default) {name} ({value}) is not less than "
                       f"{max_name} ({hi})", scope.mark_of(max_name))
    return Triplet(value, value if lo is None else lo, value if hi is None else hi)


def check_network(scope: Scope, p: NetworkParams, universe: int) -> None:
    """Checks Kea makes on a subnet's (or shared network's) merged parameters."""
    if p.renew_timer is not None and p.rebind_timer is not None \
            and p.renew_timer > p.rebind_timer:
        raise error_at(f"the value of renew-timer ({p.renew_timer}) is greater than the "
                       f"value of rebind-timer ({p.rebind_timer})", scope.mark_of("renew-timer"))
    if p.calculate_tee_times:
        _check_tee_percents(scope, p)
    if p.cache_threshold is not None and not 0.0 < p.cache_threshold < 1.0:
        raise error_at(f"cache-threshold: {p.cache_threshold:g} is invalid, it must be greater "
                       f"than 0.0 and less than 1.0", scope.mark_of("cache-threshold"))
    if p.ddns_ttl_percent is not None and not 0.0 < p.ddns_ttl_percent <= 1.0:
        raise error_at(f"ddns-ttl-percent: {p.ddns_ttl_percent:g} is invalid, it must be "
                       f"greater than 0.0 and less than or equal to 1.0",
                       scope.mark_of("ddns-ttl-percent"))
    if p.hostname_char_set:
        try:
            re.compile(p.hostname_char_set)
        except re.error:
            raise error_at(f"hostname-char-set '{p.hostname_char_set}' is not a valid "
                           f"regular expression", scope.mark_of("hostname-char-set")) from None


def _check_tee_percents(scope: Scope, p: NetworkParams) -> None:
    t1, t2 = p.t1_percent, p.t2_percent
    for name, value in (("t1-percent", t1), ("t2-percent", t2)):
        if value is not None and not 0.0 < value < 1.0:
            raise error_at(f"{name}:  {value:g} is invalid it must be greater than 0.0 and "
                           f"less than 1.0", scope.mark_of(name))
    if t1 is not None and t2 is not None and t1 >= t2:
        raise error_at(f"t1-percent:  {t1:g} is invalid, it must be less than t2-percent: "
                       f"{t2:g}", scope.mark_of("t1-percent"))


def with_defaults(own: NetworkParams, universe: int) -> NetworkParams:
    return own.merged_over(DEFAULTS4 if universe == 4 else DEFAULTS6)


__all__ = ["Scope", "check_network", "check_relay", "read_params",
           "triplet", "with_defaults"]
