"""ip4_text remembers recent conversions; the text must stay exact and the memory bounded."""

from __future__ import annotations

import socket

from hypothesis import given, settings
from hypothesis import strategies as st

from nestor.wire import packet4
from nestor.wire.packet4 import ip4_text


@settings(max_examples=300)
@given(st.integers(min_value=0, max_value=0xFFFFFFFF))
def test_text_is_the_dotted_quad(addr: int) -> None:
    expected = socket.inet_ntoa(addr.to_bytes(4, "big"))
    assert ip4_text(addr) == expected
    assert ip4_text(addr) == expected  # the second time from memory


def test_memory_stays_bounded() -> None:
    for addr in range(3 * packet4._TEXTS_MAX):
        ip4_text(0x0A000000 + addr)
    assert len(packet4._TEXTS) <= packet4._TEXTS_MAX
    assert ip4_text(0x0A000001) == "10.0.0.1"
