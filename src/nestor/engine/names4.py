"""The Host Name option (12) or Client FQDN option (81) of a reply, and the lease's name.

Kea's ``processHostnameOption`` / ``processClientFqdnOption`` (ARM "DDNS for
DHCPv4"), without sending the DNS updates (that is the DDNS work's business);
checked against Kea 2.2, which does all of this even with updates disabled:

* a reserved host name wins (lower case, qualified with ``ddns-qualifying-suffix``);
  for option 12 only when the client sent option 12 or asked for it (55);
* a name the client sent is trimmed, scrubbed with ``hostname-char-set`` /
  ``hostname-char-replacement``, lower-cased and, when partial (one label for
  option 12, no root label for 81), qualified with the suffix; an empty option 12
  is ignored (RFC 2132 section 3.14 requires one octet);
* the server makes up ``<ddns-generated-prefix>-<a>-<b>-<c>-<d>.<suffix>`` from
  the leased address when ``ddns-replace-client-name`` says so (``always``,
  ``when-present`` with a name sent, ``when-not-present`` without one) or the
  client sent an empty FQDN or the root name ".";
* option 81 (RFC 4702): the server's S/O/N flags follow Kea's ``analyzeFqdn`` (with
  updates disabled: S=0, N=1, O set when the client had asked for S), the E bit
  and rcodes are copied, the name is always fully qualified. A client sending
  both 81 and 12 gets 81 only (RFC 4702 section 3.1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from nestor.config.model import NetworkParams, Reservation
from nestor.errors import OptionDataError
from nestor.wire.dnsname import text_to_wire
from nestor.wire.packet4 import Packet4

HOST_NAME = 12
CLIENT_FQDN = 81
FLAG_S, FLAG_O, FLAG_E, FLAG_N = 0x01, 0x02, 0x04, 0x08  # RFC 4702 section 2.1
GENERATE = ""  # a name placeholder: made up from the leased address
# ddns-replace-client-name -> (replace a name the client sent, make one when it sent none)
REPLACE_MODES: dict[str, tuple[bool, bool]] = {
    "never": (False, False), "always": (True, True),
    "when-present": (True, False), "when-not-present": (False, True),
}


@dataclass(frozen=True, slots=True)
class ClientName:
    """The name option of a reply and the lease's host name (the payload of a name to
    be generated is completed by :meth:`resolve`)."""

    code: int  # 12 or 81
    payload: bytes  # option 81: flags and rcodes, plus the name once known
    hostname: str
    fwd: bool = False
    rev: bool = False
    generate: str = ""  # the name prefix, when the server makes the name up
    suffix: str = ""

    def resolve(self, addr: int) -> ClientName:
        """The final option and name for the leased address ``addr``."""
        if not self.generate:
            return self
        dashed = f"{addr >> 24}-{addr >> 16 & 255}-{addr >> 8 & 255}-{addr & 255}"
        name = qualify(f"{self.generate}-{dashed}", self.suffix)
        if self.code == HOST_NAME:
            return replace(self, payload=name.encode(), hostname=name, generate="")
        wire = bool(self.payload[0] & FLAG_E)
        full = name + "."
        return replace(self, payload=self.payload[:3] + _encode(full, wire), hostname=full,
                       generate="")


@lru_cache(maxsize=64)
def _scrubber(char_set: str) -> re.Pattern[str] | None:
    try:
        return re.compile(char_set) if char_set else None
    except re.error:
        return None


def qualify(name: str, suffix: str) -> str:
    """Kea's ``qualifyName`` without a trailing dot."""
    if suffix and not name.endswith("."):
        name = f"{name}.{suffix}"
    return name.rstrip(".")


def _scrub(name: str, params: NetworkParams) -> str:
    scrub = _scrubber(params.hostname_char_set or "")
    if scrub is not None:
        name = scrub.sub(params.hostname_char_replacement or "", name)
    return name.lower()


