"""``python -m dhcpbench`` (with ``bench/`` on ``sys.path``): see :mod:`.cli`."""

import sys

from .cli import main

sys.exit(main())
