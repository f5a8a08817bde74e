"""Differential testing of the DHCPv4 server against Kea 2.2.

``steps``      the data model: a scenario is a list of queries (steps) for one configuration
``table_*``    the scenario table, split by theme (``table_base`` holds step shorthands);
               ``scenarios`` joins them; ``configs`` holds the configurations they use
``client``     the scripted client run inside the client namespace (sends, captures)
``harness``    namespaces, server runs (Kea, then Nestor, same file), result collection
``compare``    the reply comparator and its difference report
"""
