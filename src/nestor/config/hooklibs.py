"""Recognising what a ``hooks-libraries`` entry names.

Kea loads shared objects; Nestor cannot, so an entry is one of: a library
Kea ships (matched by file name wherever it is installed, e.g.
``/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so``), which Nestor
maps to its built-in equivalent; a Python hook (a ``.py`` file or a dotted
module name); or something else, which ``-t`` refuses as Kea does when a
library fails to load.
"""

from __future__ import annotations

import os
import re
from enum import Enum

# Hook libraries of Kea 2.2 and 3.x (open source and premium/subscriber), by file name.
KEA_HOOK_LIBRARIES = frozenset({
    "libdhcp_bootp.so", "libdhcp_cb_cmds.so", "libdhcp_class_cmds.so",
    "libdhcp_ddns_gss_tsig.so", "libddns_gss_tsig.so", "libdhcp_flex_id.so",
    "libdhcp_flex_option.so", "libdhcp_forensic_log.so", "libdhcp_ha.so",
    "libdhcp_host_cache.so", "libdhcp_host_cmds.so", "libdhcp_lease_cmds.so",
    "libdhcp_lease_query.so", "libdhcp_legal_log.so", "libdhcp_limits.so",
    "libdhcp_mysql.so", "libdhcp_mysql_cb.so", "libdhcp_perfmon.so", "libdhcp_pgsql.so",
    "libdhcp_pgsql_cb.so", "libdhcp_ping_check.so", "libdhcp_radius.so",
    "libdhcp_run_script.so", "libdhcp_rbac.so", "libca_rbac.so", "libdhcp_stat_cmds.so",
    "libdhcp_subnet_cmds.so", "libdhcp_user_chk.so",
})

_MODULE = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


class LibraryKind(Enum):
    KEA = "kea"  # one of Kea's libraries: Nestor's built-in equivalent
    PYTHON = "python"  # a Python hook module
    UNKNOWN = "unknown"


def classify_library(path: str) -> LibraryKind:
    name = os.path.basename(path)
    if name in KEA_HOOK_LIBRARIES:
        return LibraryKind.KEA
    if name.endswith(".so") or ".so." in name:
        return LibraryKind.UNKNOWN
    if path.endswith(".py") or _MODULE.fullmatch(path):
        return LibraryKind.PYTHON
    return LibraryKind.UNKNOWN
