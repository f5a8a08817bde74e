"""Kea 2.x's relocation of the deprecated ``dhcp-ddns`` behaviour settings to globals.

Before Kea 1.7 the DDNS behaviour parameters lived in the ``dhcp-ddns`` map. Kea 2.2
still accepts them there and, before applying global defaults, copies each to its
global counterpart when the global is not written (a written global wins), then
drops it from ``dhcp-ddns`` (Kea's ``SrvConfig::moveDdnsParams``, run first in the
DHCPv4/DHCPv6 configuration parsers). ``config-get`` accordingly shows them as globals.
"""

from __future__ import annotations

from nestor.config.source import PMap

# dhcp-ddns key -> global key.
LEGACY_DDNS: dict[str, str] = {
    "override-no-update": "ddns-override-no-update",
    "override-client-update": "ddns-override-client-update",
    "replace-client-name": "ddns-replace-client-name",
    "generated-prefix": "ddns-generated-prefix",
    "qualifying-suffix": "ddns-qualifying-suffix",
    "hostname-char-set": "hostname-char-set",
    "hostname-char-replacement": "hostname-char-replacement",
}


def _copy(m: PMap) -> PMap:
    out = PMap(m.mark)
    out.end = m.end
    out.update(m)
    out.key_marks = dict(m.key_marks)
    out.value_marks = dict(m.value_marks)
    return out


def move_legacy_ddns(root: PMap) -> PMap:
    """``root`` with the legacy ``dhcp-ddns`` settings moved to globals (a new map when
    anything moves; ``root`` itself is left unchanged). Positions move with the values,
    so a later check on, say, ``hostname-char-set`` still points where it was written."""
    d2 = root.get("dhcp-ddns")
    if not isinstance(d2, PMap) or not any(key in d2 for key in LEGACY_DDNS):
        return root
    out, d2_out = _copy(root), _copy(d2)
    for old, new in LEGACY_DDNS.items():
        if old not in d2:
            continue
        del d2_out[old]
        d2_out.key_marks.pop(old, None)
        d2_out.value_marks.pop(old, None)
        if new not in root:
            out[new] = d2[old]
            if old in d2.key_marks:
                out.key_marks[new] = d2.key_marks[old]
            if old in d2.value_marks:
                out.value_marks[new] = d2.value_marks[old]
    out["dhcp-ddns"] = d2_out
    return out
