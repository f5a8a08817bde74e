"""Kea's client classification expression language, sans I/O.

Parse once at configuration load, evaluate per packet::

    test = compile_expression("substring(option[61].hex, 0, 3) == 0x010203",
                              universe=4, is_defined=class_checker(earlier_classes),
                              class_name="Client_foo")
    ctx = Context4(packet, iface="eth0", src="192.0.2.7", dst="255.255.255.255",
                   classes=assigned)
    if test.matches(ctx):
        assigned.append("Client_foo")

Parsing follows Kea's grammar (``src/lib/eval/parser.yy``) and refuses what Kea
refuses with Kea's wording and positions (:class:`ExpressionError`); evaluation
follows Kea's tokens (``src/lib/eval/token.cc``), Kea 3.x where it differs from 2.2.

The names below are loaded on first use (PEP 562): reading a configuration
without client classes, or checking one with ``-t``, never needs the parser,
the evaluator or the packet views they bring in.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nestor.expr.builtins import BUILTIN_CLASSES, BUILTIN_PREFIXES, is_builtin_class
    from nestor.expr.context import Context, Context4, Context6
    from nestor.expr.errors import EvalError, ExpressionError
    from nestor.expr.expression import Expression, class_checker, compile_expression, parse

# Public name -> the module that defines it.
_HOMES = {
    "BUILTIN_CLASSES": "nestor.expr.builtins", "BUILTIN_PREFIXES": "nestor.expr.builtins",
    "is_builtin_class": "nestor.expr.builtins",
    "Context": "nestor.expr.context", "Context4": "nestor.expr.context",
    "Context6": "nestor.expr.context",
    "EvalError": "nestor.expr.errors", "ExpressionError": "nestor.expr.errors",
    "Expression": "nestor.expr.expression", "class_checker": "nestor.expr.expression",
    "compile_expression": "nestor.expr.expression", "parse": "nestor.expr.expression",
}

__all__ = [
    "BUILTIN_CLASSES", "BUILTIN_PREFIXES", "Context", "Context4", "Context6", "EvalError",
    "Expression", "ExpressionError", "class_checker", "compile_expression",
    "is_builtin_class", "parse",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # later lookups skip this function
    return value
