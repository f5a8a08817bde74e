"""Kea-compatible logging: the same message identifiers, severities, loggers and line format.

Call sites use Kea's vocabulary::

    from nestor.logs import DBG_TRACE_BASIC_DATA, get_logger

    packet_log = get_logger("packets")          # kea-dhcp4.packets once set up
    packet_log.debug(DBG_TRACE_BASIC_DATA, "DHCP4_PACKET_RECEIVED", label, name, ...)
    lease_log = get_logger("leases")
    lease_log.info("DHCP4_LEASE_ALLOC", label, address, lifetime)

and the daemon sets logging up (``nestor.logs.setup``: :func:`startup` before
the configuration is read, :func:`configure` with its ``loggers`` list after).
Until then nothing is written. Identifiers, severities and wording come from
Kea's message catalogue (``nestor.logs.messages``); every line looks like
``2019-08-05 14:27:45.871 INFO  [kea-dhcp4.dhcp4/1234.139873829423936]
DHCP4_STARTED Kea DHCPv4 server version 2.2.0 started``.

This package imports no socket code: the syslog output lives in
``nestor.logs.syslog_output`` and is only loaded by ``nestor.logs.setup``.
"""

from nestor.logs.core import MANAGER, Logger, LogManager, Spec, get_logger
from nestor.logs.levels import (
    DBG_COMMAND,
    DBG_COMMAND_DATA,
    DBG_DHCP_BASIC,
    DBG_DHCP_BASIC_DATA,
    DBG_DHCP_COMMAND,
    DBG_DHCP_DETAIL,
    DBG_DHCP_DETAIL_DATA,
    DBG_DHCP_HOOKS,
    DBG_DHCP_SHUT,
    DBG_DHCP_START,
    DBG_PKT_HANDLING,
    DBG_START_SHUT,
    DBG_TRACE_BASIC,
    DBG_TRACE_BASIC_DATA,
    DBG_TRACE_DETAIL,
    DBG_TRACE_DETAIL_DATA,
    MAX_DEBUG_LEVEL,
    Severity,
)
from nestor.logs.messages import CATALOGUE, Catalogue, Message

__all__ = [
    "CATALOGUE",
    "DBG_COMMAND",
    "DBG_COMMAND_DATA",
    "DBG_DHCP_BASIC",
    "DBG_DHCP_BASIC_DATA",
    "DBG_DHCP_COMMAND",
    "DBG_DHCP_DETAIL",
    "DBG_DHCP_DETAIL_DATA",
    "DBG_DHCP_HOOKS",
    "DBG_DHCP_SHUT",
    "DBG_DHCP_START",
    "DBG_PKT_HANDLING",
    "DBG_START_SHUT",
    "DBG_TRACE_BASIC",
    "DBG_TRACE_BASIC_DATA",
    "DBG_TRACE_DETAIL",
    "DBG_TRACE_DETAIL_DATA",
    "MANAGER",
    "MAX_DEBUG_LEVEL",
    "Catalogue",
    "LogManager",
    "Logger",
    "Message",
    "Severity",
    "Spec",
    "get_logger",
]
