"""Where a DHCPv4 reply goes: RFC 2131 section 4.1, as Kea's ``adjustIfaceData`` does it.

In order:

1. giaddr set: to the relay, port 67. A relay that told us its source port
   (RFC 8357, sub-option 82/19) gets the reply on that port. An INFORM relayed
   with ciaddr set goes straight to ciaddr (RFC 2131 section 4.3.5).
2. ciaddr set and the reply is not a DHCPNAK: unicast to ciaddr, port 68.
3. DHCPNAK, or the client asked for broadcast: 255.255.255.255.
4. yiaddr set: layer-2 unicast to chaddr/yiaddr (the client has no address yet).
5. otherwise (an INFORM without ciaddr): back to the query's source address.

``outbound-interface: use-routing`` turns relay replies into routed unicast.
"""

from __future__ import annotations

from nestor.transport.route import (
    DHCP4_CLIENT_PORT,
    DHCP4_SERVER_PORT,
    SendTarget,
    broadcast,
    direct,
    routed,
    unicast,
)
from nestor.wire.options4 import MessageType
from nestor.wire.packet4 import Packet4, ip4_text

RELAY_SOURCE_PORT = 19  # RFC 8357 section 4
_ACK, _NAK, _INFORM = int(MessageType.ACK), int(MessageType.NAK), bytes((MessageType.INFORM,))


def _relay_port(query: Packet4, sport: int) -> int:
    rai = query.options.get(82)
    if rai and sport:
        # Walk the raw sub-options: cheaper than a parse on the hot path.
        pos, end = 0, len(rai)
        while pos + 1 < end:
            if rai[pos] == RELAY_SOURCE_PORT:
                return sport
            pos += 2 + rai[pos + 1]
    return DHCP4_SERVER_PORT


def route(query: Packet4, reply: Packet4, reply_type: int, ifindex: int, sport: int,
          src: int, source: str, use_routing: bool = False) -> SendTarget:
    """The send target of ``reply`` (of ``reply_type``) answering ``query``."""
    giaddr, ciaddr = query.giaddr, query.ciaddr
    if giaddr:
        if reply_type == _ACK and ciaddr and query.options.get(53) == _INFORM:
            return unicast(ip4_text(ciaddr), DHCP4_CLIENT_PORT, ifindex, source)
        make = routed if use_routing else unicast
        return make(ip4_text(giaddr), _relay_port(query, sport), ifindex, source)
    if ciaddr and reply_type != _NAK:
        return unicast(ip4_text(ciaddr), DHCP4_CLIENT_PORT, ifindex, source)
    if reply_type == _NAK or query.flags & 0x8000:
        return broadcast(ifindex, DHCP4_CLIENT_PORT, source)
    if reply.yiaddr:
        return direct(query.hwaddr, ip4_text(reply.yiaddr), ifindex, DHCP4_CLIENT_PORT, source)
    if src:
        return unicast(ip4_text(src), DHCP4_CLIENT_PORT, ifindex, source)
    return broadcast(ifindex, DHCP4_CLIENT_PORT, source)
