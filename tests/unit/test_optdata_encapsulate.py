"""Sub-options configured next to option data that already holds them.

Kea 2.2 adds a configured sub-option to an encapsulating option only when the option's
own data holds none of that code (learnt by sending a DISCOVER to a running Kea 2.2;
the same case runs against Kea in ``tests/interop/dhcp4_diff/table_options.py``).
"""

from __future__ import annotations

from nestor.wire.optdata import ConfiguredOption, encapsulate
from nestor.wire.stddefs import std_definitions

VENDOR_SPACE = "vendor-encapsulated-options-space"


def _sub(code: int, payload: bytes) -> ConfiguredOption:
    return ConfiguredOption(VENDOR_SPACE, code, "", payload, always_send=False,
                            never_send=False, csv_format=False)


def test_data_suboption_wins_and_none_is_sent_twice() -> None:
    defs = std_definitions(4)
    parent = defs.by_code("dhcp4", 43)
    assert parent is not None
    data = bytes.fromhex("0104C0000201" "0202ABCD")
    out = encapsulate(parent, data, [_sub(1, bytes.fromhex("0A000001")), _sub(3, b"\x11")],
                      4, defs)
    assert out == bytes.fromhex("0104C0000201" "0202ABCD" "030111")


def test_configured_suboptions_fill_in_by_code_order() -> None:
    defs = std_definitions(4)
    parent = defs.by_code("dhcp4", 43)
    assert parent is not None
    out = encapsulate(parent, bytes.fromhex("030111"), [_sub(1, b"\xAA")], 4, defs)
    assert out == bytes.fromhex("0101AA" "030111")
