"""A shallow check of classification expressions until the expression compiler exists.

The configuration loader must refuse what Kea refuses when it parses a class
``test``; the full language belongs to :mod:`nestor.expr`. This catches the
mistakes that matter most in practice: unterminated strings, unbalanced
brackets, an expression that ends or starts with an operator, and
``member('X')`` naming a class that is neither built in nor defined earlier
(Kea requires a class to be defined before another refers to it).
"""

from __future__ import annotations

import re

# Kea's built-in class names and the prefixes of classes other parts create at run time
# (client class documentation, "Built-in Client Classes").
BUILTIN_CLASSES = frozenset({"ALL", "KNOWN", "UNKNOWN", "BOOTP", "DROP"})
BUILTIN_PREFIXES = ("VENDOR_CLASS_", "HA_", "AFTER_", "EXTERNAL_", "SPAWN_")

_TOKEN = re.compile(r"""\s*(?:
    (?P<str>'[^']*')
  | (?P<num>0[xX][0-9A-Fa-f]*|[0-9][0-9A-Fa-f.:]*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_.\-]*)
  | (?P<op>==|[()\[\],.])
)""", re.VERBOSE)
_BINARY = frozenset({"==", "and", "or", ","})
_MEMBER = re.compile(r"member\s*\(\s*'([^']*)'\s*\)")


def is_builtin(name: str) -> bool:
    return name in BUILTIN_CLASSES or name.startswith(BUILTIN_PREFIXES)


def check_expression(text: str, defined: set[str]) -> str | None:
    """None when the expression passes, else Kea-style reason text."""
    tokens: list[str] = []
    depth: list[str] = []
    pos, n = 0, len(text)
    while pos < n:
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None:
            bad = text[pos:].lstrip()[:1]
            return "unterminated string" if bad == "'" else f"Invalid character: {bad}"
        tok = m.group(m.lastindex or 0).strip()
        pos = m.end()
        tokens.append(tok)
        if tok in "([":
            depth.append(tok)
        elif tok in ")]" and (not depth or depth.pop() != ("(" if tok == ")" else "[")):
            return f"syntax error, unexpected {tok}"
    if not tokens:
        return "syntax error, unexpected end of file"
    if depth:
        return "syntax error, unexpected end of file"
    if tokens[-1] in _BINARY or tokens[-1] == "not" or tokens[0] in _BINARY:
        return "syntax error, unexpected end of file" if tokens[-1] in _BINARY \
            or tokens[-1] == "not" else f"syntax error, unexpected {tokens[0]}"
    for name in _MEMBER.findall(text):
        if name not in defined and not is_builtin(name):
            return f"Not defined client class '{name}'"
    return None
