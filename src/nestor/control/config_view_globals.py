"""Global maps of ``config-get`` that Kea rebuilds rather than echoes.

Companion of :mod:`nestor.control.config_view` (which renders the lists): the
``dhcp-ddns`` map without the parameters Kea 2.x moved to the global scope, the
``compatibility`` flags, and the parameters of the hook libraries whose parser
writes its defaults back into the configuration (the HA library does).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Entry = dict[str, Any]

# dhcp-ddns parameters Kea 2.x deprecated in favour of global ones: Kea moves each
# to its global key when that one is not set, and never shows it in dhcp-ddns.
DDNS_MOVED = {
    "override-no-update": "ddns-override-no-update",
    "override-client-update": "ddns-override-client-update",
    "replace-client-name": "ddns-replace-client-name",
    "generated-prefix": "ddns-generated-prefix",
    "qualifying-suffix": "ddns-qualifying-suffix",
    "hostname-char-set": "hostname-char-set",
    "hostname-char-replacement": "hostname-char-replacement",
}

# libdhcp_ha's defaults (Kea 2.2), written into each relationship's map.
HA_DEFAULTS: Entry = {
    "delayed-updates-limit": 0, "heartbeat-delay": 10000, "max-ack-delay": 10000,
    "max-response-delay": 60000, "max-unacked-clients": 10, "require-client-certs": True,
    "restrict-commands": False, "send-lease-updates": True, "sync-leases": True,
    "sync-page-limit": 10000, "sync-timeout": 60000, "wait-backup-ack": False,
}
# Load balancing holds lease updates back by default; hot standby does not.
HA_MODE_DEFAULTS: dict[str, Entry] = {"load-balancing": {"delayed-updates-limit": 100}}
HA_MT_DEFAULTS: Entry = {"enable-multi-threading": False, "http-client-threads": 0,
                         "http-dedicated-listener": False, "http-listener-threads": 0}
HA_PEER_DEFAULTS: Entry = {"auto-failover": True}
HA_LIBRARY = "libdhcp_ha.so"


def render_globals(out: Entry, raw: Mapping[str, Any]) -> None:
    """Applies the three rules above to ``out`` (the whole Dhcp4 map) in place."""
    _dhcp_ddns(out, raw)
    _compatibility(out)
    hooks = out.get("hooks-libraries")
    if isinstance(hooks, list):
        for hook in hooks:
            if isinstance(hook, dict) and str(hook.get("library", "")).endswith(HA_LIBRARY):
                _high_availability(hook.get("parameters"))


def _dhcp_ddns(out: Entry, raw: Mapping[str, Any]) -> None:
    ddns = out.get("dhcp-ddns")
    if not isinstance(ddns, dict):
        return
    for old, new in DDNS_MOVED.items():
        if old in ddns:
            value = ddns.pop(old)
            if new not in raw:
                out[new] = value


def _compatibility(out: Entry) -> None:
    """Only the compatibility flags that are set, and the map only with one of them.

    Kea 2.2 leaves the map out of its answer altogether, which loses settings on
    ``config-write``; Kea 2.4+ shows it this way, and so does Nestor."""
    flags = out.pop("compatibility", None)
    if isinstance(flags, dict):
        kept = {k: v for k, v in flags.items() if v is True}
        if kept:
            out["compatibility"] = kept


def _high_availability(parameters: Any) -> None:
    relationships = parameters.get("high-availability") if isinstance(
        parameters, dict) else None
    if not isinstance(relationships, list):
        return
    for ha in relationships:
        if not isinstance(ha, dict):
            continue
        defaults = {**HA_DEFAULTS, **HA_MODE_DEFAULTS.get(str(ha.get("mode")), {})}
        for key, value in defaults.items():
            ha.setdefault(key, value)
        mt = ha.setdefault("multi-threading", {})
        if isinstance(mt, dict):
            for key, value in HA_MT_DEFAULTS.items():
                mt.setdefault(key, value)
        for peer in ha.get("peers", []):
            if isinstance(peer, dict):
                for key, value in HA_PEER_DEFAULTS.items():
                    peer.setdefault(key, value)
