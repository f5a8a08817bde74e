"""``option[...].text``: the text Kea's option objects give for themselves.

Kea's ``.text`` is ``Option::toString()``: the value of a string option, and for any
other option its debugging text, ``toText(0)``, whose layout depends on the option
class Kea's factory picks from the definition:

* no definition, ``binary``, ``empty``: ``type=061, len=007: 01:02:03``;
* one integer: ``type=057, len=002: 1400 (uint16)``; an integer array:
  ``type=055, len=003: 1(uint8) 3(uint8) 6(uint8)``;
* an IPv4 address list: ``type=006, len=008: 192.0.2.1 192.0.2.2``;
* everything else (single address, boolean, fqdn, records): one `` value (type)`` per
  field, ``type=050, len=004: 192.0.2.150 (ipv4-address)``;
* sub-options follow as ``,\\noptions:`` and one indented line each;
* DHCPv4 81, 124 and 125, DHCPv6 3, 5, 16, 17, 25 and 26 have classes of their own.

Codes are zero-padded to 3 digits in DHCPv4, 5 in DHCPv6. The data of the packet is
carried through as latin-1 text so every octet comes back unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

from nestor.expr.optview import (
    DEFERRED4,
    FIXED_SIZE,
    VENDOR_CLASS6,
    VENDOR_OPTS6,
    VIVCO,
    VIVSO,
    fixed_prefix,
    normalizer,
    splitter,
    vendor_class,
    vendor_opts,
    vendor_space,
    walk,
)
from nestor.expr.strfuncs import ipv6_text
from nestor.wire.optdefs import DataType, DefinitionSet, OptionDefinition

_INTS = frozenset({DataType.INT8, DataType.INT16, DataType.INT32, DataType.UINT8,
                   DataType.UINT16, DataType.UINT32})
_SIGNED = frozenset({DataType.INT8, DataType.INT16, DataType.INT32})
FQDN4 = 81  # RFC 4702 client FQDN: flags, two RCODEs, domain name
IA_NA, IAADDR, IA_PD, IAPREFIX = 3, 5, 25, 26  # RFC 8415 sections 21.4, 21.6, 21.21, 21.22
_FQDN_FLAGS = (("N", 0x08), ("E", 0x04), ("O", 0x02), ("S", 0x01))


def latin(data: bytes) -> str:
    return data.decode("latin-1")


class TextRenderer:
    """Renders options of one universe with one set of definitions."""

    def __init__(self, defs: DefinitionSet, universe: int) -> None:
        self.defs = defs
        self.universe = universe
        self.space = "dhcp4" if universe == 4 else "dhcp6"
        self.width = 3 if universe == 4 else 5
        # Option classes of their own, by code in the top-level space.
        special = Callable[[bytes, int, int], "str | None"]
        self._specials: dict[int, special] = (
            {VIVCO: self._vendor_class, VIVSO: self._vendor_opts, FQDN4: self._fqdn4}
            if universe == 4 else
            {IA_NA: self._ia, IA_PD: self._ia, IAADDR: self._iaaddr, IAPREFIX: self._iaprefix,
             VENDOR_CLASS6: self._vendor_class, VENDOR_OPTS6: self._vendor_opts})

    def renderer(self, code: int, defn: OptionDefinition | None,
                 top: bool) -> Callable[[bytes], bytes]:
        """:meth:`to_string` for one option, decided once."""
        if self._is_string(code, defn, top):
            return _strip_nul
        return lambda data: self.to_text(data, code, defn, top, 0).encode("latin-1")

    def to_string(self, data: bytes, code: int, defn: OptionDefinition | None,
                  top: bool) -> bytes:
        """Kea's ``Option::toString()``."""
        return self.renderer(code, defn, top)(data)

    def _is_string(self, code: int, defn: OptionDefinition | None, top: bool) -> bool:
        """Kea's ``OptionString`` (not for options decoded after classification)."""
        if self.universe == 4 and top and code in DEFERRED4:
            return False
        return defn is not None and defn.type is DataType.STRING and not defn.array

    def header(self, code: int, size: int, indent: int) -> str:
        return f"{' ' * indent}type={code:0{self.width}d}, len={size:0{self.width}d}"

    def to_text(self, data: bytes, code: int, defn: OptionDefinition | None, top: bool,
                indent: int) -> str:
        """Kea's ``toText(indent)`` for the option class the definition selects."""
        if top or (defn is not None and defn.space == self.space):
            special = self._specials.get(code)
            if special is not None:
                text = special(data, code, indent)
                if text is not None:
                    return text
            if self.universe == 4 and top and code in DEFERRED4:
                defn = None
        norm = normalizer(defn, code, self.universe, top)
        size = len(norm(data) if norm else data)
        head = self.header(code, size, indent)
        if defn is None or defn.type is DataType.BINARY or (
                defn.type is DataType.EMPTY and not defn.encapsulate):
            return f"{head}: {data.hex(':')}"
        if defn.type is DataType.STRING and not defn.array:
            value = latin(data.rstrip(b"\0"))
            return f'{head}: "{value}" (string)'
        split = splitter(defn, code, self.universe, top)
        subs = self._suboptions(split[0](data), split[1], indent) if split else ""
        skip = fixed_prefix(defn) if split else None
        body = data[:skip] if skip is not None else data
        if defn.type in _INTS and not defn.array:
            return f"{head}: {_number(defn.type, body)} ({defn.type.value}){subs}"
        if defn.type in _INTS:
            step = FIXED_SIZE[defn.type]
            values = [_number(defn.type, body[i:i + step])
                      for i in range(0, len(body) - step + 1, step)]
            return head + ":" + "".join(f" {v}({defn.type.value})" for v in values)
        if defn.type is DataType.IPV4_ADDRESS and defn.array:
            return head + ":" + "".join(f" {_field_value(DataType.IPV4_ADDRESS, body[i:i + 4])}"
                                        for i in range(0, len(body) - 3, 4))
        fields = custom_fields(defn, body, self.universe)
        if fields is None:
            return f"{head}: {data.hex(':')}"
        return head + ":" + "".join(f" {text} ({t.value})" for t, text in fields) + subs

    def _suboptions(self, items: list[tuple[int, bytes]], space: str, indent: int) -> str:
        if not items:
            return ""
        lines = [self.to_text(v, c, self.defs.by_code(space, c) if space else None, False,
                              indent + 2)
                 for c, v in sorted(items, key=lambda item: item[0])]
        return ",\noptions:" + "".join("\n" + line for line in lines)

    def _vendor_class(self, data: bytes, code: int, indent: int) -> str | None:
        """Kea's ``OptionVendorClass``: unpadded code, and the tuples quoted."""
        parsed = vendor_class(data, self.universe)
        if parsed is None:
            return None
        enterprise, tuples = parsed
        if self.universe == 4:
            size = sum(5 + len(t) for t in tuples) if tuples else 4
        else:
            size = 4 + sum(2 + len(t) for t in tuples)
        text = f"{' ' * indent}type={code}, len={size},  enterprise id=0x{enterprise:x}"
        for i, t in enumerate(tuples):
            text += f", data-len{i}={len(t)}, vendor-class-data{i}='{latin(t)}'"
        return text

    def _vendor_opts(self, data: bytes, code: int, indent: int) -> str | None:
        """Kea's ``OptionVendor``: the enterprise number (and in DHCPv4 the data-len),
        then the vendor's sub-options."""
        parsed = vendor_opts(data, self.universe)
        if parsed is None:
            return None
        enterprise, subs = parsed
        items = walk(subs, self.universe)
        hdr = 2 if self.universe == 4 else 4
        fixed = 5 if self.universe == 4 else 4
        size = fixed + sum(hdr + len(v) for _, v in items)
        data_len = f" {size - 5} (uint8)" if self.universe == 4 else ""
        subs_text = self._suboptions(items, vendor_space(enterprise), indent)
        return (f"{self.header(code, size, indent)}: {enterprise} (uint32){data_len}"
                f"{subs_text}")

    def _named_header(self, code: int, name: str, size: int, indent: int) -> str:
        return f"{' ' * indent}type={code:05d}({name}), len={size:05d}"

    def _ia(self, data: bytes, code: int, indent: int) -> str | None:
        """Kea's ``Option6IA`` (IA_NA, IA_PD): IAID and timers, then options."""
        if len(data) < 12:
            return None
        iaid, t1, t2 = (int.from_bytes(data[i:i + 4], "big") for i in (0, 4, 8))
        name = "IA_NA" if code == IA_NA else "IA_PD"
        subs = self._suboptions(walk(data[12:], 6), self.space, indent)
        return (f"{self._named_header(code, name, len(data), indent)}: "
                f"iaid={iaid}, t1={t1}, t2={t2}{subs}")

    def _iaaddr(self, data: bytes, code: int, indent: int) -> str | None:
        """Kea's ``Option6IAAddr``."""
        if len(data) < 24:
            return None
        preferred, valid = (int.from_bytes(data[i:i + 4], "big") for i in (16, 20))
        subs = self._suboptions(walk(data[24:], 6), self.space, indent)
        return (f"{self._named_header(code, 'IAADDR', len(data), indent)}: "
                f"address={ipv6_text(data[:16])}, preferred-lft={preferred}, "
                f"valid-lft={valid}{subs}")

    def _iaprefix(self, data: bytes, code: int, indent: int) -> str | None:
        """Kea's ``Option6IAPrefix``."""
        if len(data) < 25:
            return None
        preferred, valid = (int.from_bytes(data[i:i + 4], "big") for i in (0, 4))
        subs = self._suboptions(walk(data[25:], 6), self.space, indent)
        return (f"{self._named_header(code, 'IAPREFIX', len(data), indent)}: "
                f"prefix={ipv6_text(data[9:25])}/{data[8]}, preferred-lft={preferred}, "
                f"valid-lft={valid}{subs}")

    def _fqdn4(self, data: bytes, code: int, indent: int) -> str | None:
        """Kea's ``Option4ClientFqdn``: flags and the name, no RCODEs."""
        if len(data) < 3:
            return None
        flags = data[0]
        shown = ", ".join(f"{name}={int(bool(flags & bit))}" for name, bit in _FQDN_FLAGS)
        if flags & 0x04:  # E: canonical wire format (RFC 4702 section 2.1)
            labels, full = _wire_labels(data[3:])
            name = ".".join(labels) + ("." if full else "")
        else:  # deprecated ASCII encoding
            name = latin(data[3:])
            full = name.endswith(".")
        kind = "full" if full else "partial"
        return (f"{' ' * indent}type={FQDN4} (CLIENT_FQDN), flags: ({shown}), "
                f"domain-name='{name}' ({kind})")


