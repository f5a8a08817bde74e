"""Leases: the Lease4/Lease6 model and the LeaseStore interface every backend implements.

Only the model and the interface are imported here, so that the protocol core
can use them without pulling in file or process handling. Backends live in
their own modules: :mod:`nestor.leases.memfile` (Kea's CSV lease files, with
:mod:`nestor.leases.lfc` for the lease file cleanup) and, later, SQL ones.
"""

from nestor.leases.lease import (
    INFINITY_LFT,
    LEASE_TYPE_NAMES,
    Lease,
    Lease4,
    Lease6,
    LeaseState,
    LeaseType,
)
from nestor.leases.store import (
    LeaseFileError,
    LeaseStore,
    LeaseStore4,
    LeaseStore6,
    LeaseStoreError,
    NoSuchLease,
)

__all__ = [
    "INFINITY_LFT",
    "LEASE_TYPE_NAMES",
    "Lease",
    "Lease4",
    "Lease6",
    "LeaseFileError",
    "LeaseState",
    "LeaseStore",
    "LeaseStore4",
    "LeaseStore6",
    "LeaseStoreError",
    "LeaseType",
    "NoSuchLease",
]
