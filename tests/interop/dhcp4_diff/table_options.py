"""Scenarios on how configured option data is assembled into replies (``basic`` group).

Option 43 whose binary data already holds sub-options, in a subnet (10.10.0.0/24) that
also configures sub-options of ``vendor-encapsulated-options-space``: Kea 2.2 keeps the
data's sub-options and adds a configured one only when the data holds none of its code
(sub-option 1 comes from the data, 3 from the configuration; 1 is not sent twice).
"""

from __future__ import annotations

from tests.interop.dhcp4_diff.steps import Scenario
from tests.interop.dhcp4_diff.table_base import disc, steps

VENDOR_PRL = (55, "u8s:1,3,43")

OPTIONS: tuple[Scenario, ...] = (
    Scenario("vendor-43-data-and-suboptions", "basic",
             steps(disc("02:00:00:0a:00:01", VENDOR_PRL, giaddr="10.10.0.1")),
             kea="OFFER 10.10.0.100",
             covers="option 43 data holding sub-options 1 and 2 plus configured sub-options "
                    "1 and 3: the data's 1 and 2, then 3, each once"),
)
