"""Reading a DHCPv6 lease from ``lease6-add``/``-update``/``-bulk-apply`` arguments:
Kea 2.2's ``Lease6Parser``, checks and texts in its order."""

from __future__ import annotations

import ipaddress

from nestor.config.model import Config
from nestor.control.lease_args import lease_cltt, parse_tail, subnet_for
from nestor.control.lease_json import (
    Refused,
    as_map,
    get_address,
    get_int,
    get_string,
    parse_duid,
    parse_hwaddr,
)
from nestor.leases.lease import Lease6, LeaseType

# Lease6Parser's names for ``type`` (its refusal calls them na, ta and pd).
TYPES = {"IA_NA": LeaseType.NA, "IA_TA": LeaseType.TA, "IA_PD": LeaseType.PD}


def _type_and_length(info: dict[str, object] | object) -> tuple[int, int]:
    params = as_map(info)
    if "type" not in params:
        return LeaseType.NA, 128
    text = get_string(params, "type")
    if text not in TYPES:
        raise Refused(f"Incorrect lease type: {text}, the only supported values are: na, ta "
                      "and pd")
    if TYPES[text] == LeaseType.PD:
        return LeaseType.PD, get_int(params, "prefix-len", "uint8")
    return TYPES[text], 128


def parse_lease6(config: Config, arguments: object, now: int) -> tuple[Lease6, bool]:
    """A lease and ``force-create``; Kea only checks an address lease against its subnet's
    prefix, and needs ``subnet-id`` for the other types."""
    info = as_map(arguments)
    addr = get_address(info, "ip-address")
    if not isinstance(addr, ipaddress.IPv6Address):
        raise Refused(f"Non-IPv6 address specified: {addr}")
    duid = parse_duid(get_string(info, "duid"))
    lease_type, prefix_len = _type_and_length(info)
    subnet_id = get_int(info, "subnet-id", "uint32") if "subnet-id" in info else 0
    if not subnet_id and lease_type != LeaseType.NA:
        raise Refused("Subnet-id is 0 or not specified. This is allowed for address leases "
                      "only, not prefix leases.")
    subnet = subnet_for(config, addr, subnet_id, check_range=lease_type == LeaseType.NA)
    iaid = get_int(info, "iaid", "uint32")
    hwaddr = parse_hwaddr(get_string(info, "hw-address")) if "hw-address" in info else None
    valid = get_int(info, "valid-lft", "uint32") if "valid-lft" in info else \
        subnet.valid.default
    # Kea 2.2 defaults the preferred lifetime to the subnet's *valid* lifetime.
    preferred = get_int(info, "preferred-lft", "uint32") if "preferred-lft" in info else \
        subnet.valid.default
    cltt = lease_cltt(info, addr, valid, now)
    tail = parse_tail(info)
    lease = Lease6(int(addr), duid, iaid, lease_type, prefix_len, preferred, valid, cltt,
                   subnet.id, tail.fwd, tail.rev, tail.hostname, hwaddr, state=tail.state,
                   user_context=tail.user_context)
    return lease, tail.force
