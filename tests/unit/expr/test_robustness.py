"""Whatever the text and whatever the packet, only the language's own errors come out.

Configuration text can only make the parser raise :class:`ExpressionError`; a packet
from the network can only make an evaluation raise :class:`EvalError` (which counts
as "no match"), never crash the server.
"""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nestor.expr import (
    Context4,
    Context6,
    EvalError,
    ExpressionError,
    compile_expression,
    parse,
)
from nestor.expr.tokens import KEYWORDS, PUNCTUATION
from nestor.wire.packet4 import Packet4
from nestor.wire.packet6 import Message6, RawOption6, RelayMessage6, RelayMsg

WORDS = sorted(KEYWORDS) + sorted(PUNCTUATION) + [
    "'a'", "''", "0x01", "0x0102", "1", "-1", "0", "255", "4491", "*", "192.0.2.1", "::1",
    "host-name]", "all", "option[82]", "option[61]", "relay4[1]", ".hex", ".text", ".exists",
]
# Expressions that parse, to mutate: every phrase of the language appears in one.
SEEDS = [
    "option[61].hex == 0x01", "relay4[1].text == 'x'", "vendor[*].option[1].exists",
    "vendor-class[4491].data[1] == ''", "substring(option[12].text, -2, all) == 'ab'",
    "split(pkt4.mac, 0x00, 2) == ''", "ifelse(member('ALL'), 'a', 'b') + 'c' == 'ac'",
    "hexstring(addrtotext(pkt4.giaddr), ':') == ''", "uint8totext(option[53].hex) == '1'",
    "not vendor.enterprise == 4491 or vendor-class.enterprise == ''",
    "int16totext(substring(option[57].hex, 0, 2)) == '576' and pkt.len == 300",
]


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join))
def test_any_token_sequence_parses_or_is_refused(text: str) -> None:
    try:
        parse(text)
    except ExpressionError as exc:
        assert exc.loc.line >= 1 and exc.kea_text.startswith("<string>:")


@settings(max_examples=300)
@given(st.text(alphabet="option[]().,'=!*+-0x123abc \t\n:vendr", max_size=40))
def test_any_text_parses_or_is_refused(text: str) -> None:
    with contextlib.suppress(ExpressionError):
        parse(text, 6)


RENDERINGS = [
    "option[82].option[1].text == ''", "option[125].text == ''", "option[124].text == ''",
    "option[81].text == ''", "option[55].text == ''", "vendor[4491].option[2].text == ''",
    "option[82].hex == ''", "option[125].hex == ''", "relay4[5].text == ''",
]
OPTION_CODES = st.sampled_from([12, 43, 53, 55, 57, 60, 61, 77, 81, 82, 124, 125, 250])


@settings(max_examples=300)
@given(st.dictionaries(OPTION_CODES, st.binary(max_size=20), max_size=8),
       st.binary(min_size=0, max_size=16), st.integers(0, 255))
def test_any_packet_evaluates_or_fails_cleanly(options: dict[int, bytes], chaddr: bytes,
                                               hlen: int) -> None:
    packet = Packet4(chaddr=chaddr, hlen=min(hlen, 16), options=options)
    ctx = Context4(packet, classes=["ALL"])
    for text in [*SEEDS, *RENDERINGS]:
        expr = compile_expression(text)
        with contextlib.suppress(EvalError):
            expr.evaluate(ctx)
        assert isinstance(expr.matches(ctx), bool)


CODES6 = st.sampled_from([1, 3, 5, 6, 8, 16, 17, 18, 25, 26, 37, 39])
TEXTS6 = [f"option[{c}].text == ''" for c in (1, 3, 5, 6, 8, 16, 17, 25, 26, 37, 39)] + [
    "option[3].option[5].text == ''", "option[25].option[26].hex == ''",
    "vendor[*].option[1].text == ''", "vendor-class[*].data[1] == ''", "pkt.len == 0",
    "relay6[0].option[18].text == ''", "relay6[-1].peeraddr == ::",
]


@settings(max_examples=300)
@given(st.lists(st.tuples(CODES6, st.binary(max_size=40)), max_size=6))
def test_any_dhcpv6_message_evaluates_or_fails_cleanly(raw: list[tuple[int, bytes]]) -> None:
    message = Message6(1, 0x123456, [RawOption6(code, data) for code, data in raw])
    relayed = RelayMessage6(12, 0, bytes(16), bytes(16), [RelayMsg(message)])
    for query in (message, relayed):
        ctx = Context6(query)
        for text in TEXTS6:
            expr = compile_expression(text, 6)
            with contextlib.suppress(EvalError):
                expr.evaluate(ctx)
            assert isinstance(expr.matches(ctx), bool)
