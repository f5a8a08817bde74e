"""Side-by-side DHCPv4 benchmark: Nestor against Kea 2.2, driven by perfdhcp.

Run it with ``bench/run`` (see ``bench/README.md``). The pure parts
(:mod:`.perfout`, :mod:`.search`, :mod:`.leasecheck`) are unit tested; the
rest drives network namespaces and processes and needs root.
"""
