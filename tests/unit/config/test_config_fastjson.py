"""The configuration reader's fast path (C JSON decoder, positions on demand) must be
invisible: the same values, the same marks once asked for, the same errors and warnings
as the careful token-by-token reader, and the careful reader for everything it declines."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nestor.config import fastjson, jsonpos, load_text
from nestor.config.jsonpos import MAX_NESTING, parse_text
from nestor.config.model import NetworkParams
from nestor.config.source import Mark, PList, PMap, Source
from nestor.errors import ConfigError
from nestor.wire.opttypes import dotted_quad, split_csv

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted((ROOT / "fixtures" / "configs").glob("*/*.json"))
EXAMPLES = sorted(Path("/usr/share/doc/kea/examples").glob("kea[46]/*.json"))

# json.dumps escapes DEL as \u007f, which the fast path leaves to the careful reader.
TEXT = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x2FF,
                                      blacklist_characters="\x7f"), max_size=10)
SCALARS = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) \
    | st.floats(allow_nan=False, allow_infinity=False) | TEXT
DOCS = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(TEXT, inner, max_size=4), max_leaves=30)
GAPS = st.sampled_from(["", " ", "\n", "\t", "# c\n", "// c \"q\n", "/* a\n*/", "/**/"])


def careful(text: str) -> Any:
    """What the careful reader alone makes of ``text``."""
    return jsonpos._careful(Source("f", text), jsonpos._read_file, None)[0].value


def render(value: Any, gap: st.DrawFn) -> str:
    """JSON text with comments and blanks drawn between tokens (no extra commas)."""
    if isinstance(value, dict):
        items = [f"{gap(GAPS)}{json.dumps(k, ensure_ascii=False)}{gap(GAPS)}:{render(v, gap)}"
                 for k, v in value.items()]
        return "{" + ",".join(items) + gap(GAPS) + "}"
    if isinstance(value, list):
        return "[" + ",".join(render(v, gap) for v in value) + gap(GAPS) + "]"
    return gap(GAPS) + json.dumps(value, ensure_ascii=False)


@st.composite
def documents(draw: st.DrawFn) -> tuple[Any, str]:
    value = draw(DOCS)
    return value, render(value, draw) + draw(GAPS)


def marks_of(value: object) -> Iterator[tuple[str, Mark | None]]:
    """Every mark of a parsed value, named by where it is (asks the containers for all)."""
    if isinstance(value, PMap):
        yield "map", value.mark
        yield "end", value.end
        for key, item in value.items():
            yield f"key {key!r}", value.key_mark(key)
            yield f"value {key!r}", value.value_mark(key)
            yield from marks_of(item)
    elif isinstance(value, PList):
        yield "list", value.mark
        yield "end", value.end
        for i, item in enumerate(value):
            yield f"item {i}", value.item_mark(i)
            yield from marks_of(item)


def offsets(value: object) -> list[tuple[str, int | None]]:
    return [(what, None if mark is None else mark.offset) for what, mark in marks_of(value)]


@settings(max_examples=300, deadline=None)
@given(documents())
def test_fast_path_reads_what_the_careful_reader_reads_with_the_same_marks(
        case: tuple[Any, str]) -> None:
    value, text = case
    fast = fastjson.read(Source("f", text), jsonpos._twins, MAX_NESTING)
    assert fast is not None, "a plain document must take the fast path"
    slow = careful(text)
    assert fast[0] == slow == value
    # Deferred marks (read before the positions are known) and settled ones agree.
    deferred = [(what, mark) for what, mark in marks_of(fast[0])]
    assert offsets(fast[0]) == offsets(slow)
    assert [(w, m.offset if m else None) for w, m in deferred] == offsets(slow)


@pytest.mark.parametrize("text", [
    '{"a": 1,}',                        # extra comma: Kea warns
    '{"a": "\\u00e9"}',                 # \u escapes: Kea takes only \u00XX
    '{"a": 9223372036854775808}',       # beyond int64
    '{"a": -9223372036854775809}',
    '{"a": 007}',                       # Kea's lexer takes leading zeros
    '{"a": .5}', '{"a": +1}', '{"a": 5.}',
    '{"a": NaN}', '{"a": Infinity}',
    '{"a": 1, "a": 2}',                 # duplicate key
    '{"a": <?include "x.json"?>}',
    '{"a": 1} /* never closed',
    '{"a": "broken\n"}',
    '{"a": 1} / 2',
    "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1),
    "",
    "# only a comment\n",
])
def test_fast_path_declines_what_kea_and_json_may_read_differently(text: str) -> None:
    assert fastjson.read(Source("f", text), jsonpos._twins, MAX_NESTING) is None


def test_declined_documents_still_get_the_careful_readers_verdict() -> None:
    assert parse_text('{"a": 007, "b": .5, "c": "\\u00e9",}').value == \
        {"a": 7, "b": 0.5, "c": "\u00e9"}
    with pytest.raises(ConfigError, match="duplicate a entries"):
        parse_text('{"a": 1,\n "a": 2}')
    with pytest.raises(ConfigError, match="Failed to convert 9223372036854775808"):
        parse_text('{"a": 9223372036854775808}')


def test_comment_markers_inside_strings_and_byte_order_mark() -> None:
    text = '\ufeff// head\n{"a": "x # y // z /* w */", /* c */ "b": [1/**/, 2]} # tail'
    fast = fastjson.read(Source("f", text), jsonpos._twins, MAX_NESTING)
    assert fast is not None
    assert fast[0] == {"a": "x # y // z /* w */", "b": [1, 2]}
    # A comment separates tokens, it does not glue them.
    assert fastjson.strip_comments("[1/**/2]") == "[1 2]"


def test_positions_are_only_worked_out_when_asked_for() -> None:
    parsed = parse_text('{\n "Dhcp4": {\n  "valid-lifetime": 4000\n }\n}\n', name="k.json")
    body = parsed.value["Dhcp4"]  # type: ignore[index]
    assert isinstance(body, PMap)
    assert body._doc is not None  # nothing reparsed yet
    mark = body.value_mark("valid-lifetime")
    assert body._doc is not None  # a deferred mark is cheap and changes nothing
    assert str(mark) == "k.json:3:21"
    assert body._doc is None and str(body.key_marks["valid-lifetime"]) == "k.json:3:3"


def _outcome(path: Path, fast: bool, monkeypatch: pytest.MonkeyPatch) -> object:
    """What loading ``path`` gives, with or without the fast path."""
    universe = 6 if "6" in path.parent.name else 4
    with monkeypatch.context() as m:
        if not fast:
            m.setattr(fastjson, "read", lambda *args: None)
        try:
            loaded = load_text(path.read_text(), universe, name=str(path))
        except ConfigError as exc:
            return ("refused", str(exc))
    return ("loaded", json.dumps(loaded.config.raw, sort_keys=True), loaded.warnings,
            loaded.files)


@pytest.mark.parametrize("path", CORPUS + EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_corpus_file_gets_the_same_verdict_and_message_either_way(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(path.parent)  # relative include directives
    assert _outcome(path, True, monkeypatch) == _outcome(path, False, monkeypatch)


# --- the other fast paths of a big load ---------------------------------------------------

OCTETS = st.one_of(st.integers(0, 300).map(str), st.sampled_from(["00", "01", "007", "", "a"]))


@settings(max_examples=400, deadline=None)
@given(st.lists(OCTETS, min_size=3, max_size=5).map(".".join))
def test_dotted_quad_takes_exactly_what_ipaddress_takes(text: str) -> None:
    try:
        expected: tuple[int, ...] | None = tuple(ipaddress.IPv4Address(text).packed)
    except ValueError:
        expected = None
    assert dotted_quad(text) == expected


def _split_csv_reference(text: str) -> list[str]:
    """Kea's CSV split character by character (escapes aside)."""
    items, token = [], ""
    for c in text:
        if c == ",":
            if token:
                items.append(token)
            token = ""
        else:
            token += c
    return items + ([token] if token else [])


@given(st.text(alphabet=" ,ab1.:", max_size=12))
def test_split_csv_without_escapes_is_a_plain_split(text: str) -> None:
    assert split_csv(text) == _split_csv_reference(text)


PARAMS = st.builds(NetworkParams, valid_lifetime=st.none() | st.integers(0, 9),
                   renew_timer=st.none() | st.integers(0, 9),
                   authoritative=st.none() | st.booleans(),
                   interface=st.none() | st.sampled_from(["", "eth0"]),
                   relay_addresses=st.none() | st.just(("192.0.2.1",)))


@given(PARAMS, PARAMS)
def test_merged_over_takes_each_field_from_the_nearest_scope_setting_it(
        own: NetworkParams, parent: NetworkParams) -> None:
    merged = own.merged_over(parent)
    for fld in fields(NetworkParams):
        mine = getattr(own, fld.name)
        assert getattr(merged, fld.name) == (getattr(parent, fld.name) if mine is None else mine)
