"""Turns a parsed expression into nested Python closures, once, at configuration load.

Evaluating a class test is then a few function calls with no tree walking and no
decisions that could have been taken in advance: option definitions, normalisation
of option data and text renderers are looked up here, not per packet. Booleans are
Python booleans and strings are ``bytes``, so ``==`` is a plain byte comparison.

``and``/``or``/``ifelse`` short-cut, as in Kea 3.x (Kea 2.2 evaluated both sides; that
only shows when the unevaluated side would have failed, which then failed the whole
test). The Kea 3.x ``sand``/``sor``/``sifelse`` forms evaluate everything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from nestor.expr import ast
from nestor.expr.context import Context
from nestor.expr.optview import (
    VENDOR_CLASS6,
    VENDOR_OPTS6,
    VIVCO,
    VIVSO,
    first,
    normalizer,
    splitter,
    vendor_class,
    vendor_opts,
    vendor_space,
    walk,
)
from nestor.expr.strfuncs import (
    INT_TO_TEXT,
    addr_to_text,
    hexstring,
    int_to_text,
    regex,
    split,
    split_at,
    split_field,
    substring,
    substring_at,
    substring_bounds,
)
from nestor.expr.textview import TextRenderer
from nestor.wire.optdefs import DefinitionSet, OptionDefinition

Fn = Callable[[Context], Any]  # returns bytes for string nodes, bool for boolean ones
Resolve = Callable[[Context], "bytes | None"]


class Compiler:
    """Compiles nodes for one universe and one set of option definitions."""

    def __init__(self, universe: int, defs: DefinitionSet) -> None:
        self.universe = universe
        self.defs = defs
        self.space = "dhcp4" if universe == 4 else "dhcp6"
        self.text = TextRenderer(defs, universe)
        self._norms: dict[int, Callable[[bytes], bytes] | None] = {}
        # One compiling method per node type.
        self._table: dict[type, Callable[[Any], Fn]] = {
            ast.Literal: self._literal,
            ast.Equal: self._equal,
            ast.Not: self._not_,
            ast.And: self._and_,
            ast.Or: self._or_,
            ast.IfElse: self._ifelse,
            ast.Member: self._member,
            ast.Match: self._match,
            ast.Substring: self._substring,
            ast.Split: self._split,
            ast.Call: self._call,
            ast.PktField: self._pkt_field,
            ast.Relay6Field: self._relay6_field,
            ast.OptionRef: self._option_ref,
            ast.Relay4Ref: self._relay4_ref,
            ast.Relay6Ref: self._relay6_ref,
            ast.VendorRef: self._vendor_ref,
            ast.VendorClassRef: self._vendor_class_ref,
            ast.Enterprise: self._enterprise,
        }

    def compile(self, node: ast.Node) -> Fn:
        return self._table[type(node)](node)

    # --- literals and logic --------------------------------------------------------

    def _literal(self, node: ast.Literal) -> Fn:
        value = node.value
        return lambda ctx: value

    def _equal(self, node: ast.Equal) -> Fn:
        left, right = node.left, node.right
        if isinstance(left, ast.Literal) and isinstance(right, ast.Literal):
            same = left.value == right.value
            return lambda ctx: same
        if isinstance(right, ast.Literal):
            a, value = self.compile(left), right.value
            return lambda ctx: a(ctx) == value
        if isinstance(left, ast.Literal):
            b, value = self.compile(right), left.value
            return lambda ctx: b(ctx) == value
        a, b = self.compile(left), self.compile(right)
        return lambda ctx: a(ctx) == b(ctx)

    def _not_(self, node: ast.Not) -> Fn:
        a = self.compile(node.operand)
        return lambda ctx: not a(ctx)

    def _and_(self, node: ast.And) -> Fn:
        a, b = self.compile(node.left), self.compile(node.right)
        if node.strict:
            return lambda ctx: bool(a(ctx) & b(ctx))
        return lambda ctx: a(ctx) and b(ctx)

    def _or_(self, node: ast.Or) -> Fn:
        a, b = self.compile(node.left), self.compile(node.right)
        if node.strict:
            return lambda ctx: bool(a(ctx) | b(ctx))
        return lambda ctx: a(ctx) or b(ctx)

    def _ifelse(self, node: ast.IfElse) -> Fn:
        c, t, o = self.compile(node.cond), self.compile(node.then), self.compile(node.other)
        if node.strict:
            return lambda ctx: _pick(c(ctx), t(ctx), o(ctx))
        return lambda ctx: t(ctx) if c(ctx) else o(ctx)

    def _member(self, node: ast.Member) -> Fn:
        name = node.name
        if name in ("KNOWN", "UNKNOWN"):
            return lambda ctx: ctx.in_class(name)
        return lambda ctx: name in ctx.classes

    def _match(self, node: ast.Match) -> Fn:
        pattern, value = regex(node.pattern), self.compile(node.value)
        return lambda ctx: pattern.fullmatch(value(ctx)) is not None

    # --- string functions ----------------------------------------------------------

    def _substring(self, node: ast.Substring) -> Fn:
        value, start, length = self.compile(node.value), node.start, node.length
        bounds = substring_bounds(start, length)
        if bounds is None:  # a number Kea cannot convert: fails on any non-empty value
            return lambda ctx: substring(value(ctx), start, length)
        first_octet, count = bounds
        return lambda ctx: substring_at(value(ctx), first_octet, count)

    def _split(self, node: ast.Split) -> Fn:
        value, delims, field = self.compile(node.value), self.compile(node.delimiters), node.field
        number = split_field(field)
        if number is None:  # a number Kea cannot convert: fails on any non-empty value
            return lambda ctx: split(value(ctx), delims(ctx), field)
        return lambda ctx: split_at(value(ctx), delims(ctx), number)

    def _call(self, node: ast.Call) -> Fn:
        args = [self.compile(arg) for arg in node.args]
        name = node.name
        if name == "concat":
            a, b = args
            return lambda ctx: a(ctx) + b(ctx)
        if name == "hexstring":
            a, b = args
            if isinstance(node.args[1], ast.Literal) and len(node.args[1].value) <= 1:
                sep = node.args[1].value  # bytes.hex() takes a one-octet separator
                return lambda ctx: a(ctx).hex(sep).encode() if sep else a(ctx).hex().encode()
            return lambda ctx: hexstring(a(ctx), b(ctx))
        (a,) = args
        if name in INT_TO_TEXT:
            return lambda ctx: int_to_text(name, a(ctx))
        one: dict[str, Callable[[bytes], bytes]] = {
            "addrtotext": addr_to_text, "lcase": bytes.lower, "ucase": bytes.upper}
        fn = one[name]
        return lambda ctx: fn(a(ctx))

    # --- packet fields -------------------------------------------------------------

    def _pkt_field(self, node: ast.PktField) -> Fn:
        name = node.field
        if node.scope != "pkt":
            return HEADER_FIELDS[node.scope, name]
        if name == "iface":
            return lambda ctx: ctx.iface.encode("utf-8", "surrogateescape")
        if name == "src":
            return lambda ctx: ctx.src
        if name == "dst":
            return lambda ctx: ctx.dst
        size = self._written_size
        return lambda ctx: ctx.length(size).to_bytes(4, "big")

    def _written_size(self, code: int, data: bytes) -> int:
        """Length of a top-level option's data as Kea writes it back."""
        if code not in self._norms:
            defn = self.defs.by_code(self.space, code)
            self._norms[code] = normalizer(defn, code, self.universe, True)
        norm = self._norms[code]
        return len(norm(data)) if norm else len(data)

    def _relay6_field(self, node: ast.Relay6Field) -> Fn:
        nest, which = node.nest, node.field
        return lambda ctx: ctx.relay_address(nest, which)

    # --- options ---------------------------------------------------------------------

    def _option_ref(self, node: ast.OptionRef) -> Fn:
        if len(node.codes) == 1:
            return self._top_option(node.codes[0], node.repr)
        return self._option(_top, node.codes, node.repr, self.space, True)

    def _relay4_ref(self, node: ast.Relay4Ref) -> Fn:
        # Kea's relay4[c] is option 82's sub-option c.
        return self._option(_top, (82, *node.codes), node.repr, self.space, True)

    def _top_option(self, code: int, repr_: ast.Repr) -> Fn:
        """The common case, ``option[c].hex|text|exists``, without the generic path."""
        if repr_ is ast.Repr.EXISTS:
            return lambda ctx: code in ctx.options
        defn = self.defs.by_code(self.space, code)
        if repr_ is ast.Repr.TEXT:
            render = self.text.renderer(code, defn, True)
            return lambda ctx: b"" if (v := ctx.options.get(code)) is None else render(v)
        norm = normalizer(defn, code, self.universe, True)
        if norm is None:
            return lambda ctx: ctx.options.get(code, b"")
        return lambda ctx: b"" if (v := ctx.options.get(code)) is None else norm(v)

    def _relay6_ref(self, node: ast.Relay6Ref) -> Fn:
        nest = node.nest
        return self._option(lambda ctx: ctx.relay_options(nest), node.codes, node.repr,
                            self.space, True)

    def _option(self, root: Callable[[Context], Mapping[int, bytes] | None],
                codes: tuple[int, ...], repr_: ast.Repr, space: str, top: bool) -> Fn:
        """``root`` gives the options the first code is looked up in."""
        resolve, defn, code, top = self._resolve(root, codes, space, top)
        if repr_ is ast.Repr.EXISTS:
            return lambda ctx: resolve(ctx) is not None
        if repr_ is ast.Repr.TEXT:
            render = self.text.renderer(code, defn, top)
            return lambda ctx: b"" if (v := resolve(ctx)) is None else render(v)
        norm = normalizer(defn, code, self.universe, top)
        if norm is None:
            return lambda ctx: resolve(ctx) or b""
        return lambda ctx: b"" if (v := resolve(ctx)) is None else norm(v)

    def _resolve(self, root: Callable[[Context], Mapping[int, bytes] | None],
                 codes: tuple[int, ...], space: str,
                 top: bool) -> tuple[Resolve, OptionDefinition | None, int, bool]:
        """A function finding the payload at the end of ``codes``, with the definition,
        code and level (top or not) of that last option."""
        code = codes[0]
        defn = self.defs.by_code(space, code) if space else None
        resolve = _root_resolver(root, code)
        for sub in codes[1:]:
            split = splitter(defn, code, self.universe, top)
            if split is None:  # Kea gives this option no sub-options
                return (lambda ctx: None), None, sub, False
            walker, space = split
            if top and root is _top:
                resolve = _cached_sub_resolver(code, walker, sub)
            else:
                resolve = _sub_resolver(resolve, walker, sub)
            code, top = sub, False
            defn = self.defs.by_code(space, sub) if space else None
        return resolve, defn, code, top

    def _vendor_ref(self, node: ast.VendorRef) -> Fn:
        enterprise, universe = node.enterprise, self.universe
        vcode = VIVSO if universe == 4 else VENDOR_OPTS6

        def vendor(ctx: Context) -> tuple[int, bytes] | None:
            found = _parsed(ctx, vcode, vendor_opts, universe)
            if found is None or (enterprise and found[0] != enterprise):
                return None  # no vendor option, or another vendor's (0 is any)
            return found

        if not node.codes:
            return lambda ctx: vendor(ctx) is not None

        def suboptions(ctx: Context) -> Mapping[int, bytes] | None:
            found = vendor(ctx)
            return None if found is None else dict(reversed(walk(found[1], universe)))

        space = vendor_space(enterprise) if enterprise else ""
        return self._option(suboptions, node.codes, node.repr, space, False)

    def _vendor_class_ref(self, node: ast.VendorClassRef) -> Fn:
        enterprise, index, universe = node.enterprise, node.index, self.universe
        vcode = VIVCO if universe == 4 else VENDOR_CLASS6

        def parsed(ctx: Context) -> tuple[int, list[bytes]] | None:
            found = _parsed(ctx, vcode, vendor_class, universe)
            if found is None or (enterprise and found[0] != enterprise):
                return None
            return found

        if node.field == "exists":
            return lambda ctx: parsed(ctx) is not None

        def data(ctx: Context) -> bytes:
            found = parsed(ctx)
            return b"" if found is None or index >= len(found[1]) else found[1][index]

        return data

    def _enterprise(self, node: ast.Enterprise) -> Fn:
        universe = self.universe
        if node.vendor_class:
            code = VIVCO if universe == 4 else VENDOR_CLASS6
        else:
            code = VIVSO if universe == 4 else VENDOR_OPTS6

        def enterprise(ctx: Context) -> bytes:
            data = ctx.options.get(code)
            # Both vendor options start with the enterprise number (RFC 3925, 8415).
            return b"" if data is None or len(data) < 4 else data[:4]

        return enterprise