def _strip_nul(data: bytes) -> bytes:
    return data.rstrip(b"\0")


def _number(kind: DataType, data: bytes) -> int:
    return int.from_bytes(data, "big", signed=kind in _SIGNED)


def _wire_labels(data: bytes) -> tuple[list[str], bool]:
    """Labels of a domain name in wire format, and whether it ended with the root."""
    labels: list[str] = []
    pos = 0
    while pos < len(data):
        size = data[pos]
        if size == 0:
            return labels, True
        labels.append(latin(data[pos + 1:pos + 1 + size]))
        pos += 1 + size
    return labels, False


def _field_value(kind: DataType, data: bytes) -> str:
    if kind is DataType.BINARY:
        return data.hex().upper()
    if kind is DataType.BOOLEAN:
        return "true" if data[0] else "false"
    if kind in _INTS:
        return str(_number(kind, data))
    if kind is DataType.IPV4_ADDRESS:
        return ".".join(str(o) for o in data)
    if kind is DataType.IPV6_ADDRESS:
        return ipv6_text(data)
    if kind is DataType.FQDN:
        labels, _ = _wire_labels(data)
        return '"' + "".join(label + "." for label in labels) + '"'
    return '"' + latin(data) + '"'  # string, tuple


def _field_size(kind: DataType, data: bytes, universe: int) -> int | None:
    """Octets the next field of ``kind`` takes at the start of ``data``."""
    fixed = FIXED_SIZE.get(kind)
    if fixed is not None:
        return fixed if len(data) >= fixed else None
    if kind in (DataType.BINARY, DataType.STRING):
        return len(data)
    if kind is DataType.FQDN:
        pos = 0
        while pos < len(data) and data[pos]:
            pos += 1 + data[pos]
        return pos + 1 if pos < len(data) else None
    if kind is DataType.TUPLE:
        width = 1 if universe == 4 else 2
        size = width + int.from_bytes(data[:width], "big")
        return size if len(data) >= size else None
    if kind is DataType.IPV6_PREFIX:
        size = 1 + (data[0] + 7) // 8 if data else 0
        return size if data and len(data) >= size else None
    return None


