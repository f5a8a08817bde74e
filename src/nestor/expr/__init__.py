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
"""

from nestor.expr.context import Context, Context4, Context6
from nestor.expr.errors import EvalError, ExpressionError
from nestor.expr.expression import (
    BUILTIN_CLASSES,
    BUILTIN_PREFIXES,
    Expression,
    class_checker,
    compile_expression,
    is_builtin_class,
    parse,
)

__all__ = [
    "BUILTIN_CLASSES", "BUILTIN_PREFIXES", "Context", "Context4", "Context6", "EvalError",
    "Expression", "ExpressionError", "class_checker", "compile_expression",
    "is_builtin_class", "parse",
]