# pkt4.X and pkt6.X: each reader is a method every context has (see Context).
HEADER_FIELDS: dict[tuple[str, str], Fn] = {
    ("pkt4", "mac"): lambda ctx: ctx.pkt4_mac(),
    ("pkt4", "hlen"): lambda ctx: ctx.pkt4_hlen(),
    ("pkt4", "htype"): lambda ctx: ctx.pkt4_htype(),
    ("pkt4", "ciaddr"): lambda ctx: ctx.pkt4_ciaddr(),
    ("pkt4", "giaddr"): lambda ctx: ctx.pkt4_giaddr(),
    ("pkt4", "yiaddr"): lambda ctx: ctx.pkt4_yiaddr(),
    ("pkt4", "siaddr"): lambda ctx: ctx.pkt4_siaddr(),
    ("pkt4", "msgtype"): lambda ctx: ctx.pkt4_msgtype(),
    ("pkt4", "transid"): lambda ctx: ctx.pkt4_transid(),
    ("pkt6", "msgtype"): lambda ctx: ctx.pkt6_msgtype(),
    ("pkt6", "transid"): lambda ctx: ctx.pkt6_transid(),
}


_T = TypeVar("_T")
_MISSING = object()


def _parsed(ctx: Context, code: int, read: Callable[[bytes, int], _T | None],
            universe: int) -> _T | None:
    """``read(payload of option code)``, once per context; None without the option."""
    key = ("parsed", code)
    found = ctx.cache.get(key, _MISSING)
    if found is _MISSING:
        data = ctx.options.get(code)
        found = ctx.cache[key] = None if data is None else read(data, universe)
    return found  # type: ignore[return-value]


