"""``lease4-write``/``lease6-write``: the whole lease database as one Kea CSV lease file.

Like Kea's memfile ``writeLeases4``, an existing file of that name is first kept
as ``NAME.bak<pid>``, then every lease is written with the current schema's
header. The file a persistent memfile store appends to is refused: the store
keeps that file open, and replacing it underneath would send later changes to
the backup.
"""

from __future__ import annotations

import os
from typing import Any

from nestor.control.lease_json import Refused
from nestor.leases.leasefile import write_lease_file
from nestor.leases.rows import SCHEMA4, SCHEMA6
from nestor.leases.store import LeaseStore, LeaseStore6


def _current_file(store: LeaseStore[Any]) -> str | None:
    files = getattr(store, "files", None)
    name = getattr(files, "name", None)
    return name if isinstance(name, str) else None


def write_leases(store: LeaseStore[Any], filename: str) -> None:
    current = _current_file(store)
    if current is not None and os.path.realpath(current) == os.path.realpath(filename):
        raise Refused(f"'{filename}' is the lease file in use; choose another file name")
    try:
        if os.path.exists(filename):
            os.replace(filename, f"{filename}.bak{os.getpid()}")
        if isinstance(store, LeaseStore6):
            write_lease_file(filename, SCHEMA6, store.all())
        else:
            write_lease_file(filename, SCHEMA4, store.all())
    except OSError as exc:
        raise Refused(f"unable to write leases to '{filename}': {exc.strerror}") from None
