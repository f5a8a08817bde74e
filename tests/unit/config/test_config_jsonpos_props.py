"""Property tests of the position-keeping parser: any JSON document, decorated with
Kea's comments and extra commas, parses to the same values as Python's json module,
every mark points at what it says, and garbage only ever raises ConfigError."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from nestor.config.jsonpos import parse_text
from nestor.config.source import PList, PMap
from nestor.errors import ConfigError

# Kea's lexer takes \u escapes up to 00FF only, so keep text to Latin-1 when escaped.
TEXT = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=12)
SCALARS = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) \
    | st.floats(allow_nan=False, allow_infinity=False) | TEXT
DOCS = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=5)
                    | st.dictionaries(TEXT, inner, max_size=5), max_leaves=25)
DECORATIONS = st.sampled_from(["", " ", "\n", "\t", "# c\n", "// c\n", "/* c */", "/* a\nb */"])
COMMA = st.sampled_from(["", ","])  # Kea tolerates a trailing comma


def render(value: Any, deco: st.DrawFn) -> str:
    """json.dumps, with a comment or blank drawn between tokens and some extra commas."""
    gap = deco(DECORATIONS)
    if isinstance(value, dict):
        items = [f"{gap}{json.dumps(k)}{deco(DECORATIONS)}:{render(v, deco)}"
                 for k, v in value.items()]
        tail = deco(COMMA) if items else ""
        return "{" + ",".join(items) + tail + deco(DECORATIONS) + "}"
    if isinstance(value, list):
        items = [render(v, deco) for v in value]
        tail = deco(COMMA) if items else ""
        return "[" + ",".join(items) + tail + deco(DECORATIONS) + "]"
    if isinstance(value, float):
        return gap + repr(value).replace("inf", "1e999")
    return gap + json.dumps(value)


@st.composite
def decorated(draw: st.DrawFn) -> tuple[Any, str]:
    value = draw(DOCS)
    return value, render(value, draw)


def plain(value: object) -> object:
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def check_marks(value: object, text: str) -> None:
    if isinstance(value, PMap):
        assert value.mark is not None and text[value.mark.offset] == "{"
        assert value.end is not None and text[value.end.offset] == "}"
        for key in value:
            assert text.startswith(json.dumps(key), value.key_marks[key].offset)
            check_marks(value[key], text)
    elif isinstance(value, PList):
        assert value.mark is not None and text[value.mark.offset] == "["
        assert value.end is not None and text[value.end.offset] == "]"
        for item in value:
            check_marks(item, text)


@settings(max_examples=300, deadline=None)
@given(decorated())
def test_parses_like_json_and_marks_point_at_their_tokens(case: tuple[Any, str]) -> None:
    value, text = case
    parsed = parse_text(text).value
    assert plain(parsed) == value
    check_marks(parsed, text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='{}[],:"\\/*#<?01.-+eE tnrufalsxyz\n', max_size=40))
def test_garbage_raises_only_config_error(text: str) -> None:
    try:
        parse_text(text)
    except ConfigError as err:
        assert err.line is not None and err.line >= 1
