"""Client classification for DHCPv4 queries: built-in classes and configured tests.

Kea assigns classes in three passes (ARM "Client Classification", "Classification
Steps"), and so does :class:`Classifier`:

1. :meth:`Classifier.classify` right after the packet is received: ``ALL``,
   ``VENDOR_CLASS_<option 60>``, then every configured class whose test does not
   name ``KNOWN``/``UNKNOWN`` and is not ``only-if-required``
   (``only-in-additional-list`` in Kea 3.x), in configuration order.
2. :meth:`Classifier.after_hosts` once the host reservation lookup ran: ``KNOWN``
   or ``UNKNOWN``, the classes the reservation lists, then the tests that depend
   on ``KNOWN``/``UNKNOWN``.
3. :meth:`Classifier.required` after the subnet and pool are chosen: the classes
   named in ``require-client-classes`` (``evaluate-additional-classes``) of the
   pool, subnet and shared network; such a class without a test is simply set.

A test that fails to evaluate counts as "no match" (Kea logs and goes on).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nestor.config.model import ClientClass, Config
from nestor.expr import Context4, Expression, ExpressionError, compile_expression
from nestor.wire.packet4 import Packet4

ALL = "ALL"
KNOWN = "KNOWN"
UNKNOWN = "UNKNOWN"
DROP = "DROP"
BOOTP = "BOOTP"
VENDOR_CLASS_PREFIX = "VENDOR_CLASS_"


@dataclass(frozen=True, slots=True)
class _Test:
    name: str
    expr: Expression | None  # None: a class without a test (only set by name)
    after_hosts: bool
    required_only: bool


class Classes(list[str]):
    """The classes of one query in the order they were assigned (order matters for
    option precedence and class-level lifetimes), with the expression context the
    later passes evaluate on."""

    __slots__ = ("ctx",)
    ctx: Context4

    def add(self, name: str) -> None:
        if name not in self:
            self.append(name)


class Classifier:
    """Compiled class tests of one configuration (compiled once, evaluated per query)."""

    def __init__(self, config: Config) -> None:
        self._tests: list[_Test] = []
        self.by_name: dict[str, ClientClass] = {c.name: c for c in config.client_classes}
        for cls in config.client_classes:
            expr = _compile(cls, config)
            self._tests.append(_Test(cls.name, expr,
                                     expr is not None and expr.depends_on_known,
                                     cls.only_if_required))

    def classify(self, query: Packet4, iface: str, src: int, dst: int,
                 given: Iterable[str] = ()) -> Classes:
        """Pass 1: built-in classes (and ``given`` ones, e.g. BOOTP) and the tests that
        need nothing but the packet."""
        classes = Classes([ALL, *given])
        vendor = query.options.get(60)
        if vendor:
            # Kea names the class after the raw option content.
            classes.add(VENDOR_CLASS_PREFIX + vendor.decode("latin-1"))
        ctx = Context4(query, iface=iface, src=src, dst=dst, classes=classes)
        classes.ctx = ctx
        for test in self._tests:
            if not test.after_hosts and not test.required_only and test.expr is not None \
                    and test.expr.matches(ctx):
                classes.add(test.name)
        return classes

    def after_hosts(self, classes: Classes, known: bool,
                    host_classes: Iterable[str] = ()) -> None:
        """Pass 2: KNOWN/UNKNOWN, reservation classes, tests that depend on them."""
        classes.add(KNOWN if known else UNKNOWN)
        ctx = classes.ctx
        ctx.known = known
        for name in host_classes:
            classes.add(name)
        for test in self._tests:
            if test.after_hosts and not test.required_only and test.expr is not None \
                    and test.expr.matches(ctx):
                classes.add(test.name)

    def required(self, classes: Classes, names: Iterable[str]) -> None:
        """Pass 3: evaluate the classes a pool/subnet/network requires."""
        ctx = classes.ctx
        for name in names:
            test = next((t for t in self._tests if t.name == name), None)
            if test is None:
                continue
            if test.expr is None or test.expr.matches(ctx):
                classes.add(name)


def _compile(cls: ClientClass, config: Config) -> Expression | None:
    if not cls.test:
        return None
    try:
        return compile_expression(cls.test, 4, defs=config.definitions,
                                  class_name=cls.name)
    except ExpressionError:
        # The loader has already refused bad expressions; a test it let through
        # but the compiler cannot take never matches rather than stopping the server.
        return None
