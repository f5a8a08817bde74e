"""Kea's extended JSON: a tokenizer and recursive-descent parser that keep positions.

Kea's configuration syntax is JSON plus three comment styles (``#``, ``//``,
``/* */``), ``<?include "file"?>`` directives that splice another file's
tokens in place, and tolerated extra commas (Kea warns "Extraneous comma"
and carries on). Numbers follow Kea's lexer: ``-?[0-9]+`` is an integer
(leading zeros allowed), anything else number-like (``.5``, ``5.``,
``+1``, ``1e3``) is a floating point value. Duplicate keys in any map are
refused, as Kea has done since 1.9.

The parser returns plain Python values whose maps and lists are
:class:`PMap` / :class:`PList`, carrying the marks of every key and value.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from nestor.config import fastjson
from nestor.config.source import Mark, PList, PMap, Source, error_at
from nestor.errors import ConfigError

# Kea refuses deeper include nesting to stop recursive inclusion (Kea ARM "Configuration
# Files Inclusion": up to ten levels).
MAX_INCLUDE_DEPTH = 10
# Guard against stack exhaustion on absurdly nested input; real configurations stay below 20.
MAX_NESTING = 200

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1

_BLANK = re.compile(r"[ \t\r\n]+")
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\.)*"')
_NUMBER = re.compile(r"[-+]?[0-9]*\.?[0-9]*(?:[eE][-+]?[0-9]+)?")
_INTEGER = re.compile(r"-?[0-9]+")
_UNICODE_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u([0-9A-Fa-f]{4})")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DIRECTIVE = re.compile(r'<\?[ \t\r\n]*include[ \t\r\n]*"([^"\n]+)"[ \t\r\n]*\?>')
_WORDS: dict[str, tuple[str, object]] = {"true": ("b", True), "false": ("b", False),
                                         "null": ("n", None)}
_PUNCT = frozenset("{}[],:")
# The fast path: blanks and comments, then punctuation, a plain string (no escapes) or a
# plain integer not followed by anything that would make it a float. Anything else, and
# every error, goes through the careful path.
_FAST = re.compile(r"""
    (?:[ \t\r\n]+|\#[^\n]*|//[^\n]*|/\*(?:[^*]|\*(?!/))*\*/)*
    (?:(?P<p>[{}\[\],:])
      |(?P<s>"[^"\\\x00-\x1f]*")
      |(?P<i>-?[0-9]{1,18})(?![0-9.eE+\-])
    )?""", re.VERBOSE)

# A token: kind, value, source, offset. Kinds: one of "{}[],:" for punctuation,
# "s" string, "i" integer, "f" float, "b" boolean, "n" null, "E" end of input.
Token = tuple[str, object, Source, int]

_KIND_NAMES = {"s": "constant string", "i": "integer", "f": "floating point",
               "b": "boolean", "n": "null", "E": "end of file"}


def kind_name(kind: str) -> str:
    """How Kea's parser names a token kind in its syntax errors."""
    return _KIND_NAMES.get(kind, kind)


@dataclass
class ParseResult:
    """The parsed document, the sources it came from and the warnings met on the way."""

    value: object
    sources: list[Source] = field(default_factory=list)
    warnings: list[tuple[str, Mark]] = field(default_factory=list)


Reader = Callable[[str], str]
# Called with each key of the outermost map as it is read, so a key Kea's grammar does
# not allow there is refused at once (before later syntax errors hide it).
TopKeyCheck = Callable[[str, Mark | None], None]


def _read_file(path: str) -> str:
    with open(path, "rb") as f:
        return f.read().decode("utf-8", errors="replace")


class _Lexer:
    """Turns sources into one flat token list, following include directives."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.tokens: list[Token] = []
        self.sources: list[Source] = []

    def run(self, src: Source, depth: int = 0) -> None:
        """Tokenize one source: a fast path for the common tokens, and a careful
        character-by-character path for everything else (and for errors)."""
        self.sources.append(src)
        text, n, out = src.text, len(src.text), self.tokens
        i = 1 if text.startswith("\ufeff") else 0
        fast = _FAST.match
        while i < n:
            m = fast(text, i)
            if m is not None:
                kind = m.lastgroup
                start = m.start(kind) if kind else m.end()
                if kind == "p":
                    out.append((text[start], None, src, start))
                elif kind == "s":
                    out.append(("s", text[start + 1:m.end() - 1], src, start))
                elif kind == "i":
                    out.append(("i", int(m.group("i")), src, start))
                i = m.end()
                if kind is not None or i >= n:
                    continue
            i = self._slow(src, i, depth)

    def _slow(self, src: Source, i: int, depth: int) -> int:
        """One token (or blank or comment) the fast pattern did not take."""
        text = src.text
        c = text[i]
        if c in " \t\r\n":
            blank = _BLANK.match(text, i)
            assert blank is not None
            return blank.end()
        if c in _PUNCT:
            self.tokens.append((c, None, src, i))
            return i + 1
        if c == '"':
            return self._string(src, i)
        if c == "#":
            return _line_end(text, i)
        if c == "/":
            return self._slash(src, i)
        if c == "<":
            return self._include(src, i, depth)
        if c in "-+.0123456789":
            return self._number(src, i)
        if c.isalpha() or c == "_":
            return self._word(src, i)
        raise error_at(f"Invalid character: {c}", Mark(src, i))

    def _string(self, src: Source, i: int) -> int:
        m = _STRING.match(src.text, i)
        if m is None:
            raise error_at(f"syntax error, {_bad_string(src.text, i)}", Mark(src, i))
        raw = m.group()
        if "\\" in raw:
            # Kea's lexer knows JSON's escapes but only \u00XX of the \u ones.
            if any(int(h, 16) > 0xFF for h in _UNICODE_ESCAPE.findall(raw)):
                raise error_at(f"Unsupported unicode escape in {raw}", Mark(src, i))
            try:
                value = json.loads(raw)
            except ValueError:
                raise error_at(f"Bad escape in {raw}", Mark(src, i)) from None
        else:
            value = raw[1:-1]
        self.tokens.append(("s", value, src, i))
        return m.end()

    def _slash(self, src: Source, i: int) -> int:
        text = src.text
        if text.startswith("//", i):
            return _line_end(text, i)
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                line = src.line_col(i)[0]
                raise error_at(f"Comment not closed. (/* in line {line})", Mark(src, i))
            return end + 2
        raise error_at("Invalid character: /", Mark(src, i))

    def _include(self, src: Source, i: int, depth: int) -> int:
        m = _DIRECTIVE.match(src.text, i)
        if m is None:
            if src.text.startswith("<?", i):
                raise error_at("Directive not closed.", Mark(src, i))
            raise error_at("Invalid character: <", Mark(src, i))
        if depth + 1 > MAX_INCLUDE_DEPTH:
            raise error_at("Too many nested include.", Mark(src, i))
        name = m.group(1)
        path = resolve_include(name, src.name)
        try:
            text = self.reader(path)
        except OSError:
            raise error_at(f"Can't open include file {name}", Mark(src, i)) from None
        self.run(Source(path, text), depth + 1)
        return m.end()

    def _number(self, src: Source, i: int) -> int:
        m = _NUMBER.match(src.text, i)
        assert m is not None  # the pattern matches the empty string at worst
        text = m.group()
        if not text:
            raise error_at(f"Invalid character: {src.text[i]}", Mark(src, i))
        if _INTEGER.fullmatch(text):
            value = int(text)
            if not _INT64_MIN <= value <= _INT64_MAX:
                raise error_at(f"Failed to convert {text} to an integer.", Mark(src, i))
            self.tokens.append(("i", value, src, i))
        else:
            try:
                fvalue = float(text)
            except ValueError:
                raise error_at(f"Failed to convert {text} to a floating point.",
                               Mark(src, i)) from None
            self.tokens.append(("f", fvalue, src, i))
        return m.end()

    def _word(self, src: Source, i: int) -> int:
        m = _WORD.match(src.text, i)
        assert m is not None
        word = m.group()
        known = _WORDS.get(word)
        if known is not None:
            self.tokens.append((known[0], known[1], src, i))
            return m.end()
        if word.lower() in _WORDS:
            raise error_at(f"JSON {word.lower()} reserved keyword is lower case only",
                           Mark(src, i))
        raise error_at(f"Invalid character: {word[0]}", Mark(src, i))


def _bad_string(text: str, i: int) -> str:
    """Why the string starting at ``i`` is not a JSON string."""
    j = i + 1
    while j < len(text) and text[j] != '"':
        if text[j] == "\n":
            return "newline in string"
        if text[j] < " ":
            return f"invalid control character (code {ord(text[j])}) in string"
        j += 2 if text[j] == "\\" else 1
    return "unterminated string"


def _line_end(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end


def resolve_include(name: str, including: str) -> str:
    """The file an include directive names.

    Kea 2.2 opens the path as written, so a relative path is taken from the
    working folder (Kea ARM, "Configuration Files Inclusion"). When no such file
    exists there, Nestor also tries the including file's folder, which is what
    users usually mean; an include Kea can open is always opened the same way.
    """
    if os.path.isabs(name) or os.path.exists(name):
        return name
    beside = os.path.join(os.path.dirname(including), name)
    return beside if os.path.exists(beside) else name


class _Parser:
    """Recursive descent over the token list; see the module docstring for the grammar."""

    def __init__(self, tokens: list[Token], end: Mark, top_key: TopKeyCheck | None) -> None:
        tokens.append(("E", None, end.source, end.offset))
        self.tokens = tokens
        self.top_key = top_key
        self.pos = 0
        self.depth = 0
        self.warnings: list[tuple[str, Mark]] = []
        self.made: list[PMap | PList] = []  # every container, in the order it was opened

    def fail(self, tok: Token, expecting: str = "") -> ConfigError:
        what = tok[0] if tok[0] in _PUNCT else kind_name(tok[0])
        tail = f", expecting {expecting}" if expecting else ""
        return error_at(f"syntax error, unexpected {what}{tail}", Mark(tok[2], tok[3]))

    def document(self) -> object:
        value = self.value("top-level")
        tok = self.tokens[self.pos]
        if tok[0] != "E":
            raise self.fail(tok, "end of file")
        return value

    def value(self, context: str) -> object:
        tok = self.tokens[self.pos]
        self.pos += 1
        kind = tok[0]
        if kind == "{":
            return self.map(tok, context)
        if kind == "[":
            return self.list(tok, context)
        if kind in "sifbn":
            return tok[1]
        raise self.fail(tok, "a value")

    def _enter(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise error_at(f"nesting deeper than {MAX_NESTING} levels", Mark(tok[2], tok[3]))

    def _item_ends(self, closing: str) -> bool:
        """After an item: True when ``closing`` follows (directly, or after commas Kea
        tolerates with a warning); otherwise step over the separating comma."""
        tok = self.tokens[self.pos]
        if tok[0] == closing:
            return True
        self.pos += 1
        if tok[0] != ",":
            raise self.fail(tok, f'"," or {closing}')
        return self._extra_commas(closing)

    def _extra_commas(self, closing: str) -> bool:
        """Skip commas after a comma, warning like Kea; True when ``closing`` follows."""
        tokens = self.tokens
        while tokens[self.pos][0] == ",":
            self._warn_comma(tokens[self.pos])
            self.pos += 1
        if tokens[self.pos][0] == closing:
            self._warn_comma(tokens[self.pos - 1])
            return True
        return False

    def _warn_comma(self, tok: Token) -> None:
        self.warnings.append(("Extraneous comma. A piece of configuration may have been "
                              "omitted.", Mark(tok[2], tok[3])))

    def map(self, open_tok: Token, context: str) -> PMap:
        self._enter(open_tok)
        tokens = self.tokens
        result = PMap(Mark(open_tok[2], open_tok[3]))
        self.made.append(result)
        if tokens[self.pos][0] == "}":
            self._close(result)
            return result
        while True:
            key_tok = tokens[self.pos]
            if key_tok[0] != "s":
                raise self.fail(key_tok, "constant string")
            key = key_tok[1]
            assert isinstance(key, str)
            key_mark = Mark(key_tok[2], key_tok[3])
            if key in result:
                raise error_at(f"duplicate {key} entries in {context} map "
                               f"(previous at {result.key_marks[key]})", key_mark)
            if self.depth == 1 and self.top_key is not None:
                self.top_key(key, key_mark)
            if tokens[self.pos + 1][0] != ":":
                raise self.fail(tokens[self.pos + 1], '":"')
            self.pos += 2
            vtok = tokens[self.pos]
            result[key] = self.value(key)
            result.key_marks[key] = key_mark
            result.value_marks[key] = Mark(vtok[2], vtok[3])
            if self._item_ends("}"):
                break
        self._close(result)
        return result

    def _close(self, container: PMap | PList) -> None:
        """Consume the closing bracket at the current position, remembering where it is."""
        tok = self.tokens[self.pos]
        container.end = Mark(tok[2], tok[3])
        self.pos += 1
        self.depth -= 1

    def list(self, open_tok: Token, context: str) -> PList:
        self._enter(open_tok)
        tokens = self.tokens
        result = PList(Mark(open_tok[2], open_tok[3]))
        self.made.append(result)
        if tokens[self.pos][0] == "]":
            self._close(result)
            return result
        while True:
            vtok = tokens[self.pos]
            result.append(self.value(context))
            result.item_marks.append(Mark(vtok[2], vtok[3]))
            if self._item_ends("]"):
                break
        self._close(result)
        return result


def _careful(src: Source, reader: Reader,
             top_key: TopKeyCheck | None) -> tuple[ParseResult, list[PMap | PList]]:
    """The token-by-token reading, with every position: the result and its containers."""
    lexer = _Lexer(reader)
    lexer.run(src)
    if not lexer.tokens:
        raise error_at("syntax error, unexpected end of file, expecting {", Mark(src, 0))
    parser = _Parser(lexer.tokens, Mark(src, len(src.text)), top_key)
    value = parser.document()
    return ParseResult(value, lexer.sources, parser.warnings), parser.made


def _twins(src: Source) -> list[PMap | PList]:
    """The containers of a document the fast path read, now with their positions."""
    return _careful(src, _read_file, None)[1]


def parse_source(src: Source, reader: Reader = _read_file,
                 top_key: TopKeyCheck | None = None) -> ParseResult:
    """Parse one source (following its includes) into position-keeping values.

    The fast path (:mod:`nestor.config.fastjson`) reads most files; whatever it
    declines, and every error and warning, comes from the careful reader here.
    """
    fast = fastjson.read(src, _twins, MAX_NESTING)
    if fast is None:
        return _careful(src, reader, top_key)[0]
    value = fast[0]
    if top_key is not None and isinstance(value, PMap):
        for key in value:
            top_key(key, value.key_mark(key))
    return ParseResult(value, [src])


def parse_text(text: str, name: str = "<string>", reader: Reader = _read_file,
               top_key: TopKeyCheck | None = None) -> ParseResult:
    return parse_source(Source(name, text), reader, top_key)


def parse_file(path: str, reader: Reader = _read_file,
               top_key: TopKeyCheck | None = None) -> ParseResult:
    """Read and parse a configuration file; an unreadable file is a ConfigError."""
    try:
        text = reader(path)
    except OSError as exc:
        raise ConfigError(f"Unable to open file {path}: {exc.strerror or exc}") from None
    return parse_source(Source(path, text), reader, top_key)
