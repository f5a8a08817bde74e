"""The server processes: what turns the sans-I/O engine into a running daemon.

* :mod:`.dhcp4` - :class:`Server4`: start-up, reconfiguration (SIGHUP, and
  later ``config-reload``), shutdown; owns the lease store, sockets, engine;
* :mod:`.pipeline` - one batch: receive, parse, decide, commit leases, send;
* :mod:`.loop` - the asyncio event loop: socket readers, timers, signals;
* :mod:`.build4` - turning a loaded configuration into the parts the server runs;
* :mod:`.pidfile`, :mod:`.signals`, :mod:`.log` - Kea's process conventions.

This is the only place besides :mod:`nestor.transport` where the DHCP path
touches the operating system.
"""
