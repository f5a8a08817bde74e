"""The sans-I/O DHCP engine: per-message decisions (query in, reply and send target out).

``nestor.engine.v4`` holds the DHCPv4 facade (:class:`~nestor.engine.v4.Engine4`);
the other modules are its parts:

* ``serve4``: per-configuration state and the first steps of serving a query;
* ``select``: subnet selection; ``classify``: client classes; ``hostres``: host
  reservations; ``client4``: the client's identity and Kea's lookups on it;
* ``alloc``: the free-address search; ``decide4``: which lease a DISCOVER or
  REQUEST gets; ``lease4``: lease changes and their statistics; ``expire4``:
  reclamation;
* ``replyopts``, ``build4``, ``names4``, ``identity``: reply options, header
  fields, host names, server identifiers; ``route4``: where a reply goes.
"""
