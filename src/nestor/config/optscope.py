"""Which configured options apply to a client: Kea's scope precedence for option data.

Kea ARM, "DHCPv4 Server Configuration" (options): "the current Kea options
precedence order is (from most important to least): host reservation, pool,
subnet, shared network, class, global". Classes count in the order the client
was put in them. For each (space, code) the most specific scope that
configures it wins; all instances it configures are kept (DHCPv6 allows an
option to appear more than once).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from nestor.config.model import Config, PdPool, Pool, Reservation, Subnet
from nestor.config.options import ConfiguredOption


def option_scopes(config: Config, subnet: Subnet | None = None,
                  pool: Pool | PdPool | None = None, host: Reservation | None = None,
                  classes: Sequence[str] = ()) -> list[list[ConfiguredOption]]:
    """The option lists that apply, most specific first."""
    scopes: list[list[ConfiguredOption]] = []
    if host is not None:
        scopes.append(host.options)
    if pool is not None:
        scopes.append(pool.options)
    if subnet is not None:
        scopes.append(subnet.options)
        network = next((n for n in config.shared_networks
                        if n.name == subnet.shared_network), None) \
            if subnet.shared_network else None
        if network is not None:
            scopes.append(network.options)
    by_name = {c.name: c for c in config.client_classes}
    scopes.extend(by_name[name].options for name in classes if name in by_name)
    scopes.append(config.options)
    return scopes


def effective_options(scopes: Iterable[list[ConfiguredOption]]) -> list[ConfiguredOption]:
    """Merge scopes (most specific first): the first scope to set a (space, code) wins."""
    taken: set[tuple[str, int]] = set()
    out: list[ConfiguredOption] = []
    for options in scopes:
        here: set[tuple[str, int]] = set()
        for opt in options:
            key = (opt.space, opt.code)
            if key in taken:
                continue
            here.add(key)
            out.append(opt)
        taken |= here
    return out
