"""Parse and compile an expression in one call; the compiled form the engine keeps."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from nestor.expr import ast
from nestor.expr.builtins import BUILTIN_CLASSES, BUILTIN_PREFIXES, is_builtin_class
from nestor.expr.compile import Compiler, Fn
from nestor.expr.context import Context
from nestor.expr.errors import EvalError, ExpressionError
from nestor.expr.parser import Parser
from nestor.wire.optdefs import DefinitionSet
from nestor.wire.stddefs import std_definitions

__all__ = ["BUILTIN_CLASSES", "BUILTIN_PREFIXES", "Expression", "class_checker",
           "compile_expression", "is_builtin_class", "parse"]


def class_checker(defined: Collection[str]) -> Callable[[str], bool]:
    """The ``member()`` check for a class defined after ``defined`` (in order)."""
    return lambda name: name in defined or is_builtin_class(name)


def _accept_all(name: str) -> bool:
    return True


def parse(text: str, universe: int = 4, *, defs: DefinitionSet | None = None,
          is_defined: Callable[[str], bool] | None = None, class_name: str | None = None,
          string: bool = False) -> ast.Node:
    """Parse a boolean expression (a class ``test``), or with ``string`` a string one
    (Kea's flex-id and flex-option expressions). Raises :class:`ExpressionError`.

    ``defs`` resolves option names (default: the standard definitions); ``is_defined``
    says which classes ``member()`` may name (default: any, as Kea's parser does when
    nothing checks); ``class_name`` is quoted in errors.
    """
    parser = Parser(text, universe, defs if defs is not None else std_definitions(universe),
                    is_defined or _accept_all)
    try:
        return parser.parse_string() if string else parser.parse_bool()
    except ExpressionError as exc:
        if class_name is None:
            raise
        raise exc.for_class(class_name) from None


@dataclass(frozen=True, slots=True)
class Expression:
    """A compiled expression. ``evaluate(ctx)`` gives a bool (tests) or bytes (string
    expressions) and may raise :class:`EvalError`; :meth:`matches` is the class test
    as Kea applies it, a failure counting as no match."""

    text: str
    universe: int
    node: ast.Node
    evaluate: Fn
    members: frozenset[str]

    def matches(self, ctx: Context) -> bool:
        try:
            return bool(self.evaluate(ctx))
        except EvalError:
            return False

    @property
    def depends_on_known(self) -> bool:
        """Kea evaluates tests naming KNOWN or UNKNOWN after the host lookup."""
        return not self.members.isdisjoint(("KNOWN", "UNKNOWN"))


def compile_expression(text: str, universe: int = 4, *, defs: DefinitionSet | None = None,
                       is_defined: Callable[[str], bool] | None = None,
                       class_name: str | None = None, string: bool = False) -> Expression:
    """:func:`parse`, then compile to closures."""
    table = defs if defs is not None else std_definitions(universe)
    node = parse(text, universe, defs=table, is_defined=is_defined, class_name=class_name,
                 string=string)
    members = frozenset(n.name for n in ast.walk(node) if isinstance(n, ast.Member))
    return Expression(text, universe, node, Compiler(universe, table).compile(node), members)