def _top(ctx: Context) -> Mapping[int, bytes]:
    return ctx.options


def _pick(cond: bool, then: bytes, other: bytes) -> bytes:
    return then if cond else other


def _root_resolver(root: Callable[[Context], Mapping[int, bytes] | None],
                   code: int) -> Resolve:
    def resolve(ctx: Context) -> bytes | None:
        found = root(ctx)
        return None if found is None else found.get(code)
    return resolve


def _cached_sub_resolver(parent: int, walker: Callable[[bytes], list[tuple[int, bytes]]],
                         code: int) -> Resolve:
    """Sub-option ``code`` of top-level option ``parent``; the parent is split into
    sub-options once per context (relay agent sub-options are read by many tests)."""
    key = ("subs", parent)

    def resolve(ctx: Context) -> bytes | None:
        subs = ctx.cache.get(key)
        if subs is None:
            data = ctx.options.get(parent)
            # Kea finds the first instance of a code: later duplicates lose.
            subs = ctx.cache[key] = {} if data is None else dict(reversed(walker(data)))
        assert isinstance(subs, dict)
        return subs.get(code)
    return resolve


def _sub_resolver(parent: Resolve, walker: Callable[[bytes], list[tuple[int, bytes]]],
                  code: int) -> Resolve:
    def resolve(ctx: Context) -> bytes | None:
        data = parent(ctx)
        return None if data is None else first(walker(data), code)
    return resolve
