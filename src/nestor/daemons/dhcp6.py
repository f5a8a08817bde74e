"""``nestor-dhcp6``: the DHCPv6 server's command line (Kea's ``kea-dhcp6`` flags)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from nestor.daemons.common import main as _main


def main(argv: Sequence[str] | None = None) -> int:
    return _main(argv, 6)


if __name__ == "__main__":
    sys.exit(main())
