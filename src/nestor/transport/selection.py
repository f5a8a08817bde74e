"""Which interfaces and addresses to listen on: Kea's ``interfaces-config``.

Two steps, both pure (no sockets), mirroring Kea:

1. :func:`select_interfaces` checks the ``interfaces`` list against the
   detected interfaces at configuration time and refuses what Kea refuses,
   with Kea's wording: an unknown interface, an address the interface does
   not have, ``*`` twice, an interface named twice, ...
2. :func:`plan_listen4` turns a selection into the interfaces and addresses
   to open sockets on. Problems found here (interface down, no IPv4 address,
   loopback with raw sockets) are not configuration errors in Kea: the socket
   is skipped and a warning logged (``DHCPSRV_OPEN_SOCKET_FAIL``), unless
   ``service-sockets-require-all`` is set. They are returned as failures.

Spec forms (Kea ARM "Interface Configuration"): ``"*"`` means every
interface except loopback, ``"eth0"`` every address of eth0, and
``"eth0/192.0.2.1"`` only that address of eth0. Loopback is only used when
named explicitly and, for DHCPv4, only with ``dhcp-socket-type`` ``udp``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from nestor.errors import ConfigError
from nestor.transport.interfaces import Interface

WILDCARD = "*"


class SocketType(StrEnum):
    """``interfaces-config.dhcp-socket-type`` (DHCPv4 only)."""

    RAW = "raw"
    UDP = "udp"


class OutboundInterface(StrEnum):
    """``interfaces-config.outbound-interface`` (DHCPv4 only)."""

    SAME_AS_INBOUND = "same-as-inbound"
    USE_ROUTING = "use-routing"


@dataclass(frozen=True, slots=True)
class InterfaceSelection:
    """The validated ``interfaces`` list: wildcard, whole interfaces, single addresses."""

    wildcard: bool = False
    names: tuple[str, ...] = ()
    addresses: tuple[tuple[str, str], ...] = ()  # (interface name, address)

    @property
    def empty(self) -> bool:
        return not (self.wildcard or self.names or self.addresses)

    def to_specs(self) -> list[str]:
        """The list back in Kea's order (wildcard, names, then name/address)."""
        specs = [WILDCARD] if self.wildcard else []
        specs += self.names
        specs += [f"{name}/{addr}" for name, addr in self.addresses]
        return specs


class _Builder:
    """Accumulates specs one at a time, refusing what Kea's CfgIface::use refuses."""

    def __init__(self, interfaces: Mapping[str, Interface], family: int) -> None:
        self.interfaces = interfaces
        self.family = family
        self.wildcard = False
        self.names: list[str] = []
        self.addresses: list[tuple[str, str]] = []

    def use(self, spec: str) -> None:
        if "/" in spec:
            name, _, addr = spec.partition("/")
            self._use_address(name.strip(), addr.strip())
        else:
            self._use_name(spec.strip())

    def _use_name(self, name: str) -> None:
        if not name:
            raise ConfigError("empty interface name used in configuration")
        if name == WILDCARD:
            if self.wildcard:
                raise ConfigError(f"the wildcard interface '{WILDCARD}' can only be "
                                  "specified once")
            self.wildcard = True
            return
        self._require(name)
        # A whole interface and one of its addresses (v4) cannot both be selected.
        if name in self.names or (self.family == 4 and
                                  any(n == name for n, _ in self.addresses)):
            raise ConfigError(f"interface '{name}' has already been specified")
        self.names.append(name)

    def _use_address(self, name: str, addr_text: str) -> None:
        if not name:
            raise ConfigError("empty interface name specified in the interface configuration")
        if not addr_text:
            raise ConfigError("empty address specified in the interface configuration")
        if name == WILDCARD:
            raise ConfigError(f"wildcard interface name '{WILDCARD}' must not be used in "
                              "conjunction with an address")
        iface = self._require(name)
        addr = _parse_address(addr_text, self.family)
        if not iface.has_address(addr):
            raise ConfigError(f"interface '{name}' doesn't have address '{addr}' assigned")
        if self.family == 4 and name in self.names:
            raise ConfigError(f"interface '{name}' has already been selected")
        if (name, addr) in self.addresses:
            raise ConfigError(f"must not select address '{addr}' for interface '{name}' "
                              "because this address is already selected")
        self.addresses.append((name, addr))

    def _require(self, name: str) -> Interface:
        iface = self.interfaces.get(name)
        if iface is None:
            raise ConfigError(f"interface '{name}' doesn't exist in the system")
        return iface


