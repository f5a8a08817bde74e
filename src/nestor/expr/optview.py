"""Options as Kea's evaluator sees them: payloads, sub-options, vendor blocks.

Kea evaluates expressions on option *objects* built from the packet by its option
definitions, not on the raw bytes, and a few things follow from that:

* a ``string`` option loses its trailing NUL octets (Kea's ``OptionString``);
* only options whose definition encapsulates a space have sub-options, and writing
  them back (``.hex``) puts them in order of code (Kea keeps them in a multimap);
* DHCPv4 option 43 and the private options 224-254 are decoded after classification
  (Kea's deferred unpacking), so expressions see them as opaque: no sub-options;
* V-I vendor-specific information (125, DHCPv6 17) holds the sub-options of the first
  enterprise; V-I vendor class (124) is read as Kea 2.2 and 3.x read it: one opaque
  "tuple" per enterprise block (the block's data, inner length octets included);
  DHCPv6 vendor class (16) has proper tuples with 2-octet lengths.

Malformed data never raises here: walking stops at the first truncated item, the
way Kea's lenient option parser keeps what it could read.
"""

from __future__ import annotations

from collections.abc import Callable

from nestor.wire.optdefs import DataType, OptionDefinition

SubOptions = list[tuple[int, bytes]]
Splitter = Callable[[bytes], SubOptions]

VIVCO, VIVSO = 124, 125  # DHCPv4 vendor class / vendor-specific (RFC 3925)
VENDOR_CLASS6, VENDOR_OPTS6 = 16, 17  # RFC 8415 sections 21.16 and 21.17
DEFERRED4 = frozenset({43, *range(224, 255)})

FIXED_SIZE: dict[DataType, int] = {
    DataType.EMPTY: 0, DataType.BOOLEAN: 1, DataType.INT8: 1, DataType.UINT8: 1,
    DataType.INT16: 2, DataType.UINT16: 2, DataType.INT32: 4, DataType.UINT32: 4,
    DataType.IPV4_ADDRESS: 4, DataType.IPV6_ADDRESS: 16,
}
# DHCPv6 containers whose options follow a fixed header (RFC 8415 section 21):
# IA_NA, IA_TA, IAADDR, IA_PD, IAPREFIX. Kea encapsulates "dhcp6" in them.
CONTAINERS6: dict[int, int] = {3: 12, 4: 4, 5: 24, 25: 12, 26: 25}


def walk(data: bytes, universe: int) -> SubOptions:
    """Code/length/value items: 1-octet code and length in DHCPv4, 2-octet in DHCPv6."""
    out: SubOptions = []
    pos, end = 0, len(data)
    width = 1 if universe == 4 else 2
    while pos + 2 * width <= end:
        code = int.from_bytes(data[pos:pos + width], "big")
        size = int.from_bytes(data[pos + width:pos + 2 * width], "big")
        start = pos + 2 * width
        if start + size > end:
            break
        out.append((code, data[start:start + size]))
        pos = start + size
    return out


def first(items: SubOptions, code: int) -> bytes | None:
    for c, v in items:
        if c == code:
            return v
    return None


def fixed_prefix(defn: OptionDefinition) -> int | None:
    """Octets of data before the encapsulated options; None when not fixed."""
    if defn.array:
        return None
    types = defn.record_types if defn.type is DataType.RECORD else (defn.type,)
    sizes = [FIXED_SIZE.get(t) for t in types]
    return None if any(s is None for s in sizes) else sum(s for s in sizes if s is not None)


def splitter(defn: OptionDefinition | None, code: int, universe: int,
             top: bool) -> tuple[Splitter, str] | None:
    """How to find the sub-options of option ``code`` and the space they live in;
    None when Kea gives it none."""
    if universe == 4 and top and code in DEFERRED4:
        return None
    if top and code == (VIVSO if universe == 4 else VENDOR_OPTS6):
        # The vendor's space depends on the enterprise number in the data; text
        # through this path renders sub-options without definitions.
        return (lambda data: _vendor_subs(data, universe)), ""
    if universe == 6 and top and code in CONTAINERS6:
        skip6 = CONTAINERS6[code]
        return (lambda data: walk(data[skip6:], 6)), "dhcp6"
    if defn is None or not defn.encapsulate:
        return None
    skip = fixed_prefix(defn)
    if skip is None:
        return None
    return (lambda data: walk(data[skip:], universe)), defn.encapsulate


def vendor_opts(data: bytes, universe: int) -> tuple[int, bytes] | None:
    """(enterprise, sub-option bytes) of a vendor-specific option: the first
    enterprise block in DHCPv4 (RFC 3925 section 4), all of it in DHCPv6."""
    if len(data) < 4:
        return None
    enterprise = int.from_bytes(data[:4], "big")
    if universe == 6:
        return enterprise, data[4:]
    if len(data) < 5:
        return enterprise, b""
    return enterprise, data[5:5 + data[4]]


def _vendor_subs(data: bytes, universe: int) -> SubOptions:
    parsed = vendor_opts(data, universe)
    return [] if parsed is None else walk(parsed[1], universe)


def vendor_class(data: bytes, universe: int) -> tuple[int, list[bytes]] | None:
    """(enterprise, tuples) of a vendor class option, as Kea reads it (module doc)."""
    if len(data) < 4:
        return None
    enterprise = int.from_bytes(data[:4], "big")
    tuples: list[bytes] = []
    pos, end = 4, len(data)
    width = 1 if universe == 4 else 2
    while pos + width <= end:
        size = int.from_bytes(data[pos:pos + width], "big")
        if pos + width + size > end:
            break
        tuples.append(data[pos + width:pos + width + size])
        # DHCPv4: the next enterprise number precedes the next block; Kea skips it.
        pos += width + size + (4 if universe == 4 else 0)
    return enterprise, tuples


def repack(items: SubOptions, universe: int) -> bytes:
    """Sub-options written back in code order (stable for equal codes)."""
    width = 1 if universe == 4 else 2
    return b"".join(c.to_bytes(width, "big") + len(v).to_bytes(width, "big") + v
                    for c, v in sorted(items, key=lambda item: item[0]))


def normalizer(defn: OptionDefinition | None, code: int, universe: int,
               top: bool) -> Callable[[bytes], bytes] | None:
    """What ``.hex`` returns instead of the raw payload (None: the raw payload)."""
    if universe == 4 and top and code in DEFERRED4:
        return None
    if universe == 4 and top and code == VIVSO:
        return _vivso_binary
    if defn is not None and defn.type is DataType.STRING and not defn.array:
        return _strip_nul
    split = splitter(defn, code, universe, top)
    if split is None or universe == 6:
        return None
    walker = split[0]
    skip = fixed_prefix(defn) if defn is not None else 0
    return lambda data: data[:skip or 0] + repack(walker(data), universe)


def _strip_nul(data: bytes) -> bytes:
    return data.rstrip(b"\0")


def _vivso_binary(data: bytes) -> bytes:
    parsed = vendor_opts(data, 4)
    if parsed is None:
        return data
    enterprise, subs = parsed
    body = repack(walk(subs, 4), 4)
    return enterprise.to_bytes(4, "big") + bytes((len(body) & 0xFF,)) + body


def vendor_space(enterprise: int) -> str:
    """Kea's name of a vendor's option space (``vendor-4491``)."""
    return f"vendor-{enterprise}"
