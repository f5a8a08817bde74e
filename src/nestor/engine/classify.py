"""Client classification for DHCPv4 queries: built-in classes and configured tests.

Kea assigns classes in three passes (ARM "Client Classification", "Classification
Steps"), and so does :class:`Classifier`:

1. :meth:`Classifier.classify` right after the packet is received: ``ALL``,
   ``VENDOR_CLASS_<option 60>``, then every configured class whose test does not
   name ``KNOWN``/``UNKNOWN`` (directly or through an earlier class: the loader's
   ``depend_on_known``) and is not ``only-if-required`` (Kea 3.x
   ``only-in-additional-list``), in configuration order.
2. :meth:`Classifier.after_lookup` once the host reservation lookup ran: the
   classes the reservation lists (when and how: see there), ``KNOWN`` or
   ``UNKNOWN``, then the tests that depend on ``KNOWN``/``UNKNOWN``.
3. :meth:`Classifier.required` after the address is chosen: the classes named in
   ``require-client-classes`` (``evaluate-additional-classes``) of the pool, the
   subnet, then the shared network (:meth:`Classifier.required_names`), Kea 3.x's
   order, which is also the order of option precedence (Kea 2.2 went the other way
   round, network first). A listed class without a test is set (Kea 3.x; Kea 2.2
   ignored it, logging ``DHCP4_CLASS_UNTESTABLE``).

A Kea 3.x ``template-test`` class evaluates a string; a non-empty value ``v`` puts
the packet in ``SPAWN_<class>_<v>`` and then in the template class itself, so a
regular class of the spawned name (its options) comes first in option precedence
and the template's options serve every spawned class (ARM "Template Classes").

A test that fails to evaluate counts as "no match" (Kea logs and goes on). Each
test's result is logged as Kea's ``EVAL_RESULT`` (debug, logger ``kea-dhcp4.eval``)
and the classes of each pass as ``DHCP4_CLASS_ASSIGNED`` (debug 40,
``kea-dhcp4.dhcp4``); both cost one comparison when debug logging is off. When a
query carries a ``trace`` list (the ``packet4-explain`` command), every test's
result is also recorded there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nestor.config.model import ClientClass, Config, Pool, Reservation, Subnet
from nestor.engine.log4 import label
from nestor.expr import Context4, EvalError, Expression
from nestor.logs.core import get_logger
from nestor.logs.levels import DBG_DHCP_BASIC, DBG_DHCP_DETAIL
from nestor.wire.packet4 import Packet4

ALL = "ALL"
KNOWN = "KNOWN"
UNKNOWN = "UNKNOWN"
DROP = "DROP"
BOOTP = "BOOTP"
VENDOR_CLASS_PREFIX = "VENDOR_CLASS_"
SPAWN_PREFIX = "SPAWN_"

eval_log = get_logger("eval")
dhcp4_log = get_logger("dhcp4")

# Evaluation passes, as named in an explanation.
PASS_RECEIVE, PASS_HOSTS, PASS_REQUIRED = "receive", "after-host-lookup", "required"


@dataclass(frozen=True, slots=True)
class _Test:
    name: str
    expr: Expression | None  # None: a class without a test (only set by name)
    after_hosts: bool
    required_only: bool
    template: bool  # a template-test: the value names a spawned class


@dataclass(frozen=True, slots=True)
class TraceEntry:
    """One class decision, for an explanation: how the class was (not) assigned."""

    name: str
    stage: str  # PASS_* or "built-in" / "reservation"
    result: str  # "true", "false", "error: ...", a template value, or "set"
    assigned: bool


class Classes(list[str]):
    """The classes of one query in the order they were assigned (order matters for
    option precedence and class-level lifetimes), with the expression context the
    later passes evaluate on and, when explaining, the trace of decisions."""

    __slots__ = ("_ctx", "_where", "known", "pending", "trace")
    trace: list[TraceEntry] | None
    pending: tuple[str, ...]  # reservation classes set once the address is chosen
    known: bool | None  # KNOWN/UNKNOWN once the host lookup ran
    _ctx: Context4 | None
    _where: tuple[Packet4, str, int, int]  # what the context is made of

    @property
    def ctx(self) -> Context4:
        """The expression context, made on first use: with no class test and no flexible
        identifier nothing ever evaluates, and most queries never need it."""
        ctx = self._ctx
        if ctx is None:
            query, iface, src, dst = self._where
            ctx = self._ctx = Context4(query, iface=iface, src=src, dst=dst, classes=self,
                                       known=self.known)
        return ctx

    def set_known(self, known: bool) -> None:
        self.known = known
        if self._ctx is not None:
            self._ctx.known = known

    def add(self, name: str) -> None:
        if name not in self:
            self.append(name)


class Classifier:
    """Class tests of one configuration (compiled by the loader, evaluated per query)."""

    def __init__(self, config: Config) -> None:
        self.by_name: dict[str, ClientClass] = {c.name: c for c in config.client_classes}
        # Classes setting a lease lifetime: a query in none of them (the usual case)
        # takes its subnet's without looking at each of its classes.
        self.lifetimes = frozenset(c.name for c in config.client_classes
                                   if c.valid is not None or c.offer_lifetime is not None)
        self._tests: list[_Test] = [
            _Test(c.name, c.compiled, c.depend_on_known, c.only_if_required,
                  bool(c.template_test))
            for c in config.client_classes]
        self._by_test_name = {t.name: t for t in self._tests}
        # The tests each pass runs, in configuration order (a query usually runs none).
        runnable = [t for t in self._tests if not t.required_only and t.expr is not None]
        self._at_receive = tuple(t for t in runnable if not t.after_hosts)
        self._after_hosts = tuple(t for t in runnable if t.after_hosts)
        # Pass 3 has work only where some pool, subnet or network requires classes.
        self._any_required = any(
            n.own.require_client_classes for n in config.shared_networks) or any(
            s.own.require_client_classes or any(p.require_client_classes for p in s.pools)
            for s in config.subnets)
        self._evaluated = frozenset(t.name for t in self._tests if t.expr is not None)
        self._network_required: dict[str, tuple[str, ...]] = {
            n.name: n.own.require_client_classes or () for n in config.shared_networks}

    def classify(self, query: Packet4, iface: str, src: int, dst: int,
                 given: Iterable[str] = (), trace: bool = False) -> Classes:
        """Pass 1: built-in classes (and ``given`` ones, e.g. BOOTP) and the tests that
        need nothing but the packet."""
        classes = Classes((ALL, *given) if given else (ALL,))
        classes.pending = ()
        classes.known = None
        classes._ctx = None
        classes._where = (query, iface, src, dst)
        classes.trace = [TraceEntry(n, "built-in", "set", True) for n in classes] \
            if trace else None
        vendor = query.options.get(60)
        if vendor:
            # Kea names the class after the raw option content.
            name = VENDOR_CLASS_PREFIX + vendor.decode("latin-1")
            classes.add(name)
            if classes.trace is not None:
                classes.trace.append(TraceEntry(name, "built-in", "set", True))
        if self._at_receive:
            self._pass(classes, after_hosts=False)
        _log_assigned(classes)
        return classes

    def after_lookup(self, classes: Classes, *, known: bool, current: Reservation | None,
                     global_host: Reservation | None, shared: bool, early: bool) -> None:
        """The host lookup's effect on classes, as Kea's ``Dhcpv4Exchange`` applies it.

        The reservation's classes count at once when they come from a global
        reservation (looked up with the subnet, not early) or when the subnet is in no
        shared network (it cannot change any more): the classes evaluated at receive
        time are dropped, the reservation's set, and the receive-time tests run again
        (so ``not member('x')`` loses to a reserved ``x``; checked against Kea 2.2).
        In a shared network a subnet reservation's classes are only set after the
        address is chosen (Kea's ``conditionallySetReservedClientClasses``): they steer
        options, not the pool. Then KNOWN/UNKNOWN and the tests depending on them."""
        host_classes = current.client_classes if current is not None else ()
        if (not early and global_host is not None and global_host.client_classes) or \
                (not shared and host_classes):
            self.reserved(classes, host_classes, remove_evaluated=True)
        elif shared and current is not None and current.subnet_id != 0:
            classes.pending = tuple(host_classes)
        self.after_hosts(classes, known)

    def reserved(self, classes: Classes, host_classes: Iterable[str],
                 remove_evaluated: bool) -> None:
        """A reservation's classes, then the receive-time tests again."""
        if remove_evaluated:
            classes[:] = [n for n in classes if n not in self._evaluated]
        self._set(classes, host_classes, "reservation")
        self._pass(classes, after_hosts=False)

    def after_hosts(self, classes: Classes, known: bool) -> None:
        """Pass 2: KNOWN/UNKNOWN and the tests that depend on them."""
        classes.set_known(known)
        self._set(classes, (KNOWN if known else UNKNOWN,), "built-in")
        if self._after_hosts:
            self._pass(classes, after_hosts=True)
        _log_assigned(classes)

    @staticmethod
    def _set(classes: Classes, names: Iterable[str], stage: str) -> None:
        for name in names:
            classes.add(name)
            if classes.trace is not None:
                classes.trace.append(TraceEntry(name, stage, "set", True))

    def _pass(self, classes: Classes, after_hosts: bool) -> None:
        stage = PASS_HOSTS if after_hosts else PASS_RECEIVE
        for test in self._after_hosts if after_hosts else self._at_receive:
            self._evaluate(classes, test, stage)

    def _evaluate(self, classes: Classes, test: _Test, stage: str) -> None:
        assert test.expr is not None
        try:
            value = test.expr.evaluate(classes.ctx)
        except EvalError as exc:
            _record(classes, test.name, stage, f"error: {exc}", False)
            return
        if test.template:
            text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
            if text:
                classes.add(f"{SPAWN_PREFIX}{test.name}_{text}")
                classes.add(test.name)
            _record(classes, test.name, stage, text, bool(text))
            return
        matched = bool(value)
        if matched:
            classes.add(test.name)
        _record(classes, test.name, stage, "true" if matched else "false", matched)

    @staticmethod
    def required_names(subnet: Subnet, pool: Pool | None = None,
                       network_required: tuple[str, ...] = ()) -> list[str]:
        """The classes to evaluate after selection: pool's, subnet's, network's (3.x)."""
        names: list[str] = []
        for group in ((pool.require_client_classes if pool is not None else ()),
                      subnet.own.require_client_classes or (), network_required):
            names += [n for n in group if n not in names]
        return names

    def required_for(self, classes: Classes, subnet: Subnet, pool: Pool | None) -> None:
        """Deferred reservation classes, then pass 3 for the subnet and pool a reply is
        made from."""
        if classes.pending:
            self._set(classes, classes.pending, "reservation")
            classes.pending = ()
        if not self._any_required:
            return
        network = self._network_required.get(subnet.shared_network, ()) \
            if subnet.shared_network else ()
        self.required(classes, self.required_names(subnet, pool, network))

    def required(self, classes: Classes, names: Iterable[str]) -> None:
        """Pass 3: evaluate the classes a pool/subnet/network requires."""
        for name in names:
            test = self._by_test_name.get(name)
            if test is None:
                continue  # Kea: DHCP4_CLASS_UNDEFINED
            if test.expr is None:
                classes.add(name)
                _record(classes, name, PASS_REQUIRED, "set", True)
            else:
                self._evaluate(classes, test, PASS_REQUIRED)


def _record(classes: Classes, name: str, stage: str, result: str, assigned: bool) -> None:
    if classes.trace is not None:
        classes.trace.append(TraceEntry(name, stage, result, assigned))
    if eval_log.debug_on(DBG_DHCP_DETAIL):
        eval_log.debug(DBG_DHCP_DETAIL, "EVAL_RESULT", name, result)


def _log_assigned(classes: Classes) -> None:
    if dhcp4_log.debug_on(DBG_DHCP_BASIC):
        dhcp4_log.debug(DBG_DHCP_BASIC, "DHCP4_CLASS_ASSIGNED", label(classes.ctx.packet),
                        ", ".join(classes))
