"""Client-class expressions at load time: parsed and compiled once, by :mod:`nestor.expr`.

Kea parses each class's ``test`` while it reads ``client-classes`` in order, so a
``member()`` may only name a built-in class or one defined earlier in the list, and a
class that names ``KNOWN``/``UNKNOWN``, directly or through an earlier class that
does, is evaluated only after the host reservation lookup (Kea's ``depend_on_known``,
``isClientClassDefined`` in ``src/lib/dhcpsrv/client_class_def.cc``).

Kea 3.x adds ``template-test``: a *string* expression whose value names a spawned
class (``SPAWN_<class>_<value>``); its ``member()`` names are not checked, and it may
not be empty nor be given together with ``test``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nestor.config.source import PMap, error_at
from nestor.errors import ConfigError
from nestor.expr.builtins import BUILTIN_CLASSES, is_builtin_class
from nestor.wire.optdefs import DefinitionSet

if TYPE_CHECKING:
    from nestor.expr.errors import ExpressionError
    from nestor.expr.expression import Expression

__all__ = ["ClassTest", "DefinedClasses", "check_builtin_names"]

# Tests naming these are evaluated after the host lookup (Kea ARM, "Classification Steps").
_HOST_LOOKUP_CLASSES = frozenset({"KNOWN", "UNKNOWN"})


@dataclass(frozen=True, slots=True)
class ClassTest:
    """A class's compiled expression (None: the class has none) and whether its
    evaluation has to wait for the host lookup."""

    compiled: Expression | None = None
    depend_on_known: bool = False


class DefinedClasses:
    """The classes read so far, each with its ``depend_on_known``; compiles the next
    class's expression against them."""

    def __init__(self, universe: int, defs: DefinitionSet) -> None:
        self.universe = universe
        # Option names in a test resolve against the global definitions only: Kea parses
        # the test before the class's own option-def entries.
        self.defs = defs
        self._depends: dict[str, bool] = {}

    def __contains__(self, name: object) -> bool:
        return name in self._depends

    def add(self, name: str, test: ClassTest) -> None:
        self._depends[name] = test.depend_on_known

    def _is_defined(self, name: str) -> bool:
        return is_builtin_class(name) or name in self._depends

    def _depends_on_known(self, members: frozenset[str]) -> bool:
        # Built-in names win over a configured class of the same name, as in Kea.
        return any(name in _HOST_LOOKUP_CLASSES
                   or (not is_builtin_class(name) and self._depends.get(name, False))
                   for name in members)

    def compile(self, m: PMap, name: str) -> ClassTest:
        """Compile the class's ``test`` or ``template-test``; a refusal is a
        :class:`ConfigError` at the expression's value, in Kea's words."""
        if "test" in m and "template-test" in m:
            raise error_at("can not use both 'test' and 'template-test'",
                           m.value_mark("template-test"))
        if "template-test" in m:
            return self._compile_template(m, name)
        if "test" not in m:
            return ClassTest()
        text = str(m["test"])
        # Imported here: the parser and evaluator are only needed when a class has a test.
        from nestor.expr.errors import ExpressionError
        from nestor.expr.expression import compile_expression
        try:
            expr = compile_expression(text, self.universe, defs=self.defs,
                                      is_defined=self._is_defined, class_name=name)
        except ExpressionError as exc:
            raise _refusal(exc, m, "test") from None
        return ClassTest(expr, self._depends_on_known(expr.members))

    def _compile_template(self, m: PMap, name: str) -> ClassTest:
        text = str(m["template-test"])
        if not text:
            raise error_at("expression can not be empty", m.value_mark("template-test"))
        from nestor.expr.errors import ExpressionError
        from nestor.expr.expression import compile_expression
        try:
            expr = compile_expression(text, self.universe, defs=self.defs,
                                      class_name=name, string=True)
        except ExpressionError as exc:
            raise _refusal(exc, m, "template-test") from None
        return ClassTest(expr)


def _refusal(exc: ExpressionError, m: PMap, key: str) -> ConfigError:
    """Kea's text, ``expression: [TEXT] error: <string>:L.C: reason at (FILE:L:C)``,
    the position being where the expression's value starts."""
    mark = m.value_mark(key)
    message = f"expression: [{exc.text}] error: {exc.kea_text}"
    return error_at(message + " at" if mark is not None else message, mark)


# Which flag a file used for "evaluate only when required", in the words of the file
# (Kea 2.2 spelling, Kea 3.x spelling).
_REQUIRED_FLAGS = ("only-if-required", "only-in-additional-list")


def check_builtin_names(m: PMap, name: str) -> None:
    """Kea's sanity checks on classes named like a built-in one: such a class may carry
    options or lifetimes, but the server assigns it, so it can have neither a test nor
    the required-only flag. ``DROP`` may have a test but not the flag: a required-only
    class is evaluated after the subnet is chosen, too late to drop the query. Kea gives
    no position; the flag or test is pointed at."""
    if name not in BUILTIN_CLASSES and name != "DROP":
        return
    kind = "special" if name == "DROP" else "built-in"
    for flag in _REQUIRED_FLAGS:
        if m.get(flag) is True:
            raise error_at(f"{kind} class '{name}' {flag} flag must be false",
                           m.value_mark(flag))
    for key in ("test", "template-test"):
        if name != "DROP" and m.get(key):
            raise error_at(f"built-in class '{name}' test expression must be empty",
                           m.value_mark(key))
