"""``nestor-dhcp4``: the DHCPv4 server's command line (Kea's ``kea-dhcp4`` flags)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from nestor.daemons.common import main as _main


def main(argv: Sequence[str] | None = None) -> int:
    return _main(argv, 4)


if __name__ == "__main__":
    sys.exit(main())