def _field_text(kind: DataType, data: bytes, universe: int) -> str:
    if kind is DataType.TUPLE:
        return '"' + latin(data[1 if universe == 4 else 2:]) + '"'
    if kind is DataType.IPV6_PREFIX:
        prefix = data[1:].ljust(16, b"\0")
        return f"{ipv6_text(prefix)}/{data[0]}"
    if kind is DataType.PSID:
        return f"len={data[0]},psid={int.from_bytes(data[1:3], 'big')}"
    return _field_value(kind, data)


def custom_fields(defn: OptionDefinition, data: bytes,
                  universe: int) -> list[tuple[DataType, str]] | None:
    """The fields of an option Kea keeps as ``OptionCustom``; None if they do not fit."""
    types = list(defn.record_types) if defn.type is DataType.RECORD else [defn.type]
    out: list[tuple[DataType, str]] = []
    pos, i = 0, 0
    while i < len(types) or (defn.array and pos < len(data)):
        kind = types[min(i, len(types) - 1)]
        if kind is DataType.PSID:
            size: int | None = 3 if len(data) - pos >= 3 else None
        else:
            size = _field_size(kind, data[pos:], universe)
        if size is None or (size == 0 and i >= len(types)):
            return None
        if kind is not DataType.EMPTY:  # "empty" has no field to show
            out.append((kind, _field_text(kind, data[pos:pos + size], universe)))
        pos += size
        i += 1
    return out
