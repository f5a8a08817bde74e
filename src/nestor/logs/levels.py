"""Kea's severities and the debug levels its messages are logged at.

A logger set to DEBUG with ``debuglevel`` N shows debug messages logged at
levels 0..N (Kea manual, "Logging Levels"); every other severity ignores the
debug level. The ``DBG_*`` names below are the levels Kea's own call sites
use, so a Nestor call site can say what Kea says:
``log.debug(DBG_TRACE_BASIC_DATA, "DHCP4_PACKET_RECEIVED", …)``.
"""

from __future__ import annotations

from enum import IntEnum


class Severity(IntEnum):
    """Ordered so that "at least as severe as" is ``>=``; NONE silences a logger."""

    DEBUG = 0
    INFO = 1
    WARN = 2
    ERROR = 3
    FATAL = 4
    NONE = 5

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Kea's names, case-insensitive (the configuration parser accepts "info")."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unsupported severity {text!r}") from None


MIN_DEBUG_LEVEL = 0
MAX_DEBUG_LEVEL = 99

# Kea's standard debug levels (log_dbglevels.h and the manual's level list).
DBG_START_SHUT = 0          # singular messages at startup and shutdown
DBG_COMMAND = 10            # received commands and configuration
DBG_PKT_HANDLING = 15       # why a packet was dropped
DBG_COMMAND_DATA = 20       # command arguments
DBG_TRACE_BASIC = 40        # processing decisions
DBG_TRACE_BASIC_DATA = 45   # …with the data behind them (subnet selected, packet received)
DBG_TRACE_DETAIL = 50       # lease and packet processing details
DBG_TRACE_DETAIL_DATA = 55  # full packet contents

# The names Kea's DHCP servers use for the same numbers (dhcp4_log.h, dhcp6_log.h).
DBG_DHCP_START = DBG_START_SHUT
DBG_DHCP_SHUT = DBG_START_SHUT
DBG_DHCP_COMMAND = DBG_COMMAND
DBG_DHCP_BASIC = DBG_TRACE_BASIC
DBG_DHCP_BASIC_DATA = DBG_TRACE_BASIC_DATA
DBG_DHCP_HOOKS = DBG_TRACE_BASIC
DBG_DHCP_DETAIL = DBG_TRACE_DETAIL
DBG_DHCP_DETAIL_DATA = DBG_TRACE_DETAIL_DATA
