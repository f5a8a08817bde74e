"""The server's own identifiers and the relay information a lease may keep.

Server identifier (option 54) acceptance follows Kea's ``acceptServerId``: a
query naming a server identifier is for us when it is an address of one of our
interfaces, or a ``dhcp-server-identifier`` configured at the global, shared
network, subnet or client class level (RFC 2131 section 4.3.2: a REQUEST in
SELECTING state naming another server is that server's business). A relay may substitute its
own address (RFC 5107 server identifier override, sub-option 82/11); the client
then echoes that one, which is accepted too.

``store-extended-info`` keeps the relay agent information of the query in the
lease's user context the way Kea 2.4+ writes it::

    {"ISC": {"relay-agent-info": {"sub-options": "0x...", "remote-id": "...",
                                  "relay-id": "..."}}}
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet

from nestor.config.model import Config
from nestor.errors import MalformedPacket
from nestor.wire.optdata import ConfiguredOption
from nestor.wire.options4 import rai_get
from nestor.wire.packet4 import Packet4

SERVER_ID = 54
SERVER_ID_OVERRIDE = 11  # RFC 5107
REMOTE_ID = 2  # RFC 3046
RELAY_ID = 12  # RFC 6925


def _configured(options: Iterable[ConfiguredOption]) -> set[bytes]:
    return {o.payload for o in options if o.space == "dhcp4" and o.code == SERVER_ID}


class ServerIds:
    """Every server identifier the configuration sets, for acceptance checks."""

    def __init__(self, config: Config) -> None:
        ids = _configured(config.options)
        for s in config.subnets:
            ids |= _configured(s.options)
        for n in config.shared_networks:
            ids |= _configured(n.options)
        for c in config.client_classes:  # Kea 2.2 accepts these too (checked)
            ids |= _configured(c.options)
        self.configured = frozenset(ids)

    def ours(self, sid: bytes, query: Packet4, local: AbstractSet[int]) -> bool:
        if len(sid) != 4:
            return False
        if int.from_bytes(sid, "big") in local or sid in self.configured:
            return True
        if 82 in query.options:
            try:
                return rai_get(query.relay_agent_info or [], SERVER_ID_OVERRIDE) == sid
            except MalformedPacket:
                return False
        return False


def extended_info(query: Packet4) -> dict[str, object] | None:
    """The user context ``store-extended-info`` adds to a lease, or None without RAI."""
    rai = query.options.get(82)
    if not rai:
        return None
    info: dict[str, object] = {"sub-options": "0x" + rai.hex().upper()}
    try:
        subs = query.relay_agent_info or []
    except MalformedPacket:
        subs = []
    for code, key in ((REMOTE_ID, "remote-id"), (RELAY_ID, "relay-id")):
        value = rai_get(subs, code)
        if value:
            info[key] = value.hex().upper()
    return {"ISC": {"relay-agent-info": info}}
