#!/usr/bin/env python3
"""Regenerate ``src/nestor/logs/kea_messages.tsv`` from kea-doc's message manual.

Kea's log interface is the set of message identifiers with their severity and
one-line template (``%1``, ``%2`` … placeholders). kea-doc ships them in
``kea-messages.rst.txt``: a ``**ID**`` line, a blank line, the template, then an
indented explanation. Only the identifier and the template are taken; the
explanation is read for a word naming the severity (Kea's message files carry
no severity field; the call site picks it, and the manual's prose states it).
Where the prose names none, or names the wrong one, ``SEVERITY_OVERRIDES``
below decides: entries marked "seen" were checked against Kea 2.2's own log
output, the others follow the call sites in Kea 2.2's sources.

Usage: scripts/gen_kea_messages.py [RST] [OUT]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

DEFAULT_RST = Path("/usr/share/doc/kea/html/_sources/kea-messages.rst.txt")
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "src/nestor/logs/kea_messages.tsv"

ENTRY = re.compile(r"^\*\*([A-Z][A-Z0-9_]*)\*\*\n\n(.+)\n\n((?:  .*\n|\n)*)", re.M)

# "This is a fatal error message", "This debug message", "A warning message"…:
# the phrase that names the severity, looked for in the explanation's start.
PHRASE = re.compile(r"\b(debug|debugging|informational|information|info|warning|error|fatal)"
                    r"(?:\s+(?:error|level|log))?\s+(?:message|information|output)", re.I)
# Weaker: the first severity word anywhere in the first two sentences.
WORD = re.compile(r"\b(debug|debugging|informational|info|warning|fatal)\b", re.I)
# Weakest: an explanation that speaks of an error or a failure and names no level.
FAILURE = re.compile(r"\b(error)s?\b", re.I)

WORD_SEVERITY = {
    "debug": "DEBUG", "debugging": "DEBUG",
    "informational": "INFO", "information": "INFO", "info": "INFO",
    "warning": "WARN", "error": "ERROR", "fatal": "FATAL",
}

_DEBUG_IDS = """
ALLOC_ENGINE_V4_DISCOVER_HR ALLOC_ENGINE_V4_OFFER_EXISTING_LEASE ALLOC_ENGINE_V4_OFFER_NEW_LEASE
ALLOC_ENGINE_V4_OFFER_REQUESTED_LEASE ALLOC_ENGINE_V4_REQUEST_ADDRESS_RESERVED
ALLOC_ENGINE_V4_REQUEST_ALLOC_REQUESTED ALLOC_ENGINE_V4_REQUEST_EXTEND_LEASE
ALLOC_ENGINE_V4_REQUEST_INVALID ALLOC_ENGINE_V4_REQUEST_IN_USE ALLOC_ENGINE_V4_REQUEST_OUT_OF_POOL
ALLOC_ENGINE_V4_REQUEST_PICK_ADDRESS ALLOC_ENGINE_V4_REQUEST_REMOVE_LEASE
ALLOC_ENGINE_V4_REQUEST_USE_HR ALLOC_ENGINE_V4_REUSE_EXPIRED_LEASE_DATA
ALLOC_ENGINE_V6_ALLOC_LEASES_HR ALLOC_ENGINE_V6_ALLOC_LEASES_NO_HR
ALLOC_ENGINE_V6_ALLOC_NO_LEASES_HR
ALLOC_ENGINE_V6_ALLOC_NO_V6_HR ALLOC_ENGINE_V6_EXPIRED_HINT_RESERVED ALLOC_ENGINE_V6_HINT_RESERVED
ALLOC_ENGINE_V6_RENEW_REMOVE_RESERVED ALLOC_ENGINE_V6_REUSE_EXPIRED_LEASE_DATA
DATABASE_MYSQL_COMMIT DATABASE_MYSQL_ROLLBACK DATABASE_PGSQL_COMMIT DATABASE_PGSQL_ROLLBACK
DATABASE_PGSQL_CREATE_SAVEPOINT DATABASE_PGSQL_ROLLBACK_SAVEPOINT
DHCPSRV_MEMFILE_BEGIN_TRANSACTION DHCPSRV_MEMFILE_COMMIT DHCPSRV_MEMFILE_ROLLBACK
DHCPSRV_MYSQL_BEGIN_TRANSACTION DHCPSRV_MYSQL_COMMIT DHCPSRV_MYSQL_ROLLBACK
DHCPSRV_PGSQL_BEGIN_TRANSACTION DHCPSRV_PGSQL_COMMIT DHCPSRV_PGSQL_ROLLBACK
DHCPSRV_DHCP4O6_RECEIVED_BAD_PACKET DHCP4_DHCP4O6_BAD_PACKET DHCP4_DHCP4O6_PACKET_SEND
DHCP4_HOOK_DDNS_UPDATE DHCP4_HOOK_DECLINE_SKIP DHCP4_PACKET_DROP_0001 DHCP4_PACKET_DROP_0007
DHCP4_PACKET_NAK_0003 DHCP4_PACKET_NAK_0004 DHCP4_PACKET_SEND DHCP4_UNKNOWN_ADDRESS_REQUESTED
DHCP6_ADD_GLOBAL_STATUS_CODE DHCP6_ADD_STATUS_CODE_FOR_IA DHCP6_HOOK_DDNS_UPDATE
DHCP6_HOOK_DECLINE_DROP DHCP6_HOOK_DECLINE_SKIP DHCP6_LEASE_ADVERT_FAIL DHCP6_LEASE_ALLOC_FAIL
DHCP6_PACKET_DROP_PARSE_FAIL DHCP6_PACKET_PROCESS_FAIL DHCP6_PACKET_SEND
DHCP6_PD_LEASE_ADVERT_FAIL DHCP6_PD_LEASE_ALLOC_FAIL DHCP6_PROCESS_IA_NA_EXTEND
DHCP6_PROCESS_IA_NA_RELEASE DHCP6_PROCESS_IA_PD_EXTEND DHCP6_REQUIRED_OPTIONS_CHECK_FAIL
HOOKS_HOOK_LIST_RESET HOSTS_CFG_CLOSE_HOST_DATA_SOURCE
"""

_INFO_IDS = """
DCTL_OPEN_CONFIG_DB DHCP4_OPEN_CONFIG_DB DHCP6_OPEN_CONFIG_DB DHCPSRV_CFGMGR_USE_ADDRESS
DHCP4_ACTIVATE_INTERFACE DHCP4_DEACTIVATE_INTERFACE DHCP6_ACTIVATE_INTERFACE
DHCP6_DEACTIVATE_INTERFACE DHCP4_SHUTDOWN DHCP6_SHUTDOWN
DHCP4_RESERVATIONS_LOOKUP_FIRST_ENABLED DHCP6_RESERVATIONS_LOOKUP_FIRST_ENABLED
DHCP4_TESTING_MODE_SEND_TO_SOURCE_ENABLED LEASE_CMDS_ADD4 LEASE_CMDS_ADD6 LEASE_CMDS_DEL4
LEASE_CMDS_DEL6 LEASE_CMDS_RESEND_DDNS4 LEASE_CMDS_RESEND_DDNS6 LFC_START LFC_PROCESSING
LFC_READ_STATS LFC_ROTATING LFC_TERMINATE STAT_CMDS_LEASE4_GET STAT_CMDS_LEASE6_GET
"""

_WARN_IDS = """
DHCP4_MULTI_THREADING_INFO DHCP6_MULTI_THREADING_INFO DHCP4_DECLINE_LEASE_MISMATCH
HOOKS_NO_VERSION DHCPSRV_UNEXPECTED_NAME STAT_CMDS_LEASE4_ORPHANED_STATS
STAT_CMDS_LEASE6_ORPHANED_STATS
"""

_ERROR_IDS = """
ASIODNS_READ_TIMEOUT ASIODNS_SYNC_UDP_CLOSE_FAIL ASIODNS_TCP_GETREMOTE_FAIL
ASIODNS_TCP_CLOSE_NORESP_FAIL ASIODNS_TCP_READDATA_FAIL ASIODNS_TCP_READLEN_FAIL
ASIODNS_TCP_WRITE_FAIL
ASIODNS_UDP_SYNC_RECEIVE_FAIL DCTL_PARSER_FAIL DCTL_SESSION_FAIL DHCP4_NCR_CREATION_FAILED
DHCP4_POST_ALLOCATION_NAME_UPDATE_FAIL DHCP6_DDNS_GENERATED_FQDN_UPDATE_FAIL
DHCP4_PARSER_COMMIT_EXCEPTION DHCP4_PARSER_COMMIT_FAIL DHCP4_PARSER_EXCEPTION DHCP4_PARSER_FAIL
DHCP6_PARSER_COMMIT_EXCEPTION DHCP6_PARSER_COMMIT_FAIL DHCP6_PARSER_EXCEPTION DHCP6_PARSER_FAIL
DHCP6_NO_INTERFACES HOOKS_INCORRECT_VERSION HOOKS_OPEN_ERROR LEASE_CMDS_ADD4_FAILED
LEASE_CMDS_ADD6_FAILED LEASE_CMDS_DEL4_FAILED LEASE_CMDS_DEL6_FAILED
LEASE_CMDS_RESEND_DDNS4_FAILED STAT_CMDS_LEASE4_FAILED STAT_CMDS_LEASE4_GET_FAILED
STAT_CMDS_LEASE4_GET_INVALID STAT_CMDS_LEASE4_GET_NO_SUBNETS STAT_CMDS_LEASE6_FAILED
STAT_CMDS_LEASE6_GET_FAILED STAT_CMDS_LEASE6_GET_INVALID STAT_CMDS_LEASE6_GET_NO_SUBNETS
LOG_BAD_SEVERITY LOG_BAD_DESTINATION LOG_BAD_STREAM LOG_INPUT_OPEN_FAIL LOG_INVALID_MESSAGE_ID
LOG_NAMESPACE_INVALID_ARG LOG_NO_SUCH_MESSAGE LOG_OPEN_OUTPUT_FAIL LOG_PREFIX_INVALID_ARG
LOG_UNRECOGNIZED_DIRECTIVE LOG_NO_MESSAGE_ID LOG_NO_MESSAGE_TEXT
"""

_FATAL_IDS = """
DCTL_PROCESS_FAILED DHCP4_SERVER_FAILED DHCP6_SERVER_FAILED DHCP4_ALREADY_RUNNING
DHCP6_ALREADY_RUNNING LFC_RUNNING LFC_FAIL_PID_CREATE
LFC_FAIL_PID_DEL LFC_FAIL_PROCESS LFC_FAIL_ROTATE
"""


def _table(**groups: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for severity, ids in groups.items():
        table.update(dict.fromkeys(ids.split(), severity))
    return table


# Decisions the prose cannot make (no severity phrase) or makes wrongly, taken
# from Kea's call sites (LOG_DEBUG/LOG_INFO/… in the sources) or from Kea 2.2's
# own output: DHCP4_MULTI_THREADING_INFO is logged at WARN although it reads
# like information; the LFC failures are FATAL although the prose says "issued".
SEVERITY_OVERRIDES: dict[str, str] = _table(
    DEBUG=_DEBUG_IDS, INFO=_INFO_IDS, WARN=_WARN_IDS, ERROR=_ERROR_IDS, FATAL=_FATAL_IDS)


# Kea 2.2's manual drops the last message of each message file (its generator
# stops one entry early). Their wording below is the string found in Kea 2.2's
# binaries; DHCP6_USING_SERVERID and LFC_WRITE_STATS were also seen in its logs.
MISSING_FROM_MANUAL: dict[str, tuple[str, str]] = {
    "ALLOC_ENGINE_V6_REVOKED_SHARED_PREFIX_LEASE":
        ("INFO", "prefix %1/%2 was revoked from client %3 as it is reserved for %4 other clients"),
    "ASIODNS_UNKNOWN_RESULT":
        ("ERROR", "unknown result (%1) when IOFetch::stop() was executed for I/O to %2(%3)"),
    "COMMAND_WATCH_SOCKET_MARK_READY_ERROR": ("ERROR", "watch socket failed to mark ready: %1"),
    "DATABASE_TO_JSON_ERROR":
        ("ERROR", "Internal logic error: unknown %1 element found in state: %2"),
    "DCTL_UNSUPPORTED_SIGNAL": ("INFO", "ignoring reception of unsupported signal: %1"),
    "DHCP6_USING_SERVERID": ("INFO", "server is using server-id %1 and stores in the file %2"),
    "DHCPSRV_UNKNOWN_DB": ("ERROR", "unknown database type: %1"),
    "DHCP_DDNS_UNCAUGHT_NCR_SEND_HANDLER_ERROR":
        ("ERROR", "unexpected exception thrown from the DHCP-DDNS client send completion "
                  "handler: %1"),
    "DHCP_DDNS_UPDATE_RESPONSE_RECEIVED": ("DEBUG", "Request ID %1: to server: %2 status: %3"),
    "EVAL_RESULT": ("DEBUG", "Expression %1 evaluated to %2"),
    "HOOKS_VERSION_EXCEPTION":
        ("ERROR", "'version' function in hook library %1 threw an exception"),
    "HOSTS_MGR_NON_UNIQUE_IP_UNSUPPORTED":
        ("WARN", "host data source %1 does not support the mode in which IP reservations are "
                 "non-unique"),
    "HTTP_SERVER_RESPONSE_SEND_DETAILS":
        ("DEBUG", "detailed information about response sent to %1:\\n%2"),
    "LEASE_CMDS_RESEND_DDNS6_FAILED": ("ERROR", "lease6-resend-ddns command failed: %1"),
    "LFC_WRITE_STATS": ("INFO", "Leases: %1, attempts: %2, errors: %3."),
    "LOGIMPL_BELOW_MIN_DEBUG":
        ("WARN", "debug level of %1 is too low and will be set to the minimum of %2"),
    "LOG_WRITE_ERROR": ("ERROR", "error writing to %1: %2"),
    "STAT_CMDS_LEASE6_ORPHANED_STATS":
        ("WARN", "stat-lease6-get command omitted statistics for one or more non-existent subnets"),
}


# Seen in Kea 2.2's own logs (kea-dhcp4 and kea-dhcp6 serving perfdhcp, run at
# debuglevel 0, 10, 15, 40, 45, 50, 55 and 99): the logger below the program's
# root that carries the message and, for DEBUG messages, the lowest debuglevel
# showing it. Columns: identifier, logger, debug level ("-" when not DEBUG).
OBSERVED = """
ALLOC_ENGINE_V4_OFFER_EXISTING_LEASE alloc-engine 40
ALLOC_ENGINE_V4_OFFER_NEW_LEASE alloc-engine 40
ALLOC_ENGINE_V4_REQUEST_ALLOC_REQUESTED alloc-engine 40
ALLOC_ENGINE_V4_REQUEST_EXTEND_LEASE alloc-engine 40
ALLOC_ENGINE_V6_ALLOC_LEASES_NO_HR alloc-engine 40
ALLOC_ENGINE_V6_ALLOC_UNRESERVED alloc-engine 40
COMMAND_ACCEPTOR_START commands -
COMMAND_DEREGISTERED commands 10
DHCP4_BUFFER_RECEIVED packets 40
DHCP4_BUFFER_UNPACK options 50
DHCP4_BUFFER_WAIT_SIGNAL packets 50
DHCP4_CLASS_ASSIGNED dhcp4 40
DHCP4_CLIENT_HOSTNAME_PROCESS ddns 50
DHCP4_COMMAND_RECEIVED dhcp4 10
DHCP4_CONFIG_COMPLETE dhcp4 -
DHCP4_CONFIG_RECEIVED dhcp4 10
DHCP4_CONFIG_START dhcp4 10
DHCP4_LEASE_ADVERT leases -
DHCP4_LEASE_ALLOC leases -
DHCP4_MULTI_THREADING_INFO dhcp4 -
DHCP4_PACKET_PACK options 50
DHCP4_PACKET_RECEIVED packets 45
DHCP4_PACKET_SEND packets 40
DHCP4_QUERY_DATA packets 55
DHCP4_RELEASE leases -
DHCP4_RESPONSE_DATA packets 55
DHCP4_SHUTDOWN dhcp4 -
DHCP4_SHUTDOWN_REQUEST dhcp4 40
DHCP4_STARTED dhcp4 -
DHCP4_SUBNET_DATA packets 55
DHCP4_SUBNET_SELECTED packets 45
DHCP6_ADD_GLOBAL_STATUS_CODE options 50
DHCP6_ADD_STATUS_CODE_FOR_IA options 50
DHCP6_BUFFER_RECEIVED packets 40
DHCP6_BUFFER_UNPACK options 50
DHCP6_BUFFER_WAIT_SIGNAL packets 50
DHCP6_CLASS_ASSIGNED dhcp6 40
DHCP6_COMMAND_RECEIVED dhcp6 10
DHCP6_CONFIG_COMPLETE dhcp6 -
DHCP6_CONFIG_RECEIVED dhcp6 10
DHCP6_CONFIG_START dhcp6 10
DHCP6_LEASE_ADVERT leases -
DHCP6_LEASE_ALLOC leases -
DHCP6_LEASE_DATA leases 55
DHCP6_MULTI_THREADING_INFO dhcp6 -
DHCP6_PACKET_RECEIVED packets 45
DHCP6_PACKET_SEND packets 40
DHCP6_PD_LEASE_ADVERT leases -
DHCP6_PD_LEASE_ALLOC leases -
DHCP6_PROCESS_IA_NA_RELEASE leases 50
DHCP6_PROCESS_IA_NA_REQUEST leases 50
DHCP6_PROCESS_IA_PD_REQUEST leases 50
DHCP6_QUERY_DATA packets 55
DHCP6_RELEASE_NA leases -
DHCP6_RELEASE_PD leases -
DHCP6_RESPONSE_DATA packets 55
DHCP6_SHUTDOWN dhcp6 -
DHCP6_SHUTDOWN_REQUEST dhcp6 40
DHCP6_STARTED dhcp6 -
DHCP6_SUBNET_DATA packets 55
DHCP6_SUBNET_SELECTED packets 45
DHCP6_USING_SERVERID dhcp6 -
DHCPSRV_CFGMGR_ADD_IFACE dhcpsrv -
DHCPSRV_CFGMGR_ADD_SUBNET4 dhcpsrv 40
DHCPSRV_CFGMGR_ADD_SUBNET6 dhcpsrv 40
DHCPSRV_CFGMGR_CFG_DHCP_DDNS dhcpsrv 40
DHCPSRV_CFGMGR_CONFIGURE_SERVERID dhcpsrv -
DHCPSRV_CFGMGR_NEW_SUBNET4 dhcpsrv -
DHCPSRV_CFGMGR_NEW_SUBNET6 dhcpsrv -
DHCPSRV_CFGMGR_SOCKET_TYPE_DEFAULT dhcpsrv -
DHCPSRV_CFGMGR_SUBNET4_ADDR dhcpsrv 40
DHCPSRV_CFGMGR_SUBNET6_IFACE dhcpsrv 40
DHCPSRV_CLOSE_DB dhcpsrv 40
DHCPSRV_MEMFILE_ADD_ADDR4 dhcpsrv 50
DHCPSRV_MEMFILE_ADD_ADDR6 dhcpsrv 50
DHCPSRV_MEMFILE_DB dhcpsrv -
DHCPSRV_MEMFILE_DELETE_ADDR dhcpsrv 50
DHCPSRV_MEMFILE_GET_ADDR4 dhcpsrv 50
DHCPSRV_MEMFILE_GET_ADDR6 dhcpsrv 50
DHCPSRV_MEMFILE_GET_CLIENTID dhcpsrv 50
DHCPSRV_MEMFILE_GET_HWADDR dhcpsrv 50
DHCPSRV_MEMFILE_GET_IAID_DUID dhcpsrv 50
DHCPSRV_MEMFILE_LEASE_FILE_LOAD dhcpsrv -
DHCPSRV_MEMFILE_LFC_SETUP dhcpsrv -
DHCPSRV_MEMFILE_UPDATE_ADDR4 dhcpsrv 50
DHCPSRV_MEMFILE_UPDATE_ADDR6 dhcpsrv 50
DHCPSRV_QUEUE_NCR_SKIP dhcpsrv 50
DHCPSRV_SUBNET4_SELECT_BY_RELAY_ADDRESS_NO_MATCH dhcpsrv 40
DHCPSRV_SUBNET4_SELECT_NO_RAI_OPTIONS dhcpsrv 40
DHCPSRV_TIMERMGR_REGISTER_TIMER dhcpsrv 40
DHCPSRV_TIMERMGR_START_TIMER dhcpsrv 40
DHCPSRV_TIMERMGR_UNREGISTER_ALL_TIMERS dhcpsrv 40
DHCPSRV_TIMERMGR_UNREGISTER_TIMER dhcpsrv 40
HOSTS_BACKENDS_REGISTERED hosts -
HOSTS_CFG_ADD_HOST hosts 40
HOSTS_CFG_GET_ALL_ADDRESS4 hosts 40
HOSTS_CFG_GET_ALL_ADDRESS4_COUNT hosts 45
HOSTS_CFG_GET_ALL_IDENTIFIER hosts 40
HOSTS_CFG_GET_ALL_IDENTIFIER_COUNT hosts 45
HOSTS_CFG_GET_ALL_SUBNET_ID_ADDRESS6 hosts 40
HOSTS_CFG_GET_ALL_SUBNET_ID_ADDRESS6_COUNT hosts 45
HOSTS_CFG_GET_ONE_SUBNET_ID_ADDRESS4 hosts 40
HOSTS_CFG_GET_ONE_SUBNET_ID_ADDRESS4_NULL hosts 45
HOSTS_CFG_GET_ONE_SUBNET_ID_ADDRESS6 hosts 40
HOSTS_CFG_GET_ONE_SUBNET_ID_ADDRESS6_NULL hosts 45
HOSTS_CFG_GET_ONE_SUBNET_ID_IDENTIFIER hosts 40
HOSTS_CFG_GET_ONE_SUBNET_ID_IDENTIFIER_NULL hosts 45
"""


def observed() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for line in OBSERVED.strip().splitlines():
        msg_id, logger, level = line.split()
        table[msg_id] = (logger, "" if level == "-" else level)
    return table


def first_sentences(prose: str, count: int = 2) -> str:
    parts = re.split(r"(?<=[.!?])\s+", prose)
    return " ".join(parts[:count])


def severity_of(msg_id: str, prose: str) -> str:
    if msg_id in SEVERITY_OVERRIDES:
        return SEVERITY_OVERRIDES[msg_id]
    head = first_sentences(prose)
    for pattern in (PHRASE, WORD, FAILURE):
        found = pattern.search(head)
        if found:
            return WORD_SEVERITY[found.group(1).lower()]
    raise SystemExit(f"no severity known for {msg_id}: add it to SEVERITY_OVERRIDES "
                     f"({head[:100]!r})")


def escape(template: str) -> str:
    """One line per message: tabs would break the columns; ``\\n`` stays as written."""
    if "\t" in template:
        raise SystemExit(f"tab in template {template!r}")
    return template


def parse(text: str) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for match in ENTRY.finditer(text):
        msg_id, template, prose = match.group(1), match.group(2), " ".join(match.group(3).split())
        if msg_id in seen:
            raise SystemExit(f"duplicate identifier {msg_id}")
        seen.add(msg_id)
        rows.append((msg_id, severity_of(msg_id, prose), escape(template.strip())))
    return rows


def row_text(msg_id: str, severity: str, template: str,
             seen: dict[str, tuple[str, str]]) -> str:
    logger, level = seen.get(msg_id, ("", ""))
    return f"{msg_id}\t{severity}\t{level}\t{logger}\t{template}\n"


def main(argv: list[str]) -> int:
    rst = Path(argv[1]) if len(argv) > 1 else DEFAULT_RST
    out = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    text = rst.read_text(encoding="utf-8")
    rows = parse(text)
    declared = text.count("\n**")
    if len(rows) != declared:
        raise SystemExit(f"parsed {len(rows)} entries but the manual has {declared}")
    known = {row[0] for row in rows}
    rows += [(i, sev, tmpl) for i, (sev, tmpl) in MISSING_FROM_MANUAL.items() if i not in known]
    seen = observed()
    header = ("# Kea message catalogue: identifier, severity, debuglevel, logger, template\n"
              "# (%1..%N placeholders; debuglevel and logger as seen in Kea 2.2, else empty).\n"
              f"# Generated by scripts/gen_kea_messages.py from {rst.name}; do not edit.\n")
    body = "".join(row_text(msg_id, severity, template, seen)
                   for msg_id, severity, template in sorted(rows))
    out.write_text(header + body, encoding="utf-8")
    print(f"{len(rows)} messages written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
