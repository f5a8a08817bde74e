"""Checks on the global maps that Kea makes after parsing (one function per map).

Each check takes the Dhcp4/Dhcp6 map and refuses with Kea's reason and the
position of the offending value. Checks that need to look at the machine
(does this interface exist, does it have that address) are passed in by the
daemon, so the loader itself does no I/O besides reading files.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass

from nestor.config.defaults import LEASE_CHECKS, MAC_SOURCES
from nestor.config.source import PList, PMap, error_at
from nestor.wire.optdefs import DefinitionSet


@dataclass(frozen=True, slots=True)
class SystemChecks:
    """Questions about the running system, answered by the daemon (None: don't ask)."""

    interface_exists: Callable[[str], bool] | None = None
    interface_has_address: Callable[[str, str], bool] | None = None
    directory_exists: Callable[[str], bool] | None = None


def check_interfaces(root: PMap, universe: int, system: SystemChecks) -> None:
    cfg = root.get("interfaces-config")
    if not isinstance(cfg, PMap) or not isinstance(cfg.get("interfaces"), PList):
        return
    names = cfg["interfaces"]
    assert isinstance(names, PList)
    for i, entry in enumerate(names):
        mark = names.item_mark(i)
        spec = str(entry)
        name, _, addr = spec.partition("/")
        if not name:
            raise error_at("Failed to select interface: empty interface name used in "
                           "configuration", mark)
        if addr:
            try:
                ip = ipaddress.ip_address(addr)
            except ValueError:
                raise error_at(f"Failed to select interface: Failed to convert string to "
                               f"address '{addr}': Invalid argument", mark) from None
            if ip.version != universe:
                raise error_at(f"Failed to select interface: address '{addr}' is not an "
                               f"IPv{universe} address", mark)
        if name == "*":
            continue
        if system.interface_exists is not None and not system.interface_exists(name):
            raise error_at(f"Failed to select interface: interface '{name}' doesn't exist in "
                           "the system", mark)
        if addr and system.interface_has_address is not None \
                and not system.interface_has_address(name, addr):
            raise error_at(f"Failed to select interface: interface '{name}' doesn't have "
                           f"address '{addr}' assigned", mark)


def check_dhcp_ddns(root: PMap) -> None:
    cfg = root.get("dhcp-ddns")
    if not isinstance(cfg, PMap):
        return
    family: dict[str, int] = {}
    for key in ("server-ip", "sender-ip"):
        if key not in cfg:
            continue
        text = str(cfg[key])
        try:
            family[key] = ipaddress.ip_address(text).version
        except ValueError:
            raise error_at(f"Failed to convert '{text}' to address: Failed to convert string "
                           f"to address '{text}': Invalid argument",
                           cfg.value_mark(key)) from None
    if len(family) == 2 and family["server-ip"] != family["sender-ip"]:
        raise error_at(f"D2ClientConfig error: address family mismatch: server-ip: "
                       f"{cfg['server-ip']} is: IPv{family['server-ip']} while sender-ip: "
                       f"{cfg['sender-ip']} is: IPv{family['sender-ip']}",
                       cfg.value_mark("sender-ip"))
    if str(cfg.get("ncr-protocol", "UDP")).upper() == "TCP":
        raise error_at("D2ClientConfig error: NCR Protocol: TCP is not supported.",
                       cfg.value_mark("ncr-protocol"))


# Upper bounds of expired-leases-processing (Kea's CfgExpiration limits).
EXPIRATION_LIMITS = {
    "reclaim-timer-wait-time": 65535, "flush-reclaimed-timer-wait-time": 65535,
    "hold-reclaimed-time": 4294967295, "max-reclaim-leases": 4294967295,
    "max-reclaim-time": 10000, "unwarned-reclaim-cycles": 65535,
}


def check_expiration(root: PMap) -> None:
    cfg = root.get("expired-leases-processing")
    if not isinstance(cfg, PMap):
        return
    for key, limit in EXPIRATION_LIMITS.items():
        value = cfg.get(key)
        if isinstance(value, int) and value > limit:
            raise error_at(f"out range value '{value}' for configuration parameter '{key}', "
                           f"expected maximum value of '{limit}'", cfg.value_mark(key))


def check_data_directory(root: PMap, system: SystemChecks) -> None:
    """Kea 2.x's DHCPv6 data-directory (where the server-id file lives) must exist."""
    text = root.get("data-directory")
    if not isinstance(text, str):
        return
    exists = system.directory_exists
    if not text or (exists is not None and not exists(text)):
        raise error_at(f"Bad directory '{text}': No such file or directory",
                       root.value_mark("data-directory"))


def check_sanity(root: PMap) -> None:
    cfg = root.get("sanity-checks")
    if isinstance(cfg, PMap) and "lease-checks" in cfg \
            and cfg["lease-checks"] not in LEASE_CHECKS:
        raise error_at(f"Unsupported 'lease-checks value: {cfg['lease-checks']}, supported "
                       f"values are: {', '.join(LEASE_CHECKS)}", cfg.value_mark("lease-checks"))


def check_hooks(root: PMap) -> None:
    libs = root.get("hooks-libraries")
    if not isinstance(libs, PList):
        return
    for lib in libs:
        if isinstance(lib, PMap) and not str(lib.get("library", "")).strip():
            raise error_at("hooks library configuration error: value of 'library' element "
                           "must not be blank", lib.value_mark("library"))


def check_mac_sources(root: PMap) -> None:
    items = root.get("mac-sources")
    if not isinstance(items, PList):
        return
    seen: set[str] = set()
    for i, item in enumerate(items):
        canonical = MAC_SOURCES.get(str(item))
        if canonical is None:
            raise error_at(f"Failed to convert '{item}' to any recognized MAC source:Can't "
                           f"convert '{item}' to any known MAC source.", items.item_mark(i))
        if canonical in seen:
            raise error_at(f"The mac-sources value '{item}' was specified twice",
                           items.item_mark(i))
        seen.add(canonical)


def check_relay_supplied(root: PMap, defs: DefinitionSet) -> None:
    items = root.get("relay-supplied-options")
    if not isinstance(items, PList):
        return
    for i, item in enumerate(items):
        text = str(item)
        if text.isdigit() and int(text) <= 65535:
            continue
        if defs.by_name("dhcp6", text) is None:
            raise error_at(f"unable to find option code for the  specified option name "
                           f"'{text}' while parsing the list of enabled relay-supplied-options",
                           items.item_mark(i))


_HEX = re.compile(r"(?:[0-9A-Fa-f]{2})*")


def check_server_id(root: PMap) -> None:
    cfg = root.get("server-id")
    if not isinstance(cfg, PMap) or "identifier" not in cfg:
        return
    text = str(cfg["identifier"])
    if not _HEX.fullmatch(text):
        raise error_at(f"identifier specified in the DUID configuration '{text}' is not a "
                       "valid string of hexadecimal digits", cfg.value_mark("identifier"))


def check_globals(root: PMap, universe: int, defs: DefinitionSet, system: SystemChecks) -> None:
    """Every global-map check, in the order Kea meets the maps (alphabetical keys)."""
    check_dhcp_ddns(root)
    check_expiration(root)
    check_hooks(root)
    check_interfaces(root, universe, system)
    check_sanity(root)
    if universe == 6:
        check_data_directory(root, system)
        check_mac_sources(root)
        check_relay_supplied(root, defs)
        check_server_id(root)