def reply_name(query: Packet4, params: NetworkParams, host: Reservation | None,
               updates: bool) -> ClientName | None:
    """Option 81 when the client sent one, else option 12, else nothing."""
    if CLIENT_FQDN in query.options:
        return client_fqdn(query.options[CLIENT_FQDN], params, host, updates)
    name = client_name(query, params, host)
    if name is None:
        return None
    if name == GENERATE:
        return ClientName(HOST_NAME, b"", "", generate=params.ddns_generated_prefix or "myhost",
                          suffix=params.ddns_qualifying_suffix or "")
    return ClientName(HOST_NAME, name.encode(), name)


def client_name(query: Packet4, params: NetworkParams,
                host: Reservation | None) -> str | None:
    """The name for the reply's option 12, :data:`GENERATE`, or None for no option."""
    sent = query.options.get(HOST_NAME)
    suffix = params.ddns_qualifying_suffix or ""
    if host is not None and host.hostname:
        # Sent whether or not the client asked for it (Kea's processHostnameOption;
        # checked against Kea 2.2 with classify2.json's reservations).
        return qualify(host.hostname, suffix).lower()
    replace_sent, make_one = REPLACE_MODES.get(params.ddns_replace_client_name or "never",
                                               (False, False))
    if sent is None:
        return GENERATE if make_one else None
    name = sent.rstrip(b"\0").decode("utf-8", "replace").strip()
    if not name:
        return None
    labels = [x for x in name.split(".") if x]
    if replace_sent or not labels:
        return GENERATE  # "." or a name the configuration replaces
    name = _scrub(name, params)
    return qualify(name, suffix) if len(labels) == 1 else name


def _fqdn_text(data: bytes, wire: bool) -> tuple[str, bool]:
    """(name, fully qualified) of the domain name field of option 81; a wire name
    without its root label is partial (RFC 4702 section 2.3)."""
    if not wire:
        text = data.decode("ascii", "replace").strip()
        return text.rstrip("."), text.endswith(".")
    labels: list[str] = []
    pos = 0
    while pos < len(data):
        n = data[pos]
        if n == 0:
            return ".".join(labels), True
        labels.append(data[pos + 1:pos + 1 + n].decode("ascii", "replace"))
        pos += 1 + n
    return ".".join(labels), False


def _server_flags(client: int, params: NetworkParams, updates: bool) -> int:
    """Kea's ``analyzeFqdn``/``adjustFqdnFlags``: the server does the updates (S) when
    they are enabled and the client asked for it, or an override says so; N is the
    opposite of S; O marks that the server overrode the client's S."""
    if client & FLAG_S:
        s = updates
    elif client & FLAG_N:
        s = updates and bool(params.ddns_override_no_update)
    else:
        s = updates and bool(params.ddns_override_client_update)
    flags = (FLAG_S if s else FLAG_N) | (client & FLAG_E)
    if bool(client & FLAG_S) != s:
        flags |= FLAG_O
    return flags


def _encode(name: str, wire: bool) -> bytes:
    return text_to_wire(name) if wire else name.encode()


def client_fqdn(raw: bytes, params: NetworkParams, host: Reservation | None,
                updates: bool) -> ClientName | None:
    if len(raw) < 3:
        return None
    flags = raw[0]
    wire = bool(flags & FLAG_E)
    name, full = _fqdn_text(raw[3:], wire)
    suffix = params.ddns_qualifying_suffix or ""
    replace_sent, _ = REPLACE_MODES.get(params.ddns_replace_client_name or "never",
                                        (False, False))
    out = _server_flags(flags, params, updates)
    head = bytes((out,)) + raw[1:3]
    fwd, rev = bool(out & FLAG_S), not out & FLAG_N
    if host is not None and host.hostname:
        name = qualify(host.hostname, suffix).lower() + "."
    elif replace_sent or not name:
        return ClientName(CLIENT_FQDN, head, "", fwd, rev,
                          generate=params.ddns_generated_prefix or "myhost", suffix=suffix)
    else:
        name = _scrub(name, params)
        name = (name if full else qualify(name, suffix)) + "."
    try:
        encoded = _encode(name, wire)
    except OptionDataError:
        return None
    return ClientName(CLIENT_FQDN, head + encoded, name, fwd, rev)