def _parse_address(text: str, family: int) -> str:
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        raise ConfigError(f"Failed to convert string to address '{text}': "
                          "Invalid argument") from None
    if family == 4 and addr.version != 4:
        raise ConfigError(f"address '{addr}' is not a valid IPv4 address")
    if family == 6 and (addr.version != 6 or addr.is_multicast):
        raise ConfigError(f"address '{addr}' is not a valid IPv6 unicast address")
    return str(addr)


def select_interfaces(specs: Sequence[str], interfaces: Mapping[str, Interface],
                      family: int = 4) -> InterfaceSelection:
    """Validate ``interfaces-config.interfaces``; raise ConfigError like Kea would."""
    builder = _Builder(interfaces, family)
    for spec in specs:
        builder.use(spec)
    return InterfaceSelection(builder.wildcard, tuple(builder.names), tuple(builder.addresses))


@dataclass(frozen=True, slots=True)
class ListenInterface:
    """An interface to open sockets on and the IPv4 addresses selected on it."""

    iface: Interface
    addresses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SocketFailure:
    """A socket that could not be opened, with Kea's reason text."""

    ifname: str
    reason: str
    address: str = ""

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True, slots=True)
class ListenPlan:
    """What to open: usable interfaces, plus the ones skipped and why."""

    interfaces: tuple[ListenInterface, ...]
    failures: tuple[SocketFailure, ...]


def _active_addresses(selection: InterfaceSelection,
                      iface: Interface) -> tuple[str, ...] | None:
    """The addresses of ``iface`` the selection activates, or None if it is inactive."""
    if iface.name in selection.names or (selection.wildcard and not iface.loopback):
        return iface.ipv4_addresses
    picked = {addr for name, addr in selection.addresses if name == iface.name}
    if picked:
        return tuple(a for a in iface.ipv4_addresses if a in picked)
    return None


def _explicit(selection: InterfaceSelection, name: str) -> bool:
    return name in selection.names or any(n == name for n, _ in selection.addresses)


# Checks made before a socket is opened on an active interface, in Kea's order
# (IfaceMgr::openSockets4): each a predicate meaning "cannot use" and a reason.
_UNUSABLE4: tuple[tuple[str, str], ...] = (
    ("loopback_refused", "must not open socket on the loopback interface {name}"),
    ("down", "the interface {name} is down"),
    ("not_running", "the interface {name} is not running"),
    ("no_ipv4", "the interface {name} has no usable IPv4 addresses configured"),
)


def _unusable_reason(iface: Interface, loopback_allowed: bool) -> str | None:
    facts = {
        "loopback_refused": iface.loopback and not loopback_allowed,
        "down": not iface.up,
        "not_running": not iface.running,
        "no_ipv4": not iface.ipv4,
    }
    for fact, reason in _UNUSABLE4:
        if facts[fact]:
            return reason.format(name=iface.name)
    return None


def plan_listen4(selection: InterfaceSelection, interfaces: Mapping[str, Interface],
                 socket_type: SocketType = SocketType.RAW) -> ListenPlan:
    """Interfaces and addresses to open DHCPv4 sockets on (Kea's CfgIface::openSockets).

    An interface named in the selection that has disappeared since it was
    validated is reported as a failure rather than raised, so a re-detected
    interface list never aborts a running server.
    """
    # Loopback only with UDP sockets and when named explicitly: raw frames
    # cannot be built for it (Kea ARM, "Interface Configuration").
    loopback_allowed = socket_type == SocketType.UDP and any(
        interfaces[n].loopback for n in interfaces if _explicit(selection, n))
    listen: list[ListenInterface] = []
    failures: list[SocketFailure] = []
    for name in _missing(selection, interfaces):
        failures.append(SocketFailure(name, f"fail to open socket on interface '{name}' "
                                            "as this interface doesn't exist"))
    for iface in interfaces.values():
        addresses = _active_addresses(selection, iface)
        if addresses is None:
            continue
        reason = _unusable_reason(iface, loopback_allowed)
        if reason is None and not addresses:
            # Only explicitly chosen addresses, and re-detection found none of them.
            reason = f"the interface {iface.name} has none of the selected addresses"
        if reason is not None:
            failures.append(SocketFailure(iface.name, reason))
        else:
            listen.append(ListenInterface(iface, addresses))
    return ListenPlan(tuple(listen), tuple(failures))


def _missing(selection: InterfaceSelection, interfaces: Mapping[str, Interface]) -> list[str]:
    named = list(selection.names) + [n for n, _ in selection.addresses]
    return sorted({n for n in named if n not in interfaces})
